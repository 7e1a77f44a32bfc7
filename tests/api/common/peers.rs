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
    /// Whether the conversation was encrypted when the message came (STARTTLS or TLS from the start).
    pub encrypted: bool,
    /// The user the client authenticated as (AUTH PLAIN or LOGIN), if it did.
    pub auth_user: Option<String>,
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

/// How the server offers encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    Plain,
    /// Plain at first; offers STARTTLS (RFC 3207) and, once encrypted, AUTH.
    Starttls,
    /// TLS from the first byte (RFC 8314, "implicit TLS", port 465 style).
    Tls,
}

/// The account the TLS servers accept (AUTH PLAIN or LOGIN).
pub const SMTP_USER: &str = "motcua@cantho.gov.vn";
pub const SMTP_PASSWORD: &str = "mat-khau-smtp";

/// A minimal SMTP server (RFC 5321 commands a client needs: EHLO/HELO, MAIL, RCPT, DATA, RSET,
/// NOOP, QUIT), optionally with STARTTLS or implicit TLS and AUTH (RFC 4954 PLAIN and LOGIN).
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    /// With TLS: the server certificate's PEM (for 127.0.0.1), for the client to trust.
    pub ca_pem: Option<String>,
    state: Arc<Mutex<SmtpState>>,
}

/// Any byte stream a conversation runs over: a TCP socket, or TLS over one.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}
type Stream = Box<dyn Io>;

/// What a conversation knows about its connection.
#[derive(Clone)]
struct Session {
    /// Offered by STARTTLS while the connection is still plain.
    upgrade: Option<tokio_rustls::TlsAcceptor>,
    encrypted: bool,
    /// Whether AUTH is offered and required (the TLS servers).
    auth: bool,
}

/// A certificate for 127.0.0.1 made for this run, and the server configuration using it.
fn tls_acceptor() -> (tokio_rustls::TlsAcceptor, String) {
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("a test certificate");
    let cert: CertificateDer<'static> = made.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
    let config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("a TLS server configuration");
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), made.cert.pem())
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
        Self::start_with(SmtpSecurity::Plain)
    }

    pub fn start_with(security: SmtpSecurity) -> Self {
        let tls = (security != SmtpSecurity::Plain).then(tls_acceptor);
        let ca_pem = tls.as_ref().map(|t| t.1.clone());
        let acceptor = tls.map(|t| t.0);
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
                    let (state, acceptor) = (shared.clone(), acceptor.clone());
                    tokio::spawn(async move {
                        match (security, acceptor) {
                            (SmtpSecurity::Tls, Some(acceptor)) => {
                                let Ok(tls) = acceptor.accept(socket).await else { return };
                                let session = Session { upgrade: None, encrypted: true, auth: true };
                                conversation(Box::new(tls), state, session, true).await
                            }
                            (SmtpSecurity::Starttls, upgrade @ Some(_)) => {
                                let session = Session { upgrade, encrypted: false, auth: true };
                                conversation(Box::new(socket), state, session, true).await
                            }
                            _ => {
                                let session = Session { upgrade: None, encrypted: false, auth: false };
                                conversation(Box::new(socket), state, session, true).await
                            }
                        }
                    });
                }
            })
        });
        Self { port, ca_pem, state }
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

