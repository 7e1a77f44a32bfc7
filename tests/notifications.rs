//! The outbox: notices written with the change that owes them (SQLite, or PostgreSQL with TEST_DATABASE_URL).
mod common;

use std::time::Duration;

use common::{assert_error, spawn_app_at, TestApp};
use motcua::storage::{connection, dossiers, outbox};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";

fn body(notify_by: Option<&str>, email: Option<&str>) -> Value {
    let mut applicant =
        json!({"name": "Ngô Thị Hạnh", "id_number": "092190003333", "phone": "0933333333", "address": "Tân An"});
    if let Some(e) = email {
        applicant["email"] = e.into();
    }
    let mut b = json!({"procedure_code": "1.003583", "channel": "direct", "applicant": applicant});
    if let Some(n) = notify_by {
        b["notify_by"] = n.into();
    }
    b
}

fn rows(app: &TestApp, code: &str) -> Vec<outbox::NotificationRow> {
    let pool = connection::connect(app.db.url(), 1, Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    let d = dossiers::find_by_code(&mut conn, code).unwrap().unwrap();
    outbox::of_dossier(&mut conn, &d.id).unwrap()
}

#[tokio::test]
async fn changes_that_owe_a_notice_write_it_in_the_same_transaction() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body(None, Some("hanh.ngo@example.vn"))).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    let queued = rows(&app, &code);
    let channels: Vec<&str> = queued.iter().map(|r| r.channel.as_str()).collect();
    assert_eq!(channels, ["email", "sms"]);
    assert!(queued.iter().all(|r| r.kind == "received" && r.status == "pending"));
    let email = &queued[0];
    assert_eq!(email.recipient, "hanh.ngo@example.vn");
    assert_eq!(email.subject.as_deref(), Some(format!("Hồ sơ {code} đã được tiếp nhận").as_str()));
    assert!(email.body_text.contains("15/03/2027") && email.body_text.contains(&format!("/tra-cuu/{code}")));
    assert!(email.body_html.as_deref().unwrap().contains("Đăng ký") || email.body_text.contains("khai sinh"));
    let sms = &queued[1];
    assert_eq!(sms.recipient, "0933333333");
    assert!(sms.body_text.is_ascii() && sms.body_text.contains(&code), "{}", sms.body_text);

    let act = |action: Value| {
        let (app, clerk, code) = (&app, clerk.clone(), code.clone());
        async move {
            let (s, b) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), &clerk, &action).await;
            assert_eq!(s, 200, "{b}");
        }
    };
    act(json!({"action": "transfer"})).await;
    assert_eq!(rows(&app, &code).len(), 2, "a transfer owes the applicant nothing");
    act(json!({"action": "request_supplement", "missing": ["Giấy chứng sinh"]})).await;
    let queued = rows(&app, &code);
    assert_eq!(queued.len(), 4);
    assert!(queued[2..].iter().all(|r| r.kind == "supplement_requested"));
    assert!(queued[2].body_text.contains("1. Giấy chứng sinh"));

    // Chosen channels are respected; nothing is queued for "none".
    let (_, d) = app.post_with("/api/v1/dossiers", &clerk, &body(Some("none"), None)).await;
    assert!(rows(&app, d["code"].as_str().unwrap()).is_empty());
    let (_, d) = app.post_with("/api/v1/dossiers", &clerk, &body(Some("sms"), Some("x@example.vn"))).await;
    let only_sms = rows(&app, d["code"].as_str().unwrap());
    assert_eq!(only_sms.iter().map(|r| r.channel.as_str()).collect::<Vec<_>>(), ["sms"]);

    let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &body(Some("email"), None)).await;
    assert_error(s, &b, 400, "email_required");
    let (s, b) = app.post_with("/api/v1/dossiers", &clerk, &body(Some("pigeon"), None)).await;
    assert_error(s, &b, 400, "invalid_notify_by");
}

#[tokio::test]
async fn administrators_see_queued_notices_with_masked_recipients() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let admin = app.login("admin", PW).await;
    app.post_with("/api/v1/dossiers", &clerk, &body(None, Some("hanh.ngo@example.vn"))).await;
    let (s, list) = app.get_with("/api/v1/admin/notifications?status=pending", &admin).await;
    assert_eq!(s, 200, "{list}");
    let recipients: Vec<&str> = list.as_array().unwrap().iter().map(|n| n["recipient"].as_str().unwrap()).collect();
    assert_eq!(recipients, ["ha***@example.vn", "093****333"]);
    let (s, failed) = app.get_with("/api/v1/admin/notifications", &admin).await;
    assert_eq!((s, failed.as_array().unwrap().len()), (200, 0));
    let (s, b) = app.get_with("/api/v1/admin/notifications", &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.get_with("/api/v1/admin/notifications?status=lost", &admin).await;
    assert_error(s, &b, 400, "invalid_status");
    let (s, b) = app.post_with("/api/v1/admin/notifications/nope/requeue", &admin, &json!({})).await;
    assert_error(s, &b, 404, "notification_not_failed");
}
