//! Dossier use cases: intake, actions, reading within scope, inbox. One transaction each.
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection;

use crate::auth::Caller;
use crate::domain::applicant::Applicant;
use crate::domain::calendar::{Timeliness, WorkingCalendar};
use crate::domain::dossier::{
    Action, Actor, Channel, Decision, Dossier, DossierCode, DossierKey, Handover, RoutedStep, RuleError, Status,
    SubmissionReference, SupplementStage,
};
use crate::domain::notice::{self, NoticeFacts, NoticeKind, Preference};
use crate::domain::stats::{deltas, Facts};
use crate::domain::{AgencyCode, ProcedureCode, Role, StepTarget, TimeLimit, TimeUnit};
use crate::error::AppError;
use crate::storage::dossiers::{self as store, ApplicantRow, DossierChanges, DossierRow, EventRow};
use crate::storage::{self, agencies, calendar, procedures, AnyConnection, Pool};

/// What intake asks for, as it arrives from outside.
#[derive(Debug, Clone)]
pub struct IntakeInput {
    pub procedure_code: String,
    pub channel: String,
    /// For online submissions: the agency the citizen submits to.
    pub agency_code: Option<String>,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub documents: Vec<String>,
    /// email, sms, both or none; by default both when an email is given, else sms.
    pub notify_by: Option<String>,
}

/// Addresses the service gives out (the lookup link in notices).
#[derive(Debug, Clone)]
pub struct Links {
    /// e.g. `https://motcua.cantho.gov.vn`, without a trailing slash.
    pub public_url: String,
}

impl Links {
    pub fn lookup(&self, code: &str) -> String {
        format!("{}/tra-cuu/{code}", self.public_url.trim_end_matches('/'))
    }
}

/// What an action carries, as it arrives from outside.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub action: String,
    pub note: Option<String>,
    pub missing: Option<Vec<String>>,
    pub reason: Option<String>,
    pub new_due_date: Option<String>,
}

/// A dossier with everything staff in scope may see.
#[derive(Debug, Clone)]
pub struct DossierRecord {
    pub row: DossierRow,
    pub procedure_name: String,
    pub applicant: ApplicantRow,
    pub events: Vec<EventRow>,
    pub files: Vec<store::FileInfo>,
    pub rating: Option<store::RatingRow>,
    pub consultations: Vec<store::ConsultationRow>,
    /// Agency code → name for every agency in the history.
    pub agency_names: std::collections::HashMap<String, String>,
    pub allowed_actions: Vec<&'static str>,
}

fn naive(t: Option<DateTime<Utc>>) -> Option<NaiveDateTime> {
    t.map(|t| t.naive_utc())
}

fn utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

/// A dossier named where a code is accepted (API paths, the lookup, pages): its code or the
/// reference of its submission.
pub fn parse_code(code: &str) -> Result<DossierKey, AppError> {
    DossierKey::parse(code).map_err(|e| AppError::bad_request("invalid_dossier_code", e.to_string()))
}

/// The dossier a key names, if any.
pub fn find_by_key(conn: &mut AnyConnection, key: &DossierKey) -> Result<Option<DossierRow>, AppError> {
    Ok(match key {
        DossierKey::Code(c) => store::find_by_code(conn, &c.to_string())?,
        DossierKey::Reference(r) => store::find_by_reference(conn, r.as_str())?,
    })
}

/// 404 `dossier_not_found`, saying which name was not found.
pub fn not_found(key: &DossierKey) -> AppError {
    match key {
        DossierKey::Code(c) => AppError::not_found("dossier_not_found", format!("no dossier has the code {c}")),
        DossierKey::Reference(r) => {
            AppError::not_found("dossier_not_found", format!("no dossier has the submission reference {r}"))
        }
    }
}

/// How many online submissions an account may have waiting for a clerk (`submissions.max_pending_per_account`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionPolicy {
    pub max_pending_per_account: u32,
}

impl Default for SubmissionPolicy {
    /// The default of `config/base.toml`.
    fn default() -> Self {
        Self { max_pending_per_account: 10 }
    }
}

fn rule_error(e: RuleError) -> AppError {
    let code = e.code();
    if e.is_forbidden() {
        AppError::forbidden(code, e.to_string())
    } else if e.is_invalid_input() {
        AppError::bad_request(code, e.to_string())
    } else {
        AppError::conflict(code, e.to_string())
    }
}

/// Resolves a procedure's route for a receiving agency: `receiving`, its ancestor at a level, or a named agency.
fn resolve_route(
    conn: &mut AnyConnection,
    receiving: &agencies::AgencyRow,
    steps: &[procedures::StepRow],
) -> Result<Vec<RoutedStep>, AppError> {
    let ancestors = agencies::describe(conn, &receiving.path.split('/').map(str::to_string).collect::<Vec<_>>())?;
    steps
        .iter()
        .map(|s| {
            let target = StepTarget::parse(&s.target).map_err(|e| AppError::Internal(e.into()))?;
            let agency = match target {
                StepTarget::Receiving => receiving.code.clone(),
                StepTarget::AncestorAt(level) => {
                    ancestors.iter().find(|(_, l, _)| l == level.as_str()).map(|(c, _, _)| c.clone()).ok_or_else(
                        || {
                            AppError::conflict(
                                "route_unresolvable",
                                format!(
                                    "agency {} has no {level}-level agency above it for step `{}`",
                                    receiving.code, s.name
                                ),
                            )
                        },
                    )?
                }
                StepTarget::Agency(c) => c.to_string(),
            };
            Ok(RoutedStep {
                agency: AgencyCode::parse(&agency).map_err(|e| AppError::Internal(e.into()))?,
                time_share: s.time_share as u32,
            })
        })
        .collect()
}

fn encode_route(route: &[RoutedStep]) -> String {
    route.iter().map(|s| format!("{}:{}", s.agency, s.time_share)).collect::<Vec<_>>().join(",")
}

