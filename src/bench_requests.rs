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
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::bench::{count, synthetic_catalogue};
use crate::configuration::Settings;
use crate::startup;
use crate::storage::{connection, AnyConnection};

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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------------
// The database: created when missing, loaded once.

/// (server URL with the `postgres` database, database name) of a `postgres://…/NAME` URL.
fn split_url(url: &str) -> anyhow::Result<(String, String)> {
    anyhow::ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "bench-requests runs on PostgreSQL only: give --database postgres://…/motcua_bench1m"
    );
    let (base, name) = url.rsplit_once('/').context("no database name in the URL")?;
    let name = name.split('?').next().unwrap_or_default().to_string();
    anyhow::ensure!(
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
        "the database name must be letters, digits and underscores"
    );
    Ok((format!("{base}/postgres"), name))
}

fn ensure_database(url: &str) -> anyhow::Result<()> {
    let (admin_url, name) = split_url(url)?;
    let admin = connection::establish_postgres(&admin_url).context("cannot connect to the server")?;
    let mut admin = AnyConnection::Postgresql(admin);
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pg_database WHERE datname = '{name}'");
    if count(&mut admin, &sql)? == 0 {
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    }
    Ok(())
}

/// Tables with a `dossier_id` column (children of dossiers), whatever the schema has grown.
fn dossier_children(conn: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
    }
    use diesel::RunQueryDsl;
    let rows: Vec<T> = diesel::sql_query(
        "SELECT CAST(table_name AS TEXT) AS table_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'dossier_id' AND table_name <> 'dossiers'
         ORDER BY table_name",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|t| t.table_name).collect())
}

/// Removes what requests and pgbench wrote (every dossier the loader did not make, the throttle's
/// records, today's code sequences), so that every round starts from the loaded data.
fn clean_up(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let mut sql = String::new();
    for t in dossier_children(conn)? {
        let _ = write!(sql, "DELETE FROM {t} WHERE dossier_id NOT LIKE 'bench-%';");
    }
    sql.push_str("DELETE FROM dossiers WHERE id NOT LIKE 'bench-%'; DELETE FROM dossier_sequences;");
    conn.batch_execute(&sql).context("cleaning up after a round")?;
    // The throttle's tables may be renamed by a later schema: best effort.
    let _ = conn.batch_execute("DELETE FROM throttle_events;");
    vacuum(conn, "VACUUM")
}

/// VACUUM of the dossiers' big tables, one statement each (VACUUM runs outside a transaction).
fn vacuum(conn: &mut AnyConnection, how: &str) -> anyhow::Result<()> {
    for t in ["dossiers", "dossier_events", "dossier_applicants"] {
        conn.batch_execute(&format!("{how} {t}"))?;
    }
    Ok(())
}

/// Loads the synthetic province unless the same load is there already; returns its time.
fn load_if_needed(
    conn: &mut AnyConnection,
    opts: &Options,
    today: chrono::NaiveDate,
) -> anyhow::Result<Option<Duration>> {
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS bench_requests_meta (open BIGINT NOT NULL, home BIGINT NOT NULL,
           finished BIGINT NOT NULL, anchor DATE NOT NULL, load_seconds DOUBLE PRECISION NOT NULL)",
    )?;
    let same = count(
        conn,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_requests_meta WHERE open = {} AND home = {} AND finished = {}",
            opts.open, opts.home_open, opts.finished
        ),
    )?;
    if same == 1 {
        after_load(conn, opts)?;
        return Ok(None);
    }
    let started = Instant::now();
    println!("loading {} open and {} finished dossiers (once; kept for later runs)...", opts.open, opts.finished);
    let mut sql = String::new();
    for t in dossier_children(conn)? {
        let _ = write!(sql, "DELETE FROM {t} WHERE dossier_id LIKE 'bench-%';");
    }
    sql.push_str("DELETE FROM dossiers WHERE id LIKE 'bench-%'; DELETE FROM bench_requests_meta;");
    conn.batch_execute(&sql)?;
    load(conn, opts, today)?;
    conn.batch_execute("DROP TABLE IF EXISTS bench_requests_after_load")?;
    after_load(conn, opts)?;
    crate::bench::rebuild_counters(conn)?;
    vacuum(conn, "VACUUM ANALYZE")?;
    let took = started.elapsed();
    conn.batch_execute(&format!(
        "INSERT INTO bench_requests_meta VALUES ({}, {}, {}, '{today}', {})",
        opts.open,
        opts.home_open,
        opts.finished,
        took.as_secs_f64()
    ))?;
    Ok(Some(took))
}

/// Runs `bench/after-load.sql` when it differs from the one that ran last on this database (a later
/// schema's derived columns, filled on a database loaded by an earlier binary too).
fn after_load(conn: &mut AnyConnection, opts: &Options) -> anyhow::Result<()> {
    let path = opts.bench_dir.join("after-load.sql");
    let Ok(sql) = std::fs::read_to_string(&path) else { return Ok(()) };
    conn.batch_execute("CREATE TABLE IF NOT EXISTS bench_requests_after_load (sql TEXT NOT NULL)")?;
    let quoted = sql.replace('\'', "''");
    let same = count(
        conn,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_requests_after_load WHERE sql = '{quoted}'"),
    )?;
    if same == 0 {
        println!("running {}...", path.display());
        conn.batch_execute(&sql).with_context(|| format!("running {}", path.display()))?;
        conn.batch_execute(&format!(
            "DELETE FROM bench_requests_after_load; INSERT INTO bench_requests_after_load VALUES ('{quoted}');"
        ))?;
    }
    Ok(())
}

