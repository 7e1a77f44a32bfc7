//! A lived-in demo: months of dossiers at the demo province's agencies, made through the same
//! use cases as the counter and the API (intake, then each action by a demo account allowed to
//! take it), at past moments. So the leader's dashboard has months to chart, the clerks' inboxes
//! have work, and every number is one the real code path produced.
//!
//! Only for the demo (`seed.demo_history`, never in production); the dossiers ask for no notices.
//!
//! Nothing in it happens at or after the `now` it is given: a dossier whose next step would come
//! later stays where it is, open (or, online, waiting to be received), at any hour of any day.
use std::collections::HashMap;

pub mod cutover;

use chrono::{DateTime, Duration, DurationRound, NaiveTime, TimeZone, Timelike, Utc};
use tracing::Instrument;

use crate::auth::extractor::Caller;
use crate::domain::agency::AgencyCode;
use crate::domain::calendar::WorkingCalendar;
use crate::domain::dossier::Status;
use crate::domain::procedure::StepTarget;
use crate::domain::user::Role;
use crate::services::dossiers::{self, ActionInput, DossierRecord, IntakeInput, Links};
use crate::storage::agencies::{self as agency_store, AgencyFilter};
use crate::storage::procedures::{self as procedure_store, ProcedureFilter};
use crate::storage::{self, demo_history, dossiers as dossier_store, users, Pool};

/// What a demo load made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoReport {
    /// Dossiers intake accepted, online submissions included.
    pub dossiers: usize,
    /// Online submissions whose receipt would have come at or after `now`: still waiting for a clerk.
    pub awaiting_receipt: usize,
    pub finished: usize,
    pub actions: usize,
    pub ratings: usize,
}

impl std::fmt::Display for DemoReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} demo dossiers ({} finished, {} waiting to be received, {} actions, {} ratings)",
            self.dossiers, self.finished, self.awaiting_receipt, self.actions, self.ratings
        )
    }
}

/// A small deterministic generator (xorshift64*): the same demo every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// 0..n
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `pct` %.
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

/// What will happen to a demo dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Handled well within the time limit.
    Early,
    /// Handled near the end of the time limit.
    Tight,
    /// A supplement asked for during appraisal, then brought.
    Supplement,
    /// Late: the agency apologises with a new date, then finishes after the original one.
    Late,
    /// Refused after appraisal.
    Refused,
}

fn fate(dice: &mut Dice) -> Fate {
    match dice.below(100) {
        0..=54 => Fate::Early,
        55..=74 => Fate::Tight,
        75..=84 => Fate::Supplement,
        85..=93 => Fate::Late,
        _ => Fate::Refused,
    }
}

const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"];
const GIVEN: [&str; 8] =
    ["Văn Hùng", "Thị Lan", "Minh Tuấn", "Thị Hồng", "Quốc Bảo", "Ngọc Mai", "Văn Phúc", "Thị Yến"];

fn caller(u: &users::UserRow) -> Option<Caller> {
    Some(Caller {
        user_id: u.id.clone(),
        username: u.username.clone(),
        role: u.role.parse::<Role>().ok()?,
        agency: match &u.agency_code {
            Some(c) => Some(AgencyCode::parse(c).ok()?),
            None => None,
        },
    })
}

/// The agency a route step runs at, for a dossier received at `receiving` (as intake resolves it).
fn step_agency(target: &str, receiving: &str, tree: &HashMap<String, (String, Option<String>)>) -> Option<String> {
    match StepTarget::parse(target).ok()? {
        StepTarget::Receiving => Some(receiving.to_string()),
        StepTarget::Agency(code) => Some(code.to_string()),
        StepTarget::AncestorAt(level) => {
            let mut at = Some(receiving.to_string());
            while let Some(code) = at {
                let (l, parent) = tree.get(&code)?;
                if l == level.as_str() {
                    return Some(code);
                }
                at = parent.clone();
            }
            None
        }
    }
}

