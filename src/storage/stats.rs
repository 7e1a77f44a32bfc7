//! Statistics counters (written with each dossier change) and their prefix sums (read side).
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::AnyConnection;
use crate::domain::dossier::{Channel, Status};
use crate::domain::stats::{Cumulative, Delta, Measure};

/// The first day of `day`'s year.
pub fn year_of(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), 1, 1).expect("1 January exists")
}

/// The first day of `day`'s month.
pub fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("day 1 exists")
}

/// One counter row's changes: every measure's delta for one agency, field and date.
type Row = (NaiveDate, [i64; MEASURES.len()]);

fn column(m: Measure) -> usize {
    match m {
        Measure::ReceivedOnline => 0,
        Measure::ReceivedDirect => 1,
        Measure::ReceivedOnlineLevel4 => 2,
        Measure::ResolvedEarly => 3,
        Measure::ResolvedOnTime => 4,
        Measure::ResolvedLate => 5,
        Measure::Due => 6,
        Measure::Settled => 7,
        Measure::Rated => 8,
        Measure::RatedSatisfied => 9,
        Measure::IntakeTimed => 10,
        Measure::IntakeWaitMinutes => 11,
        Measure::IntakeLate => 12,
        Measure::StepsEnded => 13,
        Measure::StepsEarly => 14,
        Measure::StepsLate => 15,
        Measure::StepLateMinutes => 16,
        Measure::ResolvedOneSupplement => 17,
        Measure::ResolvedManySupplements => 18,
        Measure::ResolvedInTimeManySupplements => 19,
        Measure::ResolvedLateOnline => 20,
        Measure::DueOnline => 21,
        Measure::SettledOnline => 22,
        Measure::ResolvedWorkingMinutes => 23,
        Measure::ResolvedTimed => 24,
    }
}

/// The deltas of one grain, summed per date (a date appears once: one upsert may not touch a
/// row twice), leaving out dates whose deltas cancel.
fn rows_of(deltas: &[Delta], grain: fn(NaiveDate) -> NaiveDate) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for d in deltas {
        let date = grain(d.day);
        let i = match rows.iter().position(|(day, _)| *day == date) {
            Some(i) => i,
            None => {
                rows.push((date, [0; MEASURES.len()]));
                rows.len() - 1
            }
        };
        rows[i].1[column(d.measure)] += d.amount;
    }
    rows.retain(|(_, v)| v.iter().any(|n| *n != 0));
    rows
}

/// The counter tables' measure columns, in [`column`]'s order.
const MEASURES: [&str; 25] = [
    "received_online",
    "received_direct",
    "received_online_level4",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "due",
    "settled",
    "rated",
    "rated_satisfied",
    "intake_timed",
    "intake_wait_minutes",
    "intake_late",
    "steps_ended",
    "steps_early",
    "steps_late",
    "step_late_minutes",
    "resolved_one_supplement",
    "resolved_many_supplements",
    "resolved_in_time_many_supplements",
    "resolved_late_online",
    "due_online",
    "settled_online",
    "resolved_working_minutes",
    "resolved_timed",
];

