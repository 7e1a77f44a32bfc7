//! Issue 16 item 3, anomalies that suggest gaming (SQLite, or PostgreSQL with TEST_DATABASE_URL):
//! on a controlled clock, each rule flags a dossier built to trip it and leaves a clean one alone;
//! a leader sees only the dossiers of their scope; the dashboard shows the counts per agency.
use crate::common;

use common::web::{get, sign_in};
use common::{assert_error, spawn_app_at, TestApp};
use diesel::RunQueryDsl;
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
const TAN_AN: &str = "000.01.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days, online level 4.
const BUSINESS: &str = "2.000720";
const MARCH: &str = "from=2027-03-01&to=2027-03-31";

fn applicant(name: &str, id_number: &str) -> Value {
    json!({"name": name, "id_number": id_number, "phone": "0987654321", "address": "Ninh Kiều"})
}

/// An online submission to quận Ninh Kiều; its reference.
async fn submit_online(app: &TestApp, citizen: &str, id_number: &str) -> String {
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
        "applicant": applicant("Nguyễn Văn An", id_number)});
    let (s, d) = app.post_with("/api/v1/dossiers", citizen, &body).await;
    assert_eq!((s, d["status_code"].as_i64()), (201, Some(1)), "{d}");
    d["reference"].as_str().unwrap().to_string()
}

/// A dossier received at the counter of quận Ninh Kiều now; its code.
async fn intake(app: &TestApp, clerk: &str, id_number: &str) -> String {
    let body = json!({"procedure_code": BUSINESS, "channel": "direct", "applicant": applicant("Trần Thị Bình", id_number),
        "notify_by": "none"});
    let (s, d) = app.post_with("/api/v1/dossiers", clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    d["code"].as_str().unwrap().to_string()
}

async fn act(app: &TestApp, token: &str, key: &str, body: Value) -> Value {
    let (s, d) = app.post_with(&format!("/api/v1/dossiers/{key}/actions"), token, &body).await;
    assert_eq!(s, 200, "{body} → {d}");
    d
}

async fn anomalies(app: &TestApp, token: &str, query: &str) -> Value {
    let (s, a) = app.get_with(&format!("/api/v1/oversight/anomalies?{query}"), token).await;
    assert_eq!(s, 200, "{a}");
    a
}

fn rule<'a>(a: &'a Value, id: &str) -> &'a Value {
    a["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no rule {id}: {a}"))
}