/// Whether demo accounts can take a dossier of this procedure all the way: a specialist or leader
/// at every processing step, and a leader where it is approved (the last one).
fn staffed_route(
    procedure: &procedure_store::ProcedureRecord,
    receiving: &str,
    tree: &HashMap<String, (String, Option<String>)>,
    staff: &[Caller],
) -> bool {
    let has = |agency: &str, roles: &[Role]| {
        staff.iter().any(|c| roles.contains(&c.role) && c.agency.as_ref().is_some_and(|a| a.as_str() == agency))
    };
    let processing: Vec<Option<String>> = procedure
        .steps
        .iter()
        .filter(|s| s.target != "receiving")
        .map(|s| step_agency(&s.target, receiving, tree))
        .collect();
    let Some(Some(last)) = processing.last() else { return false };
    has(last, &[Role::Leader])
        && processing.iter().all(|a| a.as_deref().is_some_and(|a| has(a, &[Role::Specialist, Role::Leader])))
}

/// `t`, or the next moment the offices are open (7:30–16:30 on a working day, Vietnam time):
/// staff act in office hours.
fn in_office_hours(t: DateTime<Utc>, cal: &WorkingCalendar) -> DateTime<Utc> {
    let local = t.with_timezone(&crate::domain::calendar::vietnam());
    let (day, minutes) = (local.date_naive(), local.time().num_seconds_from_midnight() / 60);
    let (open, close) = (7 * 60 + 30, 16 * 60 + 30);
    if cal.is_working_day(day) && (open..close).contains(&minutes) {
        return t;
    }
    // Keep the minutes' spread, inside the first hours of the next opening.
    let offset = u64::from(minutes % 180) + 30;
    let next = if cal.is_working_day(day) && minutes < open { day } else { cal.next_working_day(day) };
    office_time(next, offset)
}

/// 8:00–16:30 Vietnam time on `day`, as UTC.
fn office_time(day: chrono::NaiveDate, minutes_after_eight: u64) -> DateTime<Utc> {
    let vn = crate::domain::calendar::vietnam();
    let t = NaiveTime::from_hms_opt(8, 0, 0).expect("08:00") + Duration::minutes(minutes_after_eight.min(510) as i64);
    vn.from_local_datetime(&day.and_time(t)).single().expect("a fixed offset has no gaps").with_timezone(&Utc)
}

/// Makes the demo history in the background (a task on the current actix system) and logs one line
/// when it starts and one when it is ready; the use cases' own lines for its dossiers are debug
/// lines there (see `telemetry`), so they do not flood the console.
pub fn spawn_history(pool: Pool, links: Links, now: DateTime<Utc>, days: i64) {
    let span = tracing::info_span!(HISTORY_SPAN);
    actix_web::rt::spawn(
        async move {
            let started = std::time::Instant::now();
            match load_history(&pool, &links, now, days).await {
                Ok(r) if r == DemoReport::default() => {
                    tracing::info!("demo history: none made (the database has dossiers, or another instance made it)")
                }
                Ok(r) => tracing::info!("demo history ready: {r} in {:.1} s", started.elapsed().as_secs_f64()),
                Err(e) => tracing::error!("demo history stopped: {e:#}"),
            }
        }
        .instrument(span),
    );
}

/// The name of the span the background history runs in.
pub const HISTORY_SPAN: &str = "demo_history";

