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
    /// Run only the notification delivery worker (several may run, on any machines).
    Worker,
    /// Load seeds (holidays, plans; demo province unless --no-demo). Idempotent.
    Seed {
        /// Only reference data and plans, no demo province or accounts.
        #[arg(long)]
        no_demo: bool,
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
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
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