/// One upsert adding every row's deltas to one counter table (a new row starts from the deltas,
/// an existing one adds them); the same SQL on both backends but for the placeholders. Each row
/// carries its own key values, in `key_cols`' order.
fn upsert(
    conn: &mut AnyConnection,
    table: &str,
    date_col: &str,
    key_cols: &[&str],
    field: &str,
    rows: &[(Vec<&str>, Row)],
) -> QueryResult<()> {
    use diesel::sql_types::{BigInt, Date, Text};
    let pg = matches!(conn, AnyConnection::Postgresql(_));
    let mut n = 0;
    let mut placeholder = || {
        n += 1;
        if pg {
            format!("${n}")
        } else {
            "?".to_string()
        }
    };
    let width = key_cols.len() + 2 + MEASURES.len();
    let tuples: Vec<String> = rows
        .iter()
        .map(|_| format!("({})", (0..width).map(|_| placeholder()).collect::<Vec<_>>().join(", ")))
        .collect();
    let key_cols = key_cols.join(", ");
    let sql = format!(
        "INSERT INTO {table} ({key_cols}, field, {date_col}, {}) VALUES {} \
         ON CONFLICT ({key_cols}, field, {date_col}) DO UPDATE SET {}",
        MEASURES.join(", "),
        tuples.join(", "),
        MEASURES.map(|m| format!("{m} = {table}.{m} + excluded.{m}")).join(", ")
    );
    macro_rules! run {
        ($c:expr, $db:ty) => {{
            let mut q = diesel::sql_query(sql).into_boxed::<$db>();
            for (keys, (date, v)) in rows {
                for key in keys {
                    q = q.bind::<Text, _>(key.to_string());
                }
                q = q.bind::<Text, _>(field.to_string()).bind::<Date, _>(*date);
                for x in v {
                    q = q.bind::<BigInt, _>(*x);
                }
            }
            q.execute($c)
        }};
    }
    match conn {
        AnyConnection::Postgresql(c) => run!(c, diesel::pg::Pg),
        AnyConnection::Sqlite(c) => run!(c, diesel::sqlite::Sqlite),
    }
    .map(|_| ())
}

/// Applies counter changes for one dossier (its receiving agency and its procedure's field) to
/// the daily, monthly and yearly counters, inside the caller's transaction: one upsert per table
/// that has something to add (a new row starts from the deltas, an existing one adds them).
pub fn apply(conn: &mut AnyConnection, agency: &str, field: &str, deltas: &[Delta]) -> QueryResult<()> {
    apply_many(conn, field, &[(agency, deltas)])
}

/// As [`apply`], for changes at several agencies of one field at once (a dossier's own marks
/// and those of the route steps it ended, `domain::stats::step_deltas`): still one upsert per
/// table, whatever the number of agencies.
pub fn apply_many(conn: &mut AnyConnection, field: &str, parts: &[(&str, &[Delta])]) -> QueryResult<()> {
    // An upsert may not touch a row twice: one agency's deltas are summed together.
    let mut merged: Vec<(&str, Vec<Delta>)> = Vec::new();
    for (agency, deltas) in parts {
        match merged.iter_mut().find(|(a, _)| a == agency) {
            Some((_, d)) => d.extend_from_slice(deltas),
            None => merged.push((agency, deltas.to_vec())),
        }
    }
    let keyed: Vec<(Vec<&str>, &[Delta])> = merged.iter().map(|(a, d)| (vec![*a], d.as_slice())).collect();
    apply_to(conn, "stats", &["agency_code"], field, &keyed)
}

/// As [`apply`], for a dossier received at `receiving` for the `competent` agency (boundary-free
/// intake): the same marks, kept by the pair, so that a report counted at the deciding agency can
/// move them from the one to the other ([`Counting::Deciding`]).
pub fn apply_handover(
    conn: &mut AnyConnection,
    receiving: &str,
    competent: &str,
    field: &str,
    deltas: &[Delta],
) -> QueryResult<()> {
    apply_to(
        conn,
        "stats_handover",
        &["receiving_agency", "competent_agency"],
        field,
        &[(vec![receiving, competent], deltas)],
    )
}

/// The first day of the day's, month's or year's counter row.
type Grain = fn(NaiveDate) -> NaiveDate;

fn apply_to(
    conn: &mut AnyConnection,
    prefix: &str,
    key_cols: &[&str],
    field: &str,
    parts: &[(Vec<&str>, &[Delta])],
) -> QueryResult<()> {
    let grains: [(&str, &str, Grain); 3] =
        [("daily", "day", |d| d), ("monthly", "month", month_of), ("yearly", "year", year_of)];
    for (table, date_col, grain) in grains {
        let rows: Vec<(Vec<&str>, Row)> = parts
            .iter()
            .flat_map(|(keys, deltas)| rows_of(deltas, grain).into_iter().map(move |r| (keys.clone(), r)))
            .collect();
        if !rows.is_empty() {
            upsert(conn, &format!("{prefix}_{table}"), date_col, key_cols, field, &rows)?;
        }
    }
    Ok(())
}