/// The bulk load (PostgreSQL SQL). **Where a later schema adds a NOT NULL column without a default
/// to `dossiers`, `dossier_applicants` or `dossier_events`, add it to the column lists below**;
/// values derived from others (e.g. a folded applicant name) go in `bench/after-load.sql`.
fn load(conn: &mut AnyConnection, opts: &Options, today: chrono::NaiveDate) -> anyhow::Result<()> {
    let (_, _) = synthetic_catalogue(conn)?;
    let home_ok =
        count(conn, &format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_agencies WHERE code = '{HOME_AGENCY}'"))?;
    anyhow::ensure!(home_ok == 1, "{HOME_AGENCY} (the clerk's agency) does not handle procedures in the seeds");
    conn.batch_execute(&format!(
        "DROP TABLE IF EXISTS bench_r_agencies;
         CREATE TABLE bench_r_agencies AS
           SELECT -1 AS i, code, level FROM bench_agencies WHERE code = '{HOME_AGENCY}'
           UNION ALL
           SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code, level FROM bench_agencies WHERE code <> '{HOME_AGENCY}';"
    ))?;
    let others = count(conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_r_agencies WHERE i >= 0")?;
    let all = others + 1;
    let (n, h, f) = (opts.open, opts.home_open.min(opts.open), opts.finished);
    let columns = "id, code, reference, procedure_id, procedure_code, receiving_agency, current_agency, channel, status,
        status_code, current_step, route, limit_value, limit_unit, documents, citizen_user_id, pin, submitted_at,
        received_at, clock_started_at, due_at, extended_due_at, step_started_at, step_due_at, supplement_stage,
        intake_supplements, appraisal_supplements, extensions, decision, finished_at, timeliness, returned_at, row_version";
    // Open dossiers: the first `h` at the home agency, the rest spread over the others; the k-th
    // dossier of an agency was received `k % OPEN_DAYS + 1` days before the load, with sequence
    // `k / OPEN_DAYS + 1` that day (so codes are real and unique). Status by g % 20: 5% submitted online
    // (no code yet), 20% received, 50% processing, 10% awaiting a supplement, 15% result ready.
    let open = format!(
        "INSERT INTO dossiers ({columns})
         SELECT 'bench-r-' || s.g,
           CASE WHEN s.st = 0 THEN NULL ELSE s.agency || '-' || to_char(s.day, 'YYMMDD') || '-' || lpad(CAST(s.seq AS TEXT), 4, '0') END,
           'HS-BR' || lpad(CAST(s.g AS TEXT), 8, '0'), p.id, p.code, s.agency, s.agency,
           CASE WHEN s.st = 0 OR s.g % 10 < 3 THEN 'online' ELSE 'direct' END,
           CASE s.st WHEN 0 THEN 'submitted' WHEN 1 THEN 'received' WHEN 2 THEN 'processing' WHEN 3 THEN 'awaiting_supplement' ELSE 'result_ready' END,
           CASE s.st WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 5 ELSE 9 END,
           0, s.agency || ':1', p.time_limit_value, 'working_days', '[\"Đơn đề nghị\"]', NULL, '000000',
           s.at, CASE WHEN s.st = 0 THEN NULL ELSE s.at END, CASE WHEN s.st = 0 THEN NULL ELSE s.at END,
           CASE WHEN s.st = 0 THEN NULL ELSE s.at + p.time_limit_value * INTERVAL '33 hours' END, NULL,
           CASE WHEN s.st = 0 THEN NULL ELSE s.at END,
           CASE WHEN s.st = 0 THEN NULL ELSE s.at + (1 + s.g % 5) * INTERVAL '1 day' END,
           CASE WHEN s.st = 3 THEN 'appraisal' END, 0, CASE WHEN s.st = 3 THEN 1 ELSE 0 END, 0,
           NULL, NULL, NULL, NULL, 1
         FROM (SELECT x.g, a.code AS agency, a.level AS level,
                 DATE '{today}' - CAST(1 + x.k % {OPEN_DAYS} AS INTEGER) AS day, x.k / {OPEN_DAYS} + 1 AS seq,
                 CASE WHEN x.g % 20 = 0 THEN 0 WHEN x.g % 20 < 5 THEN 1 WHEN x.g % 20 < 15 THEN 2
                      WHEN x.g % 20 < 17 THEN 3 ELSE 4 END AS st,
                 CAST(DATE '{today}' - CAST(1 + x.k % {OPEN_DAYS} AS INTEGER) AS TIMESTAMP) + INTERVAL '1 hour'
                   + ((x.g * 37) % 28800) * INTERVAL '1 second' AS at
               FROM (SELECT g, CASE WHEN g <= {h} THEN -1 ELSE (g - {h} - 1) % {others} END AS ai,
                            CASE WHEN g <= {h} THEN g - 1 ELSE (g - {h} - 1) / {others} END AS k
                     FROM generate_series(CAST(1 AS BIGINT), {n}) AS g) x
               JOIN bench_r_agencies a ON a.i = x.ai) s
         JOIN bench_levels bl ON bl.level = s.level
         JOIN bench_procs p ON p.level = s.level AND p.i = (s.g / 7) % bl.n"
    );
    conn.batch_execute(&open).context("loading open dossiers")?;
    // Finished dossiers, received before the open ones, returned after up to twice the time limit.
    let finished = format!(
        "INSERT INTO dossiers ({columns})
         SELECT 'bench-f-' || s.g, s.agency || '-' || to_char(s.day, 'YYMMDD') || '-' || lpad(CAST(s.seq AS TEXT), 4, '0'),
           'HS-BF' || lpad(CAST(s.g AS TEXT), 8, '0'), p.id, p.code, s.agency, s.agency,
           CASE WHEN s.g % 10 < 3 THEN 'online' ELSE 'direct' END, 'returned', 10,
           0, s.agency || ':1', p.time_limit_value, 'working_days', '[\"Đơn đề nghị\"]', NULL, '000000',
           s.at, s.at, s.at, s.at + p.time_limit_value * INTERVAL '33 hours', NULL, s.at,
           s.at + INTERVAL '1 day', NULL, 0, 0, 0, 'approved',
           s.at + ((s.g * 7919) % (p.time_limit_value * 2 + 2)) * INTERVAL '1 day', NULL,
           s.at + ((s.g * 7919) % (p.time_limit_value * 2 + 2)) * INTERVAL '1 day', 1
         FROM (SELECT x.g, a.code AS agency, a.level AS level,
                 DATE '{today}' - CAST({OPEN_DAYS} + 1 + x.k % {FINISHED_DAYS} AS INTEGER) AS day,
                 x.k / {FINISHED_DAYS} + 1 AS seq,
                 CAST(DATE '{today}' - CAST({OPEN_DAYS} + 1 + x.k % {FINISHED_DAYS} AS INTEGER) AS TIMESTAMP)
                   + INTERVAL '1 hour' + ((x.g * 37) % 28800) * INTERVAL '1 second' AS at
               FROM (SELECT g, g % {all} - 1 AS ai, g / {all} AS k FROM generate_series(CAST(1 AS BIGINT), {f}) AS g) x
               JOIN bench_r_agencies a ON a.i = x.ai) s
         JOIN bench_levels bl ON bl.level = s.level
         JOIN bench_procs p ON p.level = s.level AND p.i = (s.g / 7) % bl.n;
         UPDATE dossiers SET timeliness = CASE
             WHEN CAST(finished_at + INTERVAL '7 hours' AS DATE) < CAST(due_at + INTERVAL '7 hours' AS DATE) THEN 'early'
             WHEN CAST(finished_at + INTERVAL '7 hours' AS DATE) = CAST(due_at + INTERVAL '7 hours' AS DATE) THEN 'on_time'
             ELSE 'late' END
         WHERE id LIKE 'bench-f-%';"
    );
    conn.batch_execute(&finished).context("loading finished dossiers")?;
    // Applicants: names from common family, middle and given names (about 5,600 combinations),
    // unique 12-digit ID numbers, phones.
    let applicants = "INSERT INTO dossier_applicants (dossier_id, name, id_number, phone, email, address, notify_by)
         SELECT d.id,
           (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Vũ','Võ','Đặng','Bùi','Đỗ','Hồ','Ngô'])[1 + d.n % 14]
           || ' ' || (ARRAY['Văn','Thị','Minh','Thanh','Ngọc','Quốc','Hoàng','Thu','Đức','Kim'])[1 + (d.n / 14) % 10]
           || ' ' || (ARRAY['An','Bình','Châu','Dũng','Giang','Hà','Hải','Hạnh','Hiếu','Hòa','Hùng','Hương','Khánh','Khoa',
                            'Lan','Linh','Long','Mai','Nam','Nga','Nhung','Phong','Phúc','Quân','Quyên','Sơn','Tâm','Thảo',
                            'Thắng','Thủy','Tiến','Trâm','Trung','Tú','Tuấn','Uyên','Việt','Vinh','Xuân','Yến'])[1 + (d.n / 140) % 40],
           '0' || CAST(92000000000 + d.n AS TEXT), '09' || lpad(CAST((d.n * 7919) % 100000000 AS TEXT), 8, '0'), NULL,
           CAST(1 + d.n % 300 AS TEXT) || ' đường Nguyễn Trãi, Cần Thơ', 'both'
         FROM (SELECT id, CAST(substr(id, 9) AS BIGINT) + CASE WHEN id LIKE 'bench-f-%' THEN 50000000 ELSE 0 END AS n
               FROM dossiers WHERE id LIKE 'bench-%') d";
    conn.batch_execute(applicants).context("loading applicants")?;
    let events =
        "INSERT INTO dossier_events (dossier_id, seq, at, action, actor_user_id, actor_role, from_agency, to_agency,
           status, status_code, step_due_at, step_timeliness, note, details)
         SELECT id, 1, received_at, 'intake', NULL, 'clerk', receiving_agency, receiving_agency, 'received', 2,
           step_due_at, NULL, NULL, NULL
         FROM dossiers WHERE id LIKE 'bench-%' AND received_at IS NOT NULL;
         INSERT INTO dossier_events (dossier_id, seq, at, action, actor_user_id, actor_role, from_agency, to_agency,
           status, status_code, step_due_at, step_timeliness, note, details)
         SELECT id, 2, received_at + INTERVAL '2 hours', 'transfer', NULL, 'clerk', current_agency, current_agency,
           'processing', 4, step_due_at, NULL, NULL, NULL
         FROM dossiers WHERE id LIKE 'bench-%' AND status_code IN (4, 5, 9, 10);";
    conn.batch_execute(events).context("loading events")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The server, in this process.

/// An application (or the hello world) on a thread and actix system of its own.
struct Instance {
    system: actix_web::rt::System,
    thread: Option<std::thread::JoinHandle<()>>,
    url: String,
}

impl Instance {
    fn start_app(settings: &Settings) -> anyhow::Result<Self> {
        let settings = settings.clone();
        Self::start(move || {
            let app = startup::Application::build(&settings)?;
            let port = app.port();
            actix_web::rt::spawn(app.run_until_stopped());
            Ok(port)
        })
    }

    /// The baseline of the lookup: actix-web answering a constant, on as many workers as the app.
    fn start_hello(workers: Option<usize>) -> anyhow::Result<Self> {
        Self::start(move || {
            use actix_web::{web, App, HttpServer};
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            let port = listener.local_addr()?.port();
            let mut server = HttpServer::new(|| App::new().route("/", web::get().to(|| async { "Hello, world!" })));
            if let Some(w) = workers {
                server = server.workers(w);
            }
            actix_web::rt::spawn(server.listen(listener)?.run());
            Ok(port)
        })
    }

    fn start(build: impl FnOnce() -> anyhow::Result<u16> + Send + 'static) -> anyhow::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            let started = system.block_on(async move {
                let port = build().map_err(|e| format!("{e:#}"))?;
                Ok::<_, String>((actix_web::rt::System::current(), port))
            });
            let ok = started.is_ok();
            let _ = tx.send(started);
            if ok {
                let _ = system.run();
            }
        });
        let (system, port) = rx.recv()?.map_err(|e| anyhow::anyhow!("the server did not start: {e}"))?;
        Ok(Self { system, thread: Some(thread), url: format!("http://127.0.0.1:{port}") })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.system.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn sign_in(client: &reqwest::Client, url: &str, username: &str) -> anyhow::Result<String> {
    let r = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "{username} could not sign in: {}", r.status());
    Ok(r.json::<serde_json::Value>().await?["token"].as_str().context("no token")?.to_string())
}

