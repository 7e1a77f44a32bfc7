//! Departments inside agencies (issue 13 items 6 and 7): a route step names a department and the
//! dossier lands in its queue; staff assign it to another department of their agency; the inbox
//! shows one department's queue; administrators create, rename (a new key takes the work) and
//! close departments, every change audited; accounts belong to one. The old city's Sở Tư pháp,
//! whose demo departments are seeded (`seeds/demo/departments.json`). SQLite, or PostgreSQL with
//! TEST_DATABASE_URL.
use crate::common::web::{get, post_form, sign_in};
use crate::common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2026-11-23T09:00:00+07:00";
/// Sở Tư pháp: receives the judicial record and does its steps in Phòng Hành chính tư pháp.
const STP: &str = "000.00.03.H12";
/// Cấp Phiếu lý lịch tư pháp: Sở Tư pháp (HCTP) → Bộ Công an → Sở Tư pháp (HCTP) → counter.
const JUDICIAL_RECORD: &str = "2.000488";

async fn intake(app: &TestApp, token: &str) -> String {
    let body = json!({"procedure_code": JUDICIAL_RECORD, "channel": "direct",
        "applicant": {"name": "Trần Văn Bình", "id_number": "092190004321", "phone": "0913 000 111",
            "email": null, "address": "5 Mậu Thân, Cần Thơ"},
        "documents": ["Tờ khai"], "notify_by": "none"});
    let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["current_department"], Value::Null, "the counter's step names no department: {b}");
    b["code"].as_str().unwrap().to_string()
}

async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> (u16, Value) {
    app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &body).await
}

async fn dossier(app: &TestApp, token: &str, code: &str) -> Value {
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), token).await;
    assert_eq!(s, 200, "{d}");
    d
}

async fn keys(app: &TestApp, query: &str) -> Vec<String> {
    let (s, list) = app.get(&format!("/api/v1/agencies/{STP}/departments{query}")).await;
    assert_eq!(s, 200, "{list}");
    list.as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap().to_string()).collect()
}

