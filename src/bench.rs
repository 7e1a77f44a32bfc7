//! `motcua bench-stats`: loads a synthetic province and times the yearly province-wide report and
//! indicators through motcua's code path (counters) against a plain GROUP BY over the dossiers.
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::domain::stats::ReportRow;
use crate::services::stats::{compute, indicators, GroupBy, Selection};
use crate::storage::stats::{Counting, Hierarchy, Scope};
use crate::storage::{agencies, AnyConnection};

/// What a run measured.
#[derive(Debug)]
pub struct BenchResult {
    pub backend: &'static str,
    pub dossiers: i64,
    pub load: Option<Duration>,
    pub year: i32,
    /// Report and indicators as is (today's units: the default).
    pub ours: Vec<Duration>,
    /// The same as was (the units of the time: no regrouping).
    pub as_was: Vec<Duration>,
    /// The national indexes (TT 01/2018 evaluation, QĐ 766, ND 224 metrics) from the counters.
    pub indexes: Vec<Duration>,
    /// The same from the plain query's numbers.
    pub plain_indexes: Vec<Duration>,
    pub plain: Vec<Duration>,
    /// Agencies that have ended, whose counters `as_is` regroups under their holders.
    pub ended_agencies: i64,
    pub as_was_row: ReportRow,
    pub ours_row: ReportRow,
    pub plain_row: ReportRow,
}

fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[s.len() / 2]
}

fn p90(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[(s.len() * 9 / 10).min(s.len() - 1)]
}

impl std::fmt::Display for BenchResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(f, "backend: {}, dossiers: {}, year: {}", self.backend, self.dossiers, self.year)?;
        if let Some(l) = self.load {
            writeln!(f, "load (dossiers + counters): {:.1} s", l.as_secs_f64())?;
        }
        writeln!(
            f,
            "motcua (counters), as is:  median {:.2} ms, p90 {:.2} ms over {} runs ({} ended agencies regrouped)",
            ms(median(&self.ours)),
            ms(p90(&self.ours)),
            self.ours.len(),
            self.ended_agencies
        )?;
        writeln!(
            f,
            "motcua (counters), as was: median {:.2} ms, p90 {:.2} ms over {} runs",
            ms(median(&self.as_was)),
            ms(p90(&self.as_was)),
            self.as_was.len()
        )?;
        writeln!(
            f,
            "plain GROUP BY:     median {:.2} ms, p90 {:.2} ms over {} runs",
            ms(median(&self.plain)),
            ms(p90(&self.plain)),
            self.plain.len()
        )?;
        writeln!(f, "speed-up (median): {:.0}x", median(&self.plain).as_secs_f64() / median(&self.ours).as_secs_f64())?;
        writeln!(
            f,
            "indexes from the counters: median {:.2} ms, p90 {:.2} ms; from the plain query: median {:.2} ms, p90 {:.2} ms; speed-up {:.0}x",
            ms(median(&self.indexes)),
            ms(p90(&self.indexes)),
            ms(median(&self.plain_indexes)),
            ms(p90(&self.plain_indexes)),
            median(&self.plain_indexes).as_secs_f64() / median(&self.indexes).as_secs_f64()
        )?;
        let same = self.ours_row == self.plain_row && self.as_was_row == self.plain_row;
        writeln!(f, "same numbers (as is, as was, plain): {}", if same { "yes" } else { "NO" })?;
        write!(f, "report (3..13): {:?}", crate::domain::stats::report_columns(&self.ours_row))
    }
}

pub(crate) fn pg(conn: &AnyConnection) -> bool {
    matches!(conn, AnyConnection::Postgresql(_))
}

/// The Vietnam-time day of a UTC timestamp column.
pub(crate) fn vn_day(conn: &AnyConnection, col: &str) -> String {
    if pg(conn) {
        format!("CAST({col} + INTERVAL '7 hours' AS DATE)")
    } else {
        format!("date({col}, '+7 hours')")
    }
}

