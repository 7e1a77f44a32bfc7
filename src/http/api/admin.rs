//! Administrators' endpoints under `/api/v1/admin` (role `admin` only): accounts, the working
//! calendar and plan targets. Handlers check nothing themselves: each calls one service function.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::users::{self, NewUser, UserFilter};
use crate::storage::users::UserRow;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserParams {
    /// Only the accounts of this agency (QCVN 102 code).
    pub agency: Option<String>,
    /// Only the accounts with this role.
    pub role: Option<String>,
}

/// An account as administrators see it (never the password hash).
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub agency_code: Option<String>,
    pub is_demo: bool,
    pub created_at: String,
    /// When an administrator disabled the account; null while it is active.
    pub disabled_at: Option<String>,
    /// The department of its agency the account works in (its key); null: the agency as a whole.
    pub department: Option<String>,
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> Self {
        Self {
            username: u.username,
            full_name: u.full_name,
            role: u.role,
            agency_code: u.agency_code,
            is_demo: u.is_demo,
            created_at: rfc3339(u.created_at),
            disabled_at: u.disabled_at.map(rfc3339),
            department: u.department,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    /// 3–64 characters: a–z, 0–9, `.`, `_`, `-`.
    pub username: String,
    /// At least 8 characters.
    pub password: String,
    pub full_name: String,
    /// citizen, clerk, specialist, leader or admin.
    pub role: String,
    /// Required for staff (must exist), absent for citizens.
    pub agency_code: Option<String>,
    /// Staff only: an open department of the agency (its key, e.g. `VHXH`).
    #[serde(default)]
    pub department: Option<String>,
}

/// Administrators: accounts, by username.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "administration", params(UserParams),
    security(("bearer" = [])),
    responses((status = 200, body = [UserView]), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn list_users(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<UserParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let rows = users::list(&ctx.pool, caller, UserFilter { agency: p.agency, role: p.role }).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(UserView::from).collect::<Vec<_>>()))
}

/// Administrators: create a staff or citizen account. Errors: `invalid_username`, `invalid_role`,
/// `invalid_agency_code`, `staff_agency_required`, `agency_not_allowed`, `unknown_agency`,
/// `password_too_short`, `invalid_full_name` (400), `username_taken` (409).
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "administration", request_body = NewUserRequest,
    security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create_user(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    body: web::Json<NewUserRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let new = NewUser {
        username: b.username,
        password: b.password,
        role: b.role,
        agency_code: b.agency_code,
        full_name: b.full_name,
        is_demo: false,
        department: b.department,
    };
    let row = users::create(&ctx.pool, caller, new, ctx.clock.now()).await?;
    Ok(HttpResponse::Created().json(UserView::from(row)))
}

