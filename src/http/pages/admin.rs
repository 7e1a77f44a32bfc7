//! The administrators' area (`/quan-tri`, role `admin` only): failed notices, accounts, the
//! working calendar, plan targets and procedure versions. Each POST is one service call; errors are shown on the page
//! in Vietnamese with the values typed kept.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{
    fmt, form_pairs, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageCaller,
    PageError,
};
use crate::clock::Clock;
use crate::domain::Role;
use crate::error::AppError;
use crate::services::catalogue::{self, AgencyQuery};
use crate::services::{calendar, notifications, plans, users};
use crate::storage::Pool;

/// Where the administrators' area starts (the navigation links here).
pub const ADMIN_PATH: &str = "/quan-tri";

/// Registers the administrators' pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(ADMIN_PATH, web::get().to(home))
        .route("/quan-tri/thong-bao", web::get().to(notices))
        .route("/quan-tri/thong-bao/{id}/gui-lai", web::post().to(requeue_notice))
        .route("/quan-tri/nguoi-dung", web::get().to(users_page))
        .route("/quan-tri/nguoi-dung", web::post().to(create_user))
        .route("/quan-tri/nguoi-dung/{username}/khoa", web::post().to(disable_user))
        .route("/quan-tri/nguoi-dung/{username}/mo-khoa", web::post().to(enable_user))
        .route("/quan-tri/lich", web::get().to(calendar_page))
        .route("/quan-tri/lich", web::post().to(set_calendar_day))
        .route("/quan-tri/lich/{day}/xoa", web::post().to(delete_calendar_day))
        .route("/quan-tri/ke-hoach", web::get().to(plans_page))
        .route("/quan-tri/ke-hoach/{plan}/{position}", web::post().to(update_target))
        .route("/quan-tri/thu-tuc", web::get().to(procedures_page))
        .route("/quan-tri/thu-tuc/{code}", web::get().to(procedure_page))
        .route("/quan-tri/thu-tuc/{code}", web::post().to(revise_procedure));
}

/// Whether a kept form value is this option (for `selected` in templates).
pub fn same(a: &str, b: &str) -> bool {
    a == b
}

/// The caller's layout, or a 403 page (in the layout) when the caller is not an administrator.
fn admin_layout(req: &HttpRequest, caller: &PageCaller) -> Result<Layout, PageError> {
    let layout = Layout::new(Some(caller), req.path());
    caller.require_role(&[Role::Admin]).in_layout(&layout)?;
    Ok(layout)
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    layout: Layout,
}

/// GET /quan-tri: the sections of the administrators' area.
pub async fn home(req: HttpRequest, caller: PageCaller) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    Ok(render(StatusCode::OK, &HomePage { layout }))
}

// ---------------------------------------------------------------- notices

/// Vietnamese name of a notice kind.
fn notice_kind_label(kind: &str) -> &'static str {
    match kind {
        "received" => "Đã tiếp nhận hồ sơ",
        "supplement_requested" => "Yêu cầu bổ sung hồ sơ",
        "refused" => "Từ chối",
        "delayed" => "Xin lỗi, hẹn lại ngày trả",
        "result_ready" => "Có kết quả",
        _ => "Thông báo khác",
    }
}

fn notice_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "Chờ gửi",
        "sending" => "Đang gửi",
        "sent" => "Đã gửi",
        "failed" => "Gửi không thành công",
        _ => "",
    }
}

/// One notice as the page shows it (recipient masked).
struct NoticeView {
    id: String,
    kind: &'static str,
    channel: &'static str,
    recipient: String,
    attempts: i32,
    last_error: String,
    created: String,
    next_attempt: String,
    sent: String,
    failed: bool,
}

