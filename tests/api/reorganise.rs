//! Applying a reorganisation plan (issue 13): the merged Cần Thơ of 01/07/2025 from the shipped
//! plan (NQ 1668/NQ-UBTVQH15), its dry run, open dossiers and accounts moving to the holders, and a
//! later plan applied once when its date comes. SQLite, or PostgreSQL with TEST_DATABASE_URL.
use crate::common::{assert_error, manifest_dir, spawn_app_at, TestApp};
use chrono::{DateTime, Utc};
use motcua::error::AppError;
use motcua::services::reorganise::{apply_due_on, load_on, Report};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const TAN_AN: &str = "000.01.31.H12";
const NINH_KIEU_DISTRICT: &str = "000.00.31.H12";
/// The new phường Ninh Kiều (NQ 1668 khoản 1): former Tân An, Thới Bình, Xuân Khánh.
const NINH_KIEU: &str = "000.01.61.H12";
/// Cấp GCN quyền sử dụng đất lần đầu: commune → district → Sở TN&MT → district → commune.
const LAND: &str = "1.003554";
/// Liên thông khai sinh – thường trú – BHYT: commune.
const BIRTH: &str = "1.003583";

fn cantho_plan() -> String {
    std::fs::read_to_string(manifest_dir().join("seeds/reorganisations/cantho-2025-07-01.json")).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn load(app: &TestApp, plan: &str, now: &str, dry_run: bool) -> Result<Report, AppError> {
    load_on(&mut app.conn(), plan, at(now), dry_run)
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

async fn count(app: &TestApp, query: &str, level: &str) -> usize {
    let (s, list) = app.get(&format!("/api/v1/agencies?{query}")).await;
    assert_eq!(s, 200, "{list}");
    list.as_array().unwrap().iter().filter(|a| a["level"] == level).count()
}

fn moved<'a>(r: &'a Report, what: &str) -> Option<(&'a str, &'a str)> {
    r.moved_dossiers.iter().chain(&r.moved_accounts).find(|m| m.what == what).map(|m| (m.from.as_str(), m.to.as_str()))
}

#[tokio::test]
async fn the_merged_can_tho_replaces_the_old_city_on_1_july_2025_and_open_dossiers_follow() {
    let app = spawn_app_at("2025-06-20T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let land = intake(&app, &clerk, LAND).await;
    let (s, d) =
        app.post_with(&format!("/api/v1/dossiers/{land}/actions"), &clerk, &json!({"action": "transfer"})).await;
    assert_eq!((s, d["current_agency"]["code"].as_str()), (200, Some(NINH_KIEU_DISTRICT)), "{d}");
    let birth = intake(&app, &clerk, BIRTH).await;

    // A dry run reports every change and keeps none.
    let dry = load(&app, &cantho_plan(), "2025-07-01T08:00:00+07:00", true).unwrap();
    assert!(dry.applied && dry.dry_run);
    assert_eq!((dry.new_units, dry.continued_units, dry.ended_units), (99, 6, 90));
    assert_eq!(moved(&dry, &land), Some((NINH_KIEU_DISTRICT, NINH_KIEU)), "{dry:?}");
    assert_eq!(moved(&dry, "clerk.tanan"), Some((TAN_AN, NINH_KIEU)));
    assert_eq!(count(&app, "at=2026-12-02", "district").await, 9, "the dry run kept nothing");
    assert_eq!(count(&app, "at=2026-12-02", "commune").await, 85);

    app.set_time("2025-07-01T08:00:00+07:00");
    let r = load(&app, &cantho_plan(), "2025-07-01T08:00:00+07:00", false).unwrap();
    assert!(r.applied && !r.dry_run);
    assert_eq!(r.lineage_links, 267);
    assert_eq!(moved(&r, &land), Some((NINH_KIEU_DISTRICT, NINH_KIEU)));
    assert_eq!(moved(&r, &birth), Some((TAN_AN, NINH_KIEU)));
    for (who, to) in [("clerk.tanan", NINH_KIEU), ("clerk.ninhkieu", NINH_KIEU), ("clerk.phongdien", "000.01.62.H12")] {
        assert_eq!(moved(&r, who).map(|m| m.1), Some(to), "{who}");
    }
    assert!(moved(&r, "clerk.stnmt").is_none(), "departments carry over");

    // The hierarchy by date.
    assert_eq!(
        (count(&app, "at=2026-12-02", "district").await, count(&app, "at=2026-12-02", "commune").await),
        (0, 103)
    );
    assert_eq!(
        (count(&app, "at=2024-06-01", "district").await, count(&app, "at=2024-06-01", "commune").await),
        (9, 85)
    );
    assert_eq!(count(&app, "", "commune").await, 103, "today's tree by default");
    let (_, list) = app.get("/api/v1/agencies?at=2026-12-02&level=commune").await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("Phường ")).count(), 31);
    assert_eq!(names.iter().filter(|n| n.starts_with("Xã ")).count(), 72);
    let (_, old) = app.get(&format!("/api/v1/agencies/{TAN_AN}")).await;
    assert_eq!((old["valid_to"].as_str(), old["name"].as_str()), (Some("2025-06-30"), Some("Phường Tân An")));
    let (_, l) = app.get(&format!("/api/v1/agencies/{NINH_KIEU}/lineage")).await;
    let from: Vec<&str> =
        l["ancestry"].as_array().unwrap().iter().map(|l| l["from"]["name"].as_str().unwrap()).collect();
    for former in ["Phường Tân An", "Phường Thới Bình", "Phường Xuân Khánh"] {
        assert!(from.contains(&former), "{former} missing from {from:?}");
    }
    assert_eq!(l["ancestry"][0]["act"], "NQ 1668/NQ-UBTVQH15");
    assert_eq!(l["ancestry"][0]["effective_on"], "2025-07-01");

    // A token issued before the move names the ended unit: refused, the clerk signs in again.
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{birth}"), &clerk).await;
    assert_error(s, &b, 401, "invalid_token");
    assert!(b["message"].as_str().unwrap().contains("another agency"), "{b}");

    // The open dossiers: held by the successor, codes unchanged, received where they were.
    let clerk = app.login("clerk.tanan", PW).await;
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{birth}"), &clerk).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["code"], birth.as_str());
    assert_eq!(
        (d["current_agency"]["code"].as_str(), d["receiving_agency"]["code"].as_str()),
        (Some(NINH_KIEU), Some(TAN_AN))
    );
    let last = d["history"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (last["action"].as_str(), last["from_agency"]["name"].as_str()),
        (Some("reorganise"), Some("Phường Tân An"))
    );
    assert_eq!(last["to_agency"]["name"], "Phường Ninh Kiều");
    assert!(last["note"].as_str().unwrap().starts_with("NQ 1668/NQ-UBTVQH15"), "{last}");
    assert!(
        d["allowed_actions"].as_array().unwrap().contains(&json!("transfer")),
        "the new ward's clerk carries it on: {d}"
    );
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{land}"), &app.login("leader.tp", PW).await).await;
    assert_eq!(d["current_agency"]["code"], NINH_KIEU);
    assert_eq!(d["history"][0]["to_agency"]["name"], "Phường Tân An", "history keeps the old names");

    // An ended unit receives nothing more; the refusal names its successor.
    let citizen = app.login("citizen.an", PW).await;
    let body = json!({"procedure_code": "2.000720", "channel": "online", "agency_code": NINH_KIEU_DISTRICT,
        "applicant": {"name": "Lê Thị An", "id_number": "092190000001", "phone": "0913 000 222", "email": null,
                      "address": "1 Hòa Bình, Cần Thơ"},
        "documents": ["Giấy đề nghị"]});
    let (s, b) = app.post_with("/api/v1/dossiers", &citizen, &body).await;
    assert_error(s, &b, 409, "agency_ended");
    assert!(b["message"].as_str().unwrap().contains(NINH_KIEU), "{b}");

    // The district's procedures go to the communes: a new current version of each, received by a
    // ward; the dossiers made before keep the version they were made under.
    let relevelled = &r.relevelled_procedures;
    for code in ["2.000720", LAND, BIRTH] {
        assert!(
            relevelled.iter().any(|p| p.starts_with(&format!("{code} v")) && p.ends_with("district → commune")),
            "{code}: {relevelled:?}"
        );
    }
    let (_, p) = app.get("/api/v1/procedures/2.000720").await;
    assert_eq!(
        (p["competent_level"].as_str(), p["receiving_levels"].clone()),
        (Some("commune"), json!(["commune"])),
        "{p}"
    );
    let mut body = body;
    body["agency_code"] = NINH_KIEU.into();
    let (s, d) = app.post_with("/api/v1/dossiers", &citizen, &body).await;
    assert_eq!((s, d["receiving_agency"]["code"].as_str()), (201, Some(NINH_KIEU)), "{d}");
    let version = |code_or_reference: &str| -> i32 {
        use diesel::prelude::*;
        use motcua::storage::schema::{dossiers, procedures};
        dossiers::table
            .inner_join(procedures::table)
            .filter(dossiers::code.eq(code_or_reference).or(dossiers::reference.eq(code_or_reference)))
            .select(procedures::version)
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(version(&land), 1, "the land dossier keeps the version it was received under");
    let (_, land_now) = app.get("/api/v1/procedures/1.003554").await;
    assert!(land_now["version"].as_i64().unwrap() > 1, "{land_now}");
    assert_eq!(version(d["reference"].as_str().unwrap()), p["version"].as_i64().unwrap() as i32);

    // Once only.
    let e = load(&app, &cantho_plan(), "2025-07-02T08:00:00+07:00", false).unwrap_err();
    assert_eq!(e.code().as_str(), "reorganisation_exists");
}

/// A later plan: the new Ninh Kiều and Cái Khế merge on 01/01/2027 (a test's invention).
fn later_plan(with_holdings: bool) -> String {
    let holdings = if with_holdings {
        json!([{"ended": NINH_KIEU, "holder": "000.01.63.H12"}, {"ended": "000.02.61.H12", "holder": "000.01.63.H12"}])
    } else {
        json!([])
    };
    json!({"id": "test-2027", "effective_on": "2027-01-01", "act": "NQ 9999 (test)", "act_date": "2026-11-01",
        "title": "test", "new_units": [{"code": "000.01.63.H12", "name": "Phường Hợp Nhất", "level": "commune",
        "kind": "people_committee", "parent_code": "000.00.00.H12", "provisional_code": true, "clause": null,
        "from": [{"code": NINH_KIEU, "whole": true}, {"code": "000.02.61.H12", "whole": true}]}],
        "continued_units": [], "ended_units": [NINH_KIEU, "000.02.61.H12"], "holdings": holdings})
    .to_string()
}

#[tokio::test]
async fn a_plan_for_a_later_date_waits_for_it_and_is_applied_once_and_a_bad_plan_is_refused_with_its_problems() {
    let app = spawn_app_at("2025-06-20T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let birth = intake(&app, &clerk, BIRTH).await;
    load(&app, &cantho_plan(), "2025-07-01T08:00:00+07:00", false).unwrap();

    let e = load(&app, &later_plan(false), "2026-12-01T08:00:00+07:00", false).unwrap_err();
    assert_eq!(e.code().as_str(), "reorganisation_refused");
    assert!(e.to_string().contains("has no holder"), "{e}");
    let e = load(&app, "{\"id\": 1}", "2026-12-01T08:00:00+07:00", false).unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_reorganisation_plan");

    let r = load(&app, &later_plan(true), "2026-12-01T08:00:00+07:00", false).unwrap();
    assert!(!r.applied && r.moved_dossiers.is_empty());
    assert!(apply_due_on(&mut app.conn(), at("2026-12-31T23:00:00+07:00")).unwrap().is_empty(), "not yet");
    let (_, a) = app.get("/api/v1/agencies?at=2027-01-02&level=commune").await;
    assert!(!a.as_array().unwrap().iter().any(|a| a["code"] == "000.01.63.H12"), "not applied, not listed");

    // A plan that can no longer be applied when its date comes (a unit took its new code meanwhile)
    // stays unapplied and does not hold the others back.
    let conflicting = json!({"id": "a-conflicting", "effective_on": "2027-01-01", "act": "NQ 9998 (test)",
        "act_date": "2026-11-01", "title": "test", "new_units": [{"code": "000.01.64.H12", "name": "Phường Mới",
        "level": "commune", "kind": "people_committee", "parent_code": "000.00.00.H12", "provisional_code": true,
        "clause": null, "from": [{"code": "000.03.61.H12", "whole": true}]}],
        "ended_units": ["000.03.61.H12"], "holdings": [{"ended": "000.03.61.H12", "holder": "000.01.64.H12"}]});
    load(&app, &conflicting.to_string(), "2026-12-01T08:00:00+07:00", false).unwrap();
    {
        let mut conn = app.conn();
        let mut unit = motcua::storage::agencies::find(&mut conn, "000.03.61.H12").unwrap().unwrap();
        unit.code = "000.01.64.H12".into();
        unit.path = format!("000.00.00.H12/{}", unit.code);
        motcua::storage::agencies::insert(&mut conn, &unit).unwrap();
    }
    let done = apply_due_on(&mut app.conn(), at("2027-01-01T00:05:00+07:00")).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].plan, "test-2027", "the conflicting plan was skipped, the next applied");
    let stuck = motcua::storage::reorganisations::find(&mut app.conn(), "a-conflicting").unwrap().unwrap();
    assert!(stuck.applied_at.is_none());
    // Its reason is kept for the administrators, with when it was found.
    assert!(stuck.failure.as_deref().is_some_and(|f| f.contains("000.01.64.H12")), "{:?}", stuck.failure);
    assert_eq!(stuck.failed_at, Some(at("2027-01-01T00:05:00+07:00").naive_utc()));
    let admin = app.login("admin", PW).await;
    let (_, list) = app.get_with("/api/v1/admin/reorganisations", &admin).await;
    let listed = list.as_array().unwrap().iter().find(|r| r["id"] == "a-conflicting").unwrap();
    assert!(listed["failure"].as_str().is_some_and(|f| !f.is_empty()) && listed["applied_at"].is_null(), "{listed}");
    assert_eq!(moved(&done[0], &birth), Some((NINH_KIEU, "000.01.63.H12")));
    assert!(apply_due_on(&mut app.conn(), at("2027-01-02T00:05:00+07:00")).unwrap().is_empty(), "exactly once");
    let (s, y) = app.get("/api/v1/agencies/000.01.63.H12/lineage").await;
    assert_eq!(s, 200);
    let names: Vec<&str> =
        y["ancestry"].as_array().unwrap().iter().map(|l| l["from"]["name"].as_str().unwrap()).collect();
    assert!(
        names.starts_with(&["Phường Ninh Kiều", "Phường Cái Khế"]) && names.contains(&"Phường Tân An"),
        "{names:?}"
    );
    let (s, b): (u16, Value) = app.get("/api/v1/agencies?at=2027-13-01").await;
    assert_error(s, &b, 400, "invalid_date");
}

