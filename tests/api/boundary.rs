//! The request boundary (issue 11, part 3): what the server logs, control characters, periods and
//! dates out of range, and the headers of responses that carry personal data (SQLite, or
//! PostgreSQL with TEST_DATABASE_URL). The log test installs a process-wide subscriber that keeps
//! every line the server logs, so it runs in a process of its own (`common::isolated`).
use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::web::{browser, get, post_form, read};
use common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2027-03-01T09:00:00+07:00";
/// Liên thông khai sinh – thường trú – BHYT: commune (Tân An), 10 working days.
const BIRTH: &str = "1.003583";

/// Everything the server logs, at TRACE for motcua and actix, as text.
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER
        .get_or_init(|| {
            use tracing_subscriber::layer::SubscriberExt;
            use tracing_subscriber::util::SubscriberInitExt;
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let writer = Capture(buffer.clone());
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .without_time()
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL);
            let filter = tracing_subscriber::EnvFilter::new(
                "warn,motcua=trace,actix_web=trace,actix_http=trace,actix_server=trace,\
                 tracing_actix_web=trace,actix_multipart=trace",
            );
            tracing_subscriber::registry().with(filter).with(layer).try_init().expect("the only subscriber");
            buffer
        })
        .clone()
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `needle` stands alone in `text` (not inside a longer run of letters or digits).
fn occurs_as_token(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn applicant() -> Value {
    json!({"name": "Nguyễn Thị Hoa", "id_number": "092190001234", "phone": "0912345678",
           "email": "hoa.nguyen@example.vn", "address": "12 Nguyễn Trãi, phường Tân An"})
}

async fn intake(app: &TestApp, token: &str, applicant: Value) -> (u16, Value) {
    let body = json!({"procedure_code": BIRTH, "channel": "direct", "applicant": applicant,
                      "documents": ["Giấy chứng sinh"]});
    app.post_with("/api/v1/dossiers", token, &body).await
}

/// Headers as a browser (or any client) receives them, for any method.
async fn headers_of(r: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap) {
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.headers().clone())
}

