//! Dossier journeys through the public API (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const TAN_AN: &str = "000.01.31.H12";
const NINH_KIEU: &str = "000.00.31.H12";
const STNMT: &str = "000.00.05.H12";
/// Cấp GCN quyền sử dụng đất lần đầu: commune → district → Sở TN&MT → district → commune, 30 working days.
const LAND: &str = "1.003554";
/// Liên thông khai sinh – thường trú – BHYT: commune, 10 working days.
const BIRTH: &str = "1.003583";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days, online level 4.
const HOUSEHOLD_BUSINESS: &str = "2.000720";

fn applicant() -> Value {
    json!({"name": "Nguyễn Thị Hoa", "id_number": "092190001234", "phone": "0912 345 678",
           "email": "hoa.nguyen@example.vn", "address": "12 Nguyễn Trãi, phường Tân An, quận Ninh Kiều"})
}

async fn intake(app: &TestApp, token: &str, procedure: &str, channel: &str, agency: Option<&str>) -> Value {
    let mut body = json!({"procedure_code": procedure, "channel": channel, "applicant": applicant(),
                          "documents": ["Đơn đề nghị", "Bản sao CCCD"]});
    if let Some(a) = agency {
        body["agency_code"] = a.into();
    }
    let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
    assert_eq!(s, 201, "{b}");
    b
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
async fn a_land_dossier_crosses_three_levels_and_lunar_new_year_and_comes_back_to_the_commune() {
    let app = spawn_app_at("2027-01-20T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let district = app.login("specialist.ninhkieu", PW).await;
    let district_leader = app.login("leader.ninhkieu", PW).await;
    let department = app.login("specialist.stnmt", PW).await;

    let d = intake(&app, &clerk, LAND, "direct", None).await;
    let code = d["code"].as_str().unwrap().to_string();
    assert_eq!(code, "000.01.31.H12-270120-0001");
    assert_eq!((d["status_code"].as_i64(), d["status"].as_str()), (Some(2), Some("received")));
    assert_eq!(d["received_at"], "2027-01-20T09:00:00+07:00");
    // 30 working days from 20/1/2027, skipping Tết Đinh Mùi (4–10/2/2027): 10/3/2027.
    assert_eq!(d["due_at"], "2027-03-10T17:30:00+07:00");
    assert_eq!(d["allowed_actions"], json!(["request_supplement", "transfer", "withdraw"]));
    assert_eq!(d["pin"].as_str().unwrap().len(), 6);

    app.set_time("2027-01-21T10:00:00+07:00");
    let d = act_ok(&app, &clerk, &code, json!({"action": "transfer", "note": "Chuyển Phòng TN&MT quận"})).await;
    assert_eq!(d["current_agency"]["code"], NINH_KIEU);
    assert_eq!(d["status_code"], 4);
    let last = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["from_agency"]["code"].as_str(), last["to_agency"]["code"].as_str()),
        (Some(TAN_AN), Some(NINH_KIEU))
    );
    // Received on the 20th at 09:00, the paper file was due at the processing agency that day
    // (ND 61/2018 Điều 18.1): handed over the next morning, the counter's step is late.
    assert_eq!(last["step_timeliness"], "late");
    assert_eq!(last["step_due_at"], "2027-01-20T17:30:00+07:00");

    // The commune clerk no longer holds it.
    let (s, b) = act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    assert_error(s, &b, 403, "not_your_dossier");

    app.set_time("2027-01-27T09:00:00+07:00");
    let d = act_ok(&app, &district, &code, json!({"action": "transfer"})).await;
    assert_eq!(d["current_agency"]["code"], STNMT);
    assert_eq!(d["history"].as_array().unwrap().last().unwrap()["step_timeliness"], "early");

    app.set_time("2027-02-18T09:00:00+07:00");
    let d = act_ok(&app, &department, &code, json!({"action": "transfer"})).await;
    assert_eq!(d["current_agency"]["code"], NINH_KIEU);
    app.set_time("2027-02-26T09:00:00+07:00");
    act_ok(&app, &district, &code, json!({"action": "transfer"})).await;
    let (s, b) = act(&app, &district, &code, json!({"action": "approve"})).await;
    assert_error(s, &b, 403, "not_your_dossier");
    app.set_time("2027-03-01T09:00:00+07:00");
    act_ok(&app, &district_leader, &code, json!({"action": "approve"})).await;
    let (s, b) = act(&app, &district_leader, &code, json!({"action": "transfer"})).await;
    assert_error(s, &b, 409, "no_next_step");
    app.set_time("2027-03-02T09:00:00+07:00");
    let d = act_ok(&app, &district_leader, &code, json!({"action": "finish"})).await;
    assert_eq!((d["status_code"].as_i64(), d["current_agency"]["code"].as_str()), (Some(9), Some(TAN_AN)));
    assert_eq!(d["timeliness"], "early");

    app.set_time("2027-03-03T08:00:00+07:00");
    let d = act_ok(&app, &clerk, &code, json!({"action": "return_result"})).await;
    assert_eq!(d["status_code"], 10);
    let history = d["history"].as_array().unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["intake", "transfer", "transfer", "transfer", "transfer", "approve", "finish", "return_result"]
    );
    assert!(history.iter().all(|h| h["at"].as_str().unwrap().ends_with("+07:00") && h["actor_role"].is_string()));

    // Scope: the department and the city leader see it; the Justice department does not.
    let (s, _) = app.get_with(&format!("/api/v1/dossiers/{code}"), &department).await;
    assert_eq!(s, 200);
    let (s, _) = app.get_with(&format!("/api/v1/dossiers/{code}"), &app.login("leader.tp", PW).await).await;
    assert_eq!(s, 200);
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}"), &app.login("clerk.stp", PW).await).await;
    assert_error(s, &b, 403, "out_of_scope");

    // The public lookup shows where it went, without personal data.
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["status_code"], 10);
    assert_eq!(l["history"].as_array().unwrap().len(), 8);
    // Returned: nobody handles it any more; it was early; each row says what the step was.
    assert!(l["current_agency"].is_null(), "{l}");
    // Agencies by their full names: a ward acts through its People's Committee.
    assert_eq!(l["history"][0]["agency"], "UBND Phường Tân An", "{l}");
    assert_eq!((l["timeliness"].as_str(), l["timeliness_label"].as_str()), (Some("early"), Some("Trước hạn")));
    let steps: Vec<&str> = l["history"].as_array().unwrap().iter().map(|h| h["step"].as_str().unwrap()).collect();
    assert_eq!(steps[0], "Tiếp nhận, kiểm tra hồ sơ");
    assert!(steps[2].starts_with("Văn phòng đăng ký đất đai"), "{steps:?}");
    assert_eq!(
        &steps[5..],
        ["Phê duyệt", "Hoàn thành, chuyển kết quả về Bộ phận Một cửa", "Trả kết quả cho người nộp"]
    );
    assert_eq!(l["due_at"], "2027-03-10T17:30:00+07:00");
    assert!(l["detail"].is_null());
    let text = l.to_string();
    for private in
        ["Nguyễn Thị Hoa", "092190001234", "0912345678", "hoa.nguyen", "Nguyễn Trãi", d["pin"].as_str().unwrap()]
    {
        assert!(!text.contains(private), "lookup leaks {private}: {text}");
    }
}