#[tokio::test]
async fn the_demo_starts_as_the_merged_city_when_the_seeds_name_the_plan() {
    let app = crate::common::spawn_app_configured(Some("2026-12-02T09:00:00+07:00"), |s| {
        s.seed.reorganisations = vec!["cantho-2025-07-01".into()];
    })
    .await;
    assert_eq!((count(&app, "", "district").await, count(&app, "", "commune").await), (0, 103));
    assert_eq!(count(&app, "at=2025-06-30", "district").await, 9, "the old city, by date");
    let clerk = app.login("clerk.tanan", PW).await;
    let (_, me) = app.get_with("/api/v1/auth/me", &clerk).await;
    assert_eq!(me["agency_code"], NINH_KIEU, "{me}");
    // A former district procedure, received by the ward today.
    let (s, d) = app
        .post_with(
            "/api/v1/dossiers",
            &clerk,
            &json!({"procedure_code": "2.000720", "channel": "direct",
                "applicant": {"name": "Phạm Văn Cường", "id_number": "092190007777", "phone": "0913 000 333",
                              "email": null, "address": "9 Trần Phú, Cần Thơ"},
                "documents": ["Giấy đề nghị"]}),
        )
        .await;
    assert_eq!((s, d["receiving_agency"]["code"].as_str()), (201, Some(NINH_KIEU)), "{d}");
    assert!(d["code"].as_str().unwrap().starts_with("000.01.61.H12-261202-"), "{d}");
}

