//! Administrators manage agencies (issue 13 item 7): create a unit, rename it (a new version with a
//! new code, through a one-step reorganisation), close it into a successor; every change audited;
//! the pages `/quan-tri/co-quan`, `/quan-tri/co-quan/{code}` and `/quan-tri/sap-xep`. The old city
//! (no reorganisation loaded). SQLite, or PostgreSQL with TEST_DATABASE_URL.
use crate::common::web::{get, post_form, sign_in};
use crate::common::{assert_error, spawn_app_at, TestApp};
use chrono::{DateTime, Utc};
use motcua::services::reorganise::apply_due_on;
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2026-11-23T09:00:00+07:00";
const NINH_KIEU_DISTRICT: &str = "000.00.31.H12";
const BINH_THUY_DISTRICT: &str = "000.00.32.H12";
const TAN_AN: &str = "000.01.31.H12";
const THOI_BINH: &str = "000.02.31.H12";
/// Codes no seed uses (communes under quận Ninh Kiều).
const NEW_WARD: &str = "000.20.31.H12";
const TAN_AN_V2: &str = "000.21.31.H12";
/// Sở Tài nguyên và Môi trường.
const DONRE: &str = "000.00.05.H12";
/// Cấp GCN quyền sử dụng đất lần đầu: commune → district → Sở TN&MT → district → commune.
const LAND: &str = "1.003554";
/// Liên thông khai sinh – thường trú – BHYT: commune.
const BIRTH: &str = "1.003583";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn intake(app: &TestApp, token: &str, procedure: &str) -> String {
    let body = json!({"procedure_code": procedure, "channel": "direct",
        "applicant": {"name": "Trần Văn Bình", "id_number": "092190004321", "phone": "0913 000 111",
            "email": null, "address": "5 Mậu Thân, Cần Thơ"},
        "documents": ["Đơn đề nghị"]});
    let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
    assert_eq!(s, 201, "{b}");
    b["code"].as_str().unwrap().to_string()
}

fn new_ward(code: &str) -> Value {
    json!({"code": code, "name": "Phường Thử Nghiệm", "level": "commune", "kind": "people_committee",
        "parent_code": NINH_KIEU_DISTRICT})
}

async fn changes(app: &TestApp, admin: &str) -> Vec<Value> {
    let (s, list) = app.get_with("/api/v1/admin/agency-changes", admin).await;
    assert_eq!(s, 200, "{list}");
    list.as_array().unwrap().clone()
}

#[tokio::test]
async fn an_administrator_creates_a_unit_with_a_new_code_under_a_parent_valid_that_day() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;

    let (s, a) = app.post_with("/api/v1/admin/agencies", &admin, &new_ward(NEW_WARD)).await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["code"], NEW_WARD);
    assert_eq!(a["valid_from"], "2026-11-23", "today in Vietnam by default");
    assert_eq!((a["valid_to"].is_null(), a["provisional_code"].as_bool()), (true, Some(false)));
    assert_eq!(a["handles_procedures"], true);
    let (s, listed) = app.get(&format!("/api/v1/agencies?parent={NINH_KIEU_DISTRICT}")).await;
    assert_eq!(s, 200);
    assert!(listed.as_array().unwrap().iter().any(|x| x["code"] == NEW_WARD), "{listed}");

    // A code once used always means the same unit.
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &new_ward(NEW_WARD)).await;
    assert_error(s, &b, 409, "agency_code_taken");
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &new_ward(TAN_AN)).await;
    assert_error(s, &b, 409, "agency_code_taken");
    // Bad input is refused, with its own code, and stores nothing.
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &new_ward("000.1.31.H12")).await;
    assert_error(s, &b, 400, "invalid_unit_code");
    let mut bad = new_ward("000.22.31.H12");
    bad["level"] = json!("ward");
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &bad).await;
    assert_error(s, &b, 400, "invalid_level");
    let mut bad = new_ward("000.22.31.H12");
    bad["name"] = json!("  ");
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &bad).await;
    assert_error(s, &b, 400, "invalid_agency_name");
    let mut bad = new_ward("000.22.31.H12");
    bad["parent_code"] = json!("000.00.99.H12");
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &bad).await;
    assert_error(s, &b, 400, "unknown_agency");
    // The parent must exist on the first day, at the same level or above.
    let mut later = new_ward("000.23.31.H12");
    later["valid_from"] = json!("2026-12-01");
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &later).await;
    assert_eq!(s, 201, "{b}");
    let mut under_later = new_ward("000.22.31.H12");
    under_later["parent_code"] = json!("000.23.31.H12");
    under_later["valid_from"] = json!("2026-11-25");
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &under_later).await;
    assert_error(s, &b, 409, "parent_not_valid");
    let inverted = json!({"code": "000.00.45.H12", "name": "Quận Mới", "level": "district",
        "kind": "people_committee", "parent_code": TAN_AN});
    let (s, b) = app.post_with("/api/v1/admin/agencies", &admin, &inverted).await;
    assert_error(s, &b, 409, "parent_not_valid");
    let (s, b) = app.get("/api/v1/agencies/000.22.31.H12").await;
    assert_error(s, &b, 404, "agency_not_found");

    // Only administrators.
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, b) = app.post_with("/api/v1/admin/agencies", &clerk, &new_ward("000.24.31.H12")).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.get_with("/api/v1/admin/agency-changes", &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");

    // Audited: who, when, what — only what was done.
    let audit = changes(&app, &admin).await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0]["agency_code"], "000.23.31.H12", "newest first");
    assert_eq!(audit[1]["agency_code"], NEW_WARD);
    assert_eq!((audit[1]["action"].as_str(), audit[1]["by"].as_str()), (Some("create"), Some("admin")));
    assert_eq!(audit[1]["detail"]["name"], "Phường Thử Nghiệm");
    assert_eq!(audit[1]["at"], "2026-11-23T09:00:00+07:00");
}