fn decode_route(s: &str) -> anyhow::Result<Vec<RoutedStep>> {
    s.split(',')
        .map(|part| {
            let (a, share) = part.rsplit_once(':').ok_or_else(|| anyhow::anyhow!("bad route `{part}`"))?;
            Ok(RoutedStep { agency: AgencyCode::parse(a)?, time_share: share.parse()? })
        })
        .collect()
}

fn timeliness_str(t: Option<Timeliness>) -> Option<String> {
    t.map(|t| t.as_str().to_string())
}

fn parse_timeliness(s: Option<&str>) -> Option<Timeliness> {
    match s {
        Some("early") => Some(Timeliness::Early),
        Some("on_time") => Some(Timeliness::OnTime),
        Some("late") => Some(Timeliness::Late),
        _ => None,
    }
}

/// The domain view of a stored dossier.
pub fn to_domain(row: &DossierRow) -> Result<Dossier, AppError> {
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("dossier {} has a bad {what}", row.reference));
    Ok(Dossier {
        status: Status::parse(&row.status).ok_or_else(|| bad("status"))?,
        receiving_agency: AgencyCode::parse(&row.receiving_agency).map_err(|_| bad("receiving agency"))?,
        current_agency: AgencyCode::parse(&row.current_agency).map_err(|_| bad("current agency"))?,
        current_step: row.current_step as usize,
        route: decode_route(&row.route).map_err(|_| bad("route"))?,
        limit: TimeLimit {
            value: row.limit_value as u32,
            unit: row.limit_unit.parse::<TimeUnit>().map_err(|_| bad("time unit"))?,
        },
        submitted_at: row.submitted_at.and_utc(),
        received_at: utc(row.received_at),
        clock_started_at: utc(row.clock_started_at),
        due_at: utc(row.due_at),
        extended_due_at: utc(row.extended_due_at),
        step_started_at: utc(row.step_started_at),
        step_due_at: utc(row.step_due_at),
        supplement_stage: match row.supplement_stage.as_deref() {
            Some("intake") => Some(SupplementStage::Intake),
            Some("appraisal") => Some(SupplementStage::Appraisal),
            _ => None,
        },
        intake_supplements: row.intake_supplements as u32,
        appraisal_supplements: row.appraisal_supplements as u32,
        extensions: row.extensions as u32,
        decision: row.decision.as_deref().and_then(Decision::parse),
        finished_at: utc(row.finished_at),
        timeliness: parse_timeliness(row.timeliness.as_deref()),
        returned_at: utc(row.returned_at),
    })
}

fn changes(d: &Dossier, row_version: i32) -> DossierChanges {
    DossierChanges {
        current_agency: d.current_agency.to_string(),
        status: d.status.as_str().to_string(),
        status_code: d.status.national_code(),
        current_step: d.current_step as i32,
        received_at: naive(d.received_at),
        clock_started_at: naive(d.clock_started_at),
        due_at: naive(d.due_at),
        extended_due_at: naive(d.extended_due_at),
        step_started_at: naive(d.step_started_at),
        step_due_at: naive(d.step_due_at),
        supplement_stage: d.supplement_stage.map(|s| match s {
            SupplementStage::Intake => "intake".to_string(),
            SupplementStage::Appraisal => "appraisal".to_string(),
        }),
        intake_supplements: d.intake_supplements as i32,
        appraisal_supplements: d.appraisal_supplements as i32,
        extensions: d.extensions as i32,
        decision: d.decision.map(|x| x.as_str().to_string()),
        finished_at: naive(d.finished_at),
        timeliness: timeliness_str(d.timeliness),
        returned_at: naive(d.returned_at),
        row_version,
    }
}

fn event_row(
    dossier_id: &str,
    seq: i32,
    h: &Handover,
    caller: &Caller,
    note: Option<String>,
    details: Option<serde_json::Value>,
) -> EventRow {
    EventRow {
        dossier_id: dossier_id.to_string(),
        seq,
        at: h.at.naive_utc(),
        action: h.action.to_string(),
        actor_user_id: Some(caller.user_id.clone()),
        actor_role: caller.role.as_str().to_string(),
        from_agency: h.from_agency.to_string(),
        to_agency: h.to_agency.to_string(),
        status: h.status.as_str().to_string(),
        status_code: h.status.national_code(),
        step_due_at: h.step_due_at.map(|t| t.naive_utc()),
        step_timeliness: timeliness_str(h.step_timeliness),
        note,
        details: details.map(|d| d.to_string()),
    }
}

fn actor(caller: &Caller, row: &DossierRow) -> Actor {
    Actor {
        role: caller.role,
        agency: caller.agency.clone(),
        is_owner: caller.role == Role::Citizen && row.citizen_user_id.as_deref() == Some(caller.user_id.as_str()),
    }
}

/// What statistics know of a dossier (days in Vietnam time; the statutory due date).
fn facts(d: &Dossier, online: bool, level4: bool) -> Facts {
    let day = |t: DateTime<Utc>| crate::domain::calendar::to_vietnam(t).date_naive();
    Facts {
        received_day: d.received_at.map(day),
        online,
        level4,
        due_day: d.due_at.map(day),
        finished: match (d.finished_at, d.timeliness) {
            (Some(f), Some(t)) => Some((day(f), t)),
            _ => None,
        },
        rated: None,
    }
}

/// Writes the counter changes of one dossier transition, in the caller's transaction.
fn count(
    conn: &mut AnyConnection,
    row: &DossierRow,
    before: Option<&Dossier>,
    after: &Dossier,
) -> Result<(), AppError> {
    let (field, online_level) = procedures::field_and_level(conn, &row.procedure_id)?;
    let online = row.channel == Channel::Online.as_str();
    let level4 = online_level == 4;
    let changes = deltas(before.map(|b| facts(b, online, level4)).as_ref(), &facts(after, online, level4));
    Ok(storage::stats::apply(conn, &row.receiving_agency, &field, &changes)?)
}

