//! Read models (issue 12): the inbox (API and page) with paging, search and filters, the public
//! lookup and the leader dashboard, each within its statement budget (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL). Statements are counted by the pool's instrumentation
//! (`storage::connection::statements_sent`); the delivery worker is off, so nothing else talks to
//! the database while a request is measured (checked: an idle moment sends nothing).
use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::web::{get, sign_in};
use common::{assert_error, spawn_app_configured, TestApp};
use motcua::storage::connection::{checkouts, statements_sent};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2027-03-01T09:00:00+07:00";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district (quận Ninh Kiều), 3 working days.
const BUSINESS: &str = "2.000720";

/// Everything the server logs (motcua and actix at TRACE), as text: this binary's own subscriber.
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
                "warn,motcua=trace,actix_web=trace,actix_http=trace,actix_server=trace,tracing_actix_web=trace",
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

/// The app at `MONDAY`, without the delivery worker (it polls the database).
async fn quiet_app() -> TestApp {
    spawn_app_configured(Some(MONDAY), |s| s.notifications.worker = false).await
}

fn applicant(name: &str, id_number: &str, phone: &str) -> Value {
    json!({"name": name, "id_number": id_number, "phone": phone, "address": "Ninh Kiều, Cần Thơ"})
}

/// A dossier received at the counter of quận Ninh Kiều; its code.
async fn intake(app: &TestApp, clerk: &str, applicant: Value) -> Value {
    let body = json!({"procedure_code": BUSINESS, "channel": "direct", "applicant": applicant, "notify_by": "none"});
    let (s, d) = app.post_with("/api/v1/dossiers", clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    d
}

/// `n` dossiers of numbered applicants, received a minute apart.
async fn many(app: &TestApp, clerk: &str, n: usize) -> Vec<String> {
    let mut codes = Vec::new();
    for i in 0..n {
        app.set_time(&format!("2027-03-01T09:{:02}:00+07:00", i % 60));
        let d = intake(app, clerk, applicant(&format!("Người Nộp {i}"), &format!("0921900{i:05}"), "0912000000")).await;
        codes.push(d["code"].as_str().unwrap().to_string());
    }
    app.set_time(MONDAY);
    codes
}

/// The statements `f` makes the server send (nothing else runs meanwhile: checked before).
async fn counted<T>(app: &TestApp, f: impl std::future::Future<Output = T>) -> (u64, T) {
    let url = app.db.url().to_string();
    let idle = statements_sent(&url);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(statements_sent(&url), idle, "nothing talks to the database while idle");
    let before = statements_sent(&url);
    let out = f.await;
    (statements_sent(&url) - before, out)
}

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().unwrap_or_else(|| panic!("a page has items: {page}")).clone()
}

