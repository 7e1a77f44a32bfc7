//! Statement budgets of the write path (issue 12): what one request sends to the database,
//! counted by the pools' instrumentation (`storage::connection::statements_sent`), with the
//! writes among them and the pool check-outs. SQLite, or PostgreSQL with TEST_DATABASE_URL.
//!
//! The app runs without the delivery worker and without a demo history, so nothing else uses
//! its pool while a request is measured; the test's own pool (`app.conn()`) is not used either.
use crate::common;

use common::{spawn_app_configured, TestApp};
use motcua::storage::connection::{checkouts, statements_sent, writes_sent};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
/// Liên thông khai sinh – thường trú – BHYT: commune, 10 working days.
const BIRTH: &str = "1.003583";
/// Cấp GCN quyền sử dụng đất lần đầu: commune → district → Sở TN&MT → district → commune.
const LAND: &str = "1.003554";
/// Đăng ký thành lập hộ kinh doanh: district, online level 4.
const HOUSEHOLD_BUSINESS: &str = "2.000720";

/// What one request cost.
#[derive(Debug, Clone, Copy)]
struct Cost {
    statements: u64,
    writes: u64,
    checkouts: u64,
}

struct Meter<'a> {
    app: &'a TestApp,
    /// (use case, cost), in the order measured.
    seen: Vec<(&'static str, Cost)>,
}

