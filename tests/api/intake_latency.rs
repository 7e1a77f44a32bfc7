//! Issue 15 item 7, intake latency (SQLite, or PostgreSQL with TEST_DATABASE_URL): an online
//! submission nobody receives shows among the dossiers waiting, with how long it has waited and
//! whether its receipt day has passed; once received, the counters give the period's count, total
//! and average wait and the number received late, in the report, the indicators and the leader's
//! dashboard; and a leader sees only the agencies of their scope.
use crate::common;

use common::web::{get, sign_in};
use common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days, online level 4.
const BUSINESS: &str = "2.000720";
const MARCH: &str = "from=2027-03-01&to=2027-03-31";

async fn submit_online(app: &TestApp, citizen: &str) -> String {
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "092190004321", "phone": "0987654321", "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", citizen, &body).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["status_code"], 1, "{d}");
    d["reference"].as_str().unwrap().to_string()
}

async fn receive(app: &TestApp, clerk: &str, reference: &str) {
    let (s, d) =
        app.post_with(&format!("/api/v1/dossiers/{reference}/actions"), clerk, &json!({"action": "receive"})).await;
    assert_eq!((s, d["status_code"].as_i64()), (200, Some(2)), "{d}");
}

async fn waiting(app: &TestApp, leader: &str, query: &str) -> Value {
    let (s, w) = app.get_with(&format!("/api/v1/stats/intake-waiting{query}"), leader).await;
    assert_eq!(s, 200, "{w}");
    w
}

/// The period's online intake figures of the report's total and of one agency's line, and the
/// indicator of dossiers received late.
async fn march_figures(app: &TestApp, leader: &str) -> (Value, Value, Value) {
    let (s, r) = app.get_with(&format!("/api/v1/stats/report?{MARCH}&group_by=agency"), leader).await;
    assert_eq!(s, 200, "{r}");
    let line = r["rows"].as_array().unwrap().iter().find(|l| l["key"] == NINH_KIEU).cloned().unwrap_or(Value::Null);
    let (s, k) = app.get_with(&format!("/api/v1/stats/kpis?{MARCH}&plan=none"), leader).await;
    assert_eq!(s, 200, "{k}");
    (r["online_intake"].clone(), line["online_intake"].clone(), k["indicators"]["online_received_late_pct"].clone())
}