/// Loads the demo history ending at `now`, if this call claims it: the database holds no claim
/// and no dossiers submitted in its span yet. Of several instances starting together on one empty database, one makes
/// it and the others get an empty report.
pub async fn load_history(pool: &Pool, links: &Links, now: DateTime<Utc>, days: i64) -> anyhow::Result<DemoReport> {
    let now = now.duration_trunc(Duration::microseconds(1))?;
    let span_days = i32::try_from(days)?;
    let claimed = storage::run(pool, move |conn| {
        crate::storage::transaction(conn, |conn| {
            if !demo_history::claim(conn, now.naive_utc(), span_days)? {
                return Ok(false);
            }
            // The days before a reorganisation (`cutover`) are older than the history's span.
            let start = (now - Duration::days(days)).naive_utc();
            if dossier_store::count_submitted_since(conn, start)? > 0 {
                // A database in use: the claim stays, with nothing made.
                demo_history::finish(conn, 0)?;
                return Ok(false);
            }
            Ok(true)
        })
    })
    .await?;
    if !claimed {
        return Ok(DemoReport::default());
    }
    let report = make_history(pool, links, now, days).await?;
    let made = i32::try_from(report.dossiers)?;
    storage::run(pool, move |conn| Ok(demo_history::finish(conn, made)?)).await?;
    Ok(report)
}

async fn make_history(pool: &Pool, links: &Links, now: DateTime<Utc>, days: i64) -> anyhow::Result<DemoReport> {
    let (accounts, procedures, agencies, cal) = storage::run(pool, |conn| {
        Ok((
            users::list(conn, None, None)?,
            procedure_store::list_current(conn, &ProcedureFilter::default())?,
            agency_store::list(conn, &AgencyFilter::default())?,
            storage::calendar::working_calendar(conn)?,
        ))
    })
    .await?;
    let tree: HashMap<String, (String, Option<String>)> =
        agencies.into_iter().map(|a| (a.code, (a.level, a.parent_code))).collect();
    tracing::info!(
        days,
        "first start: making the demo history's dossiers through the real use cases, in the background"
    );
    let demo: Vec<Caller> =
        accounts.iter().filter(|u| u.is_demo && u.disabled_at.is_none()).filter_map(caller).collect();
    let citizens: Vec<&Caller> = demo.iter().filter(|c| c.role == Role::Citizen).collect();
    let counters: Vec<&Caller> = demo.iter().filter(|c| c.role == Role::Clerk).collect();
    anyhow::ensure!(!counters.is_empty(), "the demo history needs the demo accounts (seeds/demo)");

    let mut dice = Dice(0x6d6f_7463_7561_2026);
    let mut report = DemoReport::default();
    // (counter, procedure) pairs that intake refused: not tried again.
    let mut refused_pairs = std::collections::HashSet::new();
    let today = now.with_timezone(&crate::domain::calendar::vietnam()).date_naive();
    for back in (1..=days).rev() {
        let day = today - Duration::days(back);
        // Counters open on working days (weekends and public holidays off, compensatory Saturdays on).
        if !cal.is_working_day(day) {
            continue;
        }
        for clerk in &counters {
            let receiving = clerk.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
            for _ in 0..dice.below(4) {
                // A procedure this counter receives and the demo accounts can take to the end.
                let candidate = (0..8).map(|_| &procedures[dice.below(procedures.len() as u64) as usize]).find(|p| {
                    !refused_pairs.contains(&(clerk.username.clone(), p.procedure.code.clone()))
                        && staffed_route(p, &receiving, &tree, &demo)
                });
                let Some(chosen) = candidate else { continue };
                let procedure = &chosen.procedure;
                let at = office_time(day, dice.below(480));
                if at >= now {
                    continue;
                }
                let online = procedure.online_level >= 3 && !citizens.is_empty() && dice.chance(45);
                let applicant = (
                    format!("{} {}", FAMILY[dice.below(8) as usize], GIVEN[dice.below(8) as usize]),
                    format!("0921900{:05}", dice.below(100_000)),
                    format!("09{:08}", dice.below(100_000_000)),
                );
                let input = IntakeInput {
                    procedure_code: procedure.code.clone(),
                    channel: if online {
                        "online"
                    } else if dice.chance(5) {
                        "postal"
                    } else {
                        "direct"
                    }
                    .into(),
                    agency_code: Some(receiving.clone()),
                    name: applicant.0,
                    id_number: applicant.1,
                    phone: applicant.2,
                    email: None,
                    address: "Thành phố Cần Thơ".into(),
                    documents: Vec::new(),
                    notify_by: Some("none".into()),
                };
                let submitter = if online { citizens[dice.below(citizens.len() as u64) as usize] } else { clerk };
                let record = match dossiers::intake(pool, links, (*submitter).clone(), input, at).await {
                    Ok(r) => r,
                    Err(_) => {
                        refused_pairs.insert((clerk.username.clone(), procedure.code.clone()));
                        continue;
                    }
                };
                report.dossiers += 1;
                let current = record.row.current_agency.to_string();
                let mut walk = Walk { pool, links, staff: &demo, cal: &cal, now, at, actions: 0, current };
                // An online dossier waits for a clerk to receive it (the same day, or the next).
                let received = if online {
                    walk.at += Duration::minutes(30 + dice.below(900) as i64);
                    walk.act(&record.row.reference, "receive", ActionInput::default()).await
                } else {
                    Some(record)
                };
                if online && received.is_none() {
                    report.awaiting_receipt += 1;
                }
                if let Some(record) = received {
                    if walk.follow(&record, fate(&mut dice), &mut dice).await {
                        report.finished += 1;
                        // Most citizens who applied online rate the service once it is returned.
                        let rated_at = walk.at + Duration::hours(2 + dice.below(48) as i64);
                        if online && rated_at < now && dice.chance(70) {
                            let score = [5, 5, 4, 4, 3, 2][dice.below(6) as usize];
                            let code = record.row.code_or_reference().to_string();
                            // The owner's account is the proof: no PIN, so no throttle is consulted.
                            let (limits, client) = (Default::default(), crate::http::client::ClientAddr::unknown());
                            let owner = Some((*submitter).clone().into());
                            if dossiers::rate(pool, &limits, owner, client, code, score, None, None, rated_at)
                                .await
                                .is_ok()
                            {
                                report.ratings += 1;
                            }
                        }
                    }
                }
                report.actions += walk.actions;
            }
        }
    }
    Ok(report)
}

