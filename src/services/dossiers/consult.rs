//! Same-level consultations (liên thông cùng cấp, ND 61/2018 Điều 20): the lead agency asks
//! another agency of its level for an opinion, with a deadline; the consulted agency answers.
use chrono::{DateTime, Utc};

use super::read::{calendar_for, DossierRecord, Surroundings};
use super::{actor, concurrent_update, find_writable, parse_code};
use crate::auth::Caller;
use crate::domain::calendar::to_vietnam;
use crate::domain::calendar::WorkingCalendar;
use crate::domain::dossier::DossierKey;
use crate::domain::dossier::Handover;
use crate::domain::{AgencyCode, TimeLimit, TimeUnit};
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers::{self as store, DossierChanges, DossierContext, EventRow};
use crate::storage::{self, agencies, AnyConnection, Pool};

/// Writes a handover that does not change the dossier's state (consultations): the row version
/// still moves, so a concurrent action on the same dossier loses with 409 instead of interleaving.
/// Returns the dossier's record afterwards (`around` already shows the consultation's change).
#[allow(clippy::too_many_arguments)]
fn record_handover(
    conn: &mut AnyConnection,
    ctx: DossierContext,
    mut around: Surroundings,
    caller: &Caller,
    handover: &Handover,
    details: serde_json::Value,
    cal: &WorkingCalendar,
    at: DateTime<Utc>,
    also: impl FnOnce(&mut AnyConnection) -> Result<(), AppError>,
) -> Result<DossierRecord, AppError> {
    let row = &ctx.row;
    let version = row.row_version + 1;
    let event = EventRow::of(&row.id, version, handover, (&caller.user_id, caller.role), None, Some(details));
    crate::storage::transaction(conn, |conn| {
        if !store::update_if_unchanged(
            conn,
            &row.id,
            row.row_version,
            &DossierChanges::of(&row.to_domain(), version),
            None,
        )? {
            return Err(concurrent_update());
        }
        store::insert_event(conn, &event)?;
        also(conn)
    })?;
    let after = store::DossierRow { row_version: version, ..ctx.row.clone() };
    around.events.push(event);
    around.into_record(conn, DossierContext { row: after, ..ctx }, caller, cal, at)
}

/// A consultation as it arrives from outside, checked before its trip.
pub struct ConsultRequest {
    key: DossierKey,
    consulted: AgencyCode,
    task: String,
    due_in_working_days: i64,
}

impl ConsultRequest {
    pub fn parse(code: &str, agency_code: &str, task: &str, due_in_working_days: i64) -> Result<Self, AppError> {
        let key = parse_code(code)?;
        let consulted =
            AgencyCode::parse(agency_code).map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))?;
        let task = task.trim().to_string();
        if task.is_empty() || task.chars().count() > 1000 {
            return Err(AppError::new(
                ErrorCode::InvalidTask,
                "describe the consulted agency's task in 1–1000 characters",
            ));
        }
        if !(1..=60).contains(&due_in_working_days) {
            return Err(AppError::new(ErrorCode::InvalidDeadline, "due_in_working_days is 1 to 60"));
        }
        Ok(Self { key, consulted, task, due_in_working_days })
    }
}

/// The lead agency asks another agency of the same level for its opinion, with a deadline in
/// working days (liên thông cùng cấp, ND 61/2018 Điều 20).
pub async fn consult(
    pool: &Pool,
    caller: impl Into<crate::auth::extractor::Who>,
    code: String,
    agency_code: String,
    task: String,
    due_in_working_days: i64,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let request = ConsultRequest::parse(&code, &agency_code, &task, due_in_working_days)?;
    storage::run_as(pool, caller, move |conn, caller| consult_on(conn, &caller, request, at)).await
}

