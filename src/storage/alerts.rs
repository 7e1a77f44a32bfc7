//! Early-warning rules and their firings (issue 16 item 2). A rule's tick is claimed by a
//! conditional update of its `next_run_at` (`claim_tick`), in the transaction that then stores the
//! firings, so two instances never both evaluate the same tick; a firing is unique by (rule,
//! dossier, occurrence), so re-evaluating never fires twice.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    agencies as a, dossier_consultations as c, dossiers as d, oversight_alert_rules as r, oversight_alerts as o,
    users as u,
};
use super::AnyConnection;

/// A rule as stored, with its evaluation's record.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = r)]
pub struct RuleRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub threshold_hours: i32,
    pub level: i32,
    /// Comma-separated recipients.
    pub recipients: String,
    pub interval_minutes: i32,
    pub source: String,
    pub enabled: bool,
    pub next_run_at: NaiveDateTime,
    pub last_run_at: Option<NaiveDateTime>,
    /// The instance that ran the last evaluation.
    pub last_run_by: Option<String>,
    /// Firings of the last evaluation.
    pub last_fired: i32,
    pub fired_total: i64,
}

/// One firing.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = o)]
pub struct AlertRow {
    pub id: String,
    pub rule_id: String,
    pub dossier_id: String,
    pub occurrence: String,
    /// The dossier's code (its submission reference before it has one): never its applicant.
    pub dossier_code: String,
    /// The agency the alert is about (holding the dossier, or receiving it online).
    pub agency_code: String,
    pub agency_path: String,
    /// The receiving counter's agency.
    pub counter_agency: String,
    /// The parent agency it is listed for (an escalation with `parent_agency`).
    pub listed_for: Option<String>,
    /// The instant the rule measured from (a deadline, or the online submission).
    pub deadline_at: NaiveDateTime,
    pub raised_at: NaiveDateTime,
    /// Notices queued for it.
    pub notified: i32,
    pub closed_at: Option<NaiveDateTime>,
}

pub fn exists(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    Ok(r::table.filter(r::id.eq(id)).count().get_result::<i64>(conn)? > 0)
}

pub fn insert_rule(conn: &mut AnyConnection, row: &RuleRow) -> QueryResult<()> {
    diesel::insert_into(r::table).values(row).execute(conn).map(|_| ())
}

pub fn rules(conn: &mut AnyConnection) -> QueryResult<Vec<RuleRow>> {
    r::table.order(r::id.asc()).select(RuleRow::as_select()).load(conn)
}

/// (id, interval in minutes) of the enabled rules whose next tick has come.
pub fn due_rules(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<(String, i32)>> {
    r::table
        .filter(r::enabled.eq(true))
        .filter(r::next_run_at.le(now))
        .order(r::id.asc())
        .select((r::id, r::interval_minutes))
        .load(conn)
}

/// Claims the tick of rule `id` due at `now` for `worker`: a single conditional update that moves
/// `next_run_at` to `next`, so whoever runs it second (on any instance, either database: the row
/// is locked until the first commits, and then no longer due) gets false. The rule as it stands.
pub fn claim_tick(
    conn: &mut AnyConnection,
    id: &str,
    worker: &str,
    now: NaiveDateTime,
    next: NaiveDateTime,
) -> QueryResult<Option<RuleRow>> {
    let won = diesel::update(r::table.filter(r::id.eq(id)).filter(r::enabled.eq(true)).filter(r::next_run_at.le(now)))
        .set((r::next_run_at.eq(next), r::last_run_at.eq(now), r::last_run_by.eq(worker)))
        .execute(conn)?;
    if won == 0 {
        return Ok(None);
    }
    r::table.find(id).select(RuleRow::as_select()).first(conn).optional()
}

/// Records how many a claimed tick fired.
pub fn record_fired(conn: &mut AnyConnection, id: &str, fired: i32) -> QueryResult<()> {
    diesel::update(r::table.filter(r::id.eq(id)))
        .set((r::last_fired.eq(fired), r::fired_total.eq(r::fired_total + i64::from(fired))))
        .execute(conn)
        .map(|_| ())
}

/// An open dossier (or consultation) a rule may fire for.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub dossier_id: String,
    pub code: Option<String>,
    pub reference_code: String,
    pub current_agency: String,
    pub receiving_agency: String,
    pub department: Option<String>,
    /// The instant the rule measures from.
    pub reference: NaiveDateTime,
    pub answered: Option<NaiveDateTime>,
    pub consultation: Option<i32>,
}