fn codes(page: &Value) -> Vec<String> {
    items(page).iter().map(|i| i["code"].as_str().or(i["reference"].as_str()).unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_inbox_api_sends_a_page_of_fifty_in_at_most_three_statements_and_pages_by_cursor() {
    let app = quiet_app().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let all = many(&app, &clerk, 57).await;

    let trips = checkouts(app.db.url());
    let (statements, (s, first)) = counted(&app, app.get_with("/api/v1/dossiers", &clerk)).await;
    let trips = checkouts(app.db.url()) - trips;
    eprintln!(
        "inbox API ({}): {statements} statements for {} rows, {trips} check-outs",
        app.db.backend(),
        items(&first).len()
    );
    assert_eq!(trips, 1, "the inbox API reads in one trip, the account check included");
    assert_eq!(s, 200, "{first}");
    assert!(statements <= 3, "the inbox API sent {statements} statements");
    assert_eq!((items(&first).len(), first["limit"].as_i64()), (50, Some(50)), "a page of 50 by default");
    let entry = &items(&first)[0];
    assert!(entry["applicant_name"].as_str().unwrap().starts_with("Người Nộp"), "{entry}");
    assert_eq!((entry["procedure_code"].as_str(), entry["channel"].as_str()), (Some(BUSINESS), Some("direct")));
    assert!(!entry["procedure_name"].as_str().unwrap().is_empty());

    // A dossier arriving meanwhile does not shift the next page: no repeat, no gap.
    let late = intake(&app, &clerk, applicant("Người Đến Sau", "092190099999", "0912999999")).await;
    let cursor = first["next_cursor"].as_str().expect("a next page").to_string();
    let (s, second) = app.get_with(&format!("/api/v1/dossiers?cursor={cursor}"), &clerk).await;
    assert_eq!(s, 200, "{second}");
    let mut seen = codes(&first);
    seen.extend(codes(&second));
    assert_eq!(second["next_cursor"], Value::Null, "the last page");
    let late_code = late["code"].as_str().unwrap().to_string();
    let mut expected = all.clone();
    expected.push(late_code.clone());
    assert_eq!(seen.len(), expected.len(), "{seen:?}");
    let (mut a, mut b) = (seen.clone(), expected.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b, "every dossier once");
    // Nearest deadline first, across pages.
    let dues: Vec<String> = items(&first)
        .iter()
        .chain(items(&second).iter())
        .map(|i| i["step_due_at"].as_str().unwrap_or("9999").to_string())
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");

    // A smaller page, and bad paging parameters.
    let (_, small) = app.get_with("/api/v1/dossiers?limit=7", &clerk).await;
    assert_eq!(items(&small).len(), 7);
    assert_eq!(codes(&small), codes(&first)[..7].to_vec(), "the same order whatever the page size");
    for (query, code) in [
        ("limit=0", "invalid_limit"),
        ("limit=201", "invalid_limit"),
        ("limit=ten", "invalid_limit"),
        ("cursor=zz", "invalid_cursor"),
        ("cursor=64", "invalid_cursor"),
    ] {
        let (s, b) = app.get_with(&format!("/api/v1/dossiers?{query}"), &clerk).await;
        assert_error(s, &b, 400, code);
    }
    let (s, b) = app.get_with("/api/v1/dossiers?limit=200", &clerk).await;
    assert_eq!((s, items(&b).len()), (200, 58), "{b}");

    // A search is a read of every dossier it returns (issue 17 item 2): one statement more, a
    // multi-row insert of the page's 50 dossiers.
    let (statements, (s, found)) = counted(&app, app.get_with("/api/v1/dossiers?q=nguoi%20nop", &clerk)).await;
    eprintln!("inbox search ({}): {statements} statements", app.db.backend());
    assert_eq!((s, items(&found).len()), (200, 50), "{found}");
    assert!(statements <= 4, "the inbox search sent {statements} statements");
    let mut conn = app.conn();
    let recorded = motcua::storage::accesses::list(&mut conn, &Default::default(), 1000, 0).unwrap();
    assert_eq!(recorded.iter().filter(|r| r.kind == "search").count(), 50, "one read for each dossier returned");
}

#[tokio::test]
async fn the_inbox_finds_by_name_without_diacritics_phone_id_number_code_and_reference_within_scope() {
    // The log capture is process-wide: this test runs alone, in a child process of this binary.
    if !common::isolated(
        module_path!(),
        "the_inbox_finds_by_name_without_diacritics_phone_id_number_code_and_reference_within_scope",
    ) {
        return;
    }
    let log = captured();
    let app = quiet_app().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let hoa = intake(&app, &clerk, applicant("Nguyễn Thị Hoà", "092190001234", "0912345678")).await;
    let binh = intake(&app, &clerk, applicant("Trần Văn Bình", "092190005678", "0987654321")).await;
    let hoa_code = hoa["code"].as_str().unwrap();
    let find = |q: &str| {
        let (app, clerk) = (&app, &clerk);
        let path = format!("/api/v1/dossiers?q={}", q.replace(' ', "%20").replace('+', "%2B"));
        let q = q.to_string();
        async move {
            let (s, b) = app.get_with(&path, clerk).await;
            assert_eq!(s, 200, "{q}: {b}");
            codes(&b)
        }
    };
    let just_hoa = vec![hoa_code.to_string()];
    assert_eq!(find("nguyen thi hoa").await, just_hoa, "without diacritics");
    assert_eq!(find("Nguyễn%20Thị%20Hoà").await, just_hoa, "with diacritics");
    assert_eq!(find("HOA").await, just_hoa, "a part, any case");
    assert_eq!(find("0912345678").await, just_hoa, "the phone");
    assert_eq!(find("+84912345678").await, just_hoa, "the phone written internationally");
    assert_eq!(find("092190001234").await, just_hoa, "the identity number");
    assert_eq!(find(hoa_code).await, just_hoa, "the code");
    assert_eq!(find(hoa["reference"].as_str().unwrap()).await, just_hoa, "the submission reference");
    assert_eq!(find("tran van").await, vec![binh["code"].as_str().unwrap().to_string()]);
    assert_eq!(find("100%25").await, Vec::<String>::new(), "LIKE's wildcards are plain characters");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers?q={}", "a".repeat(101)), &clerk).await;
    assert_error(s, &b, 400, "invalid_search");

    // Another agency's clerk finds nothing of quận Ninh Kiều's.
    let other = app.login("clerk.tanan", PW).await;
    for q in ["nguyen%20thi%20hoa", "0912345678", hoa_code] {
        let (s, b) = app.get_with(&format!("/api/v1/dossiers?q={q}"), &other).await;
        assert_eq!((s, items(&b).len()), (200, 0), "{q}: {b}");
    }

    // The page finds the same, shows the applicant's name, and keeps the search in its form.
    let cookie = sign_in(&app, "clerk.ninhkieu", PW).await;
    let p = get(&app, "/can-bo?q=nguyen+thi+hoa", Some(&cookie)).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains(hoa_code) && p.body.contains("Nguyễn Thị Hoà"), "{}", p.body);
    assert!(!p.body.contains("Trần Văn Bình"), "only what matches");
    assert!(p.body.contains("value=\"nguyen thi hoa\""), "the search stays in the box");

    // None of the search terms reached the logs, though the requests did.
    let logged = String::from_utf8_lossy(&log.lock().unwrap()).to_string();
    assert!(logged.contains("/api/v1/dossiers") && logged.contains("/can-bo"), "requests are logged");
    for term in ["nguyen", "Nguy", "0912345678", "84912345678", "092190001234", "tran van", "tran%20van", "100%25"] {
        assert!(!logged.contains(term), "`{term}` reached the logs");
    }
}

#[tokio::test]
async fn the_inbox_filters_by_urgency_status_channel_procedure_and_received_date() {
    let app = quiet_app().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let citizen = app.login("citizen.an", PW).await;
    let first = intake(&app, &clerk, applicant("Lê Văn Một", "092190000001", "0912000001")).await;
    let first = first["code"].as_str().unwrap().to_string();
    let (s, b) = app
        .post_with(
            &format!("/api/v1/dossiers/{first}/actions"),
            &clerk,
            &json!({"action": "request_supplement", "missing": ["Bản sao CCCD"]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    app.set_time("2027-03-04T09:00:00+07:00");
    let second = intake(&app, &clerk, applicant("Lê Văn Hai", "092190000002", "0912000002")).await;
    let second = second["code"].as_str().unwrap().to_string();
    let online = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
                        "applicant": applicant("Lê Văn Ba", "092190000003", "0912000003"), "notify_by": "none"});
    let (s, d) = app.post_with("/api/v1/dossiers", &citizen, &online).await;
    assert_eq!(s, 201, "{d}");
    let third = d["reference"].as_str().unwrap().to_string();

    let list = |query: &str| {
        let (app, clerk, query) = (&app, &clerk, query.to_string());
        async move {
            let (s, b) = app.get_with(&format!("/api/v1/dossiers?{query}"), clerk).await;
            assert_eq!(s, 200, "{query}: {b}");
            let mut c = codes(&b);
            c.sort();
            c
        }
    };
    let sorted = |v: &[&String]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(list("status=awaiting_supplement").await, sorted(&[&first]));
    assert_eq!(list("status=submitted").await, sorted(&[&third]));
    assert_eq!(list("channel=online").await, sorted(&[&third]));
    assert_eq!(list("channel=direct").await, sorted(&[&first, &second]));
    assert_eq!(list(&format!("procedure={BUSINESS}")).await.len(), 3);
    assert_eq!(list("procedure=1.003583").await, Vec::<String>::new());
    assert_eq!(list("received_from=2027-03-04").await, sorted(&[&second]), "the online one is not received yet");
    assert_eq!(list("received_to=2027-03-01").await, sorted(&[&first]));
    assert_eq!(list("received_from=2027-03-01&received_to=2027-03-04").await, sorted(&[&first, &second]));
    assert_eq!(list("urgency=waiting").await, sorted(&[&first]));
    assert_eq!(list("urgency=new").await, sorted(&[&third]));
    // Received at the counter on Thursday 4 March at 09:00: the paper file is handed over that day
    // (ND 61/2018 Điều 18.1), so its first step is due today; overdue a week later.
    assert_eq!(list("urgency=today").await, sorted(&[&second]));
    assert_eq!(list("urgency=soon").await, Vec::<String>::new());
    assert_eq!(list("urgency=in_time").await, Vec::<String>::new());
    app.set_time("2027-03-12T09:00:00+07:00");
    assert_eq!(list("urgency=overdue").await, sorted(&[&second]));
    assert_eq!(list("urgency=overdue&channel=online").await, Vec::<String>::new(), "filters combine");

    for (query, code) in [
        ("urgency=late", "invalid_urgency"),
        ("status=closed", "invalid_status_filter"),
        ("channel=fax", "invalid_channel_filter"),
        ("procedure=abc", "invalid_procedure_code"),
        ("received_from=2027-02-30", "invalid_date"),
        ("received_from=2027-03-05&received_to=2027-03-01", "invalid_date_range"),
        ("colour=red", "invalid_query"),
    ] {
        let (s, b) = app.get_with(&format!("/api/v1/dossiers?{query}"), &clerk).await;
        assert_error(s, &b, 400, code);
    }

    // The page: filters in its address, a readable message for a bad one.
    let cookie = sign_in(&app, "clerk.ninhkieu", PW).await;
    let p = get(&app, "/can-bo?urgency=waiting", Some(&cookie)).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains(&first) && !p.body.contains(&second), "{}", p.body);
    let p = get(&app, "/can-bo?received_from=2027-03-05&received_to=2027-03-01", Some(&cookie)).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("“Nhận từ ngày” phải trước"), "{}", p.body);
}