/// One dossier's way through the agencies, taken by whichever demo account may take each step.
struct Walk<'a> {
    pool: &'a Pool,
    links: &'a Links,
    staff: &'a [Caller],
    cal: &'a WorkingCalendar,
    now: DateTime<Utc>,
    /// The moment of the next action.
    at: DateTime<Utc>,
    actions: usize,
    /// Where the dossier is now: its staff are asked first.
    current: String,
}

impl Walk<'_> {
    /// Takes `action` with the first demo account allowed to, if the moment has come. Returns the
    /// dossier after it, or None when nobody could (or the moment is still in the future).
    ///
    /// The rule that keeps the history in the past: no action at or after `now`, the walk stops
    /// there and the dossier stays where it is.
    async fn act(&mut self, code: &str, action: &str, input: ActionInput) -> Option<DossierRecord> {
        self.at = in_office_hours(self.at, self.cal);
        if self.at >= self.now {
            return None;
        }
        // Staff of the agency holding the dossier first (they take almost every step), then the rest.
        let here = |c: &&Caller| c.agency.as_ref().is_some_and(|a| a.as_str() == self.current);
        let (mut order, others): (Vec<&Caller>, Vec<&Caller>) =
            self.staff.iter().filter(|c| c.role != Role::Citizen).partition(here);
        order.extend(others);
        for who in order {
            let Ok(seen) = dossiers::get_simulated(self.pool, who.clone(), code.to_string(), self.at).await else {
                continue;
            };
            if !seen.allowed_actions.contains(&action) {
                continue;
            }
            let input = ActionInput { action: action.to_string(), ..input.clone() };
            match dossiers::act(self.pool, self.links, who.clone(), code.to_string(), input, self.at).await {
                Ok(after) => {
                    self.actions += 1;
                    self.current = after.row.current_agency.to_string();
                    return Some(after);
                }
                Err(_) => continue,
            }
        }
        None
    }

    /// Moves the dossier along its route to the hand-back, as its fate says. True if finished.
    async fn follow(&mut self, start: &DossierRecord, fate: Fate, dice: &mut Dice) -> bool {
        let code = start.row.code_or_reference().to_string();
        let (Some(received), Some(due)) = (start.row.received_at, start.row.due_at) else { return false };
        let mut due = due.and_utc();
        let span = (due - received.and_utc()).max(Duration::hours(4));
        // The share of the time limit the whole handling takes.
        let share = match fate {
            Fate::Early | Fate::Supplement | Fate::Refused => 25 + dice.below(40),
            Fate::Tight => 75 + dice.below(20),
            Fate::Late => 115 + dice.below(40),
        } as i32;
        let step = span * share / 100 / 5;
        let mut supplement_asked = false;
        let mut extended = false;
        for _ in 0..16 {
            self.at += step + Duration::minutes(dice.below(90) as i64);
            let mut record = None;
            if fate == Fate::Supplement && !supplement_asked {
                let missing = vec!["Bản sao giấy tờ chứng minh chỗ ở hợp pháp".to_string()];
                record = self
                    .act(&code, "request_supplement", ActionInput { missing: Some(missing), ..Default::default() })
                    .await;
                if record.is_some() {
                    supplement_asked = true;
                    self.at += Duration::days(1 + dice.below(3) as i64);
                    record = self.act(&code, "submit_supplement", ActionInput::default()).await;
                    if record.is_none() {
                        return false;
                    }
                    if let Some(d) = record.as_ref().and_then(|r| r.row.due_at) {
                        due = d.and_utc();
                    }
                    continue;
                }
            }
            if fate == Fate::Late && !extended && self.at + Duration::days(3) >= due {
                let new_due = (due + Duration::days(7)).with_timezone(&crate::domain::calendar::vietnam());
                let input = ActionInput {
                    new_due_date: Some(new_due.date_naive().to_string()),
                    reason: Some("Cần xác minh thêm với cơ quan liên quan".into()),
                    ..Default::default()
                };
                if self.act(&code, "extend", input).await.is_some() {
                    extended = true;
                }
            }
            if fate == Fate::Refused {
                let input = ActionInput {
                    reason: Some("Hồ sơ không đủ điều kiện theo quy định".into()),
                    ..Default::default()
                };
                if self.act(&code, "refuse", input).await.is_some() {
                    continue;
                }
            }
            for action in ["transfer", "approve", "finish", "return_result"] {
                record = self.act(&code, action, ActionInput::default()).await;
                if record.is_some() {
                    break;
                }
            }
            match record {
                Some(r) if r.row.status == Status::Returned || r.row.returned_at.is_some() => return true,
                Some(_) => {}
                None => return false,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn vn(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        let day = NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
        crate::domain::calendar::vietnam()
            .from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn staff_act_in_office_hours_on_working_days() {
        // 2/9/2026 (Wednesday) is National Day.
        let cal = WorkingCalendar::new([NaiveDate::from_ymd_opt(2026, 9, 2).unwrap()], []);
        let local = |t: DateTime<Utc>| t.with_timezone(&crate::domain::calendar::vietnam()).naive_local();
        assert_eq!(in_office_hours(vn(1, 10, 0), &cal), vn(1, 10, 0), "Tuesday morning stays");
        assert_eq!(local(in_office_hours(vn(1, 6, 0), &cal)).date(), NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        for (late, next) in [(vn(1, 18, 0), 3), (vn(2, 10, 0), 3), (vn(4, 23, 0), 7), (vn(5, 10, 0), 7)] {
            let t = local(in_office_hours(late, &cal));
            assert_eq!(t.date(), NaiveDate::from_ymd_opt(2026, 9, next).unwrap(), "{late}");
            assert!((8..12).contains(&t.hour()), "{t}");
        }
    }
}
