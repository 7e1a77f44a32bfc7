//! Throttles (issue 11): proofs of ownership on every path, the public lookup's limit per client,
//! sign-in failures; client addresses from the socket or a trusted proxy's X-Forwarded-For.
//! SQLite, or PostgreSQL with TEST_DATABASE_URL.
use crate::common;

use common::{assert_error, spawn_app_configured, TestApp};
use diesel::prelude::*;
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// Liên thông khai sinh – thường trú – BHYT: commune, 10 working days.
const BIRTH: &str = "1.003583";
const START: &str = "2027-03-01T09:00:00+07:00";

/// An app whose peer (the test, on 127.0.0.1) is a trusted proxy: `X-Forwarded-For` names the client.
async fn behind_proxy(configure: impl FnOnce(&mut motcua::configuration::Settings)) -> TestApp {
    spawn_app_configured(Some(START), |s| {
        s.server.trusted_proxies = vec!["127.0.0.1".into()];
        configure(s);
    })
    .await
}

/// What an answer carried: status, JSON body, `Retry-After`.
struct Answer {
    status: u16,
    body: Value,
    retry_after: Option<u64>,
}

async fn answer(r: reqwest::RequestBuilder) -> Answer {
    let r = r.send().await.expect("request");
    let status = r.status().as_u16();
    let retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let body = r.json().await.unwrap_or(Value::Null);
    Answer { status, body, retry_after }
}

async fn get_from(app: &TestApp, client: &str, path: &str) -> Answer {
    answer(app.client.get(app.url(path)).header("x-forwarded-for", client)).await
}

async fn post_from(app: &TestApp, client: &str, path: &str, body: &Value) -> Answer {
    answer(app.client.post(app.url(path)).header("x-forwarded-for", client).json(body)).await
}

async fn intake(app: &TestApp, clerk: &str) -> (String, String) {
    let body = json!({"procedure_code": BIRTH, "channel": "direct",
        "applicant": {"name": "Nguyễn Thị Hoa", "id_number": "092190001234", "phone": "0912 345 678",
                      "email": "hoa.nguyen@example.vn", "address": "12 Nguyễn Trãi, phường Tân An"},
        "documents": ["Đơn đề nghị"]});
    let (s, d) = app.post_with("/api/v1/dossiers", clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    (d["code"].as_str().unwrap().to_string(), d["pin"].as_str().unwrap().to_string())
}

/// Takes a birth dossier received at phường Tân An through to the result returned.
async fn return_result(app: &TestApp, clerk: &str, code: &str) {
    let specialist = app.login("specialist.tanan", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    for (token, action) in [
        (clerk, "transfer"),
        (specialist.as_str(), "transfer"),
        (specialist.as_str(), "transfer"),
        (leader.as_str(), "approve"),
        (leader.as_str(), "finish"),
        (clerk, "return_result"),
    ] {
        let (s, b) =
            app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &json!({"action": action})).await;
        assert_eq!(s, 200, "{action}: {b}");
    }
}

fn wrong_pin(pin: &str) -> &'static str {
    if pin == "000000" {
        "999999"
    } else {
        "000000"
    }
}

fn rating(pin: &str) -> Value {
    json!({"score": 4, "pin": pin})
}

#[tokio::test]
async fn a_wrong_pin_answers_alike_whatever_the_dossier_state() {
    let app = behind_proxy(|_| {}).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (open, open_pin) = intake(&app, &clerk).await;
    let (returned, returned_pin) = intake(&app, &clerk).await;
    return_result(&app, &clerk, &returned).await;
    let rate = |code: &str, body: Value| {
        let path = format!("/api/v1/dossiers/{code}/rating");
        let app = &app;
        async move { post_from(app, "198.51.100.1", &path, &body).await }
    };

    let on_open = rate(&open, rating(wrong_pin(&open_pin))).await;
    let on_returned = rate(&returned, rating(wrong_pin(&returned_pin))).await;
    assert_error(on_open.status, &on_open.body, 403, "proof_required");
    assert_eq!((on_open.status, &on_open.body), (on_returned.status, &on_returned.body));
    // No PIN at all: the same answer again.
    let bare = rate(&open, json!({"score": 4})).await;
    assert_eq!((bare.status, &bare.body), (on_returned.status, &on_returned.body));
    // Only a valid proof learns the state.
    let right = rate(&open, rating(&open_pin)).await;
    assert_error(right.status, &right.body, 409, "not_returned_yet");
    let right = rate(&returned, rating(&returned_pin)).await;
    assert_eq!(right.status, 201, "{}", right.body);
}