fn intake_body(i: u64) -> serde_json::Value {
    json!({"procedure_code": "1.003583", "channel": "direct",
        "applicant": {"name": "Nguyễn Văn Thử", "id_number": format!("0921{:08}", i % 100_000_000),
                      "phone": "0912345678", "email": "thu.nguyen@example.vn", "address": "12 Nguyễn Trãi, phường Tân An"},
        "documents": ["Đơn đề nghị"]})
}

/// A random client address, so that the per-address lookup limit sees many clients (the
/// benchmark's server trusts 127.0.0.1 as a proxy).
fn some_address(i: u64) -> String {
    let x = i.wrapping_mul(2_654_435_761) % 16_000_000;
    format!("10.{}.{}.{}", x / 65_536 % 256, x / 256 % 256, x % 256)
}

/// The requests the benchmark makes.
struct Requests {
    client: reqwest::Client,
    url: String,
    clerk: String,
    leader: String,
    codes: Vec<String>,
    n: AtomicU64,
}

impl Requests {
    async fn new(url: &str, codes: Vec<String>) -> anyhow::Result<Self> {
        // Idle connections are dropped before the server's keep-alive (5 s) would close them under a request.
        let client = reqwest::Client::builder().pool_idle_timeout(Duration::from_secs(2)).build()?;
        let clerk = sign_in(&client, url, CLERK).await?;
        let leader = sign_in(&client, url, LEADER).await?;
        Ok(Self { client, url: url.to_string(), clerk, leader, codes, n: AtomicU64::new(1) })
    }