/// Writes the notices an event owes the applicant into the outbox, in the caller's transaction
/// (one per channel the applicant chose). Nothing is sent here: the worker sends.
fn enqueue(
    conn: &mut AnyConnection,
    links: &Links,
    row: &DossierRow,
    applicant: &ApplicantRow,
    kind: NoticeKind,
    details: Option<&serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let preference = Preference::parse(&applicant.notify_by).unwrap_or(Preference::None);
    if preference == Preference::None {
        return Ok(());
    }
    let fresh = store::find_by_reference(conn, &row.reference)?.unwrap_or_else(|| row.clone());
    let agency_code = if kind == NoticeKind::ResultReady { &fresh.receiving_agency } else { &row.current_agency };
    let agency = agencies::find(conn, agency_code)?.map(|a| a.name).unwrap_or_default();
    let vn = |t: NaiveDateTime| crate::domain::calendar::to_vietnam(t.and_utc());
    // Before receipt (a refusal at intake, a supplement asked at intake, a withdrawal) the dossier
    // has no code yet: the notice and its lookup link name it by its reference.
    let facts = NoticeFacts {
        code: row.code_or_reference().to_string(),
        procedure: procedures::name_of(conn, &row.procedure_id)?,
        agency,
        received: fresh.received_at.or(Some(at.naive_utc())).map(|t| vn(t).format("%d/%m/%Y %H:%M").to_string()),
        due: fresh.extended_due_at.or(fresh.due_at).map(|t| vn(t).format("%d/%m/%Y").to_string()),
        lookup_url: links.lookup(row.code_or_reference()),
        missing: details
            .and_then(|d| d["missing"].as_array())
            .map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        reason: details.and_then(|d| d["reason"].as_str()).map(str::to_string),
        new_due: details
            .and_then(|d| d["new_due_date"].as_str())
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
    };
    let mut rows = Vec::new();
    if preference.wants_email() {
        if let Some(email) = &applicant.email {
            let (subject, text, html) = notice::email(kind, &facts);
            rows.push(("email", email.clone(), Some(subject), text, Some(html)));
        }
    }
    if preference.wants_sms() {
        rows.push(("sms", applicant.phone.clone(), None, notice::sms(kind, &facts), None));
    }
    for (channel, recipient, subject, body_text, body_html) in rows {
        crate::storage::outbox::insert(
            conn,
            &crate::storage::outbox::NotificationRow {
                id: uuid::Uuid::now_v7().to_string(),
                dossier_id: row.id.clone(),
                kind: kind.as_str().to_string(),
                channel: channel.to_string(),
                recipient,
                subject,
                body_text,
                body_html,
                status: "pending".to_string(),
                attempts: 0,
                next_attempt_at: at.naive_utc(),
                claimed_by: None,
                claimed_until: None,
                last_error: None,
                created_at: at.naive_utc(),
                sent_at: None,
            },
        )?;
    }
    tracing::info!(dossier = %row.code_or_reference(), notice = kind.as_str(), "notices queued");
    Ok(())
}

/// A six-digit PIN for the receipt, from the OS random source (via uuid v4).
fn new_pin() -> String {
    let n = uuid::Uuid::new_v4().as_u128() % 1_000_000;
    format!("{n:06}")
}

/// A submission reference from the OS random source (the low 64 bits of a uuid v4 are random
/// but for the two variant bits, above the 50 the reference takes).
fn new_reference() -> SubmissionReference {
    SubmissionReference::from_random(uuid::Uuid::new_v4().as_u128() as u64)
}

/// The next code of `agency` for the day of `at` (Vietnam time), in the caller's transaction.
///
/// TT 01/2018 Điều 19: the code carries the receipt date and the agency's sequence of that day;
/// ND 61/2018 Điều 17.3: an online dossier is given it when the counter receives it.
fn issue_code(conn: &mut AnyConnection, agency: &AgencyCode, at: DateTime<Utc>) -> Result<DossierCode, AppError> {
    let day = crate::domain::calendar::to_vietnam(at).date_naive();
    let seq = store::next_sequence(conn, agency.as_str(), &day.format("%y%m%d").to_string())?;
    u16::try_from(seq)
        .ok()
        .and_then(|s| DossierCode::new(agency.clone(), day, s))
        .ok_or_else(|| AppError::conflict("daily_limit_reached", "this agency has issued 9999 dossier codes today"))
}

/// Receives a dossier: at the counter (clerk; in person or by post) or online (citizen), with
/// the default [`SubmissionPolicy`].
pub async fn intake(
    pool: &Pool,
    links: &Links,
    caller: Caller,
    input: IntakeInput,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    intake_with(pool, links, SubmissionPolicy::default(), caller, input, at).await
}