#[tokio::test]
async fn an_online_submission_left_two_working_days_waits_past_the_rule_and_counts_as_received_late() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let citizen = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let city = app.login("leader.tp", PW).await;
    let elsewhere = app.login("leader.stnmt", PW).await;

    // Monday 09:00 one submission, Tuesday 10:00 another; nobody receives them until Wednesday 10:00.
    let monday = submit_online(&app, &citizen).await;
    app.set_time("2027-03-02T10:00:00+07:00");
    let tuesday = submit_online(&app, &citizen).await;
    app.set_time("2027-03-03T10:00:00+07:00");

    let w = waiting(&app, &leader, "").await;
    assert_eq!((w["agency_code"].as_str(), w["scope"].as_str()), (Some(NINH_KIEU), Some("subtree")), "{w}");
    assert_eq!(w["at"], "2027-03-03T10:00:00+07:00");
    // Monday's was due on Tuesday (the next working day): past the rule; Tuesday's is due today.
    assert_eq!((w["waiting"].as_i64(), w["past_rule"].as_i64()), (Some(2), Some(1)), "{w}");
    assert_eq!(w["oldest_submitted_at"], "2027-03-01T09:00:00+07:00");
    let agencies = w["agencies"].as_array().unwrap();
    assert_eq!(agencies.len(), 1, "{w}");
    let a = &agencies[0];
    assert_eq!(a["agency_code"], NINH_KIEU);
    assert_eq!((a["waiting"].as_i64(), a["past_rule"].as_i64()), (Some(2), Some(1)));
    assert_eq!(a["oldest_receipt_due_day"], "2027-03-02");
    // Monday 09:00–11:30 and 13:30–17:30, all of Tuesday, Wednesday 07:30–10:00: 390 + 480 + 150.
    assert_eq!(a["oldest_waited_working_minutes"], 1020);
    assert_eq!(a["oldest_working_days_past_rule"], 1);
    assert!(w["rule"].as_str().unwrap().contains("No legal text"), "{w}");

    // Scope: the city's leader sees it under the city; another agency's leader sees nothing, and
    // cannot ask for Ninh Kiều.
    let w = waiting(&app, &city, "").await;
    assert_eq!((w["waiting"].as_i64(), w["agencies"][0]["agency_code"].as_str()), (Some(2), Some(NINH_KIEU)));
    let w = waiting(&app, &elsewhere, "").await;
    assert_eq!((w["waiting"].as_i64(), w["agencies"].as_array().map(Vec::len)), (Some(0), Some(0)), "{w}");
    assert_eq!(w["oldest_submitted_at"], Value::Null);
    let (s, b) = app.get_with(&format!("/api/v1/stats/intake-waiting?agency={NINH_KIEU}"), &elsewhere).await;
    assert_error(s, &b, 403, "out_of_scope");
    let w = waiting(&app, &city, "?agency=000.00.00.H12&agency_only=true").await;
    assert_eq!(
        (w["scope"].as_str(), w["waiting"].as_i64()),
        (Some("agency"), Some(0)),
        "the city itself waits for none"
    );
    for (query, status, code) in [
        ("?agency=abc", 400, "invalid_agency_code"),
        ("?colour=red", 400, "invalid_query"),
        ("?agency=000.00.99.H12", 400, "unknown_agency"),
    ] {
        let (s, b) = app.get_with(&format!("/api/v1/stats/intake-waiting{query}"), &leader).await;
        assert_error(s, &b, status, code);
    }
    let (s, b) = app.get_with("/api/v1/stats/intake-waiting", &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");

    // The leader's dashboard shows the same, in words.
    let cookie = sign_in(&app, "leader.ninhkieu", PW).await;
    let p = get(&app, "/lanh-dao", Some(&cookie)).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let row =
        p.body.split(&format!("data-agency=\"{NINH_KIEU}\"")).nth(1).expect("a waiting row").split("</tr>").next();
    let row = row.unwrap();
    assert!(row.contains("data-col=\"waiting\">2<") && row.contains("data-col=\"past_rule\">1<"), "{row}");
    assert!(row.contains("09:00 01/03/2027") && row.contains("17 giờ"), "{row}");
    assert!(row.contains("Quá hạn 1 ngày làm việc (hạn 02/03/2027)"), "{row}");

    // Nothing received yet: the period has no wait to count.
    let (total, _, late) = march_figures(&app, &leader).await;
    assert_eq!(
        total,
        json!({"timed": 0, "wait_working_minutes": 0, "average_wait_working_hours": null, "received_late": 0})
    );
    assert_eq!((late["numerator"].as_i64(), late["value"].clone()), (Some(0), Value::Null));

    // Received on Wednesday at 10:00: Monday's late after 1020 minutes, Tuesday's in time after 480.
    receive(&app, &clerk, &monday).await;
    let (total, line, late) = march_figures(&app, &leader).await;
    let expected =
        json!({"timed": 1, "wait_working_minutes": 1020, "average_wait_working_hours": 17.0, "received_late": 1});
    assert_eq!((&total, &line), (&expected, &expected));
    assert_eq!(
        (late["numerator"].as_i64(), late["denominator"].as_i64(), late["value"].as_f64()),
        (Some(1), Some(1), Some(100.0))
    );
    receive(&app, &clerk, &tuesday).await;
    let (total, line, late) = march_figures(&app, &leader).await;
    let expected =
        json!({"timed": 2, "wait_working_minutes": 1500, "average_wait_working_hours": 12.5, "received_late": 1});
    assert_eq!((&total, &line), (&expected, &expected));
    assert_eq!(
        (late["numerator"].as_i64(), late["denominator"].as_i64(), late["value"].as_f64()),
        (Some(1), Some(2), Some(50.0))
    );
    // The city counts them too; Sở TN&MT, none.
    assert_eq!(march_figures(&app, &city).await.0, expected);
    assert_eq!(march_figures(&app, &elsewhere).await.0["timed"], 0);
    // February knows nothing of them: the marks are on the receipt day.
    let (_, r) = app.get_with("/api/v1/stats/report?from=2027-02-01&to=2027-02-28", &leader).await;
    assert_eq!(r["online_intake"]["timed"], 0, "{r}");

    // Nothing waits any more; the dashboard says so, with the period's figures.
    let w = waiting(&app, &leader, "").await;
    assert_eq!((w["waiting"].as_i64(), w["agencies"].as_array().map(Vec::len)), (Some(0), Some(0)), "{w}");
    let p = get(&app, "/lanh-dao", Some(&cookie)).await;
    assert!(p.body.contains("id=\"cho-tiep-nhan-trong\""), "{}", p.body);
    let figures = p.body.split("id=\"tiep-nhan-trong-ky\"").nth(1).unwrap().split("</dl>").next().unwrap();
    assert!(
        figures.contains("data-col=\"timed\">2<") && figures.contains("data-col=\"average\">12,5 giờ<"),
        "{figures}"
    );
    assert!(figures.contains("data-col=\"late\">1 (50%)<"), "{figures}");
}
