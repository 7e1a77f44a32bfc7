//! Issue 17 item 6, feedback and complaints (phản ánh, kiến nghị), on SQLite or PostgreSQL
//! (TEST_DATABASE_URL): a citizen sends one about their dossier (signed in, or with the receipt's
//! PIN) or about an agency; it reaches the agency concerned with a deadline of 15 working days on
//! the test clock; the staff in scope see it (overdue once past the deadline) and the agency
//! concerned answers it; the citizen reads the answer; the public list shows it without the
//! dossier or anything personal, and only when the citizen consented. Bad input is a 400 that
//! stores nothing; sending is limited per account and per client address.
use serde_json::{json, Value};

use crate::common::web::{get, post_form, sign_in};
use crate::common::{assert_error, spawn_app_at, spawn_app_configured, TestApp};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days.
const BUSINESS: &str = "2.000720";
/// Monday 1 March 2027, 09:00 in Vietnam.
const MONDAY: &str = "2027-03-01T09:00:00+07:00";
/// 15 working days after Monday 1 March 2027 (no holiday in between), at the close of the day.
const DUE_FROM_MONDAY: &str = "2027-03-22T17:30:00+07:00";
const APPLICANT: &str = "Nguyễn Văn Cảnh";
const PHONE: &str = "0911222333";
const ID_NUMBER: &str = "092190007777";
const CONTACT: &str = "canh.nguyen@example.vn";
const CONTENT: &str = "Hồ sơ của tôi chờ tiếp nhận đã lâu mà chưa có ai liên hệ.";
const ANSWER: &str = "Bộ phận Một cửa đã tiếp nhận hồ sơ và sẽ trả kết quả đúng hẹn.";

fn applicant() -> Value {
    json!({"name": APPLICANT, "id_number": ID_NUMBER, "phone": PHONE, "address": "Ninh Kiều"})
}

/// A dossier received at the Ninh Kiều counter: its code and PIN.
async fn intake(app: &TestApp) -> (String, String) {
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let body = json!({"procedure_code": BUSINESS, "channel": "direct", "applicant": applicant()});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    (d["code"].as_str().unwrap().to_string(), d["pin"].as_str().unwrap().to_string())
}

/// An online submission by `citizen` at Ninh Kiều: its reference.
async fn submit_online(app: &TestApp, citizen: &str) -> String {
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
        "applicant": applicant(), "notify_by": "none"});
    let (s, d) = app.post_with("/api/v1/dossiers", citizen, &body).await;
    assert_eq!(s, 201, "{d}");
    d["reference"].as_str().unwrap().to_string()
}

async fn send(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    match token {
        Some(t) => app.post_with("/api/v1/feedback", t, body).await,
        None => app.post_json("/api/v1/feedback", body).await,
    }
}

fn items(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_else(|| panic!("a list: {v}"))
}

