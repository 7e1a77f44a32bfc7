//! One storage code path over two databases: SQLite (embedded default) and PostgreSQL (production).
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, CustomizeConnection, ManageConnection, R2D2Connection};
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// A connection to either backend. PostgreSQL comes first: SQLite accepts any string as a path.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<AnyManager>;
pub type PooledConnection = r2d2::PooledConnection<AnyManager>;

pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Which backend a database URL names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A SQLite file path (or `:memory:`).
    Sqlite(String),
}

impl DatabaseUrl {
    /// `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a plain
    /// path → SQLite; any other scheme is an error.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        anyhow::ensure!(!url.is_empty(), "the database URL is empty: use sqlite://PATH or postgres://…");
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            anyhow::ensure!(!path.is_empty(), "the SQLite URL `{url}` has no path");
            return Ok(Self::Sqlite(path.to_string()));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            anyhow::bail!(
                "unsupported database URL scheme `{scheme}://`: motcua runs on SQLite (sqlite://PATH or a file path) or PostgreSQL (postgres://…)"
            );
        }
        Ok(Self::Sqlite(url.to_string()))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }

    /// The URL with any password replaced, for logs.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(p) => format!("sqlite://{p}"),
            Self::Postgres(u) => match (u.find("://"), u.rfind('@')) {
                (Some(s), Some(at)) if at > s => {
                    let userinfo = &u[s + 3..at];
                    let user = userinfo.split(':').next().unwrap_or("");
                    format!("{}{}:***{}", &u[..s + 3], user, &u[at..])
                }
                _ => u.clone(),
            },
        }
    }
}

/// Opens a PostgreSQL connection, after telling OpenSSL (which libpq uses for TLS) not to tear
/// itself down from an `atexit` handler. Without that, a pool thread still closing a TLS
/// connection while the process exits races OpenSSL's own clean-up and glibc aborts with
/// "double free or corruption" (seen in CI at the end of a test binary). `init` runs once, and
/// must come before libpq first initialises OpenSSL (OpenSSL keeps the first caller's choice).
/// `tests/api/postgres_exit.rs` exits processes while threads close TLS connections: with this
/// line, none crashed in 200; without it, 5 in 100 died with SIGSEGV.
pub fn establish_postgres(url: &str) -> diesel::ConnectionResult<diesel::PgConnection> {
    openssl_sys::init();
    diesel::PgConnection::establish(url)
}

/// Counts the statements a connection sends (every query, `batch_execute`, `BEGIN`/`COMMIT`
/// and, were it on, the pool's check-out ping), and among them the writes (`INSERT`, `UPDATE`,
/// `DELETE`), through diesel's instrumentation hook.
struct Counting(Arc<Counters>);

/// Per database URL: statements sent, writes among them, and connections handed back to a pool.
#[derive(Debug, Default)]
struct Counters {
    statements: AtomicU64,
    writes: AtomicU64,
    checkouts: AtomicU64,
}

/// Keeps the first bytes written to it and then refuses more, so a statement's verb is read
/// without formatting the whole statement and its binds (a file's content, for one).
struct Head {
    buf: [u8; 8],
    len: usize,
}

impl std::fmt::Write for Head {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        for b in s.bytes() {
            if self.len == self.buf.len() {
                return Err(std::fmt::Error);
            }
            if self.len == 0 && b.is_ascii_whitespace() {
                continue;
            }
            self.buf[self.len] = b.to_ascii_uppercase();
            self.len += 1;
        }
        Ok(())
    }
}

fn is_write(query: &dyn diesel::connection::DebugQuery) -> bool {
    use std::fmt::Write;
    let mut head = Head { buf: [0; 8], len: 0 };
    let _ = write!(head, "{query}");
    let head = &head.buf[..head.len];
    [&b"INSERT "[..], b"UPDATE ", b"DELETE "].iter().any(|verb| head.starts_with(verb))
}