/// At which agency a dossier counts (issue 13 item 5): the one that received it (Biểu II.06a's
/// reading, and the default), or the one competent to decide it — the same for every dossier but
/// those received at one agency for another (boundary-free intake), which the handover counters
/// move from the receiving agency to the competent one. Both give the same province total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Counting {
    #[default]
    Receiving,
    Deciding,
}

impl Counting {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "receiving" => Some(Self::Receiving),
            "deciding" => Some(Self::Deciding),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receiving => "receiving",
            Self::Deciding => "deciding",
        }
    }

    /// The counter rows a query reads from `stats_<grain>`: the table itself, or, counted at the
    /// deciding agency, the table with the handover marks added at the competent agency and taken
    /// off the receiving one (same columns: `agency_code`, `field`, the date, the measures).
    fn source(self, grain: &str, date_col: &str) -> String {
        match self {
            Self::Receiving => format!("stats_{grain}"),
            Self::Deciding => {
                let plus = MEASURES.join(", ");
                let minus = MEASURES.map(|m| format!("-{m}")).join(", ");
                format!(
                    "(SELECT agency_code, field, {date_col}, {plus} FROM stats_{grain} \
                     UNION ALL SELECT competent_agency, field, {date_col}, {plus} FROM stats_handover_{grain} \
                     UNION ALL SELECT receiving_agency, field, {date_col}, {minus} FROM stats_handover_{grain})"
                )
            }
        }
    }
}

/// Under which units a period's dossiers are counted (issue 13): the counters are kept by the
/// agency that received each dossier, so both readings come from the same rows and give the same
/// province total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Hierarchy {
    /// Today's units: a dossier received at a unit that has since ended counts under the unit that
    /// holds its work (`agencies.held_by`, followed to the end of the chain: a ward merged in 2025
    /// and renamed in 2027 counts under the renamed unit). A unit split in parts is held by the one
    /// successor its reorganisation plan names, so its whole history goes there: the counters do
    /// not know which part of its territory a dossier came from.
    #[default]
    AsIs,
    /// The units that existed then: the receiving agency itself.
    AsWas,
}

impl Hierarchy {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "as_is" => Some(Self::AsIs),
            "as_was" => Some(Self::AsWas),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AsIs => "as_is",
            Self::AsWas => "as_was",
        }
    }

    /// The `WITH` clause a statement starts with: for as is, `current_of(code, now_code)` maps
    /// every agency to the unit holding its work today (an agency that has not ended maps to
    /// itself); the recursion starts from those and walks `held_by` backwards, so it ends even
    /// if the data held a cycle (whose members would then map to themselves, below).
    fn with(self) -> &'static str {
        match self {
            Self::AsWas => "",
            Self::AsIs => {
                "WITH RECURSIVE current_of(code, now_code) AS (\
                 SELECT code, code FROM agencies WHERE held_by IS NULL \
                 UNION ALL SELECT x.code, c.now_code FROM agencies x JOIN current_of c ON x.held_by = c.code) "
            }
        }
    }

    /// Joins `agencies a` to counter rows `s` (column `agency_code`): the receiving agency as was,
    /// or the unit holding its work as is.
    fn join(self) -> &'static str {
        match self {
            Self::AsWas => "JOIN agencies a ON a.code = s.agency_code",
            Self::AsIs => {
                "LEFT JOIN current_of m ON m.code = s.agency_code \
                 JOIN agencies a ON a.code = COALESCE(m.now_code, s.agency_code)"
            }
        }
    }
}

/// The SQL condition on `agencies a` for a scope.
fn scope_filter(scope: &Scope) -> String {
    match scope {
        Scope::Province => String::new(),
        Scope::Agency(code) => format!(" AND a.code = '{}'", safe(code)),
        Scope::Subtree(path) => format!(" AND (a.path = '{0}' OR a.path LIKE '{0}/%')", safe(path)),
    }
}