#[tokio::test]
async fn a_feedback_round_trip_reaches_the_staff_in_scope_is_answered_and_published_only_with_consent() {
    let app = spawn_app_at(MONDAY).await;
    let citizen = app.login("citizen.an", PW).await;
    let reference = submit_online(&app, &citizen).await;

    // About the citizen's own dossier (signed in: no PIN), consenting to publication.
    let (s, about_dossier) = send(
        &app,
        Some(&citizen),
        &json!({"kind": "report", "content": format!("{CONTENT} Số điện thoại: {PHONE}, CCCD {ID_NUMBER}."),
                "dossier_code": reference, "contact": CONTACT, "publish_consent": true}),
    )
    .await;
    assert_eq!(s, 201, "{about_dossier}");
    assert_eq!(about_dossier["agency_code"], NINH_KIEU, "routed to the agency holding the dossier");
    assert_eq!(about_dossier["due_at"], DUE_FROM_MONDAY, "15 working days, at the close of the day");
    assert_eq!((about_dossier["status"].as_str(), about_dossier["overdue"].as_bool()), (Some("received"), Some(false)));
    // About an agency, without consent.
    let private = "Đề nghị bố trí thêm ghế chờ tại Bộ phận Một cửa của quận.";
    let (s, about_agency) =
        send(&app, Some(&citizen), &json!({"kind": "recommendation", "content": private, "agency_code": NINH_KIEU}))
            .await;
    assert_eq!(s, 201, "{about_agency}");
    assert_eq!(about_agency["publish_consent"], false);
    let (first, second) = (about_dossier["id"].as_str().unwrap(), about_agency["id"].as_str().unwrap());

    // The agency concerned sees both, with their deadlines and the contact to answer.
    let specialist = app.login("specialist.ninhkieu", PW).await;
    let (s, list) = app.get_with("/api/v1/feedback", &specialist).await;
    assert_eq!(s, 200, "{list}");
    let list = items(&list);
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(list.iter().all(|f| f["due_at"] == DUE_FROM_MONDAY && f["overdue"] == false), "{list:?}");
    assert!(list.iter().any(|f| f["contact"] == CONTACT && f["dossier_code"] == reference.as_str()));

    // Another agency's staff neither see nor answer them; the city's leader sees them (its
    // subtree) but only the agency concerned answers.
    let other = app.login("specialist.stp", PW).await;
    let (s, list) = app.get_with("/api/v1/feedback", &other).await;
    assert_eq!((s, items(&list).len()), (200, 0), "{list}");
    let (s, b) = app.post_with(&format!("/api/v1/feedback/{first}/answer"), &other, &json!({"answer": ANSWER})).await;
    assert_error(s, &b, 404, "feedback_not_found");
    let city = app.login("leader.tp", PW).await;
    let (s, list) = app.get_with("/api/v1/feedback", &city).await;
    assert_eq!((s, items(&list).len()), (200, 2), "{list}");
    let (s, b) = app.post_with(&format!("/api/v1/feedback/{first}/answer"), &city, &json!({"answer": ANSWER})).await;
    assert_error(s, &b, 403, "feedback_not_concerned");
    // A citizen cannot answer.
    let (s, b) = app.post_with(&format!("/api/v1/feedback/{first}/answer"), &citizen, &json!({"answer": ANSWER})).await;
    assert_eq!(s, 403, "{b}");

    // Past the deadline: overdue.
    app.set_time("2027-03-23T09:00:00+07:00");
    let (_, list) = app.get_with("/api/v1/feedback", &specialist).await;
    assert!(items(&list).iter().all(|f| f["overdue"] == true), "{list}");

    // The agency answers (once).
    let (s, answered) =
        app.post_with(&format!("/api/v1/feedback/{first}/answer"), &specialist, &json!({"answer": ANSWER})).await;
    assert_eq!(s, 200, "{answered}");
    assert_eq!((answered["status"].as_str(), answered["answer"].as_str()), (Some("answered"), Some(ANSWER)));
    assert_eq!((answered["overdue"].as_bool(), answered["published"].as_bool()), (Some(false), Some(true)));
    let (s, b) =
        app.post_with(&format!("/api/v1/feedback/{first}/answer"), &specialist, &json!({"answer": "Lần hai"})).await;
    assert_error(s, &b, 409, "feedback_already_answered");
    let leader = app.login("leader.ninhkieu", PW).await;
    let (s, b) = app
        .post_with(&format!("/api/v1/feedback/{second}/answer"), &leader, &json!({"answer": "Đã bố trí thêm ghế."}))
        .await;
    assert_eq!(s, 200, "{b}");

    // The citizen reads the answers.
    let (s, mine) = app.get_with("/api/v1/feedback", &citizen).await;
    assert_eq!(s, 200, "{mine}");
    let mine = items(&mine);
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().any(|f| f["id"] == first && f["answer"] == ANSWER), "{mine:?}");
    let page = get(&app, "/phan-anh-kien-nghi/cua-toi", Some(&sign_in(&app, "citizen.an", PW).await)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(ANSWER) && page.body.contains("Đã bố trí thêm ghế."), "{}", page.body);

    // Published: the consented one only, without the dossier, the account or the contact.
    let (s, published) = app.get("/api/v1/feedback/published").await;
    assert_eq!(s, 200, "{published}");
    let published_list = items(&published);
    assert_eq!(published_list.len(), 1, "only with consent: {published}");
    // Written into the question anyway, the phone and the ID number are hidden when published.
    assert_eq!(published_list[0]["content"], format!("{CONTENT} Số điện thoại: [đã ẩn], CCCD [đã ẩn]."));
    assert_eq!(published_list[0]["answer"], ANSWER);
    assert!(published_list[0]["agency_name"].as_str().unwrap().contains("Ninh Kiều"), "{published}");
    let text = published.to_string();
    for personal in [reference.as_str(), CONTACT, APPLICANT, PHONE, ID_NUMBER, "citizen.an", first, private] {
        assert!(!text.contains(personal), "{personal} is published: {text}");
    }
    let page = get(&app, "/phan-anh-kien-nghi", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(ANSWER), "{}", page.body);
    for personal in [reference.as_str(), CONTACT, APPLICANT, PHONE, first, private] {
        assert!(!page.body.contains(personal), "{personal} is on the public page");
    }

    // The leaders' dashboard counts them: two received, two answered, both late.
    let cookie = sign_in(&app, "leader.ninhkieu", PW).await;
    let page = get(&app, "/lanh-dao?from=2027-03-01&to=2027-03-31", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<li data-col=\"received\">Tiếp nhận: <strong>2</strong></li>"), "{}", page.body);
    assert!(page.body.contains("<li data-col=\"answered_late\">Trả lời quá hạn: <strong>2</strong></li>"));
}

