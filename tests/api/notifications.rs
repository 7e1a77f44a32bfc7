//! The outbox: notices written with the change that owes them (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use std::time::Duration;

use common::{assert_error, spawn_app_configured, TestApp};
use motcua::storage::{dossiers, outbox};
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
    let mut conn = app.conn();
    let d = dossiers::find_by_code(&mut conn, code).unwrap().unwrap();
    outbox::of_dossier(&mut conn, &d.id).unwrap()
}

#[tokio::test]
async fn changes_that_owe_a_notice_write_it_in_the_same_transaction() {
    // No worker: the rows stay as written.
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| s.notifications.worker = false).await;
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
    app.expect_unsent(5);
}

#[tokio::test]
async fn administrators_see_queued_notices_with_masked_recipients() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| s.notifications.worker = false).await;
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
    app.expect_unsent(2);
}

// ---- Delivery to real peers: the test's own SMTP server and HTTP SMS gateway ----

/// Đăng ký thành lập hộ kinh doanh: district, 3 working days.
const HOUSEHOLD_BUSINESS: &str = "2.000720";

async fn act(app: &TestApp, token: &str, code: &str, action: Value) {
    let (s, b) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &action).await;
    assert_eq!(s, 200, "{action} → {b}");
}

async fn intake_at_ninh_kieu(app: &TestApp, clerk: &str, notify_by: &str, email: &str, phone: &str) -> String {
    let b = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "direct", "notify_by": notify_by,
                   "applicant": {"name": "Trần Văn Bình", "id_number": "092190004444", "phone": phone,
                                 "email": email, "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", clerk, &b).await;
    assert_eq!(s, 201, "{d}");
    d["code"].as_str().unwrap().to_string()
}

/// How many different values.
fn distinct(values: impl Iterator<Item = String>) -> usize {
    values.collect::<std::collections::HashSet<_>>().len()
}

/// The emails and SMS that reached the peers for one dossier, in order.
fn delivered(app: &TestApp, code: &str) -> (Vec<common::peers::ReceivedMail>, Vec<common::peers::ReceivedSms>) {
    let mails = app.mail.accepted().into_iter().filter(|m| m.subject.contains(code)).collect();
    let sms =
        app.sms.accepted().into_iter().filter(|s| s.body["message"].as_str().unwrap_or("").contains(code)).collect();
    (mails, sms)
}

