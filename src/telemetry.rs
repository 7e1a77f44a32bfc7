//! Tracing: one span per request (method, route template, status; never query strings or
//! bodies, which may carry applicants' personal data), pretty or JSON output.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::{fmt, EnvFilter};

use crate::configuration::{LogFormat, TelemetrySettings};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(settings: &TelemetrySettings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = match settings.format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// Request spans that name the route template (`/api/v1/procedures/{code}`), not the raw
/// address, so values in paths and query strings stay out of the logs.
pub struct PrivacyRootSpan;

impl RootSpanBuilder for PrivacyRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request.match_pattern().unwrap_or_else(|| "(unmatched)".to_string());
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = %route,
            request_id = %uuid::Uuid::new_v4(),
            user_id = tracing::field::Empty,
            status = tracing::field::Empty,
        )
    }

    /// One line per request: the status, and for an error its stable code only. A client error's
    /// message and the request's values (path, query, body) are never logged: serde's messages
    /// quote the value sent, and a sign-in redirect carries the page's address. A server error's
    /// cause chain is logged once where the response is made (`AppError::error_response`).
    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
        let (status, error) = match outcome {
            Ok(res) => (res.response().status(), res.response().error()),
            Err(e) => (e.as_response_error().status_code(), Some(e)),
        };
        span.record("status", status.as_u16());
        let _guard = span.enter();
        let status = status.as_u16();
        match error.map(error_code) {
            Some(code) if status >= 500 => tracing::error!(status, error.code = code, "request failed"),
            Some(code) => tracing::info!(status, error.code = code, "request finished"),
            None => tracing::info!(status, "request finished"),
        }
    }
}

/// The stable code of an error on its way out: ours carry one; any other (actix's own) is named
/// by its kind only, never by its message.
fn error_code(e: &actix_web::Error) -> &'static str {
    use crate::http::pages::PageError;
    if let Some(app) = e.as_error::<crate::error::AppError>() {
        return app.status_and_code().1;
    }
    match e.as_error::<PageError>() {
        Some(PageError::SignIn { .. }) => "sign_in_required",
        Some(PageError::App(app) | PageError::InLayout(app, _)) => app.status_and_code().1,
        None => "http_error",
    }
}
