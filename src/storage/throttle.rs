//! Throttle rows: attempts at a proof of ownership, a sign-in or a lookup, and the alerts raised
//! for staff. In the database, so that limits hold across application instances.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{dossiers, throttle_alerts, throttle_events};
use super::AnyConnection;

/// One attempt: `subject` is a dossier id, a username, or "" (lookups); `client` a client address.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = throttle_events)]
pub struct EventRow {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub client: String,
    pub at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &EventRow) -> QueryResult<()> {
    diesel::insert_into(throttle_events::table).values(row).execute(conn).map(|_| ())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Records an attempt and, in the same statement, counts the attempts of its kind from its client
/// recorded at or after `since` before it: one round trip for a hit and its count. Two of them
/// sent at the same instant may not see each other (PostgreSQL counts what was committed when the
/// statement began), so a flood limit can be passed by the few in flight at once; guessing limits
/// (proofs, sign-ins) use [`insert`] then [`recent`], which cannot be.
pub fn insert_counting_client(conn: &mut AnyConnection, row: &EventRow, since: NaiveDateTime) -> QueryResult<i64> {
    use diesel::sql_types::{Text, Timestamp};
    let p: Vec<String> = match conn {
        AnyConnection::Postgresql(_) => (1..=9).map(|i| format!("${i}")).collect(),
        AnyConnection::Sqlite(_) => vec!["?".to_string(); 9],
    };
    let sql = format!(
        "INSERT INTO throttle_events (id, kind, subject, client, at) VALUES ({}, {}, {}, {}, {}) \
         RETURNING (SELECT CAST(COUNT(*) AS BIGINT) FROM throttle_events e \
         WHERE e.kind = {} AND e.client = {} AND e.at >= {} AND e.id <> {}) AS n",
        p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
    );
    let counted: Count = diesel::sql_query(sql)
        .bind::<Text, _>(&row.id)
        .bind::<Text, _>(&row.kind)
        .bind::<Text, _>(&row.subject)
        .bind::<Text, _>(&row.client)
        .bind::<Timestamp, _>(row.at)
        .bind::<Text, _>(&row.kind)
        .bind::<Text, _>(&row.client)
        .bind::<Timestamp, _>(since)
        .bind::<Text, _>(&row.id)
        .get_result(conn)?;
    Ok(counted.n)
}

/// Forgets one attempt (it succeeded, or it was refused and must not count).
pub fn delete(conn: &mut AnyConnection, id: &str) -> QueryResult<()> {
    diesel::delete(throttle_events::table.filter(throttle_events::id.eq(id))).execute(conn).map(|_| ())
}

/// Removes the attempts of a kind older than `before` (keeps the table bounded).
pub fn prune(conn: &mut AnyConnection, kind: &str, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(throttle_events::table.filter(throttle_events::kind.eq(kind)).filter(throttle_events::at.lt(before)))
        .execute(conn)
}

/// The attempts of a kind since `since` whose subject is `subject` or whose client is `client`
/// (either may be left out), oldest first.
pub fn recent(
    conn: &mut AnyConnection,
    kind: &str,
    subject: Option<&str>,
    client: Option<&str>,
    since: NaiveDateTime,
) -> QueryResult<Vec<EventRow>> {
    let q = throttle_events::table
        .filter(throttle_events::kind.eq(kind))
        .filter(throttle_events::at.ge(since))
        .select(EventRow::as_select())
        .order((throttle_events::at.asc(), throttle_events::id.asc()))
        .into_boxed();
    let q = match (subject, client) {
        (Some(s), Some(c)) => q.filter(throttle_events::subject.eq(s).or(throttle_events::client.eq(c))),
        (Some(s), None) => q.filter(throttle_events::subject.eq(s)),
        (None, Some(c)) => q.filter(throttle_events::client.eq(c)),
        (None, None) => return Ok(vec![]),
    };
    q.load(conn)
}

/// An alert for staff: a dossier's proofs reached the ceiling across all clients.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = throttle_alerts)]
pub struct AlertRow {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub failures: i32,
    pub raised_at: NaiveDateTime,
}

pub fn insert_alert(conn: &mut AnyConnection, row: &AlertRow) -> QueryResult<()> {
    diesel::insert_into(throttle_alerts::table).values(row).execute(conn).map(|_| ())
}

/// True when an alert of this kind was raised about `subject` since `since`.
pub fn alert_raised_since(
    conn: &mut AnyConnection,
    kind: &str,
    subject: &str,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        throttle_alerts::table
            .filter(throttle_alerts::kind.eq(kind))
            .filter(throttle_alerts::subject.eq(subject))
            .filter(throttle_alerts::raised_at.ge(since)),
    ))
    .get_result(conn)
}

/// Alerts about dossiers raised since `since` (only those about dossiers now at `agency`, when
/// given), newest first, with the dossier's code (its submission reference before receipt) and the
/// agency holding it: `(alert, code or reference, agency)`.
pub fn dossier_alerts_since(
    conn: &mut AnyConnection,
    since: NaiveDateTime,
    agency: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(AlertRow, String, String)>> {
    let mut q = throttle_alerts::table
        .inner_join(dossiers::table.on(dossiers::id.eq(throttle_alerts::subject)))
        .filter(throttle_alerts::raised_at.ge(since))
        .order(throttle_alerts::raised_at.desc())
        .limit(limit)
        .select((AlertRow::as_select(), dossiers::code, dossiers::reference, dossiers::current_agency))
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(dossiers::current_agency.eq(a));
    }
    let rows: Vec<(AlertRow, Option<String>, String, String)> = q.load(conn)?;
    Ok(rows.into_iter().map(|(a, code, reference, agency)| (a, code.unwrap_or(reference), agency)).collect())
}
