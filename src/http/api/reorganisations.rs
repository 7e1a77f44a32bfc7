//! Reorganisations of the agency tree for administrators (issue 13): load a plan (with a dry run
//! first) and read the plans loaded, with who loaded them and what applying them changed.
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::context::AppContext;
use crate::services::reorganise::{self, Moved, Report};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LoadParams {
    /// `true`: report every change and keep none.
    pub dry_run: Option<bool>,
}

/// One dossier (by code or reference) or account (by username) moved to the unit that took over.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MovedView {
    pub what: String,
    pub from: String,
    pub to: String,
}

/// What loading a plan did, or in a dry run would do.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub plan: String,
    pub act: String,
    pub effective_on: String,
    /// True when the plan's date had come and it was applied; false when it waits for its date.
    pub applied: bool,
    pub dry_run: bool,
    pub new_units: usize,
    pub continued_units: usize,
    pub ended_units: usize,
    pub lineage_links: usize,
    pub moved_dossiers: Vec<MovedView>,
    pub moved_accounts: Vec<MovedView>,
    pub moved_consultations: usize,
    pub relevelled_procedures: Vec<String>,
}

impl From<Report> for ReportView {
    fn from(r: Report) -> Self {
        let moved = |m: Vec<Moved>| m.into_iter().map(|m| MovedView { what: m.what, from: m.from, to: m.to }).collect();
        Self {
            plan: r.plan,
            act: r.act,
            effective_on: r.effective_on.to_string(),
            applied: r.applied,
            dry_run: r.dry_run,
            new_units: r.new_units,
            continued_units: r.continued_units,
            ended_units: r.ended_units,
            lineage_links: r.lineage_links,
            moved_dossiers: moved(r.moved_dossiers),
            moved_accounts: moved(r.moved_accounts),
            moved_consultations: r.moved_consultations,
            relevelled_procedures: r.relevelled_procedures,
        }
    }
}

/// Loads a reorganisation plan (the JSON of `seeds/FORMAT.md`): checked against every agency ever
/// held, refused with every problem listed; applied at once if its date has come, else when it
/// comes. 201 when loaded, 200 for a dry run.
#[utoipa::path(post, path = "/api/v1/admin/reorganisations", tag = "administration", params(LoadParams),
    request_body = Object,
    responses((status = 201, body = ReportView), (status = 200, body = ReportView, description = "dry run"),
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
    let view = ReportView::from(report);
    Ok(if dry_run { HttpResponse::Ok().json(view) } else { HttpResponse::Created().json(view) })
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
            })
            .collect::<Vec<_>>(),
    ))
}
