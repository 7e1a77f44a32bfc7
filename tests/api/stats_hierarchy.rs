//! Statistics across a reorganisation (issue 13): random dossier histories that straddle the merged
//! Cần Thơ of 01/07/2025, then Biểu II.06a as is (today's units) and as was (the units of the time)
//! must give the same province total, equal to a naive recomputation from the dossiers, and each
//! line must equal the recomputation over its own dossiers: as was, those received by the agency;
//! as is, those received by any unit whose work it holds (`held_by`, followed to the end). SQLite,
//! or PostgreSQL with TEST_DATABASE_URL.
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use proptest::prelude::*;
use serde_json::Value;

use crate::common::{manifest_dir, spawn_app_configured, TestApp};
use crate::stats_property::{actors, columns, naive, plan, play, vn, Cutover, Plan};

/// The new phường Ninh Kiều, holder of the former quận Ninh Kiều (NQ 1668 khoản 1).
const NINH_KIEU: &str = "000.01.61.H12";

fn start() -> DateTime<FixedOffset> {
    // Lives start over seven weeks from here: before, across and after the cutover.
    vn().with_ymd_and_hms(2025, 6, 2, 8, 0, 0).unwrap()
}

/// Follows `held_by` to the unit that holds an agency's work today (memoised per code).
async fn holder(app: &TestApp, code: &str, known: &mut HashMap<String, String>) -> String {
    let mut at = code.to_string();
    for _ in 0..10 {
        if let Some(h) = known.get(&at) {
            return h.clone();
        }
        let (s, a) = app.get(&format!("/api/v1/agencies/{at}")).await;
        assert_eq!(s, 200, "{a}");
        match a["agency"]["held_by"].as_str().or(a["held_by"].as_str()) {
            Some(next) => at = next.to_string(),
            None => break,
        }
    }
    known.insert(code.to_string(), at.clone());
    at
}

async fn report(app: &TestApp, token: &str, query: &str) -> Value {
    let (s, r) = app.get_with(&format!("/api/v1/stats/report?{query}"), token).await;
    assert_eq!(s, 200, "{query}: {r}");
    r
}

async fn check(plans: Vec<Plan>) {
    let app =
        spawn_app_configured(Some("2025-06-02T08:00:00+07:00"), |s| s.submissions.max_pending_per_account = 100).await;
    let mut a = actors(&app).await;
    let cutover = Cutover {
        at: vn().with_ymd_and_hms(2025, 7, 1, 0, 0, 0).unwrap(),
        plan: std::fs::read_to_string(manifest_dir().join("seeds/reorganisations/cantho-2025-07-01.json")).unwrap(),
        online_agency: NINH_KIEU,
    };
    let codes = play(&app, &mut a, &plans, start(), Some(&cutover)).await;
    // A leader of the city (the province continues through the reorganisation) reads everything.
    let city = a.city.clone();
    let mut dossiers = Vec::new();
    let mut known = HashMap::new();
    let mut holders = Vec::new();
    for code in &codes {
        let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &city).await;
        assert_eq!(s, 200, "{d}");
        let received_by = d["receiving_agency"]["code"].as_str().unwrap_or_default().to_string();
        holders.push(if received_by.is_empty() { None } else { Some(holder(&app, &received_by, &mut known).await) });
        dossiers.push(d);
    }
    let periods = [
        ("2025-06-01", "2025-06-30"),
        ("2025-07-01", "2025-08-31"),
        ("2025-06-15", "2025-07-15"),
        ("2025-01-01", "2025-12-31"),
        ("2025-06-30", "2025-07-01"),
    ];
    for (from, to) in periods {
        let (f, t): (NaiveDate, NaiveDate) = (from.parse().unwrap(), to.parse().unwrap());
        let expected = naive(&dossiers, f, t);
        let base = format!("from={from}&to={to}");
        let as_is = report(&app, &city, &base).await;
        assert_eq!(as_is["hierarchy"], "as_is", "the default");
        let as_was = report(&app, &city, &format!("{base}&hierarchy=as_was")).await;
        assert_eq!(columns(&as_is["total"]), expected, "as is, {from}..{to} for {codes:?}");
        assert_eq!(columns(&as_was["total"]), expected, "as was, {from}..{to}");

        let was = report(&app, &city, &format!("{base}&group_by=agency&hierarchy=as_was")).await;
        for line in was["rows"].as_array().unwrap() {
            let mine: Vec<Value> =
                dossiers.iter().filter(|d| d["receiving_agency"]["code"] == line["key"]).cloned().collect();
            assert_eq!(columns(line), naive(&mine, f, t), "as was {from}..{to} {}", line["key"]);
        }
        let is = report(&app, &city, &format!("{base}&group_by=agency")).await;
        for line in is["rows"].as_array().unwrap() {
            let key = line["key"].as_str().unwrap();
            let mine: Vec<Value> = dossiers
                .iter()
                .zip(&holders)
                .filter(|(_, h)| h.as_deref() == Some(key))
                .map(|(d, _)| d.clone())
                .collect();
            assert_eq!(columns(line), naive(&mine, f, t), "as is {from}..{to} {key}");
        }
        // As is, no line is a unit that has ended; by level, the district level is gone.
        for line in is["rows"].as_array().unwrap() {
            assert!(known.values().any(|h| h == line["key"].as_str().unwrap()), "{line}");
        }
        let levels = report(&app, &city, &format!("{base}&group_by=level")).await;
        assert!(levels["rows"].as_array().unwrap().iter().all(|l| l["key"] != "district"), "{levels}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, max_shrink_iters: 10, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn as_is_and_as_was_agree_with_the_dossiers_across_the_2025_reorganisation(
        plans in proptest::collection::vec(plan(), 1..12)
    ) {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(check(plans));
    }
}