    async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<Duration> {
        let t = Instant::now();
        let mut req = self.client.get(format!("{}{path}", self.url));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let i = self.n.fetch_add(1, Ordering::Relaxed);
        let r = req.header("X-Forwarded-For", some_address(i)).send().await?;
        let status = r.status();
        r.bytes().await?;
        anyhow::ensure!(status.is_success(), "GET {path} answered {status}");
        Ok(t.elapsed())
    }

    async fn inbox(&self) -> anyhow::Result<Duration> {
        self.get("/api/v1/dossiers", Some(&self.clerk)).await
    }
    async fn inbox_page(&self) -> anyhow::Result<Duration> {
        self.get("/can-bo", Some(&self.clerk)).await
    }
    async fn dashboard(&self) -> anyhow::Result<Duration> {
        self.get("/lanh-dao", Some(&self.leader)).await
    }
    async fn lookup(&self) -> anyhow::Result<(Duration, String)> {
        let i = self.n.load(Ordering::Relaxed) as usize;
        let code = self.codes[(i * 7919) % self.codes.len()].clone();
        Ok((self.get(&format!("/api/v1/lookup/{code}"), None).await?, code))
    }

    /// Receives a dossier at the counter; returns its code and reference.
    async fn intake(&self) -> anyhow::Result<(String, String)> {
        let i = self.n.fetch_add(1, Ordering::Relaxed);
        let r = self
            .client
            .post(format!("{}/api/v1/dossiers", self.url))
            .bearer_auth(&self.clerk)
            .json(&intake_body(i))
            .send()
            .await?;
        anyhow::ensure!(r.status().as_u16() == 201, "intake answered {}", r.status());
        let v: serde_json::Value = r.json().await?;
        Ok((
            v["code"].as_str().context("no code in the 201")?.to_string(),
            v["reference"].as_str().unwrap_or_default().to_string(),
        ))
    }

    async fn transfer(&self, code: &str) -> anyhow::Result<()> {
        let r = self
            .client
            .post(format!("{}/api/v1/dossiers/{code}/actions", self.url))
            .bearer_auth(&self.clerk)
            .json(&json!({"action": "transfer", "note": "Chuyển bộ phận chuyên môn"}))
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "transfer answered {}", r.status());
        r.bytes().await?;
        Ok(())
    }
}

