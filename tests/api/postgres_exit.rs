//! A process that uses PostgreSQL over TLS exits cleanly while its threads are still closing
//! connections (issue 12 §8). libpq's TLS is the vendored OpenSSL 3, which by default registers an
//! `atexit` clean-up that frees its global state; a thread still in `SSL_shutdown`/`SSL_free` then
//! touches freed memory and glibc aborts ("double free or corruption"), as CI saw at the end of a
//! test binary. `storage::connection::establish_postgres` prevents it with `openssl_sys::init()`
//! (`OPENSSL_INIT_NO_ATEXIT`). Runs only with TEST_DATABASE_URL (it needs a PostgreSQL server).
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use motcua::storage::connection::{connect, establish_postgres};

/// The environment variable that makes the ignored test below the child: it holds the database URL
/// and the round (which sets how long the closing threads wait).
const CHILD: &str = "MOTCUA_EXIT_CHILD";
/// How many connections the child holds when it exits.
const CONNECTIONS: usize = 8;
/// How many child processes the test runs (without `openssl_sys::init()`, about 1 in 20 crashed).
const ROUNDS: u32 = 50;

/// The URL with `sslmode=require`, so the connections are TLS ones (the test server has `ssl = on`).
fn tls(url: &str) -> String {
    format!("{url}{}sslmode=require", if url.contains('?') { '&' } else { '?' })
}

#[test]
fn a_process_exits_cleanly_while_its_threads_close_postgres_tls_connections() {
    let Some(url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        println!("TEST_DATABASE_URL is not set: the exit test needs PostgreSQL, skipped");
        return;
    };
    let test = "postgres_exit::child_exits_while_its_threads_close_tls_connections";
    for round in 0..ROUNDS {
        let out = Command::new(std::env::current_exe().expect("the test binary"))
            .args([test, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD, format!("{round} {url}"))
            .output()
            .expect("the test binary runs again");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("connections open, exiting"), "round {round}: the child did not get to exit:\n{text}");
        assert!(out.status.success(), "round {round}: the child exited with {}:\n{text}", out.status);
    }
}

/// The child: opens TLS connections (a pool of them, and threads that keep opening, using and
/// closing connections of their own), then exits while those threads are busy in OpenSSL.
#[test]
#[ignore = "the child process of a_process_exits_cleanly_while_its_threads_close_postgres_tls_connections"]
fn child_exits_while_its_threads_close_tls_connections() {
    use diesel::connection::SimpleConnection;
    let Some((round, url)) = std::env::var(CHILD).ok().and_then(|v| {
        let (round, url) = v.split_once(' ')?;
        Some((round.parse::<u64>().ok()?, url.to_string()))
    }) else {
        return;
    };
    let url = tls(&url);
    let pool = connect(&url, CONNECTIONS as u32, Duration::from_secs(10)).expect("a pool of TLS connections");
    let pooled: Vec<_> = (0..CONNECTIONS).map(|_| pool.get().expect("a pooled connection")).collect();
    drop(pooled);
    let started = Arc::new(Barrier::new(CONNECTIONS + 1));
    for _ in 0..CONNECTIONS {
        let (started, url) = (started.clone(), url.clone());
        std::thread::spawn(move || {
            let mut first = Some(started);
            loop {
                let mut conn = establish_postgres(&url).expect("a TLS connection");
                conn.batch_execute("SELECT 1").expect("a statement over TLS");
                if let Some(started) = first.take() {
                    started.wait();
                }
                drop(conn);
            }
        });
    }
    started.wait();
    std::thread::sleep(Duration::from_millis(round % 7 * 3));
    println!("{CONNECTIONS} connections open, exiting");
    std::process::exit(0);
}