#[tokio::test]
async fn the_inbox_page_pages_by_urgency_in_at_most_four_statements() {
    let app = quiet_app().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let all = many(&app, &clerk, 53).await;
    let cookie = sign_in(&app, "clerk.ninhkieu", PW).await;
    let trips = checkouts(app.db.url());
    let (statements, p) = counted(&app, get(&app, "/can-bo", Some(&cookie))).await;
    let trips = checkouts(app.db.url()) - trips;
    eprintln!("inbox page ({}): {statements} statements, {trips} check-outs", app.db.backend());
    assert_eq!(trips, 1, "the inbox page reads in one trip, the account check included");
    assert_eq!(p.status, 200, "{}", p.body);
    // The account check, the urgency calendar, the agency's departments (the filter) and the page.
    assert!(statements <= 4, "the inbox page sent {statements} statements");
    assert!(p.body.contains("Người Nộp 0") && p.body.contains("<th scope=\"col\">Người nộp</th>"));
    let shown = |body: &str| all.iter().filter(|c| body.contains(&format!(">{c}<"))).count();
    assert_eq!(shown(&p.body), 50);
    let start = p.body.find("rel=\"next\"").map(|i| p.body[..i].rfind("href=\"").unwrap() + 6).expect("a next page");
    let next = p.body[start..].split('"').next().unwrap().replace("&amp;", "&");
    let p2 = get(&app, &next, Some(&cookie)).await;
    assert_eq!(p2.status, 200, "{}", p2.body);
    assert_eq!(shown(&p2.body), 3);
    assert!(!p2.body.contains("rel=\"next\"") && p2.body.contains("Trang đầu"));
    let p = get(&app, "/can-bo?cursor=00", Some(&cookie)).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("Liên kết trang không còn dùng được"));
}

