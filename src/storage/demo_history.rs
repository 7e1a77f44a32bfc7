//! The demo history's claim: one row, inserted by the instance that makes the history.
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::schema::demo_history;
use super::AnyConnection;

/// The only row's id: a database has at most one demo history.
const ID: &str = "demo";

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = demo_history)]
pub struct DemoHistoryRow {
    pub id: String,
    /// The moment the history ends at ("now" when it was claimed): nothing in it happens later.
    pub ends_at: chrono::NaiveDateTime,
    pub days: i32,
    /// How many dossiers it made; NULL while it is being made (or if that was interrupted).
    pub dossiers: Option<i32>,
}

/// Inserts the claim. False when a claim already exists: another instance made (or is making) it.
pub fn claim(conn: &mut AnyConnection, ends_at: chrono::NaiveDateTime, days: i32) -> QueryResult<bool> {
    let row = DemoHistoryRow { id: ID.into(), ends_at, days, dossiers: None };
    match diesel::insert_into(demo_history::table).values(&row).execute(conn) {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Records that the history is ready, with how many dossiers it made.
pub fn finish(conn: &mut AnyConnection, dossiers: i32) -> QueryResult<()> {
    diesel::update(demo_history::table.find(ID)).set(demo_history::dossiers.eq(Some(dossiers))).execute(conn)?;
    Ok(())
}

/// The claim, if any.
pub fn get(conn: &mut AnyConnection) -> QueryResult<Option<DemoHistoryRow>> {
    demo_history::table.find(ID).select(DemoHistoryRow::as_select()).first(conn).optional()
}
