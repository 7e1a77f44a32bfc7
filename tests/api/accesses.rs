//! "Who viewed my dossier" (issue 17 item 2): every staff read of a dossier's personal data is
//! recorded, append-only, and shown to the owner (signed in, or with the receipt's PIN) and to the
//! administrators. (SQLite, or PostgreSQL with TEST_DATABASE_URL.)
use crate::common;

use common::web::{get, post_form, sign_in};
use common::{assert_error, spawn_app_configured, TestApp};
use diesel::connection::SimpleConnection;
use motcua::storage::accesses::{self, AccessFilter, AccessLine};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2027-03-01T09:00:00+07:00";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district (quận Ninh Kiều), online level 4.
const BUSINESS: &str = "2.000720";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
/// The full name of `clerk.ninhkieu` (seeds/demo/users.json).
const CLERK_NAME: &str = "Nguyễn Thị Thu Hà";
/// The applicant's name, as a clerk would search for it.
const APPLICANT: &str = "Lê Thị Xem Thử";

async fn app(show_names: bool) -> TestApp {
    spawn_app_configured(Some(MONDAY), |s| {
        s.notifications.worker = false;
        s.privacy.show_staff_names_to_owner = show_names;
    })
    .await
}

/// A dossier `citizen.an` submitted online with a file, received by `clerk.ninhkieu`: (code, PIN,
/// file id).
async fn owned_dossier(app: &TestApp) -> (String, String, String) {
    let citizen = app.login("citizen.an", PW).await;
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
        "applicant": {"name": APPLICANT, "id_number": "092190005555", "phone": "0912555555",
                      "address": "3 Hòa Bình, Ninh Kiều"}, "notify_by": "none"});
    let (s, d) = app.post_with("/api/v1/dossiers", &citizen, &body).await;
    assert_eq!(s, 201, "{d}");
    let reference = d["reference"].as_str().unwrap().to_string();
    let pin = d["pin"].as_str().expect("a PIN for the submission").to_string();
    let put = app
        .client
        .put(app.url(&format!("/api/v1/dossiers/{reference}/files/don-de-nghi.pdf")))
        .bearer_auth(&citizen)
        .header("content-type", "application/pdf")
        .body(PDF);
    let f: Value = put.send().await.unwrap().json().await.unwrap();
    let file = f["id"].as_str().expect("the file's id").to_string();
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let (s, r) =
        app.post_with(&format!("/api/v1/dossiers/{reference}/actions"), &clerk, &json!({"action": "receive"})).await;
    assert_eq!(s, 200, "{r}");
    (r["code"].as_str().unwrap().to_string(), pin, file)
}

/// The reads recorded of dossier `code`, newest first.
fn recorded(app: &TestApp, code: &str) -> Vec<AccessLine> {
    let filter = AccessFilter { dossier_code: Some(code.to_string()), ..AccessFilter::default() };
    accesses::list(&mut app.conn(), &filter, 10_000, 0).expect("the read log")
}

fn kinds(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap().to_string()).collect()
}