#[tokio::test]
async fn every_event_that_concerns_the_applicant_arrives_by_email_and_sms() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |_| {}).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let specialist = app.login("specialist.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let lookup = |code: &str| format!("{}/tra-cuu/{code}", app.address);

    // Received → supplement → resubmitted → delayed → result ready.
    let code = intake_at_ninh_kieu(&app, &clerk, "both", "binh.tran@example.vn", "0944 444 444").await;
    act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    act(
        &app,
        &specialist,
        &code,
        json!({"action": "request_supplement", "missing": ["Bản sao hợp đồng thuê nhà", "Giấy ủy quyền"]}),
    )
    .await;
    act(&app, &clerk, &code, json!({"action": "submit_supplement"})).await;
    app.set_time("2027-03-02T09:00:00+07:00");
    act(
        &app,
        &leader,
        &code,
        json!({"action": "extend", "new_due_date": "2027-03-12", "reason": "Chờ xác minh địa điểm"}),
    )
    .await;
    act(&app, &leader, &code, json!({"action": "approve"})).await;
    act(&app, &leader, &code, json!({"action": "finish"})).await;
    act(&app, &clerk, &code, json!({"action": "return_result"})).await;
    // Refused after appraisal, on a second dossier.
    let refused = intake_at_ninh_kieu(&app, &clerk, "both", "binh.tran@example.vn", "0944444444").await;
    act(&app, &clerk, &refused, json!({"action": "transfer"})).await;
    act(&app, &specialist, &refused, json!({"action": "refuse", "reason": "Tên hộ kinh doanh trùng"})).await;
    // Stopped by the agency's leader, on a third.
    let stopped = intake_at_ninh_kieu(&app, &clerk, "both", "binh.tran@example.vn", "0944444444").await;
    act(&app, &clerk, &stopped, json!({"action": "transfer"})).await;
    act(&app, &leader, &stopped, json!({"action": "stop", "reason": "Cơ quan thuế đề nghị tạm dừng"})).await;

    app.mail.wait_for(8);
    app.sms.wait_for(8);
    app.settle();
    let (mails, sms) = delivered(&app, &code);
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            format!("Hồ sơ {code} đã được tiếp nhận"),
            format!("Hồ sơ {code} cần bổ sung, hoàn thiện"),
            format!("Xin lỗi: hồ sơ {code} được hẹn lại ngày trả kết quả"),
            format!("Hồ sơ {code} đã có kết quả"),
        ],
        "transfer, resubmission, approval and hand-back owe nothing; the rest arrive in order"
    );
    for m in &mails {
        assert_eq!(m.rcpt, ["binh.tran@example.vn"]);
        assert!(m.message_id.ends_with("@motcua"), "{}", m.message_id);
        for part in [&m.text, &m.html] {
            assert!(part.contains(&lookup(&code)), "the lookup link: {part}");
        }
        assert!(m.text.contains("Kính gửi ông/bà"), "{}", m.text);
    }
    let received = &mails[0].text;
    assert!(received.contains("Đăng ký thành lập hộ kinh doanh"), "procedure: {received}");
    assert!(received.contains("UBND quận Ninh Kiều") || received.contains("Ninh Kiều"), "agency: {received}");
    assert!(received.contains("01/03/2027 09:00") && received.contains("04/03/2027"), "dates: {received}");
    assert!(mails[1].text.contains("1. Bản sao hợp đồng thuê nhà") && mails[1].text.contains("2. Giấy ủy quyền"));
    assert!(mails[1].html.contains("<p>2. Giấy ủy quyền</p>"), "{}", mails[1].html);
    assert!(mails[2].text.contains("12/03/2027") && mails[2].text.contains("Chờ xác minh địa điểm"));

    let texts: Vec<&str> = sms.iter().map(|s| s.body["message"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 4, "{texts:#?}");
    for (s, t) in sms.iter().zip(&texts) {
        assert!(t.is_ascii(), "no diacritics: {t}");
        assert!(t.ends_with(&format!("Tra cuu: {}", lookup(&code))), "{t}");
        assert_eq!(s.body["to"], "0944444444", "the number as stored, spaces removed");
        assert_eq!(s.body["client_ref"].as_str(), Some(s.idempotency_key.as_str()), "the notice id travels with it");
    }
    assert!(texts[0].starts_with(&format!("Ho so {code} da duoc tiep nhan. Hen tra: 04/03/2027.")), "{}", texts[0]);
    assert!(texts[1].contains("can bo sung 2 giay to"), "{}", texts[1]);
    assert!(texts[2].contains("hen lai ngay tra 12/03/2027"), "{}", texts[2]);
    assert!(texts[3].contains("da co ket qua"), "{}", texts[3]);

    let (mails, sms) = delivered(&app, &refused);
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].subject, format!("Hồ sơ {refused} không được giải quyết"));
    assert!(mails[1].text.contains("Lý do: Tên hộ kinh doanh trùng."), "{}", mails[1].text);
    assert!(sms[1].body["message"].as_str().unwrap().contains("Ly do: Ten ho kinh doanh trung."), "{:?}", sms[1].body);

    let (mails, sms) = delivered(&app, &stopped);
    assert_eq!(mails[1].subject, format!("Hồ sơ {stopped} đã bị dừng xử lý"));
    assert!(mails[1].text.contains("Lý do: Cơ quan thuế đề nghị tạm dừng."), "{}", mails[1].text);
    let text = sms[1].body["message"].as_str().unwrap();
    assert!(text.contains("da bi dung xu ly. Ly do: Co quan thue de nghi tam dung."), "{text}");

    // Nothing was sent twice, and the outbox knows every notice went out.
    assert_eq!(distinct(app.mail.accepted().into_iter().map(|m| m.message_id)), 8);
    assert_eq!(outbox::count_with_status(&mut app.conn(), "sent").unwrap(), 16);
}

