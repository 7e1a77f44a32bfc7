//! Boundary-free intake within the province and its two clocks (issue 13 item 5; ND 118/2025
//! Điều 17.3 as amended): from 01/07/2025 a commune's centre receives a procedure of the province
//! it could not receive before, hands it to the competent agency, whose receipt starts the
//! statutory clock; the handover has its own deadline; the result comes back to the receiving
//! commune. Tested on the merged Cần Thơ (the shipped plan is loaded, as in `reorganise.rs`).
//! SQLite, or PostgreSQL with TEST_DATABASE_URL.
use crate::common::{assert_error, manifest_dir, spawn_app_at, TestApp};
use chrono::{DateTime, Utc};
use motcua::services::reorganise::load_on;
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// The new phường Ninh Kiều (NQ 1668 khoản 1), which holds the former phường Tân An's clerks.
const NINH_KIEU: &str = "000.01.61.H12";
/// The new phường Cái Khế (NQ 1668 khoản 2).
const CAI_KHE: &str = "000.02.61.H12";
const OLD_TAN_AN: &str = "000.01.31.H12";
/// Sở Tư pháp, competent for the judicial record.
const SO_TU_PHAP: &str = "000.00.03.H12";
/// Cấp Phiếu lý lịch tư pháp: received at province level; 10 working days; Sở Tư pháp first.
const JUDICIAL_RECORD: &str = "2.000488";
/// Đăng ký kết hôn: received and decided at commune level.
const MARRIAGE: &str = "1.000894";

async fn merged_city(now: &str) -> TestApp {
    let app = spawn_app_at("2025-07-01T08:00:00+07:00").await;
    let plan = std::fs::read_to_string(manifest_dir().join("seeds/reorganisations/cantho-2025-07-01.json")).unwrap();
    let at = DateTime::parse_from_rfc3339("2025-07-01T08:00:00+07:00").unwrap().with_timezone(&Utc);
    assert!(load_on(&mut app.conn(), &plan, at, false).unwrap().applied);
    app.set_time(now);
    app
}

fn body(procedure: &str, extra: Value) -> Value {
    let mut b = json!({"procedure_code": procedure, "channel": "direct",
        "applicant": {"name": "Trần Văn Bình", "id_number": "092190004321", "phone": "0913 000 111",
            "email": null, "address": "5 Mậu Thân, Cần Thơ"},
        "documents": ["Tờ khai"], "notify_by": "none"});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

async fn act(app: &TestApp, token: &str, code: &str, action: &str) -> (u16, Value) {
    app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &json!({"action": action})).await
}