#[tokio::test]
async fn nothing_an_applicant_sends_reaches_the_logs_even_in_bad_requests() {
    if !common::isolated(module_path!(), "nothing_an_applicant_sends_reaches_the_logs_even_in_bad_requests") {
        return;
    }
    let log = captured();
    let app = spawn_app_at(MONDAY).await;
    let clerk = app.login("clerk.tanan", PW).await;
    // The applicant's particulars, each sent where a request goes wrong.
    let (name, id_number, phone, email) = ("Nguyễn Bí Mật", "079301009999", "0987654321", "bi.mat@example.vn");
    let wrong_pin = "135792";
    let good = json!({"name": name, "id_number": id_number, "phone": phone, "email": email,
                      "address": "9 Hẻm Bí Mật, phường Tân An"});

    // JSON with wrong types: serde's message would quote the number (and the string).
    let mut bad = good.clone();
    bad["id_number"] = json!(79301009999_i64);
    let (s, b) = intake(&app, &clerk, bad).await;
    assert_error(s, &b, 400, "invalid_body");
    assert!(!b["message"].as_str().unwrap().contains("79301009999"), "the value is not echoed: {b}");
    let mut bad = good.clone();
    bad["phone"] = json!(987654321_i64);
    bad["name"] = json!([name]);
    assert_error_code(&intake(&app, &clerk, bad).await, 400, "invalid_body");
    // Unknown fields, one named by the applicant's name, another carrying the email.
    let mut bad = good.clone();
    bad[name] = json!(email);
    bad["so_dien_thoai"] = json!(phone);
    let (s, b) = intake(&app, &clerk, bad).await;
    assert_error(s, &b, 400, "unknown_field");
    assert!(!b["message"].as_str().unwrap().contains("Bí Mật"), "{b}");
    // Values the rules refuse, and a control character.
    let mut bad = good.clone();
    bad["phone"] = json!(format!("{phone}99"));
    bad["email"] = json!(format!("{email}@@"));
    let (s, _) = intake(&app, &clerk, bad).await;
    assert_eq!(s, 400);
    let mut bad = good.clone();
    bad["name"] = json!(format!("{name}\u{0}"));
    assert_error_code(&intake(&app, &clerk, bad).await, 400, "invalid_text");
    // A wrong channel value (an unknown variant of an enum is quoted by serde).
    let body = json!({"procedure_code": BIRTH, "channel": name, "applicant": good, "documents": []});
    let (s, _) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 400);
    // Not JSON at all, with the values in it.
    let r = app
        .client
        .post(app.url("/api/v1/dossiers"))
        .bearer_auth(&clerk)
        .header("content-type", "application/json")
        .body(format!("{{\"applicant\": {{\"name\": \"{name}\", \"id_number\": {id_number}}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);

    // A dossier made with the same particulars, then looked up with wrong and right proofs.
    let (s, d) = intake(&app, &clerk, good.clone()).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    let pin = d["pin"].as_str().unwrap().to_string();
    assert_ne!(pin, wrong_pin);
    let (s, _) = app.get(&format!("/api/v1/lookup/{code}?pin={wrong_pin}")).await;
    assert_eq!(s, 403);
    let (s, _) = app.get(&format!("/api/v1/lookup/{code}?phone=0911222333")).await;
    assert_eq!(s, 403);
    let (s, _) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(s, 200);
    let (s, _) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}&ho_ten=Nguy%E1%BB%85n+B%C3%AD+M%E1%BA%ADt")).await;
    assert_eq!(s, 400);
    let (s, _) = app.get(&format!("/api/v1/lookup/{code}?pin[]={id_number}")).await;
    assert_eq!(s, 400);
    let (s, _) = app.post_json("/api/v1/auth/login", &json!({"username": email, "password": id_number})).await;
    assert_eq!(s, 401);

    // Pages: a staff page opened without a session redirects to sign-in with its address, which
    // holds the particulars in its query string.
    let query = format!("ten={}&cccd={id_number}&sdt={phone}&email={}", urlencode(name), urlencode(email));
    let p = get(&app, &format!("/can-bo/ho-so/{code}?{query}"), None).await;
    assert_eq!(p.status, 303);
    let p = get(&app, &format!("/lanh-dao?from=9999-01-01&to={id_number}&agency={}", urlencode(name)), None).await;
    assert_eq!(p.status, 303);
    // Bad form posts: wrong proofs on the lookup page, a sign-up that fails, a control character.
    let p = post_form(&app, &format!("/tra-cuu/{code}"), None, &[("pin", wrong_pin), ("phone", "0911222333")]).await;
    assert_eq!(p.status, 403, "{}", p.body);
    let p = post_form(&app, &format!("/tra-cuu/{code}"), None, &[("phone", &format!("{phone}\u{0}"))]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    let p = post_form(
        &app,
        "/dang-ky",
        None,
        &[("full_name", name), ("username", email), ("password", id_number), ("password_again", phone)],
    )
    .await;
    assert_eq!(p.status, 400, "{}", p.body);
    let p = post_form(&app, "/dang-nhap", None, &[("username", email), ("password", id_number)]).await;
    assert_eq!(p.status, 401, "{}", p.body);
    let citizen = common::web::sign_in(&app, "citizen.an", PW).await;
    let r = browser()
        .post(app.url(&format!("/ho-so-cua-toi/{code}/danh-gia")))
        .header("origin", app.address.clone())
        .header("cookie", &citizen)
        .form(&[("score", phone), ("comment", name)])
        .send()
        .await
        .unwrap();
    let status = read(r).await.status;
    assert!((400..500).contains(&status), "{status}");

    app.settle();
    drop(app);
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(text.contains("request finished"), "the capture works:\n{text}");
    for code in ["invalid_body", "unknown_field", "invalid_text", "proof_mismatch", "sign_in_required"] {
        assert!(text.contains(code), "client errors are logged with their code ({code}):\n{text}");
    }
    for secret in ["Bí Mật", "Bi Mat", "B%C3%AD", "bi.mat", "Nguy%E1%BB%85n"] {
        assert!(!text.contains(secret), "{secret} reached the logs:\n{text}");
    }
    for secret in [id_number, "79301009999", phone, "987654321", "0911222333", wrong_pin, pin.as_str()] {
        assert!(!occurs_as_token(&text, secret), "{secret} reached the logs:\n{text}");
    }
}

fn assert_error_code((status, body): &(u16, Value), expected_status: u16, code: &str) {
    assert_error(*status, body, expected_status, code);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test]
async fn control_characters_are_refused_in_every_text_input_and_nothing_is_stored() {
    let app = spawn_app_at(MONDAY).await;
    let clerk = app.login("clerk.tanan", PW).await;
    // The anonymous catalogue search (a 500 on PostgreSQL before), the page and the API.
    let (s, b) = app.get("/api/v1/procedures?q=a%00b").await;
    assert_error(s, &b, 400, "invalid_text");
    assert!(b["message"].as_str().unwrap().contains("`q`"), "the field is named: {b}");
    let p = get(&app, "/thu-tuc?q=a%00b", None).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("ký tự điều khiển"), "a page in Vietnamese: {}", p.body);
    let (s, b) = app.get("/api/v1/procedures?q=a%1Bb").await;
    assert_error(s, &b, 400, "invalid_text");
    let (s, b) = app.get("/api/v1/lookup/000.01.31.H12-270301-0001%00").await;
    assert_error(s, &b, 400, "invalid_text");

    // A NUL in the applicant's name (JSON `\u0000`), a line break in the address: 400, nothing stored.
    let mut a = applicant();
    a["name"] = json!("Nguyễn\u{0}Thị Hoa");
    let (s, b) = intake(&app, &clerk, a).await;
    assert_error(s, &b, 400, "invalid_text");
    assert!(b["message"].as_str().unwrap().contains("applicant.name"), "{b}");
    let mut a = applicant();
    a["address"] = json!("12 Nguyễn Trãi\nphường Tân An");
    let (s, b) = intake(&app, &clerk, a).await;
    assert_error(s, &b, 400, "invalid_text");
    let (s, b) = app
        .post_with(
            "/api/v1/dossiers",
            &clerk,
            &json!({"procedure_code": BIRTH, "channel": "direct",
            "applicant": applicant(), "documents": ["Giấy chứng sinh", "Bản sao\u{7}"]}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_text");
    assert!(b["message"].as_str().unwrap().contains("documents[1]"), "{b}");
    let (s, inbox) = app.get_with("/api/v1/dossiers", &clerk).await;
    assert_eq!((s, inbox["items"].as_array().map(Vec::len)), (200, Some(0)), "nothing was stored: {inbox}");

    // A tab and line breaks in a note are fine, and kept.
    let (s, d) = intake(&app, &clerk, applicant()).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap();
    let note = "Đã kiểm tra:\n\t- giấy chứng sinh\r\n\t- CCCD";
    let (s, d) = app
        .post_with(&format!("/api/v1/dossiers/{code}/actions"), &clerk, &json!({"action": "transfer", "note": note}))
        .await;
    assert_eq!(s, 200, "{d}");
    assert!(d.to_string().contains(&serde_json::to_string(note).unwrap()), "the note is kept as sent: {d}");
    // ...but not a NUL, nor a line break in a single-line field of a form.
    let (s, b) = app
        .post_with(
            &format!("/api/v1/dossiers/{code}/actions"),
            &clerk,
            &json!({"action": "transfer", "note": "a\u{0}"}),
        )
        .await;
    assert_error(s, &b, 400, "invalid_text");
    let p = post_form(&app, &format!("/tra-cuu/{code}"), None, &[("pin", "12\n34")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    let p = post_form(&app, "/dang-nhap", None, &[("username", "clerk.tanan\u{0}"), ("password", PW)]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    app.expect_unsent(0);
}

#[tokio::test]
async fn dates_out_of_the_calendar_answer_invalid_period_not_a_panic_or_a_500() {
    let app = spawn_app_at(MONDAY).await;
    let leader = app.login("leader.tp", PW).await;
    let admin = app.login("admin", PW).await;
    for query in [
        "/api/v1/stats/report?from=-262143-01-01&to=-262143-12-31",
        "/api/v1/stats/report?from=0000-01-01&to=0000-12-31",
        "/api/v1/stats/report?from=0000-01-01&to=2026-12-31",
        "/api/v1/stats/kpis?from=9999-01-01&to=9999-12-31",
        "/api/v1/stats/kpis?from=2027-01-01&to=%2B10000-01-01",
        "/api/v1/stats/report?from=1999-12-31&to=2000-01-31",
        "/api/v1/stats/report?from=2100-12-01&to=2101-01-01",
        "/api/v1/stats/report?from=2027-02-30&to=2027-03-31",
        "/api/v1/stats/report?from=2027-12-31&to=2027-01-01",
        "/api/v1/stats/report?from=2000-01-01&to=2027-01-01",
        "/api/v1/stats/report?to=2027-01-01",
    ] {
        let (s, b) = app.get_with(query, &leader).await;
        assert_error(s, &b, 400, "invalid_period");
    }
    // The bounds themselves are fine.
    let (s, b) = app.get_with("/api/v1/stats/report?from=2000-01-01&to=2009-12-31", &leader).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = app.get_with("/api/v1/stats/kpis?from=2091-01-01&to=2100-12-31", &leader).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = app
        .client
        .put(app.url("/api/v1/stats/off-system"))
        .bearer_auth(&admin)
        .json(&json!({"agency_code": "000.00.31.H12", "from": "9999-01-01", "to": "9999-12-31", "dossiers": 3}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_error(s, &b.json().await.unwrap(), 400, "invalid_period");
    // The dashboard says so on the page.
    let cookie = common::web::sign_in(&app, "leader.tp", PW).await;
    let p = get(&app, "/lanh-dao?from=9999-01-01&to=9999-12-31", Some(&cookie)).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("31/12/2100"), "{}", p.body);
    let p = get(&app, "/lanh-dao?from=2000-01-01&to=2000-12-31", Some(&cookie)).await;
    assert_eq!(p.status, 200, "a first period without a previous one: {}", p.body);

    // extend: a new due date past the calendar's bounds.
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, d) = intake(&app, &clerk, applicant()).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap();
    for day in ["9999-12-31", "+10000-01-01", "0000-01-01", "2101-01-01"] {
        let (s, b) = app
            .post_with(
                &format!("/api/v1/dossiers/{code}/actions"),
                &clerk,
                &json!({"action": "extend", "new_due_date": day, "reason": "Chờ kết quả xác minh"}),
            )
            .await;
        assert_error(s, &b, 400, "invalid_new_due_date");
    }
}

#[tokio::test]
async fn responses_that_carry_personal_data_are_not_cached_framed_or_sniffed_and_pages_run_no_script() {
    let app = spawn_app_at(MONDAY).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (_, d) = intake(&app, &clerk, applicant()).await;
    let code = d["code"].as_str().unwrap().to_string();
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let r = app
        .client
        .put(app.url(&format!("/api/v1/dossiers/{code}/files/don.pdf")))
        .bearer_auth(&clerk)
        .header("Content-Type", "application/pdf")
        .body(pdf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let file: Value = r.json().await.unwrap();
    let staff_cookie = common::web::sign_in(&app, "clerk.tanan", PW).await;
    let citizen_cookie = common::web::sign_in(&app, "citizen.an", PW).await;

    let c = &app.client;
    let api = |path: &str| c.get(app.url(path)).bearer_auth(&clerk);
    let page = |path: &str, cookie: &str| browser().get(app.url(path)).header("cookie", cookie.to_string());
    let cases: Vec<(&str, reqwest::RequestBuilder, &str)> = vec![
        ("the dossier JSON", api(&format!("/api/v1/dossiers/{code}")), "json"),
        ("the inbox JSON", api("/api/v1/dossiers"), "json"),
        ("form 01", api(&format!("/api/v1/dossiers/{code}/forms/01")), "printable"),
        ("form 06", api(&format!("/api/v1/dossiers/{code}/forms/06")), "printable"),
        ("the tracking book", api("/api/v1/agencies/000.01.31.H12/tracking-book?year=2027"), "printable"),
        ("a file", api(&format!("/api/v1/dossiers/{code}/files/{}", file["id"].as_str().unwrap())), "file"),
        ("the staff page", page(&format!("/can-bo/ho-so/{code}"), &staff_cookie), "page"),
        ("the inbox page", page("/can-bo", &staff_cookie), "page"),
        ("the citizen's page", page("/ho-so-cua-toi", &citizen_cookie), "page"),
        ("the dashboard's 403", page("/lanh-dao", &staff_cookie), "page"),
        ("the public lookup", c.get(app.url(&format!("/api/v1/lookup/{code}"))), "json"),
        ("the lookup page", browser().get(app.url(&format!("/tra-cuu/{code}"))), "page"),
        ("an API error", c.get(app.url("/api/v1/dossiers/khong-co")).bearer_auth(&clerk), "json"),
        ("an error page", browser().get(app.url("/khong-co")).header("accept", "text/html"), "page"),
        ("a rejected input", c.get(app.url("/api/v1/procedures?q=%00")), "json"),
    ];
    for (what, request, kind) in cases {
        let (status, h) = headers_of(request).await;
        let header = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(status < 500, "{what}: {status}");
        assert_eq!(header("cache-control"), "no-store", "{what}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        assert_eq!(header("referrer-policy"), "same-origin", "{what}");
        let csp = header("content-security-policy");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        match kind {
            "page" => {
                assert!(header("content-type").starts_with("text/html"), "{what}");
                assert!(!csp.contains("script-src"), "pages run no script: {what}: {csp}");
                assert!(csp.contains("form-action 'self'") && csp.contains("base-uri 'none'"), "{what}: {csp}");
            }
            "printable" => {
                assert!(header("content-type").starts_with("text/html"), "{what}");
                assert!(csp.contains("script-src 'unsafe-hashes' 'sha256-"), "only the print button: {what}: {csp}");
            }
            _ => assert!(!csp.contains("script-src") && !csp.contains("style-src"), "{what}: {csp}"),
        }
    }
    // The stylesheet is public and may be cached.
    let (_, h) = headers_of(c.get(app.url("/static/app.css"))).await;
    assert!(h["cache-control"].to_str().unwrap().starts_with("public"));
    assert_eq!(h["x-content-type-options"], "nosniff");
}
