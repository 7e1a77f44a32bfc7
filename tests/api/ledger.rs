//! The deadline ledger (issue 17 item 1): a dossier received on the eve of Tết 2027 after 15:00,
//! asked for a supplement, given it, apologised for and finished late shows, in the public lookup,
//! the API and the citizen's page, each date the rules produced and why.
use crate::common;

use common::{spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const BIRTH: &str = "1.003583";

async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> Value {
    let (s, b) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &body).await;
    assert_eq!(s, 200, "{body} → {b}");
    b
}

/// "2027-02-25T17:30:00+07:00" → "2027-02-25T17:30": the lookup gives minutes.
fn minute(v: &Value) -> String {
    v.as_str().unwrap_or_default().chars().take(16).collect()
}

async fn detail(app: &TestApp, token: &str, code: &str) -> Value {
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), token).await;
    assert_eq!(s, 200, "{d}");
    d
}

#[tokio::test]
async fn a_dossier_across_tet_with_a_supplement_and_an_apology_has_a_ledger_matching_its_due_dates() {
    // Wednesday 3/2/2027 at 16:00: after 15:00, on the eve of Tết (Thursday 4/2 – Wednesday 10/2).
    let app = spawn_app_at("2027-02-03T16:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let leader = app.login("leader.tanan", PW).await;
    let body = json!({"procedure_code": BIRTH, "channel": "direct", "documents": ["Tờ khai đăng ký khai sinh"],
        "applicant": {"name": "Lâm Thị Xuân", "id_number": "092190003333", "phone": "0933333333", "address": "Tân An"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    let pin = d["pin"].as_str().unwrap().to_string();
    // The rules' own dates, as the dossier held them after each step.
    let first_due = minute(&detail(&app, &clerk, &code).await["statutory_due_at"]);
    assert_eq!(first_due, "2027-02-25T17:30", "10 working days counted from Thursday 11/2, after Tết");

    app.set_time("2027-02-11T09:00:00+07:00");
    act(&app, &clerk, &code, json!({"action": "request_supplement", "missing": ["Giấy chứng sinh (bản chính)"]})).await;
    app.set_time("2027-02-15T10:00:00+07:00");
    act(&app, &clerk, &code, json!({"action": "submit_supplement"})).await;
    let restarted_due = minute(&detail(&app, &clerk, &code).await["statutory_due_at"]);
    assert_eq!(restarted_due, "2027-03-01T17:30", "restarted from zero on Monday 15/2");
    app.set_time("2027-02-22T09:00:00+07:00");
    act(
        &app,
        &leader,
        &code,
        json!({"action": "extend", "new_due_date": "2027-03-05", "reason": "Chờ xác minh nơi sinh"}),
    )
    .await;
    let promised = minute(&detail(&app, &clerk, &code).await["due_at"]);
    assert_eq!(promised, "2027-03-05T17:30");

    let (s, l) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert_eq!(s, 200, "{l}");
    let ledger = l["ledger"].as_array().expect("a ledger").clone();
    let events: Vec<&str> = ledger.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["clock_started", "paused", "restarted", "extended"], "{ledger:#?}");
    let dues: Vec<(String, Option<&str>)> =
        ledger.iter().map(|e| (minute(&e["due_at"]), e["due_kind"].as_str())).collect();
    assert_eq!(
        dues,
        [
            (first_due.clone(), Some("statutory")),
            (String::new(), None),
            (restarted_due.clone(), Some("statutory")),
            (promised.clone(), Some("promised")),
        ]
    );
    let text = |i: usize| ledger[i]["explanation"].as_str().unwrap().to_string();
    assert!(
        text(0).contains("sau 15:00 nên tính như nhận vào ngày làm việc tiếp theo, Thứ Năm 11/02/2027"),
        "{}",
        text(0)
    );
    assert!(text(0).contains("Không tính các ngày nghỉ lễ, Tết: 04/02–10/02/2027"), "{}", text(0));
    assert!(
        text(1).contains("ngừng tính") && text(2).contains("Hạn giải quyết: 17:30 Thứ Hai 01/03/2027"),
        "{}",
        text(2)
    );
    assert!(text(3).contains("05/03/2027") && text(3).contains("01/03/2027"), "{}", text(3));
    assert!(ledger.iter().all(|e| !e["rule"].as_str().unwrap().is_empty()));
    assert!(ledger[0]["rule"].as_str().unwrap().contains("Điều 112"), "Tết crossed: the holidays' rule is cited");
    // Public: no personal data, no reasons.
    let public = serde_json::to_string(&ledger).unwrap();
    for private in ["Lâm Thị Xuân", "0933333333", "092190003333", "Chờ xác minh", "Giấy chứng sinh"] {
        assert!(!public.contains(private), "the public ledger shows {private}");
    }

    // Finished on Wednesday 3/3: late against the statutory 1/3, although before the promised 5/3.
    app.set_time("2027-03-03T09:00:00+07:00");
    let allowed = detail(&app, &leader, &code).await["allowed_actions"].clone();
    assert!(allowed.as_array().unwrap().iter().any(|a| a == "approve"), "{allowed}");
    act(&app, &leader, &code, json!({"action": "approve"})).await;
    act(&app, &leader, &code, json!({"action": "finish"})).await;
    let d = detail(&app, &clerk, &code).await;
    let last = d["ledger"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "finished", "{last}");
    assert!(
        last["explanation"].as_str().unwrap().contains("Quá hạn so với hạn theo quy định (17:30 Thứ Hai 01/03/2027)"),
        "{last}"
    );
    assert_eq!(d["ledger"].as_array().unwrap().len(), 5, "the API's detail gives the same ledger");

    // The lookup page and the citizen's page show it too (the page needs no PIN for the ledger).
    let page = app.client.get(app.url(&format!("/tra-cuu/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Thời hạn giải quyết: vì sao là ngày này"), "{page}");
    assert!(page.contains("Ngày hẹn trả mới: <strong>"), "{page}");
    assert!(page.contains("04/02–10/02/2027"));
    let (s, with_pin) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(s, 200);
    assert_eq!(with_pin["ledger"], d["ledger"], "the lookup and the detail give one ledger");
}
