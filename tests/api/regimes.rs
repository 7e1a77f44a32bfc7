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
