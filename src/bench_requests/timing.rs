//! The timed rounds: the app's requests and its baselines (pgbench on the captured SQL, wrk on the
//! lookup and on a hello world, clerks receiving dossiers), interleaved.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::capture::Scripts;
use super::load::clean_up;
use super::server::{Instance, Requests};
use super::Options;
use crate::configuration::Settings;
use crate::storage::AnyConnection;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------------
// External tools.

#[derive(Debug, Default, Clone)]
pub(super) struct Pgbench {
    pub(super) tps: f64,
    pub(super) latency_avg_ms: f64,
    pub(super) failed: u64,
    /// Per-transaction latencies (ms) from `-l`, when logged.
    pub(super) latencies: Vec<f64>,
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
pub(super) struct Wrk {
    pub(super) rps: f64,
    pub(super) non_2xx: u64,
    pub(super) p50_ms: f64,
    pub(super) p99_ms: f64,
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

/// One round of the inbox and the dashboard: the API's, the page's and the dashboard's times (ms),
/// and pgbench on the inbox's SQL, the inbox's main query alone and the dashboard's SQL.
pub(super) type InboxRound = (Vec<f64>, Vec<f64>, Vec<f64>, Pgbench, Pgbench, Pgbench);

/// What the rounds measured: a row per round (the intake's, per round and number of clients).
pub(super) struct Rounds {
    pub(super) dashboard_samples: usize,
    pub(super) inbox_rows: Vec<InboxRound>,
    pub(super) lookup_rows: Vec<(Wrk, Pgbench, Wrk)>,
    pub(super) intake_rows: Vec<(usize, f64, u64, Pgbench)>,
}

/// The timed rounds on a fresh server (no statement log), app and baseline interleaved.
pub(super) async fn rounds(
    settings: &Settings,
    opts: &Options,
    out: &Path,
    conn: &mut AnyConnection,
    codes: &[String],
    scripts: &Scripts,
) -> anyhow::Result<Rounds> {
    let Scripts { inbox_sql, inbox_main_sql, dashboard_sql, intake_sql, lookup_scripts } = scripts;
    println!("timing {} rounds...", opts.rounds);
    let server = Instance::start_app(settings)?;
    let hello = Instance::start_hello(settings.server.workers)?;
    let requests = Arc::new(Requests::new(&server.url, codes.to_vec()).await?);
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
                    std::slice::from_ref(inbox_sql),
                    1,
                    opts.seconds,
                    Some(&out.join("pgb-inbox")),
                )?;
                pgb_main = run_pgbench(
                    &opts.database,
                    std::slice::from_ref(inbox_main_sql),
                    1,
                    opts.seconds,
                    Some(&out.join("pgb-inbox-main")),
                )?;
                pgb_dash = run_pgbench(
                    &opts.database,
                    std::slice::from_ref(dashboard_sql),
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
                    clean_up(conn)?;
                }
                1 => {
                    pgb = run_pgbench(&opts.database, lookup_scripts, opts.lookup_connections, opts.seconds, None)?;
                    clean_up(conn)?;
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
                    pgb = run_pgbench(&opts.database, std::slice::from_ref(intake_sql), clients, opts.seconds, None)?;
                }
                clean_up(conn)?;
            }
            intake_rows.push((clients, http.0, http.1, pgb));
        }
    }
    drop(requests);
    drop(hello);
    drop(server);
    Ok(Rounds { dashboard_samples, inbox_rows, lookup_rows, intake_rows })
}
