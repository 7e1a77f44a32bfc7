//! The notification outbox: rows written with the change that owes them, claimed by workers.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::notifications as n;
use super::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = n)]
pub struct NotificationRow {
    pub id: String,
    /// The dossier the notice is about; none for a notice about a feedback.
    pub dossier_id: Option<String>,
    pub kind: String,
    /// email or sms.
    pub channel: String,
    /// An email address or a phone number: personal data, never logged.
    pub recipient: String,
    pub subject: Option<String>,
    pub body_text: String,
    pub body_html: Option<String>,
    /// pending, sending (claimed), sent or failed.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// The feedback whose answer the notice tells; none for a dossier's notice.
    pub feedback_id: Option<String>,
}

/// What a new notice says, to whom and how; its subject (dossier or feedback) is set by the caller.
pub struct NewNotice<'a> {
    pub kind: &'a str,
    pub channel: &'a str,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_text: String,
    pub body_html: Option<String>,
}

impl NotificationRow {
    /// A notice waiting to be sent from `at`, about nothing yet (set `dossier_id` or `feedback_id`).
    pub fn pending(n: NewNotice<'_>, at: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            dossier_id: None,
            kind: n.kind.to_string(),
            channel: n.channel.to_string(),
            recipient: n.recipient,
            subject: n.subject,
            body_text: n.body_text,
            body_html: n.body_html,
            status: "pending".to_string(),
            attempts: 0,
            next_attempt_at: at.naive_utc(),
            claimed_by: None,
            claimed_until: None,
            last_error: None,
            created_at: at.naive_utc(),
            sent_at: None,
            feedback_id: None,
        }
    }
}

pub fn insert(conn: &mut AnyConnection, row: &NotificationRow) -> QueryResult<()> {
    diesel::insert_into(n::table).values(row).execute(conn).map(|_| ())
}

/// Inserts notices in one statement on either backend (each value bound, none left to a
/// column default: SQLite would otherwise get one INSERT per row).
pub fn insert_all(conn: &mut AnyConnection, rows: &[NotificationRow]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                n::id.eq(&r.id),
                n::dossier_id.eq(&r.dossier_id),
                n::feedback_id.eq(&r.feedback_id),
                n::kind.eq(&r.kind),
                n::channel.eq(&r.channel),
                n::recipient.eq(&r.recipient),
                n::subject.eq(&r.subject),
                n::body_text.eq(&r.body_text),
                n::body_html.eq(&r.body_html),
                n::status.eq(&r.status),
                n::attempts.eq(r.attempts),
                n::next_attempt_at.eq(r.next_attempt_at),
                n::claimed_by.eq(&r.claimed_by),
                n::claimed_until.eq(r.claimed_until),
                n::last_error.eq(&r.last_error),
                n::created_at.eq(r.created_at),
                n::sent_at.eq(r.sent_at),
            )
        })
        .collect();
    // A multi-row insert does not compile over the multi-backend connection: run it on the backend's own.
    let query = diesel::insert_into(n::table).values(values);
    match conn {
        AnyConnection::Postgresql(c) => query.execute(c),
        AnyConnection::Sqlite(c) => query.execute(c),
    }
    .map(|_| ())
}

/// Ids of rows due now on these channels: pending and due, or claimed by a worker whose lease ran out.
pub fn due(conn: &mut AnyConnection, now: NaiveDateTime, channels: &[&str], limit: i64) -> QueryResult<Vec<String>> {
    n::table
        .filter(n::channel.eq_any(channels.iter().map(|c| c.to_string()).collect::<Vec<_>>()))
        .filter(
            n::status
                .eq("pending")
                .and(n::next_attempt_at.le(now))
                .or(n::status.eq("sending").and(n::claimed_until.lt(now))),
        )
        // Equal due times (one transaction writes several notices) keep the order they were written
        // in: ids are UUIDv7, so they sort by creation.
        .order((n::next_attempt_at.asc(), n::created_at.asc(), n::id.asc()))
        .limit(limit)
        .select(n::id)
        .load(conn)
}

/// Claims one row for `worker` until `until`, if it is still claimable: a single conditional
/// update, so two workers (on any instance, either database) never both win the same row.
pub fn claim(
    conn: &mut AnyConnection,
    id: &str,
    worker: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Option<NotificationRow>> {
    let won = diesel::update(
        n::table.filter(n::id.eq(id)).filter(
            n::status
                .eq("pending")
                .and(n::next_attempt_at.le(now))
                .or(n::status.eq("sending").and(n::claimed_until.lt(now))),
        ),
    )
    .set((
        n::status.eq("sending"),
        n::claimed_by.eq(worker),
        n::claimed_until.eq(until),
        n::attempts.eq(n::attempts + 1),
    ))
    .execute(conn)?;
    if won == 0 {
        return Ok(None);
    }
    n::table.find(id).select(NotificationRow::as_select()).first(conn).optional()
}

/// Records the outcome of an attempt, only if `worker` still holds the claim.
pub fn finish(
    conn: &mut AnyConnection,
    id: &str,
    worker: &str,
    status: &str,
    next_attempt_at: NaiveDateTime,
    error: Option<&str>,
    sent_at: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    let n_rows =
        diesel::update(n::table.filter(n::id.eq(id)).filter(n::claimed_by.eq(worker)).filter(n::status.eq("sending")))
            .set((
                n::status.eq(status),
                n::next_attempt_at.eq(next_attempt_at),
                n::last_error.eq(error),
                n::sent_at.eq(sent_at),
                n::claimed_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    Ok(n_rows == 1)
}

pub fn of_dossier(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Vec<NotificationRow>> {
    n::table
        .filter(n::dossier_id.eq(dossier_id))
        .order(n::created_at.asc())
        .select(NotificationRow::as_select())
        .load(conn)
}

pub fn with_status(conn: &mut AnyConnection, status: &str, limit: i64) -> QueryResult<Vec<NotificationRow>> {
    n::table
        .filter(n::status.eq(status))
        .order(n::created_at.asc())
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)
}

/// Puts a failed row back in the queue.
pub fn requeue(conn: &mut AnyConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let rows = diesel::update(n::table.filter(n::id.eq(id)).filter(n::status.eq("failed")))
        .set((n::status.eq("pending"), n::attempts.eq(0), n::next_attempt_at.eq(now), n::claimed_by.eq(None::<String>)))
        .execute(conn)?;
    Ok(rows == 1)
}

pub fn count_with_status(conn: &mut AnyConnection, status: &str) -> QueryResult<i64> {
    n::table.filter(n::status.eq(status)).count().get_result(conn)
}