/// One request of a kind: the inbox, its page, a lookup (returns the code), an intake (returns the
/// code and reference), an action (a transfer of `subject`, or of a fresh intake) or the dashboard.
async fn capture_request(
    requests: &Requests,
    kind: &str,
    subject: Option<&str>,
) -> anyhow::Result<Option<(String, String)>> {
    match kind {
        "inbox" => requests.inbox().await.map(|_| None),
        "inbox page" => requests.inbox_page().await.map(|_| None),
        "lookup" => requests.lookup().await.map(|(_, c)| Some((c, String::new()))),
        "intake" => requests.intake().await.map(Some),
        "action" => {
            let code = match subject {
                Some(c) => c.to_string(),
                None => requests.intake().await?.0,
            };
            requests.transfer(&code).await.map(|_| None)
        }
        _ => requests.dashboard().await.map(|_| None),
    }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL's statement log.

/// Reads the statements one database's sessions logged since a mark.
struct StatementLog {
    path: PathBuf,
    db: String,
    offset: u64,
}

/// One statement as the server ran it, its parameters written in as literals.
#[derive(Debug, Clone)]
struct Logged {
    sql: String,
}

impl Logged {
    fn is_ping(&self) -> bool {
        self.sql.trim().eq_ignore_ascii_case("SELECT 1")
    }
    fn is_transaction_control(&self) -> bool {
        let s = self.sql.trim_start().to_ascii_uppercase();
        ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START TRANSACTION"].iter().any(|k| s.starts_with(k))
    }
    fn is_write(&self) -> bool {
        let s = self.sql.trim_start().to_ascii_uppercase();
        ["INSERT", "UPDATE", "DELETE", "WITH"].iter().any(|k| s.starts_with(k))
            && (!s.starts_with("WITH") || s.contains("INSERT") || s.contains("UPDATE") || s.contains("DELETE"))
    }
}

impl StatementLog {
    fn mark(&mut self) -> anyhow::Result<()> {
        self.offset = std::fs::metadata(&self.path)
            .with_context(|| format!("cannot read PostgreSQL's log {} (give --pg-log)", self.path.display()))?
            .len();
        Ok(())
    }

    fn since_mark(&self) -> anyhow::Result<Vec<Logged>> {
        let mut f = std::fs::File::open(&self.path)?;
        f.seek(SeekFrom::Start(self.offset))?;
        let mut text = String::new();
        f.read_to_string(&mut text)?;
        Ok(parse_log(&text, &self.db))
    }
}

/// Parses `log_line_prefix = '%m [%p] %q%u@%d '` lines: `statement:` and `execute …:` entries of
/// database `db`, each followed (for the extended protocol) by a `DETAIL:  parameters:` entry.
fn parse_log(text: &str, db: &str) -> Vec<Logged> {
    let prefix =
        regex::Regex::new(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:(\S*)@(\S*) )?([A-Z]+):  (.*)$")
            .expect("valid regex");
    // (pid, database, level, message) per entry; continuation lines belong to the entry above.
    let mut entries: Vec<(String, String, String, String)> = Vec::new();
    for line in text.lines() {
        match prefix.captures(line) {
            Some(c) => entries.push((
                c[1].to_string(),
                c.get(3).map(|m| m.as_str().to_string()).unwrap_or_default(),
                c[4].to_string(),
                c[5].to_string(),
            )),
            None => {
                if let Some(last) = entries.last_mut() {
                    last.3.push('\n');
                    last.3.push_str(line);
                }
            }
        }
    }
    let mut out: Vec<Logged> = Vec::new();
    let mut last_of_pid: HashMap<String, usize> = HashMap::new();
    for (pid, database, level, message) in entries {
        if database != db {
            continue;
        }
        if level == "LOG" {
            let sql = if let Some(s) = message.strip_prefix("statement: ") {
                Some(s.to_string())
            } else if message.starts_with("execute ") {
                message.split_once(": ").map(|(_, s)| s.to_string())
            } else {
                None
            };
            if let Some(sql) = sql {
                last_of_pid.insert(pid, out.len());
                out.push(Logged { sql });
            }
        } else if level == "DETAIL" {
            if let (Some(params), Some(&i)) = (message.strip_prefix("parameters: "), last_of_pid.get(&pid)) {
                out[i].sql = substitute(&out[i].sql, &parse_params(params));
            }
        }
    }
    out
}

/// `$1 = 'a', $2 = NULL, …` → {1: "'a'", 2: "NULL"}.
fn parse_params(s: &str) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let Ok(n) = s[start..j].parse::<usize>() else { break };
        let rest = &s[j..];
        let Some(rest) = rest.strip_prefix(" = ") else { break };
        let value_start = s.len() - rest.len();
        if rest.starts_with("NULL") {
            out.insert(n, "NULL".to_string());
            i = value_start + 4;
        } else if rest.starts_with('\'') {
            let mut k = value_start + 1;
            loop {
                if k >= b.len() {
                    break;
                }
                if b[k] == b'\'' {
                    if k + 1 < b.len() && b[k + 1] == b'\'' {
                        k += 2;
                        continue;
                    }
                    break;
                }
                k += 1;
            }
            let end = (k + 1).min(s.len());
            out.insert(n, s[value_start..end].to_string());
            i = end;
        } else {
            break;
        }
    }
    out
}