impl diesel::connection::Instrumentation for Counting {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = event {
            self.0.statements.fetch_add(1, Ordering::Relaxed);
            if is_write(query) {
                self.0.writes.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// The counters of every pool opened in this process, by database URL.
fn counter_for(url: &DatabaseUrl) -> Arc<Counters> {
    static COUNTERS: OnceLock<Mutex<HashMap<DatabaseUrl, Arc<Counters>>>> = OnceLock::new();
    let mut map = COUNTERS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    map.entry(url.clone()).or_default().clone()
}

fn read_counter(url: &str, which: impl Fn(&Counters) -> &AtomicU64) -> u64 {
    DatabaseUrl::parse(url).map(|u| which(&counter_for(&u)).load(Ordering::Relaxed)).unwrap_or(0)
}

/// How many statements the connections to `url` opened by this process have sent so far
/// (for statement budgets in tests and benchmarks: read it before and after a request).
pub fn statements_sent(url: &str) -> u64 {
    read_counter(url, |c| &c.statements)
}

/// How many of [`statements_sent`] were writes (`INSERT`, `UPDATE`, `DELETE`).
pub fn writes_sent(url: &str) -> u64 {
    read_counter(url, |c| &c.writes)
}

/// How many times a connection to `url` was checked out of a pool of this process and handed
/// back (counted when it is handed back).
pub fn checkouts(url: &str) -> u64 {
    read_counter(url, |c| &c.checkouts)
}

/// An r2d2 manager that picks the backend from the URL, so a bad PostgreSQL URL reports the
/// real connection error instead of diesel's generic multiconnection one (STACK-NOTES G1).
#[derive(Clone)]
pub struct AnyManager {
    url: DatabaseUrl,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for AnyManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnyManager").field("url", &self.url.redacted()).finish()
    }
}

impl ManageConnection for AnyManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        let counting = || Counting(self.counters.clone());
        match &self.url {
            DatabaseUrl::Postgres(u) => establish_postgres(u).map(|mut c| {
                c.set_instrumentation(counting());
                AnyConnection::Postgresql(c)
            }),
            DatabaseUrl::Sqlite(p) => diesel::SqliteConnection::establish(p).map(|mut c| {
                c.set_instrumentation(counting());
                AnyConnection::Sqlite(c)
            }),
        }
        .map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    /// r2d2 asks this of every connection handed back to the pool (that is where check-outs are counted).
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        self.counters.checkouts.fetch_add(1, Ordering::Relaxed);
        std::thread::panicking() || conn.is_broken()
    }
}

/// Per-connection settings. SQLite: wait for locks instead of failing (STACK-NOTES G4), foreign
/// keys, and the sync level that suits write-ahead logging (WAL itself is a property of the file,
/// set once before the pool opens its connections in parallel). PostgreSQL: no JIT compilation.
/// The statistics read many prefix sums in one statement of UNION ALL parts; above PostgreSQL's
/// `jit_above_cost` (on by default since 12) the dashboard's compiled 1,188 functions for 8.7 s of
/// a 9.7 s statement on a 1 M-dossier database, which runs in 0.9 s without (measured for issue 15
/// item 7, README "Intake latency"); motcua's other statements are short and gain nothing from it.
#[derive(Debug)]
struct SessionSettings;

impl CustomizeConnection<AnyConnection, r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        match conn {
            AnyConnection::Sqlite(c) => c
                .batch_execute("PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
                .map_err(r2d2::Error::QueryError),
            AnyConnection::Postgresql(c) => c.batch_execute("SET jit = off").map_err(r2d2::Error::QueryError),
        }
    }
}