/// Which counters a query reads.
#[derive(Debug, Clone)]
pub enum Scope {
    Province,
    /// One agency only.
    Agency(String),
    /// An agency and everything below it (its materialized path).
    Subtree(String),
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    None,
    Agency,
    Level,
    Field,
}

#[derive(QueryableByName)]
struct SumRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    point: i32,
    #[diesel(sql_type = Text)]
    group_key: String,
    #[diesel(sql_type = Text)]
    group_label: String,
    #[diesel(sql_type = BigInt)]
    received_online: i64,
    #[diesel(sql_type = BigInt)]
    received_direct: i64,
    #[diesel(sql_type = BigInt)]
    received_online_level4: i64,
    #[diesel(sql_type = BigInt)]
    resolved_early: i64,
    #[diesel(sql_type = BigInt)]
    resolved_on_time: i64,
    #[diesel(sql_type = BigInt)]
    resolved_late: i64,
    #[diesel(sql_type = BigInt)]
    due: i64,
    #[diesel(sql_type = BigInt)]
    settled: i64,
    #[diesel(sql_type = BigInt)]
    rated: i64,
    #[diesel(sql_type = BigInt)]
    rated_satisfied: i64,
    #[diesel(sql_type = BigInt)]
    intake_timed: i64,
    #[diesel(sql_type = BigInt)]
    intake_wait_minutes: i64,
    #[diesel(sql_type = BigInt)]
    intake_late: i64,
    #[diesel(sql_type = BigInt)]
    steps_ended: i64,
    #[diesel(sql_type = BigInt)]
    steps_early: i64,
    #[diesel(sql_type = BigInt)]
    steps_late: i64,
    #[diesel(sql_type = BigInt)]
    step_late_minutes: i64,
    #[diesel(sql_type = BigInt)]
    resolved_one_supplement: i64,
    #[diesel(sql_type = BigInt)]
    resolved_many_supplements: i64,
    #[diesel(sql_type = BigInt)]
    resolved_in_time_many_supplements: i64,
    #[diesel(sql_type = BigInt)]
    resolved_late_online: i64,
    #[diesel(sql_type = BigInt)]
    due_online: i64,
    #[diesel(sql_type = BigInt)]
    settled_online: i64,
    #[diesel(sql_type = BigInt)]
    resolved_working_minutes: i64,
    #[diesel(sql_type = BigInt)]
    resolved_timed: i64,
}