/// The answer is told to the submitter at the contact they left, through the outbox and once: by
/// e-mail to an address (the SMTP peer receives it), by SMS to a phone number; a contact in words
/// cannot be sent to, and the answer waits on the citizen's list.
#[tokio::test]
async fn the_answer_reaches_the_submitter_at_the_contact_they_left() {
    let app = spawn_app_at(MONDAY).await;
    let citizen = app.login("citizen.an", PW).await;
    let specialist = app.login("specialist.ninhkieu", PW).await;
    let mut ids = vec![];
    for contact in [CONTACT, "0911 222 333", "gọi giờ hành chính"] {
        let body = json!({"kind": "recommendation", "content": CONTENT, "agency_code": NINH_KIEU,
            "contact": contact, "publish_consent": false});
        let (s, f) = send(&app, Some(&citizen), &body).await;
        assert_eq!(s, 201, "{f}");
        ids.push(f["id"].as_str().unwrap().to_string());
    }
    assert!(app.unsent().iter().all(|n| n.feedback_id.is_none()), "nothing is told before the answer");
    for id in &ids {
        let path = format!("/api/v1/feedback/{id}/answer");
        let (s, b) = app.post_with(&path, &specialist, &json!({"answer": ANSWER})).await;
        assert_eq!(s, 200, "{b}");
    }
    let mail = app.mail.wait_for(1);
    assert_eq!(mail[0].rcpt, [CONTACT]);
    assert_eq!(mail[0].subject, "Trả lời phản ánh, kiến nghị ngày 01/03/2027");
    assert!(mail[0].text.contains("Quận Ninh Kiều đã trả lời") && mail[0].text.contains(ANSWER), "{}", mail[0].text);
    let sms = app.sms.wait_for(1);
    assert_eq!(sms[0].body["to"], "0911222333", "{:?}", sms[0].body);
    assert!(sms[0].body.to_string().contains(ANSWER), "{:?}", sms[0].body);
    app.settle();
    assert_eq!((app.mail.accepted().len(), app.sms.accepted().len()), (1, 1), "told once, the third not at all");

    // The notices are about the feedback, not a dossier; the third has none.
    use diesel::prelude::*;
    use motcua::storage::schema::notifications as n;
    let told: Vec<(Option<String>, Option<String>, String)> = n::table
        .filter(n::kind.eq("feedback_answered"))
        .select((n::feedback_id, n::dossier_id, n::status))
        .order(n::created_at.asc())
        .load(&mut app.conn())
        .unwrap();
    let sent = |i: usize| (Some(ids[i].clone()), None, "sent".to_string());
    assert_eq!(told, [sent(0), sent(1)]);
}

