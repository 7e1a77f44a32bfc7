//! The administrators' area: pages under `/quan-tri` and the API under `/api/v1/admin`
//! (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::web::{browser, post_form, sign_in, Page};
use common::{assert_error, spawn_app_at, spawn_app_configured, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days, online level 4.
const HOUSEHOLD_BUSINESS: &str = "2.000720";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2026-11-23T09:00:00+07:00";

async fn get(app: &TestApp, path: &str, cookie: &str) -> Page {
    common::web::get(app, path, Some(cookie)).await
}

async fn put_with(app: &TestApp, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new().put(app.url(path)).bearer_auth(token).json(body).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn delete_with(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let r = reqwest::Client::new().delete(app.url(path)).bearer_auth(token).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn intake_at_ninh_kieu(app: &TestApp, clerk: &str, email: &str) -> Value {
    let b = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "direct", "notify_by": "email",
                   "applicant": {"name": "Trần Văn Bình", "id_number": "092190004444", "phone": "0955555555",
                                 "email": email, "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", clerk, &b).await;
    assert_eq!(s, 201, "{d}");
    d
}

#[tokio::test]
async fn a_failed_notice_is_listed_masked_on_the_page_and_sent_again_with_its_button() {
    let app = spawn_app_configured(Some("2027-03-01T09:00:00+07:00"), |s| s.notifications.max_attempts = 1).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    app.mail.set_mode(common::peers::SmtpMode::RejectRecipients);
    intake_at_ninh_kieu(&app, &clerk, "cuc.le@example.vn").await;
    common::peers::wait_until("the notice to fail", || app.unsent().iter().any(|r| r.status == "failed").then_some(()));

    let admin = sign_in(&app, "admin", PW).await;
    let p = get(&app, "/quan-tri/thong-bao", &admin).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("cu***@example.vn"), "{}", p.body);
    assert!(!p.body.contains("cuc.le@example.vn"), "the recipient is masked");
    assert!(p.body.contains("Đã tiếp nhận hồ sơ") && p.body.contains("Thư điện tử") && p.body.contains("451"));
    assert!(p.body.contains(r#"href="/quan-tri""#) && p.body.contains("Quản trị"), "the nav links the admin area");
    let id = app.unsent()[0].id.clone();
    let action = format!("/quan-tri/thong-bao/{id}/gui-lai");
    assert!(p.body.contains(&action), "a re-queue button per failed notice");

    // Another status is selectable; a wrong one is a 400 page.
    let p = get(&app, "/quan-tri/thong-bao?trang_thai=sent", &admin).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains("Không có thông báo nào"), "{}", p.body);
    assert_eq!(get(&app, "/quan-tri/thong-bao?trang_thai=lost", &admin).await.status, 400);

    // Not an administrator: 403; a cross-site post: 403 and nothing changes.
    let clerk_cookie = sign_in(&app, "clerk.ninhkieu", PW).await;
    assert_eq!(get(&app, "/quan-tri/thong-bao", &clerk_cookie).await.status, 403);
    let r = browser()
        .post(app.url(&action))
        .header("cookie", &admin)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.unsent()[0].status, "failed");

    app.mail.set_mode(common::peers::SmtpMode::Accept);
    let p = post_form(&app, &action, Some(&admin), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(p.location.starts_with("/quan-tri/thong-bao"), "{}", p.location);
    app.mail.wait_for(1);
    app.settle();
    // Sent now: a second press shows the message on the page, with a 404.
    let p = post_form(&app, &action, Some(&admin), &[]).await;
    assert_eq!(p.status, 404);
    assert!(p.body.contains("Không có thông báo gửi không thành công"), "{}", p.body);
}

#[tokio::test]
async fn an_administrator_creates_accounts_that_sign_in_and_bad_input_writes_nothing() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;

    let new_clerk = json!({"username": "clerk.moi", "password": "mat-khau-1", "full_name": "Lê Văn Mới",
                           "role": "clerk", "agency_code": "000.00.31.H12"});
    let (s, b) = app.post_with("/api/v1/admin/users", &clerk, &new_clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.get_with("/api/v1/admin/users", &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");

    let (s, b) = app.post_with("/api/v1/admin/users", &admin, &new_clerk).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!((b["username"].as_str(), b["role"].as_str()), (Some("clerk.moi"), Some("clerk")));
    assert!(b.get("password_hash").is_none() && b["disabled_at"].is_null());
    let token = app.login("clerk.moi", "mat-khau-1").await;
    let (s, me) = app.get_with("/api/v1/auth/me", &token).await;
    assert_eq!(s, 200, "{me}");
    let citizen = json!({"username": "citizen.moi", "password": "mat-khau-2", "full_name": "Phạm Thị Dân",
                         "role": "citizen"});
    let (s, b) = app.post_with("/api/v1/admin/users", &admin, &citizen).await;
    assert_eq!(s, 201, "{b}");
    app.login("citizen.moi", "mat-khau-2").await;

    let with = |k: &str, v: Value| {
        let mut b = new_clerk.clone();
        b["username"] = json!("clerk.khac");
        b[k] = v;
        b
    };
    for (body, status, code) in [
        (new_clerk.clone(), 409, "username_taken"),
        (with("username", json!("Clerk Khác")), 400, "invalid_username"),
        (with("password", json!("ngan")), 400, "password_too_short"),
        (with("role", json!("root")), 400, "invalid_role"),
        (with("agency_code", json!("000.00.99.H12")), 400, "unknown_agency"),
        (with("agency_code", json!("nowhere")), 400, "invalid_agency_code"),
        (with("agency_code", Value::Null), 400, "staff_agency_required"),
        (with("full_name", json!("  ")), 400, "invalid_full_name"),
        (
            json!({"username": "citizen.khac", "password": "mat-khau-2", "full_name": "Dân", "role": "citizen",
                "agency_code": "000.00.31.H12"}),
            400,
            "agency_not_allowed",
        ),
    ] {
        let (s, b) = app.post_with("/api/v1/admin/users", &admin, &body).await;
        assert_error(s, &b, status, code);
    }
    let (s, list) = app.get_with("/api/v1/admin/users?agency=000.00.31.H12&role=clerk", &admin).await;
    assert_eq!(s, 200, "{list}");
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["clerk.moi", "clerk.ninhkieu"], "nothing half-written by the refused requests");
    let (s, b) = app.get_with("/api/v1/admin/users?role=root", &admin).await;
    assert_error(s, &b, 400, "invalid_role");
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_token_stops_working_until_enabled() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let cookie = sign_in(&app, "clerk.ninhkieu", PW).await;
    assert_eq!(app.get_with("/api/v1/dossiers", &clerk).await.0, 200);

    let (s, b) = app.post_with("/api/v1/admin/users/clerk.ninhkieu/disable", &clerk, &json!({})).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.post_with("/api/v1/admin/users/admin/disable", &admin, &json!({})).await;
    assert_error(s, &b, 409, "cannot_disable_self");
    let (s, b) = app.post_with("/api/v1/admin/users/nobody.here/disable", &admin, &json!({})).await;
    assert_error(s, &b, 404, "user_not_found");

    let (s, b) = app.post_with("/api/v1/admin/users/clerk.ninhkieu/disable", &admin, &json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["disabled_at"].as_str().unwrap().starts_with("2026-11-23T"), "{b}");
    // Same answer as a wrong password.
    let (s, b) = app.post_json("/api/v1/auth/login", &json!({"username": "clerk.ninhkieu", "password": PW})).await;
    assert_error(s, &b, 401, "invalid_credentials");
    let (s, b) = app.get_with("/api/v1/dossiers", &clerk).await;
    assert_error(s, &b, 401, "invalid_token");
    let p = get(&app, "/can-bo", &cookie).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/dang-nhap?next=/can-bo"));

    let (s, b) = app.post_with("/api/v1/admin/users/clerk.ninhkieu/enable", &admin, &json!({})).await;
    assert_eq!(s, 200, "{b}");
    assert!(b["disabled_at"].is_null());
    assert_eq!(app.get_with("/api/v1/dossiers", &clerk).await.0, 200, "the old token works again");
    app.login("clerk.ninhkieu", PW).await;
}

#[tokio::test]
async fn the_accounts_page_creates_disables_and_keeps_values_on_error() {
    let app = spawn_app_at(MONDAY).await;
    let admin = sign_in(&app, "admin", PW).await;
    let p = get(&app, "/quan-tri/nguoi-dung?co_quan=000.00.31.H12", &admin).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("clerk.ninhkieu") && !p.body.contains("clerk.stnmt"), "filtered by agency");
    assert!(p.body.contains(r#"<label for="username">"#) && p.body.contains(r#"<th scope="col">"#));

    // A short password: 400, the form again with the values typed (never the password).
    let form = [
        ("username", "specialist.moi"),
        ("full_name", "Võ Thị Chuyên"),
        ("role", "specialist"),
        ("agency_code", "000.00.05.H12"),
        ("password", "ngan"),
    ];
    let p = post_form(&app, "/quan-tri/nguoi-dung", Some(&admin), &form).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("Mật khẩu phải có ít nhất 8 ký tự"), "{}", p.body);
    assert!(p.body.contains(r#"value="specialist.moi""#) && p.body.contains(r#"value="Võ Thị Chuyên""#));
    assert!(p.body.contains(r#"<option value="000.00.05.H12" selected>"#));
    assert!(p.body.contains(r#"name="password" aria-invalid="true""#), "{}", p.body);

    let mut form = form;
    form[4].1 = "mat-khau-dai";
    let p = post_form(&app, "/quan-tri/nguoi-dung", Some(&admin), &form).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/quan-tri/nguoi-dung?da_tao=specialist.moi"), "{}", p.body);
    app.login("specialist.moi", "mat-khau-dai").await;

    let p = post_form(&app, "/quan-tri/nguoi-dung/specialist.moi/khoa", Some(&admin), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = get(&app, &p.location, &admin).await;
    assert!(p.body.contains("Đã khóa tài khoản specialist.moi") && p.body.contains("Mở khóa"), "{}", p.body);
    let (s, b) =
        app.post_json("/api/v1/auth/login", &json!({"username": "specialist.moi", "password": "mat-khau-dai"})).await;
    assert_error(s, &b, 401, "invalid_credentials");
    let p = post_form(&app, "/quan-tri/nguoi-dung/admin/khoa", Some(&admin), &[]).await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("không thể tự khóa"), "{}", p.body);
    let p = post_form(&app, "/quan-tri/nguoi-dung/specialist.moi/mo-khoa", Some(&admin), &[]).await;
    assert_eq!(p.status, 303);
    app.login("specialist.moi", "mat-khau-dai").await;

    let leader = sign_in(&app, "leader.tp", PW).await;
    assert_eq!(get(&app, "/quan-tri/nguoi-dung", &leader).await.status, 403);
    assert_eq!(post_form(&app, "/quan-tri/nguoi-dung", Some(&leader), &form).await.status, 403);
}

#[tokio::test]
async fn a_holiday_added_by_an_administrator_moves_the_due_date_of_a_new_dossier() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    // 3 working days from Monday 23/11/2026: Thursday 26/11 at the close.
    let before = intake_at_ninh_kieu(&app, &clerk, "binh@example.vn").await;
    assert_eq!(before["due_at"], "2026-11-26T17:30:00+07:00", "{before}");

    let (s, b) =
        put_with(&app, "/api/v1/admin/calendar/2026-11-25", &clerk, &json!({"kind": "holiday", "name": "x"})).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = put_with(
        &app,
        "/api/v1/admin/calendar/2026-11-25",
        &admin,
        &json!({"kind": "holiday", "name": "Nghỉ bù theo quyết định của tỉnh"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b, json!({"day": "2026-11-25", "kind": "holiday", "name": "Nghỉ bù theo quyết định của tỉnh"}));
    let after = intake_at_ninh_kieu(&app, &clerk, "binh@example.vn").await;
    assert_eq!(after["due_at"], "2026-11-27T17:30:00+07:00", "the holiday is skipped: {after}");
    // The dossier received before keeps its date.
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{}", before["code"].as_str().unwrap()), &clerk).await;
    assert_eq!(d["due_at"], "2026-11-26T17:30:00+07:00");

    // A compensatory Saturday brings it back a day; replacing the entry answers 200.
    let (s, b) =
        put_with(&app, "/api/v1/admin/calendar/2026-11-28", &admin, &json!({"kind": "working_day", "name": "Làm bù"}))
            .await;
    assert_eq!(s, 201, "{b}");
    let (s, _) = put_with(
        &app,
        "/api/v1/admin/calendar/2026-11-28",
        &admin,
        &json!({"kind": "working_day", "name": "Làm bù cho ngày 25/11"}),
    )
    .await;
    assert_eq!(s, 200);

    for (day, body, code) in [
        ("2026-11-29", json!({"kind": "holiday", "name": "Chủ nhật"}), "holiday_on_weekend"),
        ("2026-11-24", json!({"kind": "working_day", "name": "Thứ Ba"}), "working_day_on_weekday"),
        ("2026-11-31", json!({"kind": "holiday", "name": "x"}), "invalid_date"),
        ("2026-11-3", json!({"kind": "holiday", "name": "x"}), "invalid_date"),
        ("24-11-2026", json!({"kind": "holiday", "name": "x"}), "invalid_date"),
        ("2026-11-24", json!({"kind": "day_off", "name": "x"}), "invalid_day_kind"),
        ("2026-11-24", json!({"kind": "holiday", "name": " "}), "invalid_day_name"),
    ] {
        let (s, b) = put_with(&app, &format!("/api/v1/admin/calendar/{day}"), &admin, &body).await;
        assert_error(s, &b, 400, code);
    }
    let (s, b) = put_with(&app, "/api/v1/admin/calendar/2026-11-24", &admin, &json!({"kind": "holiday"})).await;
    assert_error(s, &b, 400, "invalid_body");

    let (s, list) = app.get_with("/api/v1/admin/calendar?year=2026", &admin).await;
    assert_eq!(s, 200, "{list}");
    let days: Vec<&str> = list.as_array().unwrap().iter().map(|d| d["day"].as_str().unwrap()).collect();
    assert!(days.contains(&"2026-09-02") && days.contains(&"2026-11-25") && days.contains(&"2026-11-28"));
    assert!(!days.contains(&"2026-11-29") && !days.contains(&"2026-11-24"), "nothing written by refused requests");
    let (s, b) = app.get_with("/api/v1/admin/calendar?year=abc", &admin).await;
    assert_error(s, &b, 400, "invalid_query");
    let (s, b) = app.get_with("/api/v1/admin/calendar?year=1900", &admin).await;
    assert_error(s, &b, 400, "invalid_year");

    let (s, _) = delete_with(&app, "/api/v1/admin/calendar/2026-11-25", &admin).await;
    assert_eq!(s, 204);
    let (s, b) = delete_with(&app, "/api/v1/admin/calendar/2026-11-25", &admin).await;
    assert_error(s, &b, 404, "calendar_day_not_found");
    let (s, b) = delete_with(&app, "/api/v1/admin/calendar/2026-11-28", &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");
}

#[tokio::test]
async fn the_calendar_page_lists_the_year_adds_a_day_and_explains_a_weekend_holiday() {
    let app = spawn_app_at(MONDAY).await;
    let admin = sign_in(&app, "admin", PW).await;
    let p = get(&app, "/quan-tri/lich?nam=2027", &admin).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Lịch làm việc năm 2027") && p.body.contains("Quốc khánh"), "{}", p.body);
    assert!(p.body.contains(r#"<label for="day">"#) && p.body.contains(r#"<th scope="row">"#));

    let form = [("day", "2027-11-27"), ("kind", "holiday"), ("name", "Ngày nghỉ thử")];
    let p = post_form(&app, "/quan-tri/lich", Some(&admin), &form).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("vốn đã là ngày nghỉ"), "{}", p.body);
    assert!(
        p.body.contains(r#"value="2027-11-27" aria-invalid="true""#) && p.body.contains(r#"value="Ngày nghỉ thử""#)
    );

    let form = [("day", "2027-11-26"), ("kind", "holiday"), ("name", "Ngày nghỉ thử")];
    let p = post_form(&app, "/quan-tri/lich", Some(&admin), &form).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = get(&app, &p.location, &admin).await;
    assert!(p.body.contains("Đã lưu ngày 26/11/2027") && p.body.contains("Ngày nghỉ thử"), "{}", p.body);
    let p = post_form(&app, "/quan-tri/lich/2027-11-26/xoa", Some(&admin), &[]).await;
    assert_eq!(p.status, 303);
    let p = get(&app, &p.location, &admin).await;
    assert!(p.body.contains("Đã xóa ngày 26/11/2027") && !p.body.contains("Ngày nghỉ thử"), "{}", p.body);

    let clerk = sign_in(&app, "clerk.ninhkieu", PW).await;
    assert_eq!(get(&app, "/quan-tri/lich", &clerk).await.status, 403);
}

#[tokio::test]
async fn an_administrator_corrects_a_plan_target_and_the_indicators_compare_with_it() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let leader = app.login("leader.tp", PW).await;
    let (s, plans) = app.get_with("/api/v1/admin/plans", &admin).await;
    assert_eq!(s, 200, "{plans}");
    let cantho = plans.as_array().unwrap().iter().find(|p| p["id"] == "cantho-131-2016").unwrap();
    assert_eq!(cantho["targets"][3]["position"], 4);
    assert_eq!(cantho["targets"][3]["value"], 44.0);
    assert!(cantho["targets"][3]["wording"].as_str().unwrap().contains("mức độ 3"));

    let path = "/api/v1/admin/plans/cantho-131-2016/targets/4";
    let (s, b) = put_with(&app, path, &leader, &json!({"value": 50.0, "deadline": "2026-12-31"})).await;
    assert_error(s, &b, 403, "role_not_allowed");
    for (body, status, code) in [
        (json!({"value": 150.0, "deadline": "2026-12-31"}), 400, "invalid_target_value"),
        (json!({"value": -1, "deadline": "2026-12-31"}), 400, "invalid_target_value"),
        (json!({"value": 50.0, "deadline": "31/12/2026"}), 400, "invalid_date"),
        (json!({"value": 50.0}), 400, "invalid_body"),
        (json!({"value": 50.0, "deadline": "2026-12-31", "wording": "x"}), 400, "unknown_field"),
    ] {
        let (s, b) = put_with(&app, path, &admin, &body).await;
        assert_error(s, &b, status, code);
    }
    let (s, b) = put_with(
        &app,
        "/api/v1/admin/plans/cantho-131-2016/targets/99",
        &admin,
        &json!({"value": 50.0, "deadline": "2026-12-31"}),
    )
    .await;
    assert_error(s, &b, 404, "plan_target_not_found");
    let (s, b) = put_with(
        &app,
        "/api/v1/admin/plans/nowhere/targets/1",
        &admin,
        &json!({"value": 50.0, "deadline": "2026-12-31"}),
    )
    .await;
    assert_error(s, &b, 404, "plan_target_not_found");

    let (s, b) = put_with(&app, path, &admin, &json!({"value": 50.5, "deadline": "2026-12-31"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!((b["value"].as_f64(), b["deadline"].as_str()), (Some(50.5), Some("2026-12-31")));
    assert_eq!(b["indicator"], "procedures_level3_pct", "the plan's own text stays");

    let (s, k) = app.get_with("/api/v1/stats/kpis?from=2026-01-01&to=2026-11-23&plan=cantho-131-2016", &leader).await;
    assert_eq!(s, 200, "{k}");
    let targets = k["targets"].as_array().unwrap();
    assert!(
        targets
            .iter()
            .any(|t| t["target"] == 50.5 && t["deadline"].as_str().is_some_and(|d| d.starts_with("2026-12-31"))),
        "{targets:?}"
    );
    assert!(!targets.iter().any(|t| t["target"] == 44.0), "{targets:?}");
}

#[tokio::test]
async fn the_plans_page_shows_targets_and_keeps_a_wrong_value_with_its_message() {
    let app = spawn_app_at(MONDAY).await;
    let admin = sign_in(&app, "admin", PW).await;
    let p = get(&app, "/quan-tri/ke-hoach", &admin).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("131/KH-UBND") && p.body.contains("20% thủ tục hành chính được triển khai mức độ 3"));
    assert!(p.body.contains(r#"<label for="value-cantho-131-2016-1">"#), "labelled inputs");

    let form = [("value", "120"), ("deadline", "2017-12-31")];
    let p = post_form(&app, "/quan-tri/ke-hoach/cantho-131-2016/1", Some(&admin), &form).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("từ 0 đến 100"), "{}", p.body);
    assert!(p.body.contains(r#"name="value" value="120" aria-invalid="true""#), "{}", p.body);

    let form = [("value", "22,5"), ("deadline", "2018-06-30")];
    let p = post_form(&app, "/quan-tri/ke-hoach/cantho-131-2016/1", Some(&admin), &form).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = get(&app, &p.location, &admin).await;
    assert!(p.body.contains("Đã lưu chỉ tiêu cantho-131-2016 số 1"), "{}", p.body);
    assert!(p.body.contains(r#"value="22,5""#) && p.body.contains(r#"value="2018-06-30""#), "{}", p.body);

    let leader = sign_in(&app, "leader.tp", PW).await;
    assert_eq!(get(&app, "/quan-tri/ke-hoach", &leader).await.status, 403);
}

#[tokio::test]
async fn changing_a_procedure_creates_a_version_and_received_dossiers_keep_theirs() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let old = intake_at_ninh_kieu(&app, &clerk, "binh@example.vn").await;
    assert_eq!(old["due_at"], "2026-11-26T17:30:00+07:00");
    let (_, before) = app.get(&format!("/api/v1/procedures/{HOUSEHOLD_BUSINESS}")).await;
    let steps = before["steps"].as_array().unwrap().len();
    assert!(steps >= 2, "{before}");

    let path = format!("/api/v1/admin/procedures/{HOUSEHOLD_BUSINESS}/versions");
    let (s, b) = app.post_with(&path, &clerk, &json!({"fee_vnd": 0})).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let mut five = vec![0; steps];
    five[0] = 1;
    five[steps - 1] = 1;
    five[1] += 3;
    for (body, status, code) in [
        (json!({"time_limit_value": 5}), 400, "route_shares_mismatch"),
        (json!({"time_limit_value": 5, "step_shares": [5]}), 400, "invalid_step_shares"),
        (json!({"online_level": 5}), 400, "invalid_online_level"),
        (json!({"time_limit_value": 0}), 400, "invalid_time_limit"),
        (json!({"time_limit_unit": "weeks"}), 400, "invalid_time_unit"),
        (json!({"fee_vnd": -1}), 400, "invalid_fee"),
        (json!({}), 400, "nothing_to_change"),
    ] {
        let (s, b) = app.post_with(&path, &admin, &body).await;
        assert_error(s, &b, status, code);
    }
    let (s, b) = app.post_with("/api/v1/admin/procedures/9.999999/versions", &admin, &json!({"fee_vnd": 0})).await;
    assert_error(s, &b, 404, "procedure_not_found");
    let (_, same) = app.get(&format!("/api/v1/procedures/{HOUSEHOLD_BUSINESS}")).await;
    assert_eq!(same["versions"], before["versions"], "refused changes write nothing");

    let (s, b) = app
        .post_with(
            &path,
            &admin,
            &json!({"time_limit_value": 5, "step_shares": five, "fee_vnd": 150000,
                                          "online_level": 3}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let v = before["version"].as_i64().unwrap();
    assert_eq!((b["version"].as_i64(), b["previous_version"].as_i64()), (Some(v + 1), Some(v)));

    let (_, now) = app.get(&format!("/api/v1/procedures/{HOUSEHOLD_BUSINESS}")).await;
    assert_eq!((now["version"].as_i64(), now["online_level"].as_i64()), (Some(v + 1), Some(3)));
    assert_eq!((now["time_limit"]["value"].as_i64(), now["fee"]["amount_vnd"].as_i64()), (Some(5), Some(150000)));
    assert_eq!(now["documents"], before["documents"], "documents are copied");
    let (_, then) = app.get(&format!("/api/v1/procedures/{HOUSEHOLD_BUSINESS}?version={v}")).await;
    assert_eq!(then["time_limit"]["value"], 3, "the old version is unchanged");

    let new = intake_at_ninh_kieu(&app, &clerk, "binh@example.vn").await;
    assert_eq!(new["due_at"], "2026-11-30T17:30:00+07:00", "5 working days now: {new}");
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{}", old["code"].as_str().unwrap()), &clerk).await;
    assert_eq!(d["due_at"], "2026-11-26T17:30:00+07:00", "a received dossier keeps its version's rules");
}

#[tokio::test]
async fn the_procedure_page_creates_a_version_and_keeps_values_when_the_shares_do_not_add_up() {
    let app = spawn_app_at(MONDAY).await;
    let admin = sign_in(&app, "admin", PW).await;
    let p = get(&app, "/quan-tri/thu-tuc?q=ho kinh doanh", &admin).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains(&format!(r#"href="/quan-tri/thu-tuc/{HOUSEHOLD_BUSINESS}""#)), "{}", p.body);

    let page = format!("/quan-tri/thu-tuc/{HOUSEHOLD_BUSINESS}");
    let p = get(&app, &page, &admin).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains(r#"<label for="share-1">"#) && p.body.contains("Mức độ 4 — toàn trình"));
    let (_, proc_) = app.get(&format!("/api/v1/procedures/{HOUSEHOLD_BUSINESS}")).await;
    let steps = proc_["steps"].as_array().unwrap().len();

    // A limit of 4 with the old shares (adding up to 3): 400, values kept.
    let mut form: Vec<(&str, String)> = vec![
        ("online_level", "3".into()),
        ("time_limit_value", "4".into()),
        ("time_limit_unit", "working_days".into()),
        ("fee_vnd", "100.000".into()),
        ("fee_description", "Lệ phí đăng ký".into()),
    ];
    for s in proc_["steps"].as_array().unwrap() {
        form.push(("share", s["time_share"].to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = post_form(&app, &page, Some(&admin), &pairs).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("Tổng thời gian của các bước"), "{}", p.body);
    assert!(p.body.contains(r#"value="4""#) && p.body.contains(r#"value="Lệ phí đăng ký""#), "{}", p.body);
    assert!(p.body.contains(r#"<option value="3" selected>"#));

    // One more unit on the first step: a new version.
    let first: i64 = form[5].1.parse().unwrap();
    form[5].1 = (first + 1).to_string();
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = post_form(&app, &page, Some(&admin), &pairs).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = get(&app, &p.location, &admin).await;
    assert!(p.body.contains("Đã tạo phiên bản"), "{}", p.body);
    let (_, now) = app.get(&format!("/api/v1/procedures/{HOUSEHOLD_BUSINESS}")).await;
    assert_eq!((now["time_limit"]["value"].as_i64(), now["fee"]["amount_vnd"].as_i64()), (Some(4), Some(100000)));
    assert_eq!(now["online_level"], 3);
    assert_eq!(now["steps"].as_array().unwrap().len(), steps);

    let clerk = sign_in(&app, "clerk.ninhkieu", PW).await;
    assert_eq!(get(&app, &page, &clerk).await.status, 403);
}

#[tokio::test]
async fn the_openapi_document_describes_the_administration_endpoints() {
    let app = common::spawn_app().await;
    let (s, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    for path in [
        "/api/v1/admin/users",
        "/api/v1/admin/users/{username}/disable",
        "/api/v1/admin/users/{username}/enable",
        "/api/v1/admin/calendar",
        "/api/v1/admin/calendar/{day}",
        "/api/v1/admin/plans",
        "/api/v1/admin/plans/{plan}/targets/{position}",
        "/api/v1/admin/procedures/{code}/versions",
        "/api/v1/admin/procedures/{code}/templates/{file_name}",
        "/api/v1/admin/procedures/{code}/templates/{id}",
        "/api/v1/procedures/{code}/templates/{id}",
        "/api/v1/admin/notifications",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/admin/calendar/{day}"].get("put").is_some());
    assert!(doc["paths"]["/api/v1/admin/calendar/{day}"].get("delete").is_some());
}

#[tokio::test]
async fn a_signed_out_form_post_goes_to_sign_in_and_back_to_its_section() {
    let app = spawn_app_at(MONDAY).await;
    let p = post_form(&app, "/quan-tri/nguoi-dung/clerk.ninhkieu/khoa", None, &[]).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/dang-nhap?next=/quan-tri/nguoi-dung"));
    let r = browser().get(app.url("/quan-tri/lich")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/dang-nhap?next=/quan-tri/lich");
    let (s, b) = app.get("/api/v1/admin/users").await;
    assert_error(s, &b, 401, "missing_token");
}