#[tokio::test]
async fn a_rename_is_a_new_version_with_a_new_code_and_open_dossiers_follow_it() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let open = intake(&app, &clerk, BIRTH).await;
    let rename = json!({"new_code": TAN_AN_V2, "new_name": "Phường Tân An Mới", "effective_on": "2026-11-23",
        "act": "QĐ 125/QĐ-UBND", "act_date": "2026-11-20"});
    let path = format!("/api/v1/admin/agencies/{TAN_AN}/rename");

    // A dry run reports the change and keeps nothing.
    let (s, dry) = app.post_with(&format!("{path}?dry_run=true"), &admin, &rename).await;
    assert_eq!(s, 200, "{dry}");
    assert_eq!((dry["dry_run"].as_bool(), dry["applied"].as_bool()), (Some(true), Some(true)));
    assert_eq!((dry["new_units"].as_u64(), dry["ended_units"].as_u64()), (Some(1), Some(1)));
    assert!(dry["moved_dossiers"].as_array().unwrap().iter().any(|m| m["what"] == open.as_str()), "{dry}");
    let (s, _) = app.get(&format!("/api/v1/agencies/{TAN_AN_V2}")).await;
    assert_eq!(s, 404, "the dry run kept nothing");
    assert!(changes(&app, &admin).await.is_empty(), "a dry run is not a change");

    // The same code is not a rename; an existing code is not a new one.
    let mut same = rename.clone();
    same["new_code"] = json!(TAN_AN);
    let (s, b) = app.post_with(&path, &admin, &same).await;
    assert_error(s, &b, 409, "rename_needs_new_code");
    let mut taken = rename.clone();
    taken["new_code"] = json!(THOI_BINH);
    let (s, b) = app.post_with(&path, &admin, &taken).await;
    assert_error(s, &b, 409, "agency_code_taken");
    let mut bad = rename.clone();
    bad["effective_on"] = json!("2026-02-30");
    let (s, b) = app.post_with(&path, &admin, &bad).await;
    assert_error(s, &b, 400, "invalid_date");
    let (s, b) = app.post_with("/api/v1/admin/agencies/000.99.31.H12/rename", &admin, &rename).await;
    assert_error(s, &b, 404, "agency_not_found");
    let (s, b) = app.post_with(&path, &clerk, &rename).await;
    assert_error(s, &b, 403, "role_not_allowed");

    let (s, r) = app.post_with(&path, &admin, &rename).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (r["applied"].as_bool(), r["dry_run"].as_bool(), r["lineage_links"].as_u64()),
        (Some(true), Some(false), Some(1))
    );
    let moved = r["moved_dossiers"].as_array().unwrap();
    assert!(moved.iter().any(|m| m["what"] == open.as_str() && m["from"] == TAN_AN && m["to"] == TAN_AN_V2), "{r}");
    assert!(r["moved_accounts"].as_array().unwrap().iter().any(|m| m["what"] == "clerk.tanan"), "{r}");

    // The old code still means the old unit, as it was, up to the day before.
    let (s, old) = app.get(&format!("/api/v1/agencies/{TAN_AN}")).await;
    assert_eq!(s, 200, "{old}");
    assert_eq!(old["name"], "Phường Tân An");
    assert_eq!((old["valid_to"].as_str(), old["held_by"].as_str()), (Some("2026-11-22"), Some(TAN_AN_V2)));
    assert_eq!(old["successors"][0]["to"]["code"], TAN_AN_V2);
    // The new version: same parent, formed whole from the old unit by the act.
    let (s, new) = app.get(&format!("/api/v1/agencies/{TAN_AN_V2}")).await;
    assert_eq!(s, 200, "{new}");
    assert_eq!(
        (new["name"].as_str(), new["parent_code"].as_str()),
        (Some("Phường Tân An Mới"), Some(NINH_KIEU_DISTRICT))
    );
    assert_eq!(new["valid_from"], "2026-11-23");
    let link = &new["predecessors"][0];
    assert_eq!((link["from"]["code"].as_str(), link["whole"].as_bool()), (Some(TAN_AN), Some(true)));
    assert_eq!((link["act"].as_str(), link["effective_on"].as_str()), (Some("QĐ 125/QĐ-UBND"), Some("2026-11-23")));
    // The open dossier keeps its code and is now at the new version; the clerk works there.
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{open}"), &clerk).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((d["code"].as_str(), d["current_agency"]["code"].as_str()), (Some(open.as_str()), Some(TAN_AN_V2)));

    // A unit that has ended cannot be renamed again; its new version can.
    let mut again = rename.clone();
    again["new_code"] = json!("000.25.31.H12");
    let (s, b) = app.post_with(&path, &admin, &again).await;
    assert_error(s, &b, 409, "agency_not_valid_then");

    // Audited, with the one-step reorganisation it was made through (listed with the others).
    let audit = changes(&app, &admin).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!((audit[0]["action"].as_str(), audit[0]["agency_code"].as_str()), (Some("rename"), Some(TAN_AN)));
    assert_eq!(audit[0]["detail"]["new_code"], TAN_AN_V2);
    let plan = audit[0]["reorganisation_id"].as_str().unwrap().to_string();
    let (s, plans) = app.get_with("/api/v1/admin/reorganisations", &admin).await;
    assert_eq!(s, 200);
    let loaded = plans.as_array().unwrap().iter().find(|p| p["id"] == plan.as_str()).expect("the rename's plan");
    assert_eq!((loaded["loaded_by"].as_str(), loaded["act"].as_str()), (Some("admin"), Some("QĐ 125/QĐ-UBND")));
}

