//! Reorganisations of the agency tree (issue 13): the plans as loaded and applied, and the
//! lineage they record (which unit came from which, whole or in part).
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{agency_lineage, reorganisations};
use super::AnyConnection;

/// One link of lineage: `successor_code` came (wholly or in part) from the predecessor on
/// `effective_on`, by `act`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = agency_lineage)]
pub struct LineageRow {
    pub successor_code: String,
    /// The order the act lists the predecessors in.
    pub position: i32,
    /// None for a unit outside this system (a former unit of another province).
    pub predecessor_code: Option<String>,
    pub predecessor_name: String,
    pub predecessor_province: Option<String>,
    pub whole: bool,
    pub effective_on: NaiveDate,
    pub act: String,
    pub reorganisation_id: String,
}

/// A reorganisation plan as loaded; `applied_at` is set once, by the instance that applies it.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reorganisations)]
pub struct ReorganisationRow {
    pub id: String,
    pub effective_on: NaiveDate,
    pub act: String,
    pub title: String,
    /// The plan file's JSON, as loaded.
    pub plan: String,
    pub loaded_at: NaiveDateTime,
    /// The administrator who loaded it; None from the command line.
    pub loaded_by: Option<String>,
    pub applied_at: Option<NaiveDateTime>,
    /// JSON: what applying it changed.
    pub report: Option<String>,
    /// Why the plan could not be applied when its date came (it stays unapplied), and when that was
    /// last found; None once applied.
    pub failure: Option<String>,
    pub failed_at: Option<NaiveDateTime>,
}

/// Inserts the links one statement each (diesel's batch insert does not build over the
/// multi-backend connection; a reorganisation is rare and runs in one transaction).
pub fn insert_lineage(conn: &mut AnyConnection, rows: &[LineageRow]) -> QueryResult<usize> {
    let mut n = 0;
    for row in rows {
        n += diesel::insert_into(agency_lineage::table).values(row).execute(conn)?;
    }
    Ok(n)
}

/// The units `code` came from (its predecessors' links), in the act's order.
pub fn predecessors(conn: &mut AnyConnection, code: &str) -> QueryResult<Vec<LineageRow>> {
    agency_lineage::table
        .filter(agency_lineage::successor_code.eq(code))
        .order((agency_lineage::effective_on.asc(), agency_lineage::position.asc()))
        .select(LineageRow::as_select())
        .load(conn)
}

/// The predecessors' links of every unit of `codes`, by unit, in the act's order. One statement.
pub fn predecessors_of(conn: &mut AnyConnection, codes: &[String]) -> QueryResult<Vec<LineageRow>> {
    agency_lineage::table
        .filter(agency_lineage::successor_code.eq_any(codes.to_vec()))
        .order((
            agency_lineage::successor_code.asc(),
            agency_lineage::effective_on.asc(),
            agency_lineage::position.asc(),
        ))
        .select(LineageRow::as_select())
        .load(conn)
}

/// The units that came from `code` (their links to it).
pub fn successors(conn: &mut AnyConnection, code: &str) -> QueryResult<Vec<LineageRow>> {
    agency_lineage::table
        .filter(agency_lineage::predecessor_code.eq(code))
        .order((agency_lineage::effective_on.asc(), agency_lineage::successor_code.asc()))
        .select(LineageRow::as_select())
        .load(conn)
}

/// Every link above `code` (ancestry: what it came from, and what those came from, newest first)
/// and below it (descent, oldest first), one query per generation.
pub fn lineage(conn: &mut AnyConnection, code: &str) -> QueryResult<(Vec<LineageRow>, Vec<LineageRow>)> {
    Ok((walk(conn, code, Direction::Up)?, walk(conn, code, Direction::Down)?))
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Up,
    Down,
}

fn walk(conn: &mut AnyConnection, code: &str, direction: Direction) -> QueryResult<Vec<LineageRow>> {
    use agency_lineage::dsl as l;
    let mut all = Vec::new();
    let mut frontier = vec![code.to_string()];
    let mut seen = std::collections::HashSet::from([code.to_string()]);
    while !frontier.is_empty() {
        let q = l::agency_lineage.select(LineageRow::as_select()).into_boxed();
        let links: Vec<LineageRow> = match direction {
            Direction::Up => q.filter(l::successor_code.eq_any(&frontier)).order((
                l::effective_on.desc(),
                l::successor_code.asc(),
                l::position.asc(),
            )),
            Direction::Down => q.filter(l::predecessor_code.eq_any(&frontier)).order((
                l::effective_on.asc(),
                l::successor_code.asc(),
                l::position.asc(),
            )),
        }
        .load(conn)?;
        frontier = links
            .iter()
            .filter_map(|l| match direction {
                Direction::Up => l.predecessor_code.clone(),
                Direction::Down => Some(l.successor_code.clone()),
            })
            .filter(|c| seen.insert(c.clone()))
            .collect();
        all.extend(links);
    }
    Ok(all)
}

pub fn insert(conn: &mut AnyConnection, row: &ReorganisationRow) -> QueryResult<()> {
    diesel::insert_into(reorganisations::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ReorganisationRow>> {
    reorganisations::table.find(id).select(ReorganisationRow::as_select()).first(conn).optional()
}

/// Every plan loaded, newest date first.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<ReorganisationRow>> {
    reorganisations::table
        .order((reorganisations::effective_on.desc(), reorganisations::id.asc()))
        .select(ReorganisationRow::as_select())
        .load(conn)
}

/// Plans loaded and not applied whose date has come (`effective_on` ≤ `day`), oldest first.
pub fn due(conn: &mut AnyConnection, day: NaiveDate) -> QueryResult<Vec<ReorganisationRow>> {
    reorganisations::table
        .filter(reorganisations::applied_at.is_null())
        .filter(reorganisations::effective_on.le(day))
        .order((reorganisations::effective_on.asc(), reorganisations::id.asc()))
        .select(ReorganisationRow::as_select())
        .load(conn)
}

/// Marks a plan applied, inside the applying transaction: true for the one instance that gets
/// there first, false for any other (exactly once, on any number of instances).
pub fn claim(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(reorganisations::table.find(id).filter(reorganisations::applied_at.is_null()))
        .set(reorganisations::applied_at.eq(at))
        .execute(conn)?;
    Ok(n == 1)
}

/// Records what applying a plan changed (JSON), clearing any earlier failure.
pub fn set_report(conn: &mut AnyConnection, id: &str, report: &str) -> QueryResult<()> {
    diesel::update(reorganisations::table.find(id))
        .set((
            reorganisations::report.eq(report),
            reorganisations::failure.eq(None::<String>),
            reorganisations::failed_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records why a due plan could not be applied (it stays unapplied).
pub fn set_failure(conn: &mut AnyConnection, id: &str, reason: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(reorganisations::table.find(id).filter(reorganisations::applied_at.is_null()))
        .set((reorganisations::failure.eq(Some(reason)), reorganisations::failed_at.eq(Some(at))))
        .execute(conn)
        .map(|_| ())
}
