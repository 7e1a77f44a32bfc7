//! Agencies table.
use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::agencies;
use super::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub level: String,
    pub kind: String,
    pub parent_code: Option<String>,
    /// Materialized path of codes from the root, `/`-separated, for subtree scopes.
    pub path: String,
    pub handles_procedures: bool,
    pub created_at: chrono::NaiveDateTime,
    /// The first day the unit exists (Vietnam's calendar); None: since before the records.
    pub valid_from: Option<NaiveDate>,
    /// The last day the unit exists; None: it still does.
    pub valid_to: Option<NaiveDate>,
    /// For a unit that ended: the successor that took its open dossiers, accounts and counter.
    pub held_by: Option<String>,
    /// The code is the system's own until the province publishes one (QCVN 102 shape).
    pub provisional_code: bool,
    /// The electronic ID TT 04/2025 Điều 23 codes carry (`MX1X2.Y1Y2Y3.Z1Z2`), when recorded.
    pub electronic_id: Option<String>,
}

impl AgencyRow {
    /// Whether the unit exists on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }
}

#[derive(Debug, Default, Clone)]
pub struct AgencyFilter {
    pub level: Option<String>,
    pub parent: Option<String>,
    /// Only this agency and those below it.
    pub within: Option<String>,
    /// Only the units that exist on this day.
    pub at: Option<NaiveDate>,
}

pub fn find(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<AgencyRow>> {
    agencies::table.find(code).select(AgencyRow::as_select()).first(conn).optional()
}

pub fn list(conn: &mut AnyConnection, filter: &AgencyFilter) -> QueryResult<Vec<AgencyRow>> {
    let mut q = agencies::table.select(AgencyRow::as_select()).into_boxed();
    if let Some(level) = &filter.level {
        q = q.filter(agencies::level.eq(level.clone()));
    }
    if let Some(parent) = &filter.parent {
        q = q.filter(agencies::parent_code.eq(parent.clone()));
    }
    if let Some(day) = filter.at {
        q = q
            .filter(agencies::valid_from.is_null().or(agencies::valid_from.le(day)))
            .filter(agencies::valid_to.is_null().or(agencies::valid_to.ge(day)));
    }
    if let Some(root) = &filter.within {
        let root_path = agencies::table.find(root).select(agencies::path).first::<String>(conn).optional()?;
        let Some(root_path) = root_path else {
            return Ok(vec![]);
        };
        q = q.filter(agencies::path.eq(root_path.clone()).or(agencies::path.like(format!("{root_path}/%"))));
    }
    q.order(agencies::path.asc()).load(conn)
}

pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    agencies::table.count().get_result(conn)
}

pub fn insert(conn: &mut AnyConnection, row: &AgencyRow) -> QueryResult<()> {
    diesel::insert_into(agencies::table).values(row).execute(conn).map(|_| ())
}

/// Ends a unit: valid until `last_day`, its holdings taken by `holder`.
pub fn end(conn: &mut AnyConnection, code: &str, last_day: NaiveDate, holder: &str) -> QueryResult<()> {
    diesel::update(agencies::table.find(code))
        .set((agencies::valid_to.eq(Some(last_day)), agencies::held_by.eq(Some(holder))))
        .execute(conn)
        .map(|_| ())
}

/// Puts a unit under a new parent: its materialized path, and those of the units below it, follow.
pub fn move_under(conn: &mut AnyConnection, code: &str, parent: &AgencyRow) -> QueryResult<()> {
    let Some(unit) = find(conn, code)? else {
        return Ok(());
    };
    let new_path = format!("{}/{}", parent.path, code);
    diesel::update(agencies::table.find(code))
        .set((agencies::parent_code.eq(Some(&parent.code)), agencies::path.eq(&new_path)))
        .execute(conn)?;
    let below: Vec<(String, String)> = agencies::table
        .filter(agencies::path.like(format!("{}/%", unit.path)))
        .select((agencies::code, agencies::path))
        .load(conn)?;
    for (c, p) in below {
        let moved = format!("{new_path}{}", &p[unit.path.len()..]);
        diesel::update(agencies::table.find(c)).set(agencies::path.eq(moved)).execute(conn)?;
    }
    Ok(())
}

/// An agency and every agency above it (its materialized path's prefixes), in one query; empty
/// when there is no such agency.
pub fn with_ancestors(conn: &mut AnyConnection, code: &str) -> QueryResult<Vec<AgencyRow>> {
    diesel::alias!(agencies as below: Below);
    let path = below.field(agencies::path);
    agencies::table
        .inner_join(below.on(path.eq(agencies::path).or(path.like(agencies::path.concat("/%")))))
        .filter(below.field(agencies::code).eq(code))
        .select(AgencyRow::as_select())
        .load(conn)
}

/// Levels and names of the given agencies, by code.
pub fn describe(conn: &mut AnyConnection, codes: &[String]) -> QueryResult<Vec<(String, String, String)>> {
    agencies::table
        .filter(agencies::code.eq_any(codes.to_vec()))
        .select((agencies::code, agencies::level, agencies::name))
        .load(conn)
}

/// An agency as the heading of a form names it: its name and kind, the unit above it and the
/// province it belongs to (the root of its path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    pub name: String,
    pub kind: String,
    pub parent_name: Option<String>,
    pub root_name: String,
}

/// The letterheads of `codes` (those that exist), in two queries.
pub fn letterheads(
    conn: &mut AnyConnection,
    codes: &[String],
) -> QueryResult<std::collections::HashMap<String, Letterhead>> {
    let rows: Vec<(String, String, String, Option<String>, String)> = agencies::table
        .filter(agencies::code.eq_any(codes.to_vec()))
        .select((agencies::code, agencies::name, agencies::kind, agencies::parent_code, agencies::path))
        .load(conn)?;
    let root = |path: &str| path.split('/').next().unwrap_or_default().to_string();
    let mut above: Vec<String> = rows.iter().flat_map(|r| r.3.iter().cloned().chain([root(&r.4)])).collect();
    above.sort();
    above.dedup();
    let names: std::collections::HashMap<String, String> = agencies::table
        .filter(agencies::code.eq_any(above))
        .select((agencies::code, agencies::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(code, name, kind, parent, path)| {
            let root_name = names.get(&root(&path)).cloned().unwrap_or_else(|| name.clone());
            let parent_name = parent.and_then(|p| names.get(&p).cloned());
            (code, Letterhead { name, kind, parent_name, root_name })
        })
        .collect())
}

/// The electronic ID of the structure TT 04/2025 Điều 23 writes in nationwide codes, if recorded.
pub fn electronic_id(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<String>> {
    Ok(agencies::table.find(code).select(agencies::electronic_id).first::<Option<String>>(conn).optional()?.flatten())
}

/// Records (or, with None, removes) an agency's electronic ID; false when no agency has the code.
pub fn set_electronic_id(conn: &mut AnyConnection, code: &str, id: Option<&str>) -> QueryResult<bool> {
    diesel::update(agencies::table.find(code)).set(agencies::electronic_id.eq(id)).execute(conn).map(|n| n == 1)
}
