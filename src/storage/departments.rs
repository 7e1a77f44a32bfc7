//! Departments inside agencies (issue 13 item 6): their rows, and the moves a closed department's
//! work makes to the department that takes it.
use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{departments, dossiers, users};
use super::AnyConnection;
use crate::domain::department::{Department, DepartmentKey};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = departments)]
pub struct DepartmentRow {
    pub agency_code: String,
    pub key: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub held_by: Option<String>,
}

impl DepartmentRow {
    /// The domain view; None for a row whose key is not one the domain reads (written by hand).
    pub fn to_domain(&self) -> Option<Department> {
        Some(Department {
            key: DepartmentKey::parse(&self.key).ok()?,
            name: self.name.clone(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            held_by: self.held_by.as_deref().and_then(|k| DepartmentKey::parse(k).ok()),
        })
    }

    /// Whether it has not been closed (changes take effect on the day they are made, so an open
    /// department exists today).
    pub fn is_open(&self) -> bool {
        self.valid_to.is_none()
    }
}

/// Every department an agency has or had, by key.
pub fn of_agency(conn: &mut AnyConnection, agency: &str) -> QueryResult<Vec<DepartmentRow>> {
    departments::table
        .filter(departments::agency_code.eq(agency))
        .order(departments::key.asc())
        .select(DepartmentRow::as_select())
        .load(conn)
}

/// The departments of several agencies that are open, by agency then key.
pub fn open_of(conn: &mut AnyConnection, agencies: &[String]) -> QueryResult<Vec<DepartmentRow>> {
    departments::table
        .filter(departments::agency_code.eq_any(agencies))
        .filter(departments::valid_to.is_null())
        .order((departments::agency_code.asc(), departments::key.asc()))
        .select(DepartmentRow::as_select())
        .load(conn)
}

/// One department of an agency, open or closed.
pub fn find(conn: &mut AnyConnection, agency: &str, key: &str) -> QueryResult<Option<DepartmentRow>> {
    departments::table.find((agency, key)).select(DepartmentRow::as_select()).first(conn).optional()
}

pub fn insert(conn: &mut AnyConnection, row: &DepartmentRow) -> QueryResult<()> {
    diesel::insert_into(departments::table).values(row).execute(conn).map(|_| ())
}

/// Seeds' insert: a department already there (same agency and key) is left as it is.
pub fn insert_missing(conn: &mut AnyConnection, row: &DepartmentRow) -> QueryResult<bool> {
    if find(conn, &row.agency_code, &row.key)?.is_some() {
        return Ok(false);
    }
    insert(conn, row).map(|_| true)
}

/// Closes a department: `last_day` is its last day, `held_by` takes its work.
pub fn close(conn: &mut AnyConnection, agency: &str, key: &str, last_day: NaiveDate, held_by: &str) -> QueryResult<()> {
    diesel::update(departments::table.find((agency, key)))
        .set((departments::valid_to.eq(Some(last_day)), departments::held_by.eq(Some(held_by))))
        .execute(conn)
        .map(|_| ())
}

/// What moving a closed department's work did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MovedWork {
    /// Open dossiers now in the successor's queue.
    pub dossiers: usize,
    /// Accounts now working in the successor, by username.
    pub accounts: Vec<String>,
}

/// Moves `from`'s open dossiers and accounts inside `agency` to `to`. Finished dossiers keep the
/// department they ended in (history is not rewritten). Route steps naming `from` are not
/// rewritten either: intake resolves them through `held_by` ([`crate::domain::department::resolve`]).
pub fn move_work(
    conn: &mut AnyConnection,
    agency: &str,
    from: &str,
    to: &str,
    open_status_codes: &[i32],
) -> QueryResult<MovedWork> {
    let dossiers = diesel::update(
        dossiers::table
            .filter(dossiers::current_agency.eq(agency))
            .filter(dossiers::current_department.eq(from))
            .filter(dossiers::status_code.eq_any(open_status_codes)),
    )
    .set(dossiers::current_department.eq(Some(to)))
    .execute(conn)?;
    let who = users::table.filter(users::agency_code.eq(agency)).filter(users::department.eq(from));
    let accounts: Vec<String> = who.order(users::username.asc()).select(users::username).load(conn)?;
    diesel::update(who).set(users::department.eq(Some(to))).execute(conn)?;
    Ok(MovedWork { dossiers, accounts })
}