#[tokio::test]
async fn with_the_pin_anyone_sends_and_reads_feedback_about_the_dossier_and_a_wrong_pin_is_refused() {
    let app = spawn_app_at(MONDAY).await;
    let (code, pin) = intake(&app).await;
    let body = |pin: &str| json!({"kind": "report", "content": CONTENT, "dossier_code": code, "pin": pin});
    let (s, b) = send(&app, None, &body("000000")).await;
    assert_error(s, &b, 403, "proof_required");
    let (s, b) = send(&app, None, &json!({"kind": "report", "content": CONTENT, "dossier_code": code})).await;
    assert_error(s, &b, 403, "proof_required");
    // About an agency, only signed in.
    let (s, b) = send(&app, None, &json!({"kind": "report", "content": CONTENT, "agency_code": NINH_KIEU})).await;
    assert_error(s, &b, 403, "proof_required");
    let specialist = app.login("specialist.ninhkieu", PW).await;
    let (_, list) = app.get_with("/api/v1/feedback", &specialist).await;
    assert_eq!(items(&list).len(), 0, "nothing stored: {list}");

    let (s, sent) = send(&app, None, &body(&pin)).await;
    assert_eq!(s, 201, "{sent}");
    assert_eq!((sent["agency_code"].as_str(), sent["dossier_code"].as_str()), (Some(NINH_KIEU), Some(code.as_str())));
    // Staff may not send feedback.
    let (s, b) = send(&app, Some(&specialist), &body(&pin)).await;
    assert_error(s, &b, 403, "role_not_allowed");

    // Read back with the PIN (and not without it).
    let (s, b) = app.post_json("/api/v1/feedback/of-dossier", &json!({"dossier_code": code, "pin": "000000"})).await;
    assert_error(s, &b, 403, "proof_required");
    let id = sent["id"].as_str().unwrap();
    let (s, _) = app.post_with(&format!("/api/v1/feedback/{id}/answer"), &specialist, &json!({"answer": ANSWER})).await;
    assert_eq!(s, 200);
    let (s, list) = app.post_json("/api/v1/feedback/of-dossier", &json!({"dossier_code": code, "pin": pin})).await;
    assert_eq!(s, 200, "{list}");
    let list = items(&list);
    assert_eq!((list.len(), list[0]["answer"].as_str()), (1, Some(ANSWER)), "{list:?}");
    // Not consented: not published.
    let (_, published) = app.get("/api/v1/feedback/published").await;
    assert_eq!(items(&published).len(), 0, "{published}");
}

#[tokio::test]
async fn sending_is_limited_per_account_and_per_client_address() {
    let app = spawn_app_configured(Some(MONDAY), |s| {
        s.throttle.feedback_per_account = 2;
        s.throttle.feedback_per_client = 3;
    })
    .await;
    let body = json!({"kind": "recommendation", "content": CONTENT, "agency_code": NINH_KIEU});
    let an = app.login("citizen.an", PW).await;
    for _ in 0..2 {
        let (s, b) = send(&app, Some(&an), &body).await;
        assert_eq!(s, 201, "{b}");
    }
    let r = app.client.post(app.url("/api/v1/feedback")).bearer_auth(&an).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().get("retry-after").is_some(), "Retry-After is given");
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"], "too_many_feedback", "{b}");
    // Another account from the same address: one more, then the address's limit.
    let binh = app.login("citizen.binh", PW).await;
    let (s, b) = send(&app, Some(&binh), &body).await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = send(&app, Some(&binh), &body).await;
    assert_error(s, &b, 429, "too_many_feedback");
    let specialist = app.login("specialist.ninhkieu", PW).await;
    let (_, list) = app.get_with("/api/v1/feedback", &specialist).await;
    assert_eq!(items(&list).len(), 3, "the refused ones are not stored: {list}");
    // A day later the account may send again.
    app.set_time("2027-03-02T09:30:00+07:00");
    let (s, b) = send(&app, Some(&an), &body).await;
    assert_eq!(s, 201, "{b}");
}

