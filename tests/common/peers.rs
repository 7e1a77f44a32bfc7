//! The real peers notices go to: a small SMTP server and an HTTP SMS gateway, each on loopback
//! and on a thread of its own (so they keep answering while a test blocks), each able to fail
//! the way real ones do.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// How the SMTP server treats the next conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpMode {
    Accept,
    /// Answers the greeting with 421 and hangs up (a server that is down for maintenance).
    RefuseGreeting,
    /// Rejects every recipient with a temporary 451.
    RejectRecipients,
    /// Hangs up in the middle of the message, after a few lines of DATA.
    DropMidData,
    /// Reads the whole message, then never answers (the worker can be killed "while sending").
    StallAfterData,
}

/// A message the server accepted (answered 250 after the final dot).
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub rcpt: Vec<String>,
    /// Without angle brackets: `<notification id>@motcua`.
    pub message_id: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug)]
struct SmtpState {
    mode: SmtpMode,
    accepted: Vec<ReceivedMail>,
    /// Conversations that reached the end of DATA and are stalled there now.
    stalled: usize,
    /// Conversations cut or refused on purpose.
    faults: usize,
}

/// A minimal SMTP server (RFC 5321 commands a client needs: EHLO/HELO, MAIL, RCPT, DATA, RSET,
/// NOOP, QUIT), no TLS, no authentication.
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    state: Arc<Mutex<SmtpState>>,
}

fn runtime_thread<F>(name: &str, f: F)
where
    F: FnOnce(tokio::runtime::Runtime) + Send + 'static,
{
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("peer runtime");
            f(rt)
        })
        .expect("peer thread");
}

impl SmtpServer {
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind SMTP");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let state =
            Arc::new(Mutex::new(SmtpState { mode: SmtpMode::Accept, accepted: Vec::new(), stalled: 0, faults: 0 }));
        let shared = state.clone();
        runtime_thread("test-smtp", move |rt| {
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((socket, _)) = listener.accept().await else { continue };
                    tokio::spawn(conversation(socket, shared.clone()));
                }
            })
        });
        Self { port, state }
    }

    pub fn set_mode(&self, mode: SmtpMode) {
        self.state.lock().unwrap().mode = mode;
    }

    pub fn accepted(&self) -> Vec<ReceivedMail> {
        self.state.lock().unwrap().accepted.clone()
    }

    pub fn faults(&self) -> usize {
        self.state.lock().unwrap().faults
    }

    pub fn stalled(&self) -> usize {
        self.state.lock().unwrap().stalled
    }

    /// Waits until at least `n` messages were accepted; returns them all.
    pub fn wait_for(&self, n: usize) -> Vec<ReceivedMail> {
        wait_until(&format!("{n} emails at the SMTP server"), || {
            let got = self.accepted();
            (got.len() >= n).then_some(got)
        })
    }
}

/// Polls `f` every 20 ms for up to 20 s.
pub fn wait_until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn conversation(socket: tokio::net::TcpStream, state: Arc<Mutex<SmtpState>>) {
    let mode = || state.lock().unwrap().mode;
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    if mode() == SmtpMode::RefuseGreeting {
        state.lock().unwrap().faults += 1;
        let _ = write.write_all(b"421 4.3.2 test.smtp closing, try later\r\n").await;
        return;
    }
    if write.write_all(b"220 test.smtp ESMTP\r\n").await.is_err() {
        return;
    }
    let mut rcpt = Vec::new();
    let mut line = String::new();
    let mut rejected: String;
    loop {
        line.clear();
        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-test.smtp\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n",
            "HELO" => b"250 test.smtp\r\n",
            "MAIL" => {
                rcpt.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if mode() == SmtpMode::RejectRecipients => {
                state.lock().unwrap().faults += 1;
                // As real servers do, the answer quotes the recipient.
                rejected = format!("451 4.7.1 <{}>: try again later\r\n", recipient(&line));
                rejected.as_bytes()
            }
            "RCPT" => {
                rcpt.push(recipient(&line));
                b"250 2.1.5 OK\r\n"
            }
            "RSET" | "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                return;
            }
            "DATA" => {
                if write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await.is_err() {
                    return;
                }
                let Some(raw) = read_data(&mut read, &state).await else { return };
                if mode() == SmtpMode::StallAfterData {
                    state.lock().unwrap().stalled += 1;
                    // Never answers: the client times out or dies; the message is not accepted.
                    let mut sink = String::new();
                    let _ = read.read_line(&mut sink).await;
                    state.lock().unwrap().stalled -= 1;
                    return;
                }
                let parsed = mail_parser::MessageParser::default().parse(&raw).expect("a parsable message");
                let mail = ReceivedMail {
                    rcpt: std::mem::take(&mut rcpt),
                    message_id: parsed.message_id().unwrap_or_default().to_string(),
                    subject: parsed.subject().unwrap_or_default().to_string(),
                    text: parsed.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
                    html: parsed.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
                };
                state.lock().unwrap().accepted.push(mail);
                b"250 2.0.0 queued\r\n"
            }
            _ => b"502 5.5.2 command not recognised\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The address of a `RCPT TO:<address>` line.
fn recipient(line: &str) -> String {
    let addr = line.trim_end().split_once(':').map(|(_, a)| a.trim()).unwrap_or("");
    addr.trim_start_matches('<').split('>').next().unwrap_or("").to_string()
}

/// Reads DATA up to the lone dot, undoing dot-stuffing. `None` when the connection ends, or when
/// the server is in [`SmtpMode::DropMidData`] and hangs up after a few lines.
async fn read_data(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    state: &Arc<Mutex<SmtpState>>,
) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut line = Vec::new();
    let mut lines = 0;
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
            return None;
        }
        lines += 1;
        if lines == 3 && state.lock().unwrap().mode == SmtpMode::DropMidData {
            state.lock().unwrap().faults += 1;
            return None;
        }
        if line == b".\r\n" {
            return Some(raw);
        }
        let content = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
        raw.extend_from_slice(content);
    }
}