#[tokio::test]
async fn a_supplement_is_requested_once_and_the_clock_restarts_on_resubmission() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let d = intake(&app, &clerk, BIRTH, "direct", None).await;
    let code = d["code"].as_str().unwrap().to_string();
    assert_eq!(d["due_at"], "2027-03-15T17:30:00+07:00");

    let (s, b) = act(&app, &clerk, &code, json!({"action": "request_supplement", "missing": []})).await;
    assert_error(s, &b, 400, "invalid_action");
    app.set_time("2027-03-04T09:00:00+07:00");
    let missing = json!(["Giấy chứng sinh (bản chính)", "Giấy xác nhận cư trú"]);
    let d = act_ok(&app, &clerk, &code, json!({"action": "request_supplement", "missing": missing})).await;
    assert_eq!(d["status_code"], 5);
    let (s, b) = act(&app, &clerk, &code, json!({"action": "request_supplement", "missing": ["x"]})).await;
    assert_error(s, &b, 409, "action_not_allowed");

    // The applicant brings the documents back on 10/3: ten working days from zero → 24/3.
    app.set_time("2027-03-10T10:00:00+07:00");
    let d = act_ok(&app, &clerk, &code, json!({"action": "submit_supplement"})).await;
    assert_eq!(d["status_code"], 2);
    assert_eq!(d["due_at"], "2027-03-24T17:30:00+07:00");
    let (s, b) = act(&app, &clerk, &code, json!({"action": "request_supplement", "missing": ["Tờ khai"]})).await;
    assert_error(s, &b, 409, "supplement_already_requested");

    // The citizen with the PIN sees what was missing; a stranger sees only the status.
    let pin = d["pin"].as_str().unwrap();
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(s, 200);
    let notices = l["detail"]["notices"].as_array().unwrap();
    assert_eq!(notices[0]["action"], "request_supplement");
    assert_eq!(notices[0]["missing"], missing);

    // Another dossier: appraisal found the gap too late (4 working days after receipt).
    app.set_time("2027-03-11T09:00:00+07:00");
    let late = intake(&app, &clerk, BIRTH, "direct", None).await;
    app.set_time("2027-03-17T09:00:00+07:00");
    let (s, b) =
        act(&app, &clerk, late["code"].as_str().unwrap(), json!({"action": "request_supplement", "missing": ["x"]}))
            .await;
    assert_error(s, &b, 409, "supplement_too_late");
}

#[tokio::test]
async fn refusals_at_intake_and_after_appraisal() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let citizen = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let specialist = app.login("specialist.ninhkieu", PW).await;

    let online = intake(&app, &citizen, HOUSEHOLD_BUSINESS, "online", Some(NINH_KIEU)).await;
    assert_eq!((online["status_code"].as_i64(), online["received_at"].clone()), (Some(1), Value::Null));
    // Refused at intake, it is never received: it never gets a code, only its reference.
    assert_eq!(online["code"], Value::Null);
    let code = online["reference"].as_str().unwrap().to_string();
    assert!(code.starts_with("HS-"));
    let (s, b) = act(&app, &clerk, &code, json!({"action": "refuse"})).await;
    assert_error(s, &b, 400, "invalid_action");
    let d = act_ok(&app, &clerk, &code, json!({"action": "refuse", "reason": "Ngành nghề kinh doanh bị cấm"})).await;
    assert_eq!((d["status_code"].as_i64(), d["code"].clone()), (Some(3), Value::Null));
    let (s, b) = act(&app, &clerk, &code, json!({"action": "receive"})).await;
    assert_error(s, &b, 409, "action_not_allowed");

    let counter = intake(&app, &clerk, HOUSEHOLD_BUSINESS, "direct", None).await;
    let code = counter["code"].as_str().unwrap().to_string();
    act_ok(&app, &clerk, &code, json!({"action": "transfer"})).await;
    let d = act_ok(&app, &specialist, &code, json!({"action": "refuse", "reason": "Tên hộ kinh doanh trùng"})).await;
    assert_eq!((d["status_code"].as_i64(), d["decision"].as_str()), (Some(9), Some("refused")));
    assert_eq!(d["current_agency"]["code"], NINH_KIEU);
    let d = act_ok(&app, &clerk, &code, json!({"action": "return_result"})).await;
    assert_eq!(d["status_code"], 10);
}

