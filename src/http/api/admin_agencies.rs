//! Administrators manage agencies (issue 13 item 7): create a unit, rename it (a new version with a
//! new code), close it into a successor, and read who changed what. A rename or a close is a
//! one-step reorganisation and answers with the reorganisation's report (`?dry_run=true`: what it
//! would do, keeping nothing).
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::agencies::AgencyView;
use super::dossiers::rfc3339;
use super::reorganisations::LoadParams;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::context::AppContext;
use crate::services::agencies_admin::{self, Close, NewAgency, Rename};
use crate::services::reorganise::Report;

/// A unit to create.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgencyRequest {
    /// QCVN 102:2016 shape, e.g. `000.03.05.H12`; never used before (a code once used always
    /// means the same unit).
    pub code: String,
    pub name: String,
    /// ministry, province, district or commune.
    pub level: String,
    /// people_committee, department, service_centre or ministry.
    pub kind: String,
    /// A unit valid on `valid_from`, at the same level or above.
    pub parent_code: Option<String>,
    /// `YYYY-MM-DD`, default: today (Vietnam).
    pub valid_from: Option<String>,
    /// Default: true for every level but the ministry.
    pub handles_procedures: Option<bool>,
    /// The code is the system's own until the province publishes one.
    #[serde(default)]
    pub provisional_code: bool,
}

/// A rename: a new version of the unit with a new code.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameRequest {
    /// The new version's code, never used before (the old code keeps meaning the old unit).
    pub new_code: String,
    pub new_name: String,
    /// `YYYY-MM-DD`: the new version's first day; the old unit ends the day before.
    pub effective_on: String,
    /// The decision, e.g. `QĐ 125/QĐ-UBND`.
    pub act: String,
    /// `YYYY-MM-DD`, default: `effective_on`.
    pub act_date: Option<String>,
    #[serde(default)]
    pub provisional_code: bool,
}

/// A close: the unit ends, a unit that goes on takes it in whole.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    /// The unit that holds its work (open dossiers, accounts), valid before and on `effective_on`.
    pub successor: String,
    /// `YYYY-MM-DD`: the first day without the unit; it ends the day before.
    pub effective_on: String,
    pub act: String,
    /// `YYYY-MM-DD`, default: `effective_on`.
    pub act_date: Option<String>,
}

