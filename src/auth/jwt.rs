//! Access tokens: HS256 JWTs carrying issuer, audience, expiry, the role and the agency.
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::configuration::AuthSettings;
use crate::error::AppError;

/// Claims of an access token. `sub` is the user id; nothing personal about applicants.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub username: String,
    pub role: String,
    /// The agency the staff member acts for; `None` for citizens.
    pub agency: Option<String>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// Keys and rules for signing and checking tokens, built once from configuration.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_minutes: i64,
}

impl JwtKeys {
    pub fn new(settings: &AuthSettings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        // The expiry is checked against the Clock (`verify`), not the wall clock the crate reads.
        validation.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(settings.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(settings.jwt_secret.as_bytes()),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_minutes: settings.token_ttl_minutes,
        }
    }

    pub fn ttl_minutes(&self) -> i64 {
        self.ttl_minutes
    }

    /// Signs a token for a user at `now` (the Clock's), valid for the configured time.
    pub fn issue(
        &self,
        user_id: &str,
        username: &str,
        role: &str,
        agency: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<String, AppError> {
        let now = now.timestamp();
        self.sign(&Claims {
            sub: user_id.to_string(),
            username: username.to_string(),
            role: role.to_string(),
            agency: agency.map(str::to_string),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            exp: now + self.ttl_minutes * 60,
        })
    }

    /// Signs the given claims as they are (tests use this to make expired tokens).
    pub fn sign(&self, claims: &Claims) -> Result<String, AppError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| AppError::Internal(e.into()))
    }

    /// The claims of a token signed by these keys, for this issuer and audience, not expired at
    /// `now` (the Clock's; no leeway).
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, AppError> {
        let claims = self.decode(token)?;
        if claims.exp < now.timestamp() {
            return Err(AppError::TokenExpired);
        }
        Ok(claims)
    }

    fn decode(&self, token: &str) -> Result<Claims, AppError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|d| d.claims).map_err(|e| {
            match e.kind() {
                ErrorKind::ExpiredSignature => AppError::TokenExpired,
                ErrorKind::InvalidSignature => AppError::InvalidToken("its signature does not match".into()),
                ErrorKind::InvalidIssuer => AppError::InvalidToken("it was issued by someone else".into()),
                ErrorKind::InvalidAudience => AppError::InvalidToken("it is meant for another audience".into()),
                _ => AppError::InvalidToken("it is malformed".into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(secret: &str) -> AuthSettings {
        AuthSettings {
            jwt_secret: secret.into(),
            issuer: "motcua".into(),
            audience: "motcua-api".into(),
            token_ttl_minutes: 5,
        }
    }

    #[test]
    fn tokens_round_trip_and_reject_tampering_and_expiry() {
        let keys = JwtKeys::new(&settings("one"));
        // The Clock's time, not the wall clock's: a token issued in 2024 is valid then.
        let now = DateTime::parse_from_rfc3339("2024-03-04T09:00:00+07:00").unwrap().with_timezone(&Utc);
        let t = keys.issue("u1", "clerk.x", "clerk", Some("000.00.31.H12"), now).unwrap();
        let c = keys.verify(&t, now).unwrap();
        assert_eq!((c.role.as_str(), c.agency.as_deref()), ("clerk", Some("000.00.31.H12")));
        assert!(keys.verify(&t, now + chrono::Duration::minutes(5)).is_ok(), "valid to its last second");
        let later = now + chrono::Duration::minutes(5) + chrono::Duration::seconds(1);
        assert!(matches!(keys.verify(&t, later), Err(AppError::TokenExpired)), "5 minutes to live");
        assert!(matches!(JwtKeys::new(&settings("two")).verify(&t, now), Err(AppError::InvalidToken(_))));
        let mut expired = c.clone();
        expired.exp = now.timestamp() - 10;
        let t = keys.sign(&expired).unwrap();
        assert!(matches!(keys.verify(&t, now), Err(AppError::TokenExpired)));
        let mut foreign = c;
        foreign.aud = "another-app".into();
        let t = keys.sign(&foreign).unwrap();
        assert!(matches!(keys.verify(&t, now), Err(AppError::InvalidToken(_))));
    }
}