impl<'a> Meter<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self { app, seen: vec![] }
    }

    fn now(&self) -> Cost {
        let url = self.app.db.url();
        Cost { statements: statements_sent(url), writes: writes_sent(url), checkouts: checkouts(url) }
    }

    /// Sends one request (already fully answered when the future ends) and records its cost.
    async fn measure(&mut self, name: &'static str, request: impl std::future::Future<Output = (u16, Value)>) -> Value {
        let before = self.now();
        let (status, body) = request.await;
        let after = self.now();
        assert!((200..300).contains(&status), "{name}: {status} {body}");
        let cost = Cost {
            statements: after.statements - before.statements,
            writes: after.writes - before.writes,
            checkouts: after.checkouts - before.checkouts,
        };
        self.seen.push((name, cost));
        body
    }

    fn cost(&self, name: &str) -> Cost {
        self.seen.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).unwrap_or_else(|| panic!("{name} not measured"))
    }

    fn table(&self) -> String {
        self.seen
            .iter()
            .map(|(n, c)| {
                format!("{n:<24} {:>3} statements {:>2} writes {} check-outs", c.statements, c.writes, c.checkouts)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn applicant() -> Value {
    json!({"name": "Nguyễn Thị Hoa", "id_number": "092190001234", "phone": "0912 345 678",
           "email": "hoa.nguyen@example.vn", "address": "12 Nguyễn Trãi, phường Tân An, quận Ninh Kiều"})
}

fn intake_body(procedure: &str, channel: &str, agency: Option<&str>) -> Value {
    let mut body = json!({"procedure_code": procedure, "channel": channel, "applicant": applicant(),
                          "documents": ["Đơn đề nghị", "Bản sao CCCD"]});
    if let Some(a) = agency {
        body["agency_code"] = a.into();
    }
    body
}

async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> (u16, Value) {
    app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &body).await
}

async fn act_ok(app: &TestApp, token: &str, code: &str, body: Value) -> Value {
    let (s, b) = act(app, token, code, body.clone()).await;
    assert_eq!(s, 200, "{body} → {b}");
    b
}

#[tokio::test]
async fn each_write_request_keeps_its_statement_budget() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| {
        s.notifications.worker = false;
        s.seed.demo_history_days = 0;
    })
    .await;
    let clerk = app.login("clerk.tanan", PW).await;
    let clerk_district = app.login("clerk.ninhkieu", PW).await;
    let specialist = app.login("specialist.tanan", PW).await;
    let district = app.login("specialist.ninhkieu", PW).await;
    let district_leader = app.login("leader.ninhkieu", PW).await;
    let lead = app.login("specialist.stnmt", PW).await;
    let justice = app.login("specialist.stp", PW).await;
    let citizen = app.login("citizen.an", PW).await;
    let mut m = Meter::new(&app);

    // Intake at the counter: the first of the day, then one more (its sequence and counters exist).
    let first = m
        .measure(
            "intake (counter, first)",
            app.post_with("/api/v1/dossiers", &clerk, &intake_body(BIRTH, "direct", None)),
        )
        .await;
    let d = m
        .measure("intake (counter)", app.post_with("/api/v1/dossiers", &clerk, &intake_body(BIRTH, "direct", None)))
        .await;
    assert_eq!(d["code"].as_str().map(|c| c.ends_with("-0002")), Some(true), "{d}");
    assert_eq!(d["history"].as_array().map(Vec::len), Some(1), "the 201 carries what intake wrote: {d}");
    assert_eq!(first["status"], "received");
    let code = d["code"].as_str().unwrap().to_string();

    // Online: a submission (no code, no notice), then the district's clerk receives it.
    let online = m
        .measure(
            "intake (online)",
            app.post_with("/api/v1/dossiers", &citizen, &intake_body(HOUSEHOLD_BUSINESS, "online", Some(NINH_KIEU))),
        )
        .await;
    assert_eq!(online["code"], Value::Null);
    let reference = online["reference"].as_str().unwrap().to_string();
    let received = m.measure("receive", act(&app, &clerk_district, &reference, json!({"action": "receive"}))).await;
    assert!(received["code"].is_string(), "{received}");

    // A supplement asked at the counter, of the first dossier.
    let first_code = first["code"].as_str().unwrap().to_string();
    m.measure(
        "request_supplement",
        act(&app, &clerk, &first_code, json!({"action": "request_supplement", "missing": ["Bản sao CCCD"]})),
    )
    .await;

    // A transfer, and the detail read.
    let t = m.measure("transfer", act(&app, &clerk, &code, json!({"action": "transfer"}))).await;
    assert_eq!(t["status_code"], 4);
    m.measure("detail GET", app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk)).await;

    // Consultation and its answer (a land dossier at the department).
    let (s, land) = app.post_with("/api/v1/dossiers", &clerk, &intake_body(LAND, "direct", None)).await;
    assert_eq!(s, 201, "{land}");
    let land = land["code"].as_str().unwrap().to_string();
    act_ok(&app, &clerk, &land, json!({"action": "transfer"})).await;
    act_ok(&app, &district, &land, json!({"action": "transfer"})).await;
    let ask = json!({"agency_code": "000.00.03.H12", "task": "Cho ý kiến về hợp đồng", "due_in_working_days": 2});
    m.measure("consult", app.post_with(&format!("/api/v1/dossiers/{land}/consultations"), &lead, &ask)).await;
    let answer = json!({"opinion": "Hợp đồng hợp lệ"});
    m.measure("answer", app.post_with(&format!("/api/v1/dossiers/{land}/consultations/1/answer"), &justice, &answer))
        .await;

    // Rating, once the result is returned.
    act_ok(&app, &specialist, &code, json!({"action": "transfer"})).await;
    act_ok(&app, &specialist, &code, json!({"action": "transfer"})).await;
    act_ok(&app, &district_leader, &code, json!({"action": "approve"})).await;
    act_ok(&app, &district_leader, &code, json!({"action": "finish"})).await;
    m.measure("return_result", act(&app, &clerk, &code, json!({"action": "return_result"}))).await;
    let pin = d["pin"].as_str().unwrap();
    let rating = json!({"score": 5, "comment": "Cán bộ nhiệt tình", "pin": pin});
    m.measure("rating", app.post_json(&format!("/api/v1/dossiers/{code}/rating"), &rating)).await;

    let table = m.table();
    println!("{} statement budgets:\n{table}", app.db.backend());
    // Every authenticated request also sends one statement of its own, on the same check-out:
    // the check that the account is still active (`storage::run_as`).
    // Intake: at most 15 statements, of which at most 8 writes.
    for name in ["intake (counter, first)", "intake (counter)", "intake (online)"] {
        let c = m.cost(name);
        assert!(c.statements <= 15 && c.writes <= 8, "{name} over budget:\n{table}");
    }
    // An action, a consultation and its answer: at most 12 statements. A receipt writes 7 times
    // (the dossier with its new code, the day's code sequence, the control sheet, the counters of
    // day, month and year, the notices): 12 statements of its own, 13 with the account check, 14
    // with the agency's departments (read when the caller may now assign it to one, issue 13).
    for name in ["request_supplement", "transfer", "return_result", "consult", "answer"] {
        assert!(m.cost(name).statements <= 12, "{name} over budget:\n{table}");
    }
    assert!(m.cost("receive").statements <= 14 && m.cost("receive").writes <= 7, "receive over budget:\n{table}");
    // The detail: the dossier with its procedure, applicant and rating; the calendar; the history;
    // and (issue 17 item 2: 5 before) the one insert recording the staff read, its only write.
    assert!(m.cost("detail GET").statements <= 6, "detail GET over budget:\n{table}");
    assert!(m.cost("detail GET").writes <= 1, "detail GET writes only its read's record:\n{table}");
    assert!(m.cost("rating").statements <= 12, "rating over budget:\n{table}");
    // One check-out per request: the account check, the use case and the read of its result.
    for (name, c) in &m.seen {
        assert_eq!(c.checkouts, 1, "{name} check-outs:\n{table}");
    }
    app.expect_unsent(
        // Notices queued (no worker runs): two per notice (email and SMS).
        app.unsent().len(),
    );
}
