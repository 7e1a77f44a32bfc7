//! Legal regimes as dated data (issue 14): the dossier-code scheme of the receipt day — four digits
//! and at most 9,999 a day under TT 01/2018, at least four and growing under TT 03/2025 — and the
//! code read back everywhere. SQLite, or PostgreSQL with TEST_DATABASE_URL.
use crate::common::{assert_error, spawn_app_at, TestApp};
use diesel::prelude::*;
use motcua::storage::schema::dossier_sequences;
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const TAN_AN: &str = "000.01.31.H12";

/// Sets the agency's sequence of `day` (YYMMDD) as if `issued` codes had been given that day.
fn issued(app: &TestApp, day: &str, issued: i32) {
    diesel::insert_into(dossier_sequences::table)
        .values((
            dossier_sequences::agency_code.eq(TAN_AN),
            dossier_sequences::day.eq(day),
            dossier_sequences::last_value.eq(issued),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

async fn intake(app: &TestApp, token: &str) -> (u16, Value) {
    let body = json!({"procedure_code": "1.001193", "channel": "direct", "documents": ["Tờ khai"],
        "applicant": {"name": "Lê Văn Mười", "id_number": "092190001111", "phone": "0911111111", "address": "Tân An"},
        "notify_by": "none"});
    app.post_with("/api/v1/dossiers", token, &body).await
}

#[tokio::test]
async fn the_ten_thousandth_intake_of_a_day_is_numbered_under_tt03_and_refused_under_tt01() {
    let app = spawn_app_at("2026-11-23T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    issued(&app, "261123", 9_999);
    let (s, d) = intake(&app, &clerk).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    assert_eq!(code, format!("{TAN_AN}-261123-10000"));
    // Read back everywhere a code is read: the API, the forms, the public lookup.
    let (s, again) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!((s, again["code"].as_str()), (200, Some(code.as_str())), "{again}");
    let r = app.client.get(app.url(&format!("/api/v1/dossiers/{code}/forms/01"))).bearer_auth(&clerk).send().await;
    let receipt = r.unwrap().text().await.unwrap();
    assert!(receipt.contains(&code), "{receipt}");
    let (s, public) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert_eq!((s, public["code"].as_str()), (200, Some(code.as_str())), "{public}");
    let (s, d) = intake(&app, &clerk).await;
    assert_eq!((s, d["code"].as_str().map(|c| c.ends_with("-10001"))), (201, Some(true)), "{d}");

    // A day of 2024, under TT 01/2018: 9,999 codes, then intake is refused and nothing is stored.
    app.set_time("2024-05-02T09:00:00+07:00");
    let clerk = app.login("clerk.tanan", PW).await;
    issued(&app, "240502", 9_999);
    let (s, b) = intake(&app, &clerk).await;
    assert_error(s, &b, 409, "daily_limit_reached");
    assert!(b["message"].as_str().unwrap().contains("9999"), "{b}");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{TAN_AN}-240502-10000"), &clerk).await;
    assert_error(s, &b, 400, "invalid_dossier_code");
}

/// Issue 14 item 6 (ND 61/2018 Điều 15.3, 16, 17): a clerk turns a paper dossier away at the
/// counter — incomplete: Mẫu 02 listing everything missing, nothing received, no code, the record
/// kept until the supplement brings it back; ineligible: Mẫu 03, national status 3.
#[tokio::test]
async fn a_paper_dossier_is_turned_away_at_the_counter_with_form_02_or_03() {
    let app = spawn_app_at("2026-11-23T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let body = |extra: Value| {
        let mut b = json!({"procedure_code": "1.001193", "channel": "direct", "documents": ["Tờ khai"],
            "applicant": {"name": "Lê Văn Mười", "id_number": "092190001111", "phone": "0911111111", "address": "Tân An"},
            "notify_by": "none"});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let missing = json!(["Giấy chứng sinh (bản chính)", "Giấy tờ tùy thân của người đi đăng ký"]);
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body(json!({"request_supplement": missing}))).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!((d["code"].clone(), d["status_code"].as_i64()), (Value::Null, Some(5)), "not received: {d}");
    assert_eq!(d["received_at"], Value::Null);
    let history: Vec<&str> = d["history"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(history, ["intake", "request_supplement"]);
    let reference = d["reference"].as_str().unwrap().to_string();
    let form = |path: String| {
        let req = app.client.get(app.url(&path)).bearer_auth(&clerk);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, f02) = form(format!("/api/v1/dossiers/{reference}/forms/02")).await;
    assert_eq!(s, 200, "{f02}");
    assert!(f02.contains(&reference) && f02.contains("Giấy chứng sinh (bản chính)"), "{f02}");
    let (s, _) = form(format!("/api/v1/dossiers/{reference}/forms/01")).await;
    assert_eq!(s, 409, "no receipt: nothing was received");
    // The supplement brings it back; received, it gets its code then.
    let act = |action: &'static str| {
        let (app, clerk, reference) = (&app, &clerk, reference.clone());
        async move {
            let (s, d) = app
                .post_with(&format!("/api/v1/dossiers/{reference}/actions"), clerk, &json!({"action": action}))
                .await;
            assert_eq!(s, 200, "{action}: {d}");
            d
        }
    };
    act("submit_supplement").await;
    let d = act("receive").await;
    assert!(d["code"].as_str().is_some_and(|c| c.starts_with(TAN_AN)), "{d}");

    // Ineligible: refused at the counter, status 3, Mẫu 03 with the reasons.
    let reason = "Người yêu cầu không thuộc trường hợp đăng ký khai sinh tại xã";
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body(json!({"refuse_reason": reason}))).await;
    assert_eq!((s, d["status_code"].as_i64(), d["code"].clone()), (201, Some(3), Value::Null), "{d}");
    let (s, f03) = form(format!("/api/v1/dossiers/{}/forms/03", d["reference"].as_str().unwrap())).await;
    assert!(s == 200 && f03.contains(reason), "{f03}");

    // Bad decisions store nothing.
    let both = body(json!({"refuse_reason": "x", "request_supplement": ["y"]}));
    let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &both).await;
    assert_error(s, &b, 400, "invalid_action");
    let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &body(json!({"request_supplement": []}))).await;
    assert_error(s, &b, 400, "invalid_action");
    let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &body(json!({"refuse_reason": "  "}))).await;
    assert_error(s, &b, 400, "invalid_action");
    let citizen = app.login("citizen.an", PW).await;
    let online = body(json!({"channel": "online", "agency_code": TAN_AN, "refuse_reason": "x"}));
    let (s, b) = app.post_with("/api/v1/dossiers", &citizen, &online).await;
    assert_error(s, &b, 400, "invalid_action");
    let (s, list) = app.get_with("/api/v1/dossiers?status=not_received", &clerk).await;
    assert_eq!(s, 200, "{list}");
    let count: i64 = motcua::storage::schema::dossiers::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 2, "only the two turned-away dossiers were stored");

    // The intake page offers the choice and opens the form it printed.
    let cookie = crate::common::web::sign_in(&app, "clerk.tanan", PW).await;
    let page = crate::common::web::get(&app, "/can-bo/tiep-nhan?thu_tuc=1.001193", Some(&cookie)).await;
    assert!(page.body.contains("Không tiếp nhận hồ sơ giấy này"), "{}", page.body);
    let posted = crate::common::web::post_form(
        &app,
        "/can-bo/tiep-nhan",
        Some(&cookie),
        &[
            ("procedure_code", "1.001193"),
            ("channel", "direct"),
            ("name", "Lê Văn Mười Một"),
            ("id_number", "092190001112"),
            ("phone", "0911111112"),
            ("address", "Tân An"),
            ("notify_by", "none"),
            ("decision", "supplement"),
            ("turn_missing", "Giấy chứng sinh"),
        ],
    )
    .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert!(
        posted.location.starts_with("/api/v1/dossiers/HS-") && posted.location.ends_with("/forms/02"),
        "{}",
        posted.location
    );
}