#[tokio::test]
async fn an_overdue_dossier_gets_one_apology_with_a_new_date_and_is_judged_late() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let d = intake(&app, &clerk, HOUSEHOLD_BUSINESS, "direct", None).await;
    let code = d["code"].as_str().unwrap().to_string();
    assert_eq!(d["due_at"], "2027-03-04T17:30:00+07:00");
    act_ok(&app, &clerk, &code, json!({"action": "transfer"})).await;

    app.set_time("2027-03-03T09:00:00+07:00");
    let extend =
        json!({"action": "extend", "new_due_date": "2027-03-10", "reason": "Chờ xác minh địa điểm kinh doanh"});
    let (s, b) = act(&app, &leader, &code, json!({"action": "extend", "new_due_date": "2027-03-10"})).await;
    assert_error(s, &b, 400, "invalid_action");
    let (s, b) =
        act(&app, &leader, &code, json!({"action": "extend", "new_due_date": "10/03/2027", "reason": "x"})).await;
    assert_error(s, &b, 400, "invalid_new_due_date");
    let d = act_ok(&app, &leader, &code, extend.clone()).await;
    assert_eq!(d["due_at"], "2027-03-10T17:30:00+07:00");
    assert_eq!(d["statutory_due_at"], "2027-03-04T17:30:00+07:00");
    let (s, b) = act(&app, &leader, &code, extend).await;
    assert_error(s, &b, 409, "already_extended");

    let (_, l) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert_eq!(l["due_at"], "2027-03-10T17:30:00+07:00");

    app.set_time("2027-03-09T09:00:00+07:00");
    act_ok(&app, &leader, &code, json!({"action": "approve"})).await;
    let d = act_ok(&app, &leader, &code, json!({"action": "finish"})).await;
    assert_eq!(d["timeliness"], "late", "judged against the statutory date, not the apology's");

    // An apology on the due day itself is too late.
    let other = intake(&app, &clerk, HOUSEHOLD_BUSINESS, "direct", None).await;
    let other = other["code"].as_str().unwrap().to_string();
    act_ok(&app, &clerk, &other, json!({"action": "transfer"})).await;
    app.set_time("2027-03-12T09:00:00+07:00");
    let (s, b) =
        act(&app, &leader, &other, json!({"action": "extend", "new_due_date": "2027-03-19", "reason": "x"})).await;
    assert_error(s, &b, 409, "extension_too_late");
}

#[tokio::test]
async fn the_applicant_withdraws_an_online_dossier_and_nobody_else_can() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let an = app.login("citizen.an", PW).await;
    let binh = app.login("citizen.binh", PW).await;
    let d = intake(&app, &an, HOUSEHOLD_BUSINESS, "online", Some(NINH_KIEU)).await;
    let code = d["reference"].as_str().unwrap().to_string();
    let (s, b) = act(&app, &binh, &code, json!({"action": "withdraw"})).await;
    assert_error(s, &b, 403, "out_of_scope");
    let clerk = app.login("clerk.ninhkieu", PW).await;
    act_ok(&app, &clerk, &code, json!({"action": "receive"})).await;
    let d = act_ok(&app, &an, &code, json!({"action": "withdraw", "note": "Tôi không kinh doanh nữa"})).await;
    assert_eq!(d["status_code"], 7);
    let (_, mine) = app.get_with("/api/v1/dossiers", &an).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["status_code"], 7);
}

#[tokio::test]
async fn bad_intake_and_action_input_gets_clear_errors_and_writes_nothing() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let citizen = app.login("citizen.an", PW).await;
    let with = |field: &str, value: Value| {
        let mut a = applicant();
        a[field] = value;
        json!({"procedure_code": BIRTH, "channel": "direct", "applicant": a})
    };
    for (body, code) in [
        (with("id_number", "12345".into()), "invalid_id_number"),
        (with("phone", "12345".into()), "invalid_phone"),
        (with("email", "not-an-email".into()), "invalid_email"),
        (with("name", "  ".into()), "invalid_applicant_name"),
        (json!({"procedure_code": "1.0", "channel": "direct", "applicant": applicant()}), "invalid_procedure_code"),
        (json!({"procedure_code": BIRTH, "channel": "fax", "applicant": applicant()}), "invalid_channel"),
        (json!({"procedure_code": BIRTH, "channel": "online", "applicant": applicant()}), "invalid_channel"),
        (json!({"procedure_code": BIRTH, "channel": "direct", "applicant": applicant(), "colour": 1}), "unknown_field"),
    ] {
        let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
        assert_error(s, &b, 400, code);
    }
    let (s, b) = app
        .post_with(
            "/api/v1/dossiers",
            &clerk,
            &json!({"procedure_code": "9.999999", "channel": "direct", "applicant": applicant()}),
        )
        .await;
    assert_error(s, &b, 404, "procedure_not_found");
    // A ministry's own procedure at a commune counter (a district one is received there since
    // 01/07/2025, boundary-free: see boundary_free.rs).
    let (s, b) = app
        .post_with(
            "/api/v1/dossiers",
            &clerk,
            &json!({"procedure_code": "2.000658", "channel": "direct", "applicant": applicant()}),
        )
        .await;
    assert_error(s, &b, 409, "wrong_receiving_level");
    // Online only where the procedure is offered at level 3 or 4 ("Đăng ký kết hôn có yếu tố nước ngoài" is level 2).
    let (s, b) = app
        .post_with("/api/v1/dossiers", &citizen, &json!({"procedure_code": "2.000806", "channel": "online", "agency_code": NINH_KIEU, "applicant": applicant()}))
        .await;
    assert_error(s, &b, 409, "not_offered_online");
    let (s, b) = app.post_json("/api/v1/dossiers", &json!({})).await;
    assert_error(s, &b, 401, "missing_token");

    // Nothing was written: the first valid dossier of the day still gets number 0001.
    let d = intake(&app, &clerk, BIRTH, "direct", None).await;
    assert_eq!(d["code"], "000.01.31.H12-270301-0001");
    let code = d["code"].as_str().unwrap();
    let (s, b) = act(&app, &clerk, code, json!({"action": "teleport"})).await;
    assert_error(s, &b, 400, "unknown_action");
    let (s, b) = act(&app, &clerk, "not-a-code", json!({"action": "transfer"})).await;
    assert_error(s, &b, 400, "invalid_dossier_code");
    let (s, b) = act(&app, &clerk, "000.01.31.H12-270301-0099", json!({"action": "transfer"})).await;
    assert_error(s, &b, 404, "dossier_not_found");
    let (s, b) = app.get("/api/v1/lookup/000.01.31.H12-270301-0099").await;
    assert_error(s, &b, 404, "dossier_not_found");
    let (s, b) = app.get("/api/v1/lookup/garbage").await;
    assert_error(s, &b, 400, "invalid_dossier_code");
}

