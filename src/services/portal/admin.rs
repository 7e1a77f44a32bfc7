//! What administrators do about the portal link (issue 15, items 5 and 6): see the queue, its
//! oldest item, the last error and the refused items; compare what the portal acknowledged with the
//! dossiers motcua holds (`motcua portal reconcile`); send a dossier or a period again.
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

use super::portal_time;
use crate::auth::Caller;
use crate::domain::period::Period;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers::DossierRow;
use crate::storage::portal::{self, DeliveryRow, QueueState};
use crate::storage::AnyConnection;

/// One difference between what the portal acknowledged and what motcua holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Difference {
    /// The dossier's code (its `MaHoSo`).
    pub code: String,
    /// `not_sent` (items wait in the queue), `missing` (the portal took no record of it),
    /// `status_behind` (the portal's last status is not the dossier's) or `dates_differ` (a date
    /// of the portal's record is not the dossier's).
    pub kind: &'static str,
    /// What differs, field by field ("NgayHenTra: portal 20270316173000, motcua 20270317173000").
    pub detail: String,
}

/// The period's days (Vietnam days, both ends included) as UTC bounds `[start, end)`.
pub fn period_bounds(period: &Period) -> (NaiveDateTime, NaiveDateTime) {
    crate::domain::calendar::vietnam_days_utc(period.from(), period.to())
}

/// The values the portal's record should carry now, by field.
fn record_dates(row: &DossierRow) -> [(&'static str, String); 4] {
    [
        ("NgayTiepNhan", portal_time(row.received_at)),
        ("NgayHenTra", portal_time(row.received_at.and(row.promised_due_at()))),
        ("NgayKetThucXuLy", portal_time(row.finished_at)),
        ("NgayTra", portal_time(row.returned_at)),
    ]
}

/// The differences of one dossier, given everything the portal answered about it (in order).
pub fn differences(row: &DossierRow, sent_version: i32, answered: &[&DeliveryRow]) -> Vec<Difference> {
    let code = row.code_or_reference().to_string();
    let diff = |kind, detail: String| Difference { code: code.clone(), kind, detail };
    if row.row_version > sent_version {
        let waiting = row.row_version - sent_version;
        return vec![diff("not_sent", format!("{waiting} history rows wait in the queue"))];
    }
    let taken: Vec<(&DeliveryRow, Value)> = answered
        .iter()
        .filter(|d| d.outcome == "taken")
        .filter_map(|d| serde_json::from_str(&d.item).ok().map(|v| (*d, v)))
        .collect();
    let Some((_, record)) = taken.iter().rev().find(|(d, _)| d.service == "record") else {
        let refused = answered.iter().filter(|d| d.outcome == "refused").count();
        return vec![diff("missing", format!("the portal took no record of it ({refused} items refused)"))];
    };
    let mut found = Vec::new();
    let last_status =
        taken.last().and_then(|(_, v)| v.get("TrangThai").or(v.get("TrangThaiHoSo")).and_then(Value::as_i64));
    if last_status != Some(i64::from(row.status_code)) {
        let shown = last_status.map_or("none".to_string(), |s| s.to_string());
        found.push(diff("status_behind", format!("portal {shown}, motcua {}", row.status_code)));
    }
    let dates: Vec<String> = record_dates(row)
        .into_iter()
        .filter_map(|(field, ours)| {
            let theirs = record.get(field).and_then(Value::as_str).unwrap_or_default();
            (theirs != ours).then(|| format!("{field}: portal {theirs:?}, motcua {ours:?}"))
        })
        .collect();
    if !dates.is_empty() {
        found.push(diff("dates_differ", dates.join("; ")));
    }
    found
}

/// Every difference for the coded dossiers submitted in the period.
pub fn reconcile_on(conn: &mut AnyConnection, period: &Period) -> Result<Vec<Difference>, AppError> {
    let (start, end) = period_bounds(period);
    let held = portal::submitted_between(conn, start, end)?;
    let ids: Vec<String> = held.iter().map(|h| h.row.id.clone()).collect();
    let answered = portal::deliveries_of_all(conn, &ids)?;
    let mut by_dossier: std::collections::HashMap<&str, Vec<&DeliveryRow>> = std::collections::HashMap::new();
    for d in &answered {
        by_dossier.entry(d.dossier_id.as_str()).or_default().push(d);
    }
    Ok(held
        .iter()
        .flat_map(|h| differences(&h.row, h.sent_version, by_dossier.get(h.row.id.as_str()).map_or(&[][..], |v| v)))
        .collect())
}

/// What to send again.
#[derive(Debug, Clone)]
pub enum Resend {
    Dossier(String),
    Period(Period),
}

/// An administrator sends a dossier, or every coded dossier submitted in a period, again (new
/// idempotency keys); returns how many dossiers.
pub fn resend_on(conn: &mut AnyConnection, caller: &Caller, what: &Resend) -> Result<usize, AppError> {
    caller.require_role(&[Role::Admin])?;
    resend_in(conn, what)
}

/// [`resend_on`] for the operator on the machine (`motcua portal resend`).
pub fn resend_in(conn: &mut AnyConnection, what: &Resend) -> Result<usize, AppError> {
    let n = match what {
        Resend::Dossier(code) => {
            let key = crate::services::dossiers::parse_code(code)?;
            let row = crate::services::dossiers::find_by_key(conn, &key)?
                .ok_or_else(|| AppError::new(ErrorCode::DossierNotFound, "no dossier has this code"))?;
            if row.code.is_none() {
                return Err(AppError::new(
                    ErrorCode::ActionNotAllowed,
                    "the portal is told of an online submission once it is received (it has no code yet)",
                ));
            }
            usize::from(portal::resend(conn, &row.id)?)
        }
        Resend::Period(period) => {
            let (start, end) = period_bounds(period);
            portal::resend_between(conn, start, end)?
        }
    };
    tracing::info!(dossiers = n, "portal re-send queued");
    Ok(n)
}

/// The link's state for the administrators' page: the queue and the latest refusals.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub queue: QueueState,
    pub refused: Vec<Refusal>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Refusal {
    pub code: String,
    pub seq: i32,
    pub service: String,
    pub answer: String,
    pub at: DateTime<Utc>,
}

/// Without a portal (`linked` false) nothing is sent and the queue is not read: every dossier would
/// count as owed, and reading that is the cost of the whole table.
pub fn overview_on(conn: &mut AnyConnection, caller: &Caller, linked: bool) -> Result<Overview, AppError> {
    caller.require_role(&[Role::Admin])?;
    let queue = if linked { portal::queue_state(conn)? } else { QueueState::default() };
    let refused = portal::refused(conn, 50)?
        .into_iter()
        .map(|(d, code)| Refusal {
            code: code.unwrap_or_default(),
            seq: d.seq,
            service: d.service,
            answer: d.answer.unwrap_or_default(),
            at: d.delivered_at.and_utc(),
        })
        .collect();
    Ok(Overview { queue, refused })
}
