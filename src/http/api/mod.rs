//! JSON API under `/api/v1` (DOMAIN.md §8). Handlers are thin: check, convert, call, respond.
pub mod admin;
pub mod agencies;
pub mod alerts;
pub mod auth;
pub mod dossiers;
pub mod forms;
pub mod health;
pub mod lookup;
pub mod notifications;
pub mod openapi;
pub mod procedures;
pub mod stats;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::http::boundary::serde_problem;

/// Registers every API route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    crate::http::pages::configure(cfg);
    cfg.app_data(json_config())
        .app_data(query_config())
        .app_data(path_config())
        .route("/health", web::get().to(health::health))
        .service(
            web::scope("/api/v1")
                .route("/openapi.json", web::get().to(openapi::document))
                .route("/auth/login", web::post().to(auth::login))
                .route("/auth/register", web::post().to(auth::register))
                .route("/auth/me", web::get().to(auth::me))
                .route("/agencies", web::get().to(agencies::list))
                .route("/agencies/{code}", web::get().to(agencies::get))
                .route("/procedures", web::get().to(procedures::list))
                .route("/procedures/{code}", web::get().to(procedures::get))
                .route("/dossiers", web::post().to(dossiers::create))
                .route("/dossiers", web::get().to(dossiers::inbox))
                .route("/dossiers/{code}", web::get().to(dossiers::get))
                .route("/dossiers/{code}/actions", web::post().to(dossiers::act))
                .route("/dossiers/{code}/files/{name}", web::put().to(dossiers::upload))
                .route("/dossiers/{code}/files/{id}", web::get().to(dossiers::download))
                .route("/dossiers/{code}/rating", web::post().to(dossiers::rate))
                .route("/dossiers/{code}/consultations", web::post().to(dossiers::consult))
                .route("/dossiers/{code}/consultations/{n}/answer", web::post().to(dossiers::answer))
                .route("/dossiers/{code}/forms/{form}", web::get().to(forms::form))
                .route("/agencies/{code}/tracking-book", web::get().to(forms::tracking_book))
                .route("/lookup/{code}", web::get().to(lookup::lookup))
                .route("/stats/report", web::get().to(stats::report))
                .route("/stats/kpis", web::get().to(stats::kpis))
                .route("/stats/off-system", web::put().to(stats::off_system))
                .route("/admin/throttle-alerts", web::get().to(alerts::throttle_alerts))
                .route("/admin/notifications", web::get().to(notifications::list))
                .route("/admin/notifications/{id}/requeue", web::post().to(notifications::requeue))
                .route("/admin/users", web::get().to(admin::list_users))
                .route("/admin/users", web::post().to(admin::create_user))
                .route("/admin/users/{username}/disable", web::post().to(admin::disable_user))
                .route("/admin/users/{username}/enable", web::post().to(admin::enable_user))
                .route("/admin/calendar", web::get().to(admin::calendar))
                .route("/admin/calendar/{day}", web::put().to(admin::set_calendar_day))
                .route("/admin/calendar/{day}", web::delete().to(admin::delete_calendar_day))
                .route("/admin/plans", web::get().to(admin::plans))
                .route("/admin/plans/{plan}/targets/{position}", web::put().to(admin::update_plan_target))
                .route("/admin/procedures/{code}/versions", web::post().to(admin::revise_procedure)),
        );
}

/// Unknown routes answer in the API's error shape (a page in Vietnamese for browsers outside `/api/`).
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    let wants_html = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html && !req.path().starts_with("/api/") {
        return Err(crate::http::pages::PageError::App(AppError::not_found(
            "page_not_found",
            "no page has this address",
        ))
        .into());
    }
    Err(AppError::not_found(
        "route_not_found",
        format!("no endpoint answers {} {}; see /api/v1/openapi.json", req.method(), req.path()),
    )
    .into())
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(1 << 20).error_handler(|err, _req| {
        let e = match &err {
            JsonPayloadError::ContentType => AppError::bad_request(
                "invalid_content_type",
                "send the body as JSON with `Content-Type: application/json`",
            ),
            JsonPayloadError::Deserialize(d) if d.is_data() && d.to_string().contains("unknown field") => {
                AppError::bad_request(
                    "unknown_field",
                    format!("the body has a field this endpoint does not take: {}", serde_problem(&d.to_string())),
                )
            }
            JsonPayloadError::Deserialize(d) if d.is_data() => AppError::bad_request(
                "invalid_body",
                format!("the body does not have the expected fields: {}", serde_problem(&d.to_string())),
            ),
            JsonPayloadError::Deserialize(d) => AppError::bad_request(
                "invalid_json",
                format!("the body is not valid JSON: {}", serde_problem(&d.to_string())),
            ),
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                AppError::bad_request("body_too_large", "the body is larger than 1 MiB")
            }
            _ => AppError::bad_request("invalid_json", "the body could not be read"),
        };
        e.into()
    })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let detail = match &err {
            QueryPayloadError::Deserialize(d) => serde_problem(&d.to_string()),
            _ => "it could not be read".to_string(),
        };
        AppError::bad_request("invalid_query", format!("the query string is not valid: {detail}")).into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        let detail = match &err {
            PathError::Deserialize(d) => serde_problem(&d.to_string()),
            _ => "it could not be read".to_string(),
        };
        AppError::bad_request("invalid_path", format!("the address is not valid: {detail}")).into()
    })
}
