//! The public lookup: where a dossier is, without personal data; more only with proof.
//! Limited per client address (`lookup.max_per_minute`); proofs go through `throttle::check_proof`.
//! Without a proof: four statements (the throttle's hit, the dossier with its history, its
//! procedure's step names, the working calendar for the deadline ledger).
use crate::domain::ledger::LedgerEntry;
use crate::error::{AppError, ErrorCode};
use crate::http::client::ClientAddr;
use crate::services::dossiers::{not_found, parse_code};
use crate::services::throttle::{self, check_proof_knowing_phone, Limits, ProofCheck};
use crate::storage::dossiers::{DossierRow, EventRow};
use crate::storage::lookup::{read, LookupRecord};
use crate::storage::{self, AnyConnection, Pool};

pub use crate::services::throttle::Proof;

/// What anyone may see, plus what an applicant with proof may see.
#[derive(Debug, Clone)]
pub struct LookupResult {
    pub row: DossierRow,
    pub procedure_name: String,
    pub current_agency_name: String,
    /// (event, agency name) in order.
    pub history: Vec<(EventRow, String)>,
    /// What each row of `history` did, in words a citizen reads (`labels::timeline_steps_vi`).
    pub steps: Vec<String>,
    /// Set when a proof was given and matched.
    pub verified: bool,
    /// When the lookup was made (by the Clock): whether an open dossier is past its date.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Every event that set, paused, restarted or moved the due date, and why (issue 17 item 1).
    pub ledger: Vec<LedgerEntry>,
    /// With a valid proof only: who among staff read the dossier (issue 17 item 2), with the staff's
    /// names; shown through `OwnerAccesses::under_policy`.
    pub accesses: Option<crate::services::accesses::OwnerAccesses>,
}

impl LookupResult {
    /// The agency handling the dossier now; None once nobody does (the result returned, the
    /// dossier withdrawn, stopped or not received).
    pub fn handling_agency(&self) -> Option<&str> {
        use crate::domain::dossier::Status;
        let closed =
            matches!(self.row.status, Status::Returned | Status::Withdrawn | Status::Stopped | Status::NotReceived);
        (!closed && !self.current_agency_name.is_empty()).then_some(self.current_agency_name.as_str())
    }

    /// Whether the dossier kept its date: Trước hạn / Đúng hạn / Quá hạn once finished (against
    /// the statutory date, as Biểu II.06a judges); while open, "Còn hạn" or "Đã quá hạn" against
    /// the date promised; None without a date or once closed unfinished.
    pub fn standing(&self) -> Option<(&'static str, &'static str)> {
        use crate::domain::calendar::Timeliness;
        use crate::domain::dossier::Status;
        if let Some(t) = self.row.timeliness {
            let key = match t {
                Timeliness::Early => "early",
                Timeliness::OnTime => "on_time",
                Timeliness::Late => "late",
            };
            return Some((key, t.label_vi()));
        }
        if matches!(self.row.status, Status::Returned | Status::Withdrawn | Status::Stopped | Status::NotReceived) {
            return None;
        }
        let due = self.row.promised_due_at()?;
        Some(if self.at.naive_utc() > due {
            ("overdue", "Đã quá hạn hẹn trả")
        } else {
            ("in_time", "Còn hạn")
        })
    }
}

