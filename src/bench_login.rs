//! `motcua bench-login`: does a sign-in storm slow everyone down, and how much memory does it take?
//!
//! Starts the motcua binary (`--binary`, default this executable) as a child server on a fresh
//! database (a temporary SQLite file, or a database created on the PostgreSQL server of
//! `--database` and dropped after), then:
//! 1. the catalogue (`GET /api/v1/procedures`), one request at a time: median latency, quiet;
//! 2. the same while `--storm` clients send wrong passwords as fast as they are answered;
//! 3. a fresh server process on the same database: `--rss-signins` clients signing in plus
//!    `--intake` clerks receiving dossiers, for `--seconds`; then the server's peak RSS
//!    (`VmHWM` of `/proc/<pid>/status`).
//!
//! The sign-in throttle is raised for the child server (`MOTCUA__THROTTLE__…`), so that every
//! sign-in is verified: the worst case for the CPU, which the throttle would otherwise cut short.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub binary: PathBuf,
    /// `postgres://…` (a server to create a fresh database on), or None for a temporary SQLite file.
    pub postgres: Option<String>,
    pub storm: usize,
    pub rss_signins: usize,
    pub intake: usize,
    pub samples: usize,
    pub seconds: u64,
    /// Do not pass the throttle settings (for a binary that does not know them).
    pub no_throttle_env: bool,
}

/// What a run measured.
#[derive(Debug)]
pub struct Report {
    pub backend: &'static str,
    pub cores: usize,
    pub quiet_median: Duration,
    pub storm: usize,
    pub storm_median: Duration,
    pub storm_p90: Duration,
    pub storm_signins: u64,
    pub storm_errors: u64,
    pub storm_seconds: f64,
    pub storm_peak_rss_kib: u64,
    pub rss_signins: usize,
    pub intake: usize,
    pub load_signins: u64,
    pub load_intakes: u64,
    pub load_errors: u64,
    pub load_seconds: f64,
    pub load_peak_rss_kib: u64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mb = |kib: u64| kib as f64 / 1024.0;
        writeln!(f, "backend: {}, cores: {}", self.backend, self.cores)?;
        writeln!(f, "catalogue median, quiet:                      {:.2} ms", ms(self.quiet_median))?;
        writeln!(
            f,
            "catalogue median under {} wrong sign-ins:    {:.2} ms (p90 {:.2} ms)  -> {:.2}x quiet",
            self.storm,
            ms(self.storm_median),
            ms(self.storm_p90),
            self.storm_median.as_secs_f64() / self.quiet_median.as_secs_f64()
        )?;
        writeln!(
            f,
            "  sign-ins answered 401 meanwhile: {} in {:.1} s ({:.1}/s), {} other answers; server peak RSS {:.0} MB",
            self.storm_signins,
            self.storm_seconds,
            self.storm_signins as f64 / self.storm_seconds,
            self.storm_errors,
            mb(self.storm_peak_rss_kib)
        )?;
        write!(
            f,
            "fresh server, {} concurrent sign-ins + {} intake clients for {:.1} s: {} sign-ins, {} intakes ({:.1}/s), {} errors; peak RSS {:.0} MB",
            self.rss_signins,
            self.intake,
            self.load_seconds,
            self.load_signins,
            self.load_intakes,
            self.load_intakes as f64 / self.load_seconds,
            self.load_errors,
            mb(self.load_peak_rss_kib)
        )
    }
}

