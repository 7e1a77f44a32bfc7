//! The public lookup: where a dossier is, without personal data; more only with proof.
use chrono::TimeDelta;

use crate::domain::applicant::parse_phone;
use crate::error::AppError;
use crate::services::dossiers::{find_by_key, not_found, parse_code};
use crate::storage::dossiers::{self as store, DossierRow, EventRow};
use crate::storage::{self, agencies, procedures, Pool};

/// Wrong proofs allowed per dossier code in the throttle window before lookups with proof are refused.
pub const MAX_FAILED_PROOFS: i64 = 5;
/// The throttle window.
pub const PROOF_WINDOW_MINUTES: i64 = 15;

/// Proof that the caller is the applicant: the receipt's PIN or the phone number given at intake.
#[derive(Debug, Clone, Default)]
pub struct Proof {
    pub pin: Option<String>,
    pub phone: Option<String>,
}

/// What anyone may see, plus what an applicant with proof may see.
#[derive(Debug, Clone)]
pub struct LookupResult {
    pub row: DossierRow,
    pub procedure_name: String,
    pub current_agency_name: String,
    /// (event, agency name) in order.
    pub history: Vec<(EventRow, String)>,
    /// Set when a proof was given and matched.
    pub verified: bool,
}

pub async fn lookup(
    pool: &Pool,
    code: String,
    proof: Proof,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<LookupResult, AppError> {
    let key = parse_code(&code)?;
    let has_proof = proof.pin.is_some() || proof.phone.is_some();
    storage::run(pool, move |conn| {
        let row = find_by_key(conn, &key)?.ok_or_else(|| not_found(&key))?;
        // Wrong proofs count against the dossier, whichever of its names (code or reference) they came by.
        let code = row.reference.clone();
        let mut verified = false;
        if has_proof {
            let now = at.naive_utc();
            let since = now - TimeDelta::minutes(PROOF_WINDOW_MINUTES);
            if store::count_lookup_failures_since(conn, &code, since)? >= MAX_FAILED_PROOFS {
                return Err(AppError::TooManyRequests(format!(
                    "too many wrong PINs or phone numbers for this dossier; try again in {PROOF_WINDOW_MINUTES} minutes"
                )));
            }
            let applicant = store::applicant(conn, &row.id)?;
            let pin_ok = proof.pin.as_deref().is_some_and(|p| p.trim() == row.pin);
            let phone_ok =
                proof.phone.as_deref().and_then(|p| parse_phone(p).ok()).is_some_and(|p| p == applicant.phone);
            if !(pin_ok || phone_ok) {
                store::record_lookup_failure(conn, &code, now)?;
                return Err(AppError::forbidden(
                    "proof_mismatch",
                    "the PIN or phone number does not match this dossier",
                ));
            }
            verified = true;
        }
        let procedure_name = procedures::name_of(conn, &row.procedure_id)?;
        let events = store::events(conn, &row.id)?;
        let mut codes: Vec<String> = events.iter().map(|e| e.to_agency.clone()).collect();
        codes.push(row.current_agency.clone());
        codes.sort();
        codes.dedup();
        let names: std::collections::HashMap<String, String> =
            agencies::describe(conn, &codes)?.into_iter().map(|(c, _, n)| (c, n)).collect();
        let current_agency_name = names.get(&row.current_agency).cloned().unwrap_or_default();
        let history = events
            .into_iter()
            .map(|e| {
                let n = names.get(&e.to_agency).cloned().unwrap_or_default();
                (e, n)
            })
            .collect();
        Ok(LookupResult { row, procedure_name, current_agency_name, history, verified })
    })
    .await
}