/// Receives a dossier at the counter (it gets its code now), or takes a citizen's online
/// submission (it gets only a reference; the code comes when a clerk receives it, see [`act`]).
pub async fn intake_with(
    pool: &Pool,
    links: &Links,
    policy: SubmissionPolicy,
    caller: Caller,
    input: IntakeInput,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let links = links.clone();
    let channel = Channel::parse(&input.channel)
        .ok_or_else(|| AppError::bad_request("invalid_channel", "channel must be `direct`, `postal` or `online`"))?;
    let procedure_code = ProcedureCode::parse(&input.procedure_code)
        .map_err(|e| AppError::bad_request("invalid_procedure_code", e.to_string()))?;
    let applicant =
        Applicant::parse(&input.name, &input.id_number, &input.phone, input.email.as_deref(), &input.address)
            .map_err(|e| AppError::bad_request(e.code(), e.to_string()))?;
    let preference = match input.notify_by.as_deref() {
        Some(p) => Preference::parse(p)
            .ok_or_else(|| AppError::bad_request("invalid_notify_by", "notify_by is email, sms, both or none"))?,
        None if applicant.email.is_some() => Preference::Both,
        None => Preference::Sms,
    };
    if preference.wants_email() && applicant.email.is_none() {
        return Err(AppError::bad_request("email_required", "notices by email need the applicant's email address"));
    }
    let documents: Vec<String> = input.documents.iter().map(|d| d.trim().to_string()).collect();
    if documents.len() > 100 || documents.iter().any(|d| d.is_empty() || d.chars().count() > 300) {
        return Err(AppError::bad_request(
            "invalid_documents",
            "list at most 100 documents, each a non-empty name of at most 300 characters",
        ));
    }
    let receiving = match (caller.role, channel) {
        (Role::Clerk, Channel::Direct | Channel::Postal) => {
            if input.agency_code.as_deref().is_some_and(|a| Some(a) != caller.agency.as_ref().map(|c| c.as_str())) {
                return Err(AppError::forbidden(
                    "not_your_agency",
                    "a clerk receives dossiers at their own agency only",
                ));
            }
            caller.agency.clone().expect("staff tokens carry an agency")
        }
        (Role::Citizen, Channel::Online) => {
            let code = input.agency_code.as_deref().ok_or_else(|| {
                AppError::bad_request(
                    "agency_required",
                    "an online submission names the agency it is submitted to (agency_code)",
                )
            })?;
            AgencyCode::parse(code).map_err(|e| AppError::bad_request("invalid_agency_code", e.to_string()))?
        }
        (Role::Clerk, Channel::Online) => {
            return Err(AppError::bad_request(
                "invalid_channel",
                "clerks receive dossiers in person or by post; online dossiers come from citizens",
            ))
        }
        (Role::Citizen, _) => {
            return Err(AppError::bad_request("invalid_channel", "citizens submit online (channel `online`)"))
        }
        _ => return Err(AppError::forbidden("role_not_allowed", "only clerks and citizens submit dossiers")),
    };
    let caller2 = caller.clone();
    let record_code = storage::run(pool, move |conn| {
        let procedure = procedures::find(conn, procedure_code.as_str(), None)?.ok_or_else(|| {
            AppError::not_found("procedure_not_found", format!("no procedure has the code {procedure_code}"))
        })?;
        let p = &procedure.procedure;
        if channel == Channel::Online && p.online_level < 3 {
            return Err(AppError::conflict(
                "not_offered_online",
                format!(
                    "procedure {} is offered online at level {} only; submit it at the counter",
                    p.code, p.online_level
                ),
            ));
        }
        let agency = agencies::find(conn, receiving.as_str())?
            .ok_or_else(|| AppError::not_found("agency_not_found", format!("no agency has the code {receiving}")))?;
        if !p.receiving_levels.split(',').any(|l| l == agency.level) {
            return Err(AppError::conflict(
                "wrong_receiving_level",
                format!(
                    "procedure {} is received at {} level, not at {} ({})",
                    p.code, p.receiving_levels, agency.level, agency.code
                ),
            ));
        }
        let route = resolve_route(conn, &agency, &procedure.steps)?;
        let limit = TimeLimit {
            value: p.time_limit_value as u32,
            unit: p
                .time_limit_unit
                .parse()
                .map_err(|e: crate::domain::procedure::UnknownTimeUnit| AppError::Internal(e.into()))?,
        };
        let cal = calendar::working_calendar(conn)?;
        let (dossier, handover) =
            Dossier::intake(channel, receiving.clone(), route.clone(), limit, at, &cal).map_err(rule_error)?;
        let id = uuid::Uuid::now_v7().to_string();
        let reference = new_reference();
        conn.transaction(|conn| {
            // Each branch starts with a write, so SQLite takes its lock up front.
            let code = if dossier.status == Status::Submitted {
                // Not received: no code is taken. The account's pending submissions are counted under
                // its row lock, so two submissions at once (on two instances) cannot both pass.
                if !store::lock_user(conn, &caller2.user_id)? {
                    return Err(AppError::forbidden("unknown_user", "your account no longer exists"));
                }
                let pending = store::count_pending_submissions(conn, &caller2.user_id)?;
                if pending >= i64::from(policy.max_pending_per_account) {
                    return Err(AppError::too_many(
                        "too_many_pending_submissions",
                        format!(
                            "this account already has {pending} online submissions that no clerk has received yet \
                             (at most {}); wait until they are received, or withdraw one",
                            policy.max_pending_per_account
                        ),
                    ));
                }
                None
            } else {
                Some(issue_code(conn, &receiving, at)?)
            };
            let c = changes(&dossier, 1);
            let row = DossierRow {
                id: id.clone(),
                code: code.as_ref().map(|c| c.to_string()),
                reference: reference.to_string(),
                procedure_id: p.id.clone(),
                procedure_code: p.code.clone(),
                receiving_agency: receiving.to_string(),
                current_agency: c.current_agency,
                channel: channel.as_str().to_string(),
                status: c.status,
                status_code: c.status_code,
                current_step: c.current_step,
                route: encode_route(&route),
                limit_value: p.time_limit_value,
                limit_unit: p.time_limit_unit.clone(),
                documents: serde_json::to_string(&documents).expect("strings serialise"),
                citizen_user_id: (caller2.role == Role::Citizen).then(|| caller2.user_id.clone()),
                pin: new_pin(),
                submitted_at: at.naive_utc(),
                received_at: c.received_at,
                clock_started_at: c.clock_started_at,
                due_at: c.due_at,
                extended_due_at: None,
                step_started_at: c.step_started_at,
                step_due_at: c.step_due_at,
                supplement_stage: None,
                intake_supplements: 0,
                appraisal_supplements: 0,
                extensions: 0,
                decision: None,
                finished_at: None,
                timeliness: None,
                returned_at: None,
                row_version: 1,
            };
            let applicant = ApplicantRow {
                dossier_id: id.clone(),
                name: applicant.name.clone(),
                id_number: applicant.id_number.clone(),
                phone: applicant.phone.clone(),
                email: applicant.email.clone(),
                address: applicant.address.clone(),
                notify_by: preference.as_str().to_string(),
            };
            store::insert(conn, &row, &applicant)?;
            count(conn, &row, None, &dossier)?;
            if dossier.status == Status::Received {
                enqueue(conn, &links, &row, &applicant, NoticeKind::Received, None, at)?;
            }
            store::insert_event(
                conn,
                &event_row(&id, 1, &handover, &caller2, None, Some(serde_json::json!({"channel": channel.as_str()}))),
            )?;
            tracing::info!(
                dossier = %row.code_or_reference(),
                procedure = %p.code,
                channel = channel.as_str(),
                "dossier submitted"
            );
            Ok::<_, AppError>(reference.to_string())
        })
    })
    .await?;
    get(pool, caller, record_code, at).await
}