/// For each `(last_day, grouping)`, the sums of every measure over all days up to and including
/// `last_day`, per group: the yearly counters of earlier years, the monthly counters of earlier
/// months of its year, and the daily counters of its month (whole years and whole months skip the
/// finer tables). All points in one statement; the cost grows with agencies × fields × (years +
/// 12 + 31) per point, not with dossiers. Each group comes as `(key, label, sums)`: the label is
/// the agency's name when grouped by agency, else the key.
///
/// The scope, the grouping by agency and by level apply to the units of `hierarchy`: as was, the
/// receiving agencies; as is, the units holding their work today ([`Hierarchy`]).
///
/// Values inlined into the SQL are dates formatted here and paths/codes already validated as
/// QCVN 102 codes (digits, dots, one capital letter, slashes), so nothing from outside reaches it raw.
pub fn cumulative_at(
    conn: &mut AnyConnection,
    points: &[(NaiveDate, Grouping)],
    scope: &Scope,
    hierarchy: Hierarchy,
    counting: Counting,
) -> QueryResult<Vec<Vec<(String, String, Cumulative)>>> {
    let filter = scope_filter(scope);
    let join = hierarchy.join();
    let sums = MEASURES.map(|c| format!("CAST(COALESCE(SUM(s.{c}), 0) AS BIGINT) AS {c}")).join(", ");
    let mut parts = Vec::new();
    for (i, (last_day, grouping)) in points.iter().enumerate() {
        let (last_day, grouping) = (*last_day, *grouping);
        let month = month_of(last_day);
        let (key, label) = match grouping {
            Grouping::None => ("'all'", "'all'"),
            Grouping::Agency => ("a.code", "MAX(a.name)"),
            Grouping::Level => ("a.level", "a.level"),
            Grouping::Field => ("s.field", "s.field"),
        };
        let group_by = if grouping == Grouping::None { String::new() } else { format!(" GROUP BY {key}") };
        let year = year_of(last_day);
        let next_day = last_day.succ_opt().expect("date in range");
        let part = |grain: &str, date_col: &str, cond: String| {
            format!(
                "SELECT CAST({i} AS INTEGER) AS point, {key} AS group_key, {label} AS group_label, {sums} \
                 FROM {table} s {join} WHERE {cond}{filter}{group_by}",
                table = counting.source(grain, date_col),
                cond = cond.replace("{c}", &format!("s.{date_col}"))
            )
        };
        if next_day == year_of(next_day) {
            parts.push(part("yearly", "year", format!("{{c}} <= '{year}'")));
        } else {
            parts.push(part("yearly", "year", format!("{{c}} < '{year}'")));
            if next_day.day() == 1 {
                parts.push(part("monthly", "month", format!("{{c}} >= '{year}' AND {{c}} <= '{month}'")));
            } else {
                parts.push(part("monthly", "month", format!("{{c}} >= '{year}' AND {{c}} < '{month}'")));
                parts.push(part("daily", "day", format!("{{c}} >= '{month}' AND {{c}} <= '{last_day}'")));
            }
        }
    }
    let mut out: Vec<Vec<(String, String, Cumulative)>> = vec![Vec::new(); points.len()];
    if parts.is_empty() {
        return Ok(out);
    }
    let rows: Vec<SumRow> =
        diesel::sql_query(format!("{}{}", hierarchy.with(), parts.join(" UNION ALL "))).load(conn)?;
    for r in rows {
        let Some(groups) = usize::try_from(r.point).ok().and_then(|i| out.get_mut(i)) else { continue };
        let c = match groups.iter_mut().find(|(k, _, _)| *k == r.group_key) {
            Some((_, _, c)) => c,
            None => {
                groups.push((r.group_key.clone(), r.group_label.clone(), Cumulative::default()));
                &mut groups.last_mut().expect("just pushed").2
            }
        };
        c.received_online += r.received_online;
        c.received_direct += r.received_direct;
        c.received_online_level4 += r.received_online_level4;
        c.resolved_early += r.resolved_early;
        c.resolved_on_time += r.resolved_on_time;
        c.resolved_late += r.resolved_late;
        c.due += r.due;
        c.settled += r.settled;
        c.rated += r.rated;
        c.rated_satisfied += r.rated_satisfied;
        c.intake_timed += r.intake_timed;
        c.intake_wait_minutes += r.intake_wait_minutes;
        c.intake_late += r.intake_late;
        c.steps_ended += r.steps_ended;
        c.steps_early += r.steps_early;
        c.steps_late += r.steps_late;
        c.step_late_minutes += r.step_late_minutes;
        c.resolved_one_supplement += r.resolved_one_supplement;
        c.resolved_many_supplements += r.resolved_many_supplements;
        c.resolved_in_time_many_supplements += r.resolved_in_time_many_supplements;
        c.resolved_late_online += r.resolved_late_online;
        c.due_online += r.due_online;
        c.settled_online += r.settled_online;
        c.resolved_working_minutes += r.resolved_working_minutes;
        c.resolved_timed += r.resolved_timed;
    }
    Ok(out)
}

/// The agencies of the given codes (those that exist), in one read.
pub fn agencies_named(conn: &mut AnyConnection, codes: &[String]) -> QueryResult<Vec<super::agencies::AgencyRow>> {
    use super::schema::agencies;
    agencies::table.filter(agencies::code.eq_any(codes)).select(super::agencies::AgencyRow::as_select()).load(conn)
}