fn counts(a: &Value) -> Vec<(String, i64)> {
    a["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r["count"].as_i64().unwrap()))
        .collect()
}

/// The facts of a finding named `name`, in order.
fn facts(finding: &Value, name: &str) -> Vec<String> {
    finding["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == name)
        .map(|f| f["value"].as_str().unwrap().to_string())
        .collect()
}

/// The keys (code, else reference) of a rule's findings.
fn flagged(a: &Value, id: &str) -> Vec<String> {
    rule(a, id)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().or(f["reference"].as_str()).unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_second_supplement_request_and_an_online_submission_left_two_working_days_are_flagged() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let citizen = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;

    // Monday: one submission is asked for a supplement at intake, brought back, received, and
    // asked again in appraisal on Tuesday; another is left waiting.
    let asked = submit_online(&app, &citizen, "092190004321").await;
    let waiting = submit_online(&app, &citizen, "092190004322").await;
    app.set_time("2027-03-01T09:30:00+07:00");
    act(&app, &clerk, &asked, json!({"action": "request_supplement", "missing": ["Bản sao CCCD"]})).await;
    app.set_time("2027-03-01T10:00:00+07:00");
    act(&app, &citizen, &asked, json!({"action": "submit_supplement"})).await;
    app.set_time("2027-03-01T10:30:00+07:00");
    let d = act(&app, &clerk, &asked, json!({"action": "receive"})).await;
    let code = d["code"].as_str().unwrap().to_string();
    app.set_time("2027-03-02T09:00:00+07:00");
    act(&app, &clerk, &code, json!({"action": "request_supplement", "missing": ["Tờ khai"]})).await;

    // Wednesday 10:00: the second one has waited two working days.
    app.set_time("2027-03-03T10:00:00+07:00");
    let a = anomalies(&app, &leader, MARCH).await;
    assert_eq!(
        (a["from"].as_str(), a["to"].as_str(), a["scope"].as_str()),
        (Some("2027-03-01"), Some("2027-03-31"), Some("subtree"))
    );
    assert_eq!(a["at"], "2027-03-03T10:00:00+07:00");
    let expected: Vec<(String, i64)> = [
        ("unreceived_online", 1),
        ("repeated_supplement", 1),
        ("pause_before_due", 0),
        ("backdated_receipt", 0),
        ("refused_resubmitted", 0),
        ("late_off_system_count", 0),
    ]
    .iter()
    .map(|(r, n)| (r.to_string(), *n))
    .collect();
    assert_eq!(counts(&a), expected, "{a}");
    for r in a["rules"].as_array().unwrap() {
        assert!(!r["name"].as_str().unwrap().is_empty() && r["explanation"].as_str().unwrap().len() > 100, "{r}");
    }

    // Two supplement requests: the dossier, at its agency, with both times.
    let supplements = rule(&a, "repeated_supplement");
    let f = &supplements["findings"][0];
    assert_eq!((f["code"].as_str(), f["agency_code"].as_str()), (Some(code.as_str()), Some(NINH_KIEU)), "{f}");
    assert_eq!(facts(f, "supplement_requested_at"), ["2027-03-01T09:30:00+07:00", "2027-03-02T09:00:00+07:00"]);
    assert_eq!(facts(f, "supplement_requests"), ["2"]);

    // The submission nobody received: no code yet, its reference, its receipt day passed.
    assert_eq!(flagged(&a, "unreceived_online"), [waiting.as_str()]);
    let f = &rule(&a, "unreceived_online")["findings"][0];
    assert_eq!(f["code"], Value::Null);
    assert_eq!(facts(f, "submitted_at"), ["2027-03-01T09:00:00+07:00"]);
    assert_eq!(facts(f, "receipt_due_day"), ["2027-03-02"]);
    assert_eq!(facts(f, "working_days_past_rule"), ["1"]);
    assert!(facts(f, "received_at").is_empty());
    // The applicant's identity never leaves the server.
    let text = a.to_string();
    for private in ["092190004321", "092190004322", "Nguyễn Văn An", "0987654321"] {
        assert!(!text.contains(private), "the anomalies show {private}");
    }
    // The intake-latency figure counts the same submission past the rule.
    let (s, w) = app.get_with("/api/v1/stats/intake-waiting", &leader).await;
    assert_eq!(s, 200, "{w}");
    assert_eq!((w["waiting"].as_i64(), w["past_rule"].as_i64()), (Some(1), Some(1)), "{w}");

    // Received now, it is still flagged: received late, in the period.
    let d = act(&app, &clerk, &waiting, json!({"action": "receive"})).await;
    let late_code = d["code"].as_str().unwrap().to_string();
    let a = anomalies(&app, &leader, MARCH).await;
    assert_eq!(flagged(&a, "unreceived_online"), [late_code]);
    let f = &rule(&a, "unreceived_online")["findings"][0];
    assert_eq!(facts(f, "received_at"), ["2027-03-03T10:00:00+07:00"]);
    let (_, r) = app.get_with(&format!("/api/v1/stats/report?{MARCH}"), &leader).await;
    assert_eq!(r["online_intake"]["received_late"], 1, "{r}");
    // February knows nothing of March.
    let a = anomalies(&app, &leader, "from=2027-02-01&to=2027-02-28").await;
    assert!(counts(&a).iter().all(|(_, n)| *n == 0), "{a}");

    // Scope: the city's leader sees them; Sở TN&MT and phường Tân An (below Ninh Kiều) do not,
    // and cannot ask for Ninh Kiều.
    let city = app.login("leader.tp", PW).await;
    assert_eq!(counts(&anomalies(&app, &city, MARCH).await)[..2], expected[..2]);
    for other in ["leader.stnmt", "leader.tanan"] {
        let token = app.login(other, PW).await;
        let a = anomalies(&app, &token, MARCH).await;
        assert!(counts(&a).iter().all(|(_, n)| *n == 0), "{other}: {a}");
        assert!(a["rules"].as_array().unwrap().iter().all(|r| r["findings"] == json!([])), "{other}: {a}");
        assert_eq!(a["agencies"], json!([]));
        let (s, b) = app.get_with(&format!("/api/v1/oversight/anomalies?{MARCH}&agency={NINH_KIEU}"), &token).await;
        assert_error(s, &b, 403, "out_of_scope");
    }
    let a = anomalies(&app, &leader, &format!("{MARCH}&agency={TAN_AN}")).await;
    assert!(counts(&a).iter().all(|(_, n)| *n == 0), "Tân An holds none of them: {a}");
    let a = anomalies(&app, &leader, &format!("{MARCH}&agency={NINH_KIEU}&agency_only=true")).await;
    assert_eq!(a["scope"], "agency");
    assert_eq!(a["agencies"][0]["agency_code"], NINH_KIEU);
    assert_eq!(a["agencies"][0]["counts"][1], json!({"rule": "repeated_supplement", "count": 1}));

    // Bad or reversed dates, and callers who may not read it.
    for (query, status, code) in [
        ("from=2027-02-30&to=2027-03-31", 400, "invalid_period"),
        ("from=2027-03-31&to=2027-03-01", 400, "invalid_period"),
        ("to=2027-03-31", 400, "invalid_period"),
        ("from=03/01/2027&to=2027-03-31", 400, "invalid_period"),
        ("from=1999-12-31&to=2027-03-31", 400, "invalid_period"),
        ("from=2027-03-01&to=2027-03-31&agency=abc", 400, "invalid_agency_code"),
        ("from=2027-03-01&to=2027-03-31&colour=red", 400, "invalid_query"),
    ] {
        let (s, b) = app.get_with(&format!("/api/v1/oversight/anomalies?{query}"), &leader).await;
        assert_error(s, &b, status, code);
    }
    let (s, b) = app.get_with(&format!("/api/v1/oversight/anomalies?{MARCH}"), &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.get_with(&format!("/api/v1/oversight/anomalies?{MARCH}"), &citizen).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, _) = app.get(&format!("/api/v1/oversight/anomalies?{MARCH}")).await;
    assert_eq!(s, 401);

    // The leader's dashboard shows the counts per agency, linking to the dossiers.
    let cookie = sign_in(&app, "leader.ninhkieu", PW).await;
    let p = get(&app, "/lanh-dao?from=2027-03-01&to=2027-03-31", Some(&cookie)).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let section =
        p.body.split("id=\"bat-thuong\"").nth(1).expect("the anomalies section").split("</section>").next().unwrap();
    assert!(
        section.contains("data-rule=\"repeated_supplement\">Yêu cầu bổ sung hồ sơ nhiều lần: <strong>1<"),
        "{section}"
    );
    let row = section
        .split(&format!("data-agency=\"{NINH_KIEU}\""))
        .nth(1)
        .expect("Ninh Kiều's row")
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains("data-rule=\"unreceived_online\">1<") && row.contains("data-rule=\"repeated_supplement\">1<"),
        "{row}"
    );
    assert!(row.contains("data-rule=\"pause_before_due\">0<"), "{row}");
    let link = format!("/lanh-dao/dau-hieu-bat-thuong?{MARCH}&agency={NINH_KIEU}&agency_only=1");
    assert!(row.contains(&format!("href=\"{}\"", link.replace('&', "&#38;"))), "{row}");
    // The link opens the leaders' page: each rule explained, with the dossiers behind it, linked.
    let p = get(&app, &link, Some(&cookie)).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("<h1>Dấu hiệu bất thường</h1>") && p.body.contains("không phải kết luận vi phạm"));
    let section = |id: &str| {
        p.body.split(&format!("data-rule=\"{id}\">")).nth(1).unwrap().split("</section>").next().unwrap().to_string()
    };
    let repeated = section("repeated_supplement");
    assert!(repeated.contains("Yêu cầu bổ sung hồ sơ nhiều lần (1)"), "{repeated}");
    assert!(repeated.contains("href=\"/can-bo/ho-so/") && repeated.contains("Số lần yêu cầu bổ sung: 2"), "{repeated}");
    let unreceived = section("unreceived_online");
    assert!(unreceived.contains("Nộp lúc: ") && unreceived.contains("Hạn tiếp nhận: "), "{unreceived}");
    assert!(unreceived.contains("Thời hạn giải quyết chỉ bắt đầu tính khi tiếp nhận"), "explained in Vietnamese");
    assert!(section("pause_before_due").contains("Không có trường hợp nào trong kỳ."));
    for personal in ["092190", "Nguyễn"] {
        assert!(!p.body.contains(personal), "{personal} on the anomalies page");
    }
    // A bad period: the message and the form again; a clerk is refused.
    let bad = get(&app, "/lanh-dao/dau-hieu-bat-thuong?from=2027-03-31&to=2027-03-01", Some(&cookie)).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"loi\"") && bad.body.contains("value=\"2027-03-31\""), "{}", bad.body);
    let clerk = sign_in(&app, "clerk.ninhkieu", PW).await;
    assert_eq!(get(&app, &link, Some(&clerk)).await.status, 403);
}