#[tokio::test]
async fn a_commune_receives_a_province_procedure_hands_it_over_and_the_clock_starts_at_the_department() {
    // Monday 2/3/2026, 10:00.
    let app = merged_city("2026-03-02T10:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body(JUDICIAL_RECORD, json!({}))).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    assert!(code.starts_with(NINH_KIEU), "the receiving commune issues the code: {code}");
    assert_eq!(d["receiving_agency"]["code"], NINH_KIEU);
    assert_eq!(d["competent_agency"]["code"], SO_TU_PHAP, "{d}");
    assert_eq!(d["competent_agency"]["name"], "Sở Tư pháp");
    assert_eq!((d["status_code"].as_i64(), d["awaiting_handover"].as_bool()), (Some(2), Some(true)));
    assert_eq!(d["due_at"], Value::Null, "the statutory clock has not started");
    assert_eq!(d["handover_due_at"], "2026-03-03T17:30:00+07:00", "1 working day");
    assert_eq!((d["competent_received_at"].clone(), d["handover_late"].clone()), (Value::Null, json!(false)));
    assert_eq!(d["result_delivery"], "counter");
    assert_eq!(d["allowed_actions"], json!(["transfer", "withdraw"]), "only the handover, or a withdrawal");

    // The department sees it coming but cannot act before the handover; an unrelated commune cannot see it.
    let stp = app.login("leader.stp", PW).await;
    let (s, seen) = app.get_with(&format!("/api/v1/dossiers/{code}"), &stp).await;
    assert_eq!((s, seen["allowed_actions"].clone()), (200, json!([])), "{seen}");
    let (s, b) = act(&app, &stp, &code, "approve").await;
    assert_error(s, &b, 409, "awaiting_handover");
    let other = app.login("clerk.phongdien", PW).await;
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}"), &other).await;
    assert_error(s, &b, 403, "out_of_scope");

    // The control sheet shows the handover and its deadline.
    let sheet = app.text_with(&format!("/api/v1/dossiers/{code}/forms/06"), &clerk).await;
    assert!(sheet.contains("Hạn bàn giao hồ sơ: 03/03/2026 17:30") && sheet.contains("chờ bàn giao"), "{sheet}");

    // Handed over on Wednesday at 9:00, a day late: flagged; the statutory 10 working days run
    // from the department's receipt (4/3 → 18/3).
    app.set_time("2026-03-04T09:00:00+07:00");
    let (s, d) = act(&app, &clerk, &code, "transfer").await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["current_agency"]["code"], SO_TU_PHAP);
    assert_eq!(d["competent_received_at"], "2026-03-04T09:00:00+07:00");
    assert_eq!(d["statutory_due_at"], "2026-03-18T17:30:00+07:00", "{d}");
    assert_eq!((d["handover_late"].clone(), d["awaiting_handover"].clone()), (json!(true), json!(false)));
    let handover = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(handover["step_due_at"], "2026-03-03T17:30:00+07:00");
    assert_eq!(handover["step_timeliness"], "late");
    let sheet = app.text_with(&format!("/api/v1/dossiers/{code}/forms/06"), &clerk).await;
    assert!(
        sheet.contains("04/03/2026 09:00 (Quá hạn)") && sheet.contains("Ngày hẹn trả kết quả: 18/03/2026"),
        "{sheet}"
    );

    // It is in the department's inbox; the department decides and the result returns to the commune.
    let (s, inbox) = app.get_with("/api/v1/dossiers", &stp).await;
    assert!(s == 200 && inbox.to_string().contains(&code), "{inbox}");
    for action in ["approve", "finish"] {
        let (s, d) = act(&app, &stp, &code, action).await;
        assert_eq!(s, 200, "{action}: {d}");
    }
    let (s, b) = act(&app, &app.login("clerk.stp", PW).await, &code, "return_result").await;
    assert_error(s, &b, 403, "not_your_dossier");
    let (s, d) = act(&app, &clerk, &code, "return_result").await;
    assert_eq!((s, d["status_code"].as_i64()), (200, Some(10)), "{d}");
    assert_eq!(d["current_agency"]["code"], NINH_KIEU);
    assert_eq!(
        (d["receiving_agency"]["code"].clone(), d["competent_agency"]["code"].clone()),
        (json!(NINH_KIEU), json!(SO_TU_PHAP))
    );
    assert_eq!(d["timeliness"], "early");
    // The receiving commune's tracking book names the agency that decided.
    let book = app.text_with(&format!("/api/v1/agencies/{NINH_KIEU}/tracking-book?year=2026"), &clerk).await;
    assert!(book.contains("Sở Tư pháp (cơ quan có thẩm quyền)"), "the agency by its name: {book}");
}

