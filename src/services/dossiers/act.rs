//! Actions on a dossier (DOMAIN.md §8): receive, supplements, refusal, transfer, decision,
//! return, extension, withdrawal, stop. One transaction each.
use chrono::{DateTime, Utc};

use super::intake::{code_target, issue_code, Coded};
use super::notices::{count_with_steps, enqueue, Counted, Names};
use super::read::{calendar_for, DossierRecord, Surroundings};
use super::{actor, concurrent_update, find_writable, parse_code, Links};
use crate::auth::Caller;
use crate::domain::dossier::{Action, Decision, DossierKey, Status};
use crate::domain::notice::NoticeKind;
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers::{self as store, DossierChanges, DossierContext, EventRow};
use crate::storage::{self, AnyConnection, Pool};

/// What an action carries, as it arrives from outside.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub action: String,
    pub note: Option<String>,
    pub missing: Option<Vec<String>>,
    pub reason: Option<String>,
    pub new_due_date: Option<String>,
    /// assign: the department of the holding agency (its key).
    pub department: Option<String>,
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
        "assign" => Action::Assign {
            department: crate::services::users::department_key(input.department.as_deref())?.ok_or_else(|| {
                AppError::new(
                    ErrorCode::DepartmentRequired,
                    "assign needs department: the key of a department of the agency holding the dossier",
                )
            })?,
        },
        "approve" => Action::Approve,
        "finish" => Action::Finish,
        "return_result" => Action::ReturnResult,
        "extend" => {
            let day = input.new_due_date.as_deref().ok_or_else(|| {
                AppError::new(ErrorCode::NewDueDateRequired, "extend needs new_due_date (YYYY-MM-DD) and a reason")
            })?;
            let new_due_day = crate::domain::period::parse_day("new_due_date", day)
                .map_err(|e| AppError::new(ErrorCode::InvalidNewDueDate, e.to_string()))?;
            Action::Extend { new_due_day, reason }
        }
        "withdraw" => Action::Withdraw,
        "stop" => Action::Stop { reason },
        other => {
            return Err(AppError::new(
                ErrorCode::UnknownAction,
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
    caller: impl Into<crate::auth::extractor::Who>,
    code: String,
    input: ActionInput,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let links = links.clone();
    let (key, action, note) = check_action(&code, input)?;
    storage::run_as(pool, caller, move |conn, caller| act_on(conn, &links, &caller, &key, action, note, at)).await
}

/// An action as it arrives from outside, checked before its trip: the dossier, the action, the note.
pub fn check_action(code: &str, input: ActionInput) -> Result<(DossierKey, Action, Option<String>), AppError> {
    let key = parse_code(code)?;
    let action = parse_action(&input)?;
    if input.note.as_deref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(AppError::new(ErrorCode::NoteTooLong, "the note is longer than 2000 characters"));
    }
    Ok((key, action, input.note))
}

/// An action on a connection; returns the dossier as the caller sees it afterwards.
pub fn act_on(
    conn: &mut AnyConnection,
    links: &Links,
    caller: &Caller,
    key: &DossierKey,
    action: Action,
    note: Option<String>,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let ctx = find_writable(conn, caller, key)?;
    let row = &ctx.row;
    let cal = calendar_for(conn, row, at)?;
    let d = row.to_domain();
    let (next, handover) = d.apply(&action, &actor(caller, row), at, &cal).map_err(AppError::from)?;
    if let Action::Assign { department } = &action {
        crate::services::users::open_department(conn, row.current_agency.as_str(), department)?;
    }
    let details = match &action {
        Action::Assign { department } => Some(serde_json::json!({
            "department": department.as_str(),
            "from_department": d.current_department.as_ref().map(|k| k.as_str()),
        })),
        Action::RequestSupplement { missing } => Some(serde_json::json!({"missing": missing})),
        Action::Refuse { reason } | Action::Stop { reason } => Some(serde_json::json!({"reason": reason})),
        Action::Extend { new_due_day, reason } => {
            Some(serde_json::json!({"new_due_date": new_due_day.to_string(), "reason": reason}))
        }
        // A step that lands in a department the route names says which.
        _ if next.current_department.is_some() && next.current_department != d.current_department => {
            Some(serde_json::json!({"department": next.current_department.as_ref().map(|k| k.as_str())}))
        }
        _ => None,
    };
    let mut around = Surroundings::read(conn, &ctx)?;
    let version = row.row_version + 1;
    let mut after = row.with(&next, version);
    let event = EventRow::of(&row.id, version, &handover, (&caller.user_id, caller.role), note, details.clone());
    // A stay at a route step that this action ends is counted at the agency that held it, from
    // the control sheet already read (issue 16 item 1, "late hours caused").
    let steps = {
        let no_names = std::collections::HashMap::new();
        let held_before = super::read::attribution(&around.events, &no_names, &d, &cal, at);
        let mut events = around.events.clone();
        events.push(event.clone());
        let held_after = super::read::attribution(&events, &no_names, &next, &cal, at);
        crate::domain::stats::step_deltas(&held_before, &held_after)
    };
    let refused = next.decision == Some(Decision::Refused);
    let kind = NoticeKind::for_action(handover.action, refused, next.status == Status::NotReceived);
    // The agency a notice speaks for: the counter for a result, else where the dossier now is.
    let notice_agency = match kind {
        Some(NoticeKind::ResultReady) => Some(around.name_of(conn, after.counter())?),
        Some(_) => Some(around.name_of(conn, &after.current_agency)?),
        None => None,
    };
    // TT 01/2018 Điều 19, ND 61/2018 Điều 17.3: an online dossier gets its code when the counter
    // receives it, dated by the receipt, from the same daily sequence as the counter's intakes (or,
    // for a nationwide centralised service, TT 04/2025 Điều 23's).
    let target = match action {
        Action::Receive if row.code.is_none() => {
            let coded = Coded {
                nationwide_centralised: ctx.nationwide_centralised,
                procedure_id: &row.procedure_id,
                receiving: &row.receiving_agency,
                competent: row.competent_agency.as_ref(),
                route: &row.route.0,
            };
            Some(code_target(conn, links, coded, at)?)
        }
        _ => None,
    };
    crate::storage::transaction(conn, |conn| {
        let new_code = match &target {
            Some(t) => Some(issue_code(conn, &row.receiving_agency, t, at)?.to_string()),
            None => None,
        };
        let changes = DossierChanges::of(&next, version);
        if !store::update_if_unchanged(conn, &row.id, row.row_version, &changes, new_code.as_deref())? {
            return Err(concurrent_update());
        }
        if new_code.is_some() {
            after.code = new_code;
        }
        store::insert_event(conn, &event)?;
        let counted = Counted::new(row, &ctx.procedure_field, ctx.online_level);
        count_with_steps(conn, &counted, Some(&d), &next, &cal, &steps)?;
        if let (Some(kind), Some(agency)) = (kind, &notice_agency) {
            let names = Names { procedure: &ctx.procedure_name, agency };
            enqueue(conn, links, &after, &ctx.applicant, names, kind, details.as_ref(), at)?;
        }
        Ok(())
    })?;
    tracing::info!(dossier = %key, action = action.name(), status = next.status.as_str(), "dossier action");
    around.events.push(event);
    around.into_record(conn, DossierContext { row: after, ..ctx }, caller, &cal, at)
}