#[tokio::test]
async fn pauses_before_the_due_date_backdated_receipts_resubmissions_and_late_counts_are_flagged_and_clean_cases_are_not(
) {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let citizen = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;

    // Monday 09:00, five dossiers at the counter, due Thursday 4/3 at 17:30 (3 working days).
    let stopped = intake(&app, &clerk, "092190000001").await;
    let withdrawn_early = intake(&app, &clerk, "092190000002").await;
    let withdrawn_late = intake(&app, &clerk, "092190000003").await;
    let backdated = intake(&app, &clerk, "092190000004").await;
    let clean = intake(&app, &clerk, "092190000005").await;
    // Withdrawn the same Monday: three working days before the due date.
    app.set_time("2027-03-01T10:00:00+07:00");
    act(&app, &clerk, &withdrawn_early, json!({"action": "withdraw"})).await;

    // A submission refused at intake on Monday, and the same applicant's new one on Tuesday; the
    // applicant whose dossier was withdrawn (not refused) comes back too.
    let refused = submit_online(&app, &citizen, "092190007777").await;
    app.set_time("2027-03-01T11:00:00+07:00");
    act(&app, &clerk, &refused, json!({"action": "refuse", "reason": "Ngành nghề kinh doanh bị cấm"})).await;
    app.set_time("2027-03-02T09:00:00+07:00");
    let resubmitted = submit_online(&app, &citizen, "092190007777").await;
    let returning = intake(&app, &clerk, "092190000002").await;
    // Another applicant for the same procedure: not the refused one.
    let stranger = submit_online(&app, &citizen, "092190008888").await;
    act(&app, &clerk, &stranger, json!({"action": "receive"})).await;
    let d = act(&app, &clerk, &resubmitted, json!({"action": "receive"})).await;
    let resubmitted_code = d["code"].as_str().unwrap().to_string();

    // The clean dossier is asked for a supplement once, two working days before its due date.
    act(&app, &clerk, &clean, json!({"action": "request_supplement", "missing": ["Bản sao CCCD"]})).await;

    // Wednesday: withdrawn the working day before the due date; Thursday: stopped on the due day.
    app.set_time("2027-03-03T10:00:00+07:00");
    act(&app, &clerk, &withdrawn_late, json!({"action": "withdraw"})).await;
    app.set_time("2027-03-04T10:00:00+07:00");
    act(&app, &leader, &stopped, json!({"action": "stop", "reason": "Cơ quan thuế đang thanh tra"})).await;

    // One receipt time changed in the database to the Friday before (nothing in motcua can).
    {
        let mut conn = app.conn();
        let n = diesel::sql_query(format!(
            "UPDATE dossiers SET received_at = '2027-02-26 02:00:00' WHERE code = '{backdated}'"
        ))
        .execute(&mut *conn)
        .unwrap();
        assert_eq!(n, 1);
    }

    // Off-system counts entered on Thursday 4/3: January's long after, February's in time.
    for (from, to, n) in [("2027-01-01", "2027-01-31", 12), ("2027-02-01", "2027-02-28", 7)] {
        let (s, b) = app
            .put_with(
                "/api/v1/stats/off-system",
                &leader,
                &json!({"agency_code": NINH_KIEU, "from": from, "to": to, "dossiers": n}),
            )
            .await;
        assert_eq!(s, 204, "{b}");
    }

    let a = anomalies(&app, &leader, MARCH).await;
    // Pauses: the stop on the due day and the withdrawal the day before; not Monday's.
    let mut paused = flagged(&a, "pause_before_due");
    paused.sort();
    let mut expected = vec![stopped.clone(), withdrawn_late.clone()];
    expected.sort();
    assert_eq!(paused, expected, "{a}");
    for f in rule(&a, "pause_before_due")["findings"].as_array().unwrap() {
        assert_eq!(facts(f, "due_at"), ["2027-03-04T17:30:00+07:00"], "{f}");
        let (action, days) = if f["code"] == stopped.as_str() { ("stop", "0") } else { ("withdraw", "1") };
        assert_eq!(
            (facts(f, "action"), facts(f, "working_days_before_due")),
            (vec![action.to_string()], vec![days.to_string()])
        );
    }

    // The back-dated receipt, three days before it was recorded; the clean one is not.
    assert_eq!(flagged(&a, "backdated_receipt"), [backdated.as_str()], "{a}");
    let f = &rule(&a, "backdated_receipt")["findings"][0];
    assert_eq!(facts(f, "received_at"), ["2027-02-26T09:00:00+07:00"]);
    assert_eq!(facts(f, "recorded_at"), ["2027-03-01T09:00:00+07:00"]);
    assert_eq!(facts(f, "minutes_before_recording"), ["4320"]);
    assert!(rule(&a, "backdated_receipt")["explanation"].as_str().unwrap().contains("never lets a receipt time"));

    // The refused applicant's new dossier, naming the refused one; not the stranger's, not the
    // applicant who had withdrawn.
    assert_eq!(flagged(&a, "refused_resubmitted"), [resubmitted_code], "{a}");
    let f = &rule(&a, "refused_resubmitted")["findings"][0];
    assert_eq!(facts(f, "refused_dossier"), [refused.as_str()]);
    assert_eq!(facts(f, "refused_at"), ["2027-03-01T11:00:00+07:00"]);
    assert_eq!(facts(f, "working_days_after_refusal"), ["1"]);
    assert!(!a.to_string().contains("092190007777"), "the identity number is never shown");
    assert!(!flagged(&a, "refused_resubmitted").contains(&returning));

    // January's count entered 19 working days after the month (Tết took five), February's 4.
    let late = rule(&a, "late_off_system_count");
    assert_eq!(late["count"], 1, "{late}");
    let f = &late["findings"][0];
    assert_eq!((f["code"].clone(), f["agency_code"].as_str()), (Value::Null, Some(NINH_KIEU)));
    assert_eq!(
        (facts(f, "period_start"), facts(f, "period_end")),
        (vec!["2027-01-01".to_string()], vec!["2027-01-31".to_string()])
    );
    assert_eq!(facts(f, "dossiers"), ["12"]);

    // None of these trips the other rules; the clean dossier is nowhere.
    assert_eq!(rule(&a, "repeated_supplement")["count"], 0);
    assert_eq!(rule(&a, "unreceived_online")["count"], 0, "{a}");
    assert!(!a.to_string().contains(&clean), "{a}");
    // Per agency, the same counts.
    assert_eq!(a["agencies"].as_array().unwrap().len(), 1, "{a}");
    let by_rule: Vec<i64> =
        a["agencies"][0]["counts"].as_array().unwrap().iter().map(|c| c["count"].as_i64().unwrap()).collect();
    assert_eq!(by_rule, [0, 0, 2, 1, 1, 1]);

    // Out of scope: Sở TN&MT's leader sees none of them.
    let elsewhere = app.login("leader.stnmt", PW).await;
    let a = anomalies(&app, &elsewhere, MARCH).await;
    assert!(counts(&a).iter().all(|(_, n)| *n == 0), "{a}");
}
