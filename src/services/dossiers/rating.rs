//! The applicant's rating of the service (ND 61/2018 Điều 25.2.g, TT 01/2018).
use chrono::{DateTime, Utc};

use super::notices::{count_deltas, facts, Counted};
use super::{find_context, lock_unchanged, not_found, parse_code};
use crate::auth::extractor::{check_active, Who};
use crate::auth::Caller;
use crate::domain::dossier::Status;
use crate::domain::stats::{deltas, Facts};
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers as store;
use crate::storage::{self, AnyConnection, Pool};

/// ND 61/2018 Điều 25.2.g (and TT 01/2018): applicants rate the service once, after the result
/// is returned; proof is the owner's account or the receipt's PIN. The PIN goes through
/// `throttle::check_proof`, and before any look at the dossier's state: without a valid proof the
/// answer is 403 `proof_required` (or 429 while throttled) whatever the state, so the endpoint
/// tells nothing about a PIN.
#[allow(clippy::too_many_arguments)]
pub async fn rate(
    pool: &Pool,
    limits: &crate::services::throttle::Limits,
    who: Option<Who>,
    client: crate::http::client::ClientAddr,
    code: String,
    score: i64,
    comment: Option<String>,
    pin: Option<String>,
    at: DateTime<Utc>,
) -> Result<store::RatingRow, AppError> {
    let limits = limits.clone();
    storage::run(pool, move |conn| {
        // A disabled account's token counts as no account, as a missing or expired one does.
        let caller = match who.map(|w| check_active(conn, w)).transpose() {
            Ok(caller) => caller,
            Err(AppError::InvalidToken(_)) => None,
            Err(e) => return Err(e),
        };
        rate_on(conn, &limits, caller.as_ref(), &client, &code, score, comment, pin, at)
    })
    .await
}

/// [`rate`] on `conn`, for a caller already checked (if any).
#[allow(clippy::too_many_arguments)]
pub fn rate_on(
    conn: &mut AnyConnection,
    limits: &crate::services::throttle::Limits,
    caller: Option<&Caller>,
    client: &crate::http::client::ClientAddr,
    code: &str,
    score: i64,
    comment: Option<String>,
    pin: Option<String>,
    at: DateTime<Utc>,
) -> Result<store::RatingRow, AppError> {
    use crate::services::throttle::{check_proof, Proof, ProofCheck};
    let code = parse_code(code)?;
    if !(1..=5).contains(&score) {
        return Err(AppError::new(ErrorCode::InvalidScore, "score is 1 (very unsatisfied) to 5 (very satisfied)"));
    }
    let comment = comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 1000) {
        return Err(AppError::new(ErrorCode::CommentTooLong, "the comment is longer than 1000 characters"));
    }
    let ctx = find_context(conn, &code)?.ok_or_else(|| not_found(&code))?;
    let row = &ctx.row;
    let owner = caller.as_ref().is_some_and(|c| row.citizen_user_id.as_deref() == Some(c.user_id.as_str()));
    let proven = owner
        || check_proof(conn, limits, row, &Proof { pin: pin.clone(), phone: None }, client, at)? == ProofCheck::Valid;
    if !proven {
        return Err(AppError::new(
            ErrorCode::ProofRequired,
            "rate as the applicant: sign in with the account that submitted it, or give the PIN on the receipt",
        ));
    }
    if row.status != Status::Returned {
        return Err(AppError::new(ErrorCode::NotReturnedYet, "the service can be rated once the result is returned"));
    }
    let already = || AppError::new(ErrorCode::AlreadyRated, "this dossier has already been rated");
    if ctx.rating.is_some() {
        return Err(already());
    }
    let rating =
        store::RatingRow { dossier_id: row.id.clone(), score: score as i32, comment, rated_at: at.naive_utc() };
    crate::storage::transaction(conn, |conn| {
        lock_unchanged(conn, row)?;
        // One rating per dossier (its primary key): a rating that won meanwhile refuses this one.
        store::insert_rating(conn, &rating).map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => already(),
            e => e.into(),
        })?;
        // The rating adds its own marks; everything else about the dossier stays as it was.
        let who = Counted::new(row, &ctx.procedure_field, ctx.online_level);
        let day = crate::domain::calendar::to_vietnam(at).date_naive();
        // No calendar: the receipt does not change, so its wait would cancel out (`facts`).
        let before = facts(&row.to_domain(), who.online, who.level4, None);
        let after = Facts { rated: Some((day, score >= 4)), ..before.clone() };
        count_deltas(conn, &who, &deltas(Some(&before), &after))
    })?;
    tracing::info!(dossier = %code, score, "service rated");
    Ok(rating)
}
