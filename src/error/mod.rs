//! Errors as answered: an [`ErrorCode`] (status, stable snake_case code, Vietnamese text) and an
//! English message (DOMAIN.md §8: `{"error": "<code>", "message": "..."}`).
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

mod code;
mod mapping;

pub use code::ErrorCode;

/// Every error a use case can end with. Messages are for people and never carry personal data.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A refusal with a stable code; the status is the code's ([`ErrorCode::status`]).
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
    #[error("the username or password is wrong")]
    InvalidCredentials,
    #[error("this endpoint needs a bearer token: send `Authorization: Bearer <token>` from /api/v1/auth/login")]
    MissingToken,
    #[error("the token has expired: sign in again")]
    TokenExpired,
    #[error("the token is not valid: {0}")]
    InvalidToken(String),
    /// 429 from a throttle, with its own code and the seconds after which a retry can succeed
    /// (sent as `Retry-After`).
    #[error("{message}")]
    Throttled { code: ErrorCode, message: String, retry_after_secs: u64 },
    /// 413 `file_too_large`.
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
    /// A refusal with a stable code and an English message (the status comes from the code).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Refused { code, message: message.into() }
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

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Refused { code, .. } | Self::Throttled { code, .. } => *code,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::MissingToken => ErrorCode::MissingToken,
            Self::TokenExpired => ErrorCode::TokenExpired,
            Self::InvalidToken(_) => ErrorCode::InvalidToken,
            Self::PayloadTooLarge(_) => ErrorCode::FileTooLarge,
            Self::DatabaseUnavailable(_) => ErrorCode::DatabaseUnavailable,
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The HTTP status of this error (its code's).
    pub fn status(&self) -> StatusCode {
        self.code().status()
    }

    /// Status and stable code on the wire.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        let code = self.code();
        (code.status(), code.as_str())
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
