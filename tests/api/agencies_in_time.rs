//! Agencies in time (issue 13): validity by date and lineage, read through the API. The
//! reorganisation is written here through storage; applying a plan file comes with the plan.
use crate::common::{assert_error, spawn_app_at, TestApp};
use chrono::NaiveDate;
use diesel::prelude::*;
use motcua::storage::{agencies, reorganisations, schema};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Two generations: the wards A (000.01.31.H12) and B (000.02.31.H12) end on 30/06/2025 and
/// make X (provisional), with part of an outside unit; X ends on 31/12/2025 and makes Y.
fn reorganise(app: &TestApp) {
    let mut conn = app.conn();
    let now = day("2025-06-01").and_hms_opt(0, 0, 0).unwrap();
    let province = agencies::find(&mut conn, "000.00.00.H12").unwrap().unwrap();
    for (id, on, act) in [("r1", "2025-07-01", "NQ 1668/NQ-UBTVQH15"), ("r2", "2026-01-01", "NQ 9999 (test)")] {
        reorganisations::insert(
            &mut conn,
            &reorganisations::ReorganisationRow {
                id: id.into(),
                effective_on: day(on),
                act: act.into(),
                title: id.into(),
                plan: "{}".into(),
                loaded_at: now,
                loaded_by: None,
                applied_at: Some(now),
                report: None,
                failure: None,
                failed_at: None,
            },
        )
        .unwrap();
    }
    for (code, name, from, to) in [
        ("000.01.61.H12", "Phường X", "2025-07-01", Some("2025-12-31")),
        ("000.02.61.H12", "Phường Y", "2026-01-01", None),
    ] {
        agencies::insert(
            &mut conn,
            &agencies::AgencyRow {
                code: code.into(),
                name: name.into(),
                short_name: None,
                level: "commune".into(),
                kind: "people_committee".into(),
                parent_code: Some(province.code.clone()),
                path: format!("{}/{code}", province.path),
                handles_procedures: true,
                created_at: now,
                valid_from: Some(day(from)),
                valid_to: to.map(day),
                held_by: None,
                provisional_code: true,
                electronic_id: None,
            },
        )
        .unwrap();
    }
    use schema::agencies::dsl as a;
    diesel::update(a::agencies.filter(a::code.eq_any(["000.01.31.H12", "000.02.31.H12"])))
        .set(a::valid_to.eq(Some(day("2025-06-30"))))
        .execute(&mut conn)
        .unwrap();
    let link =
        |successor: &str, position, code: Option<&str>, name: &str, province: Option<&str>, whole, on, r: &str| {
            reorganisations::LineageRow {
                successor_code: successor.into(),
                position,
                predecessor_code: code.map(Into::into),
                predecessor_name: name.into(),
                predecessor_province: province.map(Into::into),
                whole,
                effective_on: day(on),
                act: if r == "r1" { "NQ 1668/NQ-UBTVQH15".into() } else { "NQ 9999 (test)".into() },
                reorganisation_id: r.into(),
            }
        };
    let rows = [
        link("000.01.61.H12", 1, Some("000.01.31.H12"), "Phường Tân An", None, true, "2025-07-01", "r1"),
        link("000.01.61.H12", 2, Some("000.02.31.H12"), "Phường Cái Khế", None, true, "2025-07-01", "r1"),
        link("000.01.61.H12", 3, None, "Xã Ngoài", Some("Hậu Giang"), false, "2025-07-01", "r1"),
        link("000.02.61.H12", 1, Some("000.01.61.H12"), "Phường X", None, true, "2026-01-01", "r2"),
    ];
    assert_eq!(reorganisations::insert_lineage(&mut conn, &rows).unwrap(), 4);
}

fn codes(list: &serde_json::Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|a| a["code"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_agency_list_is_the_tree_of_the_day_asked_and_of_today_by_default() {
    let app = spawn_app_at("2025-09-10T03:00:00Z").await;
    reorganise(&app);
    let (s, before) = app.get("/api/v1/agencies?at=2025-06-30&level=commune").await;
    assert_eq!(s, 200);
    let before = codes(&before);
    assert!(before.contains(&"000.01.31.H12") && !before.contains(&"000.01.61.H12"), "{before:?}");
    let (_, today) = app.get("/api/v1/agencies?level=commune").await;
    let today = codes(&today);
    assert!(today.contains(&"000.01.61.H12") && !today.contains(&"000.01.31.H12") && !today.contains(&"000.02.31.H12"));
    assert!(!today.contains(&"000.02.61.H12"), "Y does not exist yet in September 2025");
    assert_eq!(before.len(), today.len() + 1, "two wards became one");
    let (_, later) = app.get("/api/v1/agencies?at=2026-12-02&level=commune").await;
    let later = codes(&later);
    assert!(later.contains(&"000.02.61.H12") && !later.contains(&"000.01.61.H12"));

    let (s, b) = app.get("/api/v1/agencies?at=2025-02-30").await;
    assert_error(s, &b, 400, "invalid_date");
}

#[tokio::test]
async fn an_agency_names_its_predecessors_and_successors_and_its_whole_lineage() {
    let app = spawn_app_at("2026-12-02T03:00:00Z").await;
    reorganise(&app);
    let (s, x) = app.get("/api/v1/agencies/000.01.61.H12").await;
    assert_eq!(s, 200, "{x}");
    assert_eq!((x["valid_from"].as_str(), x["valid_to"].as_str()), (Some("2025-07-01"), Some("2025-12-31")));
    assert_eq!(x["provisional_code"], true);
    let from: Vec<(&str, bool)> = x["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["from"]["name"].as_str().unwrap(), l["whole"] == true))
        .collect();
    assert_eq!(from, [("Phường Tân An", true), ("Phường Cái Khế", true), ("Xã Ngoài", false)]);
    assert_eq!(x["predecessors"][2]["from"]["code"], serde_json::Value::Null);
    assert_eq!(x["predecessors"][2]["from"]["province"], "Hậu Giang");
    assert_eq!(x["predecessors"][0]["act"], "NQ 1668/NQ-UBTVQH15");
    assert_eq!(x["successors"][0]["to"]["code"], "000.02.61.H12");
    assert_eq!(x["successors"][0]["to"]["name"], "Phường Y");

    let (_, old) = app.get("/api/v1/agencies/000.01.31.H12").await;
    assert_eq!(old["valid_to"], "2025-06-30");
    assert_eq!(old["successors"][0]["to"]["name"], "Phường X");
    assert_eq!(old["predecessors"], serde_json::json!([]));

    let (s, l) = app.get("/api/v1/agencies/000.02.61.H12/lineage").await;
    assert_eq!(s, 200, "{l}");
    let ancestry: Vec<&str> =
        l["ancestry"].as_array().unwrap().iter().map(|l| l["from"]["name"].as_str().unwrap()).collect();
    assert_eq!(ancestry, ["Phường X", "Phường Tân An", "Phường Cái Khế", "Xã Ngoài"], "newest generation first");
    assert_eq!(l["descent"], serde_json::json!([]));
    let (_, l) = app.get("/api/v1/agencies/000.01.31.H12/lineage").await;
    let descent: Vec<&str> =
        l["descent"].as_array().unwrap().iter().map(|l| l["to"]["code"].as_str().unwrap()).collect();
    assert_eq!(descent, ["000.01.61.H12", "000.02.61.H12"], "oldest generation first");

    let (s, b) = app.get("/api/v1/agencies/000.09.99.H12/lineage").await;
    assert_error(s, &b, 404, "agency_not_found");
}