/// A UTC timestamp `seconds` after 2022-01-01 00:00 Vietnam time.
fn ts(conn: &AnyConnection, seconds: &str) -> String {
    if pg(conn) {
        format!("(TIMESTAMP '2021-12-31 17:00:00' + ({seconds}) * INTERVAL '1 second')")
    } else {
        format!("datetime('2021-12-31 17:00:00', '+' || ({seconds}) || ' seconds')")
    }
}

pub(crate) fn count(conn: &mut AnyConnection, sql: &str) -> anyhow::Result<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    Ok(diesel::sql_query(sql).get_result::<N>(conn)?.n)
}

/// The synthetic catalogue of the loaders: `bench_procs` (the current procedures received at each
/// level, numbered per level), `bench_levels` (how many per level) and `bench_agencies` (the agencies
/// that handle procedures, numbered). Returns (procedures, agencies); both are zero without the demo seeds.
pub(crate) fn synthetic_catalogue(conn: &mut AnyConnection) -> anyhow::Result<(i64, i64)> {
    // Each agency receives the procedures received at its level, as in life.
    conn.batch_execute(
        "DROP TABLE IF EXISTS bench_procs; DROP TABLE IF EXISTS bench_levels; DROP TABLE IF EXISTS bench_agencies;
         CREATE TABLE bench_procs AS
           SELECT l.level AS level, ROW_NUMBER() OVER (PARTITION BY l.level ORDER BY p.code) - 1 AS i,
                  p.id AS id, p.code AS code, p.field AS field, p.online_level AS online_level,
                  p.time_limit_value AS time_limit_value
           FROM procedures p
           JOIN (SELECT 'province' AS level UNION ALL SELECT 'district' UNION ALL SELECT 'commune') l
             ON (',' || p.receiving_levels || ',') LIKE '%,' || l.level || ',%'
           WHERE p.is_current;
         CREATE TABLE bench_levels AS SELECT level, COUNT(*) AS n FROM bench_procs GROUP BY level;
         CREATE TABLE bench_agencies AS SELECT ROW_NUMBER() OVER (ORDER BY code) - 1 AS i, code, level
           FROM agencies WHERE handles_procedures AND level IN (SELECT level FROM bench_levels);",
    )?;
    let procs = count(conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_procs")?;
    let agencies = count(conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_agencies")?;
    anyhow::ensure!(procs > 0 && agencies > 0, "load the demo seeds first (motcua seed)");
    Ok((procs, agencies))
}

/// Loads `n` synthetic dossiers spread over 2022–2026 at the demo province's agencies and
/// procedures (30% online, most finished, some late, the last weeks pending), then builds the
/// counters from them with the same contributions the transactional path writes.
pub fn load(conn: &mut AnyConnection, n: i64) -> anyhow::Result<()> {
    let span: i64 = 5 * 365 * 86_400;
    let (_, agencies) = synthetic_catalogue(conn)?;
    let series = if pg(conn) {
        format!("SELECT g FROM generate_series(CAST(1 AS BIGINT), {n}) AS g")
    } else {
        format!("WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) SELECT g FROM s")
    };
    // Offsets in seconds: receipt spread evenly; due after the limit (in days, ×1.4 for weekends);
    // finished after a spread of up to twice the limit; the newest 2% still pending.
    let received = ts(conn, &format!("g * {span} / {n}"));
    let due = ts(conn, &format!("g * {span} / {n} + p.time_limit_value * 120960"));
    let finished = ts(conn, &format!("g * {span} / {n} + ((g * 7919) % (p.time_limit_value * 2 + 2)) * 86400"));
    let online = "(g % 10) < 3";
    let sql = format!(
        "INSERT INTO dossiers (id, code, reference, procedure_id, procedure_code, receiving_agency, current_agency, channel, status,
            status_code, current_step, route, limit_value, limit_unit, documents, citizen_user_id, pin, submitted_at,
            received_at, clock_started_at, due_at, extended_due_at, step_started_at, step_due_at, supplement_stage,
            intake_supplements, appraisal_supplements, extensions, decision, finished_at, timeliness, returned_at, row_version)
         SELECT 'bench-' || g, 'BENCH-' || g, 'BENCH-R' || g, p.id, p.code, a.code, a.code,
            CASE WHEN {online} THEN 'online' ELSE 'direct' END,
            CASE WHEN g > {pending_from} THEN 'processing' ELSE 'returned' END,
            CASE WHEN g > {pending_from} THEN 4 ELSE 10 END,
            0, a.code || ':1', p.time_limit_value, 'working_days', '[]', NULL, '000000', {received}, {received}, {received},
            {due}, NULL, NULL, NULL, NULL, {intake_supplements}, {appraisal_supplements}, 0, NULL,
            CASE WHEN g > {pending_from} THEN NULL ELSE {finished} END, NULL, NULL, 1
         FROM ({series}) AS gs
         JOIN bench_agencies a ON a.i = g % {agencies}
         JOIN bench_levels bl ON bl.level = a.level
         JOIN bench_procs p ON p.level = a.level AND p.i = (g / 7) % bl.n",
        pending_from = n - n / 50,
        // About 8% asked for a supplement once at intake, 7% in appraisal, 3% twice (the QĐ 766 indexes).
        intake_supplements = "CASE WHEN g % 13 = 0 THEN 1 ELSE 0 END",
        appraisal_supplements = "CASE WHEN g % 31 = 0 THEN 2 WHEN g % 17 = 0 THEN 1 ELSE 0 END",
    );
    conn.batch_execute(&sql).context("loading synthetic dossiers")?;
    let (f, d) = (vn_day(conn, "finished_at"), vn_day(conn, "due_at"));
    conn.batch_execute(&format!(
        "UPDATE dossiers SET timeliness = CASE WHEN {f} < {d} THEN 'early' WHEN {f} = {d} THEN 'on_time' ELSE 'late' END
         WHERE finished_at IS NOT NULL AND code LIKE 'BENCH-%'"
    ))?;
    rebuild_counters(conn)
}

/// Rebuilds the counters from the dossiers (the marks of `domain::stats::contributions`).
pub fn rebuild_counters(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let (r, d, f) = (vn_day(conn, "x.received_at"), vn_day(conn, "x.due_at"), vn_day(conn, "x.finished_at"));
    let month = |day: &str| {
        if pg(conn) {
            format!("CAST(date_trunc('month', {day}) AS DATE)")
        } else {
            format!("date({day}, 'start of month')")
        }
    };
    let settled = format!("CASE WHEN {f} > {d} THEN {f} ELSE {d} END");
    // The supplement requests made, and whether a finished dossier was early or on time.
    let n = "(x.intake_supplements + x.appraisal_supplements)";
    let online = "CASE WHEN x.channel = 'online' THEN 1 ELSE 0 END";
    let marks = format!(
        "SELECT x.receiving_agency AS agency_code, p.field AS field, {r} AS day,
            {online} AS received_online,
            CASE WHEN x.channel = 'online' THEN 0 ELSE 1 END AS received_direct,
            CASE WHEN x.channel = 'online' AND p.online_level = 4 THEN 1 ELSE 0 END AS received_online_level4,
            0 AS resolved_early, 0 AS resolved_on_time, 0 AS resolved_late, 0 AS due, 0 AS settled,
            0 AS resolved_one_supplement, 0 AS resolved_many_supplements, 0 AS resolved_in_time_many_supplements,
            0 AS resolved_late_online, 0 AS due_online, 0 AS settled_online
         FROM dossiers x JOIN procedures p ON p.id = x.procedure_id WHERE x.received_at IS NOT NULL
         UNION ALL
         SELECT x.receiving_agency, p.field, {d}, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, {online}, 0
         FROM dossiers x JOIN procedures p ON p.id = x.procedure_id WHERE x.received_at IS NOT NULL AND x.due_at IS NOT NULL
         UNION ALL
         SELECT x.receiving_agency, p.field, {f}, 0, 0, 0,
            CASE WHEN x.timeliness = 'early' THEN 1 ELSE 0 END, CASE WHEN x.timeliness = 'on_time' THEN 1 ELSE 0 END,
            CASE WHEN x.timeliness = 'late' THEN 1 ELSE 0 END, 0, 0,
            CASE WHEN {n} = 1 THEN 1 ELSE 0 END, CASE WHEN {n} > 1 THEN 1 ELSE 0 END,
            CASE WHEN {n} > 1 AND x.timeliness <> 'late' THEN 1 ELSE 0 END,
            CASE WHEN x.timeliness = 'late' AND x.channel = 'online' THEN 1 ELSE 0 END, 0, 0
         FROM dossiers x JOIN procedures p ON p.id = x.procedure_id WHERE x.received_at IS NOT NULL AND x.finished_at IS NOT NULL
         UNION ALL
         SELECT x.receiving_agency, p.field, {settled}, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, {online}
         FROM dossiers x JOIN procedures p ON p.id = x.procedure_id
         WHERE x.received_at IS NOT NULL AND x.finished_at IS NOT NULL AND x.due_at IS NOT NULL"
    );
    let cols = "received_online, received_direct, received_online_level4, resolved_early, resolved_on_time, \
                resolved_late, due, settled, resolved_one_supplement, resolved_many_supplements, \
                resolved_in_time_many_supplements, resolved_late_online, due_online, settled_online";
    let sums = cols.split(", ").map(|c| format!("SUM({})", c.trim())).collect::<Vec<_>>().join(", ");
    let m = month("m.day");
    let y = if pg(conn) {
        "CAST(date_trunc('year', m.month) AS DATE)".to_string()
    } else {
        "date(m.month, 'start of year')".to_string()
    };
    conn.batch_execute(&format!(
        "DELETE FROM stats_daily; DELETE FROM stats_monthly; DELETE FROM stats_yearly;
         INSERT INTO stats_daily (agency_code, field, day, {cols})
           SELECT m.agency_code, m.field, m.day, {sums} FROM ({marks}) m GROUP BY m.agency_code, m.field, m.day;
         INSERT INTO stats_monthly (agency_code, field, month, {cols})
           SELECT m.agency_code, m.field, {m}, {sums} FROM stats_daily m GROUP BY m.agency_code, m.field, {m};
         INSERT INTO stats_yearly (agency_code, field, year, {cols})
           SELECT m.agency_code, m.field, {y}, {sums} FROM stats_monthly m GROUP BY m.agency_code, m.field, {y};"
    ))
    .context("building counters")?;
    if pg(conn) {
        conn.batch_execute(
            "ANALYZE dossiers; ANALYZE agencies; ANALYZE stats_daily; ANALYZE stats_monthly; ANALYZE stats_yearly;",
        )?;
    } else {
        conn.batch_execute("ANALYZE;")?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct PlainRow {
    #[diesel(sql_type = BigInt)]
    received_online: i64,
    #[diesel(sql_type = BigInt)]
    received_direct: i64,
    #[diesel(sql_type = BigInt)]
    carried_over: i64,
    #[diesel(sql_type = BigInt)]
    resolved_early: i64,
    #[diesel(sql_type = BigInt)]
    resolved_on_time: i64,
    #[diesel(sql_type = BigInt)]
    resolved_late: i64,
    #[diesel(sql_type = BigInt)]
    pending_in_time: i64,
    #[diesel(sql_type = BigInt)]
    pending_overdue: i64,
    #[diesel(sql_type = BigInt)]
    received_online_level4: i64,
    #[diesel(sql_type = BigInt)]
    resolved_one_supplement: i64,
    #[diesel(sql_type = BigInt)]
    resolved_many_supplements: i64,
    #[diesel(sql_type = BigInt)]
    resolved_in_time_many_supplements: i64,
    #[diesel(sql_type = BigInt)]
    resolved_late_online: i64,
    #[diesel(sql_type = BigInt)]
    pending_overdue_online: i64,
}

/// The same numbers straight from the dossiers, in one pass: the baseline.
pub fn plain_report(
    conn: &mut AnyConnection,
    root_path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<ReportRow> {
    let (r, f, d) = (vn_day(conn, "x.received_at"), vn_day(conn, "x.finished_at"), vn_day(conn, "x.due_at"));
    let sum = |cond: &str| format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)");
    let (from, to) = (format!("'{from}'"), format!("'{to}'"));
    let sql = format!(
        "SELECT {ro} AS received_online, {rd} AS received_direct, {co} AS carried_over,
                {re} AS resolved_early, {rt} AS resolved_on_time, {rl} AS resolved_late,
                {pi} AS pending_in_time, {po} AS pending_overdue, {l4} AS received_online_level4,
                {s1} AS resolved_one_supplement, {sn} AS resolved_many_supplements,
                {sin} AS resolved_in_time_many_supplements, {rlo} AS resolved_late_online,
                {poo} AS pending_overdue_online
         FROM (SELECT {r} AS r, {f} AS f, {d} AS d, x.channel AS channel, p.online_level AS online_level,
                      x.intake_supplements + x.appraisal_supplements AS n
               FROM dossiers x JOIN agencies a ON a.code = x.receiving_agency JOIN procedures p ON p.id = x.procedure_id
               WHERE x.received_at IS NOT NULL AND (a.path = '{root}' OR a.path LIKE '{root}/%')) x",
        ro = sum(&format!("x.r >= {from} AND x.r <= {to} AND x.channel = 'online'")),
        rd = sum(&format!("x.r >= {from} AND x.r <= {to} AND x.channel <> 'online'")),
        co = sum(&format!("x.r < {from} AND (x.f IS NULL OR x.f >= {from})")),
        re = sum(&format!("x.r <= {to} AND x.f >= {from} AND x.f <= {to} AND x.f < x.d")),
        rt = sum(&format!("x.r <= {to} AND x.f >= {from} AND x.f <= {to} AND x.f = x.d")),
        rl = sum(&format!("x.r <= {to} AND x.f >= {from} AND x.f <= {to} AND x.f > x.d")),
        pi = sum(&format!("x.r <= {to} AND (x.f IS NULL OR x.f > {to}) AND x.d > {to}")),
        po = sum(&format!("x.r <= {to} AND (x.f IS NULL OR x.f > {to}) AND x.d <= {to}")),
        l4 = sum(&format!("x.r >= {from} AND x.r <= {to} AND x.channel = 'online' AND x.online_level = 4")),
        s1 = sum(&format!("x.r <= {to} AND x.f >= {from} AND x.f <= {to} AND x.n = 1")),
        sn = sum(&format!("x.r <= {to} AND x.f >= {from} AND x.f <= {to} AND x.n > 1")),
        sin = sum(&format!("x.r <= {to} AND x.f >= {from} AND x.f <= {to} AND x.n > 1 AND x.f <= x.d")),
        rlo = sum(&format!("x.r <= {to} AND x.f >= {from} AND x.f <= {to} AND x.f > x.d AND x.channel = 'online'")),
        poo = sum(&format!("x.r <= {to} AND (x.f IS NULL OR x.f > {to}) AND x.d <= {to} AND x.channel = 'online'")),
        root = root_path.replace('\'', ""),
    );
    let p: PlainRow = diesel::sql_query(sql).get_result(conn)?;
    let carried = p.carried_over;
    let received_total = p.received_online + p.received_direct + carried;
    let resolved_total = p.resolved_early + p.resolved_on_time + p.resolved_late;
    Ok(ReportRow {
        received_total,
        received_online: p.received_online,
        received_direct: p.received_direct,
        carried_over: carried,
        resolved_total,
        resolved_early: p.resolved_early,
        resolved_on_time: p.resolved_on_time,
        resolved_late: p.resolved_late,
        pending_total: p.pending_in_time + p.pending_overdue,
        pending_in_time: p.pending_in_time,
        pending_overdue: p.pending_overdue,
        received_online_level4: p.received_online_level4,
        rated: 0,
        rated_satisfied: 0,
        // The synthetic dossiers are received as submitted, and `rebuild_counters` writes no waits.
        intake_timed: 0,
        intake_wait_minutes: 0,
        intake_late: 0,
        // Nor any stays at route steps (the synthetic dossiers have no control sheet), nor
        // processing times (the office minutes need the calendar: not computed in SQL here).
        steps_ended: 0,
        steps_early: 0,
        steps_late: 0,
        step_late_minutes: 0,
        resolved_one_supplement: p.resolved_one_supplement,
        resolved_many_supplements: p.resolved_many_supplements,
        resolved_in_time_many_supplements: p.resolved_in_time_many_supplements,
        resolved_late_online: p.resolved_late_online,
        pending_overdue_online: p.pending_overdue_online,
        resolved_working_minutes: 0,
        resolved_timed: 0,
    })
}

/// Loads (unless enough synthetic dossiers are there already) and times both paths `runs` times, interleaved.
pub fn run(conn: &mut AnyConnection, dossiers: i64, year: i32, runs: usize) -> anyhow::Result<BenchResult> {
    let backend = crate::storage::connection::backend_name(conn);
    let have = count(conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dossiers WHERE code LIKE 'BENCH-%'")?;
    let load_time = if have != dossiers {
        conn.batch_execute("DELETE FROM dossiers WHERE code LIKE 'BENCH-%'")?;
        let t = Instant::now();
        load(conn, dossiers)?;
        Some(t.elapsed())
    } else {
        None
    };
    let root = agencies::find(conn, "000.00.00.H12")?.context("the demo province 000.00.00.H12 is not loaded")?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).context("year")?;
    let selection = Selection {
        from,
        to,
        agency: root.clone(),
        scope: Scope::Subtree(root.path.clone()),
        grouping: GroupBy::None,
        hierarchy: Hierarchy::AsIs,
        counting: Counting::Receiving,
    };
    let was = Selection { hierarchy: Hierarchy::AsWas, ..selection.clone() };
    let (mut ours, mut as_was, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    let (mut indexes, mut plain_indexes) = (Vec::new(), Vec::new());
    let (mut ours_row, mut as_was_row, mut plain_row) =
        (ReportRow::default(), ReportRow::default(), ReportRow::default());
    fn timed(conn: &mut AnyConnection, sel: &Selection, times: &mut Vec<Duration>) -> anyhow::Result<ReportRow> {
        let t = Instant::now();
        let (_, total) = compute(conn, sel).map_err(|e| anyhow::anyhow!("{e}"))?;
        indicators(conn, sel, &total).map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(t.elapsed());
        Ok(total)
    }
    // The indexes of a row, as `GET /api/v1/stats/evaluation` and `/index766` compute them.
    fn indexes_of(conn: &mut AnyConnection, row: &ReportRow) -> anyhow::Result<()> {
        let (levels, _) =
            crate::storage::procedures::tally_by_online_level(&crate::storage::procedures::online_levels(conn)?, None);
        let all = levels.iter().sum();
        std::hint::black_box((
            crate::domain::indexes::evaluation(row, levels, all),
            crate::domain::indexes::index766(row, levels, all),
            crate::domain::indexes::realtime_metrics(row, levels, all),
        ));
        Ok(())
    }
    for _ in 0..runs {
        ours_row = timed(conn, &selection, &mut ours)?;
        as_was_row = timed(conn, &was, &mut as_was)?;
        let t = Instant::now();
        plain_row = plain_report(conn, &root.path, from, to)?;
        plain.push(t.elapsed());
        let t = Instant::now();
        let (_, row) = compute(conn, &selection).map_err(|e| anyhow::anyhow!("{e}"))?;
        indexes_of(conn, &row)?;
        indexes.push(t.elapsed());
        let t = Instant::now();
        let row = plain_report(conn, &root.path, from, to)?;
        indexes_of(conn, &row)?;
        plain_indexes.push(t.elapsed());
    }
    // Ratings are not part of the synthetic load; compare the report's own columns.
    for row in [&mut ours_row, &mut as_was_row] {
        row.rated = 0;
        row.rated_satisfied = 0;
    }
    let ended_agencies = count(conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM agencies WHERE held_by IS NOT NULL")?;
    Ok(BenchResult {
        backend,
        dossiers,
        load: load_time,
        year,
        ours,
        as_was,
        indexes,
        plain_indexes,
        plain,
        ended_agencies,
        as_was_row,
        ours_row,
        plain_row,
    })
}
