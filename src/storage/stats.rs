//! Statistics counters (written with each dossier change) and their prefix sums (read side).
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::AnyConnection;
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
type Row = (NaiveDate, [i64; 10]);

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
                rows.push((date, [0; 10]));
                rows.len() - 1
            }
        };
        rows[i].1[column(d.measure)] += d.amount;
    }
    rows.retain(|(_, v)| v.iter().any(|n| *n != 0));
    rows
}

const MEASURES: [&str; 10] = [
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
];

/// One upsert adding every row's deltas to one counter table (a new row starts from the deltas,
/// an existing one adds them); the same SQL on both backends but for the placeholders.
fn upsert(
    conn: &mut AnyConnection,
    table: &str,
    date_col: &str,
    agency: &str,
    field: &str,
    rows: &[Row],
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
    let tuples: Vec<String> =
        rows.iter().map(|_| format!("({})", (0..13).map(|_| placeholder()).collect::<Vec<_>>().join(", "))).collect();
    let sql = format!(
        "INSERT INTO {table} (agency_code, field, {date_col}, {}) VALUES {} \
         ON CONFLICT (agency_code, field, {date_col}) DO UPDATE SET {}",
        MEASURES.join(", "),
        tuples.join(", "),
        MEASURES.map(|m| format!("{m} = {table}.{m} + excluded.{m}")).join(", ")
    );
    macro_rules! run {
        ($c:expr, $db:ty) => {{
            let mut q = diesel::sql_query(sql).into_boxed::<$db>();
            for (date, v) in rows {
                q = q.bind::<Text, _>(agency.to_string()).bind::<Text, _>(field.to_string()).bind::<Date, _>(*date);
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
    let days = rows_of(deltas, |d| d);
    if !days.is_empty() {
        upsert(conn, "stats_daily", "day", agency, field, &days)?;
    }
    let months = rows_of(deltas, month_of);
    if !months.is_empty() {
        upsert(conn, "stats_monthly", "month", agency, field, &months)?;
    }
    let years = rows_of(deltas, year_of);
    if !years.is_empty() {
        upsert(conn, "stats_yearly", "year", agency, field, &years)?;
    }
    Ok(())
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
}

/// Sums of every measure over all days up to and including `last_day`, per group (see
/// [`cumulative_at`]): `(group key, sums)`.
pub fn cumulative(
    conn: &mut AnyConnection,
    last_day: NaiveDate,
    scope: &Scope,
    grouping: Grouping,
) -> QueryResult<Vec<(String, Cumulative)>> {
    let mut at = cumulative_at(conn, &[(last_day, grouping)], scope)?;
    Ok(at.pop().unwrap_or_default().into_iter().map(|(k, _, c)| (k, c)).collect())
}

/// For each `(last_day, grouping)`, the sums of every measure over all days up to and including
/// `last_day`, per group: the yearly counters of earlier years, the monthly counters of earlier
/// months of its year, and the daily counters of its month (whole years and whole months skip the
/// finer tables). All points in one statement; the cost grows with agencies × fields × (years +
/// 12 + 31) per point, not with dossiers. Each group comes as `(key, label, sums)`: the label is
/// the agency's name when grouped by agency, else the key.
///
/// Values inlined into the SQL are dates formatted here and paths/codes already validated as
/// QCVN 102 codes (digits, dots, one capital letter, slashes), so nothing from outside reaches it raw.
pub fn cumulative_at(
    conn: &mut AnyConnection,
    points: &[(NaiveDate, Grouping)],
    scope: &Scope,
) -> QueryResult<Vec<Vec<(String, String, Cumulative)>>> {
    let filter = match scope {
        Scope::Province => String::new(),
        Scope::Agency(code) => format!(" AND s.agency_code = '{}'", safe(code)),
        Scope::Subtree(path) => format!(" AND (a.path = '{0}' OR a.path LIKE '{0}/%')", safe(path)),
    };
    let sums = [
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
    ]
    .map(|c| format!("CAST(COALESCE(SUM(s.{c}), 0) AS BIGINT) AS {c}"))
    .join(", ");
    let mut parts = Vec::new();
    for (i, (last_day, grouping)) in points.iter().enumerate() {
        let (last_day, grouping) = (*last_day, *grouping);
        let month = month_of(last_day);
        let (key, label) = match grouping {
            Grouping::None => ("'all'", "'all'"),
            Grouping::Agency => ("s.agency_code", "MAX(a.name)"),
            Grouping::Level => ("a.level", "a.level"),
            Grouping::Field => ("s.field", "s.field"),
        };
        let group_by = if grouping == Grouping::None { String::new() } else { format!(" GROUP BY {key}") };
        let year = year_of(last_day);
        let next_day = last_day.succ_opt().expect("date in range");
        let part = |table: &str, date_col: &str, cond: String| {
            format!(
                "SELECT CAST({i} AS INTEGER) AS point, {key} AS group_key, {label} AS group_label, {sums} \
                 FROM {table} s JOIN agencies a ON a.code = s.agency_code WHERE {cond}{filter}{group_by}",
                cond = cond.replace("{c}", &format!("s.{date_col}"))
            )
        };
        if next_day == year_of(next_day) {
            parts.push(part("stats_yearly", "year", format!("{{c}} <= '{year}'")));
        } else {
            parts.push(part("stats_yearly", "year", format!("{{c}} < '{year}'")));
            if next_day.day() == 1 {
                parts.push(part("stats_monthly", "month", format!("{{c}} >= '{year}' AND {{c}} <= '{month}'")));
            } else {
                parts.push(part("stats_monthly", "month", format!("{{c}} >= '{year}' AND {{c}} < '{month}'")));
                parts.push(part("stats_daily", "day", format!("{{c}} >= '{month}' AND {{c}} <= '{last_day}'")));
            }
        }
    }
    let mut out: Vec<Vec<(String, String, Cumulative)>> = vec![Vec::new(); points.len()];
    if parts.is_empty() {
        return Ok(out);
    }
    let rows: Vec<SumRow> = diesel::sql_query(parts.join(" UNION ALL ")).load(conn)?;
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
    #[diesel(sql_type = Text)]
    level: String,
    #[diesel(sql_type = BigInt)]
    active: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// Per level: agencies in scope that handle procedures, and those that received at least one
/// dossier in `[from, to]` (installed ≠ used). Whole months read the monthly counters.
pub fn agencies_using(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
    scope: &Scope,
) -> QueryResult<Vec<(String, i64, i64)>> {
    let first_full =
        if from.day() == 1 { from } else { month_of(from).checked_add_months(chrono::Months::new(1)).expect("date") };
    let after_last_full = month_of(to.succ_opt().expect("date"));
    let filter = match scope {
        Scope::Province => String::new(),
        Scope::Agency(code) => format!(" AND a.code = '{}'", safe(code)),
        Scope::Subtree(path) => format!(" AND (a.path = '{0}' OR a.path LIKE '{0}/%')", safe(path)),
    };
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
    let sql = format!(
        "SELECT a.level AS level, \
         CAST(COALESCE(SUM(CASE WHEN u.agency_code IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT) AS active, \
         CAST(COUNT(*) AS BIGINT) AS total \
         FROM agencies a LEFT JOIN (SELECT DISTINCT agency_code FROM ({used}) x) u ON u.agency_code = a.code \
         WHERE a.handles_procedures{filter} GROUP BY a.level ORDER BY a.level"
    );
    let rows: Vec<ActiveRow> = diesel::sql_query(sql).load(conn)?;
    Ok(rows.into_iter().map(|r| (r.level, r.active, r.total)).collect())
}

/// Dossiers entered as handled outside the system, for agencies in scope, in periods inside `[from, to]`.
pub fn off_system(conn: &mut AnyConnection, from: NaiveDate, to: NaiveDate, scope: &Scope) -> QueryResult<i64> {
    use super::schema::{agencies, off_system_counts as o};
    let mut q = o::table
        .inner_join(agencies::table)
        .filter(o::period_start.ge(from))
        .filter(o::period_end.le(to))
        .select(o::dossiers)
        .into_boxed();
    match scope {
        Scope::Province => {}
        Scope::Agency(code) => q = q.filter(o::agency_code.eq(code.clone())),
        Scope::Subtree(path) => {
            q = q.filter(agencies::path.eq(path.clone()).or(agencies::path.like(format!("{path}/%"))))
        }
    }
    Ok(q.load::<i64>(conn)?.into_iter().sum())
}

/// [`off_system`] for several periods of one scope, in one read: one sum per period.
pub fn off_system_many(
    conn: &mut AnyConnection,
    periods: &[(NaiveDate, NaiveDate)],
    scope: &Scope,
) -> QueryResult<Vec<i64>> {
    use super::schema::{agencies, off_system_counts as o};
    let (Some(first), Some(last)) = (periods.iter().map(|p| p.0).min(), periods.iter().map(|p| p.1).max()) else {
        return Ok(vec![]);
    };
    let mut q = o::table
        .inner_join(agencies::table)
        .filter(o::period_start.ge(first))
        .filter(o::period_end.le(last))
        .select((o::period_start, o::period_end, o::dossiers))
        .into_boxed();
    match scope {
        Scope::Province => {}
        Scope::Agency(code) => q = q.filter(o::agency_code.eq(code.clone())),
        Scope::Subtree(path) => {
            q = q.filter(agencies::path.eq(path.clone()).or(agencies::path.like(format!("{path}/%"))))
        }
    }
    let rows = q.load::<(NaiveDate, NaiveDate, i64)>(conn)?;
    Ok(periods
        .iter()
        .map(|(from, to)| rows.iter().filter(|(s, e, _)| s >= from && e <= to).map(|(_, _, n)| n).sum())
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
    conn.transaction(|conn| {
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