async fn queue(app: &TestApp, token: &str, department: &str) -> Vec<String> {
    let (s, page) = app.get_with(&format!("/api/v1/dossiers?department={department}"), token).await;
    assert_eq!(s, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_string()).collect()
}

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let r = app.client.put(app.url(path)).bearer_auth(token).json(body).send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_step_lands_in_the_department_its_route_names_and_staff_assign_it_inside_their_agency() {
    let app = spawn_app_at(MONDAY).await;
    assert_eq!(keys(&app, "").await, ["BTTP", "HCTP", "VP"]);
    assert!(keys(&app, "?at=2014-06-01").await.is_empty(), "the demo departments exist from 2015");
    let (s, b) = app.get("/api/v1/agencies/000.00.99.H12/departments").await;
    assert_error(s, &b, 404, "agency_not_found");
    let (s, b) = app.get("/api/v1/agencies/so-tu-phap/departments").await;
    assert_error(s, &b, 400, "invalid_agency_code");

    let clerk = app.login("clerk.stp", PW).await;
    let code = intake(&app, &clerk).await;
    let (s, d) = act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["current_agency"]["code"], STP);
    assert_eq!(d["current_department"], json!({"key": "HCTP", "name": "Phòng Hành chính tư pháp"}), "{d}");
    let last = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["details"]["department"].as_str()), (Some("transfer"), Some("HCTP")));

    // The department's queue has it; another department's, and the agency's unassigned one, do not.
    let specialist = app.login("specialist.stp", PW).await;
    assert_eq!(queue(&app, &specialist, "HCTP").await, vec![code.clone()]);
    assert!(queue(&app, &specialist, "VP").await.is_empty());
    assert!(queue(&app, &specialist, "none").await.is_empty());
    let (s, all) = app.get_with("/api/v1/dossiers", &specialist).await;
    assert_eq!((s, all["items"][0]["current_department"].as_str()), (200, Some("HCTP")), "{all}");
    let (s, b) = app.get_with("/api/v1/dossiers?department=hctp", &specialist).await;
    assert_error(s, &b, 400, "invalid_department");

    // A leader assigns it to another department of the agency: the step and its deadline stay.
    let leader = app.login("leader.stp", PW).await;
    assert!(d["allowed_actions"].as_array().unwrap().contains(&json!("assign")), "{d}");
    let before = dossier(&app, &leader, &code).await;
    let (s, moved) =
        act(&app, &leader, &code, json!({"action": "assign", "department": "BTTP", "note": "Chia việc"})).await;
    assert_eq!(s, 200, "{moved}");
    assert_eq!(moved["current_department"]["key"], "BTTP");
    assert_eq!(
        (moved["current_step"].clone(), moved["step_due_at"].clone()),
        (before["current_step"].clone(), before["step_due_at"].clone())
    );
    let row = moved["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(row["action"], "assign");
    assert_eq!(row["details"], json!({"department": "BTTP", "from_department": "HCTP"}));
    assert_eq!((row["from_agency"]["code"].as_str(), row["to_agency"]["code"].as_str()), (Some(STP), Some(STP)));
    assert_eq!(queue(&app, &specialist, "BTTP").await, vec![code.clone()]);
    assert!(queue(&app, &specialist, "HCTP").await.is_empty());

    // Refusals change nothing.
    let history = moved["history"].as_array().unwrap().len();
    for (body, status, error) in [
        (json!({"action": "assign", "department": "BTTP"}), 409, "already_in_department"),
        (json!({"action": "assign", "department": "NOPE"}), 400, "unknown_department"),
        (json!({"action": "assign", "department": "bttp"}), 400, "invalid_department"),
        (json!({"action": "assign"}), 400, "department_required"),
    ] {
        let (s, b) = act(&app, &leader, &code, body.clone()).await;
        assert_error(s, &b, status, error);
    }
    let other = app.login("specialist.stnmt", PW).await;
    let (s, _) = act(&app, &other, &code, json!({"action": "assign", "department": "VP"})).await;
    assert!(s == 403 || s == 404, "another agency's staff cannot assign it: {s}");
    let after = dossier(&app, &leader, &code).await;
    assert_eq!(after["history"].as_array().unwrap().len(), history, "nothing was written");
    assert_eq!(after["current_department"]["key"], "BTTP");

    // On to the ministry: the department stays with the agency it belongs to.
    let (s, d) = act(&app, &specialist, &code, json!({"action": "transfer"})).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(
        (d["current_agency"]["code"].as_str(), d["current_department"].clone()),
        (Some("000.00.00.G01"), Value::Null)
    );
}

