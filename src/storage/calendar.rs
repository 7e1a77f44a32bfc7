//! The working calendar's exceptions: public holidays and compensatory working days.
use diesel::prelude::*;

use super::schema::calendar_days;
use super::AnyConnection;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_days)]
pub struct CalendarDayRow {
    pub day: chrono::NaiveDate,
    /// `holiday` or `working_day`.
    pub kind: String,
    pub name: String,
}

pub fn exists(conn: &mut AnyConnection, day: chrono::NaiveDate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(calendar_days::table.find(day))).get_result(conn)
}

pub fn insert(conn: &mut AnyConnection, row: &CalendarDayRow) -> QueryResult<()> {
    diesel::insert_into(calendar_days::table).values(row).execute(conn).map(|_| ())
}

pub fn between(
    conn: &mut AnyConnection,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<CalendarDayRow>> {
    calendar_days::table
        .filter(calendar_days::day.between(from, to))
        .order(calendar_days::day.asc())
        .select(CalendarDayRow::as_select())
        .load(conn)
}

/// The whole working calendar (a few hundred rows), for one use case.
pub fn working_calendar(conn: &mut AnyConnection) -> QueryResult<crate::domain::calendar::WorkingCalendar> {
    let rows: Vec<(chrono::NaiveDate, String)> =
        calendar_days::table.select((calendar_days::day, calendar_days::kind)).load(conn)?;
    Ok(calendar_of(rows))
}

/// The working calendar from `from` on: what a computation about a dossier needs when nothing
/// it counts lies before `from` (its submission, or today for a new one). Exceptions are
/// recorded a year or so ahead, so the days after `from` are few, and none is left out.
pub fn working_calendar_from(
    conn: &mut AnyConnection,
    from: chrono::NaiveDate,
) -> QueryResult<crate::domain::calendar::WorkingCalendar> {
    let rows: Vec<(chrono::NaiveDate, String)> = calendar_days::table
        .filter(calendar_days::day.ge(from))
        .select((calendar_days::day, calendar_days::kind))
        .load(conn)?;
    Ok(calendar_of(rows))
}

fn calendar_of(rows: Vec<(chrono::NaiveDate, String)>) -> crate::domain::calendar::WorkingCalendar {
    let (holidays, working): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, kind)| kind == "holiday");
    crate::domain::calendar::WorkingCalendar::new(
        holidays.into_iter().map(|(d, _)| d),
        working.into_iter().map(|(d, _)| d),
    )
}

/// Writes a day's exception, replacing the one recorded before; true when the day was new.
pub fn upsert(conn: &mut AnyConnection, row: &CalendarDayRow) -> QueryResult<bool> {
    let updated = diesel::update(calendar_days::table.find(row.day))
        .set((calendar_days::kind.eq(&row.kind), calendar_days::name.eq(&row.name)))
        .execute(conn)?;
    if updated == 0 {
        insert(conn, row)?;
    }
    Ok(updated == 0)
}

/// Removes a day's exception; false when none was recorded.
pub fn delete(conn: &mut AnyConnection, day: chrono::NaiveDate) -> QueryResult<bool> {
    diesel::delete(calendar_days::table.find(day)).execute(conn).map(|n| n == 1)
}
