//! Administrators' view of the outbox: list notices by status, re-queue failed ones.
use chrono::{DateTime, Utc};

use crate::auth::extractor::Who;
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::outbox::{self, NotificationRow};
use crate::storage::{self, AnyConnection, Pool};

pub use crate::domain::notice::mask;

/// An administrator lists the notices of a status (at most 500).
pub async fn list(pool: &Pool, who: impl Into<Who>, status: String) -> Result<Vec<NotificationRow>, AppError> {
    storage::run_as(pool, who, move |conn, caller| list_on(conn, &caller, &status)).await
}

/// [`list`] on `conn`.
pub fn list_on(conn: &mut AnyConnection, caller: &Caller, status: &str) -> Result<Vec<NotificationRow>, AppError> {
    caller.require_role(&[Role::Admin])?;
    if !["pending", "sending", "sent", "failed"].contains(&status) {
        return Err(AppError::new(ErrorCode::InvalidStatus, "status is pending, sending, sent or failed"));
    }
    Ok(outbox::with_status(conn, status, 500)?)
}

/// An administrator puts a failed notice back in the queue.
pub async fn requeue(pool: &Pool, who: impl Into<Who>, id: String, at: DateTime<Utc>) -> Result<(), AppError> {
    storage::run_as(pool, who, move |conn, caller| requeue_on(conn, &caller, &id, at)).await
}

/// [`requeue`] on `conn`.
pub fn requeue_on(conn: &mut AnyConnection, caller: &Caller, id: &str, at: DateTime<Utc>) -> Result<(), AppError> {
    caller.require_role(&[Role::Admin])?;
    if outbox::requeue(conn, id, at.naive_utc())? {
        tracing::info!(notification = %id, "notice re-queued");
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::NotificationNotFailed, "no failed notice has this id"))
    }
}