#[tokio::test]
async fn the_inbox_and_dossier_pages_show_the_departments_and_assign_through_a_form() {
    let app = spawn_app_at(MONDAY).await;
    let clerk = app.login("clerk.stp", PW).await;
    let code = intake(&app, &clerk).await;
    let (s, _) = act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    assert_eq!(s, 200);

    let cookie = sign_in(&app, "leader.stp", PW).await;
    let inbox = get(&app, "/can-bo?department=HCTP", Some(&cookie)).await;
    assert_eq!(inbox.status, 200);
    assert!(inbox.body.contains(r#"<select id="department" name="department">"#), "the filter is offered");
    assert!(inbox.body.contains(&code) && inbox.body.contains("Phòng Hành chính tư pháp"), "{}", inbox.body);
    let other = get(&app, "/can-bo?department=VP", Some(&cookie)).await;
    assert!(!other.body.contains(&code), "another department's queue");

    let page = get(&app, &format!("/can-bo/ho-so/{code}"), Some(&cookie)).await;
    assert!(
        page.body.contains("Chuyển phòng, ban xử lý") && page.body.contains(r#"<option value="BTTP">"#),
        "{}",
        page.body
    );
    assert!(!page.body.contains(r#"<option value="HCTP">"#), "not the department that holds it");
    let done = post_form(
        &app,
        &format!("/can-bo/ho-so/{code}/xu-ly"),
        Some(&cookie),
        &[("action", "assign"), ("department", "BTTP"), ("note", "")],
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let leader = app.login("leader.stp", PW).await;
    assert_eq!(dossier(&app, &leader, &code).await["current_department"]["key"], "BTTP");
    let page = get(&app, &format!("/can-bo/ho-so/{code}"), Some(&cookie)).await;
    assert!(page.body.contains("Sở Tư pháp — Phòng Bổ trợ tư pháp"), "where it is now");
}

#[tokio::test]
async fn administrators_create_rename_and_close_departments_and_the_work_and_accounts_follow() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let base = format!("/api/v1/admin/agencies/{STP}/departments");

    let (s, d) = app.post_with(&base, &admin, &json!({"key": "LLTP", "name": "Phòng Lý lịch tư pháp"})).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!((d["valid_from"].as_str(), d["valid_to"].clone()), (Some("2026-11-23"), Value::Null));
    for (body, status, error) in [
        (json!({"key": "LLTP", "name": "Lần nữa"}), 409, "department_key_used"),
        (json!({"key": "lltp", "name": "Chữ thường"}), 400, "invalid_department"),
        (json!({"key": "MOI", "name": "  "}), 400, "invalid_department_name"),
    ] {
        let (s, b) = app.post_with(&base, &admin, &body).await;
        assert_error(s, &b, status, error);
    }
    let (s, b) = app
        .post_with("/api/v1/admin/agencies/000.00.99.H12/departments", &admin, &json!({"key": "A", "name": "A"}))
        .await;
    assert_error(s, &b, 404, "agency_not_found");
    let leader = app.login("leader.stp", PW).await;
    let (s, b) = app.post_with(&base, &leader, &json!({"key": "MOI", "name": "Phòng mới"})).await;
    assert_error(s, &b, 403, "role_not_allowed");
    assert_eq!(keys(&app, "").await, ["BTTP", "HCTP", "LLTP", "VP"], "nothing else was made");

    // An open dossier in HCTP, and the seeded specialist who works there.
    let clerk = app.login("clerk.stp", PW).await;
    let first = intake(&app, &clerk).await;
    act(&app, &clerk, &first, json!({"action": "transfer"})).await;
    let (s, users) = app.get_with(&format!("/api/v1/admin/users?agency={STP}"), &admin).await;
    assert_eq!(s, 200);
    let specialist = users.as_array().unwrap().iter().find(|u| u["username"] == "specialist.stp").unwrap().clone();
    assert_eq!(specialist["department"], "HCTP");

    // A rename is a new department with a new key that takes the work; the old key keeps its meaning.
    let (s, r) = app
        .post_with(
            &format!("{base}/HCTP/rename"),
            &admin,
            &json!({"new_key": "HCLL", "new_name": "Phòng Hành chính và Lý lịch tư pháp"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["successor"]["key"].as_str(), r["dossiers_moved"].as_u64()), (Some("HCLL"), Some(1)));
    assert_eq!(r["accounts_moved"], json!(["specialist.stp"]));
    assert_eq!(keys(&app, "").await, ["BTTP", "HCLL", "LLTP", "VP"]);
    assert_eq!(keys(&app, "?at=2026-11-22").await, ["BTTP", "HCTP", "VP"], "yesterday's list");
    let (_, old) = app.get(&format!("/api/v1/agencies/{STP}/departments?at=2026-11-22")).await;
    let hctp = old.as_array().unwrap().iter().find(|d| d["key"] == "HCTP").unwrap().clone();
    assert_eq!((hctp["valid_to"].as_str(), hctp["held_by"].as_str()), (Some("2026-11-22"), Some("HCLL")), "{hctp}");
    assert_eq!(dossier(&app, &clerk, &first).await["current_department"]["key"], "HCLL");
    let (s, b) =
        app.post_with(&format!("{base}/HCLL/rename"), &admin, &json!({"new_key": "HCTP", "new_name": "Cũ"})).await;
    assert_error(s, &b, 409, "department_key_used");

    // The route still names HCTP: a new dossier reaches the department that took its work.
    let second = intake(&app, &clerk).await;
    let (s, d) = act(&app, &clerk, &second, json!({"action": "transfer"})).await;
    assert_eq!((s, d["current_department"]["key"].as_str()), (200, Some("HCLL")), "{d}");

    // A close hands the work to another open department of the agency.
    for (successor, status, error) in [
        ("HCLL", 400, "department_self_successor"),
        ("HCTP", 400, "unknown_department"),
        ("nope", 400, "invalid_department"),
    ] {
        let (s, b) = app.post_with(&format!("{base}/HCLL/close"), &admin, &json!({"successor": successor})).await;
        assert_error(s, &b, status, error);
    }
    let (s, c) = app.post_with(&format!("{base}/HCLL/close"), &admin, &json!({"successor": "LLTP"})).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!((c["dossiers_moved"].as_u64(), c["accounts_moved"].clone()), (Some(2), json!(["specialist.stp"])));
    let specialist = app.login("specialist.stp", PW).await;
    let mut mine = queue(&app, &specialist, "LLTP").await;
    mine.sort();
    let mut both = vec![first.clone(), second.clone()];
    both.sort();
    assert_eq!(mine, both);
    let (s, b) = app.post_with(&format!("{base}/HCLL/close"), &admin, &json!({"successor": "VP"})).await;
    assert_error(s, &b, 400, "unknown_department");

    // Every change is audited: who, when, what.
    let (s, changes) = app.get_with("/api/v1/admin/agency-changes", &admin).await;
    assert_eq!(s, 200, "{changes}");
    let ours: Vec<(String, String)> = changes
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"].as_str().unwrap().starts_with("department_"))
        .map(|c| (c["action"].as_str().unwrap().to_string(), c["by"].as_str().unwrap().to_string()))
        .collect();
    for action in ["department_create", "department_rename", "department_close"] {
        assert!(ours.contains(&(action.to_string(), "admin".to_string())), "{action}: {ours:?}");
    }
    assert_eq!(ours.len(), 3, "refused changes leave no audit row: {ours:?}");

    // Accounts move between departments of their agency.
    let path = "/api/v1/admin/users/clerk.stp/department";
    let (s, u) = put(&app, path, &admin, &json!({"department": "VP"})).await;
    assert_eq!((s, u["department"].as_str()), (200, Some("VP")), "{u}");
    let (s, b) = put(&app, path, &admin, &json!({"department": "HCLL"})).await;
    assert_error(s, &b, 400, "unknown_department");
    let (s, b) = put(&app, "/api/v1/admin/users/citizen.an/department", &admin, &json!({"department": "VP"})).await;
    assert_error(s, &b, 400, "unknown_department");
    let (s, u) = put(&app, path, &admin, &json!({"department": null})).await;
    assert_eq!((s, u["department"].clone()), (200, Value::Null));
}

#[tokio::test]
async fn the_agency_page_lists_the_departments_and_its_forms_change_them() {
    let app = spawn_app_at(MONDAY).await;
    let cookie = sign_in(&app, "admin", PW).await;
    let page = get(&app, &format!("/quan-tri/co-quan/{STP}"), Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Phòng Hành chính tư pháp") && page.body.contains("Tạo phòng, ban"), "{}", page.body);

    let form = |op: &'static str, fields: &[(&'static str, &'static str)]| {
        let mut f = vec![("op", op)];
        f.extend_from_slice(fields);
        f
    };
    let path = format!("/quan-tri/co-quan/{STP}/phong-ban");
    let done =
        post_form(&app, &path, Some(&cookie), &form("create", &[("key", "LLTP"), ("name", "Phòng Lý lịch tư pháp")]))
            .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let back = get(&app, &done.location, Some(&cookie)).await;
    assert!(back.body.contains("Đã lưu: đã tạo Phòng Lý lịch tư pháp (LLTP)."), "{}", back.body);
    assert!(back.body.contains("Tạo phòng, ban"), "the change is in the page's list of changes");

    let refused = post_form(&app, &path, Some(&cookie), &form("close", &[("key", "VP"), ("successor", "VP")])).await;
    assert_eq!(refused.status, 303);
    let back = get(&app, &refused.location, Some(&cookie)).await;
    assert!(back.body.contains(r#"role="alert""#), "the reason is shown: {}", back.body);
    assert_eq!(keys(&app, "").await, ["BTTP", "HCTP", "LLTP", "VP"], "nothing closed");

    let done = post_form(&app, &path, Some(&cookie), &form("close", &[("key", "BTTP"), ("successor", "VP")])).await;
    let back = get(&app, &done.location, Some(&cookie)).await;
    assert!(back.body.contains("công việc của BTTP do Văn phòng Sở Tư pháp (VP) nhận"), "{}", back.body);
    assert_eq!(keys(&app, "").await, ["HCTP", "LLTP", "VP"]);
    // Only administrators.
    let clerk = sign_in(&app, "clerk.stp", PW).await;
    let p = post_form(&app, &path, Some(&clerk), &form("create", &[("key", "X"), ("name", "X")])).await;
    assert_eq!(p.status, 403, "{}", p.body);
}
