//! The candidates of the anomaly rules (`domain::anomalies`), read in one statement.
//!
//! Each rule's part of the statement narrows its rows in SQL as far as SQL can without the working
//! calendar (a received-late online dossier was received more than a day after its submission; a
//! pause before the due date is within 20 days of it), and the domain decides on what is left.
//! Each part reads through an index: `dossiers_receiving_agency` and `dossiers_current_agency`
//! per agency of the scope, `dossier_events_action_at` and `dossiers_receiving_submitted`
//! (migration 2026-12-09-000002), `dossier_applicants_id_number`.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamp};

use super::stats::Scope;
use super::AnyConnection;
use crate::domain::dossier::{Channel, Decision, Status};

/// One candidate row: which rule's part it comes from (`rule`, a `Rule::id`) and that part's
/// facts, in columns shared by all parts (unused ones NULL).
#[derive(Debug, Clone, QueryableByName)]
pub struct CandidateRow {
    #[diesel(sql_type = Text)]
    pub rule: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub dossier_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub reference: Option<String>,
    #[diesel(sql_type = Text)]
    pub agency_code: String,
    #[diesel(sql_type = Text)]
    pub agency_name: String,
    /// The act the row is about: the submission, the request, the receipt, the entry.
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub at1: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub at2: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub at3: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub due_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Text>)]
    pub detail: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub limit_value: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub limit_unit: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub day1: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub day2: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The condition that agency alias `a` is in `scope`.
fn within(a: &str, scope: &Scope) -> String {
    let safe = |s: &str| s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/')).collect::<String>();
    match scope {
        Scope::Province => String::new(),
        Scope::Agency(code) => format!(" AND {a}.code = '{}'", safe(code)),
        Scope::Subtree(path) => format!(" AND ({a}.path = '{0}' OR {a}.path LIKE '{0}/%')", safe(path)),
    }
}

fn ts(t: NaiveDateTime) -> String {
    // As diesel writes them on SQLite (no fraction when there is none), so that text compares.
    t.format("%F %T%.f").to_string()
}

/// The bounds of the period and the receipt rule's cutoff, as UTC instants.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// `[from, to)`.
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    /// An online submission still waiting that was submitted before this is past the receipt rule
    /// (`intake_latency::past_rule_if_submitted_before`).
    pub unreceived_before: NaiveDateTime,
}