/// An agency and every agency below it (its materialized path's subtree), ordered by path, in
/// one query; empty when the agency does not exist.
pub fn agencies_within(conn: &mut AnyConnection, code: &str) -> QueryResult<Vec<super::agencies::AgencyRow>> {
    use super::schema::agencies;
    let root = diesel::alias!(agencies as root);
    let root_path = root.field(agencies::path);
    agencies::table
        .inner_join(
            root.on(root
                .field(agencies::code)
                .eq(code.to_string())
                .and(agencies::path.eq(root_path).or(agencies::path.like(root_path.concat("/%"))))),
        )
        .order(agencies::path.asc())
        .select(super::agencies::AgencyRow::as_select())
        .load(conn)
}

/// Keeps only the characters agency codes and paths are made of.
fn safe(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/')).collect()
}

#[derive(QueryableByName)]
struct ActiveRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    point: i32,
    #[diesel(sql_type = Text)]
    level: String,
    #[diesel(sql_type = BigInt)]
    active: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// Per level: agencies in scope that handle procedures, and those that received at least one
/// dossier in `[from, to]` (installed ≠ used). Whole months read the monthly counters. As was, the
/// agencies are those that existed at some time in the period; as is, today's units (those that
/// have not ended), each using the system when a dossier it holds the work of was received.
pub fn agencies_using(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
    scope: &Scope,
    hierarchy: Hierarchy,
) -> QueryResult<Vec<(String, i64, i64)>> {
    Ok(agencies_using_many(conn, &[(from, to)], scope, hierarchy)?.pop().unwrap_or_default())
}

/// [`agencies_using`] for several periods of one scope, in one statement: one list per period.
pub fn agencies_using_many(
    conn: &mut AnyConnection,
    periods: &[(NaiveDate, NaiveDate)],
    scope: &Scope,
    hierarchy: Hierarchy,
) -> QueryResult<Vec<Vec<(String, i64, i64)>>> {
    if periods.is_empty() {
        return Ok(vec![]);
    }
    let filter = scope_filter(scope);
    let parts: Vec<String> = periods
        .iter()
        .enumerate()
        .map(|(i, (from, to))| {
            let (from, to) = (*from, *to);
            let first_full = if from.day() == 1 {
                from
            } else {
                month_of(from).checked_add_months(chrono::Months::new(1)).expect("date")
            };
            let after_last_full = month_of(to.succ_opt().expect("date"));
            let used = if first_full < after_last_full {
                format!(
                    "SELECT agency_code FROM stats_monthly WHERE month >= '{first_full}' AND month < '{after_last_full}' \
                     AND received_online + received_direct > 0 \
                     UNION SELECT agency_code FROM stats_daily WHERE ((day >= '{from}' AND day < '{first_full}') \
                     OR (day >= '{after_last_full}' AND day <= '{to}')) AND received_online + received_direct > 0"
                )
            } else {
                format!(
                    "SELECT agency_code FROM stats_daily WHERE day >= '{from}' AND day <= '{to}' \
                     AND received_online + received_direct > 0"
                )
            };
            let (used, existing) = match hierarchy {
                Hierarchy::AsWas => (
                    format!("SELECT DISTINCT agency_code FROM ({used}) x"),
                    format!(
                        "(a.valid_from IS NULL OR a.valid_from <= '{to}') AND (a.valid_to IS NULL OR a.valid_to >= '{from}')"
                    ),
                ),
                Hierarchy::AsIs => (
                    format!(
                        "SELECT DISTINCT COALESCE(m.now_code, x.agency_code) AS agency_code FROM ({used}) x \
                         LEFT JOIN current_of m ON m.code = x.agency_code"
                    ),
                    "a.valid_to IS NULL".to_string(),
                ),
            };
            format!(
                "SELECT CAST({i} AS INTEGER) AS point, a.level AS level, \
                 CAST(COALESCE(SUM(CASE WHEN u.agency_code IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT) AS active, \
                 CAST(COUNT(*) AS BIGINT) AS total \
                 FROM agencies a LEFT JOIN ({used}) u ON u.agency_code = a.code \
                 WHERE a.handles_procedures AND {existing}{filter} GROUP BY a.level"
            )
        })
        .collect();
    let sql = format!("{with}{} ORDER BY point, level", parts.join(" UNION ALL "), with = hierarchy.with());
    let rows: Vec<ActiveRow> = diesel::sql_query(sql).load(conn)?;
    let mut out = vec![Vec::new(); periods.len()];
    for r in rows {
        if let Some(v) = usize::try_from(r.point).ok().and_then(|i| out.get_mut(i)) {
            v.push((r.level, r.active, r.total));
        }
    }
    Ok(out)
}

