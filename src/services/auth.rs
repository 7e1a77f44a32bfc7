//! Signing in.
use crate::auth::{password, JwtKeys};
use crate::domain::Username;
use crate::error::AppError;
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
pub async fn login(pool: &Pool, keys: &JwtKeys, username: String, password: String) -> Result<Session, AppError> {
    if Username::parse(&username).is_err() || password.is_empty() || password.len() > 1024 {
        return Err(AppError::InvalidCredentials);
    }
    let user = storage::run(pool, move |conn| {
        let user = users::find_by_username(conn, &username)?;
        match user {
            // A disabled account answers exactly like a wrong password (after the same work).
            Some(u) if password::verify(&password, &u.password_hash) && u.disabled_at.is_none() => Ok(Some(u)),
            Some(_) => Ok(None),
            None => {
                password::verify_dummy(&password);
                Ok(None)
            }
        }
    })
    .await?;
    let Some(user) = user else {
        tracing::info!("sign-in refused");
        return Err(AppError::InvalidCredentials);
    };
    let token = keys.issue(&user.id, &user.username, &user.role, user.agency_code.as_deref())?;
    tracing::info!(user_id = %user.id, role = %user.role, "signed in");
    Ok(Session { token, role: user.role, agency_code: user.agency_code, expires_in_minutes: keys.ttl_minutes() })
}