/// Whether the caller may read this dossier: staff of an agency it was received at or passed
/// through; leaders and admins for their agency's subtree; citizens their own.
fn can_read(conn: &mut AnyConnection, caller: &Caller, row: &DossierRow) -> Result<bool, AppError> {
    let Some(agency) = caller.agency.as_ref() else {
        return Ok(caller.role == Role::Citizen && row.citizen_user_id.as_deref() == Some(caller.user_id.as_str()));
    };
    if row.receiving_agency == agency.as_str() || row.current_agency == agency.as_str() {
        return Ok(true);
    }
    if matches!(caller.role, Role::Leader | Role::Admin) {
        let root = agencies::find(conn, agency.as_str())?
            .ok_or_else(|| AppError::forbidden("unknown_agency", "your agency no longer exists"))?;
        return Ok(store::has_passed_through_subtree(conn, &row.id, &root.path)?);
    }
    Ok(store::has_passed_through(conn, &row.id, agency.as_str())?)
}

fn load_record(
    conn: &mut AnyConnection,
    caller: &Caller,
    key: &DossierKey,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let row = find_by_key(conn, key)?.ok_or_else(|| not_found(key))?;
    if !can_read(conn, caller, &row)? {
        return Err(AppError::forbidden("out_of_scope", "this dossier is outside your agency's scope"));
    }
    let procedure_name = procedures::name_of(conn, &row.procedure_id)?;
    let applicant = store::applicant(conn, &row.id)?;
    let events = store::events(conn, &row.id)?;
    let files = store::files(conn, &row.id)?;
    let rating = store::rating(conn, &row.id)?;
    let consultations = store::consultations(conn, &row.id)?;
    let mut codes: Vec<String> = events.iter().flat_map(|e| [e.from_agency.clone(), e.to_agency.clone()]).collect();
    codes.push(row.receiving_agency.clone());
    codes.push(row.current_agency.clone());
    codes.sort();
    codes.dedup();
    let agency_names = agencies::describe(conn, &codes)?.into_iter().map(|(c, _, n)| (c, n)).collect();
    let cal = calendar::working_calendar(conn)?;
    let allowed_actions = allowed_actions(&row, caller, &cal, at)?;
    Ok(DossierRecord {
        row,
        procedure_name,
        applicant,
        events,
        files,
        rating,
        consultations,
        agency_names,
        allowed_actions,
    })
}

/// The actions the caller could take now (for forms and pages: only these are offered).
fn allowed_actions(
    row: &DossierRow,
    caller: &Caller,
    cal: &WorkingCalendar,
    at: DateTime<Utc>,
) -> Result<Vec<&'static str>, AppError> {
    let d = to_domain(row)?;
    let who = actor(caller, row);
    let later = d
        .promised_due_at()
        .map(|t| crate::domain::calendar::to_vietnam(t).date_naive())
        .unwrap_or_else(|| crate::domain::calendar::to_vietnam(at).date_naive());
    let samples = [
        Action::Receive,
        Action::RequestSupplement { missing: vec!["x".into()] },
        Action::SubmitSupplement,
        Action::Refuse { reason: "x".into() },
        Action::Transfer,
        Action::Approve,
        Action::Finish,
        Action::ReturnResult,
        Action::Extend { new_due_day: cal.add_working_days(later, 5), reason: "x".into() },
        Action::Withdraw,
        Action::Stop { reason: "x".into() },
    ];
    Ok(samples.iter().filter(|a| d.apply(a, &who, at, cal).is_ok()).map(|a| a.name()).collect())
}

pub async fn get(pool: &Pool, caller: Caller, code: String, at: DateTime<Utc>) -> Result<DossierRecord, AppError> {
    get_by_key(pool, caller, parse_code(&code)?, at).await
}

async fn get_by_key(
    pool: &Pool,
    caller: Caller,
    key: DossierKey,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    storage::run(pool, move |conn| load_record(conn, &caller, &key, at)).await
}

fn parse_action(input: &ActionInput) -> Result<Action, AppError> {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let reason = text(&input.reason).or_else(|| text(&input.note)).unwrap_or_default();
    Ok(match input.action.as_str() {
        "receive" => Action::Receive,
        "request_supplement" => Action::RequestSupplement { missing: input.missing.clone().unwrap_or_default() },
        "submit_supplement" => Action::SubmitSupplement,
        "refuse" => Action::Refuse { reason },
        "transfer" => Action::Transfer,
        "approve" => Action::Approve,
        "finish" => Action::Finish,
        "return_result" => Action::ReturnResult,
        "extend" => {
            let day = input.new_due_date.as_deref().ok_or_else(|| {
                AppError::bad_request("new_due_date_required", "extend needs new_due_date (YYYY-MM-DD) and a reason")
            })?;
            let new_due_day = crate::domain::period::parse_day("new_due_date", day)
                .map_err(|e| AppError::bad_request("invalid_new_due_date", e.to_string()))?;
            Action::Extend { new_due_day, reason }
        }
        "withdraw" => Action::Withdraw,
        "stop" => Action::Stop { reason },
        other => {
            return Err(AppError::bad_request(
                "unknown_action",
                format!(
                    "unknown action `{}`: expected one of {}",
                    other.chars().take(40).collect::<String>(),
                    Action::NAMES.join(", ")
                ),
            ))
        }
    })
}

