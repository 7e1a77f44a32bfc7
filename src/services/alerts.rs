//! Early warning and escalation (issue 16 item 2): the scheduler that evaluates the rules, and
//! what staff and administrators read of it.
//!
//! Any instance runs [`run_scheduler`] (`serve` with the worker on, or `motcua worker`). Each rule
//! whose tick has come is evaluated in **one transaction** that starts by claiming the tick
//! (`storage::alerts::claim_tick`, a conditional update of `next_run_at`): a second instance's
//! claim waits for the first to commit and then finds the tick taken, so exactly one instance
//! evaluates it. A firing is a row unique by (rule, dossier, occurrence), written with its notices
//! (the `notifications` outbox, channel `staff`) in that transaction: re-evaluation never fires or
//! notifies twice. An open alert whose condition has ended (the dossier moved on, finished, was
//! received) is closed by the next evaluation of its rule.
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::auth::extractor::Who;
use crate::auth::Caller;
use crate::clock::Clock;
use crate::domain::alerts::{self, AlertKind, AlertRule, Recipient, Watched};
use crate::domain::calendar::{to_vietnam, WorkingCalendar};
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::alerts::{self as store, AlertRow, AlertScope, Candidate, OpenAlert, RuleRow, StaffRow};
use crate::storage::outbox::{self, NewNotice, NotificationRow};
use crate::storage::{self, AnyConnection, Pool};

/// The notices' `kind`.
pub const NOTICE_KIND: &str = "oversight_alert";
/// Staff notices: read in the application (staff accounts carry no email or phone number).
pub const STAFF_CHANNEL: &str = "staff";
/// The most alerts a list returns.
pub const LIST_LIMIT: i64 = 500;

/// Loads the rules of `text` that are not stored yet (by id; a stored rule is kept as it is),
/// their first tick at `now`. Returns how many were added.
pub fn load_rules(conn: &mut AnyConnection, text: &str, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let rules = alerts::read_rules(text)?;
    let mut added = 0;
    for rule in rules {
        if store::exists(conn, &rule.id)? {
            continue;
        }
        store::insert_rule(
            conn,
            &RuleRow {
                id: rule.id.clone(),
                kind: rule.kind.as_str().to_string(),
                title: rule.title.clone(),
                threshold_hours: rule.threshold_hours as i32,
                level: rule.level as i32,
                recipients: rule.recipients.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
                interval_minutes: rule.interval_minutes as i32,
                source: rule.source.clone(),
                enabled: true,
                next_run_at: now.naive_utc(),
                last_run_at: None,
                last_run_by: None,
                last_fired: 0,
                fired_total: 0,
            },
        )?;
        added += 1;
    }
    Ok(added)
}

/// The rule a stored row holds (checked again: a row edited by hand into nonsense is skipped).
fn rule_of(row: &RuleRow) -> Option<AlertRule> {
    alerts::RuleEntry {
        id: row.id.clone(),
        kind: row.kind.clone(),
        title: row.title.clone(),
        threshold_hours: u32::try_from(row.threshold_hours).ok()?,
        level: u32::try_from(row.level).ok()?,
        recipients: row.recipients.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        interval_minutes: u32::try_from(row.interval_minutes).ok()?,
        source: row.source.clone(),
    }
    .check()
    .ok()
}

/// What one evaluated tick did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub rule: String,
    pub fired: usize,
    pub notices: usize,
    pub closed: usize,
}

/// Evaluates every rule whose tick has come and that this caller claims, each in its own
/// transaction. Ticks another instance took are skipped. A rule whose evaluation fails is logged
/// and left due (its claim rolled back with it: the next pass tries again, and the administrators'
/// page shows it stale if it keeps failing); the others go on.
pub fn evaluate_due(conn: &mut AnyConnection, now: DateTime<Utc>, worker: &str) -> Result<Vec<Tick>, AppError> {
    let mut done = Vec::new();
    for (id, interval) in store::due_rules(conn, now.naive_utc())? {
        match evaluate_tick(conn, &id, interval, now, worker) {
            Ok(Some(tick)) => done.push(tick),
            Ok(None) => {}
            Err(e) => tracing::error!(rule = %id, error = %e, "evaluating an alert rule failed; retrying later"),
        }
    }
    Ok(done)
}