/// What the gateway received in one accepted request.
#[derive(Debug, Clone)]
pub struct ReceivedSms {
    pub idempotency_key: String,
    pub body: Value,
}

#[derive(Debug)]
struct SmsState {
    failing: bool,
    accepted: Vec<ReceivedSms>,
    rejected: usize,
}

/// The bearer token the test gateway expects.
pub const SMS_TOKEN: &str = "test-gateway-token";

/// An HTTP SMS gateway: `POST /send` with a JSON body and `Authorization: Bearer <SMS_TOKEN>`.
#[derive(Clone)]
pub struct SmsGatewayPeer {
    pub url: String,
    state: Arc<Mutex<SmsState>>,
}

impl SmsGatewayPeer {
    pub fn start() -> Self {
        use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
        let state = Arc::new(Mutex::new(SmsState { failing: false, accepted: Vec::new(), rejected: 0 }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind gateway");
        let url = format!("http://127.0.0.1:{}/send", listener.local_addr().unwrap().port());
        let shared = web::Data::new(state.clone());
        std::thread::Builder::new()
            .name("test-sms".into())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let handler = |req: HttpRequest, body: web::Bytes, state: web::Data<Arc<Mutex<SmsState>>>| async move {
                        let header = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
                        let mut s = state.lock().unwrap();
                        if header("Authorization") != format!("Bearer {SMS_TOKEN}") {
                            s.rejected += 1;
                            return HttpResponse::Unauthorized().finish();
                        }
                        if s.failing {
                            s.rejected += 1;
                            return HttpResponse::ServiceUnavailable().finish();
                        }
                        let Ok(body) = serde_json::from_slice::<Value>(&body) else {
                            s.rejected += 1;
                            return HttpResponse::BadRequest().finish();
                        };
                        s.accepted.push(ReceivedSms { idempotency_key: header("Idempotency-Key").to_string(), body });
                        HttpResponse::Ok().json(serde_json::json!({"status": "queued"}))
                    };
                    HttpServer::new(move || App::new().app_data(shared.clone()).route("/send", web::post().to(handler)))
                        .workers(1)
                        .listen(listener)
                        .expect("gateway listens")
                        .run()
                        .await
                })
            })
            .expect("gateway thread");
        Self { url, state }
    }

    pub fn set_failing(&self, failing: bool) {
        self.state.lock().unwrap().failing = failing;
    }

    pub fn accepted(&self) -> Vec<ReceivedSms> {
        self.state.lock().unwrap().accepted.clone()
    }

    pub fn rejected(&self) -> usize {
        self.state.lock().unwrap().rejected
    }

    pub fn wait_for(&self, n: usize) -> Vec<ReceivedSms> {
        wait_until(&format!("{n} SMS at the gateway"), || {
            let got = self.accepted();
            (got.len() >= n).then_some(got)
        })
    }
}