type Columns = (d::id, d::code, d::reference, d::current_agency, d::receiving_agency, d::current_department);
const COLUMNS: Columns = (d::id, d::code, d::reference, d::current_agency, d::receiving_agency, d::current_department);
type Head = (String, Option<String>, String, String, String, Option<String>);

fn candidate(
    h: Head,
    reference: NaiveDateTime,
    answered: Option<NaiveDateTime>,
    consultation: Option<i32>,
) -> Candidate {
    Candidate {
        dossier_id: h.0,
        code: h.1,
        reference_code: h.2,
        current_agency: h.3,
        receiving_agency: h.4,
        department: h.5,
        reference,
        answered,
        consultation,
    }
}

/// Dossiers on the statutory clock here (received or processing, handled on this system).
macro_rules! on_the_clock {
    () => {
        d::status
            .eq_any(vec!["received".to_string(), "processing".to_string()])
            .and(d::source.not_like(format!("{}%", super::dossiers::MINISTRY_SOURCE)))
    };
}

/// Dossiers on the clock whose current step's deadline is in `(after, until]`.
pub fn steps_due_between(
    conn: &mut AnyConnection,
    after: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<(Head, Option<NaiveDateTime>)> = d::table
        .filter(on_the_clock!())
        .filter(d::step_due_at.gt(after).and(d::step_due_at.le(until)))
        .select((COLUMNS, d::step_due_at))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(h, t)| Some(candidate(h, t?, None, None))).collect())
}

/// Dossiers on the clock whose promised date (the apology's new date, else the due date) is in
/// `(after, until]`.
pub fn promised_between(
    conn: &mut AnyConnection,
    after: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<(Head, Option<NaiveDateTime>, Option<NaiveDateTime>)> = d::table
        .filter(on_the_clock!())
        .filter(
            d::extended_due_at
                .is_null()
                .and(d::due_at.gt(after))
                .and(d::due_at.le(until))
                .or(d::extended_due_at.gt(after).and(d::extended_due_at.le(until))),
        )
        .select((COLUMNS, d::due_at, d::extended_due_at))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(h, due, ext)| Some(candidate(h, ext.or(due)?, None, None))).collect())
}

/// Dossiers on the clock whose promised date is at or before `until`.
pub fn promised_before(conn: &mut AnyConnection, until: NaiveDateTime) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<(Head, Option<NaiveDateTime>, Option<NaiveDateTime>)> = d::table
        .filter(on_the_clock!())
        .filter(d::extended_due_at.is_null().and(d::due_at.le(until)).or(d::extended_due_at.le(until)))
        .select((COLUMNS, d::due_at, d::extended_due_at))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(h, due, ext)| Some(candidate(h, ext.or(due)?, None, None))).collect())
}

/// Online submissions still waiting for a clerk, submitted at or before `until`.
pub fn unreceived_since(conn: &mut AnyConnection, until: NaiveDateTime) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<(Head, NaiveDateTime)> = d::table
        .filter(d::status.eq("submitted"))
        .filter(d::submitted_at.le(until))
        .select((COLUMNS, d::submitted_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(h, t)| candidate(h, t, None, None)).collect())
}

/// Consultations of dossiers on the clock whose deadline is before `until`.
pub fn consultations_due_before(conn: &mut AnyConnection, until: NaiveDateTime) -> QueryResult<Vec<Candidate>> {
    let rows: Vec<(Head, NaiveDateTime, Option<NaiveDateTime>, i32)> = c::table
        .inner_join(d::table)
        .filter(on_the_clock!())
        .filter(c::due_at.lt(until))
        .select((COLUMNS, c::due_at, c::answered_at, c::position))
        .load(conn)?;
    Ok(rows.into_iter().map(|(h, due, answered, p)| candidate(h, due, answered, Some(p))).collect())
}