/// Applies an action in one transaction. Two people acting on the same dossier at once:
/// one wins, the other gets 409 `concurrent_update`, and nothing is lost or doubled.
pub async fn act(
    pool: &Pool,
    links: &Links,
    caller: Caller,
    code: String,
    input: ActionInput,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let links = links.clone();
    let code = parse_code(&code)?;
    let action = parse_action(&input)?;
    if input.note.as_deref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(AppError::bad_request("note_too_long", "the note is longer than 2000 characters"));
    }
    let caller2 = caller.clone();
    let code2 = code.clone();
    storage::run(pool, move |conn| {
        let code = code2;
        let row = find_readable(conn, &caller2, &code)?;
        let cal = calendar::working_calendar(conn)?;
        let d = to_domain(&row)?;
        let (next, handover) = d.apply(&action, &actor(&caller2, &row), at, &cal).map_err(rule_error)?;
        let details = match &action {
            Action::RequestSupplement { missing } => Some(serde_json::json!({"missing": missing})),
            Action::Refuse { reason } | Action::Stop { reason } => Some(serde_json::json!({"reason": reason})),
            Action::Extend { new_due_day, reason } => {
                Some(serde_json::json!({"new_due_date": new_due_day.to_string(), "reason": reason}))
            }
            _ => None,
        };
        let version = row.row_version + 1;
        conn.transaction(|conn| {
            if !store::update_if_unchanged(conn, &row.id, row.row_version, &changes(&next, version))? {
                return Err(AppError::conflict(
                    "concurrent_update",
                    "someone else acted on this dossier at the same moment; reload it and try again",
                ));
            }
            // TT 01/2018 Điều 19, ND 61/2018 Điều 17.3: an online dossier gets its code when the counter
            // receives it, dated by the receipt, from the same daily sequence as the counter's intakes.
            let mut row = row.clone();
            if matches!(action, Action::Receive) && row.code.is_none() {
                let receiving = AgencyCode::parse(&row.receiving_agency).map_err(|e| AppError::Internal(e.into()))?;
                let code = issue_code(conn, &receiving, at)?.to_string();
                if !store::issue_code(conn, &row.id, &code)? {
                    return Err(AppError::conflict("concurrent_update", "the dossier changed meanwhile; try again"));
                }
                row.code = Some(code);
            }
            store::insert_event(
                conn,
                &event_row(&row.id, version, &handover, &caller2, input.note.clone(), details.clone()),
            )?;
            count(conn, &row, Some(&d), &next)?;
            let refused = next.decision == Some(Decision::Refused);
            let not_received = next.status == crate::domain::dossier::Status::NotReceived;
            if let Some(kind) = NoticeKind::for_action(handover.action, refused, not_received) {
                let after = DossierRow { current_agency: next.current_agency.to_string(), ..row.clone() };
                let applicant = store::applicant(conn, &row.id)?;
                enqueue(conn, &links, &after, &applicant, kind, details.as_ref(), at)?;
            }
            Ok(())
        })?;
        tracing::info!(dossier = %code, action = action.name(), status = next.status.as_str(), "dossier action");
        Ok(())
    })
    .await?;
    get_by_key(pool, caller, code, at).await
}

/// Open dossiers at the caller's agency (staff), or the caller's own dossiers (citizens).
pub async fn inbox(pool: &Pool, caller: Caller) -> Result<Vec<(DossierRow, String)>, AppError> {
    storage::run(pool, move |conn| {
        let rows = match (&caller.agency, caller.role) {
            (Some(agency), _) => store::inbox(conn, agency.as_str(), 500)?,
            (None, Role::Citizen) => store::of_citizen(conn, &caller.user_id)?,
            _ => vec![],
        };
        rows.into_iter()
            .map(|r| {
                let name = procedures::name_of(conn, &r.procedure_id)?;
                Ok((r, name))
            })
            .collect()
    })
    .await
}

/// A file to attach, as it arrives from outside.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Attaches a file to a dossier (staff of the agency holding it, or the owner), checked for name, type, size
/// and content, with its SHA-256. Files live in the database, so every instance serves them.
pub async fn attach(
    pool: &Pool,
    caller: Caller,
    code: String,
    upload: Upload,
    at: DateTime<Utc>,
) -> Result<store::FileInfo, AppError> {
    use crate::domain::attachment::{check_upload, MAX_FILES_PER_DOSSIER};
    use sha2::Digest;
    let code = parse_code(&code)?;
    let kind = check_upload(&upload.file_name, &upload.content_type, &upload.content).map_err(|e| {
        let code = e.code();
        if code == "file_too_large" {
            AppError::PayloadTooLarge(e.to_string())
        } else {
            AppError::bad_request(code, e.to_string())
        }
    })?;
    let sha256 = format!("{:x}", sha2::Sha256::digest(&upload.content));
    storage::run(pool, move |conn| {
        let row = find_readable(conn, &caller, &code)?;
        // Reading is wider than adding: a leader or administrator sees the province's dossiers but
        // only the agency holding one (and its applicant) adds to it.
        let holds = caller.agency.as_ref().is_some_and(|a| a.as_str() == row.current_agency);
        let owns = caller.role == Role::Citizen && row.citizen_user_id.as_deref() == Some(caller.user_id.as_str());
        if !holds && !owns {
            return Err(AppError::forbidden(
                "out_of_scope",
                "only the agency holding this dossier, or its applicant, may add files to it",
            ));
        }
        if row.status_code == 3 || row.status_code == 7 || row.status_code == 8 || row.status_code == 10 {
            return Err(AppError::conflict("dossier_closed", "files cannot be added to a closed dossier"));
        }
        let file = store::FileRow {
            id: uuid::Uuid::now_v7().to_string(),
            dossier_id: row.id.clone(),
            file_name: upload.file_name,
            content_type: kind.content_type().to_string(),
            size_bytes: upload.content.len() as i64,
            sha256,
            content: upload.content,
            uploaded_at: at.naive_utc(),
            uploaded_by: caller.user_id.clone(),
        };
        conn.transaction(|conn| {
            // Lock the dossier row first (a write), then count: two uploads cannot both pass the limit.
            lock_unchanged(conn, &row)?;
            if store::files(conn, &row.id)?.len() as i64 >= MAX_FILES_PER_DOSSIER {
                return Err(AppError::conflict(
                    "too_many_files",
                    format!("a dossier carries at most {MAX_FILES_PER_DOSSIER} files"),
                ));
            }
            store::insert_file(conn, &file)?;
            Ok(())
        })?;
        tracing::info!(dossier = %code, file_id = %file.id, bytes = file.size_bytes, "file attached");
        Ok(store::FileInfo {
            id: file.id,
            file_name: file.file_name,
            content_type: file.content_type,
            size_bytes: file.size_bytes,
            sha256: file.sha256,
            uploaded_at: file.uploaded_at,
        })
    })
    .await
}