/// The choices are checked: an unknown hierarchy, or reading an ended unit as is, answers 400 with
/// a code a client can act on; the ended unit reads as was.
#[tokio::test]
async fn a_wrong_hierarchy_or_an_ended_unit_as_is_is_refused_with_a_clear_code() {
    let app = spawn_app_configured(Some("2025-07-02T08:00:00+07:00"), |_| {}).await;
    let plan = std::fs::read_to_string(manifest_dir().join("seeds/reorganisations/cantho-2025-07-01.json")).unwrap();
    let now = app.clock.now();
    motcua::services::reorganise::load_on(&mut app.conn(), &plan, now, false).unwrap();
    let city = app.login("leader.tp", "motcua-demo").await;
    let (s, b) = app.get_with("/api/v1/stats/report?from=2025-01-01&to=2025-06-30&hierarchy=as_of", &city).await;
    crate::common::assert_error(s, &b, 400, "invalid_hierarchy");
    let district = "/api/v1/stats/report?from=2025-01-01&to=2025-06-30&agency=000.00.31.H12";
    let (s, b) = app.get_with(district, &city).await;
    crate::common::assert_error(s, &b, 400, "agency_ended_as_is");
    assert!(b["message"].as_str().unwrap().contains(NINH_KIEU), "names the holder: {b}");
    let (s, b) = app.get_with(&format!("{district}&hierarchy=as_was"), &city).await;
    assert_eq!((s, b["agency_code"].as_str()), (200, Some("000.00.31.H12")), "{b}");
    let (s, b) = app.get_with("/api/v1/stats/kpis?from=2025-01-01&to=2025-06-30&hierarchy=as_was", &city).await;
    assert_eq!((s, b["hierarchy"].as_str()), (200, Some("as_was")), "{b}");

    // The dashboard offers the same choice: as was, the ended district with its last day; as is, not at all.
    let page = |path: String| {
        let req = app.client.get(app.url(&path)).bearer_auth(&city);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let dash = "/lanh-dao?from=2025-01-01&to=2025-06-30&agency=000.00.31.H12";
    let (s, html) = page(format!("{dash}&hierarchy=as_was")).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains(r#"<option value="as_was" selected>"#), "{html}");
    assert!(
        html.contains(r#"<option value="000.00.31.H12" selected>Quận Ninh Kiều (đến 30/06/2025)</option>"#),
        "{html}"
    );
    let (s, html) = page(dash.to_string()).await;
    assert_eq!(s, 400);
    assert!(html.contains("không thuộc phạm vi"), "{html}");
    assert!(!html.contains(r#"<option value="000.00.31.H12""#), "as is lists today's units only");
    let (s, html) = page(format!("{dash}&hierarchy=hom-qua")).await;
    assert_eq!(s, 400);
    assert!(html.contains("Cách xếp số liệu theo đơn vị “hom-qua” không hợp lệ."), "{html}");
}

/// The leaders of a unit that took an ended one's work read its history as it was; others do not.
#[tokio::test]
async fn the_successors_leaders_read_the_ended_units_history_as_it_was() {
    let app = spawn_app_configured(Some("2025-07-02T08:00:00+07:00"), |_| {}).await;
    let plan = std::fs::read_to_string(manifest_dir().join("seeds/reorganisations/cantho-2025-07-01.json")).unwrap();
    let now = app.clock.now();
    motcua::services::reorganise::load_on(&mut app.conn(), &plan, now, false).unwrap();
    // leader.tanan now leads the new phường Ninh Kiều, which holds the former phường Tân An's work.
    let ward = app.login("leader.tanan", "motcua-demo").await;
    let old_tan_an = "/api/v1/stats/report?from=2025-01-01&to=2025-06-30&agency=000.01.31.H12";
    let (s, b) = app.get_with(&format!("{old_tan_an}&hierarchy=as_was"), &ward).await;
    assert_eq!((s, b["agency_code"].as_str()), (200, Some("000.01.31.H12")), "{b}");
    // The former quận Ninh Kiều too (held by the new phường Ninh Kiều).
    let (s, b) = app
        .get_with("/api/v1/stats/report?from=2025-01-01&to=2025-06-30&agency=000.00.31.H12&hierarchy=as_was", &ward)
        .await;
    assert_eq!(s, 200, "{b}");
    // Not a unit whose work went elsewhere, nor for a department's leader.
    let (s, b) = app
        .get_with("/api/v1/stats/report?from=2025-01-01&to=2025-06-30&agency=000.00.36.H12&hierarchy=as_was", &ward)
        .await;
    crate::common::assert_error(s, &b, 403, "out_of_scope");
    let department = app.login("leader.stp", "motcua-demo").await;
    let (s, b) = app.get_with(&format!("{old_tan_an}&hierarchy=as_was"), &department).await;
    crate::common::assert_error(s, &b, 403, "out_of_scope");
}