/// Claims and evaluates one rule's tick, in one transaction; None when another instance has it.
pub fn evaluate_tick(
    conn: &mut AnyConnection,
    id: &str,
    interval_minutes: i32,
    now: DateTime<Utc>,
    worker: &str,
) -> Result<Option<Tick>, AppError> {
    crate::storage::transaction(conn, |conn| {
        let at = now.naive_utc();
        let next = at + TimeDelta::minutes(i64::from(interval_minutes.max(1)));
        let Some(row) = store::claim_tick(conn, id, worker, at, next)? else { return Ok(None) };
        let Some(rule) = rule_of(&row) else {
            tracing::warn!(rule = %id, "alert rule stored with invalid settings: skipped");
            return Ok(Some(Tick { rule: id.to_string(), fired: 0, notices: 0, closed: 0 }));
        };
        let tick = evaluate(conn, &rule, now)?;
        store::record_fired(conn, id, tick.fired as i32)?;
        Ok(Some(tick))
    })
}

/// The candidates of a rule at `now`, read with bounds wide enough for the calendar's exact test.
fn candidates(
    conn: &mut AnyConnection,
    rule: &AlertRule,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, AppError> {
    let at = now.naive_utc();
    Ok(match rule.kind {
        AlertKind::StepDueWithin => {
            store::steps_due_between(conn, at, rule.warning_horizon(calendar, now).naive_utc())?
        }
        AlertKind::DueWithin => store::promised_between(conn, at, rule.warning_horizon(calendar, now).naive_utc())?,
        AlertKind::Overdue => {
            let bound = rule.escalation_bound(now).naive_utc();
            store::promised_before(conn, bound.min(at - TimeDelta::microseconds(1)))?
        }
        AlertKind::OnlineUnreceived => store::unreceived_since(conn, rule.escalation_bound(now).naive_utc())?,
        AlertKind::ConsultationLate => store::consultations_due_before(conn, at)?,
    })
}

/// One rule's evaluation at `now`: fires for each candidate it holds for and that has not fired
/// for that occurrence, with its notices; closes the open firings whose condition has ended.
fn evaluate(conn: &mut AnyConnection, rule: &AlertRule, now: DateTime<Utc>) -> Result<Tick, AppError> {
    let calendar = storage::calendar::working_calendar(conn)?;
    let holding: Vec<(Candidate, String)> = candidates(conn, rule, &calendar, now)?
        .into_iter()
        .filter(|c| {
            let w = Watched { reference: c.reference.and_utc(), answered: c.answered.map(|t| t.and_utc()) };
            rule.fires(&calendar, now, &w)
        })
        .map(|c| {
            let key = alerts::occurrence(c.reference.and_utc(), c.consultation);
            (c, key)
        })
        .collect();
    // Close what no longer holds.
    let still: HashSet<(&str, &str)> = holding.iter().map(|(c, k)| (c.dossier_id.as_str(), k.as_str())).collect();
    let open = store::open_of_rule(conn, &rule.id)?;
    let ended: Vec<String> = open
        .iter()
        .filter(|(_, dossier, occurrence)| !still.contains(&(dossier.as_str(), occurrence.as_str())))
        .map(|(id, _, _)| id.clone())
        .collect();
    let closed = store::close(conn, &ended, now.naive_utc())?;
    // Fire the new ones: those not open already (one statement for all), nor fired and closed before
    // (asked only for the few not open: a condition that ended and holds again fires no second time).
    let still_open: HashSet<(String, String)> = open.into_iter().map(|(_, d, o)| (d, o)).collect();
    let mut new = Vec::new();
    for (c, key) in holding {
        if still_open.contains(&(c.dossier_id.clone(), key.clone())) {
            continue;
        }
        if !store::fired(conn, &rule.id, &c.dossier_id, &key)? {
            new.push((c, key));
        }
    }
    if new.is_empty() {
        return Ok(Tick { rule: rule.id.clone(), fired: 0, notices: 0, closed });
    }
    let about = |c: &Candidate| match rule.kind {
        AlertKind::OnlineUnreceived => c.receiving_agency.clone(),
        _ => c.current_agency.clone(),
    };
    let mut codes: Vec<String> = new.iter().flat_map(|(c, _)| [about(c), c.receiving_agency.clone()]).collect();
    codes.sort();
    codes.dedup();
    let agencies: HashMap<String, (String, Option<String>)> =
        store::agencies_of(conn, &codes)?.into_iter().map(|(code, path, parent)| (code, (path, parent))).collect();
    let staff = store::staff_of(conn, &codes)?;
    let mut notices = Vec::new();
    for (c, key) in &new {
        let agency = about(c);
        let (path, parent) = agencies.get(&agency).cloned().unwrap_or_else(|| (agency.clone(), None));
        let recipients = recipients(rule, c, &agency, &staff);
        let alert = AlertRow {
            id: uuid::Uuid::now_v7().to_string(),
            rule_id: rule.id.clone(),
            dossier_id: c.dossier_id.clone(),
            occurrence: key.clone(),
            dossier_code: c.code.clone().unwrap_or_else(|| c.reference_code.clone()),
            agency_code: agency.clone(),
            agency_path: path,
            counter_agency: c.receiving_agency.clone(),
            listed_for: if rule.recipients.contains(&Recipient::ParentAgency) { parent } else { None },
            deadline_at: c.reference,
            raised_at: now.naive_utc(),
            notified: recipients.len() as i32,
            closed_at: None,
        };
        store::insert_alert(conn, &alert)?;
        for user in recipients {
            notices.push(notice(rule, &alert, user, now));
        }
        tracing::info!(rule = %rule.id, dossier = %alert.dossier_code, agency = %agency, "alert raised");
    }
    outbox::insert_all(conn, &notices)?;
    Ok(Tick { rule: rule.id.clone(), fired: new.len(), notices: notices.len(), closed })
}

/// The staff accounts a firing tells (each once), by the rule's recipients.
fn recipients(rule: &AlertRule, c: &Candidate, agency: &str, staff: &[StaffRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |id: &str| {
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    };
    for r in &rule.recipients {
        match r {
            Recipient::Handler => {
                let handlers: Vec<&StaffRow> =
                    staff.iter().filter(|s| s.2 == agency && (s.1 == "clerk" || s.1 == "specialist")).collect();
                // In the dossier's department when it is in one and that department has staff.
                let in_department: Vec<&&StaffRow> = match &c.department {
                    Some(dep) => handlers.iter().filter(|s| s.3.as_deref() == Some(dep.as_str())).collect(),
                    None => vec![],
                };
                if in_department.is_empty() {
                    handlers.iter().for_each(|s| add(&s.0));
                } else {
                    in_department.iter().for_each(|s| add(&s.0));
                }
            }
            Recipient::AgencyLeader => {
                staff.iter().filter(|s| s.2 == agency && s.1 == "leader").for_each(|s| add(&s.0));
            }
            Recipient::CounterHead => {
                staff.iter().filter(|s| s.2 == c.receiving_agency && s.1 == "leader").for_each(|s| add(&s.0));
            }
            Recipient::ParentAgency => {}
        }
    }
    out
}

/// The in-application notice of a firing to one staff account: the dossier's code, the rule and
/// the deadline; nothing about the applicant.
fn notice(rule: &AlertRule, alert: &AlertRow, user_id: String, now: DateTime<Utc>) -> NotificationRow {
    let when = to_vietnam(alert.deadline_at.and_utc()).format("%H:%M %d/%m/%Y");
    let what = match rule.kind {
        AlertKind::OnlineUnreceived => "nộp lúc",
        AlertKind::ConsultationLate => "hạn trả lời",
        _ => "hạn",
    };
    let n = NewNotice {
        kind: NOTICE_KIND,
        channel: STAFF_CHANNEL,
        recipient: user_id,
        subject: Some(format!("[Cảnh báo mức {}] {}", rule.level, rule.title)),
        body_text: format!("Hồ sơ {}: {} ({what} {when}).", alert.dossier_code, rule.title),
        body_html: None,
    };
    NotificationRow { dossier_id: Some(alert.dossier_id.clone()), ..NotificationRow::pending(n, now) }
}

/// How often an instance looks for rules whose tick has come.
pub const SCHEDULE_EVERY: Duration = Duration::from_secs(30);

/// Evaluates rules as their ticks come, for as long as the process runs: every instance may run
/// it; the claim makes each tick evaluated once. Logs rule ids and counts only.
pub async fn run_scheduler(pool: Pool, clock: Clock, every: Duration) {
    let worker = format!("alerts-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    loop {
        let (now, id) = (clock.now(), worker.clone());
        match storage::run(&pool, move |conn| evaluate_due(conn, now, &id)).await {
            Ok(ticks) => {
                for t in ticks.iter().filter(|t| t.fired > 0 || t.closed > 0) {
                    tracing::info!(rule = %t.rule, fired = t.fired, notices = t.notices, closed = t.closed, "alert rule evaluated");
                }
            }
            Err(e) => tracing::error!(error = %e, "evaluating alert rules failed; retrying later"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Whose alerts a caller reads: staff their agency's (and those received at its counter or listed
/// for it); leaders and administrators also every agency's below theirs.
fn scope_of(conn: &mut AnyConnection, caller: &Caller) -> Result<AlertScope, AppError> {
    caller.require_role(&[Role::Clerk, Role::Specialist, Role::Leader, Role::Admin])?;
    let agency = caller
        .agency
        .as_ref()
        .ok_or_else(|| AppError::new(ErrorCode::RoleNotAllowed, "staff accounts belong to an agency"))?;
    let subtree_path = if matches!(caller.role, Role::Leader | Role::Admin) {
        let row = storage::agencies::find(conn, agency.as_str())?
            .ok_or_else(|| AppError::new(ErrorCode::AgencyNoLongerExists, "your agency no longer exists"))?;
        Some(row.path)
    } else {
        None
    };
    Ok(AlertScope { agency: agency.to_string(), subtree_path })
}

/// The open alerts in the caller's scope (at most [`LIST_LIMIT`], nearest deadline first).
pub fn open_on(conn: &mut AnyConnection, caller: &Caller) -> Result<Vec<OpenAlert>, AppError> {
    let scope = scope_of(conn, caller)?;
    Ok(store::open_in_scope(conn, &scope, LIST_LIMIT)?)
}

/// [`open_on`] on the request's one trip.
pub async fn open(pool: &Pool, who: impl Into<Who>) -> Result<Vec<OpenAlert>, AppError> {
    storage::run_as(pool, who, move |conn, caller| open_on(conn, &caller)).await
}

/// A rule as administrators see it: its settings, its last evaluation and whether it is stale.
#[derive(Debug, Clone)]
pub struct RuleStatus {
    pub row: RuleRow,
    /// Recipients in Vietnamese.
    pub recipients_vi: Vec<&'static str>,
    pub kind_vi: &'static str,
    /// Not evaluated for longer than twice its interval.
    pub stale: bool,
}

/// Every rule with its evaluation's record, judged at `now`.
pub fn rule_status_on(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<Vec<RuleStatus>, AppError> {
    Ok(store::rules(conn)?
        .into_iter()
        .map(|row| {
            let rule = rule_of(&row);
            let stale = row.enabled
                && rule.as_ref().is_none_or(|r| {
                    // Never run: counted from its first tick (when it was loaded).
                    r.is_stale(row.last_run_at.map(|t| t.and_utc()), row.next_run_at.and_utc(), now)
                });
            RuleStatus {
                recipients_vi: rule
                    .as_ref()
                    .map(|r| r.recipients.iter().map(|x| x.label_vi()).collect())
                    .unwrap_or_default(),
                kind_vi: AlertKind::parse(&row.kind).map_or("?", AlertKind::label_vi),
                stale,
                row,
            }
        })
        .collect())
}
