//! The one table that maps errors to an HTTP status and a stable snake_case code
//! (DOMAIN.md §8: `{"error": "<code>", "message": "..."}`).
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Every error a use case can end with. Messages are for people and never carry personal data.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: the code says which (e.g. `invalid_json`, `invalid_agency_code`).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("the username or password is wrong")]
    InvalidCredentials,
    #[error("this endpoint needs a bearer token: send `Authorization: Bearer <token>` from /api/v1/auth/login")]
    MissingToken,
    #[error("the token has expired: sign in again")]
    TokenExpired,
    #[error("the token is not valid: {0}")]
    InvalidToken(String),
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A limit on how many of something one caller may hold at once: the code says which
    /// (e.g. `too_many_pending_submissions`).
    #[error("{message}")]
    TooMany { code: &'static str, message: String },
    /// 429 from a throttle, with its own code and the seconds after which a retry can succeed
    /// (sent as `Retry-After`).
    #[error("{message}")]
    Throttled { code: &'static str, message: String, retry_after_secs: u64 },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("the database is not answering; try again shortly")]
    DatabaseUnavailable(#[source] anyhow::Error),
    #[error("an internal error occurred; it has been logged")]
    Internal(#[source] anyhow::Error),
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code that clients can translate.
    pub error: String,
    /// A message a person can act on.
    pub message: String,
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest { code, message: message.into() }
    }
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound { code, message: message.into() }
    }
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden { code, message: message.into() }
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict { code, message: message.into() }
    }
    pub fn too_many(code: &'static str, message: impl Into<String>) -> Self {
        Self::TooMany { code, message: message.into() }
    }

    /// Seconds after which a throttled request can succeed (the `Retry-After` header).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Throttled { retry_after_secs, .. } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Adds `Retry-After` to a response answering this error, when it has one.
    pub fn add_retry_after(&self, response: &mut HttpResponse) {
        if let Some(secs) = self.retry_after_secs() {
            response.headers_mut().insert(actix_web::http::header::RETRY_AFTER, secs.into());
        }
    }

    /// The table: status and stable code of each error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            Self::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            Self::MissingToken => (StatusCode::UNAUTHORIZED, "missing_token"),
            Self::TokenExpired => (StatusCode::UNAUTHORIZED, "token_expired"),
            Self::InvalidToken(_) => (StatusCode::UNAUTHORIZED, "invalid_token"),
            Self::Forbidden { code, .. } => (StatusCode::FORBIDDEN, code),
            Self::NotFound { code, .. } => (StatusCode::NOT_FOUND, code),
            Self::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            Self::TooMany { code, .. } => (StatusCode::TOO_MANY_REQUESTS, code),
            Self::Throttled { code, .. } => (StatusCode::TOO_MANY_REQUESTS, code),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"),
            Self::DatabaseUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::DatabaseUnavailable(e.into())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status_and_code().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code) = self.status_and_code();
        // The cause chain is logged once, here, where the error is turned into a response.
        if status.is_server_error() {
            let cause = match self {
                Self::DatabaseUnavailable(e) | Self::Internal(e) => format!("{e:#}"),
                _ => String::new(),
            };
            tracing::error!(error.code = code, error.cause = %cause, "request failed");
        }
        let mut response =
            HttpResponse::build(status).json(ErrorBody { error: code.to_string(), message: self.to_string() });
        self.add_retry_after(&mut response);
        response
    }
}