#[tokio::test]
async fn a_rename_takes_the_units_below_along_and_a_closed_unit_is_taken_in_whole_by_its_successor() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;

    // A district renamed: its communes keep their codes and go under the new version.
    let rename = json!({"new_code": "000.00.46.H12", "new_name": "Quận Ninh Kiều Mới", "effective_on": "2026-11-23",
        "act": "NQ 9/NQ-UBTVQH"});
    let (s, r) = app.post_with(&format!("/api/v1/admin/agencies/{NINH_KIEU_DISTRICT}/rename"), &admin, &rename).await;
    assert_eq!(s, 201, "{r}");
    assert!(r["continued_units"].as_u64().unwrap() >= 2, "{r}");
    let (_, tan_an) = app.get(&format!("/api/v1/agencies/{TAN_AN}")).await;
    assert_eq!((tan_an["parent_code"].as_str(), tan_an["valid_to"].as_str()), (Some("000.00.46.H12"), None));

    // Closing: not a unit with units below it, not into a unit unknown or itself.
    let close = json!({"successor": THOI_BINH, "effective_on": "2026-11-30", "act": "QĐ 200/QĐ-UBND"});
    let (s, b) = app.post_with("/api/v1/admin/agencies/000.00.46.H12/close", &admin, &close).await;
    assert_error(s, &b, 409, "agency_has_units_below");
    let mut unknown = close.clone();
    unknown["successor"] = json!("000.99.31.H12");
    let (s, b) = app.post_with(&format!("/api/v1/admin/agencies/{TAN_AN}/close"), &admin, &unknown).await;
    assert_error(s, &b, 400, "unknown_agency");
    let mut itself = close.clone();
    itself["successor"] = json!(TAN_AN);
    let (s, b) = app.post_with(&format!("/api/v1/admin/agencies/{TAN_AN}/close"), &admin, &itself).await;
    assert_error(s, &b, 409, "successor_not_valid");
    let mut ended = close.clone();
    ended["successor"] = json!(NINH_KIEU_DISTRICT);
    let (s, b) = app.post_with(&format!("/api/v1/admin/agencies/{TAN_AN}/close"), &admin, &ended).await;
    assert_error(s, &b, 409, "successor_not_valid");

    // A close a week ahead waits for its date, then applies once.
    let (s, r) = app.post_with(&format!("/api/v1/admin/agencies/{TAN_AN}/close"), &admin, &close).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["applied"], false);
    let (_, still) = app.get(&format!("/api/v1/agencies/{TAN_AN}")).await;
    assert!(still["valid_to"].is_null(), "{still}");
    let (s, b) = app.post_with(&format!("/api/v1/admin/agencies/{TAN_AN}/close"), &admin, &close).await;
    assert_error(s, &b, 409, "reorganisation_exists");
    app.set_time("2026-11-30T07:00:00+07:00");
    let done = apply_due_on(&mut app.conn(), at("2026-11-30T07:00:00+07:00")).unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    assert!(done[0].moved_accounts.iter().any(|m| m.what == "clerk.tanan" && m.to == THOI_BINH), "{done:?}");
    let (_, closed) = app.get(&format!("/api/v1/agencies/{TAN_AN}")).await;
    assert_eq!((closed["valid_to"].as_str(), closed["held_by"].as_str()), (Some("2026-11-29"), Some(THOI_BINH)));
    let (_, successor) = app.get(&format!("/api/v1/agencies/{THOI_BINH}")).await;
    let link = successor["predecessors"].as_array().unwrap().iter().find(|l| l["from"]["code"] == TAN_AN).cloned();
    let link = link.expect("the successor took the closed unit");
    assert_eq!((link["whole"].as_bool(), link["act"].as_str()), (Some(true), Some("QĐ 200/QĐ-UBND")));

    let audit = changes(&app, &admin).await;
    let actions: Vec<_> =
        audit.iter().map(|c| (c["action"].as_str().unwrap(), c["agency_code"].as_str().unwrap())).collect();
    assert_eq!(actions, vec![("close", TAN_AN), ("rename", NINH_KIEU_DISTRICT)]);
    assert_eq!(audit[0]["detail"]["successor"], THOI_BINH);
}

