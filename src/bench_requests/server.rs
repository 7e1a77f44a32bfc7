//! The server, in this process (the application, or actix-web's hello world), and the requests the
//! benchmark makes of it.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;

use super::{CLERK, LEADER, PASSWORD};
use crate::configuration::Settings;
use crate::startup;

/// An application (or the hello world) on a thread and actix system of its own.
pub(super) struct Instance {
    system: actix_web::rt::System,
    thread: Option<std::thread::JoinHandle<()>>,
    pub(super) url: String,
}

impl Instance {
    pub(super) fn start_app(settings: &Settings) -> anyhow::Result<Self> {
        let settings = settings.clone();
        Self::start(move || {
            let app = startup::Application::build(&settings)?;
            let port = app.port();
            actix_web::rt::spawn(app.run_until_stopped());
            Ok(port)
        })
    }

    /// The baseline of the lookup: actix-web answering a constant, on as many workers as the app.
    pub(super) fn start_hello(workers: Option<usize>) -> anyhow::Result<Self> {
        Self::start(move || {
            use actix_web::{web, App, HttpServer};
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            let port = listener.local_addr()?.port();
            let mut server = HttpServer::new(|| App::new().route("/", web::get().to(|| async { "Hello, world!" })));
            if let Some(w) = workers {
                server = server.workers(w);
            }
            actix_web::rt::spawn(server.listen(listener)?.run());
            Ok(port)
        })
    }

    fn start(build: impl FnOnce() -> anyhow::Result<u16> + Send + 'static) -> anyhow::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            let started = system.block_on(async move {
                let port = build().map_err(|e| format!("{e:#}"))?;
                Ok::<_, String>((actix_web::rt::System::current(), port))
            });
            let ok = started.is_ok();
            let _ = tx.send(started);
            if ok {
                let _ = system.run();
            }
        });
        let (system, port) = rx.recv()?.map_err(|e| anyhow::anyhow!("the server did not start: {e}"))?;
        Ok(Self { system, thread: Some(thread), url: format!("http://127.0.0.1:{port}") })
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.system.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn sign_in(client: &reqwest::Client, url: &str, username: &str) -> anyhow::Result<String> {
    let r = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "{username} could not sign in: {}", r.status());
    Ok(r.json::<serde_json::Value>().await?["token"].as_str().context("no token")?.to_string())
}

fn intake_body(i: u64) -> serde_json::Value {
    json!({"procedure_code": "1.003583", "channel": "direct",
        "applicant": {"name": "Nguyễn Văn Thử", "id_number": format!("0921{:08}", i % 100_000_000),
                      "phone": "0912345678", "email": "thu.nguyen@example.vn", "address": "12 Nguyễn Trãi, phường Tân An"},
        "documents": ["Đơn đề nghị"]})
}

/// A random client address, so that the per-address lookup limit sees many clients (the
/// benchmark's server trusts 127.0.0.1 as a proxy).
fn some_address(i: u64) -> String {
    let x = i.wrapping_mul(2_654_435_761) % 16_000_000;
    format!("10.{}.{}.{}", x / 65_536 % 256, x / 256 % 256, x % 256)
}

/// The requests the benchmark makes.
pub(super) struct Requests {
    client: reqwest::Client,
    url: String,
    clerk: String,
    leader: String,
    codes: Vec<String>,
    n: AtomicU64,
}

impl Requests {
    pub(super) async fn new(url: &str, codes: Vec<String>) -> anyhow::Result<Self> {
        // Idle connections are dropped before the server's keep-alive (5 s) would close them under a request.
        let client = reqwest::Client::builder().pool_idle_timeout(Duration::from_secs(2)).build()?;
        let clerk = sign_in(&client, url, CLERK).await?;
        let leader = sign_in(&client, url, LEADER).await?;
        Ok(Self { client, url: url.to_string(), clerk, leader, codes, n: AtomicU64::new(1) })
    }

    async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<Duration> {
        let t = Instant::now();
        let mut req = self.client.get(format!("{}{path}", self.url));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let i = self.n.fetch_add(1, Ordering::Relaxed);
        let r = req.header("X-Forwarded-For", some_address(i)).send().await?;
        let status = r.status();
        r.bytes().await?;
        anyhow::ensure!(status.is_success(), "GET {path} answered {status}");
        Ok(t.elapsed())
    }

    pub(super) async fn inbox(&self) -> anyhow::Result<Duration> {
        self.get("/api/v1/dossiers", Some(&self.clerk)).await
    }
    pub(super) async fn inbox_page(&self) -> anyhow::Result<Duration> {
        self.get("/can-bo", Some(&self.clerk)).await
    }
    pub(super) async fn dashboard(&self) -> anyhow::Result<Duration> {
        self.get("/lanh-dao", Some(&self.leader)).await
    }
    pub(super) async fn lookup(&self) -> anyhow::Result<(Duration, String)> {
        let i = self.n.load(Ordering::Relaxed) as usize;
        let code = self.codes[(i * 7919) % self.codes.len()].clone();
        Ok((self.get(&format!("/api/v1/lookup/{code}"), None).await?, code))
    }

    /// Receives a dossier at the counter; returns its code and reference.
    pub(super) async fn intake(&self) -> anyhow::Result<(String, String)> {
        let i = self.n.fetch_add(1, Ordering::Relaxed);
        let r = self
            .client
            .post(format!("{}/api/v1/dossiers", self.url))
            .bearer_auth(&self.clerk)
            .json(&intake_body(i))
            .send()
            .await?;
        anyhow::ensure!(r.status().as_u16() == 201, "intake answered {}", r.status());
        let v: serde_json::Value = r.json().await?;
        Ok((
            v["code"].as_str().context("no code in the 201")?.to_string(),
            v["reference"].as_str().unwrap_or_default().to_string(),
        ))
    }

    pub(super) async fn transfer(&self, code: &str) -> anyhow::Result<()> {
        let r = self
            .client
            .post(format!("{}/api/v1/dossiers/{code}/actions", self.url))
            .bearer_auth(&self.clerk)
            .json(&json!({"action": "transfer", "note": "Chuyển bộ phận chuyên môn"}))
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "transfer answered {}", r.status());
        r.bytes().await?;
        Ok(())
    }
}