/// The lookup: 429 `too_many_lookups` beyond the per-client limit, 404 for an unknown code,
/// and with a proof, 403 `proof_mismatch` when it does not match or 429 `too_many_attempts` when
/// proofs are throttled.
pub async fn lookup(
    pool: &Pool,
    limits: &Limits,
    client: ClientAddr,
    code: String,
    proof: Proof,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<LookupResult, AppError> {
    let (result, refused) = lookup_showing_public(pool, limits, client, code, proof, at).await?;
    match refused {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

/// As [`lookup`], but a refused proof still answers the public part, with the refusal beside it
/// (the page shows both); one lookup counted either way.
pub async fn lookup_showing_public(
    pool: &Pool,
    limits: &Limits,
    client: ClientAddr,
    code: String,
    proof: Proof,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(LookupResult, Option<AppError>), AppError> {
    let limits = limits.clone();
    storage::run(pool, move |conn| {
        throttle::lookup_hit(conn, &limits, &client, at)?;
        let key = parse_code(&code)?;
        let found = read(conn, &key)?.ok_or_else(|| not_found(&key))?;
        let (verified, refused) =
            match check_proof_knowing_phone(conn, &limits, &found.row, Some(&found.phone), &proof, &client, at) {
                Ok(ProofCheck::Valid) => (true, None),
                Ok(ProofCheck::Missing) => (false, None),
                Ok(ProofCheck::Wrong) => (
                    false,
                    Some(AppError::new(
                        ErrorCode::ProofMismatch,
                        "the PIN or phone number does not match this dossier",
                    )),
                ),
                Err(e @ AppError::Throttled { .. }) => (false, Some(e)),
                Err(e) => return Err(e),
            };
        let accesses = owner_accesses(conn, &found.row, verified)?;
        let LookupRecord { row, procedure_name, current_agency_name, history, step_names, .. } = found;
        // A commune, ward or district acts through its People's Committee: "UBND Phường Tân An".
        let current_agency_name = crate::domain::labels::committee_name(&current_agency_name);
        let history: Vec<(EventRow, String)> =
            history.into_iter().map(|(e, a)| (e, crate::domain::labels::committee_name(&a))).collect();
        let rows: Vec<(&str, crate::domain::dossier::Status)> =
            history.iter().map(|(e, _)| (e.action.as_str(), e.status)).collect();
        let steps = crate::domain::labels::timeline_steps_vi(&rows, &step_names);
        let events: Vec<&EventRow> = history.iter().map(|(e, _)| e).collect();
        let ledger = ledger_on(conn, &row, &events)?;
        let result =
            LookupResult { row, procedure_name, current_agency_name, history, steps, verified, at, ledger, accesses };
        Ok((result, refused))
    })
    .await
}

/// The deadline ledger of a dossier from its control sheet, with the working calendar from its
/// submission on (one statement).
pub fn ledger_on(
    conn: &mut AnyConnection,
    row: &DossierRow,
    events: &[&EventRow],
) -> Result<Vec<LedgerEntry>, AppError> {
    let calendar = crate::services::dossiers::calendar_from(conn, row.submitted_at.and_utc())?;
    Ok(ledger_of(row, events, &calendar))
}

/// The deadline ledger of a dossier from its control sheet on `calendar` (no statement).
pub fn ledger_of(
    row: &DossierRow,
    events: &[&EventRow],
    calendar: &crate::domain::calendar::WorkingCalendar,
) -> Vec<LedgerEntry> {
    use crate::domain::ledger::{ledger, LedgerContext, LedgerEvent};
    use crate::domain::procedure::TimeLimit;
    let events: Vec<LedgerEvent> = events
        .iter()
        .map(|e| LedgerEvent {
            at: e.at.and_utc(),
            action: &e.action,
            status: e.status,
            due_at: e.due_at.map(|t| t.and_utc()),
            extended_due_at: e.extended_due_at.map(|t| t.and_utc()),
        })
        .collect();
    let ctx = LedgerContext {
        limit: TimeLimit { value: u32::try_from(row.limit_value).unwrap_or(0), unit: row.limit_unit },
        calendar,
        regime: row.regime(),
        handover_due_at: row.handover_due_at.map(|t| t.and_utc()),
        boundary_free: row.competent_agency.is_some(),
        timeliness: row.timeliness,
    };
    ledger(&events, &ctx)
}

/// The reads of `row` by staff, for the applicant who proved ownership (one statement); nothing
/// without a proof.
fn owner_accesses(
    conn: &mut crate::storage::AnyConnection,
    row: &DossierRow,
    verified: bool,
) -> Result<Option<crate::services::accesses::OwnerAccesses>, AppError> {
    match verified {
        true => crate::services::accesses::for_owner(conn, &row.id, true).map(Some),
        false => Ok(None),
    }
}