/// Writes parameter values into `$n` placeholders outside quoted literals.
fn substitute(sql: &str, params: &HashMap<usize, String>) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    let mut quoted = false;
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
            out.push(c);
        } else if c == '$' && !quoted {
            let digits: String = sql[i + 1..].chars().take_while(|d| d.is_ascii_digit()).collect();
            match digits.parse::<usize>().ok().and_then(|n| params.get(&n)) {
                Some(v) => {
                    out.push_str(v);
                    for _ in 0..digits.len() {
                        chars.next();
                    }
                }
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A pgbench script of the given statements (one per command).
fn script(statements: &[&Logged]) -> String {
    statements.iter().map(|s| format!("{};\n", s.sql.trim().trim_end_matches(';'))).collect()
}

/// The intake's writes as a pgbench script that can run many times: its transaction control and
/// writes (no reads), with every identifier literal the intake made up (uuids, the code, the
/// reference) replaced by one unique per transaction. The uuids in `existing` (the procedure, the
/// clerk: rows the intake points to) stay.
fn intake_writes_script(statements: &[Logged], code: &str, reference: &str, existing: &[String]) -> String {
    let kept: Vec<&Logged> = statements.iter().filter(|s| s.is_write() || s.is_transaction_control()).collect();
    // Drop transactions that wrote nothing.
    let mut trimmed: Vec<&Logged> = Vec::new();
    for s in kept {
        let upper = s.sql.trim_start().to_ascii_uppercase();
        if (upper.starts_with("COMMIT") || upper.starts_with("ROLLBACK"))
            && trimmed.last().is_some_and(|l| l.sql.trim_start().to_ascii_uppercase().starts_with("BEGIN"))
        {
            trimmed.pop();
            continue;
        }
        trimmed.push(s);
    }
    let mut text = script(&trimmed);
    let uuid = regex::Regex::new(r"'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'").expect("regex");
    let mut seen: Vec<String> = Vec::new();
    for c in uuid.captures_iter(&text.clone()) {
        if !seen.contains(&c[1].to_string()) && !existing.contains(&c[1].to_string()) {
            seen.push(c[1].to_string());
        }
    }
    for (k, u) in seen.iter().enumerate() {
        text = text.replace(&format!("'{u}'"), &format!("('pgb-{k}-' || :r)"));
    }
    if !code.is_empty() {
        text = text.replace(&format!("'{code}'"), "('PGB-' || :r)");
    }
    if !reference.is_empty() {
        text = text.replace(&format!("'{reference}'"), "('PGR-' || :r)");
    }
    format!("\\set r random(1, 1000000000000000)\n{text}")
}

// ---------------------------------------------------------------------------------------------
// External tools.

#[derive(Debug, Default, Clone)]
struct Pgbench {
    tps: f64,
    latency_avg_ms: f64,
    failed: u64,
    /// Per-transaction latencies (ms) from `-l`, when logged.
    latencies: Vec<f64>,
}

fn run_pgbench(
    url: &str,
    scripts: &[PathBuf],
    clients: usize,
    seconds: u64,
    log_prefix: Option<&Path>,
) -> anyhow::Result<Pgbench> {
    let mut cmd = Command::new("pgbench");
    cmd.args(["-n", "-M", "simple", "-c", &clients.to_string(), "-j", &clients.min(2).to_string()]);
    cmd.args(["-T", &seconds.to_string()]);
    for s in scripts {
        cmd.arg("-f").arg(s);
    }
    if let Some(p) = log_prefix {
        cmd.arg("-l").arg(format!("--log-prefix={}", p.display()));
    }
    cmd.arg(url);
    let out = cmd.output().context("cannot run pgbench (apt-get install postgresql-client)")?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    anyhow::ensure!(out.status.success(), "pgbench failed: {stderr}{stdout}");
    let number = |key: &str| -> f64 {
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let mut r = Pgbench {
        tps: number("tps = "),
        latency_avg_ms: number("latency average = "),
        failed: number("number of failed transactions: ") as u64,
        latencies: vec![],
    };
    if let Some(prefix) = log_prefix {
        let dir = prefix.parent().unwrap_or(Path::new("."));
        let stem = prefix.file_name().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.file_name().and_then(|s| s.to_str()).is_some_and(|n| n.starts_with(&format!("{stem}."))) {
                for line in std::fs::read_to_string(&path)?.lines() {
                    if let Some(us) = line.split_whitespace().nth(2).and_then(|v| v.parse::<f64>().ok()) {
                        r.latencies.push(us / 1000.0);
                    }
                }
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(r)
}

#[derive(Debug, Default, Clone)]
struct Wrk {
    rps: f64,
    non_2xx: u64,
    p50_ms: f64,
    p99_ms: f64,
}

fn run_wrk(url: &str, connections: usize, seconds: u64, script: Option<(&Path, &Path)>) -> anyhow::Result<Wrk> {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t", "2", "-c", &connections.to_string(), "-d", &format!("{seconds}s"), "--latency"]);
    if let Some((lua, _)) = script {
        cmd.arg("-s").arg(lua);
    }
    cmd.arg(url);
    if let Some((_, codes)) = script {
        cmd.arg("--").arg(codes);
    }
    let out = cmd.output().context("cannot run wrk (apt-get install wrk)")?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    anyhow::ensure!(out.status.success(), "wrk failed: {}{stdout}", String::from_utf8_lossy(&out.stderr));
    let after = |key: &str| stdout.lines().find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()));
    let duration_ms = |v: Option<String>| -> f64 {
        let v = v.unwrap_or_default();
        let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
        let x: f64 = num.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => x / 1000.0,
            "ms" => x,
            "s" => x * 1000.0,
            "m" => x * 60_000.0,
            _ => f64::NAN,
        }
    };
    Ok(Wrk {
        rps: after("Requests/sec:").and_then(|v| v.parse().ok()).unwrap_or(f64::NAN),
        non_2xx: after("Non-2xx or 3xx responses:").and_then(|v| v.parse().ok()).unwrap_or(0),
        p50_ms: duration_ms(after("50%")),
        p99_ms: duration_ms(after("99%")),
    })
}

/// `clients` clerks receiving dossiers for `seconds`: (201s per second, other answers).
async fn intake_load(requests: &Arc<Requests>, clients: usize, seconds: u64) -> (f64, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let (done, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (requests, stop, done, errors) = (requests.clone(), stop.clone(), done.clone(), errors.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    match requests.intake().await {
                        Ok(_) => done.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            if errors.fetch_add(1, Ordering::Relaxed) == 0 {
                                eprintln!("    first intake error: {e:#}");
                            }
                            1
                        }
                    };
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    (done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64(), errors.load(Ordering::Relaxed))
}

// ---------------------------------------------------------------------------------------------
// The run.

/// Statements of one request.
struct Counted {
    name: &'static str,
    target: &'static str,
    counter: u64,
    logged: Vec<Logged>,
}

impl Counted {
    fn writes(&self) -> usize {
        self.logged.iter().filter(|s| s.is_write()).count()
    }
    fn pings(&self) -> usize {
        self.logged.iter().filter(|s| s.is_ping()).count()
    }
    fn control(&self) -> usize {
        self.logged.iter().filter(|s| s.is_transaction_control()).count()
    }
    /// What pgbench runs for this request: everything but the pool's check-out ping.
    fn sql(&self) -> Vec<&Logged> {
        self.logged.iter().filter(|s| !s.is_ping()).collect()
    }
}

fn machine(conn: &mut AnyConnection) -> String {
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
    let codes: Vec<String> = {
        #[derive(diesel::QueryableByName)]
        struct C {
            #[diesel(sql_type = diesel::sql_types::Text)]
            code: String,
        }
        use diesel::RunQueryDsl;
        let rows: Vec<C> = diesel::sql_query(format!(
            "SELECT code FROM dossiers WHERE id LIKE 'bench-%' AND code IS NOT NULL ORDER BY md5(id) LIMIT {WRK_LOOKUP_CODES}"
        ))
        .load(&mut conn)?;
        std::fs::write(out.join("lookup-codes.txt"), rows.iter().map(|c| format!("{}\n", c.code)).collect::<String>())?;
        rows.into_iter().map(|c| c.code).collect()
    };
    let id_of = |conn: &mut AnyConnection, code: &str| -> anyhow::Result<String> {
        #[derive(diesel::QueryableByName)]
        struct I {
            #[diesel(sql_type = diesel::sql_types::Text)]
            id: String,
        }
        use diesel::RunQueryDsl;
        Ok(diesel::sql_query(format!("SELECT id FROM dossiers WHERE code = '{code}'")).get_result::<I>(conn)?.id)
    };

    // 2. Statements per request, on a capture server whose sessions log every statement.
    println!("counting statements per request (capture server, log_statement = 'all')...");
    let mut log = StatementLog { path: opts.pg_log.clone(), db: db_name.clone(), offset: 0 };
    log.mark()?;
    conn.batch_execute(&format!("ALTER DATABASE {db_name} SET log_statement = 'all'"))?;
    let captured = {
        let server = Instance::start_app(&settings);
        conn.batch_execute(&format!("ALTER DATABASE {db_name} RESET log_statement"))?;
        let server = server?;
        let requests = Requests::new(&server.url, codes.clone()).await?;
        let mut counted: Vec<Counted> = Vec::new();
        let mut lookup_code = String::new();
        let mut intake_keys = (String::new(), String::new());
        for (name, target) in [
            ("inbox: GET /api/v1/dossiers", "≤ 3"),
            ("inbox page: GET /can-bo", "–"),
            ("lookup: GET /api/v1/lookup/{code}", "≤ 2"),
            ("intake: POST /api/v1/dossiers", "≤ 15, ≤ 8 writes"),
            ("action: POST …/actions (transfer)", "≤ 12"),
            ("dashboard: GET /lanh-dao (province leader)", "≤ 10"),
        ] {
            // A first request warms the caches and the connections; the second is counted.
            let kind = name.split(':').next().unwrap_or_default();
            capture_request(&requests, kind, None).await?;
            // An action needs a dossier of its own: received before the count starts.
            let subject = if kind == "action" { Some(requests.intake().await?.0) } else { None };
            tokio::time::sleep(Duration::from_millis(300)).await;
            log.mark()?;
            let before = connection::statements_sent(&opts.database);
            let keys = capture_request(&requests, kind, subject.as_deref()).await?;
            let counter = connection::statements_sent(&opts.database) - before;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let logged = log.since_mark()?;
            if name.starts_with("lookup") {
                lookup_code = keys.clone().map(|k| k.0).unwrap_or_default();
            }
            if name.starts_with("intake") {
                intake_keys = keys.clone().unwrap_or_default();
            }
            counted.push(Counted { name, target, counter, logged });
        }
        drop(requests);
        drop(server);
        (counted, lookup_code, intake_keys)
    };
    let (counted, lookup_code, (intake_code, intake_reference)) = captured;
    let _ = writeln!(report, "## Statements per request (one request after a warm-up)\n");
    let _ = writeln!(
        report,
        "| request | statements (pool counter) | in PostgreSQL's log | of which writes | pool pings | BEGIN/COMMIT | target |\n|---|---|---|---|---|---|---|"
    );
    for c in &counted {
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

    // The pgbench scripts: each request's SQL without the pool's ping.
    let find = |prefix: &str| counted.iter().find(|c| c.name.starts_with(prefix)).context("captured");
    let inbox_sql = out.join("pgbench-inbox.sql");
    std::fs::write(&inbox_sql, script(&find("inbox:")?.sql()))?;
    // The inbox's main query alone (its first statement on the dossiers), as the issue quotes it.
    let inbox_main_sql = out.join("pgbench-inbox-main.sql");
    let main = find("inbox:")?
        .sql()
        .into_iter()
        .find(|s| s.sql.to_ascii_lowercase().contains("dossiers") && !s.is_transaction_control());
    std::fs::write(&inbox_main_sql, script(&main.into_iter().collect::<Vec<_>>()))?;
    let dashboard_sql = out.join("pgbench-dashboard.sql");
    std::fs::write(&dashboard_sql, script(&find("dashboard")?.sql()))?;
    let intake_sql = out.join("pgbench-intake-writes.sql");
    let existing = {
        let uuid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").expect("regex");
        let mut v = Vec::new();
        for s in &find("intake")?.logged {
            for m in uuid.find_iter(&s.sql) {
                let sql = format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT id FROM procedures WHERE id = '{u}'
                     UNION ALL SELECT id FROM users WHERE id = '{u}') x",
                    u = m.as_str()
                );
                if count(&mut conn, &sql)? > 0 {
                    v.push(m.as_str().to_string());
                }
            }
        }
        v
    };
    std::fs::write(
        &intake_sql,
        intake_writes_script(&find("intake")?.logged, &intake_code, &intake_reference, &existing),
    )?;
    let lookup_template = script(&find("lookup")?.sql());
    let lookup_id = id_of(&mut conn, &lookup_code)?;
    let mut lookup_scripts = Vec::new();
    let uuid = regex::Regex::new(r"'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'").expect("regex");
    for (k, code) in codes.iter().take(PGBENCH_LOOKUP_SCRIPTS).enumerate() {
        let id = id_of(&mut conn, code)?;
        let text = lookup_template
            .replace(&format!("'{lookup_code}'"), &format!("'{code}'"))
            .replace(&format!("'{lookup_id}'"), &format!("'{id}'"));
        // The throttle's own records need fresh ids.
        let text = format!("\\set r random(1, 1000000000000000)\n{}", uuid.replace_all(&text, "('pgb-' || :r)"));
        let path = out.join(format!("pgbench-lookup-{k:03}.sql"));
        std::fs::write(&path, text)?;
        lookup_scripts.push(path);
    }
    // Check every script once before timing anything.
    for s in [&inbox_sql, &inbox_main_sql, &dashboard_sql, &intake_sql, &lookup_scripts[0]] {
        let mut cmd = Command::new("pgbench");
        cmd.args(["-n", "-M", "simple", "-t", "1", "-f"]).arg(s).arg(&opts.database);
        let o = cmd.output().context("cannot run pgbench")?;
        anyhow::ensure!(
            o.status.success() && !String::from_utf8_lossy(&o.stderr).contains("ERROR"),
            "the captured SQL in {} does not run alone: {}",
            s.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    clean_up(&mut conn)?;

    if opts.rounds == 0 {
        std::fs::write(out.join("report.md"), &report)?;
        return Ok(report);
    }
    // 3–5. Timed rounds on a fresh server (no statement log), app and baseline interleaved.
    println!("timing {} rounds...", opts.rounds);
    let server = Instance::start_app(&settings)?;
    let hello = Instance::start_hello(settings.server.workers)?;
    let requests = Arc::new(Requests::new(&server.url, codes.clone()).await?);
    let lua = std::fs::canonicalize(opts.bench_dir.join("lookup.lua"))
        .with_context(|| format!("no {}/lookup.lua", opts.bench_dir.display()))?;
    let codes_file = out.join("lookup-codes.txt");
    let dashboard_samples = (opts.samples / 4).max(10);
    // Per round: inbox API (median, p99), pgbench inbox (median, p99, avg), page median, dashboard
    // (median, p99), pgbench dashboard (median, avg); lookup app/pgbench/hello; intake per clients.
    let mut inbox_rows = Vec::new();
    let mut lookup_rows = Vec::new();
    let mut intake_rows: Vec<(usize, f64, u64, Pgbench)> = Vec::new();
    for round in 0..opts.rounds {
        println!("  round {} of {}", round + 1, opts.rounds);
        let app_first = round % 2 == 0;
        // Inbox and dashboard.
        let mut api = Vec::new();
        let mut page = Vec::new();
        let mut dash = Vec::new();
        let mut pgb_inbox = Pgbench::default();
        let mut pgb_main = Pgbench::default();
        let mut pgb_dash = Pgbench::default();
        for part in 0..2 {
            if (part == 0) == app_first {
                for _ in 0..opts.samples {
                    api.push(ms(requests.inbox().await?));
                    page.push(ms(requests.inbox_page().await?));
                }
                for _ in 0..dashboard_samples {
                    dash.push(ms(requests.dashboard().await?));
                }
            } else {
                pgb_inbox = run_pgbench(
                    &opts.database,
                    std::slice::from_ref(&inbox_sql),
                    1,
                    opts.seconds,
                    Some(&out.join("pgb-inbox")),
                )?;
                pgb_main = run_pgbench(
                    &opts.database,
                    std::slice::from_ref(&inbox_main_sql),
                    1,
                    opts.seconds,
                    Some(&out.join("pgb-inbox-main")),
                )?;
                pgb_dash = run_pgbench(
                    &opts.database,
                    std::slice::from_ref(&dashboard_sql),
                    1,
                    opts.seconds,
                    Some(&out.join("pgb-dashboard")),
                )?;
            }
        }
        inbox_rows.push((api, page, dash, pgb_inbox, pgb_main, pgb_dash));
        // Lookup: the app, pgbench and hello world, order rotated per round.
        let mut app = Wrk::default();
        let mut pgb = Pgbench::default();
        let mut hw = Wrk::default();
        for k in 0..3 {
            match (k + round) % 3 {
                0 => {
                    app = run_wrk(&server.url, opts.lookup_connections, opts.seconds, Some((&lua, &codes_file)))?;
                    clean_up(&mut conn)?;
                }
                1 => {
                    pgb = run_pgbench(&opts.database, &lookup_scripts, opts.lookup_connections, opts.seconds, None)?;
                    clean_up(&mut conn)?;
                }
                _ => hw = run_wrk(&format!("{}/", hello.url), opts.lookup_connections, opts.seconds, None)?,
            }
        }
        lookup_rows.push((app, pgb, hw));
        // Intake.
        for &clients in &opts.intake_clients {
            let mut http = (0.0, 0);
            let mut pgb = Pgbench::default();
            for part in 0..2 {
                if (part == 0) == app_first {
                    http = intake_load(&requests, clients, opts.seconds).await;
                } else {
                    pgb = run_pgbench(&opts.database, std::slice::from_ref(&intake_sql), clients, opts.seconds, None)?;
                }
                clean_up(&mut conn)?;
            }
            intake_rows.push((clients, http.0, http.1, pgb));
        }
    }
    drop(requests);
    drop(hello);
    drop(server);

    // The report.
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
    std::fs::write(out.join("report.md"), &report)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_entries_of_one_database_get_their_parameters() {
        let log = "2026-12-03 04:14:54.123 UTC [42] postgres@bench LOG:  execute s1: SELECT * FROM dossiers WHERE code = $1 AND n < $2 AND x = $10\n\
2026-12-03 04:14:54.124 UTC [43] postgres@other LOG:  statement: SELECT 2\n\
2026-12-03 04:14:54.125 UTC [42] postgres@bench DETAIL:  parameters: $1 = 'it''s, $2', $2 = NULL, $10 = '5'\n\
2026-12-03 04:14:54.126 UTC [42] postgres@bench LOG:  statement: BEGIN\n\
2026-12-03 04:14:54.127 UTC [42] postgres@bench LOG:  statement: INSERT INTO t\n\
VALUES (1)\n\
2026-12-03 04:14:54.128 UTC [99] LOG:  checkpoint starting: time\n";
        let got = parse_log(log, "bench");
        let sql: Vec<&str> = got.iter().map(|l| l.sql.as_str()).collect();
        assert_eq!(
            sql,
            [
                "SELECT * FROM dossiers WHERE code = 'it''s, $2' AND n < NULL AND x = '5'",
                "BEGIN",
                "INSERT INTO t\nVALUES (1)"
            ]
        );
        assert!(got[1].is_transaction_control() && got[2].is_write() && !got[0].is_write());
    }

    #[test]
    fn intake_writes_get_fresh_identifiers_per_transaction() {
        let logged = |s: &str| Logged { sql: s.to_string() };
        let statements = [
            logged("SELECT 1"),
            logged("BEGIN"),
            logged("SELECT name FROM procedures"),
            logged("INSERT INTO dossiers VALUES ('0193a4b2-1c2d-7e8f-9a0b-1c2d3e4f5a6b', '000.01.31.H12-261203-0001', 'HS-7K3QX9M2TB')"),
            logged("INSERT INTO dossier_events VALUES ('0193a4b2-1c2d-7e8f-9a0b-1c2d3e4f5a6b', 1)"),
            logged("COMMIT"),
            logged("BEGIN"),
            logged("SELECT 2"),
            logged("COMMIT"),
        ];
        let s = intake_writes_script(&statements, "000.01.31.H12-261203-0001", "HS-7K3QX9M2TB", &["1111".into()]);
        assert_eq!(
            s,
            "\\set r random(1, 1000000000000000)\nBEGIN;\n\
INSERT INTO dossiers VALUES (('pgb-0-' || :r), ('PGB-' || :r), ('PGR-' || :r));\n\
INSERT INTO dossier_events VALUES (('pgb-0-' || :r), 1);\nCOMMIT;\n"
        );
    }

    #[test]
    fn database_urls_are_checked() {
        assert_eq!(
            split_url("postgres://postgres@127.0.0.1:5432/motcua_bench1m").unwrap(),
            ("postgres://postgres@127.0.0.1:5432/postgres".to_string(), "motcua_bench1m".to_string())
        );
        assert!(split_url("sqlite://x.db").is_err());
        assert!(split_url("postgres://h/bad-name").is_err());
    }
}
