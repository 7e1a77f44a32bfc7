//! The `motcua` binary's commands, run as a user would.
use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{manifest_dir, TestDb};
use motcua::storage::{connection, demo_history, dossiers as dossier_store};

fn motcua(db: &TestDb) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
    c.current_dir(manifest_dir()).env("DATABASE_URL", db.url()).env("MOTCUA_ENV", "test").env_remove("MOTCUA_PASSWORD");
    c
}

fn run(c: &mut Command) -> (bool, String) {
    let out = c.output().expect("motcua runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn migrate_seed_and_user_add_work_from_the_command_line() {
    let db = TestDb::new();
    let (ok, out) = run(motcua(&db).arg("migrate"));
    assert!(ok, "{out}");
    assert!(out.contains("migrations applied"), "{out}");
    let (ok, out) = run(motcua(&db).arg("seed"));
    assert!(ok, "{out}");
    assert!(out.contains("121 agencies"), "{out}");
    let (ok, out) = run(motcua(&db).arg("seed"));
    assert!(ok && out.contains("0 agencies"), "second seed adds nothing: {out}");

    let (ok, out) = run(motcua(&db).args([
        "user",
        "add",
        "--username",
        "clerk.caikhe",
        "--password",
        "a-long-password",
        "--role",
        "clerk",
        "--agency",
        "000.00.31.H12",
        "--full-name",
        "Lê Thị Cúc",
    ]));
    assert!(ok, "{out}");
    let (ok, out) = run(motcua(&db).args([
        "user",
        "add",
        "--username",
        "clerk.caikhe",
        "--password",
        "a-long-password",
        "--role",
        "clerk",
        "--agency",
        "000.00.31.H12",
    ]));
    assert!(!ok && out.contains("taken"), "{out}");
    let (ok, out) = run(motcua(&db).args([
        "user",
        "add",
        "--username",
        "clerk.nowhere",
        "--password",
        "a-long-password",
        "--role",
        "clerk",
        "--agency",
        "000.00.99.H12",
    ]));
    assert!(!ok && out.contains("does not exist"), "{out}");
    let (ok, out) = run(motcua(&db).args([
        "user",
        "add",
        "--username",
        "x.y",
        "--password",
        "short",
        "--role",
        "clerk",
        "--agency",
        "000.00.31.H12",
    ]));
    assert!(!ok && out.contains("at least 8"), "{out}");
    let (ok, out) = run(motcua(&db).args([
        "user",
        "add",
        "--username",
        "boss.z",
        "--password",
        "a-long-password",
        "--role",
        "emperor",
    ]));
    assert!(!ok && out.contains("unknown role"), "{out}");
}

#[test]
fn an_unsupported_database_url_stops_the_command_with_a_clear_message() {
    let db = TestDb::new();
    let (ok, out) = run(motcua(&db).args(["migrate", "--database", "mysql://root@127.0.0.1/motcua"]));
    assert!(!ok);
    assert!(out.contains("unsupported database URL scheme"), "{out}");
}

#[test]
fn production_refuses_the_default_jwt_secret_and_demo_data() {
    let db = TestDb::new();
    let (ok, out) = run(motcua(&db).env("MOTCUA_ENV", "production").args(["serve", "--bind", "127.0.0.1:0"]));
    assert!(!ok);
    assert!(out.contains("JWT secret"), "{out}");

    // With a real secret but demo accounts in the database, serve still refuses.
    let (ok, out) = run(motcua(&db).arg("seed"));
    assert!(ok, "{out}");
    let (ok, out) = run(motcua(&db)
        .env("MOTCUA_ENV", "production")
        .env("MOTCUA__AUTH__JWT_SECRET", "a-production-secret-of-more-than-32-characters")
        .args(["serve", "--bind", "127.0.0.1:0"]));
    assert!(!ok);
    assert!(out.contains("demo accounts"), "{out}");
}

/// `motcua serve` running as a child process, with everything it prints; killed when dropped.
struct Served {
    child: Child,
    started: Instant,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Served {
    /// Starts `motcua serve` in `dir` (an empty folder: no config/, no seeds/) on `db`.
    fn start(dir: &Path, db: &TestDb, env: &[(&str, &str)]) -> Self {
        let mut c = Command::new(env!("CARGO_BIN_EXE_motcua"));
        c.current_dir(dir)
            .env("DATABASE_URL", db.url())
            .env("MOTCUA_ENV", "test")
            .env_remove("MOTCUA_CONFIG_DIR")
            .env_remove("RUST_LOG")
            .envs(env.iter().copied())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = c.spawn().expect("motcua starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out: Vec<Box<dyn std::io::Read + Send>> =
            vec![Box::new(child.stdout.take().unwrap()), Box::new(child.stderr.take().unwrap())];
        for pipe in out {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        Served { child, started, lines }
    }

    fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Waits (up to `limit`) for a printed line containing `text`.
    fn wait_for_line(&mut self, text: &str, limit: Duration) -> String {
        let until = Instant::now() + limit;
        loop {
            if let Some(l) = self.lines.lock().unwrap().iter().find(|l| l.contains(text)) {
                return l.clone();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("motcua serve stopped ({status}) before printing `{text}`:\n{}", self.output());
            }
            assert!(Instant::now() < until, "no `{text}` within {limit:?}:\n{}", self.output());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The address it serves on, from its start-up line.
    fn url(&mut self) -> String {
        let line = self.wait_for_line("motcua is serving on ", Duration::from_secs(30));
        let from = line.find("http://").expect("an address");
        line[from..].split_whitespace().next().unwrap().to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GETs `url` until it answers 200 (up to 30 s); returns the body.
async fn get_ok(client: &reqwest::Client, url: &str) -> String {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(url).send().await {
            if r.status() == 200 {
                return r.text().await.unwrap();
            }
        }
        assert!(Instant::now() < until, "{url} did not answer 200");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn serve_runs_from_an_empty_folder_on_the_configuration_and_seeds_built_into_it() {
    let db = TestDb::new();
    let empty = tempfile::tempdir().unwrap();
    let mut served = Served::start(empty.path(), &db, &[("MOTCUA__TELEMETRY__FILTER", "info")]);
    let url = served.url();
    let client = reqwest::Client::new();
    let health = get_ok(&client, &format!("{url}/health")).await;
    assert!(health.contains(db.backend()), "{health}");
    // The built-in seeds: the demo province's procedures, its accounts.
    let procedures: serde_json::Value =
        serde_json::from_str(&get_ok(&client, &format!("{url}/api/v1/procedures?q=khai sinh")).await).unwrap();
    assert!(procedures.as_array().is_some_and(|p| !p.is_empty()), "{procedures}");
    let login = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "clerk.ninhkieu", "password": "motcua-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let out = served.output();
    assert!(out.contains("built into the binary"), "{out}");
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0, "nothing written to the working folder");

    // `seed` too, from the same empty folder.
    let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .current_dir(empty.path())
        .env("DATABASE_URL", db.url())
        .env("MOTCUA_ENV", "test")
        .env_remove("MOTCUA_CONFIG_DIR")
        .arg("seed")
        .output()
        .unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("0 agencies"), "{out:?}");
}

#[test]
fn an_explicit_configuration_folder_must_hold_base_toml() {
    let db = TestDb::new();
    let empty = tempfile::tempdir().unwrap();
    let (ok, out) = run(motcua(&db).args(["migrate", "--config-dir"]).arg(empty.path()));
    assert!(!ok && out.contains("base.toml not found"), "{out}");
    // A folder with its own base.toml wins over the built-in one.
    std::fs::write(empty.path().join("base.toml"), "not = [valid").unwrap();
    let (ok, out) = run(motcua(&db).env("MOTCUA_CONFIG_DIR", empty.path()).arg("migrate"));
    assert!(!ok && out.contains("invalid configuration"), "{out}");
}

#[tokio::test]
async fn serve_answers_within_2_s_while_the_demo_history_is_made_in_the_background() {
    // A start-up budget: the other tests of this process wait (they share its cores).
    let _alone = common::alone();
    let db = TestDb::new();
    let empty = tempfile::tempdir().unwrap();
    let mut served = Served::start(
        empty.path(),
        &db,
        &[("MOTCUA__SEED__DEMO_HISTORY_DAYS", "30"), ("MOTCUA__TELEMETRY__FILTER", "info")],
    );
    let url = served.url();
    let client = reqwest::Client::new();
    get_ok(&client, &format!("{url}/health")).await;
    get_ok(&client, &format!("{url}/")).await;
    let login = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "leader.tp", "password": "motcua-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let answered = served.started.elapsed();
    // The history was claimed and is not ready yet: it did not hold the server back.
    let pool = connection::connect(db.url(), 1, Duration::from_secs(5)).unwrap();
    let claim = demo_history::get(&mut pool.get().unwrap()).unwrap();
    assert!(claim.as_ref().is_some_and(|c| c.dossiers.is_none()), "{claim:?}");
    println!("health, portal and sign-in answered {:.2} s after the start", answered.as_secs_f64());
    assert!(answered < Duration::from_secs(2), "{answered:?}:\n{}", served.output());

    let ready = served.wait_for_line("demo history ready", Duration::from_secs(180));
    let made = dossier_store::count(&mut pool.get().unwrap()).unwrap();
    assert!(ready.contains(&format!("{made} demo dossiers")), "{ready}");
    assert_eq!(demo_history::get(&mut pool.get().unwrap()).unwrap().and_then(|c| c.dossiers), Some(made as i32));
    // One line at its start, one when ready; its dossiers' own lines are debug lines.
    let out = served.output();
    assert_eq!(out.matches("making the demo history").count(), 1, "{out}");
    for quiet in ["dossier received", "dossier action"] {
        assert!(!out.contains(quiet), "`{quiet}` at info:\n{out}");
    }
}