/// [`consult`] on `conn`.
pub fn consult_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    request: ConsultRequest,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let ConsultRequest { key, consulted, task, due_in_working_days } = request;
    let ctx = find_writable(conn, caller, &key)?;
    let row = &ctx.row;
    let both = agencies::describe(conn, &[row.current_agency.to_string(), consulted.to_string()])?;
    let level_of = |code: &AgencyCode| both.iter().find(|(c, _, _)| c == code.as_str()).map(|(_, l, _)| l.clone());
    let lead =
        level_of(&row.current_agency).ok_or_else(|| AppError::Internal(anyhow::anyhow!("lead agency missing")))?;
    let other = level_of(&consulted)
        .ok_or_else(|| AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {consulted}")))?;
    let cal = calendar_for(conn, row, at)?;
    let limit = TimeLimit { value: due_in_working_days as u32, unit: TimeUnit::WorkingDays };
    let due = cal.due_at(to_vietnam(at), limit).with_timezone(&Utc);
    let handover =
        row.to_domain().consult(&actor(caller, row), &consulted, lead == other, due, at).map_err(AppError::from)?;
    let mut around = Surroundings::read(conn, &ctx)?;
    let position = around.consultations.len() as i32 + 1;
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
    around.consultations.push(consultation.clone());
    let record = record_handover(conn, ctx, around, caller, &handover, details, &cal, at, |conn| {
        Ok(store::insert_consultation(conn, &consultation)?)
    })?;
    tracing::info!(dossier = %key, consulted = %consulted, "consultation requested");
    Ok(record)
}

/// An answer as it arrives from outside, checked before its trip: the dossier and the opinion.
pub fn check_answer(code: &str, opinion: &str) -> Result<(DossierKey, String), AppError> {
    let key = parse_code(code)?;
    let opinion = opinion.trim().to_string();
    if opinion.is_empty() || opinion.chars().count() > 2000 {
        return Err(AppError::new(ErrorCode::InvalidOpinion, "the opinion is 1–2000 characters"));
    }
    Ok((key, opinion))
}

/// The consulted agency answers; the answer is judged against the consultation's deadline.
pub async fn answer(
    pool: &Pool,
    caller: impl Into<crate::auth::extractor::Who>,
    code: String,
    position: i32,
    opinion: String,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let (key, opinion) = check_answer(&code, &opinion)?;
    storage::run_as(pool, caller, move |conn, caller| answer_on(conn, &caller, &key, position, opinion, at)).await
}

/// [`answer`] on `conn`.
pub fn answer_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    key: &DossierKey,
    position: i32,
    opinion: String,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let ctx = find_writable(conn, caller, key)?;
    let row = &ctx.row;
    let mut around = Surroundings::read(conn, &ctx)?;
    let c = around
        .consultations
        .iter_mut()
        .find(|c| c.position == position)
        .ok_or_else(|| AppError::new(ErrorCode::ConsultationNotFound, "this dossier has no such consultation"))?;
    if c.answered_at.is_some() {
        return Err(AppError::new(ErrorCode::AlreadyAnswered, "this consultation has already been answered"));
    }
    let consulted = AgencyCode::parse(&c.agency_code).map_err(|e| AppError::Internal(e.into()))?;
    let cal = calendar_for(conn, row, at)?;
    let handover = row
        .to_domain()
        .answer_consultation(&actor(caller, row), &consulted, c.due_at.and_utc(), at, &cal)
        .map_err(AppError::from)?;
    let timeliness = handover.step_timeliness.map(|t| t.as_str()).unwrap_or("on_time");
    (c.answered_at, c.opinion, c.timeliness) =
        (Some(at.naive_utc()), Some(opinion.clone()), Some(timeliness.to_string()));
    let details = serde_json::json!({"consultation": position, "opinion": opinion});
    let id = row.id.clone();
    record_handover(conn, ctx, around, caller, &handover, details, &cal, at, |conn| {
        if !store::answer_consultation(conn, &id, position, at.naive_utc(), &opinion, timeliness)? {
            return Err(AppError::new(ErrorCode::AlreadyAnswered, "this consultation has already been answered"));
        }
        Ok(())
    })
}