#[tokio::test]
async fn a_department_renamed_takes_the_steps_of_current_procedures_that_named_it() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    // Cấp GCN quyền sử dụng đất lần đầu: its third step is at the Sở TN&MT by its code.
    let (_, before) = app.get(&format!("/api/v1/procedures/{LAND}")).await;
    assert_eq!(before["steps"][2]["at"], DONRE, "{before}");
    let version = before["version"].as_i64().unwrap();
    let rename = json!({"new_code": "000.00.47.H12", "new_name": "Sở Nông nghiệp và Môi trường",
        "effective_on": "2026-11-23", "act": "QĐ 25/QĐ-UBND"});
    let (s, r) = app.post_with(&format!("/api/v1/admin/agencies/{DONRE}/rename"), &admin, &rename).await;
    assert_eq!(s, 201, "{r}");
    let changed: Vec<&str> = r["relevelled_procedures"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(changed.contains(&format!("{LAND} v{}: {DONRE} → 000.00.47.H12", version + 1).as_str()), "{changed:?}");
    let (_, after) = app.get(&format!("/api/v1/procedures/{LAND}")).await;
    assert_eq!(
        (after["version"].as_i64(), after["steps"][2]["at"].as_str()),
        (Some(version + 1), Some("000.00.47.H12"))
    );
    let (_, sonnmt) = app.get("/api/v1/agencies/000.00.47.H12").await;
    assert_eq!(sonnmt["handles_procedures"], true);
    // A unit that handles no procedure: its new version does not either.
    let office = json!({"new_code": "000.00.48.H12", "new_name": "Văn phòng UBND thành phố (mới)",
        "effective_on": "2026-11-23", "act": "QĐ 26/QĐ-UBND"});
    let (s, r) = app.post_with("/api/v1/admin/agencies/000.00.01.H12/rename", &admin, &office).await;
    assert_eq!(s, 201, "{r}");
    let (_, office) = app.get("/api/v1/agencies/000.00.48.H12").await;
    assert_eq!((office["handles_procedures"].as_bool(), office["kind"].as_str()), (Some(false), Some("department")));
    // Dossiers are received under the new version (intake resolves its route).
    let clerk = app.login("clerk.tanan", PW).await;
    intake(&app, &clerk, LAND).await;
}