#[tokio::test]
async fn an_administrator_loads_a_plan_through_the_api_after_a_dry_run_and_reads_who_loaded_it() {
    let app = spawn_app_at("2025-07-02T09:00:00+07:00").await;
    let admin = app.login("admin", PW).await;
    let plan: Value = serde_json::from_str(&cantho_plan()).unwrap();
    let (s, b) = app.post_with("/api/v1/admin/reorganisations", &app.login("clerk.tanan", PW).await, &plan).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.post_with("/api/v1/admin/reorganisations", &admin, &json!({"id": "x"})).await;
    assert_error(s, &b, 400, "invalid_reorganisation_plan");

    let (s, dry) = app.post_with("/api/v1/admin/reorganisations?dry_run=true", &admin, &plan).await;
    assert_eq!(s, 200, "{dry}");
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["new_units"].as_i64(), dry["applied"].as_bool()),
        (Some(true), Some(99), Some(true))
    );
    let (_, list) = app.get_with("/api/v1/admin/reorganisations", &admin).await;
    assert_eq!(list, json!([]), "a dry run keeps nothing");

    let (s, r) = app.post_with("/api/v1/admin/reorganisations", &admin, &plan).await;
    assert_eq!((s, r["ended_units"].as_i64()), (201, Some(90)), "{r}");
    let (_, list) = app.get_with("/api/v1/admin/reorganisations", &admin).await;
    assert_eq!((list[0]["id"].as_str(), list[0]["loaded_by"].as_str()), (Some("cantho-2025-07-01"), Some("admin")));
    assert_eq!(list[0]["loaded_at"], "2025-07-02T09:00:00+07:00");
    assert!(list[0]["applied_at"].is_string() && list[0]["report"]["lineage_links"] == 267, "{}", list[0]);
    let (s, b) = app.post_with("/api/v1/admin/reorganisations", &admin, &plan).await;
    assert_error(s, &b, 409, "reorganisation_exists");
}

