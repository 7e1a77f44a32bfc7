//! Dossiers handled on a ministry's system for an agency of the province (ND 224/2026 Điều 15.1.h:
//! the province's figures include them), imported from a feed for the statistics only (issue 15,
//! item 4). They are counted like any dossier — in Biểu II.06a and the indicators, at their
//! receiving agency, with their source shown beside — and are never processed here: no inbox, no
//! action, no control sheet, nothing sent to the portal. A re-import of a code updates the dossier
//! and moves its counts; it never makes a second one.
use chrono::{DateTime, NaiveDateTime, Utc};

use super::intake::{new_pin, new_reference};
use super::notices::{count, Counted};
use crate::domain::calendar::{to_vietnam, WorkingCalendar};
use crate::domain::dossier::{Channel, Decision, DossierCode, Status};
use crate::domain::intake_boundary::ResultDelivery;
use crate::domain::{AgencyCode, ProcedureCode};
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers::{self as store, ApplicantRow, DossierRow, StoredRoute, MINISTRY_SOURCE};
use crate::storage::{agencies, procedures, AnyConnection};

/// One dossier of a ministry's feed, checked.
#[derive(Debug, Clone)]
pub struct MinistryDossier {
    /// `ministry:<system>`.
    pub source: String,
    pub code: DossierCode,
    pub procedure: ProcedureCode,
    pub agency: AgencyCode,
    pub channel: Channel,
    pub status: Status,
    pub applicant_name: String,
    pub submitted_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
}

/// A system's name as a source: lower-case letters, digits and dashes, 2 to 40 of them.
pub fn source_of(system: &str) -> Result<String, AppError> {
    let s = system.trim();
    let ok =
        (2..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        return Err(AppError::new(
            ErrorCode::InvalidPortalItem,
            "source names the ministry's system in 2 to 40 lower-case letters, digits and dashes (e.g. bo-cong-an)",
        ));
    }
    Ok(format!("{MINISTRY_SOURCE}{s}"))
}

/// What one import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Imported {
    Created,
    Updated,
    Unchanged,
}

fn naive(t: Option<DateTime<Utc>>) -> Option<NaiveDateTime> {
    t.map(|t| t.naive_utc())
}

/// Files (or updates) one ministry dossier and its counts, in one transaction.
/// Returns what it did and the dossier's reference.
pub fn import_on(
    conn: &mut AnyConnection,
    item: &MinistryDossier,
    at: DateTime<Utc>,
) -> Result<(Imported, String), AppError> {
    let conflict = |why: String| AppError::new(ErrorCode::ImportConflict, why);
    let code = item.code.to_string();
    let (p, _) = procedures::current_with_steps(conn, item.procedure.as_str())?.ok_or_else(|| {
        AppError::new(ErrorCode::ProcedureNotFound, format!("no procedure has the code {}", item.procedure))
    })?;
    if agencies::find(conn, item.agency.as_str())?.is_none() {
        return Err(AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {}", item.agency)));
    }
    let limit_unit = p
        .time_limit_unit
        .parse()
        .map_err(|e: crate::domain::procedure::UnknownTimeUnit| AppError::Internal(e.into()))?;
    // The ministry's own due date judges it (TT 01/2020: early, on time or late against it).
    let timeliness = match (item.finished_at, item.due_at) {
        (Some(f), Some(d)) => Some(WorkingCalendar::new([], []).judge(to_vietnam(f), to_vietnam(d), limit_unit)),
        _ => None,
    };
    let finished = item.finished_at.is_some() || !item.status.is_open();
    // The working calendar since the submission (the online wait is counted in working hours).
    let cal = super::read::calendar_from(conn, item.submitted_at)?;
    crate::storage::transaction(conn, |conn| {
        let before = store::find_by_code(conn, &code)?;
        if let Some(b) = &before {
            if b.source != item.source {
                return Err(conflict(format!("{code} is a dossier of {}, not of {}", b.source, item.source)));
            }
            if b.receiving_agency != item.agency || b.procedure_code != item.procedure.as_str() {
                return Err(conflict(format!(
                    "{code} was imported for agency {} and procedure {}: a feed does not move a dossier",
                    b.receiving_agency, b.procedure_code
                )));
            }
        }
        let row = DossierRow {
            id: before.as_ref().map_or_else(|| uuid::Uuid::now_v7().to_string(), |b| b.id.clone()),
            code: Some(code.clone()),
            reference: before.as_ref().map_or_else(|| new_reference().to_string(), |b| b.reference.clone()),
            procedure_id: p.id.clone(),
            procedure_code: p.code.clone(),
            receiving_agency: item.agency.clone(),
            current_agency: item.agency.clone(),
            channel: item.channel,
            status: item.status,
            status_code: item.status.national_code(),
            current_step: 0,
            // Its steps are the ministry's: here, one step at the receiving agency.
            route: StoredRoute(vec![crate::domain::dossier::RoutedStep::at(item.agency.clone(), 100)]),
            limit_value: p.time_limit_value,
            limit_unit,
            documents: "[]".into(),
            citizen_user_id: None,
            pin: before.as_ref().map_or_else(new_pin, |b| b.pin.clone()),
            submitted_at: item.submitted_at.naive_utc(),
            received_at: naive(item.received_at),
            clock_started_at: naive(item.received_at),
            due_at: naive(item.due_at),
            extended_due_at: None,
            step_started_at: None,
            step_due_at: None,
            supplement_stage: None,
            intake_supplements: 0,
            appraisal_supplements: 0,
            extensions: 0,
            decision: finished.then_some(Decision::Approved).filter(|_| item.status != Status::NotReceived),
            finished_at: naive(item.finished_at),
            timeliness,
            returned_at: naive(item.returned_at),
            // No control sheet here: row_version 0, and nothing is owed to the portal.
            row_version: 0,
            competent_agency: None,
            handover_due_at: None,
            competent_received_at: None,
            result_delivery: ResultDelivery::default(),
            current_department: None,
            source: item.source.clone(),
        };
        let counted = Counted::new(&row, &p.field, p.online_level);
        match &before {
            None => {
                let applicant = ApplicantRow {
                    dossier_id: row.id.clone(),
                    name: item.applicant_name.clone(),
                    id_number: String::new(),
                    phone: String::new(),
                    email: None,
                    address: String::new(),
                    notify_by: "none".into(),
                };
                store::insert(conn, &row, &applicant)?;
                count(conn, &counted, None, &row.to_domain(), &cal)?;
                Ok((Imported::Created, row.reference.clone()))
            }
            Some(b) => {
                let changes = store::DossierChanges::of(&row.to_domain(), 0);
                if store::DossierChanges::of(&b.to_domain(), 0) == changes {
                    return Ok((Imported::Unchanged, row.reference.clone()));
                }
                if !store::update_if_unchanged(conn, &b.id, b.row_version, &changes, None)? {
                    return Err(AppError::new(ErrorCode::ConcurrentUpdate, "the dossier changed meanwhile; try again"));
                }
                count(conn, &counted, Some(&b.to_domain()), &row.to_domain(), &cal)?;
                Ok((Imported::Updated, row.reference.clone()))
            }
        }
    })
    .inspect(|(outcome, _)| tracing::info!(dossier = %code, source = %item.source, ?outcome, at = %at, "ministry dossier imported"))
}