/// The "done when": a clerk opens a dossier and prints its receipt; the owner, signed in
/// and with the PIN, sees both reads with agency, department, role and time, the clerk's name
/// only when the policy says so.
async fn the_owner_sees_the_clerks_two_reads(show_names: bool) {
    let app = app(show_names).await;
    let (code, pin, _) = owned_dossier(&app).await;
    // The clerk works in a department of quận Ninh Kiều (the demo has none there).
    let admin = app.login("admin", PW).await;
    let dept = json!({"key": "MOTCUA", "name": "Bộ phận Một cửa quận"});
    let (s, b) = app.post_with(&format!("/api/v1/admin/agencies/{NINH_KIEU}/departments"), &admin, &dept).await;
    assert_eq!(s, 201, "{b}");
    let (s, b) =
        app.put_with("/api/v1/admin/users/clerk.ninhkieu/department", &admin, &json!({"department": "MOTCUA"})).await;
    assert_eq!(s, 200, "{b}");
    let clerk = app.login("clerk.ninhkieu", PW).await;
    assert!(recorded(&app, &code).is_empty(), "receiving is an action, not a read");

    app.clock.advance(chrono::TimeDelta::minutes(5));
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(s, 200, "{d}");
    app.clock.advance(chrono::TimeDelta::minutes(1));
    let receipt = app.text_with(&format!("/api/v1/dossiers/{code}/forms/01"), &clerk).await;
    assert!(receipt.contains(&code), "{receipt}");

    // The owner, signed in.
    let citizen = app.login("citizen.an", PW).await;
    let (s, a) = app.get_with(&format!("/api/v1/dossiers/{code}/accesses"), &citizen).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["total"], 2, "{a}");
    assert_eq!(kinds(&a["items"]), ["form", "detail"], "newest first: {a}");
    let form = &a["items"][0];
    assert_eq!(form["agency_code"], NINH_KIEU, "{form}");
    assert!(form["agency"].as_str().unwrap().contains("Ninh Kiều"), "{form}");
    assert_eq!((form["role"].as_str(), form["role_label"].as_str()), (Some("clerk"), Some("Cán bộ một cửa")));
    assert_eq!(form["department"], "Bộ phận Một cửa quận", "the clerk's department: {form}");
    assert!(form["what"].as_str().unwrap().contains("01"), "the form's number: {form}");
    assert_eq!(form["at"], "2027-03-01T09:06:00+07:00", "{form}");
    assert_eq!(a["items"][1]["at"], "2027-03-01T09:05:00+07:00");
    let name = if show_names { json!(CLERK_NAME) } else { Value::Null };
    assert!(a["items"].as_array().unwrap().iter().all(|i| i["staff_name"] == name), "{a}");

    // The owner's own reads are not recorded: the detail, the page, the file list.
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{code}"), &citizen).await.0, 200);
    let cookie = sign_in(&app, "citizen.an", PW).await;
    let page = get(&app, &format!("/ho-so-cua-toi/{code}"), Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Ai đã xem hồ sơ của tôi") && page.body.contains("Tổng số: 2 lần xem"), "{}", page.body);
    assert!(page.body.contains("Cán bộ một cửa") && page.body.contains("In biểu mẫu"), "{}", page.body);
    assert_eq!(page.body.contains(CLERK_NAME), show_names, "the clerk's name per the policy");
    assert_eq!(recorded(&app, &code).len(), 2, "the owner's reads are not listed");

    // With the PIN, without signing in: the lookup API and page.
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!(kinds(&l["accesses"]["items"]), ["form", "detail"], "{l}");
    assert_eq!(l["accesses"]["items"][0]["staff_name"], name);
    let p = post_form(&app, &format!("/tra-cuu/{code}"), None, &[("pin", pin.as_str()), ("phone", "")]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Ai đã xem hồ sơ của tôi") && p.body.contains("Tổng số: 2 lần xem"), "{}", p.body);
    assert_eq!(p.body.contains(CLERK_NAME), show_names);

    // Without a proof, nothing of it.
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert_eq!(s, 200, "{l}");
    assert!(l.get("accesses").is_none(), "{l}");
    let p = get(&app, &format!("/tra-cuu/{code}"), None).await;
    assert!(!p.body.contains("Ai đã xem hồ sơ của tôi"), "{}", p.body);
    let (s, b) = app.get(&format!("/api/v1/lookup/{code}?pin=000000")).await;
    assert_error(s, &b, 403, "proof_mismatch");
}

/// Where the working time went (issue 16's delay attribution) is the owner's to read by agency and
/// department, never by the staff member who held it: a username is staff data, and even the
/// policy that shows the owner staff names in "who viewed my dossier" does not open it.
#[tokio::test]
async fn the_owner_reads_where_the_time_went_without_the_staff_who_held_it() {
    let app = app(true).await;
    let (code, pin, _) = owned_dossier(&app).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    app.clock.advance(chrono::TimeDelta::hours(2));
    let path = format!("/api/v1/dossiers/{code}");
    let (s, d) = app.post_with(&format!("{path}/actions"), &clerk, &json!({"action": "transfer"})).await;
    assert_eq!(s, 200, "{d}");
    let (_, staff) = app.get_with(&path, &clerk).await;
    assert_eq!(staff["delay_attribution"]["steps"][0]["handlers"][0]["who"], "clerk.ninhkieu", "{staff}");

    let citizen = app.login("citizen.an", PW).await;
    let (s, own) = app.get_with(&path, &citizen).await;
    assert_eq!(s, 200, "{own}");
    let steps = own["delay_attribution"]["steps"].as_array().expect("the steps");
    assert_eq!(steps[0]["held_minutes"], staff["delay_attribution"]["steps"][0]["held_minutes"]);
    assert!(steps.iter().all(|s| s["handlers"] == json!([])), "{own}");
    assert!(!own.to_string().contains("clerk.ninhkieu"), "no staff username reaches the owner: {own}");
    let (s, l) = app.get(&format!("/api/v1/lookup/{code}?pin={pin}")).await;
    assert_eq!(s, 200, "{l}");
    assert!(!l.to_string().contains("clerk.ninhkieu"), "{l}");
}

#[tokio::test]
async fn after_a_clerk_opens_a_dossier_and_prints_its_receipt_the_owner_sees_both_reads_without_the_name() {
    the_owner_sees_the_clerks_two_reads(false).await;
}

#[tokio::test]
async fn under_the_policy_that_shows_names_the_owner_sees_the_clerks_name() {
    the_owner_sees_the_clerks_two_reads(true).await;
}

/// How a path is called.
#[derive(Clone, Copy)]
enum Via {
    /// The API with the user's bearer token.
    Api,
    /// A page with the user's session cookie.
    Page,
}

/// One call of the table: (route template, the address called, who, how, the kind recorded, what
/// its detail contains).
type Case<'a> = (&'a str, String, &'a str, Via, &'a str, Option<&'a str>);

/// The route templates of every staff path that reveals a dossier's personal data (each called in
/// the table of `every_staff_path_that_reveals_personal_data_leaves_exactly_its_record`).
const REVEALING: [&str; 8] = [
    "/api/v1/dossiers/{code}",
    "/can-bo/ho-so/{code}",
    "/ho-so-cua-toi/{code}",
    "/api/v1/dossiers/{code}/forms/{form}",
    "/api/v1/dossiers/{code}/files/{id}",
    "/api/v1/agencies/{code}/tracking-book",
    "/api/v1/dossiers",
    "/can-bo",
];

/// The GET routes about dossiers that reveal no personal data of the applicant to staff, and why.
const NOT_REVEALING: [(&str, &str); 3] = [
    ("/api/v1/dossiers/{code}/accesses", "the reads of the dossier: for its owner and the administrators"),
    ("/ho-so-cua-toi/{code}/rut-ho-so", "the withdrawal's confirmation: staff are sent to the dossier page"),
    ("/ho-so-cua-toi", "a citizen's own list: staff are sent to their inbox"),
];

/// The GET routes of the route table that name a dossier, or list dossiers with their applicants.
fn dossier_get_routes() -> Vec<String> {
    let table = include_str!("../../src/http/routes.rs");
    table
        .lines()
        .filter_map(|l| l.trim().strip_prefix(".route(\""))
        .filter(|l| l.contains("get().to("))
        .filter_map(|l| l.split('"').next())
        .filter(|p| {
            p.starts_with("/api/v1/dossiers")
                || p.starts_with("/can-bo/ho-so")
                || p == &"/can-bo"
                || p.starts_with("/ho-so-cua-toi")
                || p.contains("tracking-book")
                || p.contains("/lookup")
        })
        .filter(|p| !p.contains("/lookup"))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_get_route_about_dossiers_is_either_recorded_or_listed_as_revealing_no_personal_data() {
    let routes = dossier_get_routes();
    assert!(routes.len() >= 10, "{routes:?}");
    for r in &routes {
        let listed = REVEALING.contains(&r.as_str()) || NOT_REVEALING.iter().any(|(p, _)| p == r);
        assert!(listed, "{r}: a new route about dossiers; record its reads (services::accesses) and list it here");
    }
    for r in REVEALING.iter().chain(NOT_REVEALING.iter().map(|(p, _)| p)) {
        assert!(routes.iter().any(|x| x == r), "{r} is listed here but not in the route table");
    }
}

#[tokio::test]
async fn every_staff_path_that_reveals_personal_data_leaves_exactly_its_record() {
    let app = app(false).await;
    let (code, _, file) = owned_dossier(&app).await;
    let mut tokens = std::collections::HashMap::new();
    let mut cookies = std::collections::HashMap::new();
    for u in ["clerk.ninhkieu", "leader.ninhkieu", "admin"] {
        tokens.insert(u, app.login(u, PW).await);
        cookies.insert(u, sign_in(&app, u, PW).await);
    }
    let search = "le thi xem thu";
    let table: Vec<Case> = vec![
        ("/api/v1/dossiers/{code}", format!("/api/v1/dossiers/{code}"), "clerk.ninhkieu", Via::Api, "detail", None),
        ("/api/v1/dossiers/{code}", format!("/api/v1/dossiers/{code}"), "admin", Via::Api, "detail", None),
        ("/can-bo/ho-so/{code}", format!("/can-bo/ho-so/{code}"), "clerk.ninhkieu", Via::Page, "page", None),
        ("/can-bo/ho-so/{code}", format!("/can-bo/ho-so/{code}"), "leader.ninhkieu", Via::Page, "page", None),
        ("/ho-so-cua-toi/{code}", format!("/ho-so-cua-toi/{code}"), "clerk.ninhkieu", Via::Page, "page", None),
        (
            "/api/v1/dossiers/{code}/forms/{form}",
            format!("/api/v1/dossiers/{code}/forms/01"),
            "clerk.ninhkieu",
            Via::Api,
            "form",
            Some("01 "),
        ),
        (
            "/api/v1/dossiers/{code}/forms/{form}",
            format!("/api/v1/dossiers/{code}/forms/06"),
            "leader.ninhkieu",
            Via::Api,
            "form",
            Some("06 "),
        ),
        (
            "/api/v1/dossiers/{code}/files/{id}",
            format!("/api/v1/dossiers/{code}/files/{file}"),
            "clerk.ninhkieu",
            Via::Api,
            "file",
            Some("don-de-nghi.pdf"),
        ),
        (
            "/api/v1/agencies/{code}/tracking-book",
            format!("/api/v1/agencies/{NINH_KIEU}/tracking-book?year=2027"),
            "clerk.ninhkieu",
            Via::Api,
            "export",
            Some("2027"),
        ),
        ("/api/v1/dossiers", format!("/api/v1/dossiers?q={search}"), "clerk.ninhkieu", Via::Api, "search", None),
        ("/can-bo", format!("/can-bo?q={search}"), "clerk.ninhkieu", Via::Page, "search", None),
    ];
    for r in REVEALING {
        assert!(table.iter().any(|t| t.0 == r), "{r} is not called below");
    }
    for (route, path, user, via, kind, detail) in table {
        let before = recorded(&app, &code).len();
        app.clock.advance(chrono::TimeDelta::minutes(1));
        let status = match via {
            Via::Api => {
                let r = app.client.get(app.url(&path)).bearer_auth(&tokens[user]).send().await.unwrap();
                r.status().as_u16()
            }
            Via::Page => get(&app, &path, Some(&cookies[user])).await.status,
        };
        assert_eq!(status, 200, "{route} ({path}) as {user}");
        let after = recorded(&app, &code);
        assert_eq!(after.len(), before + 1, "{route} as {user}: exactly one read recorded");
        let read = &after[0];
        assert_eq!((read.username.as_str(), read.kind.as_str()), (user, kind), "{route}: {read:?}");
        assert_eq!(read.at.and_utc(), app.clock.now(), "the Clock's time");
        if let Some(d) = detail {
            assert!(read.detail.as_deref().is_some_and(|x| x.contains(d)), "{route}: {read:?}");
        }
        assert!(read.agency_code.is_some(), "{read:?}");
    }

    // What does not count: the plain inbox (the agency's queue), a search that did not return the
    // dossier, a form the dossier does not have, and everything its owner reads.
    let before = recorded(&app, &code).len();
    let clerk = &tokens["clerk.ninhkieu"];
    assert_eq!(app.get_with("/api/v1/dossiers", clerk).await.0, 200);
    assert_eq!(get(&app, "/can-bo", Some(&cookies["clerk.ninhkieu"])).await.status, 200);
    assert_eq!(app.get_with("/api/v1/dossiers?q=tran%20van%20khong", clerk).await.0, 200);
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}/forms/03"), clerk).await;
    assert_eq!(s, 404, "{b}");
    let citizen = app.login("citizen.an", PW).await;
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{code}"), &citizen).await.0, 200);
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{code}/files/{file}"), &citizen).await.0, 200);
    assert_eq!(app.get_with("/api/v1/dossiers?q=xem", &citizen).await.0, 200);
    assert_eq!(recorded(&app, &code).len(), before, "none of these is recorded");

    // The reads are for the owner and the administrators only.
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}/accesses"), clerk).await;
    assert_error(s, &b, 403, "out_of_scope");
    let (s, a) = app.get_with(&format!("/api/v1/dossiers/{code}/accesses"), &tokens["admin"]).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["total"].as_i64(), Some(before as i64));
    assert!(a["items"][0]["staff_name"].is_string(), "the auditors see the names: {a}");
    let (s, b) = app.get_with("/api/v1/dossiers/000.00.31.H12-270301-0999/accesses", &citizen).await;
    assert_error(s, &b, 404, "dossier_not_found");
}