#[tokio::test]
async fn the_public_lookup_takes_four_statements_and_a_few_more_with_a_proof() {
    let app = quiet_app().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let d = intake(&app, &clerk, applicant("Phạm Thị Tra", "092190007777", "0912777777")).await;
    let (code, pin) = (d["code"].as_str().unwrap().to_string(), d["pin"].as_str().unwrap().to_string());
    let (s, _) =
        app.post_with(&format!("/api/v1/dossiers/{code}/actions"), &clerk, &json!({"action": "transfer"})).await;
    assert_eq!(s, 200);
    // The first lookup of an instance also prunes old hits (once a minute).
    assert_eq!(app.get(&format!("/api/v1/lookup/{code}")).await.0, 200);

    let (statements, (s, l)) = counted(&app, app.get(&format!("/api/v1/lookup/{code}"))).await;
    eprintln!("lookup without proof ({}): {statements} statements", app.db.backend());
    assert_eq!(s, 200, "{l}");
    // The throttle's hit, the dossier with its history, its procedure's step names (issue 17
    // item 3: the timeline names each step) and the working calendar from its submission on (item
    // 1: the deadline ledger says which days off it crossed).
    assert!(statements <= 4, "the lookup sent {statements} statements");
    assert_eq!(l["history"].as_array().unwrap().len(), 2, "{l}");
    assert_eq!(l["timeliness"], "in_time", "{l}");
    assert!(!l["current_agency"].as_str().unwrap().is_empty() && l["detail"].is_null(), "{l}");
    assert!(l["history"][1]["agency"].as_str().is_some_and(|a| !a.is_empty()), "{l}");

    // A proof is an attempt recorded before it is judged, and forgotten when right.
    let (statements, (s, l)) = counted(&app, app.get(&format!("/api/v1/lookup/{code}?pin={pin}"))).await;
    eprintln!("lookup with a PIN ({}): {statements} statements", app.db.backend());
    assert_eq!(s, 200, "{l}");
    assert!(l["detail"].is_object(), "{l}");
    // With a proof, two more than before issue 17 (7): the working calendar (item 1, the deadline
    // ledger) and the staff reads shown to the applicant (item 2).
    assert!(statements <= 9, "the lookup with a proof sent {statements} statements");
    let (statements, (s, l)) = counted(&app, app.get(&format!("/api/v1/lookup/{code}?phone=0912777777"))).await;
    eprintln!("lookup with a phone ({}): {statements} statements", app.db.backend());
    assert_eq!(s, 200, "{l}");
    assert!(l["detail"].is_object() && statements <= 9, "{statements}: {l}");

    // The page reads the same way.
    let (statements, p) = counted(&app, get(&app, &format!("/tra-cuu/{code}"), None)).await;
    eprintln!("lookup page ({}): {statements} statements", app.db.backend());
    assert_eq!(p.status, 200);
    assert!(statements <= 4, "the lookup page sent {statements} statements");
    let (s, b) = app.get("/api/v1/lookup/000.00.31.H12-270301-0999").await;
    assert_error(s, &b, 404, "dossier_not_found");
}