#[tokio::test]
async fn bad_input_answers_400_and_stores_nothing() {
    let app = spawn_app_at(MONDAY).await;
    let citizen = app.login("citizen.an", PW).await;
    let ok = json!({"kind": "report", "content": CONTENT, "agency_code": NINH_KIEU});
    let with = |key: &str, value: Value| {
        let mut b = ok.clone();
        b[key] = value;
        b
    };
    for (body, code) in [
        (with("content", json!("   ")), "invalid_feedback_text"),
        (with("content", json!("ngắn")), "invalid_feedback_text"),
        (with("content", json!("a".repeat(2001))), "invalid_feedback_text"),
        (with("content", json!("Nội dung\u{0} có ký tự NUL ở giữa")), "invalid_text"),
        (with("content", json!("Nội dung có ký tự\u{1b} điều khiển")), "invalid_text"),
        (with("contact", json!("a@b.vn\nBcc: x@y.vn")), "invalid_text"),
        (with("contact", json!("x".repeat(201))), "invalid_feedback_text"),
        (with("agency_code", json!("000.00.31.H12\t")), "invalid_text"),
        (with("kind", json!("report\u{7}")), "invalid_text"),
        (with("pin", json!("12\n34")), "invalid_text"),
        (with("kind", json!("complaint")), "invalid_feedback_kind"),
        (json!({"kind": "report", "content": CONTENT}), "feedback_subject_required"),
    ] {
        let (s, b) = send(&app, Some(&citizen), &body).await;
        assert_error(s, &b, 400, code);
    }
    let (s, b) = send(&app, Some(&citizen), &with("agency_code", json!("000.99.99.H12"))).await;
    assert_eq!(s, 404, "{b}");
    // The page refuses a control character too.
    let cookie = sign_in(&app, "citizen.an", PW).await;
    let p = post_form(
        &app,
        "/phan-anh-kien-nghi/gui",
        Some(&cookie),
        &[("kind", "report"), ("agency_code", NINH_KIEU), ("content", "Nội dung\u{0} dài đủ mười ký tự")],
    )
    .await;
    assert_eq!(p.status, 400, "{}", p.body);
    let p = post_form(
        &app,
        "/phan-anh-kien-nghi/gui",
        Some(&cookie),
        &[("kind", "report"), ("agency_code", NINH_KIEU), ("content", "ngắn")],
    )
    .await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("role=\"alert\"") && p.body.contains("aria-invalid=\"true\""), "{}", p.body);

    let specialist = app.login("specialist.ninhkieu", PW).await;
    let (_, list) = app.get_with("/api/v1/feedback", &specialist).await;
    assert_eq!(items(&list).len(), 0, "nothing stored: {list}");

    // Line breaks are fine in the content; an answer is refused empty or with a control character.
    let (s, sent) = send(&app, Some(&citizen), &with("content", json!("Dòng một của nội dung.\n\tDòng hai."))).await;
    assert_eq!(s, 201, "{sent}");
    let id = sent["id"].as_str().unwrap();
    let (s, b) = app.post_with(&format!("/api/v1/feedback/{id}/answer"), &specialist, &json!({"answer": " "})).await;
    assert_error(s, &b, 400, "invalid_feedback_text");
    let (s, b) =
        app.post_with(&format!("/api/v1/feedback/{id}/answer"), &specialist, &json!({"answer": "Trả\u{0}lời"})).await;
    assert_error(s, &b, 400, "invalid_text");
    let (_, list) = app.get_with("/api/v1/feedback", &specialist).await;
    assert_eq!(items(&list)[0]["status"], "received", "not answered: {list}");
}