#[tokio::test]
async fn the_sixth_wrong_pin_from_one_client_is_refused_while_the_owner_elsewhere_still_succeeds() {
    let app = behind_proxy(|_| {}).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (code, pin) = intake(&app, &clerk).await;
    return_result(&app, &clerk, &code).await;
    let path = format!("/api/v1/dossiers/{code}/rating");
    let guesser = "203.0.113.66";

    for _ in 0..5 {
        let a = post_from(&app, guesser, &path, &rating(wrong_pin(&pin))).await;
        assert_error(a.status, &a.body, 403, "proof_required");
    }
    let sixth = post_from(&app, guesser, &path, &rating(wrong_pin(&pin))).await;
    assert_error(sixth.status, &sixth.body, 429, "too_many_attempts");
    let retry = sixth.retry_after.expect("Retry-After");
    assert!((60..=15 * 60 + 1).contains(&retry), "Retry-After {retry}");
    // The guesser is locked out of every path that checks a proof, even with the right PIN.
    let a = post_from(&app, guesser, &path, &rating(&pin)).await;
    assert_error(a.status, &a.body, 429, "too_many_attempts");
    let a = get_from(&app, guesser, &format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_error(a.status, &a.body, 429, "too_many_attempts");
    assert!(a.retry_after.is_some());
    let page = answer(
        app.client
            .post(app.url(&format!("/tra-cuu/{code}")))
            .header("x-forwarded-for", guesser)
            .header("origin", app.address.clone())
            .form(&[("pin", pin.as_str())]),
    )
    .await;
    assert_eq!(page.status, 429);
    assert!(page.retry_after.is_some());
    // Without proof the guesser still sees the public status.
    let a = get_from(&app, guesser, &format!("/api/v1/lookup/{code}")).await;
    assert_eq!(a.status, 200, "{}", a.body);

    // The applicant, from another address, is not locked out.
    let owner = post_from(&app, "192.0.2.10", &path, &rating(&pin)).await;
    assert_eq!(owner.status, 201, "{}", owner.body);

    // After the window the guesser's failures no longer count.
    app.set_time("2027-03-01T09:16:00+07:00");
    let a = get_from(&app, guesser, &format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body["detail"].is_object());
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() {
    // No trusted proxies (the default): every request is from 127.0.0.1, whatever it claims.
    let app = spawn_app_configured(Some(START), |_| {}).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (code, pin) = intake(&app, &clerk).await;
    for i in 0..5 {
        let a =
            get_from(&app, &format!("198.51.100.{i}"), &format!("/api/v1/lookup/{code}?pin={}", wrong_pin(&pin))).await;
        assert_error(a.status, &a.body, 403, "proof_mismatch");
    }
    let a = get_from(&app, "198.51.100.99", &format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_error(a.status, &a.body, 429, "too_many_attempts");
}

#[tokio::test]
async fn guesses_from_many_addresses_lock_the_dossier_for_all_and_alert_staff() {
    let app = behind_proxy(|s| {
        s.throttle.proof_failures_per_dossier = 8;
    })
    .await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (code, pin) = intake(&app, &clerk).await;
    let (other, other_pin) = intake(&app, &clerk).await;
    let lookup = |pin: &str| format!("/api/v1/lookup/{code}?pin={pin}");
    for i in 0..8 {
        let client = format!("203.0.113.{}", i / 4);
        let a = get_from(&app, &client, &lookup(wrong_pin(&pin))).await;
        assert_error(a.status, &a.body, 403, "proof_mismatch");
    }
    assert_eq!(alerts(&app).len(), 0, "no alert below the ceiling");
    // The ceiling is reached: a fresh address with the right PIN is refused too, for an hour at most.
    for client in ["192.0.2.1", "192.0.2.2"] {
        let a = get_from(&app, client, &lookup(&pin)).await;
        assert_error(a.status, &a.body, 429, "too_many_attempts");
        assert!(a.retry_after.is_some_and(|r| r <= 3601), "{:?}", a.retry_after);
    }
    // One alert for staff, naming the dossier; other dossiers are not affected.
    let raised = alerts(&app);
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0].1, code);
    assert_eq!(raised[0].0.failures, 8);
    let a = get_from(&app, "192.0.2.1", &format!("/api/v1/lookup/{other}?pin={other_pin}")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let (s, b) = app.get_with("/api/v1/admin/throttle-alerts", &app.login("admin", PW).await).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b[0]["dossier_code"], code.as_str());
    assert_eq!(b[0]["failures"], 8);
}

fn alerts(app: &TestApp) -> Vec<(motcua::storage::throttle::AlertRow, String, String)> {
    let since = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    motcua::storage::throttle::dossier_alerts_since(&mut app.conn(), since, None, 100).unwrap()
}

#[tokio::test]
async fn lookups_are_limited_per_client_on_the_api_and_the_page() {
    let app = behind_proxy(|s| s.lookup.max_per_minute = 3).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (code, _) = intake(&app, &clerk).await;
    let path = format!("/api/v1/lookup/{code}");
    let crawler = "203.0.113.7";
    for _ in 0..2 {
        assert_eq!(get_from(&app, crawler, &path).await.status, 200);
    }
    let page = answer(app.client.get(app.url(&format!("/tra-cuu/{code}"))).header("x-forwarded-for", crawler)).await;
    assert_eq!(page.status, 200);
    // The fourth lookup of the minute, whatever the code: refused with Retry-After.
    let a = get_from(&app, crawler, "/api/v1/lookup/000.01.31.H12-270301-0042").await;
    assert_error(a.status, &a.body, 429, "too_many_lookups");
    assert!(a.retry_after.is_some_and(|r| (1..=61).contains(&r)), "{:?}", a.retry_after);
    let page = answer(app.client.get(app.url(&format!("/tra-cuu/{code}"))).header("x-forwarded-for", crawler)).await;
    assert_eq!(page.status, 429);
    assert!(page.retry_after.is_some());
    // Others are not limited by the crawler; the crawler gets in again after a minute.
    assert_eq!(get_from(&app, "192.0.2.44", &path).await.status, 200);
    app.set_time("2027-03-01T09:01:01+07:00");
    assert_eq!(get_from(&app, crawler, &path).await.status, 200);
}

#[tokio::test]
async fn the_lookup_shows_times_to_the_minute() {
    let app = spawn_app_configured(Some("2027-03-01T09:07:42.123456+07:00"), |_| {}).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (code, pin) = intake(&app, &clerk).await;
    let (_, staff) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(staff["received_at"], "2027-03-01T09:07:42.123456+07:00", "staff see the exact time");
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(l["received_at"], "2027-03-01T09:07:00+07:00");
    assert_eq!(l["history"][0]["at"], "2027-03-01T09:07:00+07:00");
    assert!(l["due_at"].as_str().unwrap().ends_with(":00+07:00"), "{l}");
}

async fn sign_in_from(app: &TestApp, client: &str, username: &str, password: &str) -> Answer {
    post_from(app, client, "/api/v1/auth/login", &json!({"username": username, "password": password})).await
}

#[tokio::test]
async fn the_sixth_wrong_password_is_refused_with_retry_after_even_when_right() {
    let app = behind_proxy(|_| {}).await;
    let client = "203.0.113.20";
    for _ in 0..5 {
        let a = sign_in_from(&app, client, "clerk.tanan", "wrong-password").await;
        assert_error(a.status, &a.body, 401, "invalid_credentials");
    }
    let a = sign_in_from(&app, client, "clerk.tanan", "wrong-password").await;
    assert_error(a.status, &a.body, 429, "too_many_attempts");
    assert!(a.retry_after.is_some_and(|r| (800..=901).contains(&r)), "{:?}", a.retry_after);
    // Locked: the right password from that client is refused too (the lock tells nothing).
    let a = sign_in_from(&app, client, "clerk.tanan", PW).await;
    assert_error(a.status, &a.body, 429, "too_many_attempts");
    // The sign-in page answers alike.
    let page = answer(
        app.client
            .post(app.url("/dang-nhap"))
            .header("x-forwarded-for", client)
            .header("origin", app.address.clone())
            .form(&[("username", "clerk.tanan"), ("password", PW), ("next", "")]),
    )
    .await;
    assert_eq!(page.status, 429);
    assert!(page.retry_after.is_some());
    // The clerk at the counter, from another address, signs in; the lock ends with the window.
    assert_eq!(sign_in_from(&app, "192.0.2.30", "clerk.tanan", PW).await.status, 200);
    app.set_time("2027-03-01T09:15:01+07:00");
    assert_eq!(sign_in_from(&app, client, "clerk.tanan", PW).await.status, 200);
}

#[tokio::test]
async fn sign_ins_are_throttled_by_address_across_usernames_and_per_username_across_addresses() {
    let app = behind_proxy(|s| {
        s.throttle.sign_in_failures_per_client = 6;
        s.throttle.sign_in_failures_per_user = 7;
    })
    .await;
    // One address trying many usernames (unknown ones included).
    let sprayer = "203.0.113.21";
    for name in ["clerk.tanan", "admin", "leader.tp", "nobody.here", "citizen.an", "specialist.tanan"] {
        let a = sign_in_from(&app, sprayer, name, "wrong-password").await;
        assert_error(a.status, &a.body, 401, "invalid_credentials");
    }
    let a = sign_in_from(&app, sprayer, "leader.ninhkieu", PW).await;
    assert_error(a.status, &a.body, 429, "too_many_attempts");
    assert!(a.retry_after.is_some());
    assert_eq!(sign_in_from(&app, "192.0.2.31", "leader.ninhkieu", PW).await.status, 200);

    // One username from many addresses: the per-username ceiling.
    for i in 0..7 {
        let a = sign_in_from(&app, &format!("198.51.100.{i}"), "clerk.stp", "wrong-password").await;
        assert_error(a.status, &a.body, 401, "invalid_credentials");
    }
    let a = sign_in_from(&app, "198.51.100.200", "clerk.stp", PW).await;
    assert_error(a.status, &a.body, 429, "too_many_attempts");
    // A success does not erase failures: the row count is what the throttle left.
    let failures: i64 = motcua::storage::schema::throttle_events::table
        .filter(motcua::storage::schema::throttle_events::kind.eq("sign_in"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(failures, 6 + 7);
}
