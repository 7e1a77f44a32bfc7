//! Departments inside agencies (issue 13 items 6 and 7): the public list of an agency's
//! departments, and the administrators' create, rename and close (each audited, effective today).
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::context::AppContext;
use crate::services::calendar::parse_day;
use crate::services::departments::{self, Closed};
use crate::storage::departments::{DepartmentRow, MovedWork};
use crate::storage::{self};

/// A department of an agency.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    pub agency_code: String,
    /// Unique inside the agency and never given twice (e.g. `VHXH`).
    pub key: String,
    pub name: String,
    pub valid_from: String,
    /// The last day it existed; null while it exists.
    pub valid_to: Option<String>,
    /// Once closed: the department of the same agency that took its work.
    pub held_by: Option<String>,
}

impl From<DepartmentRow> for DepartmentView {
    fn from(d: DepartmentRow) -> Self {
        Self {
            agency_code: d.agency_code,
            key: d.key,
            name: d.name,
            valid_from: d.valid_from.to_string(),
            valid_to: d.valid_to.map(|d| d.to_string()),
            held_by: d.held_by,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DepartmentParams {
    /// `YYYY-MM-DD`: the departments that existed that day (default: today).
    pub at: Option<String>,
}

/// The departments (phòng, ban) of an agency that exist on a day, by key.
#[utoipa::path(get, path = "/api/v1/agencies/{code}/departments", tag = "catalogue", params(
        ("code" = String, Path, description = "QCVN 102 code, e.g. 000.01.31.H12"), DepartmentParams),
    responses((status = 200, body = [DepartmentView]), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    ctx: web::Data<AppContext>,
    code: web::Path<String>,
    params: web::Query<DepartmentParams>,
) -> Result<HttpResponse, AppError> {
    let at = params.into_inner().at.as_deref().map(parse_day).transpose()?;
    let now = ctx.clock.now();
    let code = code.into_inner();
    let rows = storage::run(&ctx.pool, move |conn| departments::list_on(conn, &code, at, now)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(DepartmentView::from).collect::<Vec<_>>()))
}

/// A department to create.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartmentRequest {
    /// 1–16 upper-case letters, digits or `_`, starting with a letter; never used in the agency before.
    pub key: String,
    pub name: String,
}

/// A rename: a new department that takes the old one's work.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameDepartmentRequest {
    /// Never used in the agency before (the old key keeps meaning the department as it was).
    pub new_key: String,
    pub new_name: String,
}

/// A close: an open department of the same agency takes the work.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseDepartmentRequest {
    pub successor: String,
}

/// What a rename or a close did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClosedView {
    /// The department that now holds the work.
    pub successor: DepartmentView,
    /// Open dossiers now in its queue.
    pub dossiers_moved: usize,
    /// Accounts now working in it, by username.
    pub accounts_moved: Vec<String>,
}

impl From<Closed> for ClosedView {
    fn from(c: Closed) -> Self {
        let MovedWork { dossiers, accounts } = c.moved;
        Self { successor: DepartmentView::from(c.successor), dossiers_moved: dossiers, accounts_moved: accounts }
    }
}

/// Administrators: create a department of an agency in operation; it exists from today. Audited.
#[utoipa::path(post, path = "/api/v1/admin/agencies/{code}/departments", tag = "administration",
    params(("code" = String, Path)), request_body = NewDepartmentRequest, security(("bearer" = [])),
    responses((status = 201, body = DepartmentView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    body: web::Json<NewDepartmentRequest>,
) -> Result<HttpResponse, AppError> {
    let (code, b, now) = (code.into_inner(), body.into_inner(), ctx.clock.now());
    let row = storage::run_as(&ctx.pool, caller, move |conn, c| {
        departments::create_on(conn, &c, &code, &b.key, &b.name, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(DepartmentView::from(row)))
}

/// Administrators: rename a department — a new department with a new key exists from today and
/// takes the old one's open dossiers and accounts; the old one's last day is yesterday. Audited.
#[utoipa::path(post, path = "/api/v1/admin/agencies/{code}/departments/{key}/rename", tag = "administration",
    params(("code" = String, Path), ("key" = String, Path)), request_body = RenameDepartmentRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ClosedView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn rename(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    path: web::Path<(String, String)>,
    body: web::Json<RenameDepartmentRequest>,
) -> Result<HttpResponse, AppError> {
    let ((code, key), b, now) = (path.into_inner(), body.into_inner(), ctx.clock.now());
    let closed = storage::run_as(&ctx.pool, caller, move |conn, c| {
        departments::rename_on(conn, &c, &code, &key, &b.new_key, &b.new_name, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ClosedView::from(closed)))
}

/// Administrators: close a department; an open department of the same agency takes its open
/// dossiers and accounts; its last day is yesterday. Audited.
#[utoipa::path(post, path = "/api/v1/admin/agencies/{code}/departments/{key}/close", tag = "administration",
    params(("code" = String, Path), ("key" = String, Path)), request_body = CloseDepartmentRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ClosedView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn close(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    path: web::Path<(String, String)>,
    body: web::Json<CloseDepartmentRequest>,
) -> Result<HttpResponse, AppError> {
    let ((code, key), b, now) = (path.into_inner(), body.into_inner(), ctx.clock.now());
    let closed = storage::run_as(&ctx.pool, caller, move |conn, c| {
        departments::close_on(conn, &c, &code, &key, &b.successor, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ClosedView::from(closed)))
}