/// Administrators: disable an account (it can no longer sign in; its tokens stop working).
#[utoipa::path(post, path = "/api/v1/admin/users/{username}/disable", tag = "administration",
    params(("username" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn disable_user(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    username: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let row = users::set_disabled(&ctx.pool, caller, username.into_inner(), true, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(UserView::from(row)))
}

/// Administrators: enable a disabled account again.
#[utoipa::path(post, path = "/api/v1/admin/users/{username}/enable", tag = "administration",
    params(("username" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn enable_user(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    username: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let row = users::set_disabled(&ctx.pool, caller, username.into_inner(), false, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(UserView::from(row)))
}

/// The department an account works in.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentRequest {
    /// An open department of the account's agency (its key); null: the agency as a whole.
    pub department: Option<String>,
}

/// Administrators: move an account to a department of its agency (or to the agency as a whole).
#[utoipa::path(put, path = "/api/v1/admin/users/{username}/department", tag = "administration",
    params(("username" = String, Path)), request_body = DepartmentRequest, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn set_user_department(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    username: web::Path<String>,
    body: web::Json<DepartmentRequest>,
) -> Result<HttpResponse, AppError> {
    let row = users::set_department(&ctx.pool, caller, username.into_inner(), body.into_inner().department).await?;
    Ok(HttpResponse::Ok().json(UserView::from(row)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CalendarParams {
    /// The year (2000–2100); default: this year in Vietnam.
    pub year: Option<i32>,
}

/// A recorded exception to the Monday–Friday rule.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CalendarDayView {
    /// YYYY-MM-DD.
    pub day: String,
    /// `holiday` (a weekday off) or `working_day` (a weekend day worked).
    pub kind: String,
    pub name: String,
}

impl From<crate::storage::calendar::CalendarDayRow> for CalendarDayView {
    fn from(r: crate::storage::calendar::CalendarDayRow) -> Self {
        Self { day: r.day.format("%Y-%m-%d").to_string(), kind: r.kind, name: r.name }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayRequest {
    /// `holiday` (Monday–Friday only) or `working_day` (Saturday or Sunday only).
    pub kind: String,
    pub name: String,
}

/// Administrators: one year's holidays and compensatory working days.
#[utoipa::path(get, path = "/api/v1/admin/calendar", tag = "administration", params(CalendarParams),
    security(("bearer" = [])),
    responses((status = 200, body = [CalendarDayView]), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn calendar(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<CalendarParams>,
) -> Result<HttpResponse, AppError> {
    let year = params
        .into_inner()
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&crate::domain::calendar::to_vietnam(ctx.clock.now())));
    let rows = crate::services::calendar::year(&ctx.pool, caller, year).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(CalendarDayView::from).collect::<Vec<_>>()))
}

/// Administrators: record a holiday or a compensatory working day (replacing the day's entry).
/// Errors: `invalid_date`, `invalid_day_kind`, `holiday_on_weekend`, `working_day_on_weekday`,
/// `invalid_day_name` (400). Due dates already given are not recomputed.
#[utoipa::path(put, path = "/api/v1/admin/calendar/{day}", tag = "administration",
    params(("day" = String, Path, description = "YYYY-MM-DD")), request_body = CalendarDayRequest,
    security(("bearer" = [])),
    responses((status = 200, body = CalendarDayView), (status = 201, body = CalendarDayView),
              (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn set_calendar_day(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    day: web::Path<String>,
    body: web::Json<CalendarDayRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let (row, created) =
        crate::services::calendar::set_day(&ctx.pool, caller, day.into_inner(), b.kind, b.name).await?;
    let mut r = if created { HttpResponse::Created() } else { HttpResponse::Ok() };
    Ok(r.json(CalendarDayView::from(row)))
}

/// Administrators: remove a day's entry (404 `calendar_day_not_found` when there is none).
#[utoipa::path(delete, path = "/api/v1/admin/calendar/{day}", tag = "administration",
    params(("day" = String, Path, description = "YYYY-MM-DD")), security(("bearer" = [])),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete_calendar_day(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    day: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    crate::services::calendar::remove_day(&ctx.pool, caller, day.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A plan with its targets.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub id: String,
    pub document: Option<String>,
    pub title: String,
    pub province: String,
    pub issued: String,
    /// The plan's period, YYYY-MM-DD; `period_to` null: open-ended.
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub targets: Vec<PlanTargetView>,
}

/// One target of a plan: what the plan's text says, and the value and deadline in force.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanTargetView {
    /// 1, 2, … in the plan's order.
    pub position: i32,
    pub indicator: Option<String>,
    pub level: Option<String>,
    /// A percentage; null for a tracked metric, for which no source gives a target value.
    pub value: Option<f64>,
    /// YYYY-MM-DD; null when the source sets no deadline.
    pub deadline: Option<String>,
    pub wording: String,
    pub source_line: String,
    pub variant: Option<String>,
}

impl From<crate::storage::plans::PlanTargetRow> for PlanTargetView {
    fn from(t: crate::storage::plans::PlanTargetRow) -> Self {
        Self {
            position: t.position,
            indicator: t.indicator,
            level: t.level,
            value: t.value,
            deadline: t.deadline.map(|d| d.format("%Y-%m-%d").to_string()),
            wording: t.wording,
            source_line: t.source_line,
            variant: t.variant,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTargetRequest {
    /// A percentage, 0–100.
    pub value: f64,
    /// YYYY-MM-DD.
    pub deadline: String,
}

/// Administrators: every plan with its targets.
#[utoipa::path(get, path = "/api/v1/admin/plans", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = [PlanView]), (status = 403, body = crate::error::ErrorBody)))]
pub async fn plans(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    let plans = crate::services::plans::with_targets(&ctx.pool, caller).await?;
    Ok(HttpResponse::Ok().json(
        plans
            .into_iter()
            .map(|(p, targets)| PlanView {
                id: p.id,
                document: p.document,
                title: p.title,
                province: p.province,
                issued: p.issued,
                period_from: p.period_from.map(|d| d.to_string()),
                period_to: p.period_to.map(|d| d.to_string()),
                targets: targets.into_iter().map(PlanTargetView::from).collect(),
            })
            .collect::<Vec<_>>(),
    ))
}

/// Administrators: set a target's value and deadline. Errors: `invalid_target_value` (not 0–100),
/// `invalid_date` (400); `plan_target_not_found` (404).
#[utoipa::path(put, path = "/api/v1/admin/plans/{plan}/targets/{position}", tag = "administration",
    params(("plan" = String, Path), ("position" = i32, Path)), request_body = PlanTargetRequest,
    security(("bearer" = [])),
    responses((status = 200, body = PlanTargetView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn update_plan_target(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    path: web::Path<(String, i32)>,
    body: web::Json<PlanTargetRequest>,
) -> Result<HttpResponse, AppError> {
    let (plan, position) = path.into_inner();
    let b = body.into_inner();
    let row = crate::services::plans::update_target(&ctx.pool, caller, plan, position, b.value, b.deadline).await?;
    Ok(HttpResponse::Ok().json(PlanTargetView::from(row)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureChangeRequest {
    /// 1–4 (ND 43/2011; 3 ≈ một phần, 4 ≈ toàn trình under ND 42/2022).
    pub online_level: Option<i64>,
    /// A positive whole number of `time_limit_unit`.
    pub time_limit_value: Option<i64>,
    /// working_days, days or hours.
    pub time_limit_unit: Option<String>,
    /// Đồng, 0 or more.
    pub fee_vnd: Option<i64>,
    pub fee_description: Option<String>,
    /// One share per route step, in order, adding up to the time limit (needed when it changes).
    pub step_shares: Option<Vec<i64>>,
    /// A nationwide centralised service: its dossiers take TT 04/2025 Điều 23's code.
    pub nationwide_centralised: Option<bool>,
}

/// The version a change created.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProcedureVersionView {
    pub code: String,
    pub version: i32,
    pub previous_version: i32,
    pub online_level: i32,
    pub time_limit_value: i32,
    pub time_limit_unit: String,
    pub fee_vnd: i64,
    pub fee_description: String,
    pub step_shares: Vec<i32>,
    pub nationwide_centralised: bool,
}

impl From<crate::services::catalogue::NewVersion> for ProcedureVersionView {
    fn from(v: crate::services::catalogue::NewVersion) -> Self {
        let p = v.record.procedure;
        Self {
            code: p.code,
            version: p.version,
            previous_version: v.previous_version,
            online_level: p.online_level,
            time_limit_value: p.time_limit_value,
            time_limit_unit: p.time_limit_unit,
            fee_vnd: p.fee_vnd,
            fee_description: p.fee_description,
            step_shares: v.record.steps.iter().map(|s| s.time_share).collect(),
            nationwide_centralised: p.nationwide_centralised,
        }
    }
}

/// Administrators: change a procedure's online level, time limit, fee, step shares or its marking
/// as a nationwide centralised service (TT 04/2025 Điều 23). A new
/// current version is created (documents, route and templates copied); dossiers already received keep theirs.
/// Errors: `invalid_procedure_code`, `invalid_online_level`, `invalid_time_limit`, `invalid_time_unit`,
/// `invalid_fee`, `invalid_step_shares`, `route_shares_mismatch`, `nothing_to_change` (400);
/// `procedure_not_found` (404); `concurrent_update` (409).
#[utoipa::path(post, path = "/api/v1/admin/procedures/{code}/versions", tag = "administration",
    params(("code" = String, Path)), request_body = ProcedureChangeRequest, security(("bearer" = [])),
    responses((status = 201, body = ProcedureVersionView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn revise_procedure(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    body: web::Json<ProcedureChangeRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let change = crate::services::catalogue::ProcedureChange {
        online_level: b.online_level,
        time_limit_value: b.time_limit_value,
        time_limit_unit: b.time_limit_unit,
        fee_vnd: b.fee_vnd,
        fee_description: b.fee_description,
        step_shares: b.step_shares,
        nationwide_centralised: b.nationwide_centralised,
    };
    let v = crate::services::catalogue::revise_procedure(&ctx.pool, caller, code.into_inner(), change, ctx.clock.now())
        .await?;
    Ok(HttpResponse::Created().json(ProcedureVersionView::from(v)))
}