#[tokio::test]
async fn wrong_proofs_at_the_lookup_are_throttled() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let d = intake(&app, &clerk, BIRTH, "direct", None).await;
    let code = d["code"].as_str().unwrap();
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}?phone=%2B84912345678")).await;
    assert_eq!(s, 200, "{l}");
    assert!(l["detail"].is_object());
    for _ in 0..5 {
        let (s, b) = app.get(&format!("/api/v1/lookup/{code}?pin=000000")).await;
        if d["pin"] != "000000" {
            assert_error(s, &b, 403, "proof_mismatch");
        }
    }
    let pin = d["pin"].as_str().unwrap();
    let (s, b) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_error(s, &b, 429, "too_many_attempts");
    // Without proof the public status is still there; after the window, proofs work again.
    let (s, _) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert_eq!(s, 200);
    app.set_time("2027-03-01T09:16:00+07:00");
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["detail"]["documents"], json!(["Đơn đề nghị", "Bản sao CCCD"]));
}

#[tokio::test]
async fn concurrent_intake_on_two_instances_issues_gap_free_codes_per_agency() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let second = app.second_instance().await;
    let district = app.login("clerk.ninhkieu", PW).await;
    let commune = app.login("clerk.tanan", PW).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (base, token, procedure) = match i % 3 {
            0 => (app.address.clone(), district.clone(), HOUSEHOLD_BUSINESS),
            1 => (second.clone(), district.clone(), HOUSEHOLD_BUSINESS),
            _ => (second.clone(), commune.clone(), BIRTH),
        };
        let client = app.client.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"procedure_code": procedure, "channel": "direct", "applicant": applicant()});
            let r = client.post(format!("{base}/api/v1/dossiers")).bearer_auth(token).json(&body).send().await.unwrap();
            let status = r.status().as_u16();
            let b: Value = r.json().await.unwrap();
            assert_eq!(status, 201, "{b}");
            b["code"].as_str().unwrap().to_string()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    for (agency, n) in [(NINH_KIEU, 16), (TAN_AN, 8)] {
        let mut seqs: Vec<u32> = codes
            .iter()
            .filter(|c| c.starts_with(agency))
            .map(|c| c.rsplit('-').next().unwrap().parse().unwrap())
            .collect();
        seqs.sort();
        assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "{agency}: unique and gap-free");
    }
}

