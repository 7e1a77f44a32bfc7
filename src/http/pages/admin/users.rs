//! `/quan-tri/nguoi-dung`: accounts — the list by agency and role, creating, disabling and enabling one.
use crate::http::context::AppContext;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::http::pages::{
    fmt, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::services::catalogue::{self, AgencyQuery};
use crate::services::users;
use crate::storage::agencies::AgencyRow;
use crate::storage::users::UserRow;
use crate::storage::AnyConnection;

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
    /// A department key of the agency; blank: the agency as a whole.
    #[serde(default)]
    department: Option<String>,
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
        InvalidDepartment | UnknownDepartment => "department",
        PasswordTooShort | PasswordTooLong => "password",
        _ => "",
    }
}

/// What the accounts page reads on its trip: the accounts (filtered) and the agencies of the form.
struct UsersData {
    rows: Vec<UserRow>,
    agencies: Vec<AgencyRow>,
}

/// The form offers the agencies that exist `today` (an account is not given to an ended unit).
fn read_users(
    conn: &mut AnyConnection,
    caller: &Caller,
    agency: &str,
    role: &str,
    today: chrono::NaiveDate,
) -> Result<UsersData, AppError> {
    let filter = users::UserFilter { agency: Some(agency.to_string()), role: Some(role.to_string()) };
    let rows = users::list_on(conn, caller, filter)?;
    let agencies =
        catalogue::list_agencies_on(conn, &AgencyQuery { at: Some(today.to_string()), ..AgencyQuery::default() })?;
    Ok(UsersData { rows, agencies })
}

#[allow(clippy::too_many_arguments)]
fn show_users(
    me: &str,
    layout: Layout,
    data: UsersData,
    filter_agency: String,
    filter_role: String,
    form: UserForm,
    notice: Option<String>,
    error: Option<AppError>,
) -> HttpResponse {
    let rows = data
        .rows
        .into_iter()
        .map(|u| UserLine {
            is_self: u.username == me,
            role: u.role.parse::<Role>().map(crate::http::pages::role_label).unwrap_or(""),
            agency: match (u.agency_code, u.department) {
                (Some(a), Some(d)) => format!("{a} · {d}"),
                (a, _) => a.unwrap_or_default(),
            },
            created: fmt::time(u.created_at),
            disabled: fmt::opt_time(u.disabled_at),
            full_name: u.full_name,
            username: u.username,
        })
        .collect();
    let page = UsersPage {
        layout,
        rows,
        agencies: data.agencies.into_iter().map(|a| (a.code, a.name)).collect(),
        roles: Role::ALL.into_iter().map(|r| (r.as_str(), crate::http::pages::role_label(r))).collect(),
        filter_agency,
        filter_role,
        form: UserForm { password: String::new(), ..form },
        notice,
        error_field: error.as_ref().map(user_field).unwrap_or(""),
        error: error.as_ref().map(messages::vi),
    };
    let status = status_of(error.as_ref());
    render(status, &page)
}

/// GET /quan-tri/nguoi-dung?co_quan=&vai_tro=: accounts, and the form to create one.
pub async fn users_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let me = session.claimed().username.clone();
    let q = query.into_inner();
    let notice = if let Some(u) = q.da_tao {
        Some(format!("Đã tạo tài khoản {u}."))
    } else if let Some(u) = q.da_khoa {
        Some(format!("Đã khóa tài khoản {u}: tài khoản không đăng nhập được nữa."))
    } else {
        q.da_mo.map(|u| format!("Đã mở khóa tài khoản {u}."))
    };
    let (agency, role) = (q.co_quan.unwrap_or_default(), q.vai_tro.unwrap_or_default());
    let (a, r) = (agency.clone(), role.clone());
    let today = crate::domain::calendar::to_vietnam(ctx.clock.now()).date_naive();
    let data = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            read_users(conn, &caller, &a, &r, today)
        })
        .await
        .in_layout(&layout)?;
    Ok(show_users(&me, layout, data, agency, role, UserForm::default(), notice, None))
}

/// POST /quan-tri/nguoi-dung: creates an account.
pub async fn create_user(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let me = session.claimed().username.clone();
    let form = form.into_inner();
    let new = users::NewUser {
        username: form.username.trim().to_string(),
        password: form.password.clone(),
        role: form.role.clone(),
        agency_code: Some(form.agency_code.clone()).filter(|a| !a.trim().is_empty()),
        full_name: form.full_name.clone(),
        is_demo: false,
        department: form.department.clone(),
    };
    // Checked and hashed before the trip: no connection is held while the password is hashed.
    let prepared = users::prepare(session.claimed(), new).await;
    let now = ctx.clock.now();
    let today = crate::domain::calendar::to_vietnam(now).date_naive();
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match prepared.and_then(|new| users::create_on(conn, &caller, new, now)) {
                Ok(row) => Ok(row.username),
                Err(e) => Err((read_users(conn, &caller, "", "", today)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(username) => Ok(see_other(&format!("/quan-tri/nguoi-dung?da_tao={}", percent_encode(&username)))),
        Err((data, e)) => Ok(show_users(&me, layout, data, String::new(), String::new(), form, None, Some(e))),
    }
}

async fn set_disabled(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    username: String,
    disable: bool,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let me = session.claimed().username.clone();
    let at = ctx.clock.now();
    let today = crate::domain::calendar::to_vietnam(at).date_naive();
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match users::set_disabled_on(conn, &caller, &username, disable, at) {
                Ok(row) => Ok(row.username),
                Err(e) => Err((read_users(conn, &caller, "", "", today)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(username) => {
            let key = if disable { "da_khoa" } else { "da_mo" };
            Ok(see_other(&format!("/quan-tri/nguoi-dung?{key}={}", percent_encode(&username))))
        }
        Err((data, e)) => {
            Ok(show_users(&me, layout, data, String::new(), String::new(), UserForm::default(), None, Some(e)))
        }
    }
}

/// POST /quan-tri/nguoi-dung/{username}/khoa: disables an account.
pub async fn disable_user(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_disabled(ctx, req, session, username.into_inner(), true).await
}

/// POST /quan-tri/nguoi-dung/{username}/mo-khoa: enables an account again.
pub async fn enable_user(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_disabled(ctx, req, session, username.into_inner(), false).await
}