/// A database for the run, removed afterwards.
enum BenchDb {
    Sqlite { _dir: tempfile_dir::TempDir, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

/// A tiny temporary directory (the crate's tests use `tempfile`, a dev-dependency only).
mod tempfile_dir {
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> std::io::Result<Self> {
            let p = std::env::temp_dir().join(format!("motcua-bench-login-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&p)?;
            Ok(Self(p))
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl BenchDb {
    fn new(postgres: Option<&str>) -> anyhow::Result<Self> {
        use diesel::connection::SimpleConnection;
        match postgres {
            Some(admin_url) => {
                let name = format!("motcua_bench_login_{}", uuid::Uuid::new_v4().simple());
                let mut admin = crate::storage::connection::establish_postgres(admin_url)?;
                admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
                let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
                Ok(Self::Postgres { admin_url: admin_url.into(), url: format!("{base}/{name}"), name })
            }
            None => {
                let dir = tempfile_dir::TempDir::new()?;
                let url = format!("sqlite://{}", dir.0.join("bench.db").display());
                Ok(Self::Sqlite { _dir: dir, url })
            }
        }
    }

    fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        use diesel::connection::SimpleConnection;
        if let Self::Postgres { admin_url, name, .. } = self {
            if let Ok(mut admin) = crate::storage::connection::establish_postgres(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A server child process, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    async fn start(opts: &Options, db: &BenchDb) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut cmd = Command::new(&opts.binary);
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--database", db.url()])
            .env("MOTCUA__SEED__DEMO_HISTORY_DAYS", "0")
            .env("MOTCUA__NOTIFICATIONS__WORKER", "false")
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        if !opts.no_throttle_env {
            for key in
                ["SIGN_IN_FAILURES_PER_USER_AND_CLIENT", "SIGN_IN_FAILURES_PER_CLIENT", "SIGN_IN_FAILURES_PER_USER"]
            {
                cmd.env(format!("MOTCUA__THROTTLE__{key}"), "1000000000");
            }
        }
        let child = cmd.spawn().with_context(|| format!("cannot start {}", opts.binary.display()))?;
        let server = Self { child, url: format!("http://127.0.0.1:{port}") };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if client.get(format!("{}/health", server.url)).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(server);
            }
            anyhow::ensure!(started.elapsed() < Duration::from_secs(180), "the server did not answer /health in 180 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `VmHWM` (peak resident set) of the server process, in KiB.
    fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM in /proc/<pid>/status")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn quantile(v: &[Duration], q: f64) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[((s.len() as f64 * q) as usize).min(s.len() - 1)]
}

/// `n` catalogue requests one after the other: their latencies.
async fn catalogue_latencies(client: &reqwest::Client, url: &str, n: usize) -> anyhow::Result<Vec<Duration>> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let r = client.get(format!("{url}/api/v1/procedures")).send().await?;
        anyhow::ensure!(r.status().is_success(), "catalogue answered {}", r.status());
        r.bytes().await?;
        out.push(t.elapsed());
    }
    Ok(out)
}

/// `n` clients signing in (wrong passwords, or right ones when `right`) until `stop`; counts answers.
fn sign_in_storm(
    url: &str,
    n: usize,
    right: bool,
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n)
        .map(|i| {
            let (url, stop, answered, errors) = (url.to_string(), stop.clone(), answered.clone(), errors.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let password = if right { "motcua-demo".to_string() } else { format!("wrong-password-{i}") };
                let body = json!({"username": "clerk.tanan", "password": password});
                while !stop.load(Ordering::Relaxed) {
                    match client.post(format!("{url}/api/v1/auth/login")).json(&body).send().await {
                        Ok(r) if r.status().as_u16() == if right { 200 } else { 401 } => {
                            let _ = r.bytes().await;
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            })
        })
        .collect()
}

/// `n` clerks of phường Tân An receiving dossiers at the counter until `stop`.
async fn intake_load(
    url: &str,
    n: usize,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    errors: Arc<AtomicU64>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": "clerk.tanan", "password": "motcua-demo"}))
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "the clerk could not sign in: {}", r.status());
    let token = r.json::<serde_json::Value>().await?["token"].as_str().context("no token")?.to_string();
    let body = json!({"procedure_code": "1.003583", "channel": "direct",
        "applicant": {"name": "Nguyễn Văn Thử", "id_number": "092190001234", "phone": "0912345678",
                      "email": "thu.nguyen@example.vn", "address": "12 Nguyễn Trãi, phường Tân An"},
        "documents": ["Đơn đề nghị"]});
    Ok((0..n)
        .map(|_| {
            let (url, token, body, stop, done, errors) =
                (url.to_string(), token.clone(), body.clone(), stop.clone(), done.clone(), errors.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                while !stop.load(Ordering::Relaxed) {
                    match client.post(format!("{url}/api/v1/dossiers")).bearer_auth(&token).json(&body).send().await {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let _ = r.bytes().await;
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            })
        })
        .collect())
}

async fn stop_all(stop: &AtomicBool, tasks: Vec<tokio::task::JoinHandle<()>>) {
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
}

/// Runs the benchmark (see the module's documentation).
pub async fn run(opts: Options) -> anyhow::Result<Report> {
    anyhow::ensure!(opts.samples > 0 && opts.seconds > 0, "--samples and --seconds must be positive");
    let db = BenchDb::new(opts.postgres.as_deref())?;
    let backend = if opts.postgres.is_some() { "postgresql" } else { "sqlite" };
    let client = reqwest::Client::new();

    // 1 and 2: the catalogue, quiet and during the storm.
    let server = Server::start(&opts, &db).await?;
    catalogue_latencies(&client, &server.url, 20).await?; // warm-up
    let quiet = catalogue_latencies(&client, &server.url, opts.samples).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let (answered, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let storm = sign_in_storm(&server.url, opts.storm, false, stop.clone(), answered.clone(), errors.clone());
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let stormy = catalogue_latencies(&client, &server.url, opts.samples).await?;
    stop_all(&stop, storm).await;
    let storm_seconds = started.elapsed().as_secs_f64();
    let storm_peak_rss_kib = server.peak_rss_kib()?;
    drop(server);

    // 3: a fresh process on the same (already seeded) database, sign-ins plus intake.
    let server = Server::start(&opts, &db).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let (signins, intakes, load_errors) =
        (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut tasks = intake_load(&server.url, opts.intake, stop.clone(), intakes.clone(), load_errors.clone()).await?;
    let half = opts.rss_signins / 2;
    tasks.extend(sign_in_storm(&server.url, half, true, stop.clone(), signins.clone(), load_errors.clone()));
    tasks.extend(sign_in_storm(
        &server.url,
        opts.rss_signins - half,
        false,
        stop.clone(),
        signins.clone(),
        load_errors.clone(),
    ));
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(opts.seconds)).await;
    stop_all(&stop, tasks).await;
    let load_seconds = started.elapsed().as_secs_f64();
    let load_peak_rss_kib = server.peak_rss_kib()?;
    drop(server);

    Ok(Report {
        backend,
        cores: crate::auth::password::hash_threads(),
        quiet_median: quantile(&quiet, 0.5),
        storm: opts.storm,
        storm_median: quantile(&stormy, 0.5),
        storm_p90: quantile(&stormy, 0.9),
        storm_signins: answered.load(Ordering::Relaxed),
        storm_errors: errors.load(Ordering::Relaxed),
        storm_seconds,
        storm_peak_rss_kib,
        rss_signins: opts.rss_signins,
        intake: opts.intake,
        load_signins: signins.load(Ordering::Relaxed),
        load_intakes: intakes.load(Ordering::Relaxed),
        load_errors: load_errors.load(Ordering::Relaxed),
        load_seconds,
        load_peak_rss_kib,
    })
}