/// A file of a dossier, for whoever may read the dossier.
pub async fn download(pool: &Pool, caller: Caller, code: String, file_id: String) -> Result<store::FileRow, AppError> {
    let code = parse_code(&code)?;
    storage::run(pool, move |conn| {
        let row = find_readable(conn, &caller, &code)?;
        store::file(conn, &row.id, &file_id)?
            .ok_or_else(|| AppError::not_found("file_not_found", "this dossier has no such file"))
    })
    .await
}

/// ND 61/2018 Điều 25.2.g (and TT 01/2018): applicants rate the service once, after the result
/// is returned; proof is the owner's account or the receipt's PIN. The PIN goes through
/// `throttle::check_proof`, and before any look at the dossier's state: without a valid proof the
/// answer is 403 `proof_required` (or 429 while throttled) whatever the state, so the endpoint
/// tells nothing about a PIN.
#[allow(clippy::too_many_arguments)]
pub async fn rate(
    pool: &Pool,
    limits: &crate::services::throttle::Limits,
    caller: Option<Caller>,
    client: crate::http::client::ClientAddr,
    code: String,
    score: i64,
    comment: Option<String>,
    pin: Option<String>,
    at: DateTime<Utc>,
) -> Result<store::RatingRow, AppError> {
    use crate::services::throttle::{check_proof, Proof, ProofCheck};
    let limits = limits.clone();
    let code = parse_code(&code)?;
    if !(1..=5).contains(&score) {
        return Err(AppError::bad_request("invalid_score", "score is 1 (very unsatisfied) to 5 (very satisfied)"));
    }
    let comment = comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 1000) {
        return Err(AppError::bad_request("comment_too_long", "the comment is longer than 1000 characters"));
    }
    storage::run(pool, move |conn| {
        let row = find_by_key(conn, &code)?.ok_or_else(|| not_found(&code))?;
        let owner = caller.as_ref().is_some_and(|c| row.citizen_user_id.as_deref() == Some(c.user_id.as_str()));
        let proven = owner
            || check_proof(conn, &limits, &row, &Proof { pin: pin.clone(), phone: None }, &client, at)?
                == ProofCheck::Valid;
        if !proven {
            return Err(AppError::forbidden(
                "proof_required",
                "rate as the applicant: sign in with the account that submitted it, or give the PIN on the receipt",
            ));
        }
        if row.status_code != Status::Returned.national_code() {
            return Err(AppError::conflict("not_returned_yet", "the service can be rated once the result is returned"));
        }
        let rating =
            store::RatingRow { dossier_id: row.id.clone(), score: score as i32, comment, rated_at: at.naive_utc() };
        conn.transaction(|conn| {
            lock_unchanged(conn, &row)?;
            if store::rating(conn, &row.id)?.is_some() {
                return Err(AppError::conflict("already_rated", "this dossier has already been rated"));
            }
            store::insert_rating(conn, &rating)?;
            // The rating adds its own marks; everything else about the dossier stays as it was.
            let d = to_domain(&row)?;
            let day = crate::domain::calendar::to_vietnam(at).date_naive();
            let (field, online_level) = procedures::field_and_level(conn, &row.procedure_id)?;
            let online = row.channel == Channel::Online.as_str();
            let before = facts(&d, online, online_level == 4);
            let after = Facts { rated: Some((day, score >= 4)), ..before.clone() };
            storage::stats::apply(conn, &row.receiving_agency, &field, &deltas(Some(&before), &after))?;
            Ok(())
        })?;
        tracing::info!(dossier = %code, score, "service rated");
        Ok(rating)
    })
    .await
}

/// Writes a handover that does not change the dossier's state (consultations): the row version
/// still moves, so a concurrent action on the same dossier loses with 409 instead of interleaving.
fn record_handover(
    conn: &mut AnyConnection,
    row: &DossierRow,
    caller: &Caller,
    handover: &Handover,
    note: Option<String>,
    details: serde_json::Value,
    also: impl FnOnce(&mut AnyConnection) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let version = row.row_version + 1;
    conn.transaction(|conn| {
        if !store::update_if_unchanged(conn, &row.id, row.row_version, &changes(&to_domain(row)?, version))? {
            return Err(AppError::conflict(
                "concurrent_update",
                "someone else acted on this dossier at the same moment; reload it and try again",
            ));
        }
        store::insert_event(conn, &event_row(&row.id, version, handover, caller, note, Some(details)))?;
        also(conn)
    })
}

/// Takes the dossier's row lock with a write that changes nothing, failing if it changed since it was read:
/// what follows in the transaction cannot interleave with another change of the same dossier.
fn lock_unchanged(conn: &mut AnyConnection, row: &DossierRow) -> Result<(), AppError> {
    if !store::update_if_unchanged(conn, &row.id, row.row_version, &changes(&to_domain(row)?, row.row_version))? {
        return Err(AppError::conflict("concurrent_update", "the dossier changed meanwhile; try again"));
    }
    Ok(())
}

fn find_readable(conn: &mut AnyConnection, caller: &Caller, key: &DossierKey) -> Result<DossierRow, AppError> {
    let row = find_by_key(conn, key)?.ok_or_else(|| not_found(key))?;
    if !can_read(conn, caller, &row)? {
        return Err(AppError::forbidden("out_of_scope", "this dossier is outside your agency's scope"));
    }
    Ok(row)
}