/// Administrators: create a unit. Errors: `invalid_unit_code`, `invalid_agency_name`,
/// `invalid_level`, `invalid_agency_kind`, `invalid_agency_code` (parent), `invalid_date`,
/// `unknown_agency` (400); `agency_code_taken`, `parent_not_valid` (409).
#[utoipa::path(post, path = "/api/v1/admin/agencies", tag = "administration", request_body = NewAgencyRequest,
    security(("bearer" = [])),
    responses((status = 201, body = AgencyView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    body: web::Json<NewAgencyRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let new = NewAgency {
        code: b.code,
        name: b.name,
        level: b.level,
        kind: b.kind,
        parent_code: b.parent_code,
        valid_from: b.valid_from,
        handles_procedures: b.handles_procedures,
        provisional_code: b.provisional_code,
    };
    let row = agencies_admin::create(&ctx.pool, caller, new, ctx.clock.now()).await?;
    Ok(HttpResponse::Created().json(AgencyView::from(row)))
}

/// Administrators: rename a unit — a one-step reorganisation: the new version (new code, same
/// parent) begins on `effective_on`, formed whole from the old unit, which ends the day before and
/// is held by it; its open dossiers and accounts move to it, the units below it go under it.
/// Applied at once if the date has come, else when it comes. 201 with the report, 200 for a dry
/// run. Errors: `invalid_agency_code`, `invalid_unit_code`, `invalid_agency_name`, `invalid_act`,
/// `invalid_date` (400); `agency_not_found` (404); `rename_needs_new_code`, `agency_code_taken`,
/// `agency_not_valid_then`, `reorganisation_exists` (409); `reorganisation_refused` (422).
#[utoipa::path(post, path = "/api/v1/admin/agencies/{code}/rename", tag = "administration",
    params(("code" = String, Path, description = "QCVN 102 code of the unit renamed"), LoadParams),
    request_body = RenameRequest, security(("bearer" = [])),
    responses((status = 201, body = Report), (status = 200, body = Report, description = "dry run"),
              (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn rename(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    params: web::Query<LoadParams>,
    body: web::Json<RenameRequest>,
) -> Result<HttpResponse, AppError> {
    let dry_run = params.dry_run.unwrap_or(false);
    let b = body.into_inner();
    let rename = Rename {
        new_code: b.new_code,
        new_name: b.new_name,
        effective_on: b.effective_on,
        act: b.act,
        act_date: b.act_date,
        provisional_code: b.provisional_code,
    };
    let report = agencies_admin::rename(&ctx.pool, caller, code.into_inner(), rename, ctx.clock.now(), dry_run).await?;
    Ok(answer(report, dry_run))
}

/// Administrators: close a unit into a successor that goes on — a one-step reorganisation: the
/// unit ends the day before `effective_on`, the successor takes it in whole and holds its open
/// dossiers and accounts. 201 with the report, 200 for a dry run. Errors: `invalid_agency_code`,
/// `invalid_unit_code`, `invalid_act`, `invalid_date`, `unknown_agency` (400); `agency_not_found`
/// (404); `successor_not_valid`, `agency_has_units_below`, `agency_not_valid_then`,
/// `reorganisation_exists` (409); `reorganisation_refused` (422).
#[utoipa::path(post, path = "/api/v1/admin/agencies/{code}/close", tag = "administration",
    params(("code" = String, Path, description = "QCVN 102 code of the unit closed"), LoadParams),
    request_body = CloseRequest, security(("bearer" = [])),
    responses((status = 201, body = Report), (status = 200, body = Report, description = "dry run"),
              (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn close(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    params: web::Query<LoadParams>,
    body: web::Json<CloseRequest>,
) -> Result<HttpResponse, AppError> {
    let dry_run = params.dry_run.unwrap_or(false);
    let b = body.into_inner();
    let close = Close { successor: b.successor, effective_on: b.effective_on, act: b.act, act_date: b.act_date };
    let report = agencies_admin::close(&ctx.pool, caller, code.into_inner(), close, ctx.clock.now(), dry_run).await?;
    Ok(answer(report, dry_run))
}

fn answer(report: Report, dry_run: bool) -> HttpResponse {
    if dry_run {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::Created().json(report)
    }
}

/// One administrator's change to an agency.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyChangeView {
    pub id: String,
    /// The unit created, renamed or closed (its code before the change), or whose department changed.
    pub agency_code: String,
    /// `create`, `rename` or `close`; for its departments `department_create`, `department_rename`
    /// or `department_close`.
    pub action: String,
    /// What was asked: the new unit's fields, the new code and name, or the successor, with the
    /// dates and the act.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub at: String,
    /// The administrator's username.
    pub by: String,
    /// The one-step reorganisation a rename or a close was made through (see
    /// `/api/v1/admin/reorganisations`); null for a create.
    pub reorganisation_id: Option<String>,
}

/// The most changes listed.
const CHANGES_LIMIT: i64 = 500;

/// Administrators: the changes made to agencies (create, rename, close), newest first, the last
/// 500. Plans loaded whole are on `/api/v1/admin/reorganisations` (with who loaded them and when).
#[utoipa::path(get, path = "/api/v1/admin/agency-changes", tag = "administration",
    security(("bearer" = [])),
    responses((status = 200, body = [AgencyChangeView]), (status = 403, body = crate::error::ErrorBody)))]
pub async fn changes(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    let rows = agencies_admin::changes(&ctx.pool, caller, CHANGES_LIMIT).await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|r| AgencyChangeView {
                id: r.id,
                agency_code: r.agency_code,
                action: r.action,
                detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
                at: rfc3339(r.at),
                by: r.by_user,
                reorganisation_id: r.reorganisation_id,
            })
            .collect::<Vec<_>>(),
    ))
}

/// An agency's electronic ID for nationwide codes.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElectronicIdRequest {
    /// `MX1X2.Y1Y2Y3.Z1Z2` (TT 04/2025 Điều 23), e.g. `H12.031.01`; null removes it.
    pub electronic_id: Option<String>,
}

/// Administrators: record the electronic ID that TT 04/2025 Điều 23 codes carry for dossiers of
/// nationwide centralised services the agency decides (none is derived from its QCVN 102 code).
/// Audited. Errors: `invalid_agency_code`, `invalid_electronic_id` (400); `agency_not_found` (404).
#[utoipa::path(put, path = "/api/v1/admin/agencies/{code}/electronic-id", tag = "administration",
    params(("code" = String, Path, description = "QCVN 102 code of the agency")),
    request_body = ElectronicIdRequest, security(("bearer" = [])),
    responses((status = 200, body = ElectronicIdRequest), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn set_electronic_id(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    body: web::Json<ElectronicIdRequest>,
) -> Result<HttpResponse, AppError> {
    let id = agencies_admin::set_electronic_id(
        &ctx.pool,
        caller,
        code.into_inner(),
        body.into_inner().electronic_id,
        ctx.clock.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(ElectronicIdRequest { electronic_id: id }))
}