/// Dossiers entered as handled outside the system, for agencies in scope (of `hierarchy`), in
/// periods inside `[from, to]`.
pub fn off_system(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
    scope: &Scope,
    hierarchy: Hierarchy,
) -> QueryResult<i64> {
    Ok(off_system_many(conn, &[(from, to)], scope, hierarchy)?.pop().unwrap_or_default())
}

#[derive(QueryableByName)]
struct OffSystemRow {
    #[diesel(sql_type = diesel::sql_types::Date)]
    period_start: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::Date)]
    period_end: NaiveDate,
    #[diesel(sql_type = BigInt)]
    dossiers: i64,
}

/// [`off_system`] for several periods of one scope, in one read: one sum per period.
pub fn off_system_many(
    conn: &mut AnyConnection,
    periods: &[(NaiveDate, NaiveDate)],
    scope: &Scope,
    hierarchy: Hierarchy,
) -> QueryResult<Vec<i64>> {
    let (Some(first), Some(last)) = (periods.iter().map(|p| p.0).min(), periods.iter().map(|p| p.1).max()) else {
        return Ok(vec![]);
    };
    let sql = format!(
        "{with}SELECT s.period_start AS period_start, s.period_end AS period_end, s.dossiers AS dossiers \
         FROM off_system_counts s {join} \
         WHERE s.period_start >= '{first}' AND s.period_end <= '{last}'{filter}",
        with = hierarchy.with(),
        join = hierarchy.join(),
        filter = scope_filter(scope),
    );
    let rows: Vec<OffSystemRow> = diesel::sql_query(sql).load(conn)?;
    Ok(periods
        .iter()
        .map(|(from, to)| {
            rows.iter().filter(|r| r.period_start >= *from && r.period_end <= *to).map(|r| r.dossiers).sum()
        })
        .collect())
}

/// Records (or replaces) an off-system count for one agency and period.
pub fn set_off_system(
    conn: &mut AnyConnection,
    agency: &str,
    from: NaiveDate,
    to: NaiveDate,
    dossiers: i64,
    at: chrono::NaiveDateTime,
    by: &str,
) -> QueryResult<()> {
    use super::schema::off_system_counts as o;
    crate::storage::transaction(conn, |conn| {
        diesel::delete(
            o::table.filter(o::agency_code.eq(agency)).filter(o::period_start.eq(from)).filter(o::period_end.eq(to)),
        )
        .execute(conn)?;
        diesel::insert_into(o::table)
            .values((
                o::agency_code.eq(agency),
                o::period_start.eq(from),
                o::period_end.eq(to),
                o::dossiers.eq(dossiers),
                o::entered_at.eq(at),
                o::entered_by.eq(by),
            ))
            .execute(conn)
            .map(|_| ())
    })
}

/// Of a report's dossiers, those from elsewhere, by source (`portal`, `ministry:<system>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SourceCount {
    pub source: String,
    /// Received in the period.
    pub received: i64,
    /// Finished in the period, and of them late.
    pub finished: i64,
    pub finished_late: i64,
}

