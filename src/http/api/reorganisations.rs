//! Reorganisations of the agency tree for administrators (issue 13): load a plan (with a dry run
//! first) and read the plans loaded, with who loaded them and what applying them changed.
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::context::AppContext;
use crate::services::reorganise::{self, Report};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LoadParams {
    /// `true`: report every change and keep none.
    pub dry_run: Option<bool>,
}

/// Loads a reorganisation plan (the JSON of `seeds/FORMAT.md`): checked against every agency ever
/// held, refused with every problem listed; applied at once if its date has come, else when it
/// comes. 201 when loaded, 200 for a dry run.
#[utoipa::path(post, path = "/api/v1/admin/reorganisations", tag = "administration", params(LoadParams),
    request_body = Object,
    responses((status = 201, body = Report), (status = 200, body = Report, description = "dry run"),
              (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn load(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<LoadParams>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, AppError> {
    let dry_run = params.dry_run.unwrap_or(false);
    let report = reorganise::load(&ctx.pool, caller, body.into_inner().to_string(), ctx.clock.now(), dry_run).await?;
    Ok(if dry_run { HttpResponse::Ok().json(report) } else { HttpResponse::Created().json(report) })
}

/// A plan as loaded.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReorganisationView {
    pub id: String,
    pub effective_on: String,
    pub act: String,
    pub title: String,
    pub loaded_at: String,
    /// The administrator who loaded it; null from the command line.
    pub loaded_by: Option<String>,
    /// Null while the plan waits for its date.
    pub applied_at: Option<String>,
    /// What applying it changed (a report, as `POST` answers).
    #[schema(value_type = Object)]
    pub report: Option<serde_json::Value>,
    /// Why the plan could not be applied when its date came (it stays unapplied and is tried again
    /// every minute); null once applied, or while nothing went wrong.
    pub failure: Option<String>,
    /// When that was last found.
    pub failed_at: Option<String>,
}

/// Every reorganisation plan loaded, newest date first.
#[utoipa::path(get, path = "/api/v1/admin/reorganisations", tag = "administration",
    responses((status = 200, body = [ReorganisationView]), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    let rows = reorganise::list(&ctx.pool, caller).await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|r| ReorganisationView {
                id: r.id,
                effective_on: r.effective_on.to_string(),
                act: r.act,
                title: r.title,
                loaded_at: rfc3339(r.loaded_at),
                loaded_by: r.loaded_by,
                applied_at: r.applied_at.map(rfc3339),
                report: r.report.and_then(|t| serde_json::from_str(&t).ok()),
                failure: r.failure,
                failed_at: r.failed_at.map(rfc3339),
            })
            .collect::<Vec<_>>(),
    ))
}