#[tokio::test]
async fn a_failing_mail_server_and_gateway_delay_notices_but_lose_none_and_duplicate_none() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| s.notifications.max_attempts = 10).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    app.mail.set_mode(common::peers::SmtpMode::DropMidData);
    app.sms.set_failing(true);
    let mut codes = Vec::new();
    for i in 0..3 {
        codes.push(
            intake_at_ninh_kieu(&app, &clerk, "both", &format!("an{i}@example.vn"), &format!("090000000{i}")).await,
        );
    }
    // Every notice was tried once and is waiting for its next attempt, with the error recorded.
    common::peers::wait_until("a first failed attempt at every notice", || {
        let rows = app.unsent();
        (rows.len() == 6 && rows.iter().all(|r| r.status == "pending" && r.attempts == 1)).then_some(())
    });
    assert!(app.unsent().iter().all(|r| r.last_error.is_some()));
    assert!(app.mail.faults() >= 3 && app.sms.rejected() >= 3);
    assert!(app.mail.accepted().is_empty() && app.sms.accepted().is_empty());

    // Still down, in another way: the server refuses at the greeting.
    app.mail.set_mode(common::peers::SmtpMode::RefuseGreeting);
    app.clock.advance(chrono::TimeDelta::minutes(1));
    common::peers::wait_until("a second failed attempt", || {
        app.unsent().iter().all(|r| r.status == "pending" && r.attempts == 2).then_some(())
    });
    assert!(app.mail.accepted().is_empty());

    // Back up: after the backoff every notice goes out exactly once.
    app.mail.set_mode(common::peers::SmtpMode::Accept);
    app.sms.set_failing(false);
    app.clock.advance(chrono::TimeDelta::hours(1));
    app.mail.wait_for(3);
    app.sms.wait_for(3);
    app.settle();
    std::thread::sleep(Duration::from_millis(300));
    let mut to: Vec<String> = app.mail.accepted().iter().flat_map(|m| m.rcpt.clone()).collect();
    to.sort();
    assert_eq!(to, ["an0@example.vn", "an1@example.vn", "an2@example.vn"]);
    assert_eq!(distinct(app.sms.accepted().into_iter().map(|s| s.idempotency_key)), 3);
    assert_eq!(app.sms.accepted().len(), 3);
    for code in &codes {
        assert!(rows(&app, code).iter().all(|r| r.status == "sent" && r.attempts == 3 && r.sent_at.is_some()));
    }
}

#[tokio::test]
async fn after_the_last_attempt_a_notice_is_failed_and_an_administrator_requeues_it() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| s.notifications.max_attempts = 2).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let admin = app.login("admin", PW).await;
    app.mail.set_mode(common::peers::SmtpMode::RejectRecipients);
    let code = intake_at_ninh_kieu(&app, &clerk, "email", "cuc.le@example.vn", "0955555555").await;
    common::peers::wait_until("the first attempt", || {
        app.unsent().iter().any(|r| r.attempts == 1 && r.status == "pending").then_some(())
    });
    app.clock.advance(chrono::TimeDelta::hours(1));
    common::peers::wait_until("the notice to fail", || app.unsent().iter().any(|r| r.status == "failed").then_some(()));
    app.clock.advance(chrono::TimeDelta::hours(10));
    std::thread::sleep(Duration::from_millis(300));
    let (s, failed) = app.get_with("/api/v1/admin/notifications?status=failed", &admin).await;
    assert_eq!(s, 200, "{failed}");
    let failed = failed.as_array().unwrap();
    assert_eq!(failed.len(), 1, "a failed notice is not retried on its own: {failed:?}");
    assert_eq!(failed[0]["attempts"], 2);
    assert_eq!(failed[0]["recipient"], "cu***@example.vn");
    let error = failed[0]["last_error"].as_str().unwrap();
    assert!(error.contains("451") && error.contains("<***@***>"), "{error}");
    assert!(!error.contains("cuc.le"), "the server quoted the address; it is masked before it is stored: {error}");
    assert!(app.mail.accepted().is_empty());

    app.mail.set_mode(common::peers::SmtpMode::Accept);
    let id = failed[0]["id"].as_str().unwrap();
    let (s, b) = app.post_with(&format!("/api/v1/admin/notifications/{id}/requeue"), &admin, &json!({})).await;
    assert_eq!(s, 204, "{b}");
    let mails = app.mail.wait_for(1);
    assert_eq!(mails[0].subject, format!("Hồ sơ {code} đã được tiếp nhận"));
    app.settle();
    let (s, b) = app.post_with(&format!("/api/v1/admin/notifications/{id}/requeue"), &admin, &json!({})).await;
    assert_error(s, &b, 404, "notification_not_failed");
}