/// A plan may disable an ended unit's accounts instead of moving them (`"accounts": "disable"`):
/// the report lists them, they can no longer sign in, and its open dossiers still go to the holder.
#[tokio::test]
async fn a_plan_can_disable_an_ended_units_accounts_instead_of_moving_them() {
    let app = spawn_app_at("2026-12-20T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let birth = intake(&app, &clerk, BIRTH).await;
    let plan = |accounts: &str| {
        json!({"id": "test-disable", "effective_on": "2027-01-01", "act": "NQ 9998 (test)", "act_date": "2026-11-01",
            "title": "test", "new_units": [{"code": "000.01.63.H12", "name": "Phường Hợp Nhất", "level": "commune",
            "kind": "people_committee", "parent_code": NINH_KIEU_DISTRICT, "provisional_code": true, "clause": null,
            "from": [{"code": TAN_AN, "whole": true}]}],
            "continued_units": [], "ended_units": [TAN_AN],
            "holdings": [{"ended": TAN_AN, "holder": "000.01.63.H12", "accounts": accounts}]})
        .to_string()
    };
    let e = load(&app, &plan("fire"), "2027-01-01T08:00:00+07:00", true).unwrap_err();
    assert_eq!(e.code().as_str(), "invalid_reorganisation_plan", "{e:?}");

    app.set_time("2027-01-01T08:00:00+07:00");
    let r = load(&app, &plan("disable"), "2027-01-01T08:00:00+07:00", false).unwrap();
    let disabled: Vec<&str> = r.disabled_accounts.iter().map(|m| m.what.as_str()).collect();
    assert_eq!(disabled, ["clerk.tanan", "leader.tanan", "specialist.tanan"], "{r:?}");
    assert!(r.moved_accounts.is_empty(), "{r:?}");
    assert_eq!(moved(&r, &birth), Some((TAN_AN, "000.01.63.H12")));
    let (s, b) = app.post_json("/api/v1/auth/login", &json!({"username": "clerk.tanan", "password": PW})).await;
    assert!(s == 401 || s == 403, "a disabled account cannot sign in: {s} {b}");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{birth}"), &clerk).await;
    assert_eq!(s, 401, "nor use a token issued before: {b}");
}