/// The lead agency asks another agency of the same level for its opinion, with a deadline in
/// working days (liên thông cùng cấp, ND 61/2018 Điều 20).
pub async fn consult(
    pool: &Pool,
    caller: Caller,
    code: String,
    agency_code: String,
    task: String,
    due_in_working_days: i64,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let code = parse_code(&code)?;
    let consulted =
        AgencyCode::parse(&agency_code).map_err(|e| AppError::bad_request("invalid_agency_code", e.to_string()))?;
    let task = task.trim().to_string();
    if task.is_empty() || task.chars().count() > 1000 {
        return Err(AppError::bad_request("invalid_task", "describe the consulted agency's task in 1–1000 characters"));
    }
    if !(1..=60).contains(&due_in_working_days) {
        return Err(AppError::bad_request("invalid_deadline", "due_in_working_days is 1 to 60"));
    }
    let (caller2, code2) = (caller.clone(), code.clone());
    storage::run(pool, move |conn| {
        let row = find_readable(conn, &caller2, &code2)?;
        let lead = agencies::find(conn, &row.current_agency)?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("lead agency missing")))?;
        let other = agencies::find(conn, consulted.as_str())?
            .ok_or_else(|| AppError::not_found("agency_not_found", format!("no agency has the code {consulted}")))?;
        let cal = calendar::working_calendar(conn)?;
        let limit = TimeLimit { value: due_in_working_days as u32, unit: TimeUnit::WorkingDays };
        let due = cal.due_at(crate::domain::calendar::to_vietnam(at), limit).with_timezone(&Utc);
        let handover = to_domain(&row)?
            .consult(&actor(&caller2, &row), &consulted, lead.level == other.level, due, at)
            .map_err(rule_error)?;
        let position = store::consultations(conn, &row.id)?.len() as i32 + 1;
        let consultation = store::ConsultationRow {
            dossier_id: row.id.clone(),
            position,
            agency_code: consulted.to_string(),
            task: task.clone(),
            requested_at: at.naive_utc(),
            due_at: due.naive_utc(),
            answered_at: None,
            opinion: None,
            timeliness: None,
        };
        let details = serde_json::json!({"consultation": position, "task": task});
        record_handover(conn, &row, &caller2, &handover, None, details, |conn| {
            Ok(store::insert_consultation(conn, &consultation)?)
        })?;
        tracing::info!(dossier = %code2, consulted = %consulted, "consultation requested");
        Ok(())
    })
    .await?;
    get_by_key(pool, caller, code, at).await
}

/// The consulted agency answers; the answer is judged against the consultation's deadline.
pub async fn answer(
    pool: &Pool,
    caller: Caller,
    code: String,
    position: i32,
    opinion: String,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let code = parse_code(&code)?;
    let opinion = opinion.trim().to_string();
    if opinion.is_empty() || opinion.chars().count() > 2000 {
        return Err(AppError::bad_request("invalid_opinion", "the opinion is 1–2000 characters"));
    }
    let (caller2, code2) = (caller.clone(), code.clone());
    storage::run(pool, move |conn| {
        let row = find_readable(conn, &caller2, &code2)?;
        let c = store::consultations(conn, &row.id)?
            .into_iter()
            .find(|c| c.position == position)
            .ok_or_else(|| AppError::not_found("consultation_not_found", "this dossier has no such consultation"))?;
        if c.answered_at.is_some() {
            return Err(AppError::conflict("already_answered", "this consultation has already been answered"));
        }
        let consulted = AgencyCode::parse(&c.agency_code).map_err(|e| AppError::Internal(e.into()))?;
        let cal = calendar::working_calendar(conn)?;
        let handover = to_domain(&row)?
            .answer_consultation(&actor(&caller2, &row), &consulted, c.due_at.and_utc(), at, &cal)
            .map_err(rule_error)?;
        let timeliness = handover.step_timeliness.map(|t| t.as_str()).unwrap_or("on_time");
        let details = serde_json::json!({"consultation": position, "opinion": opinion});
        record_handover(conn, &row, &caller2, &handover, None, details, |conn| {
            if !store::answer_consultation(conn, &row.id, position, at.naive_utc(), &opinion, timeliness)? {
                return Err(AppError::conflict("already_answered", "this consultation has already been answered"));
            }
            Ok(())
        })?;
        Ok(())
    })
    .await?;
    get_by_key(pool, caller, code, at).await
}

/// Form 06 data: the dossiers received at an agency in a year, in receipt order (its own staff only).
pub async fn tracking_book(
    pool: &Pool,
    caller: Caller,
    agency: String,
    year: i32,
) -> Result<(String, Vec<crate::forms::BookLine>), AppError> {
    let agency = AgencyCode::parse(&agency).map_err(|e| AppError::bad_request("invalid_agency_code", e.to_string()))?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::bad_request("invalid_year", "year is between 2000 and 2100"));
    }
    if caller.agency.as_ref() != Some(&agency) {
        return Err(AppError::forbidden("out_of_scope", "the tracking book is kept by the agency's own staff"));
    }
    storage::run(pool, move |conn| {
        let name = agencies::find(conn, agency.as_str())?
            .ok_or_else(|| AppError::not_found("agency_not_found", format!("no agency has the code {agency}")))?
            .name;
        // Vietnam's year, as UTC instants.
        let start = |y: i32| {
            chrono::NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January").and_hms_opt(0, 0, 0).expect("midnight")
                - chrono::TimeDelta::hours(7)
        };
        let rows = store::received_between(conn, agency.as_str(), start(year), start(year + 1))?;
        let mut lines = Vec::with_capacity(rows.len());
        for r in rows {
            let events = store::events(conn, &r.id)?;
            let mut to: Vec<String> =
                events.iter().map(|e| e.to_agency.clone()).filter(|a| *a != r.receiving_agency).collect();
            to.dedup();
            lines.push(crate::forms::BookLine {
                procedure_name: procedures::name_of(conn, &r.procedure_id)?,
                applicant_name: store::applicant(conn, &r.id)?.name,
                received_at: r.received_at,
                due_at: r.extended_due_at.or(r.due_at),
                transferred_to: to,
                finished_at: r.finished_at,
                status_label: Status::parse(&r.status).map(|s| s.label_vi().to_string()).unwrap_or_default(),
                timeliness: r.timeliness.clone(),
                code: r.code.clone().unwrap_or_else(|| r.reference.clone()),
            });
        }
        Ok((name, lines))
    })
    .await
}
