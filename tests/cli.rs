//! The `motcua` binary's commands, run as a user would.
mod common;

use std::process::Command;

use common::{manifest_dir, TestDb};

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
