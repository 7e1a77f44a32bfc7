//! Test harness: starts the real application on port 0 with a fresh database of its own —
//! a temporary SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

pub mod peers;
pub mod portal_peer;
pub mod web;

use diesel::connection::SimpleConnection;
use motcua::clock::Clock;
use motcua::configuration::{EmailTransport, Environment, Settings, SmtpTls};
use motcua::startup::Application;
use motcua::storage::outbox;
use serde_json::Value;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A database that exists for one test and is removed after it.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

/// How the tests share the process: how many databases are in use, and whether a test waits to
/// run alone (see [`alone`]).
struct Sharing {
    databases: usize,
    alone: bool,
}

static SHARING: Mutex<Sharing> = Mutex::new(Sharing { databases: 0, alone: false });
static SHARING_CHANGED: std::sync::Condvar = std::sync::Condvar::new();

thread_local! {
    /// This test (libtest runs each on a thread of its own) already has a database or runs alone:
    /// it never waits for [`alone`] again.
    static ADMITTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn sharing() -> std::sync::MutexGuard<'static, Sharing> {
    SHARING.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A test's first database waits while another test runs alone.
fn admit_database() {
    let mut s = sharing();
    if !ADMITTED.get() {
        s = SHARING_CHANGED.wait_while(s, |s| s.alone).unwrap_or_else(std::sync::PoisonError::into_inner);
        ADMITTED.set(true);
    }
    s.databases += 1;
}

fn release_database() {
    sharing().databases -= 1;
    SHARING_CHANGED.notify_all();
}

/// While held, no other test of this process holds a database (so none runs the application).
pub struct Alone(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

/// For a test that times the application (a start-up budget): the modules share one process and
/// run in parallel, so it waits until no other test holds a database, and tests that start
/// meanwhile wait for it to end. Take it before the test's own database.
pub fn alone() -> Alone {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut s = sharing();
    s.alone = true;
    drop(SHARING_CHANGED.wait_while(s, |s| s.databases > 0).unwrap_or_else(std::sync::PoisonError::into_inner));
    ADMITTED.set(true);
    Alone(one)
}

impl Drop for Alone {
    fn drop(&mut self) {
        sharing().alone = false;
        SHARING_CHANGED.notify_all();
    }
}

impl TestDb {
    pub fn new() -> Self {
        let db = match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(admin_url) => {
                let name = format!("motcua_t_{}", uuid::Uuid::new_v4().simple());
                let mut admin = motcua::storage::connection::establish_postgres(&admin_url)
                    .unwrap_or_else(|e| panic!("TEST_DATABASE_URL does not connect: {e}"));
                admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
                let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
                let url = format!("{base}/{name}");
                TestDb::Postgres { admin_url, name, url }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("motcua.db").display());
                TestDb::Sqlite { _dir: dir, url }
            }
        };
        // Counted from here: `Drop` releases it.
        admit_database();
        db
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            TestDb::Sqlite { .. } => "sqlite",
            TestDb::Postgres { .. } => "postgresql",
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        release_database();
        if let TestDb::Postgres { admin_url, name, .. } = self {
            if let Ok(mut admin) = motcua::storage::connection::establish_postgres(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Settings for a test: the `test` environment, this test's database, port 0.
pub fn test_settings(db: &TestDb) -> Settings {
    let mut s = Settings::load_with(
        &manifest_dir().join("config"),
        Environment::Test,
        figment::providers::Env::prefixed("MOTCUA_TEST_UNSET__"),
    )
    .expect("test configuration");
    s.database.url = db.url().to_string();
    s.database.pool_size = 4;
    s.server.bind = "127.0.0.1:0".into();
    s.server.workers = Some(2);
    s.seed.dir = manifest_dir().join("seeds");
    // Tokens expire by the application's Clock, which tests move across days and years while
    // holding one sign-in: a token lives for 20 years here (`api::tokens_expire_by_the_clock`
    // checks expiry with a short life).
    s.auth.token_ttl_minutes = 60 * 24 * 366 * 20;
    s
}

pub struct TestApp {
    pub address: String,
    /// The application's clock: tests set and advance it.
    pub clock: Clock,
    pub client: reqwest::Client,
    pub settings: Settings,
    /// The SMTP server and SMS gateway this app's notices go to.
    pub mail: peers::SmtpServer,
    pub sms: peers::SmsGatewayPeer,
    /// How many notices the test expects to end unsent (see `Drop`).
    expected_unsent: AtomicUsize,
    instances: Mutex<Vec<Instance>>,
    /// The test's own pool on the app's database (dropped before the database).
    pool: std::sync::OnceLock<motcua::storage::Pool>,
    pub db: TestDb,
}

/// One application instance, running on a thread (and actix system) of its own, so it keeps
/// serving and delivering while the test blocks.
struct Instance {
    system: actix_web::rt::System,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Instance {
    fn start(settings: &Settings, clock: &Clock) -> (Self, String) {
        let (settings, clock) = (settings.clone(), clock.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            let started = system.block_on(async move {
                let app = Application::build_with_clock(&settings, clock).map_err(|e| format!("{e:#}"))?;
                let port = app.port();
                actix_web::rt::spawn(app.run_until_stopped());
                Ok::<_, String>((actix_web::rt::System::current(), port))
            });
            let ok = started.is_ok();
            tx.send(started).unwrap();
            if ok {
                // Serves (and delivers) until `System::stop`; the runtime then drops every task.
                let _ = system.run();
            }
        });
        let (system, port) = rx.recv().expect("instance thread").expect("application starts");
        (Self { system, thread: Some(thread) }, format!("http://127.0.0.1:{port}"))
    }

    fn stop(&mut self) {
        self.system.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the app with the demo province loaded (as `serve` does on an empty database),
/// on the system clock, with a delivery worker sending to the test's own SMTP server and gateway.
pub async fn spawn_app() -> TestApp {
    spawn_app_configured(None, |_| {}).await
}

/// Starts the app with a clock the test controls.
pub async fn spawn_app_at(start: &str) -> TestApp {
    spawn_app_configured(Some(start), |_| {}).await
}

/// Starts the app with a manual clock when `start` is given, after `configure` adjusts the settings.
pub async fn spawn_app_configured(start: Option<&str>, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let clock = match start {
        Some(start) => Clock::manual(
            chrono::DateTime::parse_from_rfc3339(start).expect("RFC 3339 start time").with_timezone(&chrono::Utc),
        ),
        None => Clock::System,
    };
    let db = TestDb::new();
    let (mail, sms) = (peers::SmtpServer::start(), peers::SmsGatewayPeer::start());
    let mut settings = test_settings(&db);
    settings.notifications.worker = true;
    settings.notifications.poll_interval_ms = 25;
    settings.email.transport = EmailTransport::Smtp;
    settings.email.smtp_host = "127.0.0.1".into();
    settings.email.smtp_port = mail.port;
    settings.email.smtp_tls = SmtpTls::None;
    settings.email.timeout_secs = 3;
    settings.sms.gateway_url = Some(sms.url.clone());
    settings.sms.auth_header = Some(format!("Authorization: Bearer {}", peers::SMS_TOKEN));
    configure(&mut settings);
    let (instance, address) = {
        let (settings, clock) = (settings.clone(), clock.clone());
        tokio::task::spawn_blocking(move || Instance::start(&settings, &clock)).await.unwrap()
    };
    TestApp {
        address,
        clock,
        client: reqwest::Client::new(),
        settings,
        mail,
        sms,
        expected_unsent: AtomicUsize::new(0),
        instances: Mutex::new(vec![instance]),
        pool: std::sync::OnceLock::new(),
        db,
    }
}

impl TestApp {
    /// A second application instance on the same database (as behind a load balancer), with a
    /// delivery worker of its own when the first has one.
    pub async fn second_instance(&self) -> String {
        let (settings, clock) = (self.settings.clone(), self.clock.clone());
        let (instance, address) =
            tokio::task::spawn_blocking(move || Instance::start(&settings, &clock)).await.unwrap();
        self.instances.lock().unwrap().push(instance);
        address
    }

    /// The test expects `n` notices to end unsent (queued without a worker, or failed on purpose).
    pub fn expect_unsent(&self, n: usize) {
        self.expected_unsent.store(n, Ordering::SeqCst);
    }

    /// A connection of the test's own to the app's database.
    pub fn conn(&self) -> motcua::storage::connection::PooledConnection {
        let pool = self.pool.get_or_init(|| {
            motcua::storage::connection::connect(self.db.url(), 2, Duration::from_secs(5)).expect("pool")
        });
        pool.get().expect("connection")
    }

    /// Notices not sent yet: pending, being sent, or failed.
    pub fn unsent(&self) -> Vec<outbox::NotificationRow> {
        let mut conn = self.conn();
        ["pending", "sending", "failed"]
            .iter()
            .flat_map(|s| outbox::with_status(&mut conn, s, 10_000).expect("outbox"))
            .collect()
    }

    /// Waits until no notice is due and unsent (the worker has had its go at every one).
    pub fn settle(&self) {
        let now = || self.clock.now().naive_utc();
        peers::wait_until("the outbox to settle", || {
            let busy = self
                .unsent()
                .iter()
                .any(|n| n.status == "sending" || (n.status == "pending" && n.next_attempt_at <= now()));
            (!busy).then_some(())
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.client.get(self.url(path)).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_with(&self, path: &str, token: &str) -> (u16, Value) {
        let r = self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_with(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let r = self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The body of a GET with a token, as text (pages, printable forms).
    pub async fn text_with(&self, path: &str, token: &str) -> String {
        let r = self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request");
        r.text().await.expect("a text body")
    }

    pub async fn put_with(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let r = self.client.put(self.url(path)).bearer_auth(token).json(body).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Sets the application's clock (Vietnam time is fine: any RFC 3339 offset).
    pub fn set_time(&self, at: &str) {
        let t = chrono::DateTime::parse_from_rfc3339(at).expect("RFC 3339 time").with_timezone(&chrono::Utc);
        self.clock.set(t);
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self.client.post(self.url(path)).json(body).send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &'static str) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Signs in and returns the token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post_json("/api/v1/auth/login", &serde_json::json!({"username": username, "password": password}))
            .await;
        assert_eq!(status, 200, "login {username}: {body}");
        body["token"].as_str().expect("token").to_string()
    }
}

/// Asserts an error response's status and stable code, and that it has a message.
pub fn assert_error(status: u16, body: &Value, expected_status: u16, expected_code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["error"], expected_code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

/// Every test ends with its notices delivered, except those it said it expects unsent.
impl Drop for TestApp {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            if self.settings.notifications.worker {
                self.settle();
            }
            let unsent = self.unsent();
            let expected = self.expected_unsent.load(Ordering::SeqCst);
            if unsent.len() != expected {
                let listed: Vec<String> = unsent
                    .iter()
                    .map(|n| {
                        format!("{} {} {} (attempts {}, {:?})", n.kind, n.channel, n.status, n.attempts, n.last_error)
                    })
                    .collect();
                for i in self.instances.get_mut().unwrap().iter_mut() {
                    i.stop();
                }
                panic!("the test ended with {} unsent notices, expected {expected}: {listed:#?}", unsent.len());
            }
        }
        for i in self.instances.get_mut().unwrap().iter_mut() {
            i.stop();
        }
    }
}

/// The environment variable that marks a child process started by [`isolated`], holding the one
/// test it runs.
const ISOLATED_TEST: &str = "MOTCUA_ISOLATED_TEST";

/// For a test that needs the process to itself (a process-wide tracing subscriber, the process's
/// exit): in the test binary's own run, starts this binary again as a child process that runs
/// only `test` (given as `module_path!()` and the function's name), asserts that it ran and
/// passed, and returns `false` (the caller returns). In that child, returns `true`: the caller
/// runs its body there, alone.
pub fn isolated(module: &str, function: &str) -> bool {
    // libtest names a test by its path inside the test crate, without the crate's name.
    let module = module.split_once("::").map_or("", |(_, m)| m);
    let test = if module.is_empty() { function.to_string() } else { format!("{module}::{function}") };
    if std::env::var(ISOLATED_TEST).is_ok_and(|t| t == test) {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args([test.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env(ISOLATED_TEST, &test)
        .output()
        .expect("the test binary runs again");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{test}, in a process of its own, failed ({}):\n{text}", out.status);
    assert!(text.contains("1 passed"), "{test} did not run in the child process:\n{text}");
    false
}
