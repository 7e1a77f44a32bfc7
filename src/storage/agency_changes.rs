//! Administrators' changes to agencies (issue 13 item 7): one row per change, written in the
//! transaction that makes it.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::agency_changes;
use super::AnyConnection;

/// Who changed which unit, how and when.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = agency_changes)]
pub struct AgencyChangeRow {
    /// A UUID v7 (time-ordered).
    pub id: String,
    /// The unit changed: the one created, renamed or closed (its code before the change).
    pub agency_code: String,
    /// `create`, `rename` or `close`.
    pub action: String,
    /// JSON: what was asked.
    pub detail: String,
    pub at: NaiveDateTime,
    /// The administrator's username.
    pub by_user: String,
    /// The one-step reorganisation a rename or a close was made through.
    pub reorganisation_id: Option<String>,
}

pub fn insert(conn: &mut AnyConnection, row: &AgencyChangeRow) -> QueryResult<()> {
    diesel::insert_into(agency_changes::table).values(row).execute(conn).map(|_| ())
}

/// The changes, newest first; only those to `agency` when given.
pub fn list(conn: &mut AnyConnection, agency: Option<&str>, limit: i64) -> QueryResult<Vec<AgencyChangeRow>> {
    let mut q = agency_changes::table.select(AgencyChangeRow::as_select()).into_boxed();
    if let Some(code) = agency {
        q = q.filter(agency_changes::agency_code.eq(code.to_string()));
    }
    q.order((agency_changes::at.desc(), agency_changes::id.desc())).limit(limit).load(conn)
}
