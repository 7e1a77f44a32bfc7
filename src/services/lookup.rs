//! The public lookup: where a dossier is, without personal data; more only with proof.
//! Limited per client address (`lookup.max_per_minute`); proofs go through `throttle::check_proof`.
use crate::error::AppError;
use crate::http::client::ClientAddr;
use crate::services::dossiers::{find_by_key, not_found, parse_code};
use crate::services::throttle::{self, check_proof, Limits, ProofCheck};
use crate::storage::dossiers::{self as store, DossierRow, EventRow};
use crate::storage::{self, agencies, procedures, Pool};

pub use crate::services::throttle::Proof;

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
        let row = find_by_key(conn, &key)?.ok_or_else(|| not_found(&key))?;
        let (verified, refused) = match check_proof(conn, &limits, &row, &proof, &client, at) {
            Ok(ProofCheck::Valid) => (true, None),
            Ok(ProofCheck::Missing) => (false, None),
            Ok(ProofCheck::Wrong) => (
                false,
                Some(AppError::forbidden("proof_mismatch", "the PIN or phone number does not match this dossier")),
            ),
            Err(e @ AppError::Throttled { .. }) => (false, Some(e)),
            Err(e) => return Err(e),
        };
        let procedure_name = procedures::name_of(conn, &row.procedure_id)?;
        let events = store::events(conn, &row.id)?;
        let mut codes: Vec<String> = events.iter().map(|e| e.to_agency.clone()).collect();
        codes.push(row.current_agency.to_string());
        codes.sort();
        codes.dedup();
        let names: std::collections::HashMap<String, String> =
            agencies::describe(conn, &codes)?.into_iter().map(|(c, _, n)| (c, n)).collect();
        let current_agency_name = names.get(row.current_agency.as_str()).cloned().unwrap_or_default();
        let history = events
            .into_iter()
            .map(|e| {
                let n = names.get(&e.to_agency).cloned().unwrap_or_default();
                (e, n)
            })
            .collect();
        Ok((LookupResult { row, procedure_name, current_agency_name, history, verified }, refused))
    })
    .await
}