#[tokio::test]
async fn workers_on_two_instances_never_send_the_same_notice_twice() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| s.notifications.batch = 2).await;
    let second = app.second_instance().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    // Both workers poll the same outbox while intake goes on through both instances.
    let mut handles = Vec::new();
    for i in 0..12 {
        let base = if i % 2 == 0 { app.address.clone() } else { second.clone() };
        let (client, clerk) = (app.client.clone(), clerk.clone());
        handles.push(tokio::spawn(async move {
            let b = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "direct", "notify_by": "both",
                           "applicant": {"name": "Lý Thị Mai", "id_number": "092190005555", "phone": format!("09111111{i:02}"),
                                         "email": format!("mai{i}@example.vn"), "address": "Ninh Kiều"}});
            let r = client.post(format!("{base}/api/v1/dossiers")).bearer_auth(clerk).json(&b).send().await.unwrap();
            assert_eq!(r.status(), 201);
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    app.mail.wait_for(12);
    app.sms.wait_for(12);
    app.settle();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(app.mail.accepted().len(), 12);
    assert_eq!(distinct(app.mail.accepted().into_iter().map(|m| m.message_id)), 12);
    assert_eq!(app.sms.accepted().len(), 12);
    assert_eq!(distinct(app.sms.accepted().into_iter().map(|s| s.idempotency_key)), 12);
    let workers: std::collections::HashSet<Option<String>> =
        outbox::with_status(&mut app.conn(), "sent", 100).unwrap().into_iter().map(|r| r.claimed_by).collect();
    assert!(!workers.contains(&None));
}

/// `motcua worker` as its own process, sending to the test's peers.
fn worker_process(app: &TestApp) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("worker")
        .current_dir(common::manifest_dir())
        .env("MOTCUA_ENV", "test")
        .env("DATABASE_URL", app.db.url())
        .env("MOTCUA__NOTIFICATIONS__POLL_INTERVAL_MS", "50")
        .env("MOTCUA__NOTIFICATIONS__LEASE_SECS", "3")
        // The portal's workers share the lease: their timeout must stay under it (checked at start).
        .env("MOTCUA__PORTAL__TIMEOUT_SECS", "2")
        .env("MOTCUA__EMAIL__TRANSPORT", "smtp")
        .env("MOTCUA__EMAIL__SMTP_HOST", "127.0.0.1")
        .env("MOTCUA__EMAIL__SMTP_PORT", app.mail.port.to_string())
        .env("MOTCUA__EMAIL__SMTP_TLS", "none")
        .env("MOTCUA__EMAIL__TIMEOUT_SECS", "2")
        .env("MOTCUA__SMS__TIMEOUT_SECS", "2")
        .env("MOTCUA__SMS__GATEWAY_URL", &app.sms.url)
        .env("MOTCUA__SMS__AUTH_HEADER", format!("Authorization: Bearer {}", common::peers::SMS_TOKEN))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("motcua worker starts")
}

