//! Storage: one diesel code path over SQLite and PostgreSQL.
pub mod accesses;
pub mod agencies;
pub mod agency_changes;
pub mod alerts;
pub mod anomalies;
pub mod calendar;
pub mod connection;
pub mod demo_history;
pub mod departments;
pub mod dossiers;
pub mod feedback;
pub mod inbox;
pub mod lookup;
pub mod outbox;
pub mod plans;
pub mod portal;
pub mod procedures;
pub mod reorganisations;
pub mod schema;
pub mod stats;
pub mod templates;
pub mod throttle;
pub mod users;

pub use connection::{transaction, AnyConnection, Pool};

use crate::error::AppError;

/// Runs blocking database work on actix's blocking pool, with the caller's tracing span.
pub async fn run<T, F>(pool: &Pool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        span.in_scope(|| {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Like [`run`], for an authenticated request: on the same connection, first checks that the
/// caller's account is still active (one primary-key read; none for a caller already checked, as
/// the command line and the demo pass), then runs `work` with the checked caller. One pool
/// check-out per request; a disabled (or deleted) account's token is refused with 401
/// `invalid_token`.
pub async fn run_as<T, F>(pool: &Pool, who: impl Into<crate::auth::extractor::Who>, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection, crate::auth::Caller) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let who = who.into();
    run(pool, move |conn| {
        let caller = crate::auth::extractor::check_active(conn, who)?;
        work(conn, caller)
    })
    .await
}

/// `e`, found before the trip from what the token claims, answered as the account allows: the
/// trip checks the account, so a disabled account's token gets 401 `invalid_token` instead, as
/// it would have had the check come first. One check-out.
pub async fn refused(pool: &Pool, who: impl Into<crate::auth::extractor::Who>, e: AppError) -> AppError {
    match run_as(pool, who, |_, _| Ok(())).await {
        Ok(()) => e,
        Err(account) => account,
    }
}