#[tokio::test]
async fn the_deadline_skips_the_holidays_on_the_test_clock() {
    // Thursday 8 April 2027: Hùng Kings' day (16/4), 30/4 and the day off for 1/5 (3/5) fall within.
    let app = spawn_app_at("2027-04-08T09:00:00+07:00").await;
    let citizen = app.login("citizen.an", PW).await;
    let (s, b) =
        send(&app, Some(&citizen), &json!({"kind": "report", "content": CONTENT, "agency_code": NINH_KIEU})).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["due_at"], "2027-05-04T17:30:00+07:00", "not 29/4, as without the holidays: {b}");
}

#[tokio::test]
async fn the_pages_send_list_and_answer_feedback() {
    let app = spawn_app_at(MONDAY).await;
    let (code, pin) = intake(&app).await;
    let form = get(&app, &format!("/phan-anh-kien-nghi/gui?ho_so={code}"), None).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&format!("value=\"{code}\"")), "the dossier is filled in");
    let sent = post_form(
        &app,
        "/phan-anh-kien-nghi/gui",
        None,
        &[("kind", "report"), ("dossier_code", &code), ("pin", &pin), ("content", CONTENT), ("publish_consent", "1")],
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert!(sent.body.contains("22/03/2027"), "the deadline is shown: {}", sent.body);

    let cookie = sign_in(&app, "specialist.ninhkieu", PW).await;
    let page = get(&app, "/can-bo/phan-anh-kien-nghi", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(CONTENT) && page.body.contains("Gửi trả lời"), "{}", page.body);
    let specialist = app.login("specialist.ninhkieu", PW).await;
    let (_, list) = app.get_with("/api/v1/feedback", &specialist).await;
    let id = items(&list)[0]["id"].as_str().unwrap().to_string();
    // Without a session, the sign-in leads back to the list.
    let p = post_form(&app, &format!("/can-bo/phan-anh-kien-nghi/{id}/tra-loi"), None, &[("answer", ANSWER)]).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/dang-nhap?next=/can-bo/phan-anh-kien-nghi"), "{}", p.body);
    let p = post_form(&app, &format!("/can-bo/phan-anh-kien-nghi/{id}/tra-loi"), Some(&cookie), &[("answer", ANSWER)])
        .await;
    assert_eq!((p.status, p.location.as_str()), (303, "/can-bo/phan-anh-kien-nghi?da_tra_loi=1"), "{}", p.body);
    let p = post_form(&app, &format!("/can-bo/phan-anh-kien-nghi/{id}/tra-loi"), Some(&cookie), &[("answer", ANSWER)])
        .await;
    assert_eq!(p.status, 409, "answered once: {}", p.body);
    let page = get(&app, "/phan-anh-kien-nghi", None).await;
    assert!(page.body.contains(ANSWER) && !page.body.contains(&code), "{}", page.body);

    // The applicant reads the answer with the code and PIN; a wrong PIN shows the form's error.
    let p = post_form(&app, "/phan-anh-kien-nghi/ho-so", None, &[("dossier_code", &code), ("pin", "000000")]).await;
    assert_eq!(p.status, 403, "{}", p.body);
    assert!(!p.body.contains(ANSWER) && p.body.contains("aria-invalid=\"true\""), "{}", p.body);
    let p = post_form(&app, "/phan-anh-kien-nghi/ho-so", None, &[("dossier_code", &code), ("pin", &pin)]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains(ANSWER) && p.body.contains(CONTENT), "{}", p.body);
}

