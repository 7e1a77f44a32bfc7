//! The `motcua` command line (DOMAIN.md §8).
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "motcua", version, about = "Electronic one-stop-shop case system (một cửa điện tử)")]
pub struct Cli {
    /// Database URL: sqlite://PATH, a file path, or postgres://… (default from configuration).
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub database: Option<String>,
    /// Folder with base.toml and the environment files (default: config/ if it exists, else the
    /// files built into the binary).
    #[arg(long, global = true, env = "MOTCUA_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (the default). Migrates and seeds an empty database.
    Serve {
        /// HOST:PORT to listen on.
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Run only the background work: notification delivery, reorganisation plans applied as
    /// their dates come, and the early-warning rules evaluated (several may run, on any machines;
    /// each plan is applied once, each rule's tick evaluated once).
    Worker,
    /// Load seeds (holidays, plans; demo province unless --no-demo). Idempotent.
    Seed {
        /// Only reference data and plans, no demo province or accounts.
        #[arg(long)]
        no_demo: bool,
    },
    /// Load a reorganisation plan (seeds/reorganisations/*.json, format in seeds/FORMAT.md): checked
    /// against every agency ever held, recorded, and applied at once if its date has come (else
    /// when it comes). Prints what it changed; with --dry-run, what it would change, keeping nothing.
    Reorganise {
        /// The plan file.
        #[arg(long)]
        plan: std::path::PathBuf,
        /// Report every change and keep none.
        #[arg(long)]
        dry_run: bool,
    },
    /// Benchmark: load N synthetic dossiers (kept for later runs) and time the yearly
    /// province-wide report and indicators against a plain GROUP BY over the dossiers.
    BenchStats {
        /// How many synthetic dossiers over 2022–2026.
        #[arg(long, default_value_t = 1_000_000)]
        dossiers: i64,
        /// The year whose report is timed.
        #[arg(long, default_value_t = 2025)]
        year: i32,
        /// Timed runs of each path.
        #[arg(long, default_value_t = 15)]
        runs: usize,
    },
    /// Benchmark: the catalogue's latency, quiet and under a storm of wrong sign-ins, and the
    /// server's peak memory under sign-ins plus intake (starts the server as a child process on a
    /// fresh database: a temporary SQLite file, or one created on the `--database` PostgreSQL server).
    BenchLogin {
        /// The server binary to start (default: this one).
        #[arg(long)]
        binary: Option<PathBuf>,
        /// Concurrent wrong sign-ins during the latency measurement.
        #[arg(long, default_value_t = 120)]
        storm: usize,
        /// Concurrent sign-ins (half right, half wrong) during the memory measurement.
        #[arg(long, default_value_t = 64)]
        rss_signins: usize,
        /// Concurrent clerks receiving dossiers during the memory measurement.
        #[arg(long, default_value_t = 8)]
        intake: usize,
        /// Catalogue requests timed, quiet and under the storm.
        #[arg(long, default_value_t = 200)]
        samples: usize,
        /// Length of the memory measurement.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Do not set the throttle's limits for the server (a binary older than the throttle).
        #[arg(long)]
        no_throttle_env: bool,
    },
    /// Benchmark (issue 12, PostgreSQL only): statements per request; the staff inbox, its page and
    /// the dashboard at 1,000,000 open dossiers against their own SQL run by pgbench; the public
    /// lookup (wrk) against pgbench and an actix-web hello world; intake against pgbench running the
    /// same writes. Loads the data once into `--database` (kept for later runs); see BENCHMARKS.md.
    BenchRequests {
        /// Open dossiers to load.
        #[arg(long, default_value_t = 1_000_000)]
        open: i64,
        /// Of which at phường Tân An (000.01.31.H12), the agency of `clerk.tanan`.
        #[arg(long, default_value_t = 10_000)]
        home_open: i64,
        /// Finished dossiers to load besides.
        #[arg(long, default_value_t = 200_000)]
        finished: i64,
        /// Rounds, each timing every request and its baseline (0: load and count statements only).
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Sequential inbox and page requests per round (a quarter as many of the dashboard).
        #[arg(long, default_value_t = 100)]
        samples: usize,
        /// Length of each pgbench, wrk and intake run, in seconds.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent connections of wrk and pgbench for the lookup.
        #[arg(long, default_value_t = 64)]
        lookup_connections: usize,
        /// Concurrent clients of the intake runs.
        #[arg(long, value_delimiter = ',', default_values_t = [8, 32])]
        intake_clients: Vec<usize>,
        /// PostgreSQL's server log, where the statement log of the capture goes.
        #[arg(long, default_value = "/var/log/postgresql/postgresql-15-main.log")]
        pg_log: PathBuf,
        /// Where the captured SQL, the pgbench scripts and the report are written.
        #[arg(long, default_value = "target/bench-requests")]
        out: PathBuf,
        /// The folder with lookup.lua and the optional after-load.sql.
        #[arg(long, default_value = "bench")]
        bench_dir: PathBuf,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The national public service portal link (issue 15).
    Portal {
        #[command(subcommand)]
        command: PortalCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    /// Compare what the portal acknowledged with the dossiers submitted from --from to --to (Vietnam
    /// days, YYYY-MM-DD) and list every difference: not sent yet, missing, status behind, dates
    /// differing. Exits with 1 when there is one.
    Reconcile {
        #[arg(long)]
        from: chrono::NaiveDate,
        #[arg(long)]
        to: chrono::NaiveDate,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Import a ministry's feed of dossiers it handled for agencies of the province (a JSON array
    /// of items, or CSV with a header row of the items' field names), for the statistics only. A
    /// code imported before is updated, never doubled. Bad items are listed and skipped (each item is
    /// its own transaction); exits with 1 when there is one.
    Import {
        file: std::path::PathBuf,
        /// The ministry's system, for items without a `source` (e.g. bo-cong-an).
        #[arg(long)]
        source: Option<String>,
    },
    /// Send one dossier (--code) or every dossier submitted in a period (--from, --to) again, with
    /// new idempotency keys; the workers deliver it.
    Resend {
        #[arg(long, conflicts_with_all = ["from", "to"])]
        code: Option<String>,
        #[arg(long, requires = "to")]
        from: Option<chrono::NaiveDate>,
        #[arg(long, requires = "from")]
        to: Option<chrono::NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Add {
        #[arg(long)]
        username: String,
        /// At least 8 characters. Prefer MOTCUA_PASSWORD to keep it out of shell history.
        #[arg(long, env = "MOTCUA_PASSWORD", hide_env_values = true)]
        password: String,
        /// citizen, clerk, specialist, leader or admin.
        #[arg(long)]
        role: String,
        /// QCVN 102 code of the agency (staff only).
        #[arg(long)]
        agency: Option<String>,
        /// Display name (defaults to the username).
        #[arg(long)]
        full_name: Option<String>,
    },
}