#[tokio::test]
async fn two_people_acting_at_once_one_wins_and_the_other_gets_409() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let second = app.second_instance().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    for _ in 0..4 {
        let d = intake(&app, &clerk, HOUSEHOLD_BUSINESS, "direct", None).await;
        let code = d["code"].as_str().unwrap().to_string();
        let mut tasks = Vec::new();
        for base in [app.address.clone(), second.clone(), app.address.clone()] {
            let (client, token, code) = (app.client.clone(), leader.clone(), code.clone());
            tasks.push(tokio::spawn(async move {
                let r = client
                    .post(format!("{base}/api/v1/dossiers/{code}/actions"))
                    .bearer_auth(token)
                    .json(&json!({"action": "approve"}))
                    .send()
                    .await
                    .unwrap();
                let s = r.status().as_u16();
                (s, r.json::<Value>().await.unwrap())
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            let (s, b) = t.await.unwrap();
            if s == 409 {
                assert!(["concurrent_update", "already_decided"].contains(&b["error"].as_str().unwrap()), "{b}");
            }
            statuses.push(s);
        }
        statuses.sort();
        assert_eq!(statuses, [200, 409, 409]);
        let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &leader).await;
        let approvals = d["history"].as_array().unwrap().iter().filter(|h| h["action"] == "approve").count();
        assert_eq!(approvals, 1, "nothing doubled");
        let seqs: Vec<i64> = d["history"].as_array().unwrap().iter().map(|h| h["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    }
}

async fn upload(app: &TestApp, token: &str, code: &str, name: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let r = app
        .client
        .put(app.url(&format!("/api/v1/dossiers/{code}/files/{name}")))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn files_are_checked_stored_with_a_checksum_and_served_back() {
    use sha2::Digest;
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let d = intake(&app, &clerk, BIRTH, "direct", None).await;
    let code = d["code"].as_str().unwrap();
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();

    let (s, f) = upload(&app, &clerk, code, "Giay%20chung%20sinh.pdf", "application/pdf", pdf.clone()).await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(f["file_name"], "Giay chung sinh.pdf");
    assert_eq!(f["size_bytes"], pdf.len());
    assert_eq!(f["sha256"], format!("{:x}", sha2::Sha256::digest(&pdf)));
    let r = app
        .client
        .get(app.url(&format!("/api/v1/dossiers/{code}/files/{}", f["id"].as_str().unwrap())))
        .bearer_auth(&clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(d["files"].as_array().unwrap().len(), 1);

    for (name, ctype, body, status, error) in [
        ("..%5C..%5Cwindows.pdf", "application/pdf", pdf.clone(), 400, "invalid_file_name"),
        (".htaccess.pdf", "application/pdf", pdf.clone(), 400, "invalid_file_name"),
        ("virus.exe", "application/octet-stream", b"MZ\x90\x00".to_vec(), 400, "unsupported_file_type"),
        ("scan.pdf", "image/png", pdf.clone(), 400, "content_type_mismatch"),
        ("scan.pdf", "application/pdf", b"MZ\x90\x00 not a pdf".to_vec(), 400, "content_mismatch"),
        ("empty.pdf", "application/pdf", Vec::new(), 400, "empty_file"),
        (
            "huge.pdf",
            "application/pdf",
            [b"%PDF-".to_vec(), vec![0u8; 10 * 1024 * 1024]].concat(),
            413,
            "file_too_large",
        ),
    ] {
        let (s, b) = upload(&app, &clerk, code, name, ctype, body).await;
        assert_error(s, &b, status, error);
    }
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(d["files"].as_array().unwrap().len(), 1, "refused uploads store nothing");
    let stranger = app.login("clerk.stp", PW).await;
    let (s, b) = upload(&app, &stranger, code, "a.pdf", "application/pdf", pdf.clone()).await;
    assert_error(s, &b, 403, "out_of_scope");

    // The province's leader and administrator read the dossier but do not hold it: no files from them.
    for who in ["leader.tp", "admin"] {
        let token = app.login(who, PW).await;
        let (s, _) = app.get_with(&format!("/api/v1/dossiers/{code}"), &token).await;
        assert_eq!(s, 200, "{who} reads the dossier");
        let (s, b) = upload(&app, &token, code, "a.pdf", "application/pdf", pdf.clone()).await;
        assert_error(s, &b, 403, "out_of_scope");
    }
    // The holding agency's specialist may.
    let specialist = app.login("specialist.tanan", PW).await;
    let (s, f) = upload(&app, &specialist, code, "Ban%20sao.pdf", "application/pdf", pdf).await;
    assert_eq!(s, 201, "{f}");
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(d["files"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_applicant_rates_the_service_once_after_the_result_is_returned() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let specialist = app.login("specialist.tanan", PW).await;
    let district_leader = app.login("leader.ninhkieu", PW).await;
    let d = intake(&app, &clerk, BIRTH, "direct", None).await;
    let code = d["code"].as_str().unwrap().to_string();
    let pin = d["pin"].as_str().unwrap().to_string();
    let rating = |score: i64, pin: &str| json!({"score": score, "comment": "Cán bộ nhiệt tình", "pin": pin});

    let (s, b) = app.post_json(&format!("/api/v1/dossiers/{code}/rating"), &rating(5, &pin)).await;
    assert_error(s, &b, 409, "not_returned_yet");
    act_ok(&app, &clerk, &code, json!({"action": "transfer"})).await;
    act_ok(&app, &specialist, &code, json!({"action": "transfer"})).await;
    act_ok(&app, &specialist, &code, json!({"action": "transfer"})).await;
    act_ok(&app, &district_leader, &code, json!({"action": "approve"})).await;
    act_ok(&app, &district_leader, &code, json!({"action": "finish"})).await;
    act_ok(&app, &clerk, &code, json!({"action": "return_result"})).await;

    let (s, b) = app.post_json(&format!("/api/v1/dossiers/{code}/rating"), &rating(9, &pin)).await;
    assert_error(s, &b, 400, "invalid_score");
    let wrong = if pin == "111111" { "222222" } else { "111111" };
    let (s, b) = app.post_json(&format!("/api/v1/dossiers/{code}/rating"), &rating(5, wrong)).await;
    assert_error(s, &b, 403, "proof_required");
    let (s, b) = app.post_json(&format!("/api/v1/dossiers/{code}/rating"), &rating(5, &pin)).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["score"], 5);
    let (s, b) = app.post_json(&format!("/api/v1/dossiers/{code}/rating"), &rating(1, &pin)).await;
    assert_error(s, &b, 409, "already_rated");
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(d["rating"]["score"], 5);
}

#[tokio::test]
async fn a_department_consults_another_department_with_its_own_deadline() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let district = app.login("specialist.ninhkieu", PW).await;
    let lead = app.login("specialist.stnmt", PW).await;
    let justice = app.login("specialist.stp", PW).await;
    let d = intake(&app, &clerk, LAND, "direct", None).await;
    let code = d["code"].as_str().unwrap().to_string();
    act_ok(&app, &clerk, &code, json!({"action": "transfer"})).await;
    act_ok(&app, &district, &code, json!({"action": "transfer"})).await;

    let path = format!("/api/v1/dossiers/{code}/consultations");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}"), &justice).await;
    assert_error(s, &b, 403, "out_of_scope");
    let (s, b) =
        app.post_with(&path, &lead, &json!({"agency_code": NINH_KIEU, "task": "x", "due_in_working_days": 2})).await;
    assert_error(s, &b, 400, "invalid_action");
    let (s, b) = app
        .post_with(&path, &district, &json!({"agency_code": "000.00.03.H12", "task": "x", "due_in_working_days": 2}))
        .await;
    assert_error(s, &b, 403, "not_your_dossier");
    let ask =
        json!({"agency_code": "000.00.03.H12", "task": "Cho ý kiến về hợp đồng tặng cho", "due_in_working_days": 2});
    let (s, d) = app.post_with(&path, &lead, &ask).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["current_agency"]["code"], STNMT, "the lead agency keeps the dossier");
    assert_eq!(d["consultations"][0]["due_at"], "2027-03-03T17:30:00+07:00");
    let last = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["to_agency"]["code"].as_str()), (Some("consult"), Some("000.00.03.H12")));

    // The consulted department now sees the dossier and answers a day late.
    app.set_time("2027-03-04T10:00:00+07:00");
    let answer = format!("/api/v1/dossiers/{code}/consultations/1/answer");
    let (s, b) = app.post_with(&answer, &lead, &json!({"opinion": "x"})).await;
    assert_error(s, &b, 403, "not_your_dossier");
    let (s, d) = app.post_with(&answer, &justice, &json!({"opinion": "Hợp đồng hợp lệ"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["consultations"][0]["timeliness"], "late");
    let last = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["step_timeliness"].as_str()),
        (Some("answer_consultation"), Some("late"))
    );
    let (s, b) = app.post_with(&answer, &justice, &json!({"opinion": "again"})).await;
    assert_error(s, &b, 409, "already_answered");
}

// ---- Issue 11: the code is issued at receipt; before it, a submission has a reference ----

async fn submit_online(app: &TestApp, base: &str, token: &str) -> (u16, Value) {
    let body = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
                      "applicant": applicant(), "notify_by": "none"});
    let r = app.client.post(format!("{base}/api/v1/dossiers")).bearer_auth(token).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// The attack of issue 11: one account's submissions used up an agency's 9,999 daily codes.
/// Submissions take no code now, so the counter's first intake of the day is still 0001.
#[tokio::test]
async fn many_online_submissions_take_no_codes_and_the_counter_still_issues_0001() {
    let app =
        common::spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| s.submissions.max_pending_per_account = 50)
            .await;
    let citizen = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let mut references = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let (s, d) = submit_online(&app, &app.address, &citizen).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!((d["code"].clone(), d["status_code"].as_i64()), (Value::Null, Some(1)), "{d}");
        let reference = d["reference"].as_str().unwrap().to_string();
        assert!(reference.len() == 13 && reference.starts_with("HS-"), "{reference}");
        references.insert(reference);
    }
    assert_eq!(references.len(), 20, "every submission has its own reference");

    let counter = intake(&app, &clerk, HOUSEHOLD_BUSINESS, "direct", None).await;
    assert_eq!(counter["code"], format!("{NINH_KIEU}-270301-0001"), "{counter}");
    assert!(counter["reference"].as_str().is_some_and(|r| r.starts_with("HS-")), "a counter intake has both");

    // Receiving one of the submissions gives it the day's next code.
    let first = references.iter().next().unwrap().clone();
    let d = act_ok(&app, &clerk, &first, json!({"action": "receive"})).await;
    assert_eq!(
        (d["code"].as_str(), d["reference"].as_str()),
        (Some("000.00.31.H12-270301-0002"), Some(first.as_str()))
    );
}

