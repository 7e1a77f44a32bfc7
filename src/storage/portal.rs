//! The national portal's cursor on each dossier and the record of what it took (issue 15). A
//! dossier's control sheet is the outbox: the portal is owed every event past the dossier's
//! `portal_sent_version`. A worker claims a dossier (a conditional update with a lease, so two
//! workers on any instances never hold the same one), delivers its owed events in order, and moves
//! the cursor after each one the portal answered.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{dossiers as d, portal_deliveries as pd};
use super::AnyConnection;

/// What the portal is owed by a dossier: `d.row_version > d.portal_sent_version`, for a dossier that
/// has a code (an online submission is told once received). The same terms as the partial index
/// `dossiers_portal_owed`, so both databases read that index.
macro_rules! owed {
    () => {
        d::row_version.gt(d::portal_sent_version).and(d::code.is_not_null())
    };
}

/// Claimable now: not held, or held by a worker whose lease ran out; and not waiting out a backoff.
macro_rules! claimable {
    ($now:expr) => {
        d::portal_claimed_until
            .is_null()
            .or(d::portal_claimed_until.lt($now))
            .and(d::portal_next_at.is_null().or(d::portal_next_at.le($now)))
    };
}

/// A re-send: the cursor back to the start, a new generation (new idempotency keys), no backoff.
macro_rules! restart {
    () => {
        (
            d::portal_sent_version.eq(0),
            d::portal_generation.eq(d::portal_generation + 1),
            d::portal_attempts.eq(0),
            d::portal_next_at.eq(None::<NaiveDateTime>),
        )
    };
}