/// The dossiers from elsewhere (source other than `motcua`) received or finished in `[from, to)`
/// (UTC) at a receiving agency in `scope`, counted by source. They are few (the partial index
/// `dossiers_source` holds only them).
pub fn by_source(
    conn: &mut AnyConnection,
    scope: &Scope,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<SourceCount>> {
    use super::schema::{agencies as a, dossiers as d};
    let mut q = d::table
        .inner_join(a::table.on(a::code.eq(d::receiving_agency)))
        .filter(d::source.ne("motcua"))
        .filter(
            d::received_at.ge(from).and(d::received_at.lt(to)).or(d::finished_at.ge(from).and(d::finished_at.lt(to))),
        )
        .select((d::source, d::received_at, d::finished_at, d::timeliness))
        .into_boxed();
    q = match scope {
        Scope::Province => q,
        Scope::Agency(code) => q.filter(a::code.eq(code.clone())),
        Scope::Subtree(path) => q.filter(a::path.eq(path.clone()).or(a::path.like(format!("{path}/%")))),
    };
    type Row = (String, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<String>);
    let mut counts: std::collections::BTreeMap<String, SourceCount> = std::collections::BTreeMap::new();
    let within = |t: Option<NaiveDateTime>| t.is_some_and(|t| t >= from && t < to);
    for (source, received, finished, timeliness) in q.load::<Row>(conn)? {
        let c = counts.entry(source.clone()).or_insert_with(|| SourceCount { source, ..SourceCount::default() });
        c.received += i64::from(within(received));
        if within(finished) {
            c.finished += 1;
            c.finished_late +=
                i64::from(timeliness.as_deref() == Some(crate::domain::calendar::Timeliness::Late.stored()));
        }
    }
    Ok(counts.into_values().collect())
}

/// One agency's online submissions waiting for a clerk now ([`intake_waiting`]).
#[derive(Debug, Clone, QueryableByName)]
pub struct WaitingRow {
    #[diesel(sql_type = Text)]
    pub agency_code: String,
    #[diesel(sql_type = Text)]
    pub agency_name: String,
    #[diesel(sql_type = BigInt)]
    pub waiting: i64,
    /// Those submitted before `past_rule_before`.
    #[diesel(sql_type = BigInt)]
    pub past_rule: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    pub oldest_submitted_at: chrono::NaiveDateTime,
}

/// The online submissions not received yet (national status 1) per agency in scope that holds
/// them — the counter that must receive them: the receiving agency, or the unit a reorganisation
/// moved its open dossiers to — with the oldest submission and how many were submitted before
/// `past_rule_before`, the agencies with the oldest first. One statement; it reads the index
/// `dossiers_current_agency (current_agency, status_code)` once per agency of the scope, so its
/// cost follows the agencies and the dossiers waiting, not the dossiers kept.
pub fn intake_waiting(
    conn: &mut AnyConnection,
    scope: &Scope,
    past_rule_before: chrono::NaiveDateTime,
) -> QueryResult<Vec<WaitingRow>> {
    let sql = format!(
        "SELECT a.code AS agency_code, MAX(a.name) AS agency_name, CAST(COUNT(*) AS BIGINT) AS waiting, \
         CAST(SUM(CASE WHEN d.submitted_at < '{cutoff}' THEN 1 ELSE 0 END) AS BIGINT) AS past_rule, \
         MIN(d.submitted_at) AS oldest_submitted_at \
         FROM agencies a JOIN dossiers d ON d.current_agency = a.code AND d.status_code = {submitted} \
         WHERE d.channel = '{online}' AND d.source NOT LIKE '{ministry}%'{filter} \
         GROUP BY a.code ORDER BY MIN(d.submitted_at), a.code",
        cutoff = past_rule_before.format("%Y-%m-%d %H:%M:%S"),
        submitted = Status::Submitted.national_code(),
        online = Channel::Online.as_str(),
        ministry = super::dossiers::MINISTRY_SOURCE,
        filter = scope_filter(scope),
    );
    diesel::sql_query(sql).load(conn)
}
