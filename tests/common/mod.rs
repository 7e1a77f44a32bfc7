//! Test harness: starts the real application on port 0 with a fresh database of its own —
//! a temporary SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set.
#![allow(dead_code)]

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use motcua::clock::Clock;
use motcua::configuration::{Environment, Settings};
use motcua::startup::Application;
use serde_json::Value;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A database that exists for one test and is removed after it.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, url: String },
    Postgres { admin_url: String, name: String, url: String },
}

impl TestDb {
    pub fn new() -> Self {
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
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
        }
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
    s
}

pub struct TestApp {
    pub address: String,
    /// The application's clock: tests set and advance it.
    pub clock: Clock,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub db: TestDb,
}

/// Starts the app with the demo province loaded (as `serve` does on an empty database),
/// on the system clock.
pub async fn spawn_app() -> TestApp {
    spawn_app_with_clock(Clock::System).await
}

/// Starts the app with a clock the test controls.
pub async fn spawn_app_at(start: &str) -> TestApp {
    let start = chrono::DateTime::parse_from_rfc3339(start).expect("RFC 3339 start time").with_timezone(&chrono::Utc);
    spawn_app_with_clock(Clock::manual(start)).await
}

async fn spawn_app_with_clock(clock: Clock) -> TestApp {
    let db = TestDb::new();
    let settings = test_settings(&db);
    let app = {
        let settings = settings.clone();
        let clock = clock.clone();
        tokio::task::spawn_blocking(move || Application::build_with_clock(&settings, clock))
            .await
            .unwrap()
            .expect("application starts")
    };
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp { address, clock, client: reqwest::Client::new(), settings, db }
}

impl TestApp {
    /// A second application instance on the same database (as behind a load balancer).
    pub async fn second_instance(&self) -> String {
        let settings = self.settings.clone();
        let clock = self.clock.clone();
        let app = tokio::task::spawn_blocking(move || Application::build_with_clock(&settings, clock))
            .await
            .unwrap()
            .expect("second instance starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
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