/// The candidates of every rule for the agencies of `scope` and the period, in one statement.
/// Values inlined are instants formatted here and codes/paths filtered to their characters.
pub fn candidates(conn: &mut AnyConnection, scope: &Scope, b: Bounds) -> QueryResult<Vec<CandidateRow>> {
    let pg = matches!(conn, AnyConnection::Postgresql(_));
    // `t` shifted by whole days (SQLite keeps timestamps as text; its `datetime` shifts them).
    let shift = |t: &str, days: i32| {
        if pg {
            format!("({t} + INTERVAL '{days} days')")
        } else {
            format!("datetime({t}, '{days:+} days')")
        }
    };
    let (from, to, cutoff) = (ts(b.from), ts(b.to), ts(b.unreceived_before));
    let (nt, nts, ni, nd) =
        ("CAST(NULL AS TEXT)", "CAST(NULL AS TIMESTAMP)", "CAST(NULL AS INTEGER)", "CAST(NULL AS DATE)");
    let online = Channel::Online.as_str();
    let ministry = super::dossiers::MINISTRY_SOURCE;
    let columns = |rule: &str,
                   dossier: &str,
                   agency: &str,
                   at: [&str; 4],
                   detail: &str,
                   limit: [&str; 2],
                   days: [&str; 2],
                   n: &str| {
        format!(
            "SELECT '{rule}' AS rule, {d}.id AS dossier_id, {d}.code AS code, {d}.reference AS reference, \
             {agency}.code AS agency_code, {agency}.name AS agency_name, {at1} AS at1, {at2} AS at2, {at3} AS at3, \
             {due} AS due_at, {detail} AS detail, {lv} AS limit_value, {lu} AS limit_unit, {d1} AS day1, {d2} AS day2, \
             CAST({n} AS BIGINT) AS n",
            d = dossier,
            at1 = at[0],
            at2 = at[1],
            at3 = at[2],
            due = at[3],
            lv = limit[0],
            lu = limit[1],
            d1 = days[0],
            d2 = days[1],
        )
    };
    let mut parts = Vec::new();
    // 1. Online submissions still waiting past the rule (at the unit to receive them), and those
    // received in the period more than a day after their submission (at the receiving agency).
    parts.push(format!(
        "{} FROM agencies a JOIN dossiers d ON d.current_agency = a.code AND d.status_code = {submitted} \
         WHERE d.channel = '{online}' AND d.source NOT LIKE '{ministry}%' AND d.submitted_at < '{cutoff}' \
         AND d.submitted_at < '{to}'{scope}",
        columns("unreceived_online", "d", "a", ["d.submitted_at", nts, nts, nts], "'waiting'", [ni, nt], [nd, nd], "0"),
        submitted = Status::Submitted.national_code(),
        scope = within("a", scope),
    ));
    parts.push(format!(
        "{} FROM agencies a JOIN dossiers d ON d.receiving_agency = a.code \
         AND d.received_at >= '{from}' AND d.received_at < '{to}' \
         WHERE d.channel = '{online}' AND d.source NOT LIKE '{ministry}%' AND d.received_at >= {later}{scope}",
        columns(
            "unreceived_online",
            "d",
            "a",
            ["d.submitted_at", "d.received_at", nts, nts],
            "'received'",
            [ni, nt],
            [nd, nd],
            "0"
        ),
        later = shift("d.submitted_at", 1),
        scope = within("a", scope),
    ));
    // 2. Every supplement request of the dossiers asked more than once, one of the requests in the period.
    parts.push(format!(
        "{} FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id JOIN agencies a ON a.code = d.receiving_agency \
         WHERE e.action = 'request_supplement' AND d.intake_supplements + d.appraisal_supplements > 1 \
         AND e.dossier_id IN (SELECT x.dossier_id FROM dossier_events x WHERE x.action = 'request_supplement' \
         AND x.at >= '{from}' AND x.at < '{to}'){scope}",
        columns(
            "repeated_supplement",
            "d",
            "a",
            ["e.at", nts, nts, nts],
            nt,
            [ni, nt],
            [nd, nd],
            "d.intake_supplements + d.appraisal_supplements"
        ),
        scope = within("a", scope),
    ));
    // 3. Supplement requests in appraisal, stops and withdrawals of the period, at the agency that
    // acted, within 20 days of the due date (or before a restart of the clock: see `due_in_force`).
    parts.push(format!(
        "{} FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id JOIN agencies a ON a.code = e.from_agency \
         WHERE e.action IN ('request_supplement', 'stop', 'withdraw') AND e.at >= '{from}' AND e.at < '{to}' \
         AND d.received_at IS NOT NULL AND d.received_at <= e.at AND d.due_at IS NOT NULL \
         AND (d.clock_started_at > e.at OR (e.at <= d.due_at AND e.at >= {near})){scope}",
        columns(
            "pause_before_due",
            "d",
            "a",
            ["e.at", "COALESCE(d.competent_received_at, d.received_at)", "d.clock_started_at", "d.due_at"],
            "e.action",
            ["d.limit_value", "d.limit_unit"],
            [nd, nd],
            "0"
        ),
        near = shift("d.due_at", -20),
        scope = within("a", scope),
    ));
    // 4. Receipts earlier than the row recording them (recorded in the period), or than the
    // submission (received in the period).
    parts.push(format!(
        "{} FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id JOIN agencies a ON a.code = d.receiving_agency \
         WHERE e.action IN ('intake', 'receive') AND e.status_code <> {submitted} AND e.at >= '{from}' AND e.at < '{to}' \
         AND d.received_at IS NOT NULL AND d.received_at < e.at{scope}",
        columns("backdated_receipt", "d", "a", ["d.received_at", "e.at", "d.submitted_at", nts], "'recorded'", [ni, nt], [nd, nd], "0"),
        submitted = Status::Submitted.national_code(),
        scope = within("a", scope),
    ));
    parts.push(format!(
        "{} FROM agencies a JOIN dossiers d ON d.receiving_agency = a.code \
         AND d.received_at >= '{from}' AND d.received_at < '{to}' WHERE d.received_at < d.submitted_at{scope}",
        columns(
            "backdated_receipt",
            "d",
            "a",
            ["d.received_at", nts, "d.submitted_at", nts],
            "'submitted'",
            [ni, nt],
            [nd, nd],
            "0"
        ),
        scope = within("a", scope),
    ));
    // 5. Dossiers submitted in the period whose applicant (same identity number) had a dossier for
    // the same procedure refused before; both in scope. The identity number is not selected.
    parts.push(format!(
        "{} FROM agencies a JOIN dossiers b ON b.receiving_agency = a.code \
         AND b.submitted_at >= '{from}' AND b.submitted_at < '{to}' \
         JOIN dossier_applicants pb ON pb.dossier_id = b.id \
         JOIN dossier_applicants pr ON pr.id_number = pb.id_number AND pr.dossier_id <> b.id \
         JOIN dossiers r ON r.id = pr.dossier_id JOIN agencies ra ON ra.code = r.receiving_agency \
         WHERE pb.id_number <> '' AND r.procedure_code = b.procedure_code \
         AND (r.status_code = {not_received} OR r.decision = '{refused}') \
         AND r.finished_at IS NOT NULL AND r.finished_at <= b.submitted_at{scope}{scope_r}",
        columns(
            "refused_resubmitted",
            "b",
            "a",
            ["b.submitted_at", "r.finished_at", nts, nts],
            "COALESCE(r.code, r.reference)",
            [ni, nt],
            [nd, nd],
            "0"
        ),
        not_received = Status::NotReceived.national_code(),
        refused = Decision::Refused.as_str(),
        scope = within("a", scope),
        scope_r = within("ra", scope),
    ));
    // 6. Off-system counts entered in the period.
    parts.push(format!(
        "SELECT 'late_off_system_count' AS rule, {nt} AS dossier_id, {nt} AS code, {nt} AS reference, \
         a.code AS agency_code, a.name AS agency_name, o.entered_at AS at1, {nts} AS at2, {nts} AS at3, \
         {nts} AS due_at, {nt} AS detail, {ni} AS limit_value, {nt} AS limit_unit, o.period_start AS day1, \
         o.period_end AS day2, CAST(o.dossiers AS BIGINT) AS n \
         FROM off_system_counts o JOIN agencies a ON a.code = o.agency_code \
         WHERE o.entered_at >= '{from}' AND o.entered_at < '{to}'{scope}",
        scope = within("a", scope),
    ));
    diesel::sql_query(parts.join(" UNION ALL ")).load(conn)
}
