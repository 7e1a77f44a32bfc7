//! `/quan-tri/nguoi-dung`: accounts — the list by agency and role, creating, disabling and enabling one.
use crate::http::context::AppContext;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, status_of};
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::http::pages::{
    fmt, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageCaller, PageError,
};
use crate::services::catalogue::{self, AgencyQuery};
use crate::services::users;
use crate::storage::Pool;

/// One account as the page shows it.
struct UserLine {
    username: String,
    full_name: String,
    role: &'static str,
    agency: String,
    created: String,
    disabled: String,
    is_self: bool,
}

/// The account creation form's values, kept when it is shown again with an error.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency_code: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    layout: Layout,
    rows: Vec<UserLine>,
    agencies: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    filter_agency: String,
    filter_role: String,
    form: UserForm,
    notice: Option<String>,
    error: Option<String>,
    error_field: &'static str,
}

#[derive(Deserialize)]
pub struct UsersQuery {
    co_quan: Option<String>,
    vai_tro: Option<String>,
    da_tao: Option<String>,
    da_khoa: Option<String>,
    da_mo: Option<String>,
}

/// The creation form's field an account error is about.
fn user_field(e: &AppError) -> &'static str {
    use ErrorCode::*;
    match e.code() {
        InvalidUsername | UsernameTaken => "username",
        InvalidFullName => "full_name",
        InvalidRole => "role",
        InvalidAgencyCode | StaffAgencyRequired | AgencyNotAllowed | UnknownAgency => "agency_code",
        PasswordTooShort | PasswordTooLong => "password",
        _ => "",
    }
}

#[allow(clippy::too_many_arguments)]
async fn show_users(
    pool: &Pool,
    caller: &PageCaller,
    layout: Layout,
    filter_agency: String,
    filter_role: String,
    form: UserForm,
    notice: Option<String>,
    error: Option<AppError>,
) -> Result<HttpResponse, PageError> {
    let filter = users::UserFilter { agency: Some(filter_agency.clone()), role: Some(filter_role.clone()) };
    let rows = users::list(pool, caller.0.clone(), filter).await.in_layout(&layout)?;
    let agencies = catalogue::list_agencies(pool, AgencyQuery::default()).await.in_layout(&layout)?;
    let rows = rows
        .into_iter()
        .map(|u| UserLine {
            is_self: u.username == caller.username,
            role: u.role.parse::<Role>().map(crate::http::pages::role_label).unwrap_or(""),
            agency: u.agency_code.unwrap_or_default(),
            created: fmt::time(u.created_at),
            disabled: fmt::opt_time(u.disabled_at),
            full_name: u.full_name,
            username: u.username,
        })
        .collect();
    let page = UsersPage {
        layout,
        rows,
        agencies: agencies.into_iter().map(|a| (a.code, a.name)).collect(),
        roles: Role::ALL.into_iter().map(|r| (r.as_str(), crate::http::pages::role_label(r))).collect(),
        filter_agency,
        filter_role,
        form: UserForm { password: String::new(), ..form },
        notice,
        error_field: error.as_ref().map(user_field).unwrap_or(""),
        error: error.as_ref().map(messages::vi),
    };
    let status = status_of(error.as_ref());
    Ok(render(status, &page))
}

/// GET /quan-tri/nguoi-dung?co_quan=&vai_tro=: accounts, and the form to create one.
pub async fn users_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    let q = query.into_inner();
    let notice = if let Some(u) = q.da_tao {
        Some(format!("Đã tạo tài khoản {u}."))
    } else if let Some(u) = q.da_khoa {
        Some(format!("Đã khóa tài khoản {u}: tài khoản không đăng nhập được nữa."))
    } else {
        q.da_mo.map(|u| format!("Đã mở khóa tài khoản {u}."))
    };
    let (agency, role) = (q.co_quan.unwrap_or_default(), q.vai_tro.unwrap_or_default());
    show_users(&ctx.pool, &caller, layout, agency, role, UserForm::default(), notice, None).await
}

/// POST /quan-tri/nguoi-dung: creates an account.
pub async fn create_user(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    let form = form.into_inner();
    let new = users::NewUser {
        username: form.username.trim().to_string(),
        password: form.password.clone(),
        role: form.role.clone(),
        agency_code: Some(form.agency_code.clone()).filter(|a| !a.trim().is_empty()),
        full_name: form.full_name.clone(),
        is_demo: false,
    };
    match users::create(&ctx.pool, caller.0.clone(), new).await {
        Ok(row) => Ok(see_other(&format!("/quan-tri/nguoi-dung?da_tao={}", percent_encode(&row.username)))),
        Err(e) => show_users(&ctx.pool, &caller, layout, String::new(), String::new(), form, None, Some(e)).await,
    }
}

async fn set_disabled(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    username: String,
    disable: bool,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    match users::set_disabled(&ctx.pool, caller.0.clone(), username, disable, ctx.clock.now()).await {
        Ok(row) => {
            let key = if disable { "da_khoa" } else { "da_mo" };
            Ok(see_other(&format!("/quan-tri/nguoi-dung?{key}={}", percent_encode(&row.username))))
        }
        Err(e) => {
            show_users(&ctx.pool, &caller, layout, String::new(), String::new(), UserForm::default(), None, Some(e))
                .await
        }
    }
}

/// POST /quan-tri/nguoi-dung/{username}/khoa: disables an account.
pub async fn disable_user(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_disabled(ctx, req, caller, username.into_inner(), true).await
}

/// POST /quan-tri/nguoi-dung/{username}/mo-khoa: enables an account again.
pub async fn enable_user(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    caller: PageCaller,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_disabled(ctx, req, caller, username.into_inner(), false).await
}