#[tokio::test]
async fn the_eleventh_pending_submission_of_an_account_is_refused_with_429() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    assert_eq!(app.settings.submissions.max_pending_per_account, 10, "the shipped default");
    let an = app.login("citizen.an", PW).await;
    let mut first = String::new();
    for i in 0..10 {
        let (s, d) = submit_online(&app, &app.address, &an).await;
        assert_eq!(s, 201, "submission {i}: {d}");
        if i == 0 {
            first = d["reference"].as_str().unwrap().to_string();
        }
    }
    let (s, b) = submit_online(&app, &app.address, &an).await;
    assert_error(s, &b, 429, "too_many_pending_submissions");
    assert!(b["message"].as_str().unwrap().contains("at most 10"), "{b}");
    let (_, mine) = app.get_with("/api/v1/dossiers", &an).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 10, "the refused submission wrote nothing");

    // Another account is not held back by this one.
    let binh = app.login("citizen.binh", PW).await;
    assert_eq!(submit_online(&app, &app.address, &binh).await.0, 201);
    // Once a clerk receives one, the account may submit again; a withdrawal frees a place too.
    let clerk = app.login("clerk.ninhkieu", PW).await;
    act_ok(&app, &clerk, &first, json!({"action": "receive"})).await;
    assert_eq!(submit_online(&app, &app.address, &an).await.0, 201);
    let (s, b) = submit_online(&app, &app.address, &an).await;
    assert_error(s, &b, 429, "too_many_pending_submissions");
    let pending = mine["items"].as_array().unwrap().iter().find(|d| d["reference"] != first.as_str()).unwrap();
    act_ok(&app, &an, pending["reference"].as_str().unwrap(), json!({"action": "withdraw"})).await;
    assert_eq!(submit_online(&app, &app.address, &an).await.0, 201);
}

/// Two instances take one account's submissions at once: the limit holds, because the count is
/// taken in the database under the account's row lock, not in either instance's memory.
#[tokio::test]
async fn the_pending_limit_holds_across_two_instances_submitting_at_once() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let second = app.second_instance().await;
    let an = app.login("citizen.an", PW).await;
    for _ in 0..7 {
        assert_eq!(submit_online(&app, &app.address, &an).await.0, 201);
    }
    let mut tasks = Vec::new();
    for i in 0..8 {
        let base = if i % 2 == 0 { app.address.clone() } else { second.clone() };
        let (client, token) = (app.client.clone(), an.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
                              "applicant": applicant(), "notify_by": "none"});
            let r = client.post(format!("{base}/api/v1/dossiers")).bearer_auth(token).json(&body).send().await.unwrap();
            let status = r.status().as_u16();
            let b: Value = r.json().await.unwrap();
            assert!(status == 201 || (status == 429 && b["error"] == "too_many_pending_submissions"), "{status} {b}");
            status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    let (_, mine) = app.get_with("/api/v1/dossiers", &an).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 10);
}

/// TT 01/2018 Điều 19: the code carries the receipt's date and the day's sequence, not the submission's.
/// Statistics count the dossier when it is received, not when it is submitted.
#[tokio::test]
async fn an_online_dossier_received_days_later_carries_the_receipt_date_and_counts_then() {
    // Friday 5 March 2027, 16:00: submitted after office hours' intake; received on Monday the 8th.
    let app = spawn_app_at("2027-03-05T16:00:00+07:00").await;
    let an = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let d = intake(&app, &an, HOUSEHOLD_BUSINESS, "online", Some(NINH_KIEU)).await;
    let reference = d["reference"].as_str().unwrap().to_string();
    let friday_counter = intake(&app, &clerk, HOUSEHOLD_BUSINESS, "direct", None).await;
    assert_eq!(friday_counter["code"], format!("{NINH_KIEU}-270305-0001"), "the submission took no number");

    let report = |day: &'static str| {
        let (app, leader) = (&app, leader.clone());
        async move {
            let q = format!("/api/v1/stats/report?from={day}&to={day}&agency={NINH_KIEU}&agency_only=true");
            let (s, b) = app.get_with(&q, &leader).await;
            assert_eq!(s, 200, "{b}");
            let t = &b["total"];
            (t["received_total"].as_i64(), t["received_online"].as_i64(), t["received_direct"].as_i64())
        }
    };
    // Biểu II.06a: received_total = online + in person + carried over.
    assert_eq!(report("2027-03-05").await, (Some(1), Some(0), Some(1)), "submitted, not received: counted nowhere");

    app.set_time("2027-03-08T09:30:00+07:00");
    let d = act_ok(&app, &clerk, &reference, json!({"action": "receive"})).await;
    assert_eq!(d["code"], format!("{NINH_KIEU}-270308-0001"), "dated by the receipt: {d}");
    assert_eq!(d["received_at"], "2027-03-08T09:30:00+07:00");
    assert_eq!(d["submitted_at"], "2027-03-05T16:00:00+07:00");
    let monday_counter = intake(&app, &clerk, HOUSEHOLD_BUSINESS, "direct", None).await;
    assert_eq!(monday_counter["code"], format!("{NINH_KIEU}-270308-0002"), "one sequence for both channels");
    assert_eq!(report("2027-03-05").await, (Some(1), Some(0), Some(1)));
    // Monday: the online one received that day, the counter's, and Friday's carried over.
    assert_eq!(report("2027-03-08").await, (Some(3), Some(1), Some(1)), "received on Monday, online");
}

