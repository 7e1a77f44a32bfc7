//! Tracing: one span per request (method, route template, status; never query strings or
//! bodies, which may carry applicants' personal data), pretty or JSON output.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Span, Subscriber};
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::configuration::{LogFormat, TelemetrySettings};

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(settings: &TelemetrySettings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let quiet = QuietDemoHistory { debug: filter.max_level_hint().is_none_or(|l| l >= LevelFilter::DEBUG) };
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = match settings.format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).finish().with(quiet).try_init(),
        LogFormat::Pretty => builder.compact().finish().with(quiet).try_init(),
    };
}

/// Inside the background demo history (`services::demo`), the use cases' info lines ("dossier
/// received", "dossier action", … about 1,600 of them) count as debug lines: written only when the
/// filter enables debug. The history's own lines (`services::demo`), warnings and errors stay.
struct QuietDemoHistory {
    /// Whether the filter enables debug lines anywhere.
    debug: bool,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for QuietDemoHistory {
    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, S>) -> bool {
        let meta = event.metadata();
        if self.debug || *meta.level() != Level::INFO || meta.target().starts_with("motcua::services::demo") {
            return true;
        }
        let in_history = ctx
            .event_scope(event)
            .is_some_and(|mut scope| scope.any(|span| span.name() == crate::services::demo::HISTORY_SPAN));
        !in_history
    }
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Logs one info line inside the demo history's span and one outside, with `debug` as given.
    fn written(debug: bool) -> String {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let subscriber = fmt()
            .with_env_filter(EnvFilter::new("info"))
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish()
            .with(QuietDemoHistory { debug });
        tracing::subscriber::with_default(subscriber, || {
            tracing::info_span!(crate::services::demo::HISTORY_SPAN).in_scope(|| {
                tracing::info!("dossier received in the history");
                tracing::warn!("a warning in the history");
            });
            tracing::info!("dossier received at the counter");
        });
        let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        text
    }

    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_demo_historys_use_case_lines_are_written_only_when_debug_is_on() {
        let quiet = written(false);
        assert!(!quiet.contains("dossier received in the history"), "{quiet}");
        assert!(quiet.contains("a warning in the history") && quiet.contains("at the counter"), "{quiet}");
        let verbose = written(true);
        assert!(verbose.contains("dossier received in the history"), "{verbose}");
    }
}
