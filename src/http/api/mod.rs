//! JSON API under `/api/v1` (DOMAIN.md §8). Handlers are thin: check, convert, call, respond.
//! Where each answers is in the route table, [`crate::http::routes`].
pub mod accesses;
pub mod admin;
pub mod admin_agencies;
pub mod agencies;
pub mod alerts;
pub mod anomalies;
pub mod auth;
pub mod departments;
pub mod dossiers;
pub mod feedback;
pub mod forms;
pub mod health;
pub mod lookup;
pub mod national_portal;
pub mod notifications;
pub mod openapi;
pub mod oversight_alerts;
pub mod procedures;
pub mod reorganisations;
pub mod stats;
pub mod templates;

use actix_web::{HttpRequest, HttpResponse};

use crate::error::{AppError, ErrorCode};

/// The answer to an address no route takes (the route table's default service): the API's error
/// shape, or a page in Vietnamese for a browser outside `/api/`.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    let wants_html = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html && !req.path().starts_with("/api/") {
        return Err(crate::http::pages::PageError::App(AppError::new(
            ErrorCode::PageNotFound,
            "no page has this address",
        ))
        .into());
    }
    Err(AppError::new(
        ErrorCode::RouteNotFound,
        format!("no endpoint answers {} {}; see /api/v1/openapi.json", req.method(), req.path()),
    )
    .into())
}