#[derive(Template)]
#[template(path = "admin_notices.html")]
struct NoticesPage {
    layout: Layout,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<NoticeView>,
    done: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NoticesQuery {
    trang_thai: Option<String>,
    da_gui_lai: Option<String>,
}

/// The status a page is sent with: the error's, or 200.
fn status_of(error: Option<&AppError>) -> StatusCode {
    error.map(|e| e.status_and_code().0).unwrap_or(StatusCode::OK)
}

async fn notices_page(
    pool: &Pool,
    caller: &PageCaller,
    layout: Layout,
    status: String,
    done: bool,
    error: Option<AppError>,
) -> Result<HttpResponse, PageError> {
    let rows = notifications::list(pool, caller.0.clone(), status.clone()).await.in_layout(&layout)?;
    let rows = rows
        .into_iter()
        .map(|n| NoticeView {
            recipient: notifications::mask(&n.recipient),
            kind: notice_kind_label(&n.kind),
            channel: if n.channel == "email" { "Thư điện tử" } else { "Tin nhắn SMS" },
            attempts: n.attempts,
            last_error: n.last_error.unwrap_or_default(),
            created: fmt::time(n.created_at),
            next_attempt: fmt::time(n.next_attempt_at),
            sent: fmt::opt_time(n.sent_at),
            failed: n.status == "failed",
            id: n.id,
        })
        .collect();
    let statuses = ["failed", "pending", "sending", "sent"].into_iter().map(|s| (s, notice_status_label(s))).collect();
    let status_code = status_of(error.as_ref());
    let page = NoticesPage { layout, status, statuses, rows, done, error: error.as_ref().map(messages::vi) };
    Ok(render(status_code, &page))
}

/// GET /quan-tri/thong-bao?trang_thai=failed|pending|sending|sent: notices by status (failed by default).
pub async fn notices(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    query: web::Query<NoticesQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    let q = query.into_inner();
    let status = q.trang_thai.filter(|s| !s.is_empty()).unwrap_or_else(|| "failed".into());
    notices_page(&pool, &caller, layout, status, q.da_gui_lai.is_some(), None).await
}

/// POST /quan-tri/thong-bao/{id}/gui-lai: puts a failed notice back in the queue.
pub async fn requeue_notice(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    match notifications::requeue(&pool, caller.0.clone(), id.into_inner(), clock.now()).await {
        Ok(()) => Ok(see_other("/quan-tri/thong-bao?trang_thai=failed&da_gui_lai=1")),
        Err(e) => notices_page(&pool, &caller, layout, "failed".into(), false, Some(e)).await,
    }
}

// ---------------------------------------------------------------- accounts

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
    match e.status_and_code().1 {
        "invalid_username" | "username_taken" => "username",
        "invalid_full_name" => "full_name",
        "invalid_role" => "role",
        "invalid_agency_code" | "staff_agency_required" | "agency_not_allowed" | "unknown_agency" => "agency_code",
        "password_too_short" | "password_too_long" => "password",
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
            role: u.role.parse::<Role>().map(super::role_label).unwrap_or(""),
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
        roles: Role::ALL.into_iter().map(|r| (r.as_str(), super::role_label(r))).collect(),
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
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
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
    show_users(&pool, &caller, layout, agency, role, UserForm::default(), notice, None).await
}

/// POST /quan-tri/nguoi-dung: creates an account.
pub async fn create_user(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
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
    match users::create(&pool, caller.0.clone(), new).await {
        Ok(row) => Ok(see_other(&format!("/quan-tri/nguoi-dung?da_tao={}", percent_encode(&row.username)))),
        Err(e) => show_users(&pool, &caller, layout, String::new(), String::new(), form, None, Some(e)).await,
    }
}

async fn set_disabled(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    username: String,
    disable: bool,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    match users::set_disabled(&pool, caller.0.clone(), username, disable, clock.now()).await {
        Ok(row) => {
            let key = if disable { "da_khoa" } else { "da_mo" };
            Ok(see_other(&format!("/quan-tri/nguoi-dung?{key}={}", percent_encode(&row.username))))
        }
        Err(e) => {
            show_users(&pool, &caller, layout, String::new(), String::new(), UserForm::default(), None, Some(e)).await
        }
    }
}

/// POST /quan-tri/nguoi-dung/{username}/khoa: disables an account.
pub async fn disable_user(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_disabled(req, caller, pool, clock, username.into_inner(), true).await
}

/// POST /quan-tri/nguoi-dung/{username}/mo-khoa: enables an account again.
pub async fn enable_user(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    username: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    set_disabled(req, caller, pool, clock, username.into_inner(), false).await
}

// ---------------------------------------------------------------- working calendar

fn weekday_label(d: chrono::NaiveDate) -> &'static str {
    use chrono::{Datelike, Weekday};
    match d.weekday() {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

/// One recorded day as the page shows it.
struct DayLine {
    iso: String,
    date: String,
    weekday: &'static str,
    kind: &'static str,
    name: String,
}

/// The calendar form's values, kept when it is shown again with an error.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    rows: Vec<DayLine>,
    form: DayForm,
    notice: Option<String>,
    error: Option<String>,
    error_field: &'static str,
}

#[derive(Deserialize)]
pub struct CalendarQuery {
    nam: Option<String>,
    da_luu: Option<String>,
    da_xoa: Option<String>,
}

fn day_field(e: &AppError) -> &'static str {
    match e.status_and_code().1 {
        "invalid_date" | "holiday_on_weekend" | "working_day_on_weekday" => "day",
        "invalid_day_kind" => "kind",
        "invalid_day_name" => "name",
        _ => "",
    }
}

