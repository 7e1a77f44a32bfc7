//! The read log of dossiers' personal data (issue 17 item 2, "who viewed my dossier"):
//! `dossier_accesses`, written by one statement per read and read by the owner and the auditors.
//!
//! **Append-only.** This module inserts and selects; nothing in the code updates or deletes a row,
//! and the database refuses it (the migration's triggers: `RAISE(ABORT, …)` on SQLite, an
//! exception from a `BEFORE UPDATE OR DELETE` trigger on PostgreSQL).
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::schema::{agencies, departments, dossier_accesses, dossiers, users};
use super::AnyConnection;

/// Who read and how, the same for every dossier the read revealed.
#[derive(Debug, Clone)]
pub struct NewAccess {
    /// Unique per read: each row's id is this followed by the dossier's id.
    pub read_id: String,
    pub at: NaiveDateTime,
    pub user_id: String,
    pub agency_code: Option<String>,
    pub role: String,
    pub kind: String,
    pub detail: Option<String>,
}

/// `INSERT INTO dossier_accesses … SELECT … FROM dossiers WHERE <filter>`: one row per dossier the
/// filter selects, the reader's department read from their account in the same statement.
macro_rules! insert_for {
    ($conn:expr, $a:expr, $dossiers:expr) => {{
        let a: &NewAccess = $a;
        let department = users::table.filter(users::id.eq(a.user_id.clone())).select(users::department).single_value();
        let rows = $dossiers.select((
            a.read_id.clone().into_sql::<Text>().concat(dossiers::id),
            dossiers::id,
            a.at.into_sql::<Timestamp>(),
            a.user_id.clone().into_sql::<Text>(),
            a.agency_code.clone().into_sql::<Nullable<Text>>(),
            department,
            a.role.clone().into_sql::<Text>(),
            a.kind.clone().into_sql::<Text>(),
            a.detail.clone().into_sql::<Nullable<Text>>(),
        ));
        use dossier_accesses as t;
        diesel::insert_into(t::table)
            .values(rows)
            .into_columns((
                t::id,
                t::dossier_id,
                t::at,
                t::user_id,
                t::agency_code,
                t::department,
                t::role,
                t::kind,
                t::detail,
            ))
            .execute($conn)
    }};
}

/// Records one read of the dossiers `ids` (one statement, whatever their number; none for none).
pub fn record(conn: &mut AnyConnection, ids: &[String], access: &NewAccess) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    insert_for!(conn, access, dossiers::table.filter(dossiers::id.eq_any(ids.to_vec())))
}

/// Records one read of every dossier received at `agency` in `[from, to)`: the tracking book's
/// lines (the same filter as `dossiers::tracking_book`), in one statement.
pub fn record_book(
    conn: &mut AnyConnection,
    agency: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    access: &NewAccess,
) -> QueryResult<usize> {
    insert_for!(
        conn,
        access,
        dossiers::table
            .filter(dossiers::receiving_agency.eq(agency.to_string()))
            .filter(dossiers::received_at.ge(from))
            .filter(dossiers::received_at.lt(to))
    )
}

/// One recorded read, with the names it is shown with.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct AccessLine {
    pub at: NaiveDateTime,
    pub dossier_code: Option<String>,
    pub dossier_reference: String,
    pub username: String,
    pub full_name: String,
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    pub department: Option<String>,
    pub department_name: Option<String>,
    pub role: String,
    pub kind: String,
    pub detail: Option<String>,
    /// How many rows the filter matched in all (the page shows at most its limit).
    pub total: i64,
}

/// What the auditors filter by; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFilter {
    pub dossier_id: Option<String>,
    /// A dossier's code or submission reference.
    pub dossier_code: Option<String>,
    pub username: Option<String>,
    pub agency_code: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub before: Option<NaiveDateTime>,
}

/// The reads matching `f`, newest first, `limit` from `offset`, each with the total matched (one
/// query: the total is a window count).
pub fn list(conn: &mut AnyConnection, f: &AccessFilter, limit: i64, offset: i64) -> QueryResult<Vec<AccessLine>> {
    use dossier_accesses as a;
    let mut q = a::table
        .inner_join(dossiers::table)
        .inner_join(users::table)
        .left_join(agencies::table.on(agencies::code.nullable().eq(a::agency_code)))
        .left_join(departments::table.on(
            departments::agency_code.nullable().eq(a::agency_code).and(departments::key.nullable().eq(a::department)),
        ))
        .select((
            a::at,
            dossiers::code,
            dossiers::reference,
            users::username,
            users::full_name,
            a::agency_code,
            agencies::name.nullable(),
            a::department,
            departments::name.nullable(),
            a::role,
            a::kind,
            a::detail,
            sql::<BigInt>("COUNT(*) OVER ()"),
        ))
        .order((a::at.desc(), a::id.desc()))
        .limit(limit)
        .offset(offset)
        .into_boxed();
    if let Some(d) = &f.dossier_id {
        q = q.filter(a::dossier_id.eq(d.clone()));
    }
    if let Some(c) = &f.dossier_code {
        q = q.filter(dossiers::code.eq(c.clone()).or(dossiers::reference.eq(c.clone()).nullable()));
    }
    if let Some(u) = &f.username {
        q = q.filter(users::username.eq(u.clone()));
    }
    if let Some(c) = &f.agency_code {
        q = q.filter(a::agency_code.eq(c.clone()));
    }
    if let Some(t) = f.from {
        q = q.filter(a::at.ge(t));
    }
    if let Some(t) = f.before {
        q = q.filter(a::at.lt(t));
    }
    q.load(conn)
}