#[tokio::test]
async fn the_leader_dashboard_reads_its_figures_in_few_statements() {
    let app = quiet_app().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    many(&app, &clerk, 3).await;
    // An online submission nobody has received yet: the dashboard lists it among those waiting.
    let citizen = app.login("citizen.an", PW).await;
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": "000.00.31.H12",
        "applicant": applicant("Người Nộp Trực Tuyến", "092190099999", "0912000001"), "notify_by": "none"});
    let (s, d) = app.post_with("/api/v1/dossiers", &citizen, &body).await;
    assert_eq!(s, 201, "{d}");
    let cookie = sign_in(&app, "leader.ninhkieu", PW).await;
    let trips = checkouts(app.db.url());
    let (statements, p) = counted(&app, get(&app, "/lanh-dao", Some(&cookie))).await;
    let trips = checkouts(app.db.url()) - trips;
    eprintln!("dashboard ({}): {statements} statements, {trips} check-outs", app.db.backend());
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Tiếp nhận") || p.body.contains("tiếp nhận"), "the figures are shown");
    assert!(p.body.contains("data-agency=\"000.00.31.H12\""), "the submission waiting is shown");
    assert!(statements <= DASHBOARD_BUDGET, "the dashboard sent {statements} statements");
    assert_eq!(trips, 1, "the dashboard reads in one trip, the account check included");

    // The statistics API reads in one trip too, the account check included.
    let leader = app.login("leader.ninhkieu", PW).await;
    for (path, budget) in [
        ("/api/v1/stats/kpis?from=2027-01-01&to=2027-03-01&plan=cantho-131-2016", 8),
        // The account, the scope, the prefix sums, and the lines by source (issue 15: the
        // dossiers submitted on the national portal or handled on a ministry's system).
        ("/api/v1/stats/report?from=2027-01-01&to=2027-03-01&group_by=agency", 4),
        // The account, the agency, the working calendar and the waiting submissions by agency.
        ("/api/v1/stats/intake-waiting", 4),
        // The account, the agency, the working calendar and the candidates of every anomaly rule
        // (issue 16 item 3: one statement for the six rules).
        ("/api/v1/oversight/anomalies?from=2027-03-01&to=2027-03-31", 4),
        // The account, the scope, the prefix sums of every unit, the units' agencies, and the
        // procedures' online levels (issue 16 item 4: the indexes cost what the report costs).
        ("/api/v1/stats/evaluation?from=2027-01-01&to=2027-03-01&group_by=agency", 5),
        ("/api/v1/stats/index766?from=2027-01-01&to=2027-03-01&group_by=agency", 5),
    ] {
        let trips = checkouts(app.db.url());
        let (statements, (s, b)) = counted(&app, app.get_with(path, &leader)).await;
        let trips = checkouts(app.db.url()) - trips;
        eprintln!("{path} ({}): {statements} statements, {trips} check-outs", app.db.backend());
        assert_eq!(s, 200, "{b}");
        assert!(statements <= budget, "{path} sent {statements} statements");
        assert_eq!(trips, 1, "{path} takes one check-out");
    }
}

/// The budget for the dashboard page: every figure is read in one trip
/// (`services::stats::dashboard`): the account, the agencies in scope, the plans and the plan's
/// targets, the prefix sums of every report and both periods' totals, the procedures by online
/// level, the off-system counts, the agencies using the system in both periods (one statement
/// since issue 15 item 7, two before), and the online submissions waiting now with the working
/// calendar they are judged by, and the anomalies of the period judged by the same calendar (one
/// statement, issue 16 item 3), and the feedback and complaints of the period (one statement,
/// issue 17 item 6) (12 statements; 11 before the feedback, 10 before the anomalies, 24 before
/// issue 12's batching, 71 before the statistics reads were batched).
const DASHBOARD_BUDGET: u64 = 12;