fn this_year(clock: &Clock) -> i32 {
    chrono::Datelike::year(&crate::domain::calendar::to_vietnam(clock.now()))
}

async fn show_calendar(
    pool: &Pool,
    caller: &PageCaller,
    layout: Layout,
    year: i32,
    form: DayForm,
    notice: Option<String>,
    error: Option<AppError>,
) -> Result<HttpResponse, PageError> {
    let rows = calendar::year(pool, caller.0.clone(), year).await.in_layout(&layout)?;
    let rows = rows
        .into_iter()
        .map(|r| DayLine {
            iso: r.day.format("%Y-%m-%d").to_string(),
            date: r.day.format("%d/%m/%Y").to_string(),
            weekday: weekday_label(r.day),
            kind: if r.kind == "holiday" { "Ngày nghỉ" } else { "Ngày làm việc bù" },
            name: r.name,
        })
        .collect();
    let status = status_of(error.as_ref());
    let page = CalendarPage {
        layout,
        year,
        years: (year - 2..=year + 2).collect(),
        rows,
        form,
        notice,
        error_field: error.as_ref().map(day_field).unwrap_or(""),
        error: error.as_ref().map(messages::vi),
    };
    Ok(render(status, &page))
}

/// GET /quan-tri/lich?nam=YYYY: the year's holidays and compensatory working days, and the form.
pub async fn calendar_page(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    query: web::Query<CalendarQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    let q = query.into_inner();
    let year = match q.nam.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => this_year(&clock),
        Some(y) => y
            .parse::<i32>()
            .map_err(|_| AppError::bad_request("invalid_year", "the year must be between 2000 and 2100"))
            .in_layout(&layout)?,
    };
    let notice = match (q.da_luu, q.da_xoa) {
        (Some(d), _) => {
            Some(format!("Đã lưu ngày {d}. Hạn giải quyết của hồ sơ tiếp nhận từ nay được tính theo lịch mới."))
        }
        (_, Some(d)) => Some(format!("Đã xóa ngày {d} khỏi lịch: ngày này trở lại theo lịch tuần thông thường.")),
        _ => None,
    };
    let form = DayForm { kind: "holiday".into(), ..DayForm::default() };
    show_calendar(&pool, &caller, layout, year, form, notice, None).await
}