#[tokio::test]
async fn the_read_log_refuses_update_and_delete() {
    let app = app(false).await;
    let (code, _, _) = owned_dossier(&app).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await.0, 200);
    assert_eq!(recorded(&app, &code).len(), 1);
    let mut conn = app.conn();
    for sql in ["UPDATE dossier_accesses SET kind = 'page'", "DELETE FROM dossier_accesses"] {
        let e = conn.batch_execute(sql).expect_err(sql);
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(recorded(&app, &code)[0].kind, "detail", "unchanged");
}

#[tokio::test]
async fn the_auditors_page_lists_the_reads_with_filters_for_administrators_only() {
    let app = app(false).await;
    let (code, _, _) = owned_dossier(&app).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await.0, 200);
    let leader = sign_in(&app, "leader.ninhkieu", PW).await;
    assert_eq!(get(&app, &format!("/can-bo/ho-so/{code}"), Some(&leader)).await.status, 200);

    for who in ["clerk.ninhkieu", "leader.ninhkieu", "citizen.an"] {
        let cookie = sign_in(&app, who, PW).await;
        assert_eq!(get(&app, "/quan-tri/truy-cap", Some(&cookie)).await.status, 403, "{who}");
    }
    assert_eq!(get(&app, "/quan-tri/truy-cap", None).await.status, 303, "sign in first");

    let admin = sign_in(&app, "admin", PW).await;
    let home = get(&app, "/quan-tri", Some(&admin)).await;
    assert!(home.body.contains("href=\"/quan-tri/truy-cap\""), "linked from the administrators' home");
    let all = get(&app, "/quan-tri/truy-cap", Some(&admin)).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(all.body.contains(&code) && all.body.contains(CLERK_NAME), "{}", all.body);
    assert!(all.body.contains("Mở trang hồ sơ") && all.body.contains("Xem chi tiết hồ sơ"), "{}", all.body);
    let by_user = get(&app, "/quan-tri/truy-cap?tai_khoan=leader.ninhkieu", Some(&admin)).await;
    assert!(by_user.body.contains("Mở trang hồ sơ") && !by_user.body.contains("Xem chi tiết hồ sơ"));
    let by_code = get(&app, &format!("/quan-tri/truy-cap?ho_so={code}&co_quan={NINH_KIEU}"), Some(&admin)).await;
    assert!(by_code.body.contains("2 lần xem"), "{}", by_code.body);
    let by_day = get(&app, "/quan-tri/truy-cap?tu_ngay=2027-03-02&den_ngay=2027-03-31", Some(&admin)).await;
    assert!(by_day.body.contains("0 lần xem"), "{}", by_day.body);
    let same_day = get(&app, "/quan-tri/truy-cap?tu_ngay=2027-03-01&den_ngay=2027-03-01", Some(&admin)).await;
    assert!(same_day.body.contains("2 lần xem"), "{}", same_day.body);
    let bad = get(&app, "/quan-tri/truy-cap?tu_ngay=2027-13-01", Some(&admin)).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    // The same through the API.
    let admin = app.login("admin", PW).await;
    let (s, l) = app.get_with(&format!("/api/v1/admin/accesses?dossier={code}&username=leader.ninhkieu"), &admin).await;
    assert_eq!(s, 200, "{l}");
    assert_eq!((l["total"].as_i64(), l["items"][0]["kind"].as_str()), (Some(1), Some("page")), "{l}");
    assert_eq!(l["items"][0]["dossier_code"], code.as_str());
    let (s, b) = app.get_with("/api/v1/admin/accesses?from=2027-03-02&to=2027-03-01", &admin).await;
    assert_error(s, &b, 400, "invalid_date_range");
    let long = format!("username={}", "a".repeat(101));
    for (bad, code) in
        [("page=0", "invalid_query"), (long.as_str(), "invalid_query"), ("username=a%00b", "invalid_text")]
    {
        let (s, b) = app.get_with(&format!("/api/v1/admin/accesses?{bad}"), &admin).await;
        assert_error(s, &b, 400, code);
    }
    let (s, b) = app.get_with("/api/v1/admin/accesses", &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");
    // Nothing here is a read of a dossier's personal data.
    assert_eq!(recorded(&app, &code).len(), 2);
}