/// The open firings of a rule: (id, dossier id, occurrence).
pub fn open_of_rule(conn: &mut AnyConnection, rule_id: &str) -> QueryResult<Vec<(String, String, String)>> {
    o::table
        .filter(o::rule_id.eq(rule_id))
        .filter(o::closed_at.is_null())
        .select((o::id, o::dossier_id, o::occurrence))
        .load(conn)
}

/// Whether the rule has fired for this dossier and occurrence (open or closed).
pub fn fired(conn: &mut AnyConnection, rule_id: &str, dossier_id: &str, occurrence: &str) -> QueryResult<bool> {
    let n: i64 = o::table
        .filter(o::rule_id.eq(rule_id))
        .filter(o::dossier_id.eq(dossier_id))
        .filter(o::occurrence.eq(occurrence))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert_alert(conn: &mut AnyConnection, row: &AlertRow) -> QueryResult<()> {
    diesel::insert_into(o::table).values(row).execute(conn).map(|_| ())
}

/// Closes open firings whose condition has ended.
pub fn close(conn: &mut AnyConnection, ids: &[String], at: NaiveDateTime) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in ids.chunks(500) {
        n += diesel::update(o::table.filter(o::id.eq_any(chunk.to_vec())).filter(o::closed_at.is_null()))
            .set(o::closed_at.eq(at))
            .execute(conn)?;
    }
    Ok(n)
}

/// (code, path, parent) of these agencies.
pub fn agencies_of(conn: &mut AnyConnection, codes: &[String]) -> QueryResult<Vec<(String, String, Option<String>)>> {
    a::table.filter(a::code.eq_any(codes.to_vec())).select((a::code, a::path, a::parent_code)).load(conn)
}

/// An active staff account as recipients are chosen among: (id, role, agency, department).
pub type StaffRow = (String, String, String, Option<String>);

/// The active staff of these agencies.
pub fn staff_of(conn: &mut AnyConnection, agencies: &[String]) -> QueryResult<Vec<StaffRow>> {
    let rows: Vec<(String, String, Option<String>, Option<String>)> = u::table
        .filter(u::agency_code.eq_any(agencies.to_vec()))
        .filter(u::disabled_at.is_null())
        .filter(u::role.eq_any(vec!["clerk".to_string(), "specialist".to_string(), "leader".to_string()]))
        .order(u::id.asc())
        .select((u::id, u::role, u::agency_code, u::department))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, role, agency, dep)| Some((id, role, agency?, dep))).collect())
}

/// Whose open alerts a caller reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertScope {
    pub agency: String,
    /// Leaders and administrators: the agencies below theirs (by materialized path) too.
    pub subtree_path: Option<String>,
}

/// An open alert as lists show it.
#[derive(Debug, Clone)]
pub struct OpenAlert {
    pub alert: AlertRow,
    pub kind: String,
    pub title: String,
    pub level: i32,
}

/// The open alerts in `scope`: about the agency, received at its counter, listed for it, or (for a
/// subtree) about any agency below it; most pressing deadline first, at most `limit`.
pub fn open_in_scope(conn: &mut AnyConnection, scope: &AlertScope, limit: i64) -> QueryResult<Vec<OpenAlert>> {
    let mut q = o::table
        .inner_join(r::table)
        .filter(o::closed_at.is_null())
        .select((AlertRow::as_select(), r::kind, r::title, r::level))
        .into_boxed();
    let own = o::agency_code
        .eq(scope.agency.clone())
        .or(o::counter_agency.eq(scope.agency.clone()))
        .or(o::listed_for.eq(scope.agency.clone()));
    q = match &scope.subtree_path {
        Some(path) => q.filter(own.or(o::agency_path.eq(path.clone())).or(o::agency_path.like(format!("{path}/%")))),
        None => q.filter(own),
    };
    let rows: Vec<(AlertRow, String, String, i32)> =
        q.order((o::deadline_at.asc(), o::raised_at.asc(), o::id.asc())).limit(limit).load(conn)?;
    Ok(rows.into_iter().map(|(alert, kind, title, level)| OpenAlert { alert, kind, title, level }).collect())
}