/// POST /quan-tri/lich: records a holiday or a compensatory working day.
pub async fn set_calendar_day(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    form: web::Form<DayForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    let form = form.into_inner();
    let result =
        calendar::set_day(&pool, caller.0.clone(), form.day.clone(), form.kind.clone(), form.name.clone()).await;
    match result {
        Ok((row, _)) => Ok(see_other(&format!(
            "/quan-tri/lich?nam={}&da_luu={}",
            chrono::Datelike::year(&row.day),
            row.day.format("%d/%m/%Y")
        ))),
        Err(e) => {
            let year = calendar::parse_day(&form.day).map(|d| chrono::Datelike::year(&d)).unwrap_or(this_year(&clock));
            show_calendar(&pool, &caller, layout, year, form, None, Some(e)).await
        }
    }
}

/// POST /quan-tri/lich/{day}/xoa: removes a day's entry.
pub async fn delete_calendar_day(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    clock: web::Data<Clock>,
    day: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    let day = day.into_inner();
    match calendar::remove_day(&pool, caller.0.clone(), day.clone()).await {
        Ok(()) => {
            let d = calendar::parse_day(&day).in_layout(&layout)?;
            Ok(see_other(&format!("/quan-tri/lich?nam={}&da_xoa={}", chrono::Datelike::year(&d), d.format("%d/%m/%Y"))))
        }
        Err(e) => {
            let year = calendar::parse_day(&day).map(|d| chrono::Datelike::year(&d)).unwrap_or(this_year(&clock));
            let form = DayForm { kind: "holiday".into(), ..DayForm::default() };
            show_calendar(&pool, &caller, layout, year, form, None, Some(e)).await
        }
    }
}

// ---------------------------------------------------------------- plan targets

/// One target as the page shows it, with the values of its form.
struct TargetLine {
    position: i32,
    indicator: String,
    scope: String,
    wording: String,
    source_line: String,
    value: String,
    deadline: String,
    /// The field in error on this row ("" when none).
    error_field: &'static str,
}

struct PlanSection {
    id: String,
    title: String,
    document: String,
    targets: Vec<TargetLine>,
}

#[derive(Template)]
#[template(path = "admin_plans.html")]
struct PlansPage {
    layout: Layout,
    plans: Vec<PlanSection>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PlansQuery {
    da_luu: Option<String>,
}

/// The target form's values, kept when it is shown again with an error.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    deadline: String,
}

/// 44 → "44", 12.5 → "12,5" (Vietnamese decimal comma).
fn vn_value(v: f64) -> String {
    let s = format!("{v}");
    s.replace('.', ",")
}

async fn show_plans(
    pool: &Pool,
    caller: &PageCaller,
    layout: Layout,
    notice: Option<String>,
    failed: Option<(String, i32, TargetForm, AppError)>,
) -> Result<HttpResponse, PageError> {
    let all = plans::with_targets(pool, caller.0.clone()).await.in_layout(&layout)?;
    let plans = all
        .into_iter()
        .map(|(p, targets)| PlanSection {
            targets: targets
                .into_iter()
                .map(|t| {
                    let mut line = TargetLine {
                        position: t.position,
                        indicator: t.indicator.unwrap_or_default(),
                        scope: t.level.map(|l| format!("cấp {l}")).unwrap_or_default(),
                        wording: t.wording,
                        source_line: t.source_line,
                        value: vn_value(t.value),
                        deadline: t.deadline.format("%Y-%m-%d").to_string(),
                        error_field: "",
                    };
                    if let Some((plan, position, form, e)) = &failed {
                        if *plan == p.id && *position == t.position {
                            line.value = form.value.clone();
                            line.deadline = form.deadline.clone();
                            line.error_field =
                                if e.status_and_code().1 == "invalid_date" { "deadline" } else { "value" };
                        }
                    }
                    line
                })
                .collect(),
            id: p.id,
            title: p.title,
            document: p.document.unwrap_or_default(),
        })
        .collect();
    let status = status_of(failed.as_ref().map(|f| &f.3));
    let page = PlansPage { layout, plans, notice, error: failed.as_ref().map(|f| messages::vi(&f.3)) };
    Ok(render(status, &page))
}