/// One SMTP conversation (from the greeting, or from the client's new EHLO after STARTTLS).
fn conversation(
    socket: Stream,
    state: Arc<Mutex<SmtpState>>,
    session: Session,
    greet: bool,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(async move {
        let mode = || state.lock().unwrap().mode;
        let (read, mut write) = tokio::io::split(socket);
        let mut read = BufReader::new(read);
        if greet {
            if mode() == SmtpMode::RefuseGreeting {
                state.lock().unwrap().faults += 1;
                let _ = write.write_all(b"421 4.3.2 test.smtp closing, try later\r\n").await;
                return;
            }
            if write.write_all(b"220 test.smtp ESMTP\r\n").await.is_err() {
                return;
            }
        }
        let mut rcpt = Vec::new();
        let mut user: Option<String> = None;
        let mut line = String::new();
        let mut reply_buf: String;
        loop {
            line.clear();
            if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
            let may_auth = session.auth && session.encrypted;
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => {
                    reply_buf = "250-test.smtp\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n".to_string();
                    if session.upgrade.is_some() {
                        reply_buf.push_str("250-STARTTLS\r\n");
                    }
                    if may_auth {
                        reply_buf.push_str("250-AUTH PLAIN LOGIN\r\n");
                    }
                    reply_buf.push_str("250 SIZE 10485760\r\n");
                    reply_buf.as_bytes()
                }
                "HELO" => b"250 test.smtp\r\n",
                "STAR" if session.upgrade.is_some() => {
                    if write.write_all(b"220 2.0.0 ready to start TLS\r\n").await.is_err() {
                        return;
                    }
                    let acceptor = session.upgrade.clone().unwrap();
                    let plain = read.into_inner().unsplit(write);
                    let Ok(tls) = acceptor.accept(plain).await else { return };
                    // RFC 3207: everything said before is forgotten; the client greets again.
                    let session = Session { upgrade: None, encrypted: true, ..session };
                    return conversation(Box::new(tls), state, session, false).await;
                }
                "AUTH" if may_auth => match authenticate(&line, &mut read, &mut write).await {
                    Some(Ok(u)) => {
                        user = Some(u);
                        b"235 2.7.0 authenticated\r\n"
                    }
                    Some(Err(())) => b"535 5.7.8 authentication credentials invalid\r\n",
                    None => return,
                },
                "MAIL" if session.auth && user.is_none() => b"530 5.7.0 authentication required\r\n",
                "MAIL" => {
                    rcpt.clear();
                    b"250 2.1.0 OK\r\n"
                }
                "RCPT" if mode() == SmtpMode::RejectRecipients => {
                    state.lock().unwrap().faults += 1;
                    // As real servers do, the answer quotes the recipient.
                    reply_buf = format!("451 4.7.1 <{}>: try again later\r\n", recipient(&line));
                    reply_buf.as_bytes()
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
                        encrypted: session.encrypted,
                        auth_user: user.clone(),
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
    })
}

type ReadSide = BufReader<tokio::io::ReadHalf<Stream>>;
type WriteSide = tokio::io::WriteHalf<Stream>;

/// RFC 4954 AUTH PLAIN (initial response or not) and AUTH LOGIN: `Some(Ok(user))` for the test
/// account, `Some(Err(()))` for anything else, `None` when the client hangs up.
async fn authenticate(line: &str, read: &mut ReadSide, write: &mut WriteSide) -> Option<Result<String, ()>> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let decode = |s: &str| b64.decode(s.trim()).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
    let mut next = async |prompt: &[u8]| -> Option<String> {
        write.write_all(prompt).await.ok()?;
        let mut answer = String::new();
        (read.read_line(&mut answer).await.ok()? > 0).then_some(answer)
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    let (user, password) = match words.get(1).map(|m| m.to_ascii_uppercase()).as_deref() {
        Some("PLAIN") => {
            let response = match words.get(2) {
                Some(r) => r.to_string(),
                None => next(b"334 \r\n").await?,
            };
            let decoded = decode(&response);
            let mut parts = decoded.split('\0').skip(1);
            (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string())
        }
        Some("LOGIN") => {
            let user = decode(&next(b"334 VXNlcm5hbWU6\r\n").await?);
            let password = decode(&next(b"334 UGFzc3dvcmQ6\r\n").await?);
            (user, password)
        }
        _ => return Some(Err(())),
    };
    Some(if user == SMTP_USER && password == SMTP_PASSWORD { Ok(user) } else { Err(()) })
}

/// The address of a `RCPT TO:<address>` line.
fn recipient(line: &str) -> String {
    let addr = line.trim_end().split_once(':').map(|(_, a)| a.trim()).unwrap_or("");
    addr.trim_start_matches('<').split('>').next().unwrap_or("").to_string()
}

/// Reads DATA up to the lone dot, undoing dot-stuffing. `None` when the connection ends, or when
/// the server is in [`SmtpMode::DropMidData`] and hangs up after a few lines.
async fn read_data(read: &mut ReadSide, state: &Arc<Mutex<SmtpState>>) -> Option<Vec<u8>> {
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