fn stderr_of(child: &mut std::process::Child) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut text).unwrap();
    text
}

#[tokio::test]
async fn a_worker_killed_while_sending_loses_nothing_and_its_successor_sends_once() {
    // The app on the system clock, without a worker of its own: the worker is a separate process.
    let app = spawn_app_configured(None, |s| s.notifications.worker = false).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    app.mail.set_mode(common::peers::SmtpMode::StallAfterData);
    let codes = [
        intake_at_ninh_kieu(&app, &clerk, "email", "dung.pham@example.vn", "0966666666").await,
        intake_at_ninh_kieu(&app, &clerk, "both", "em.vo@example.vn", "0977777777").await,
    ];
    let mut worker = worker_process(&app);
    // The worker has handed over a whole message and waits for the server's answer: kill it there.
    common::peers::wait_until("the worker to be mid-send", || {
        if let Some(status) = worker.try_wait().unwrap() {
            panic!("motcua worker exited early ({status}): {}", stderr_of(&mut worker));
        }
        (app.mail.stalled() > 0).then_some(())
    });
    worker.kill().unwrap();
    worker.wait().unwrap();
    let claimed = app.unsent();
    assert_eq!(claimed.len(), 3, "{claimed:?}");
    assert!(claimed.iter().any(|r| r.status == "sending"), "the killed worker's claim is still held: {claimed:?}");
    assert!(app.mail.accepted().is_empty());

    // A new worker takes the notices over once the dead one's lease runs out.
    app.mail.set_mode(common::peers::SmtpMode::Accept);
    let mut successor = worker_process(&app);
    app.mail.wait_for(2);
    app.sms.wait_for(1);
    common::peers::wait_until("every notice recorded as sent", || app.unsent().is_empty().then_some(()));
    std::thread::sleep(Duration::from_millis(500));
    successor.kill().unwrap();
    successor.wait().unwrap();
    let mut to: Vec<String> = app.mail.accepted().iter().flat_map(|m| m.rcpt.clone()).collect();
    to.sort();
    assert_eq!(to, ["dung.pham@example.vn", "em.vo@example.vn"], "each email once");
    assert_eq!(app.sms.accepted().len(), 1, "the SMS once");
    for code in &codes {
        assert!(rows(&app, code).iter().all(|r| r.status == "sent"));
    }
}

/// The mail server of a province speaks STARTTLS or TLS and wants a password: the worker encrypts
/// (trusting the CA named in `email.smtp_ca_file`), authenticates, and only then sends.
#[tokio::test]
async fn email_goes_over_starttls_or_tls_with_credentials_and_a_wrong_password_sends_nothing() {
    use common::peers::{SmtpSecurity, SmtpServer, SMTP_PASSWORD, SMTP_USER};
    use motcua::configuration::SmtpTls;
    for (security, mode) in [(SmtpSecurity::Starttls, SmtpTls::Starttls), (SmtpSecurity::Tls, SmtpTls::Tls)] {
        let server = SmtpServer::start_with(security);
        let ca = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(ca.path(), server.ca_pem.as_deref().unwrap()).unwrap();
        let configure = |password: &str| {
            let (port, ca, password) = (server.port, ca.path().to_path_buf(), password.to_string());
            move |s: &mut motcua::configuration::Settings| {
                s.email.smtp_port = port;
                s.email.smtp_tls = mode;
                s.email.smtp_ca_file = Some(ca);
                s.email.smtp_username = Some(SMTP_USER.into());
                s.email.smtp_password = Some(password);
            }
        };

        let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), configure(SMTP_PASSWORD)).await;
        let clerk = app.login("clerk.ninhkieu", PW).await;
        let code = intake_at_ninh_kieu(&app, &clerk, "email", "giang.ho@example.vn", "0988888888").await;
        let mails = server.wait_for(1);
        assert_eq!(mails[0].subject, format!("Hồ sơ {code} đã được tiếp nhận"), "{security:?}");
        assert!(mails[0].encrypted, "{security:?}: sent only once encrypted");
        assert_eq!(mails[0].auth_user.as_deref(), Some(SMTP_USER), "{security:?}");
        assert!(app.mail.accepted().is_empty(), "nothing went to the plain test server");
        app.settle();
        drop(app);

        // The same server with a wrong password: 535, the notice waits for a retry, nothing arrives.
        let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), configure("sai-mat-khau")).await;
        let clerk = app.login("clerk.ninhkieu", PW).await;
        intake_at_ninh_kieu(&app, &clerk, "email", "giang.ho@example.vn", "0988888888").await;
        let row = common::peers::wait_until("the first attempt", || {
            app.unsent().into_iter().find(|r| r.attempts == 1 && r.status == "pending")
        });
        let error = row.last_error.unwrap_or_default();
        assert!(error.contains("535"), "{security:?}: {error}");
        assert_eq!(server.accepted().len(), 1, "{security:?}: only the first app's message");
        app.expect_unsent(1);
    }
}