/// GET /quan-tri/ke-hoach: every plan's targets, each with a form for its value and deadline.
pub async fn plans_page(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    query: web::Query<PlansQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    let notice = query.into_inner().da_luu.map(|t| format!("Đã lưu chỉ tiêu {t}."));
    show_plans(&pool, &caller, layout, notice, None).await
}

/// POST /quan-tri/ke-hoach/{plan}/{position}: sets a target's value and deadline.
pub async fn update_target(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    path: web::Path<(String, i32)>,
    form: web::Form<TargetForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    let (plan, position) = path.into_inner();
    let form = form.into_inner();
    let result = match plans::parse_value(&form.value) {
        Ok(v) => plans::update_target(&pool, caller.0.clone(), plan.clone(), position, v, form.deadline.clone()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => Ok(see_other(&format!(
            "/quan-tri/ke-hoach?da_luu={}#{}-{}",
            percent_encode(&format!("{} số {}", t.plan_id, t.position)),
            t.plan_id,
            t.position
        ))),
        Err(e) => show_plans(&pool, &caller, layout, None, Some((plan, position, form, e))).await,
    }
}

// ---------------------------------------------------------------- procedures

/// One current procedure in the administrators' list.
struct ProcedureLine {
    code: String,
    name: String,
    version: i32,
    online: &'static str,
    limit: String,
    fee: String,
}

#[derive(Template)]
#[template(path = "admin_procedures.html")]
struct ProceduresPage {
    layout: Layout,
    q: String,
    rows: Vec<ProcedureLine>,
}

#[derive(Deserialize)]
pub struct ProceduresQuery {
    q: Option<String>,
}

/// GET /quan-tri/thu-tuc?q=: current procedures, each linking to its change form.
pub async fn procedures_page(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    query: web::Query<ProceduresQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    let q = query.into_inner().q.unwrap_or_default().trim().to_string();
    let query = catalogue::ProcedureQuery { q: Some(q.clone()).filter(|q| !q.is_empty()), ..Default::default() };
    let list = catalogue::list_procedures(&pool, query).await.in_layout(&layout)?;
    let rows = list
        .into_iter()
        .map(|e| {
            let p = e.record.procedure;
            ProcedureLine {
                online: super::portal::online_label(p.online_level),
                limit: format!("{} {}", p.time_limit_value, super::portal::unit_label(&p.time_limit_unit)),
                fee: fmt::vnd(p.fee_vnd),
                version: p.version,
                name: p.name,
                code: p.code,
            }
        })
        .collect();
    Ok(render(StatusCode::OK, &ProceduresPage { layout, q, rows }))
}

/// The change form's values, kept when it is shown again with an error.
#[derive(Debug, Default, Clone)]
struct ProcedureForm {
    online_level: String,
    time_limit_value: String,
    time_limit_unit: String,
    fee_vnd: String,
    fee_description: String,
    shares: Vec<String>,
}

struct StepLine {
    position: i32,
    name: String,
    share: String,
}

#[derive(Template)]
#[template(path = "admin_procedure.html")]
struct ProcedurePage {
    layout: Layout,
    code: String,
    name: String,
    version: i32,
    versions: String,
    form: ProcedureForm,
    steps: Vec<StepLine>,
    levels: Vec<(&'static str, &'static str)>,
    units: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    error: Option<String>,
    error_field: &'static str,
}

fn procedure_field(e: &AppError) -> &'static str {
    match e.status_and_code().1 {
        "invalid_online_level" => "online_level",
        "invalid_time_limit" => "time_limit_value",
        "invalid_time_unit" => "time_limit_unit",
        "invalid_fee" => "fee_vnd",
        "invalid_step_shares" | "route_shares_mismatch" => "shares",
        _ => "",
    }
}