/// The reference works wherever a code is accepted, before and after receipt; forms wait for the code.
#[tokio::test]
async fn the_reference_works_wherever_a_code_does_before_and_after_receipt() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let an = app.login("citizen.an", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let d = intake(&app, &an, HOUSEHOLD_BUSINESS, "online", Some(NINH_KIEU)).await;
    let reference = d["reference"].as_str().unwrap().to_string();

    let (s, mine) = app.get_with(&format!("/api/v1/dossiers/{reference}"), &an).await;
    assert_eq!((s, mine["reference"].as_str()), (200, Some(reference.as_str())), "{mine}");
    let (s, l) = app.get(&format!("/api/v1/lookup/{reference}")).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(
        (l["code"].clone(), l["reference"].as_str(), l["status_code"].as_i64()),
        (Value::Null, Some(reference.as_str()), Some(1))
    );
    assert!(l.get("applicant").is_none() && !l.to_string().contains("Nguyễn Thị Hoa"), "no personal data: {l}");
    // Typed by a person: lower case, and the letters read as digits.
    let typed = reference.to_lowercase();
    assert_eq!(app.get(&format!("/api/v1/lookup/{typed}")).await.0, 200);
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{reference}/forms/01"), &clerk).await;
    assert_error(s, &b, 409, "not_received_yet");
    let (s, b) = app.get("/api/v1/lookup/HS-0000000000").await;
    assert_error(s, &b, 404, "dossier_not_found");
    let (s, b) = app.get("/api/v1/lookup/HS-00000").await;
    assert_error(s, &b, 400, "invalid_dossier_code");

    let d = act_ok(&app, &clerk, &reference, json!({"action": "receive"})).await;
    let code = d["code"].as_str().unwrap().to_string();
    assert_eq!(code, format!("{NINH_KIEU}-270301-0001"));
    for key in [&code, &reference] {
        let (s, l) = app.get(&format!("/api/v1/lookup/{key}")).await;
        assert_eq!(
            (s, l["code"].as_str(), l["reference"].as_str()),
            (200, Some(code.as_str()), Some(reference.as_str()))
        );
        let (s, v) = app.get_with(&format!("/api/v1/dossiers/{key}"), &clerk).await;
        assert_eq!((s, v["code"].as_str()), (200, Some(code.as_str())), "{v}");
    }
    let r = app
        .client
        .get(app.url(&format!("/api/v1/dossiers/{reference}/forms/01")))
        .bearer_auth(&clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let receipt = r.text().await.unwrap();
    assert!(receipt.contains(&code) && receipt.contains(&format!("/tra-cuu/{code}")), "the receipt carries the code");
    let d = act_ok(&app, &clerk, &reference, json!({"action": "transfer"})).await;
    assert_eq!(
        (d["code"].as_str(), d["status_code"].as_i64()),
        (Some(code.as_str()), Some(4)),
        "the code never changes"
    );
    let (_, inbox) = app.get_with("/api/v1/dossiers", &an).await;
    assert_eq!(
        (inbox["items"][0]["code"].as_str(), inbox["items"][0]["reference"].as_str()),
        (Some(code.as_str()), Some(reference.as_str()))
    );
}

/// Issue 16 item 1: a late liên thông dossier says which step made it late. The land route gives
/// the commune 1 working day, the district 5, the Sở TN&MT 10, the district 8 then 4 and the
/// counter 2 (30 days, 240 office hours); the Sở holds it seven weeks.
#[tokio::test]
async fn a_late_land_dossier_names_the_sở_that_held_it_past_its_step() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let district = app.login("specialist.ninhkieu", PW).await;
    let district_leader = app.login("leader.ninhkieu", PW).await;
    let department = app.login("specialist.stnmt", PW).await;
    let code = intake(&app, &clerk, LAND, "direct", None).await["code"].as_str().unwrap().to_string();
    app.set_time("2027-03-01T14:00:00+07:00");
    act_ok(&app, &clerk, &code, json!({"action": "transfer"})).await;
    app.set_time("2027-03-02T09:00:00+07:00");
    act_ok(&app, &district, &code, json!({"action": "transfer"})).await;

    // While the Sở holds it, its step runs to now: Tuesday 09:00 → Wednesday 10:00 is 9 h.
    app.set_time("2027-03-03T10:00:00+07:00");
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &department).await;
    assert_eq!(s, 200, "{d}");
    let a = &d["delay_attribution"];
    assert_eq!(a["limit_minutes"], 240 * 60);
    let open = &a["steps"][2];
    assert_eq!((open["step"].as_i64(), open["agency"]["code"].as_str()), (Some(2), Some(STNMT)));
    assert_eq!((open["held_minutes"].as_i64(), open["budget_minutes"].as_i64()), (Some(540), Some(4800)));
    assert!(open["until"].is_null());
    assert!(a["late_step"].is_null(), "nobody is over budget yet: {a}");

    app.set_time("2027-04-19T09:00:00+07:00");
    act_ok(&app, &department, &code, json!({"action": "transfer"})).await;
    app.set_time("2027-04-20T09:00:00+07:00");
    act_ok(&app, &district, &code, json!({"action": "transfer"})).await;
    app.set_time("2027-04-21T09:00:00+07:00");
    act_ok(&app, &district_leader, &code, json!({"action": "approve"})).await;
    app.set_time("2027-04-21T10:00:00+07:00");
    let d = act_ok(&app, &district_leader, &code, json!({"action": "finish"})).await;
    assert_eq!(d["timeliness"], "late");

    // Read later: the clock stopped at the finish, so nothing grows.
    app.set_time("2027-05-10T09:00:00+07:00");
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(s, 200, "{d}");
    let a = &d["delay_attribution"];
    let steps = a["steps"].as_array().unwrap();
    let rows: Vec<(i64, &str, i64, i64)> = steps
        .iter()
        .map(|s| {
            let n = |k: &str| s[k].as_i64().unwrap();
            (n("step"), s["agency"]["code"].as_str().unwrap(), n("budget_minutes"), n("over_minutes"))
        })
        .collect();
    assert_eq!(
        rows,
        [
            (0, TAN_AN, 480, 0),
            (1, NINH_KIEU, 2400, 0),
            (2, STNMT, 4800, rows[2].3),
            (3, NINH_KIEU, 3840, 0),
            (4, NINH_KIEU, 1920, 0)
        ]
    );
    // The counter: Monday 09:00 → 14:00 is 3 h; the district: 14:00 → Tuesday 09:00 is 5 h; its
    // last two steps: 8 h, then 6 h 30 + 2 h 30.
    let held: Vec<i64> = steps.iter().map(|s| s["held_minutes"].as_i64().unwrap()).collect();
    assert_eq!((held[0], held[1], held[3], held[4]), (180, 300, 480, 540));
    assert!(rows[2].3 > 20 * 60 && held[2] - 4800 == rows[2].3, "{a}");
    assert_eq!(a["late_step"], 2, "the Sở's step made it late: {a}");
    assert_eq!(steps[2]["until"], "2027-04-19T09:00:00+07:00");
    assert_eq!(steps[2]["handlers"], json!([{"who": "specialist.stnmt", "minutes": held[2]}]));
    assert_eq!(steps[0]["handlers"], json!([{"who": "clerk.tanan", "minutes": 180}]));
    // Per agency: the district's three steps add up, and only the Sở caused late hours.
    let agencies: Vec<(&str, i64, i64)> = a["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["agency"]["code"].as_str().unwrap(),
                h["held_minutes"].as_i64().unwrap(),
                h["over_minutes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(agencies, [(TAN_AN, 180, 0), (NINH_KIEU, 300 + 480 + 540, 0), (STNMT, held[2], rows[2].3)]);
    let sở = a["agencies"][2]["agency"]["name"].as_str().unwrap().to_string();
    assert!(sở.contains("Tài nguyên"), "{a}");

    // The staff page and the control sheet (TT 03/2025 Mẫu 06) name the same step, with its hours.
    let over = rows[2].3;
    let over_label = match over % 60 {
        0 => format!("{:02} h", over / 60),
        m => format!("{:02} h {m:02}", over / 60),
    };
    for path in [format!("/can-bo/ho-so/{code}"), format!("/api/v1/dossiers/{code}/forms/06")] {
        let r = app.client.get(app.url(&path)).bearer_auth(&clerk).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("tổng thời hạn 240 h"), "{path}: {html}");
        let late: Vec<&str> = html.split("<tr").filter(|row| row.contains("(bước làm chậm hồ sơ)")).collect();
        assert_eq!(late.len(), 1, "{path}: one step is named");
        assert!(
            late[0].contains(&sở) && late[0].contains(&over_label) && late[0].contains("/ 80 h"),
            "{path}: {}",
            late[0]
        );
        // The handler by full name beside the username (seeds/demo/users.json).
        assert!(late[0].contains("Châu Thị Bích Phượng (specialist.stnmt)"), "{path}: {}", late[0]);
    }

    // Summed per agency from the counters each step wrote when it ended: the Sở's late hours are
    // counted at the Sở (not at the commune that received the dossier), on the day its step ended.
    let city = app.login("leader.tp", PW).await;
    let step_delay = |r: &Value, code: &str| {
        r["rows"].as_array().unwrap().iter().find(|l| l["key"] == code).map(|l| l["step_delay"].clone())
    };
    let (s, april) = app.get_with("/api/v1/stats/report?from=2027-04-01&to=2027-04-30&group_by=agency", &city).await;
    assert_eq!(s, 200, "{april}");
    let counted = |ended: i64, early: i64, late: i64, minutes: i64| json!({"steps_ended": ended, "steps_early": early, "steps_late": late, "late_working_minutes": minutes});
    assert_eq!(step_delay(&april, STNMT), Some(counted(1, 0, 1, over)), "{april}");
    assert_eq!(step_delay(&april, NINH_KIEU), Some(counted(2, 2, 0, 0)), "{april}");
    assert_eq!(april["step_delay"], counted(3, 2, 1, over));
    let (s, march) = app.get_with("/api/v1/stats/report?from=2027-03-01&to=2027-03-31&group_by=agency", &city).await;
    assert_eq!(s, 200, "{march}");
    assert_eq!(step_delay(&march, TAN_AN), Some(counted(1, 1, 0, 0)), "{march}");
    assert_eq!(march["step_delay"], counted(2, 2, 0, 0), "the Sở's stay had not ended in March");
    // The dashboard ranks the agencies by the late hours they caused: the Sở first.
    let r = app.client.get(app.url("/lanh-dao?from=2027-03-01&to=2027-04-30")).bearer_auth(&city).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let table =
        html.split("id=\"gio-tre-don-vi\"").nth(1).expect("the late-hours table").split("</table>").next().unwrap();
    let ranked: Vec<&str> = table.split("data-agency=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert_eq!(ranked.first(), Some(&STNMT), "{table}");
    assert!(ranked.contains(&NINH_KIEU) && ranked.contains(&TAN_AN), "{table}");
    let sở_row = table.split("<tr").find(|r| r.contains(STNMT)).unwrap();
    assert!(sở_row.contains(&format!("{} giờ", over / 60)) || sở_row.contains(&format!("{},", over / 60)), "{sở_row}");
}