/// Asserts a request's statements (at most `budget`) and its one check-out, and prints them.
fn within(app: &TestApp, label: &str, budget: u64, (statements, trips): (u64, u64)) {
    eprintln!("feedback {label} ({}): {statements} statements, {trips} check-outs", app.db.backend());
    assert!(statements <= budget, "{label}: {statements} statements, budget {budget}");
    assert_eq!(trips, 1, "{label}: one check-out");
}

/// The statements each feedback request sends (by the pool's instrumentation, the delivery worker
/// off), all on one check-out, as measured on both databases: sending signed in 9 (the account, the
/// agency, the calendar, then one transaction: the throttle's prune, record and count, the insert),
/// with the PIN 13 (the dossier and the proof's throttle before), the staff list 2, an answer 6, a
/// dossier's feedback with the PIN 6, the published list 1.
#[tokio::test]
async fn each_feedback_request_sends_few_statements_on_one_check_out() {
    use motcua::storage::connection::{checkouts, statements_sent};
    let app = spawn_app_configured(Some(MONDAY), |s| s.notifications.worker = false).await;
    let url = app.db.url().to_string();
    let citizen = app.login("citizen.an", PW).await;
    let specialist = app.login("specialist.ninhkieu", PW).await;
    let (code, pin) = intake(&app).await;
    // The worker is off: the receipt's notices stay queued.
    app.expect_unsent(app.unsent().len());
    let count = |url: &str| (statements_sent(url), checkouts(url));
    let diff = |(s0, c0): (u64, u64), (s1, c1): (u64, u64)| (s1 - s0, c1 - c0);

    let before = count(&url);
    let (s, sent) = send(
        &app,
        Some(&citizen),
        &json!({"kind": "report", "content": CONTENT, "agency_code": NINH_KIEU,
        "publish_consent": true}),
    )
    .await;
    assert_eq!(s, 201, "{sent}");
    within(&app, "send, signed in", 9, diff(before, count(&url)));

    let before = count(&url);
    let (s, b) =
        send(&app, None, &json!({"kind": "report", "content": CONTENT, "dossier_code": code, "pin": pin})).await;
    assert_eq!(s, 201, "{b}");
    within(&app, "send with the PIN", 13, diff(before, count(&url)));

    let before = count(&url);
    let (s, list) = app.get_with("/api/v1/feedback", &specialist).await;
    assert_eq!((s, items(&list).len()), (200, 2));
    within(&app, "staff list", 2, diff(before, count(&url)));

    let id = sent["id"].as_str().unwrap();
    let before = count(&url);
    let (s, b) = app.post_with(&format!("/api/v1/feedback/{id}/answer"), &specialist, &json!({"answer": ANSWER})).await;
    assert_eq!(s, 200, "{b}");
    within(&app, "answer", 6, diff(before, count(&url)));

    let before = count(&url);
    let (s, b) = app.post_json("/api/v1/feedback/of-dossier", &json!({"dossier_code": code, "pin": pin})).await;
    assert_eq!(s, 200, "{b}");
    within(&app, "of a dossier with the PIN", 6, diff(before, count(&url)));

    let before = count(&url);
    let (s, b) = app.get("/api/v1/feedback/published").await;
    assert_eq!((s, items(&b).len()), (200, 1));
    within(&app, "published", 1, diff(before, count(&url)));
}

#[tokio::test]
async fn feedback_about_a_unit_that_ended_goes_to_the_unit_holding_its_work() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let (s, b) = app
        .post_with(
            "/api/v1/admin/agencies/000.02.31.H12/close",
            &admin,
            &json!({"successor": "000.01.31.H12", "effective_on": "2027-03-01", "act": "Nghị quyết thử nghiệm"}),
        )
        .await;
    assert_eq!((s, b["ended_units"].as_i64()), (201, Some(1)), "{b}");
    let citizen = app.login("citizen.an", PW).await;
    let (s, b) =
        send(&app, Some(&citizen), &json!({"kind": "report", "content": CONTENT, "agency_code": "000.02.31.H12"}))
            .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["agency_code"], "000.01.31.H12", "{b}");
}
