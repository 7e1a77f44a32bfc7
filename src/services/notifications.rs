//! Administrators' view of the outbox: list notices by status, re-queue failed ones.
use chrono::{DateTime, Utc};

use crate::auth::Caller;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::outbox::{self, NotificationRow};
use crate::storage::{self, Pool};

pub use crate::domain::notice::mask;

pub async fn list(pool: &Pool, caller: Caller, status: String) -> Result<Vec<NotificationRow>, AppError> {
    caller.require_role(&[Role::Admin])?;
    if !["pending", "sending", "sent", "failed"].contains(&status.as_str()) {
        return Err(AppError::new(ErrorCode::InvalidStatus, "status is pending, sending, sent or failed"));
    }
    storage::run(pool, move |conn| Ok(outbox::with_status(conn, &status, 500)?)).await
}

pub async fn requeue(pool: &Pool, caller: Caller, id: String, at: DateTime<Utc>) -> Result<(), AppError> {
    caller.require_role(&[Role::Admin])?;
    storage::run(pool, move |conn| {
        if outbox::requeue(conn, &id, at.naive_utc())? {
            tracing::info!(notification = %id, "notice re-queued");
            Ok(())
        } else {
            Err(AppError::new(ErrorCode::NotificationNotFailed, "no failed notice has this id"))
        }
    })
    .await
}