/// Ids of up to `limit` dossiers owing the portal something that a worker may claim now, those
/// waiting longest first.
pub fn due(conn: &mut AnyConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<String>> {
    d::table
        .filter(owed!())
        .filter(claimable!(now))
        .order((d::portal_next_at.asc(), d::id.asc()))
        .limit(limit)
        .select(d::id)
        .load(conn)
}

/// Claims a dossier's deliveries for `worker` until `until`, if it still owes something and is
/// claimable: a single conditional update.
pub fn claim(
    conn: &mut AnyConnection,
    id: &str,
    worker: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let won = diesel::update(d::table.filter(d::id.eq(id)).filter(owed!()).filter(claimable!(now)))
        .set((d::portal_claimed_by.eq(worker), d::portal_claimed_until.eq(until)))
        .execute(conn)?;
    Ok(won == 1)
}

/// The cursor of a claimed dossier: (sent version, generation, attempts so far).
pub fn cursor(conn: &mut AnyConnection, id: &str) -> QueryResult<(i32, i32, i32)> {
    d::table.find(id).select((d::portal_sent_version, d::portal_generation, d::portal_attempts)).first(conn)
}

/// Records one answered item and, when it is its event's last (`closes`), moves the cursor to its
/// seq; only while `worker` holds the claim, whose lease it extends. One transaction: the record of
/// what the portal took and the cursor never disagree.
pub fn delivered(
    conn: &mut AnyConnection,
    worker: &str,
    row: &DeliveryRow,
    closes: bool,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    crate::storage::transaction(conn, |conn| {
        let held = d::table.filter(d::id.eq(&row.dossier_id)).filter(d::portal_claimed_by.eq(worker));
        let moved = if closes {
            diesel::update(held)
                .set((
                    d::portal_sent_version.eq(row.seq),
                    d::portal_attempts.eq(0),
                    d::portal_last_error.eq(None::<String>),
                    d::portal_claimed_until.eq(lease_until),
                ))
                .execute(conn)?
        } else {
            diesel::update(held).set(d::portal_claimed_until.eq(lease_until)).execute(conn)?
        };
        if moved == 0 {
            return Ok(false);
        }
        // A repeat of a key already recorded (a delivery repeated after a lost answer) keeps the first.
        let known: i64 = pd::table.filter(pd::idempotency_key.eq(&row.idempotency_key)).count().get_result(conn)?;
        if known == 0 {
            diesel::insert_into(pd::table).values(row).execute(conn)?;
        }
        Ok(true)
    })
}

/// Moves the cursor past versions with nothing to send (none: every version has its event).
pub fn skip_to(conn: &mut AnyConnection, id: &str, worker: &str, version: i32) -> QueryResult<bool> {
    let n = diesel::update(
        d::table
            .filter(d::id.eq(id))
            .filter(d::portal_claimed_by.eq(worker))
            .filter(d::portal_sent_version.lt(version)),
    )
    .set(d::portal_sent_version.eq(version))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives the claim back after a failed attempt: the next attempt waits until `next_at`.
pub fn failed(
    conn: &mut AnyConnection,
    id: &str,
    worker: &str,
    next_at: NaiveDateTime,
    error: &str,
) -> QueryResult<bool> {
    let n = diesel::update(d::table.filter(d::id.eq(id)).filter(d::portal_claimed_by.eq(worker)))
        .set((
            d::portal_attempts.eq(d::portal_attempts + 1),
            d::portal_next_at.eq(next_at),
            d::portal_last_error.eq(error),
            d::portal_claimed_by.eq(None::<String>),
            d::portal_claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Gives the claim back when everything owed was delivered.
pub fn release(conn: &mut AnyConnection, id: &str, worker: &str) -> QueryResult<bool> {
    let n = diesel::update(d::table.filter(d::id.eq(id)).filter(d::portal_claimed_by.eq(worker)))
        .set((
            d::portal_claimed_by.eq(None::<String>),
            d::portal_claimed_until.eq(None::<NaiveDateTime>),
            d::portal_next_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Sends a dossier's whole control sheet again, with new idempotency keys (an administrator's
/// re-send: the portal lost or holds a wrong copy).
pub fn resend(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    Ok(diesel::update(d::table.filter(d::id.eq(id))).set(restart!()).execute(conn)? == 1)
}

/// One item the portal answered, as sent.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pd)]
pub struct DeliveryRow {
    pub idempotency_key: String,
    pub dossier_id: String,
    pub seq: i32,
    /// record or progress.
    pub service: String,
    /// The item's JSON as the adapter sent it (the portal's own record of its user: personal data).
    pub item: String,
    /// taken or refused.
    pub outcome: String,
    pub answer: Option<String>,
    pub delivered_at: NaiveDateTime,
}

pub fn deliveries_of(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Vec<DeliveryRow>> {
    pd::table
        .filter(pd::dossier_id.eq(dossier_id))
        .order((pd::seq.asc(), pd::delivered_at.asc(), pd::service.desc()))
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// The queue as operators see it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct QueueState {
    /// Dossiers owing the portal at least one item.
    pub dossiers_waiting: i64,
    /// Items owed (events not yet delivered).
    pub items_waiting: i64,
    /// When the oldest undelivered change was made (UTC).
    pub oldest_at: Option<NaiveDateTime>,
    /// The latest failed attempt's error, if a dossier is waiting after one.
    pub last_error: Option<String>,
    /// Items the portal refused (error codes): not retried, listed for an administrator.
    pub refused: i64,
}

/// The queue's size, its oldest item and the last error.
pub fn queue_state(conn: &mut AnyConnection) -> QueryResult<QueueState> {
    use super::schema::dossier_events as e;
    let (dossiers_waiting, owed_versions): (i64, Option<i64>) = d::table
        .filter(owed!())
        .select((diesel::dsl::count_star(), diesel::dsl::sum(d::row_version - d::portal_sent_version)))
        .first(conn)?;
    let oldest_at: Option<NaiveDateTime> = e::table
        .inner_join(d::table)
        .filter(owed!())
        .filter(e::seq.gt(d::portal_sent_version))
        .select(diesel::dsl::min(e::at))
        .first(conn)?;
    let last_error: Option<String> = d::table
        .filter(owed!())
        .filter(d::portal_last_error.is_not_null())
        .order(d::portal_next_at.desc())
        .select(d::portal_last_error)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    let refused = pd::table.filter(pd::outcome.eq("refused")).count().get_result(conn)?;
    Ok(QueueState { dossiers_waiting, items_waiting: owed_versions.unwrap_or(0), oldest_at, last_error, refused })
}

/// The latest items the portal refused, each with its dossier's code.
pub fn refused(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<(DeliveryRow, Option<String>)>> {
    pd::table
        .inner_join(d::table)
        .filter(pd::outcome.eq("refused"))
        .order(pd::delivered_at.desc())
        .limit(limit)
        .select((DeliveryRow::as_select(), d::code))
        .load(conn)
}

/// A coded dossier submitted in a period, as reconciliation compares it.
#[derive(Debug, Clone)]
pub struct Held {
    pub row: super::dossiers::DossierRow,
    pub sent_version: i32,
}

/// The coded dossiers submitted in `[from, to)` (UTC), oldest first.
pub fn submitted_between(conn: &mut AnyConnection, from: NaiveDateTime, to: NaiveDateTime) -> QueryResult<Vec<Held>> {
    Ok(d::table
        .filter(d::code.is_not_null())
        .filter(d::submitted_at.ge(from))
        .filter(d::submitted_at.lt(to))
        .order((d::submitted_at.asc(), d::id.asc()))
        .select((super::dossiers::DossierRow::as_select(), d::portal_sent_version))
        .load::<(super::dossiers::DossierRow, i32)>(conn)?
        .into_iter()
        .map(|(row, sent_version)| Held { row, sent_version })
        .collect())
}

/// The items the portal answered for these dossiers, in the order sent.
pub fn deliveries_of_all(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<DeliveryRow>> {
    let mut all = Vec::new();
    // Bound each statement's parameters (SQLite takes at most 32,766).
    for chunk in ids.chunks(500) {
        all.extend(
            pd::table
                .filter(pd::dossier_id.eq_any(chunk.to_vec()))
                .order((pd::dossier_id.asc(), pd::seq.asc(), pd::delivered_at.asc()))
                .select(DeliveryRow::as_select())
                .load(conn)?,
        );
    }
    Ok(all)
}

/// Sends again the whole control sheet of every coded dossier submitted in `[from, to)` (UTC).
pub fn resend_between(conn: &mut AnyConnection, from: NaiveDateTime, to: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        d::table.filter(d::code.is_not_null()).filter(d::submitted_at.ge(from)).filter(d::submitted_at.lt(to)),
    )
    .set(restart!())
    .execute(conn)
}