async fn show_procedure(
    pool: &Pool,
    layout: Layout,
    code: String,
    kept: Option<ProcedureForm>,
    notice: Option<String>,
    error: Option<AppError>,
) -> Result<HttpResponse, PageError> {
    let (entry, versions) = catalogue::get_procedure(pool, code, None).await.in_layout(&layout)?;
    let p = &entry.record.procedure;
    let form = kept.unwrap_or_else(|| ProcedureForm {
        online_level: p.online_level.to_string(),
        time_limit_value: p.time_limit_value.to_string(),
        time_limit_unit: p.time_limit_unit.clone(),
        fee_vnd: p.fee_vnd.to_string(),
        fee_description: p.fee_description.clone(),
        shares: entry.record.steps.iter().map(|s| s.time_share.to_string()).collect(),
    });
    let steps = entry
        .record
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepLine {
            position: s.position,
            name: s.name.clone(),
            share: form.shares.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let status = status_of(error.as_ref());
    let page = ProcedurePage {
        layout,
        code: p.code.clone(),
        name: p.name.clone(),
        version: p.version,
        versions: versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
        steps,
        levels: vec![
            ("1", "Mức độ 1"),
            ("2", "Mức độ 2"),
            ("3", "Mức độ 3 — một phần"),
            ("4", "Mức độ 4 — toàn trình"),
        ],
        units: vec![("working_days", "ngày làm việc"), ("days", "ngày"), ("hours", "giờ làm việc")],
        form,
        notice,
        error_field: error.as_ref().map(procedure_field).unwrap_or(""),
        error: error.as_ref().map(messages::vi),
    };
    Ok(render(status, &page))
}

#[derive(Deserialize)]
pub struct ProcedureQuery {
    da_luu: Option<String>,
}

/// GET /quan-tri/thu-tuc/{code}: the current version and the form to change it.
pub async fn procedure_page(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    code: web::Path<String>,
    query: web::Query<ProcedureQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    let notice = query.into_inner().da_luu.map(|v| {
        format!("Đã tạo phiên bản {v}. Hồ sơ tiếp nhận từ nay theo phiên bản này; hồ sơ đã tiếp nhận giữ phiên bản cũ.")
    });
    show_procedure(&pool, layout, code.into_inner(), None, notice, None).await
}

/// POST /quan-tri/thu-tuc/{code}: creates a new version with the values of the form.
pub async fn revise_procedure(
    req: HttpRequest,
    caller: PageCaller,
    pool: web::Data<Pool>,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &caller)?;
    let code = code.into_inner();
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let form = ProcedureForm {
        online_level: get("online_level"),
        time_limit_value: get("time_limit_value"),
        time_limit_unit: get("time_limit_unit"),
        fee_vnd: get("fee_vnd"),
        fee_description: get("fee_description"),
        shares: pairs.iter().filter(|(n, _)| n == "share").map(|(_, v)| v.trim().to_string()).collect(),
    };
    // A number that does not parse is the same error as one out of range.
    let number = |s: &str, code: &'static str, msg: &str| -> Result<i64, AppError> {
        s.replace(['.', ' '], "").parse::<i64>().map_err(|_| AppError::bad_request(code, msg.to_string()))
    };
    let change = (|| -> Result<catalogue::ProcedureChange, AppError> {
        Ok(catalogue::ProcedureChange {
            online_level: Some(number(&form.online_level, "invalid_online_level", "1–4")?),
            time_limit_value: Some(number(&form.time_limit_value, "invalid_time_limit", "1–3650")?),
            time_limit_unit: Some(form.time_limit_unit.clone()),
            fee_vnd: Some(number(&form.fee_vnd, "invalid_fee", "đồng")?),
            fee_description: Some(form.fee_description.clone()),
            step_shares: Some(
                form.shares.iter().map(|s| number(s, "invalid_step_shares", "≥ 0")).collect::<Result<Vec<_>, _>>()?,
            ),
        })
    })();
    let result = match change {
        Ok(c) => catalogue::revise_procedure(&pool, caller.0.clone(), code.clone(), c).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => Ok(see_other(&format!(
            "/quan-tri/thu-tuc/{}?da_luu={}",
            percent_encode(&v.record.procedure.code),
            v.record.procedure.version
        ))),
        Err(e) => show_procedure(&pool, layout, code, Some(form), None, Some(e)).await,
    }
}