/// Opens a pool on `url`. For SQLite the file's folder is created if missing.
pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> anyhow::Result<Pool> {
    let url = DatabaseUrl::parse(url)?;
    if let DatabaseUrl::Sqlite(path) = &url {
        if path != ":memory:" {
            if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| anyhow::anyhow!("cannot create the database folder {}: {e}", dir.display()))?;
            }
        }
    }
    let redacted = url.redacted();
    let counters = counter_for(&url);
    let manager = AnyManager { url, counters };
    // Check one connection first so a wrong URL fails with its real message, at once,
    // and switch a SQLite file to write-ahead logging while no other connection is open.
    let mut first = manager.connect().map_err(|e| anyhow::anyhow!("cannot connect to {redacted}: {e}"))?;
    if let AnyConnection::Sqlite(c) = &mut first {
        c.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
            .map_err(|e| anyhow::anyhow!("cannot switch {redacted} to write-ahead logging: {e}"))?;
    }
    drop(first);
    // No `SELECT 1` on every check-out (r2d2's default): a connection that died while idle
    // fails the one request that uses it, and `has_broken` (diesel's `is_broken`: libpq reports
    // CONNECTION_BAD, or a transaction was left broken) then drops it instead of returning it;
    // idle and lifetime limits (r2d2's defaults, 10 and 30 minutes) retire the rest.
    r2d2::Pool::builder()
        .test_on_check_out(false)
        .max_size(pool_size)
        // No `SELECT 1` before every check-out: a connection that broke is seen by `has_broken`
        // when handed back, and the request that met it fails once (issue 12: one request, one trip).
        .test_on_check_out(false)
        .connection_timeout(timeout)
        .connection_customizer(Box::new(SessionSettings))
        .build(manager)
        .map_err(|e| anyhow::anyhow!("cannot open a pool on {redacted}: {e}"))
}

/// Runs pending embedded migrations of the connection's backend.
pub fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        AnyConnection::Postgresql(c) => c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    if applied > 0 {
        super::inbox::backfill_folded_names(conn)
            .map_err(|e| anyhow::anyhow!("folding applicants' names failed: {e}"))?;
    }
    Ok(applied)
}

/// Reverts every applied migration (used by the up/down/up check).
pub fn revert_all_migrations(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let reverted = match conn {
        AnyConnection::Postgresql(c) => c.revert_all_migrations(PG_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))?;
    Ok(reverted)
}

/// Serialises schema changes and seeding across app instances that start together on one
/// PostgreSQL (a session-level advisory lock); SQLite serialises writers by itself.
pub fn with_schema_lock<T>(
    conn: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    const KEY: i64 = 0x6d6f_7463_7561; // "motcua"
    let locked = matches!(conn, AnyConnection::Postgresql(_));
    if let AnyConnection::Postgresql(c) = conn {
        c.batch_execute(&format!("SELECT pg_advisory_lock({KEY})"))?;
    }
    let result = work(conn);
    if locked {
        if let AnyConnection::Postgresql(c) = conn {
            c.batch_execute(&format!("SELECT pg_advisory_unlock({KEY})"))?;
        }
    }
    result
}

/// One use case's transaction. On PostgreSQL, diesel's `BEGIN`. On SQLite the outermost one
/// begins `IMMEDIATE`: it takes the write lock first, waiting for it up to `busy_timeout`. A
/// deferred `BEGIN` that reads and then writes fails at once with "database is locked" (SQLITE_BUSY,
/// which no busy timeout waits out under write-ahead logging) when another connection committed
/// between its read and its write — with background writers (the notification worker, the alert
/// scheduler) that is any read-then-write use case, at random (STACK-NOTES G4). Nested calls are
/// savepoints, as with `Connection::transaction`.
pub fn transaction<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost_sqlite = match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?.is_none()
        }
        AnyConnection::Postgresql(_) => false,
    };
    if !outermost_sqlite {
        return conn.transaction(work);
    }
    if let AnyConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let result = work(conn);
    let AnyConnection::Sqlite(c) = conn else { unreachable!("the backend of a connection does not change") };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(c)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c)?;
            Err(e)
        }
    }
}