/// Issue 14, item 4: a procedure marked as a nationwide centralised service takes TT 04/2025 Điều
/// 23's code (`MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX`) once that circular is in force (25/01/2026): the
/// deciding agency's electronic ID, this system's owner digits (`codes.system_owner`, 07 in the
/// tests) and its own sequence — received at the counter or online — and the code reads back
/// everywhere a code is read. Without an electronic ID nothing is received and the error says what
/// to record.
#[tokio::test]
async fn a_nationwide_centralised_service_takes_the_tt04_code_and_it_reads_everywhere() {
    let app = spawn_app_at("2026-01-23T09:00:00+07:00").await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, v) = app
        .post_with("/api/v1/admin/procedures/1.001193/versions", &admin, &json!({"nationwide_centralised": true}))
        .await;
    assert!(s == 201 && v["nationwide_centralised"] == true, "{v}");
    // Before TT 04/2025 is in force, the provincial code.
    let (s, d) = intake(&app, &clerk).await;
    assert_eq!((s, d["code"].as_str()), (201, Some(format!("{TAN_AN}-260123-0001").as_str())), "{d}");

    app.set_time("2026-03-02T09:00:00+07:00");
    let (s, b) = intake(&app, &clerk).await;
    assert_error(s, &b, 409, "nationwide_code_unavailable");
    assert!(b["message"].as_str().unwrap().contains(&format!("/api/v1/admin/agencies/{TAN_AN}/electronic-id")), "{b}");
    let eid = format!("/api/v1/admin/agencies/{TAN_AN}/electronic-id");
    let (s, b) = app.put_with(&eid, &admin, &json!({"electronic_id": "H12.31.01"})).await;
    assert_error(s, &b, 400, "invalid_electronic_id");
    let (s, b) = app.put_with(&eid, &clerk, &json!({"electronic_id": "H12.031.01"})).await;
    assert_eq!(s, 403, "{b}");
    let (s, b) = app.put_with(&eid, &admin, &json!({"electronic_id": "H12.031.01"})).await;
    assert_eq!((s, &b), (200, &json!({"electronic_id": "H12.031.01"})));

    let (s, d) = intake(&app, &clerk).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    assert_eq!(code, "H12.031.01-260302-070001");
    // An online submission of it takes the next one when the counter receives it.
    let citizen = app.login("citizen.an", PW).await;
    let body = json!({"procedure_code": "1.001193", "channel": "online", "agency_code": TAN_AN, "documents": ["Tờ khai"],
        "applicant": {"name": "Lê Văn Mười", "id_number": "092190001111", "phone": "0911111111", "address": "Tân An"}});
    let (s, online) = app.post_with("/api/v1/dossiers", &citizen, &body).await;
    assert!(s == 201 && online["code"].is_null(), "{online}");
    let reference = online["reference"].as_str().unwrap();
    let (s, received) =
        app.post_with(&format!("/api/v1/dossiers/{reference}/actions"), &clerk, &json!({"action": "receive"})).await;
    assert_eq!((s, received["code"].as_str()), (200, Some("H12.031.01-260302-070002")), "{received}");
    // Another procedure of the same agency keeps the provincial sequence.
    let (s, birth) = app
        .post_with(
            "/api/v1/dossiers",
            &clerk,
            &json!({"procedure_code": "1.003583", "channel": "direct",
                "applicant": {"name": "Lê Thị Mai", "id_number": "092190001112", "phone": "0911111112", "address": "Tân An"}}),
        )
        .await;
    assert_eq!((s, birth["code"].as_str()), (201, Some(format!("{TAN_AN}-260302-0001").as_str())), "{birth}");

    // Read back: the API, the public lookup (JSON and page), the receipt and its QR address.
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert!(s == 200 && b["code"] == code.as_str(), "{b}");
    let (s, b) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert!(s == 200 && b["code"] == code.as_str(), "{b}");
    let page = app.client.get(app.url(&format!("/tra-cuu/{code}"))).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains(&code));
    let receipt = app.text_with(&format!("/api/v1/dossiers/{code}/forms/01"), &clerk).await;
    assert!(receipt.contains(&format!("<strong>{code}</strong>")) && receipt.contains(&format!("/tra-cuu/{code}")));
    // A code of another system is read as it comes: no such dossier here, not a malformed code.
    let (s, b) = app.get("/api/v1/lookup/G22.99-260302-000123").await;
    assert_error(s, &b, 404, "dossier_not_found");
    let (s, b) = app.get("/api/v1/lookup/H12.031.01-260302-07001").await;
    assert_error(s, &b, 400, "invalid_dossier_code");
}