/// An online dossier the counter does not receive (ND 61/2018 Điều 17: the applicant is told by
/// email/SMS why, and where to turn), and a dossier withdrawn at the counter: both arrive.
#[tokio::test]
async fn a_dossier_not_received_and_a_withdrawn_one_are_told_to_the_applicant() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |_| {}).await;
    let (citizen, clerk) = (app.login("citizen.an", PW).await, app.login("clerk.ninhkieu", PW).await);
    let online = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "online", "agency_code": "000.00.31.H12",
        "notify_by": "both", "applicant": {"name": "Nguyễn Văn An", "id_number": "092190004321", "phone": "0987654321",
        "email": "an.nguyen@example.vn", "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &citizen, &online).await;
    assert_eq!(s, 201, "{d}");
    // Never received, it never gets a code: its notice names it by the submission's reference.
    assert_eq!(d["code"], Value::Null);
    let not_received = d["reference"].as_str().unwrap().to_string();
    act(&app, &clerk, &not_received, json!({"action": "refuse", "reason": "Địa điểm kinh doanh thuộc quận Cái Răng"}))
        .await;
    let withdrawn = intake_at_ninh_kieu(&app, &clerk, "both", "binh.tran@example.vn", "0944444444").await;
    act(&app, &clerk, &withdrawn, json!({"action": "withdraw", "note": "Người nộp đề nghị rút"})).await;

    app.mail.wait_for(3);
    app.sms.wait_for(3);
    app.settle();
    let (mails, sms) = delivered(&app, &not_received);
    assert_eq!(mails.len(), 1, "nothing was received, so no receipt notice: {mails:?}");
    assert_eq!(mails[0].subject, format!("Hồ sơ {not_received} không được tiếp nhận"));
    assert!(mails[0].text.contains("Lý do: Địa điểm kinh doanh thuộc quận Cái Răng."), "{}", mails[0].text);
    assert!(mails[0].text.contains("cơ quan có thẩm quyền"), "{}", mails[0].text);
    assert_eq!(mails[0].rcpt, ["an.nguyen@example.vn"]);
    assert!(mails[0].text.contains(&format!("/tra-cuu/{not_received}")), "the lookup link works: {}", mails[0].text);
    let text = sms[0].body["message"].as_str().unwrap();
    assert!(text.is_ascii() && text.contains("khong duoc tiep nhan. Ly do: Dia diem kinh doanh"), "{text}");

    let (mails, sms) = delivered(&app, &withdrawn);
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects, [format!("Hồ sơ {withdrawn} đã được tiếp nhận"), format!("Hồ sơ {withdrawn} đã được rút")]);
    assert!(mails[1].text.contains("Nếu ông/bà không đề nghị rút hồ sơ"), "{}", mails[1].text);
    assert!(sms[1].body["message"].as_str().unwrap().contains("da duoc rut theo de nghi"), "{:?}", sms[1].body);
}
