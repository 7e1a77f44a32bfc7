//! The national evaluation indexes (issue 16 item 4) over HTTP: TT 01/2018's evaluation and the
//! QĐ 766 index with ND 224's metrics, from the counters (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
const BUSINESS: &str = "2.000720";
const MARCH: &str = "from=2027-03-01&to=2027-03-31";

async fn act(app: &TestApp, token: &str, key: &str, body: Value) -> Value {
    let (s, d) = app.post_with(&format!("/api/v1/dossiers/{key}/actions"), token, &body).await;
    assert_eq!(s, 200, "{body} → {d}");
    d
}

fn indicator<'a>(unit: &'a Value, id: &str) -> &'a Value {
    unit["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(unit["groups"].as_array().into_iter().flatten().flat_map(|g| g["indicators"].as_array().unwrap()))
        .chain(unit["realtime_metrics"].as_array().into_iter().flatten())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id} in {unit}"))
}

fn fraction(i: &Value) -> (Option<i64>, Option<i64>) {
    (i["numerator"].as_i64(), i["denominator"].as_i64())
}

/// Two dossiers of quận Ninh Kiều finished early in March 2027: one after two supplement requests
/// (at intake, then in appraisal), one without any.
#[tokio::test]
async fn a_dossier_with_two_supplement_requests_is_overdue_in_the_766_progress_indicator() {
    let app = spawn_app_at("2027-03-01T08:00:00+07:00").await;
    let citizen = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "092190004321", "phone": "0987654321", "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &citizen, &body).await;
    assert_eq!(s, 201, "{d}");
    let reference = d["reference"].as_str().unwrap().to_string();
    app.set_time("2027-03-01T09:00:00+07:00");
    act(&app, &clerk, &reference, json!({"action": "request_supplement", "missing": ["Bản sao CCCD"]})).await;
    app.set_time("2027-03-01T10:00:00+07:00");
    act(&app, &citizen, &reference, json!({"action": "submit_supplement"})).await;
    let code = act(&app, &clerk, &reference, json!({"action": "receive"})).await["code"].as_str().unwrap().to_string();
    app.set_time("2027-03-01T14:00:00+07:00");
    act(&app, &clerk, &code, json!({"action": "request_supplement", "missing": ["Tờ khai"]})).await;
    app.set_time("2027-03-02T09:00:00+07:00");
    act(&app, &citizen, &code, json!({"action": "submit_supplement"})).await;
    act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    act(&app, &leader, &code, json!({"action": "approve"})).await;
    let d = act(&app, &leader, &code, json!({"action": "finish"})).await;
    assert_eq!(d["timeliness"], "early", "{d}");

    let body = json!({"procedure_code": BUSINESS, "channel": "direct", "notify_by": "none",
        "applicant": {"name": "Trần Thị Bình", "id_number": "092190004322", "phone": "0987654322", "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    let clean = d["code"].as_str().unwrap().to_string();
    app.set_time("2027-03-02T15:00:00+07:00");
    act(&app, &clerk, &clean, json!({"action": "transfer"})).await;
    act(&app, &leader, &clean, json!({"action": "approve"})).await;
    act(&app, &leader, &clean, json!({"action": "finish"})).await;

    // Biểu II.06a counts both early; QĐ 766's progress indicator counts the first overdue.
    let (s, r) = app.get_with(&format!("/api/v1/stats/report?{MARCH}"), &leader).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["total"]["resolved_early"].as_i64(), r["total"]["resolved_total"].as_i64()), (Some(2), Some(2)));
    let (s, x) = app.get_with(&format!("/api/v1/stats/index766?{MARCH}"), &leader).await;
    assert_eq!(s, 200, "{x}");
    assert_eq!((x["agency_code"].as_str(), x["from"].as_str()), (Some(NINH_KIEU), Some("2027-03-01")));
    let total = &x["total"];
    let on_time = indicator(total, "2.1");
    assert_eq!(fraction(on_time), (Some(1), Some(2)), "{on_time}");
    assert_eq!(on_time["value"], 50.0);
    assert!(on_time["source"].as_str().unwrap().contains("766"), "{on_time}");
    // Digitisation, online payment and electronic results count as zero, each with its note.
    for id in ["3.5", "3.6", "4.1", "4.2", "4.3"] {
        let i = indicator(total, id);
        assert_eq!((i["value"].as_f64(), i["attainment"].as_f64()), (Some(0.0), Some(0.0)), "{i}");
        assert!(i["note"].as_str().unwrap().contains("zero"), "{i}");
    }
    let digitisation = total["groups"].as_array().unwrap().iter().find(|g| g["id"] == "4").unwrap();
    assert_eq!(digitisation["points"], 0.0);
    // Publication is kept elsewhere: not computed, and out of the points.
    let publication = total["groups"].as_array().unwrap().iter().find(|g| g["id"] == "1").unwrap();
    assert!(publication["points"].is_null() && indicator(total, "1.1")["computed"] == false, "{publication}");
    assert_eq!(total["max_points"], 20.0 + 22.0 + 22.0 + 18.0);
    // ND 224: processing time in office hours from receipt to finish: Monday 10:00 → Tuesday 09:00
    // is 1 h 30 + 4 h + 1 h 30 = 420 minutes; Tuesday 09:00 → 15:00 is 2 h 30 + 1 h 30 = 240.
    let processing = indicator(total, "processing_time_hours");
    assert_eq!(fraction(processing), (Some(660), Some(2)), "{processing}");
    assert_eq!(processing["value"], 5.5);

    // TT 01/2018: both early (2 points each); contacts: 0 for two requests, 2 for none → 1.0.
    let (s, e) = app.get_with(&format!("/api/v1/stats/evaluation?{MARCH}&group_by=agency"), &leader).await;
    assert_eq!(s, 200, "{e}");
    let unit = &e["total"];
    assert_eq!(
        (indicator(unit, "1")["value"].as_f64(), fraction(indicator(unit, "1"))),
        (Some(2.0), (Some(4), Some(2)))
    );
    assert_eq!(
        (indicator(unit, "3")["value"].as_f64(), fraction(indicator(unit, "3"))),
        (Some(1.0), (Some(2), Some(2)))
    );
    for id in ["5", "6", "7", "8"] {
        let i = indicator(unit, id);
        assert!(i["computed"] == false && i["value"].is_null() && i["note"].is_string(), "{i}");
    }
    assert_eq!(unit["max_total"], 10.0);
    assert_eq!(unit["grade_is_estimate"], true);
    assert!(["xuất sắc", "tốt", "khá", "trung bình", "yếu"].contains(&unit["grade"].as_str().unwrap()), "{unit}");
    let units = e["units"].as_array().unwrap();
    assert_eq!(units.len(), 1, "one agency below had dossiers: {e}");
    assert_eq!((units[0]["key"].as_str(), &units[0]["total"]), (Some(NINH_KIEU), &unit["total"]));

    // Bad input and scope: a clear error, and another agency's figures stay closed.
    let (s, b) = app.get_with(&format!("/api/v1/stats/index766?{MARCH}&group_by=month"), &leader).await;
    assert_error(s, &b, 400, "invalid_group_by");
    let (s, b) = app.get_with("/api/v1/stats/evaluation?from=2027-03-31&to=2027-03-01", &leader).await;
    assert_error(s, &b, 400, "invalid_period");
    let department = app.login("leader.stnmt", PW).await;
    let (s, b) = app.get_with(&format!("/api/v1/stats/evaluation?{MARCH}&agency={NINH_KIEU}"), &department).await;
    assert_error(s, &b, 403, "out_of_scope");
    let (s, b) = app.get_with(&format!("/api/v1/stats/index766?{MARCH}"), &clerk).await;
    assert_eq!(s, 403, "{b}");
}