/// The backend's name, for `/health` and logs.
pub fn backend_name(conn: &AnyConnection) -> &'static str {
    match conn {
        AnyConnection::Postgresql(_) => "postgresql",
        AnyConnection::Sqlite(_) => "sqlite",
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn urls_pick_the_backend_by_scheme() {
        assert_eq!(DatabaseUrl::parse("postgres://u@h/db").unwrap().backend(), "postgresql");
        assert_eq!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(), "postgresql");
        assert_eq!(DatabaseUrl::parse("sqlite://data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
        assert_eq!(DatabaseUrl::parse("data/x.db").unwrap(), DatabaseUrl::Sqlite("data/x.db".into()));
        assert!(DatabaseUrl::parse("mysql://root@localhost/db").unwrap_err().to_string().contains("mysql"));
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn every_statement_a_pool_sends_is_counted() {
        use diesel::connection::SimpleConnection;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("count.db").display());
        let pool = super::connect(&url, 1, std::time::Duration::from_secs(5)).unwrap();
        let mut conn = pool.get().unwrap();
        let before = super::statements_sent(&url);
        conn.batch_execute("SELECT 1").unwrap();
        conn.batch_execute("SELECT 2").unwrap();
        assert_eq!(super::statements_sent(&url) - before, 2);
        assert_eq!(super::statements_sent("sqlite://elsewhere.db"), 0, "counters are per database");
        let writes = super::writes_sent(&url);
        conn.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        conn.batch_execute("  insert into t VALUES (1)").unwrap();
        conn.batch_execute("UPDATE t SET x = 2").unwrap();
        conn.batch_execute("SELECT x FROM t").unwrap();
        conn.batch_execute("DELETE FROM t").unwrap();
        assert_eq!(super::writes_sent(&url) - writes, 3, "INSERT, UPDATE and DELETE are writes");
        let checkouts = super::checkouts(&url);
        drop(conn);
        drop(pool.get().unwrap());
        assert_eq!(super::checkouts(&url) - checkouts, 2, "each connection handed back counts once");
    }

    /// STACK-NOTES G4: under write-ahead logging a deferred transaction that read before another
    /// connection committed cannot write (SQLITE_BUSY at once, whatever the busy timeout);
    /// `transaction` begins IMMEDIATE on SQLite, so its reads and writes go through and the other
    /// writer waits (here, with no busy timeout, is refused) instead.
    #[test]
    fn a_sqlite_transaction_that_reads_then_writes_is_not_broken_by_another_writer() {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("tx.db").display());
        let pool = super::connect(&url, 2, std::time::Duration::from_secs(5)).unwrap();
        let (mut a, mut b) = (pool.get().unwrap(), pool.get().unwrap());
        a.batch_execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)").unwrap();
        b.batch_execute("PRAGMA busy_timeout = 0").unwrap();
        let read_other_write_then_write = |a: &mut super::AnyConnection, b: &mut super::AnyConnection| {
            a.batch_execute("SELECT x FROM t")?;
            let other = b.batch_execute("INSERT INTO t VALUES (2)");
            a.batch_execute("INSERT INTO t VALUES (3)")?;
            Ok::<_, diesel::result::Error>(other.is_ok())
        };
        let deferred = a.transaction(|a| read_other_write_then_write(a, &mut b));
        assert!(deferred.is_err(), "a deferred transaction cannot write after another commit: {deferred:?}");
        let immediate = super::transaction(&mut a, |a| read_other_write_then_write(a, &mut b));
        assert_eq!(immediate, Ok(false), "the transaction writes; the other writer is held off");
        // Nested calls are savepoints inside it.
        let nested =
            super::transaction(&mut a, |a| super::transaction(a, |a| a.batch_execute("INSERT INTO t VALUES (4)")));
        assert_eq!(nested, Ok(()));
    }

    #[test]
    fn passwords_never_reach_logs() {
        let u = DatabaseUrl::parse("postgres://postgres:s3cret@127.0.0.1/motcua").unwrap();
        assert_eq!(u.redacted(), "postgres://postgres:***@127.0.0.1/motcua");
    }
}