#[tokio::test]
async fn a_commune_procedure_goes_to_the_applicants_commune_and_the_citys_centre_must_name_it() {
    let app = merged_city("2026-03-02T10:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, d) = app
        .post_with(
            "/api/v1/dossiers",
            &clerk,
            &body(MARRIAGE, json!({"applicant_commune": CAI_KHE, "result_delivery": "post"})),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!((d["competent_agency"]["code"].clone(), d["result_delivery"].clone()), (json!(CAI_KHE), json!("post")));
    let waiting = d["code"].as_str().unwrap().to_string();
    // The commune's own applicant: one clock, as before.
    let (s, d) =
        app.post_with("/api/v1/dossiers", &clerk, &body(MARRIAGE, json!({"applicant_commune": NINH_KIEU}))).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!((d["competent_agency"].clone(), d["awaiting_handover"].clone()), (Value::Null, json!(false)));
    assert!(d["due_at"].is_string());

    let centre = app.login("clerk.centre", PW).await;
    let before = motcua::storage::dossiers::count(&mut app.conn()).unwrap();
    let (s, b) = app.post_with("/api/v1/dossiers", &centre, &body(MARRIAGE, json!({}))).await;
    assert_error(s, &b, 400, "applicant_commune_required");
    for bad in [SO_TU_PHAP, OLD_TAN_AN, "000.0"] {
        let (s, b) =
            app.post_with("/api/v1/dossiers", &centre, &body(MARRIAGE, json!({"applicant_commune": bad}))).await;
        assert_error(s, &b, 400, "invalid_applicant_commune");
    }
    for bad in [json!("email"), json!(""), json!(3)] {
        let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &body(MARRIAGE, json!({"result_delivery": bad}))).await;
        assert!(s == 400, "{bad}: {s} {b}");
        if bad.is_string() {
            assert_error(s, &b, 400, "invalid_result_delivery");
        }
    }
    assert_eq!(motcua::storage::dossiers::count(&mut app.conn()).unwrap(), before, "refused intakes store nothing");
    let (s, d) =
        app.post_with("/api/v1/dossiers", &centre, &body(MARRIAGE, json!({"applicant_commune": CAI_KHE}))).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(
        (d["receiving_agency"]["code"].clone(), d["competent_agency"]["code"].clone()),
        (json!("000.00.21.H12"), json!(CAI_KHE))
    );

    // The OpenAPI document describes the new request and response fields.
    let (s, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    let props = |schema: &str| doc["components"]["schemas"][schema]["properties"].clone();
    for field in ["applicant_commune", "result_delivery"] {
        assert!(props("IntakeRequest")[field].is_object(), "IntakeRequest.{field}");
    }
    for field in [
        "competent_agency",
        "handover_due_at",
        "competent_received_at",
        "handover_late",
        "awaiting_handover",
        "result_delivery",
    ] {
        assert!(props("DossierView")[field].is_object(), "DossierView.{field}");
    }
    // A later reorganisation that ends the competent commune while the dossier waits: its holder is
    // the competent agency from then on (the route and the stored competent agency both follow).
    let plan = json!({"id": "test-cai-khe", "effective_on": "2026-03-03", "act": "NQ 9997 (test)",
        "act_date": "2026-02-01", "title": "test", "new_units": [{"code": "000.01.63.H12", "name": "Phường Hợp Nhất",
        "level": "commune", "kind": "people_committee", "parent_code": "000.00.00.H12", "provisional_code": true,
        "clause": null, "from": [{"code": CAI_KHE, "whole": true}]}],
        "ended_units": [CAI_KHE], "holdings": [{"ended": CAI_KHE, "holder": "000.01.63.H12"}]});
    app.set_time("2026-03-03T08:00:00+07:00");
    let r = motcua::services::reorganise::load_on(&mut app.conn(), &plan.to_string(), app.clock.now(), false).unwrap();
    assert!(r.moved_dossiers.iter().any(|m| m.what == waiting), "{r:?}");
    let (_, moved) = app.get_with(&format!("/api/v1/dossiers/{waiting}"), &clerk).await;
    assert_eq!(moved["competent_agency"]["code"], "000.01.63.H12", "{moved}");
}

#[tokio::test]
async fn before_july_2025_a_commune_still_cannot_receive_a_province_procedure() {
    let app = spawn_app_at("2024-03-04T10:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &body(JUDICIAL_RECORD, json!({}))).await;
    assert_error(s, &b, 409, "wrong_receiving_level");
    // Its own procedures, as before: one clock from its receipt.
    let (s, d) =
        app.post_with("/api/v1/dossiers", &clerk, &body(MARRIAGE, json!({"applicant_commune": "000.02.31.H12"}))).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(
        (d["receiving_agency"]["code"].clone(), d["competent_agency"].clone()),
        (json!(OLD_TAN_AN), Value::Null)
    );
}

/// At the counter's page: a commune's clerk sees the province's procedures too, names the
/// applicant's commune and how the result is collected; the dossier page then shows the competent
/// agency and the handover waiting with its deadline. A commune that does not exist is shown back
/// on the form with the values kept.
#[tokio::test]
async fn the_counter_page_takes_a_boundary_free_dossier_and_the_dossier_page_shows_the_handover() {
    use crate::common::web::{get, post_form, sign_in};
    let app = merged_city("2026-03-02T10:00:00+07:00").await;
    let cookie = sign_in(&app, "clerk.tanan", PW).await;
    let form = get(&app, &format!("/can-bo/tiep-nhan?thu_tuc={JUDICIAL_RECORD}"), Some(&cookie)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains(r#"<select id="applicant_commune" name="applicant_commune""#), "{}", form.body);
    assert!(form.body.contains(&format!(r#"<option value="{CAI_KHE}">"#)));
    assert!(!form.body.contains(&format!(r#"<option value="{OLD_TAN_AN}">"#)), "only today's communes");
    let fields = |commune: &'static str| {
        vec![
            ("procedure_code", MARRIAGE),
            ("channel", "direct"),
            ("name", "Trần Văn Bình"),
            ("id_number", "092190004321"),
            ("phone", "0913000111"),
            ("address", "5 Mậu Thân, Cần Thơ"),
            ("notify_by", "none"),
            ("applicant_commune", commune),
            ("result_delivery", "post"),
        ]
    };
    let bad = post_form(&app, "/can-bo/tiep-nhan", Some(&cookie), &fields(OLD_TAN_AN)).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains(r#"name="applicant_commune" aria-invalid="true""#), "{}", bad.body);
    assert!(bad.body.contains(r#"value="post" checked"#), "the choice is kept");
    let ok = post_form(&app, "/can-bo/tiep-nhan", Some(&cookie), &fields(CAI_KHE)).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let code = ok.location.split('/').nth(4).unwrap().to_string();
    let page = get(&app, &format!("/can-bo/ho-so/{code}"), Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<dt>Cơ quan có thẩm quyền giải quyết</dt><dd>Phường Cái Khế</dd>"), "{}", page.body);
    assert!(page.body.contains("<dt>Bàn giao hồ sơ</dt><dd>Chờ bàn giao — hạn bàn giao"), "{}", page.body);
    assert!(page.body.contains("Nhận qua dịch vụ bưu chính công ích"));
}

#[tokio::test]
async fn statistics_say_which_agency_received_and_which_decided_with_the_same_province_total() {
    // Monday 2/3/2026: two judicial records received at phường Ninh Kiều for Sở Tư pháp, and a
    // marriage that the commune decides itself.
    let app = merged_city("2026-03-02T10:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let stp = app.login("leader.stp", PW).await;
    let mut records = Vec::new();
    for _ in 0..2 {
        let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body(JUDICIAL_RECORD, json!({}))).await;
        assert_eq!(s, 201, "{d}");
        records.push(d["code"].as_str().unwrap().to_string());
    }
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body(MARRIAGE, json!({}))).await;
    assert_eq!((s, d["competent_agency"].clone()), (201, Value::Null), "{d}");
    // One is handed over and decided; the other waits.
    let (s, d) = act(&app, &clerk, &records[0], "transfer").await;
    assert_eq!(s, 200, "{d}");
    for action in ["approve", "finish"] {
        let (s, d) = act(&app, &stp, &records[0], action).await;
        assert_eq!(s, 200, "{action}: {d}");
    }

    let leader = app.login("leader.tp", PW).await;
    let report = |counted_at: &'static str| {
        let (app, leader) = (&app, &leader);
        async move {
            let q = format!("/api/v1/stats/report?from=2026-03-01&to=2026-03-31&group_by=agency{counted_at}");
            let (s, r) = app.get_with(&q, leader).await;
            assert_eq!(s, 200, "{r}");
            r
        }
    };
    let line = |r: &Value, code: &str, column: &str| {
        r["rows"].as_array().unwrap().iter().find(|l| l["key"] == code).map(|l| l[column].as_i64().unwrap())
    };
    let received = report("").await;
    assert_eq!(received["counted_at"], "receiving", "Biểu II.06a's reading by default");
    assert_eq!(line(&received, NINH_KIEU, "received_total"), Some(3));
    assert_eq!(line(&received, NINH_KIEU, "resolved_total"), Some(1));
    assert_eq!(line(&received, SO_TU_PHAP, "received_total").unwrap_or(0), 0);
    let decided = report("&counted_at=deciding").await;
    assert_eq!(decided["counted_at"], "deciding");
    assert_eq!(line(&decided, NINH_KIEU, "received_total"), Some(1), "the marriage it decides itself");
    assert_eq!(line(&decided, SO_TU_PHAP, "received_total"), Some(2), "the two records it decides: {decided}");
    assert_eq!(line(&decided, SO_TU_PHAP, "resolved_total"), Some(1));
    assert_eq!(line(&decided, NINH_KIEU, "resolved_total").unwrap_or(0), 0);
    assert_eq!(received["total"], decided["total"], "the same province total");

    let (s, b) = app.get_with("/api/v1/stats/report?from=2026-03-01&to=2026-03-31&counted_at=competent", &leader).await;
    assert_error(s, &b, 400, "invalid_counted_at");
    let (s, k) = app.get_with("/api/v1/stats/kpis?from=2026-03-01&to=2026-03-31&counted_at=deciding", &leader).await;
    assert_eq!((s, k["counted_at"].as_str()), (200, Some("deciding")), "{k}");

    // The leaders' dashboard offers both readings, and its export links keep the choice.
    let cookie = crate::common::web::sign_in(&app, "leader.tp", PW).await;
    let page =
        crate::common::web::get(&app, "/lanh-dao?from=2026-03-01&to=2026-03-31&counted_at=deciding", Some(&cookie))
            .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r#"<option value="deciding" selected>"#), "{}", page.body);
    assert!(page.body.contains("counted_at=deciding"), "the export links keep it");
    let bad =
        crate::common::web::get(&app, "/lanh-dao?from=2026-03-01&to=2026-03-31&counted_at=x", Some(&cookie)).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Cách tính hồ sơ theo đơn vị “x” không hợp lệ."), "{}", bad.body);
}
