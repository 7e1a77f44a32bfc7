//! The working calendar (Monday–Friday minus holidays plus compensatory Saturdays): read by pages
//! that colour deadlines, edited by administrators. A change applies to what is computed after it
//! (new intakes, new steps); due dates already given keep the calendar they were computed with.
use chrono::{Datelike, NaiveDate};

use crate::auth::extractor::Who;
use crate::auth::Caller;
use crate::domain::calendar::{check_exception, parse_iso_date, DayKind, WorkingCalendar};
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::calendar::CalendarDayRow;
use crate::storage::{self, calendar, AnyConnection, Pool};

pub async fn working_calendar(pool: &Pool) -> Result<WorkingCalendar, AppError> {
    storage::run(pool, |conn| Ok(calendar::working_calendar(conn)?)).await
}

/// The years an administrator may read or edit.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A day from outside: exactly `YYYY-MM-DD`, within [`YEARS`].
pub fn parse_day(s: &str) -> Result<NaiveDate, AppError> {
    parse_iso_date(s.trim()).filter(|d| YEARS.contains(&d.year())).ok_or_else(|| {
        AppError::new(ErrorCode::InvalidDate, "the day must be a real date written YYYY-MM-DD, years 2000–2100")
    })
}

/// An administrator reads one year's holidays and compensatory working days, by date.
pub async fn year(pool: &Pool, who: impl Into<Who>, year: i32) -> Result<Vec<CalendarDayRow>, AppError> {
    storage::run_as(pool, who, move |conn, caller| year_on(conn, &caller, year)).await
}

/// [`year`] on `conn`.
pub fn year_on(conn: &mut AnyConnection, caller: &Caller, year: i32) -> Result<Vec<CalendarDayRow>, AppError> {
    caller.require_role(&[Role::Admin])?;
    if !YEARS.contains(&year) {
        return Err(AppError::new(ErrorCode::InvalidYear, "the year must be between 2000 and 2100"));
    }
    let (from, to) = (NaiveDate::from_ymd_opt(year, 1, 1).unwrap(), NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
    Ok(calendar::between(conn, from, to)?)
}

/// An administrator records a holiday (Monday–Friday) or a compensatory working day (Saturday or
/// Sunday), replacing what the day had. Returns the row and whether the day was new.
pub async fn set_day(
    pool: &Pool,
    who: impl Into<Who>,
    day: String,
    kind: String,
    name: String,
) -> Result<(CalendarDayRow, bool), AppError> {
    storage::run_as(pool, who, move |conn, caller| set_day_on(conn, &caller, &day, &kind, &name)).await
}

/// [`set_day`] on `conn`, in one transaction.
pub fn set_day_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    day: &str,
    kind: &str,
    name: &str,
) -> Result<(CalendarDayRow, bool), AppError> {
    caller.require_role(&[Role::Admin])?;
    let day = parse_day(day)?;
    let kind = DayKind::parse(kind.trim())
        .ok_or_else(|| AppError::new(ErrorCode::InvalidDayKind, "kind is holiday or working_day"))?;
    check_exception(day, kind)?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::new(ErrorCode::InvalidDayName, "the name must have 1–200 characters"));
    }
    let row = CalendarDayRow { day, kind: kind.as_str().to_string(), name };
    let created = crate::storage::transaction(conn, |conn| calendar::upsert(conn, &row))?;
    tracing::info!(admin = %caller.username, day = %row.day, kind = %row.kind, "calendar day set");
    Ok((row, created))
}

/// An administrator removes a day's exception: the day follows the Monday–Friday rule again.
pub async fn remove_day(pool: &Pool, who: impl Into<Who>, day: String) -> Result<(), AppError> {
    storage::run_as(pool, who, move |conn, caller| remove_day_on(conn, &caller, &day)).await
}

/// [`remove_day`] on `conn`.
pub fn remove_day_on(conn: &mut AnyConnection, caller: &Caller, day: &str) -> Result<(), AppError> {
    caller.require_role(&[Role::Admin])?;
    let day = parse_day(day)?;
    if !calendar::delete(conn, day)? {
        return Err(AppError::new(ErrorCode::CalendarDayNotFound, "no holiday or working day is recorded on this day"));
    }
    tracing::info!(admin = %caller.username, day = %day, "calendar day removed");
    Ok(())
}
