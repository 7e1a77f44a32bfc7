//! The markdown report: the machine, the statements per request and the timed rounds' tables.
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use super::capture::{script, Counted};
use super::timing::Rounds;
use super::{Options, CLERK, PGBENCH_LOOKUP_SCRIPTS};
use crate::storage::AnyConnection;

fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() as f64 * q) as usize).min(s.len() - 1)]
}

fn median(v: &[f64]) -> f64 {
    quantile(v, 0.5)
}

/// The report's first line: the machine, PostgreSQL and its settings, the build, the load average.
pub(super) fn machine(conn: &mut AnyConnection) -> String {
    #[derive(diesel::QueryableByName)]
    struct V {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    use diesel::RunQueryDsl;
    let pg = diesel::sql_query("SELECT version() AS v").get_result::<V>(conn).map(|v| v.v).unwrap_or_default();
    let setting = |conn: &mut AnyConnection, name: &str| {
        diesel::sql_query(format!("SELECT current_setting('{name}') AS v"))
            .get_result::<V>(conn)
            .map(|v| v.v)
            .unwrap_or_default()
    };
    let (sb, sc, wm) =
        (setting(conn, "shared_buffers"), setting(conn, "synchronous_commit"), setting(conn, "work_mem"));
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string()))
        .and_then(|kib| kib.parse::<f64>().ok())
        .map(|kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        .unwrap_or_default();
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    format!(
        "machine: {} cores, {mem} RAM; {pg}; shared_buffers {sb}, work_mem {wm}, synchronous_commit {sc}; \
         {} build of commit {commit}; load average at start: {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        if cfg!(debug_assertions) { "DEBUG" } else { "release" },
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// The table of statements per request; each request's captured SQL goes to `out`.
pub(super) fn statements(report: &mut String, counted: &[Counted], out: &Path) -> anyhow::Result<()> {
    let _ = writeln!(report, "## Statements per request (one request after a warm-up)\n");
    let _ = writeln!(
        report,
        "| request | statements (pool counter) | in PostgreSQL's log | of which writes | pool pings | BEGIN/COMMIT | target |\n|---|---|---|---|---|---|---|"
    );
    for c in counted {
        let _ = writeln!(
            report,
            "| {} | {} | {} | {} | {} | {} | {} |",
            c.name,
            c.counter,
            c.logged.len(),
            c.writes(),
            c.pings(),
            c.control(),
            c.target
        );
        let file = out.join(format!("captured-{}.sql", c.name.split(':').next().unwrap_or_default().replace(' ', "-")));
        std::fs::write(&file, script(&c.logged.iter().collect::<Vec<_>>()))?;
    }
    let _ = writeln!(report, "\n(the captured SQL of each request: {}/captured-*.sql)\n", out.display());
    Ok(())
}

/// The timed rounds' tables: the inbox and the dashboard, the public lookup, the intake.
pub(super) fn timings(report: &mut String, opts: &Options, codes: &[String], rounds: &Rounds) {
    let Rounds { dashboard_samples, inbox_rows, lookup_rows, intake_rows } = rounds;
    let _ = writeln!(
        report,
        "## Staff inbox and dashboard ({} rounds; per round {} sequential requests of the API and the page, {} of the dashboard; pgbench -c 1 for {} s on the same SQL)\n",
        opts.rounds, opts.samples, dashboard_samples, opts.seconds
    );
    let _ = writeln!(
        report,
        "| round | inbox API median / p99 | inbox SQL (pgbench) median / p99 / avg | API ÷ SQL | main query alone median | API ÷ main query | /can-bo median | page ÷ API | dashboard median / p99 | dashboard SQL (pgbench) median / avg |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    let mut r_api = Vec::new();
    let mut r_api99 = Vec::new();
    let mut r_sql = Vec::new();
    let mut r_page = Vec::new();
    let mut r_dash = Vec::new();
    let mut r_dash_sql = Vec::new();
    let mut r_main = Vec::new();
    for (i, (api, page, dash, pi, pm, pd)) in inbox_rows.iter().enumerate() {
        let (a, s, p, d) = (median(api), median(&pi.latencies), median(page), median(dash));
        let m = median(&pm.latencies);
        r_main.push(m);
        r_api.push(a);
        r_api99.push(quantile(api, 0.99));
        r_sql.push(s);
        r_page.push(p);
        r_dash.push(d);
        r_dash_sql.push(median(&pd.latencies));
        let _ = writeln!(
            report,
            "| {} | {a:.2} / {:.2} ms | {s:.2} / {:.2} / {:.2} ms | {:.2}× | {m:.2} ms | {:.2}× | {p:.2} ms | {:.2}× | {d:.1} / {:.1} ms | {:.1} / {:.1} ms |",
            i + 1,
            quantile(api, 0.99),
            quantile(&pi.latencies, 0.99),
            pi.latency_avg_ms,
            a / s,
            a / m,
            p / a,
            quantile(dash, 0.99),
            median(&pd.latencies),
            pd.latency_avg_ms
        );
    }
    let _ = writeln!(
        report,
        "| **median** | **{:.2}** / {:.2} ms | **{:.2}** ms | **{:.2}×** | {:.2} ms | **{:.2}×** | {:.2} ms | **{:.2}×** | **{:.1}** ms | {:.1} ms |\n",
        median(&r_api),
        median(&r_api99),
        median(&r_sql),
        median(&r_api) / median(&r_sql),
        median(&r_main),
        median(&r_api) / median(&r_main),
        median(&r_page),
        median(&r_page) / median(&r_api),
        median(&r_dash),
        median(&r_dash_sql)
    );
    let _ = writeln!(
        report,
        "## Public lookup (wrk -t 2 -c {c}, {n} real codes, a client address per request; pgbench -c {c} -j 2 -M simple over {PGBENCH_LOOKUP_SCRIPTS} codes; hello world: wrk -c {c}; {s} s each)\n",
        c = opts.lookup_connections,
        n = codes.len(),
        s = opts.seconds
    );
    let _ = writeln!(
        report,
        "| round | app requests/s (p50 / p99, non-2xx) | lookup SQL (pgbench) tps | hello world requests/s | app ÷ SQL | app ÷ hello |\n|---|---|---|---|---|---|"
    );
    let (mut ra, mut rp, mut rh) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (a, p, h)) in lookup_rows.iter().enumerate() {
        ra.push(a.rps);
        rp.push(p.tps);
        rh.push(h.rps);
        let _ = writeln!(
            report,
            "| {} | {:.0} ({:.1} / {:.1} ms, {}) | {:.0} | {:.0} | {:.3}× | {:.3}× |",
            i + 1,
            a.rps,
            a.p50_ms,
            a.p99_ms,
            a.non_2xx,
            p.tps,
            h.rps,
            a.rps / p.tps,
            a.rps / h.rps
        );
    }
    let _ = writeln!(
        report,
        "| **median** | **{:.0}** | **{:.0}** | **{:.0}** | **{:.3}×** | **{:.3}×** |\n",
        median(&ra),
        median(&rp),
        median(&rh),
        median(&ra) / median(&rp),
        median(&ra) / median(&rh)
    );
    let _ = writeln!(
        report,
        "## Intake (POST /api/v1/dossiers by {CLERK}, {s} s per run; pgbench -c N -j 2 -M simple on the intake's writes, {s} s)\n",
        s = opts.seconds
    );
    let _ = writeln!(
        report,
        "| clients | round | app 201s/s (other answers) | writes alone (pgbench) tps (failed) | app ÷ pgbench |\n|---|---|---|---|---|"
    );
    for &clients in &opts.intake_clients {
        let rows: Vec<_> = intake_rows.iter().filter(|r| r.0 == clients).collect();
        let (mut a, mut p) = (Vec::new(), Vec::new());
        for (i, (_, rate, errors, pgb)) in rows.iter().enumerate() {
            a.push(*rate);
            p.push(pgb.tps);
            let _ = writeln!(
                report,
                "| {clients} | {} | {rate:.0} ({errors}) | {:.0} ({}) | {:.2}× |",
                i + 1,
                pgb.tps,
                pgb.failed,
                rate / pgb.tps
            );
        }
        let _ = writeln!(
            report,
            "| {clients} | **median** | **{:.0}** | **{:.0}** | **{:.2}×** |",
            median(&a),
            median(&p),
            median(&a) / median(&p)
        );
    }
    let _ = writeln!(
        report,
        "\nload average at the end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}
