//! Signing in.
use chrono::{DateTime, Utc};

use crate::auth::{password, JwtKeys};
use crate::domain::Username;
use crate::error::AppError;
use crate::http::client::ClientAddr;
use crate::services::throttle::{self, Limits};
use crate::storage::{self, users, Pool};

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub role: String,
    pub agency_code: Option<String>,
    pub expires_in_minutes: i64,
}

/// Checks the password and issues a token. Unknown users and wrong passwords answer alike.
///
/// Throttled (`throttle::begin_sign_in`): 429 `too_many_attempts` with `Retry-After` once this
/// username from this client, this client, or this username from everywhere has failed too often
/// in the window; while locked the right password is refused too, and a success erases only its
/// own attempt, never earlier failures. The attempt is recorded and the account read in one trip;
/// the password is verified after the connection is back in the pool, on the password threads
/// (at most one hash per core).
pub async fn login(
    pool: &Pool,
    keys: &JwtKeys,
    limits: &Limits,
    client: ClientAddr,
    username: String,
    password: String,
    at: DateTime<Utc>,
) -> Result<Session, AppError> {
    if Username::parse(&username).is_err() || password.is_empty() || password.len() > 1024 {
        return Err(AppError::InvalidCredentials);
    }
    let limits = limits.clone();
    let (attempt, user) = storage::run(pool, move |conn| {
        let attempt = throttle::begin_sign_in(conn, &limits, &username, &client, at)?;
        Ok((attempt, users::find_by_username(conn, &username)?))
    })
    .await?;
    let user = match user {
        // A disabled account answers exactly like a wrong password (after the same work).
        Some(u) => {
            (password::verify_bounded(password, u.password_hash.clone()).await && u.disabled_at.is_none()).then_some(u)
        }
        None => {
            password::verify_dummy_bounded(password).await;
            None
        }
    };
    let Some(user) = user else {
        // The attempt stays: it is a failure now.
        tracing::info!("sign-in refused");
        return Err(AppError::InvalidCredentials);
    };
    storage::run(pool, move |conn| throttle::forget(conn, attempt)).await?;
    let session = session_for(keys, &user, at)?;
    tracing::info!(user_id = %user.id, role = %user.role, "signed in");
    Ok(session)
}

/// A token for an account that has just proven itself (a sign-in, or a registration).
pub fn session_for(
    keys: &JwtKeys,
    user: &users::UserRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Session, AppError> {
    let token = keys.issue(&user.id, &user.username, &user.role, user.agency_code.as_deref(), now)?;
    Ok(Session {
        token,
        role: user.role.clone(),
        agency_code: user.agency_code.clone(),
        expires_in_minutes: keys.ttl_minutes(),
    })
}