#[tokio::test]
async fn a_plan_renaming_a_unit_in_place_is_refused_a_rename_needs_a_new_code() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let plan = json!({"id": "doi-ten-tai-cho", "effective_on": "2026-12-01", "act": "QĐ 1/QĐ-UBND",
        "act_date": "2026-11-20", "title": "Đổi tên tại chỗ", "new_units": [],
        "continued_units": [{"code": TAN_AN, "name": "Phường Tân An Mới"}], "ended_units": [], "holdings": []});
    let (s, b) = app.post_with("/api/v1/admin/reorganisations?dry_run=true", &admin, &plan).await;
    assert_error(s, &b, 422, "reorganisation_refused");
    assert!(b["message"].as_str().unwrap().contains("a rename is a new version of the unit with a new code"), "{b}");
}

#[tokio::test]
async fn the_administrators_pages_show_the_tree_a_unit_and_the_plans_and_take_their_forms() {
    let app = spawn_app_at(MONDAY).await;
    let admin = sign_in(&app, "admin", PW).await;

    let home = get(&app, "/quan-tri", Some(&admin)).await;
    assert!(home.body.contains("href=\"/quan-tri/co-quan\"") && home.body.contains("href=\"/quan-tri/sap-xep\""));
    let tree = get(&app, "/quan-tri/co-quan", Some(&admin)).await;
    assert_eq!(tree.status, 200, "{}", tree.body);
    assert!(tree.body.contains("Các đơn vị hoạt động ngày 23/11/2026"));
    assert!(tree.body.contains(&format!("<a href=\"/quan-tri/co-quan/{TAN_AN}\">Phường Tân An</a>")));
    let bad_day = get(&app, "/quan-tri/co-quan?ngay=2026-02-30", Some(&admin)).await;
    assert_eq!(bad_day.status, 400);

    // A refused form is shown again with the values typed and the field marked.
    let create = [
        ("code", "000.1.31.H12"),
        ("name", "Phường Thử Nghiệm"),
        ("level", "commune"),
        ("kind", "people_committee"),
        ("parent_code", NINH_KIEU_DISTRICT),
        ("valid_from", ""),
        ("handles_procedures", "1"),
    ];
    let p = post_form(&app, "/quan-tri/co-quan", Some(&admin), &create).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("value=\"000.1.31.H12\" aria-invalid=\"true\""), "{}", p.body);
    assert!(p.body.contains("value=\"Phường Thử Nghiệm\""));
    let mut create = create;
    create[0].1 = NEW_WARD;
    let p = post_form(&app, "/quan-tri/co-quan", Some(&admin), &create).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(p.location.starts_with("/quan-tri/co-quan?ngay=2026-11-23&da_luu="), "{}", p.location);

    // A rename: a dry run first (the page shows what it would do), then applied.
    let rename = [
        ("code", TAN_AN),
        ("new_code", TAN_AN_V2),
        ("new_name", "Phường Tân An Mới"),
        ("effective_on", "2026-11-23"),
        ("act", "QĐ 125/QĐ-UBND"),
        ("act_date", ""),
        ("action", "dry_run"),
    ];
    let p = post_form(&app, "/quan-tri/co-quan/doi-ten", Some(&admin), &rename).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Kết quả chạy thử") && p.body.contains("Đơn vị mới: 1"), "{}", p.body);
    assert!(p.body.contains("value=\"Phường Tân An Mới\""), "the values are kept");
    let mut apply = rename;
    apply[6].1 = "apply";
    let p = post_form(&app, "/quan-tri/co-quan/doi-ten", Some(&admin), &apply).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = post_form(&app, "/quan-tri/co-quan/doi-ten", Some(&admin), &apply).await;
    assert_eq!(p.status, 409, "{}", p.body);
    assert!(p.body.contains("aria-invalid=\"true\""), "{}", p.body);

    // The unit's page: validity, the successor and the act; the changes made.
    let old = get(&app, &format!("/quan-tri/co-quan/{TAN_AN}"), Some(&admin)).await;
    assert_eq!(old.status, 200, "{}", old.body);
    assert!(old.body.contains("đến 22/11/2026"), "{}", old.body);
    assert!(old
        .body
        .contains(&format!("<a href=\"/quan-tri/co-quan/{TAN_AN_V2}\">Phường Tân An Mới ({TAN_AN_V2})</a>")));
    assert!(old.body.contains("toàn bộ") && old.body.contains("QĐ 125/QĐ-UBND"));
    assert!(old.body.contains("Đổi tên (phiên bản mới)"));
    let new = get(&app, &format!("/quan-tri/co-quan/{TAN_AN_V2}"), Some(&admin)).await;
    assert!(new.body.contains(&format!("<a href=\"/quan-tri/co-quan/{TAN_AN}\">Phường Tân An ({TAN_AN})</a>")));
    // The tree of a day before the rename still shows the old unit; of today, the new version.
    let before = get(&app, "/quan-tri/co-quan?ngay=2026-11-22", Some(&admin)).await;
    let old_line = format!("<a href=\"/quan-tri/co-quan/{TAN_AN}\">Phường Tân An</a>");
    let new_line = format!("<a href=\"/quan-tri/co-quan/{TAN_AN_V2}\">Phường Tân An Mới</a>");
    assert!(before.body.contains(&old_line) && !before.body.contains(&new_line), "{}", before.body);
    let today = get(&app, "/quan-tri/co-quan", Some(&admin)).await;
    assert!(today.body.contains(&new_line) && !today.body.contains(&old_line), "ended yesterday");

    // The plans page: the rename's plan, loaded by the administrator; a plan's dry run and problems.
    let plans = get(&app, "/quan-tri/sap-xep", Some(&admin)).await;
    assert_eq!(plans.status, 200, "{}", plans.body);
    assert!(
        plans.body.contains(&format!("rename-{TAN_AN}-{TAN_AN_V2}")) && plans.body.contains("admin, "),
        "{}",
        plans.body
    );
    let plan = json!({"id": "gop-thoi-binh", "effective_on": "2026-12-01", "act": "QĐ 300/QĐ-UBND",
        "act_date": "2026-11-20", "title": "Kết thúc phường Thới Bình", "new_units": [],
        "ended_units": [THOI_BINH], "holdings": [{"ended": THOI_BINH, "holder": NEW_WARD}]})
    .to_string();
    let p = post_form(&app, "/quan-tri/sap-xep", Some(&admin), &[("plan", &plan), ("action", "dry_run")]).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("Kết quả chạy thử: gop-thoi-binh") && p.body.contains("Đơn vị kết thúc: 1"), "{}", p.body);
    let refused =
        plan.replace(NEW_WARD, BINH_THUY_DISTRICT).replace("\"ended_units\":[", "\"ended_units\":[\"000.00.99.H12\",");
    let p = post_form(&app, "/quan-tri/sap-xep", Some(&admin), &[("plan", &refused), ("action", "dry_run")]).await;
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.body.contains("ended unit 000.00.99.H12 is not a unit valid before the plan"), "{}", p.body);
    let p = post_form(&app, "/quan-tri/sap-xep", Some(&admin), &[("plan", "{ not json"), ("action", "apply")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains("{ not json"), "the text is kept");
    let p = post_form(&app, "/quan-tri/sap-xep", Some(&admin), &[("plan", &plan), ("action", "apply")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let plans = get(&app, "/quan-tri/sap-xep", Some(&admin)).await;
    assert!(plans.body.contains("gop-thoi-binh") && plans.body.contains("Chờ đến ngày hiệu lực"), "{}", plans.body);

    // Staff are refused.
    let clerk = sign_in(&app, "clerk.tanan", PW).await;
    for path in ["/quan-tri/co-quan", "/quan-tri/sap-xep", &format!("/quan-tri/co-quan/{TAN_AN}")] {
        assert_eq!(get(&app, path, Some(&clerk)).await.status, 403, "{path}");
    }
}
