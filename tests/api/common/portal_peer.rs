//! A fake national portal (Cổng Dịch vụ công quốc gia) on loopback: a plain HTTP/1.1 server on a
//! thread of its own that takes the legacy JSON exchange (`POST` with `service`, `madonvi`,
//! `session`, `data`), records every item it took, and can be told to answer slowly, fail with 500,
//! hang up without answering, answer an error code, or never answer at all.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use super::peers::wait_until;

/// The access token the fake portal expects as `session`.
pub const PORTAL_TOKEN: &str = "portal-test-token";

/// How the portal treats the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalMode {
    /// Takes the item: `{"error_code": 0}`.
    Accept,
    /// Takes it, answering after this long.
    Slow(Duration),
    /// Answers 500 without taking it (the portal is down).
    Fail,
    /// Reads the request and hangs up without a word.
    Drop,
    /// Answers 200 with this error code (the portal refuses the item).
    ErrorCode(i64),
    /// Reads the request, counts it as taken (the portal stored it), and never answers.
    Stall,
}

/// One item the portal took.
#[derive(Debug, Clone)]
pub struct TakenItem {
    pub service: String,
    pub madonvi: String,
    pub idempotency_key: String,
    pub item: Value,
}

#[derive(Debug)]
struct State {
    mode: PortalMode,
    taken: Vec<TakenItem>,
    /// Requests that arrived, whatever the answer.
    requests: usize,
    /// Requests with a wrong or missing `session`.
    unauthorised: usize,
    /// Files served at a path (GET).
    files: Vec<(String, Vec<u8>)>,
}

#[derive(Clone)]
pub struct PortalPeer {
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// One request as read: its request line, headers and body.
struct Request {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Reads one request: its line, its headers and its body (by Content-Length).
fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    if line.is_empty() {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request { line, headers, body })
}

fn answer(mut stream: &TcpStream, status: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let Some(Request { line, headers, body }) = read_request(&stream) else { return };
    // A file the portal holds for a dossier it delivers (`DuongDanTaiTepTin`).
    if let Some(path) = line.strip_prefix("GET ").and_then(|l| l.split_whitespace().next()) {
        let file = state.lock().unwrap().files.iter().find(|(p, _)| p == path).map(|(_, c)| c.clone());
        return match file {
            Some(content) => {
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    content.len()
                );
                let _ = stream.write_all(&content);
            }
            None => answer(&stream, "404 Not Found", "{}"),
        };
    }
    let header = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.clone()).unwrap_or_default();
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let mode = {
        let mut s = state.lock().unwrap();
        s.requests += 1;
        s.mode
    };
    let Some(request) = parsed else {
        return answer(&stream, "400 Bad Request", r#"{"error_code": 400, "message": "not JSON"}"#);
    };
    if request["session"] != PORTAL_TOKEN {
        state.lock().unwrap().unauthorised += 1;
        return answer(&stream, "401 Unauthorized", r#"{"error_code": 401}"#);
    }
    let take = |state: &Arc<Mutex<State>>| {
        let items = request["data"].as_array().cloned().unwrap_or_default();
        let mut s = state.lock().unwrap();
        for item in items {
            s.taken.push(TakenItem {
                service: request["service"].as_str().unwrap_or_default().to_string(),
                madonvi: request["madonvi"].as_str().unwrap_or_default().to_string(),
                idempotency_key: header("idempotency-key"),
                item,
            });
        }
    };
    match mode {
        PortalMode::Accept => {
            take(&state);
            answer(&stream, "200 OK", r#"{"error_code": 0, "message": "Thành công"}"#)
        }
        PortalMode::Slow(d) => {
            std::thread::sleep(d);
            take(&state);
            answer(&stream, "200 OK", r#"{"error_code": 0}"#)
        }
        PortalMode::Fail => answer(&stream, "500 Internal Server Error", "{}"),
        PortalMode::Drop => drop(stream),
        PortalMode::ErrorCode(c) => {
            answer(&stream, "200 OK", &format!(r#"{{"error_code": {c}, "message": "Từ chối"}}"#))
        }
        PortalMode::Stall => {
            take(&state);
            std::thread::sleep(Duration::from_secs(120));
        }
    }
}

impl PortalPeer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake portal");
        let url = format!("http://127.0.0.1:{}/api/dongbo", listener.local_addr().unwrap().port());
        let state = Arc::new(Mutex::new(State {
            mode: PortalMode::Accept,
            taken: Vec::new(),
            requests: 0,
            unauthorised: 0,
            files: Vec::new(),
        }));
        let shared = state.clone();
        std::thread::Builder::new()
            .name("test-portal".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let state = shared.clone();
                    std::thread::spawn(move || serve(stream, state));
                }
            })
            .expect("portal thread");
        Self { url, state }
    }

    /// Serves `content` at `path` (on this peer's address); returns the file's URL.
    pub fn host_file(&self, path: &str, content: &[u8]) -> String {
        self.state.lock().unwrap().files.push((path.to_string(), content.to_vec()));
        let base = self.url.split("/api/").next().unwrap();
        format!("{base}{path}")
    }

    pub fn set_mode(&self, mode: PortalMode) {
        self.state.lock().unwrap().mode = mode;
    }

    pub fn taken(&self) -> Vec<TakenItem> {
        self.state.lock().unwrap().taken.clone()
    }

    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().requests
    }

    pub fn unauthorised(&self) -> usize {
        self.state.lock().unwrap().unauthorised
    }

    /// Waits until the portal has taken at least `n` items.
    pub fn wait_for(&self, n: usize) -> Vec<TakenItem> {
        wait_until(&format!("{n} items at the portal"), || {
            let got = self.taken();
            (got.len() >= n).then_some(got)
        })
    }

    /// The items of one dossier (by `MaHoSo`), in the order taken.
    pub fn of(&self, code: &str) -> Vec<TakenItem> {
        self.taken().into_iter().filter(|t| t.item["MaHoSo"] == code).collect()
    }
}
