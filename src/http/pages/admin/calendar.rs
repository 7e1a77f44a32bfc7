//! `/quan-tri/lich`: the working calendar — holidays and compensatory working days by year.
use crate::http::context::AppContext;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::clock::Clock;
use crate::error::{AppError, ErrorCode};
use crate::http::pages::{
    messages, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::services::calendar;
use crate::storage::calendar::CalendarDayRow;

use crate::domain::labels::weekday_label;

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
    match e.code() {
        ErrorCode::InvalidDate | ErrorCode::HolidayOnWeekend | ErrorCode::WorkingDayOnWeekday => "day",
        ErrorCode::InvalidDayKind => "kind",
        ErrorCode::InvalidDayName => "name",
        _ => "",
    }
}

fn this_year(clock: &Clock) -> i32 {
    chrono::Datelike::year(&crate::domain::calendar::to_vietnam(clock.now()))
}

fn show_calendar(
    layout: Layout,
    year: i32,
    rows: Vec<CalendarDayRow>,
    form: DayForm,
    notice: Option<String>,
    error: Option<AppError>,
) -> HttpResponse {
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
    render(status, &page)
}

/// The year a refused day belongs to (this year when the day does not parse).
fn year_of(day: &str, this_year: i32) -> i32 {
    calendar::parse_day(day).map(|d| chrono::Datelike::year(&d)).unwrap_or(this_year)
}

/// GET /quan-tri/lich?nam=YYYY: the year's holidays and compensatory working days, and the form.
pub async fn calendar_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<CalendarQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let q = query.into_inner();
    let (asked, this_year) = (q.nam.clone(), this_year(&ctx.clock));
    let (year, rows) = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let year = match asked.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
                None => this_year,
                Some(y) => y
                    .parse::<i32>()
                    .map_err(|_| AppError::new(ErrorCode::InvalidYear, "the year must be between 2000 and 2100"))?,
            };
            Ok((year, calendar::year_on(conn, &caller, year)?))
        })
        .await
        .in_layout(&layout)?;
    let notice = match (q.da_luu, q.da_xoa) {
        (Some(d), _) => {
            Some(format!("Đã lưu ngày {d}. Hạn giải quyết của hồ sơ tiếp nhận từ nay được tính theo lịch mới."))
        }
        (_, Some(d)) => Some(format!("Đã xóa ngày {d} khỏi lịch: ngày này trở lại theo lịch tuần thông thường.")),
        _ => None,
    };
    let form = DayForm { kind: "holiday".into(), ..DayForm::default() };
    Ok(show_calendar(layout, year, rows, form, notice, None))
}

/// POST /quan-tri/lich: records a holiday or a compensatory working day.
pub async fn set_calendar_day(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: web::Form<DayForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let form = form.into_inner();
    let (day, kind, name, this_year) = (form.day.clone(), form.kind.clone(), form.name.clone(), this_year(&ctx.clock));
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match calendar::set_day_on(conn, &caller, &day, &kind, &name) {
                Ok((row, _)) => Ok(row.day),
                Err(e) => {
                    let year = year_of(&day, this_year);
                    Err((year, calendar::year_on(conn, &caller, year)?, e))
                }
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(day) => Ok(see_other(&format!(
            "/quan-tri/lich?nam={}&da_luu={}",
            chrono::Datelike::year(&day),
            day.format("%d/%m/%Y")
        ))),
        Err((year, rows, e)) => Ok(show_calendar(layout, year, rows, form, None, Some(e))),
    }
}

/// POST /quan-tri/lich/{day}/xoa: removes a day's entry.
pub async fn delete_calendar_day(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    day: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (day, this_year) = (day.into_inner(), this_year(&ctx.clock));
    let removed = day.clone();
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match calendar::remove_day_on(conn, &caller, &removed) {
                Ok(()) => Ok(()),
                Err(e) => {
                    let year = year_of(&removed, this_year);
                    Err((year, calendar::year_on(conn, &caller, year)?, e))
                }
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(()) => {
            let d = calendar::parse_day(&day).in_layout(&layout)?;
            Ok(see_other(&format!("/quan-tri/lich?nam={}&da_xoa={}", chrono::Datelike::year(&d), d.format("%d/%m/%Y"))))
        }
        Err((year, rows, e)) => {
            let form = DayForm { kind: "holiday".into(), ..DayForm::default() };
            Ok(show_calendar(layout, year, rows, form, None, Some(e)))
        }
    }
}
