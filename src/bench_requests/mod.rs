//! `motcua bench-requests`: the measurements of issue 12 ("one request, one trip"), each side by
//! side with its baseline in the same run, interleaved, over several rounds (PostgreSQL only).
//!
//! 1. **Data** (once, kept in the database of `--database`): `--open` open dossiers (`--home-open`
//!    of them at phường Tân An, where `clerk.tanan` works) and `--finished` finished ones, with
//!    applicants (names, phones, ID numbers), intake/transfer events and real dossier codes, then the
//!    statistics counters rebuilt from them. Bulk SQL after the migrations of this binary; columns a
//!    later schema adds are filled by `bench/after-load.sql` (run after every load when present).
//! 2. **Statements per request**, counted twice: by this process's pool counter
//!    (`storage::connection::statements_sent`) and in PostgreSQL's statement log
//!    (`log_statement = 'all'` for the bench database while a capture server runs). The captured SQL,
//!    with its parameters written in, becomes the pgbench scripts of the baselines below.
//! 3. **Staff inbox and dashboard**: median/p99 of `GET /api/v1/dossiers`, `GET /can-bo` and
//!    `GET /lanh-dao`, against pgbench running the captured SQL of the same request alone.
//! 4. **Public lookup**: `wrk` (64 connections, real codes from a file, a client address per request)
//!    against pgbench running the lookup's SQL at the same concurrency, and against an actix-web
//!    hello world served by this process.
//! 5. **Intake** at each of `--intake-clients`: 201s per second of `POST /api/v1/dossiers` against
//!    pgbench running the intake's writes (its transaction without the reads).
//!
//! The server runs in this process (as the integration tests start it), with the delivery worker
//! and the demo history off, so nothing else sends statements while one request is counted.
//!
//! Here the options and the run's steps; the data in `load.rs`, the server and the requests in
//! `server.rs`, the statement capture and the pgbench scripts in `capture.rs`, the timed rounds in
//! `timing.rs`, the markdown report in `report.rs`.
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::bench::count;
use crate::configuration::Settings;
use crate::startup;

mod capture;
mod load;
mod report;
mod server;
mod timing;

use load::{clean_up, ensure_database, load_if_needed, split_url};
use report::machine;

/// The agency whose clerk the benchmark signs in as (phường Tân An, `clerk.tanan`).
pub const HOME_AGENCY: &str = "000.01.31.H12";
const CLERK: &str = "clerk.tanan";
/// The province's leader: the dashboard at its widest.
const LEADER: &str = "leader.tp";
const PASSWORD: &str = "motcua-demo";
/// Days over which the open dossiers were received (the day before the load and earlier).
const OPEN_DAYS: i64 = 60;
/// Days over which the finished dossiers were received (before the open ones).
const FINISHED_DAYS: i64 = 300;
/// Lookup variants pgbench picks from (pgbench takes at most 128 scripts).
const PGBENCH_LOOKUP_SCRIPTS: usize = 100;
/// Codes the wrk script picks from.
const WRK_LOOKUP_CODES: i64 = 10_000;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The PostgreSQL database to load and measure (created when missing, kept between runs).
    pub database: String,
    pub open: i64,
    pub home_open: i64,
    pub finished: i64,
    pub rounds: usize,
    /// Sequential requests per round for the inbox and the `/can-bo` page (a quarter for the dashboard).
    pub samples: usize,
    /// Length of each pgbench, wrk and intake run.
    pub seconds: u64,
    pub lookup_connections: usize,
    pub intake_clients: Vec<usize>,
    /// PostgreSQL's server log (where `log_statement` lines go).
    pub pg_log: PathBuf,
    /// Where the captured SQL, the pgbench scripts and logs and the report are written.
    pub out: PathBuf,
    /// The folder with `lookup.lua` and the optional `after-load.sql`.
    pub bench_dir: PathBuf,
}

/// Runs the benchmark (see the module's documentation); returns the report (also written to `--out`).
pub async fn run(mut settings: Settings, opts: Options) -> anyhow::Result<String> {
    anyhow::ensure!(opts.samples > 0 && opts.seconds > 0, "--samples and --seconds must be positive");
    let (_, db_name) = split_url(&opts.database)?;
    ensure_database(&opts.database)?;
    std::fs::create_dir_all(&opts.out)?;
    let out = std::fs::canonicalize(&opts.out)?;
    settings.database.url = opts.database.clone();
    settings.server.bind = "127.0.0.1:0".into();
    settings.server.trusted_proxies = vec!["127.0.0.1".into()];
    settings.seed.demo = true;
    settings.seed.on_empty_database = true;
    settings.seed.demo_history_days = 0;
    // The benchmark measures the old city (phường Tân An, `clerk.tanan`): no reorganisation.
    settings.seed.reorganisations = vec![];
    settings.notifications.worker = false;
    settings.throttle.sign_in_failures_per_user_and_client = 1_000_000_000;
    settings.throttle.sign_in_failures_per_client = 1_000_000_000;
    settings.throttle.sign_in_failures_per_user = 1_000_000_000;

    let pool = startup::connect(&settings)?;
    startup::prepare_database(&settings, &pool)?;
    let mut conn = pool.get()?;
    let today = crate::clock::Clock::System.now().date_naive();
    let load_time = load_if_needed(&mut conn, &opts, today)?;
    clean_up(&mut conn)?;
    let mut report = String::new();
    let _ = writeln!(report, "# motcua bench-requests\n\n{}\n", machine(&mut conn));
    let open_home = count(
        &mut conn,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dossiers WHERE current_agency = '{HOME_AGENCY}' AND status_code IN (1, 2, 4, 5, 9)"
        ),
    )?;
    let open_all =
        count(&mut conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dossiers WHERE status_code IN (1, 2, 4, 5, 9)")?;
    let total = count(&mut conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dossiers")?;
    let _ = writeln!(
        report,
        "data: {total} dossiers, {open_all} open, {open_home} open at {HOME_AGENCY} ({CLERK}); load: {}\n",
        match load_time {
            Some(t) => format!("{:.0} s (this run)", t.as_secs_f64()),
            None => "done by an earlier run".into(),
        }
    );
    // Real codes for the lookup, in an order that spreads them over agencies and days.
    let codes = load::lookup_codes(&mut conn, &out)?;

    // 2. Statements per request, on a capture server whose sessions log every statement.
    let captured = capture::capture(&settings, &opts, &db_name, &mut conn, &codes).await?;
    report::statements(&mut report, &captured.counted, &out)?;
    // The pgbench scripts: each request's SQL without the pool's ping.
    let scripts = capture::scripts(&mut conn, &opts, &out, &captured, &codes)?;
    clean_up(&mut conn)?;

    if opts.rounds == 0 {
        std::fs::write(out.join("report.md"), &report)?;
        return Ok(report);
    }
    // 3–5. Timed rounds on a fresh server (no statement log), app and baseline interleaved.
    let rounds = timing::rounds(&settings, &opts, &out, &mut conn, &codes, &scripts).await?;

    // The report.
    report::timings(&mut report, &opts, &codes, &rounds);
    std::fs::write(out.join("report.md"), &report)?;
    Ok(report)
}
