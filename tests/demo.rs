//! The demo history `cargo run` makes on its first start: dossiers made through the real use
//! cases at past moments, which the official report and the inboxes then show.
mod common;

use chrono::{Duration, Utc};
use motcua::services::demo::{self, DemoReport};
use motcua::services::dossiers::Links;
use motcua::storage::outbox;

const PW: &str = "motcua-demo";

#[tokio::test]
async fn the_demo_history_goes_through_the_use_cases_and_adds_up_in_the_official_report() {
    let app = common::spawn_app().await;
    let pool = motcua::startup::connect(&app.settings).expect("pool");
    let links = Links { public_url: app.address.clone() };
    let now = Utc::now();

    let made = demo::load_history(&pool, &links, now, 30).await.expect("demo history");
    assert!(made.dossiers >= 15, "{made}");
    // A month back, a third or more are finished (the longest procedures take 30 working days); the
    // newest are still open.
    assert!(made.finished * 3 > made.dossiers && made.finished < made.dossiers, "{made}");
    assert!(made.actions > 3 * made.finished, "intake, transfers, approval, hand-back: {made}");
    // Only on a database without dossiers: a second start makes nothing.
    assert_eq!(demo::load_history(&pool, &links, now, 30).await.unwrap(), DemoReport::default());
    // Demo applicants asked for no notices.
    assert_eq!(outbox::count_with_status(&mut app.conn(), "pending").unwrap(), 0);

    // Biểu II.06a over the whole span counts every demo dossier, and its columns add up.
    let leader = app.login("leader.tp", PW).await;
    let (from, to) = ((now - Duration::days(40)).date_naive(), (now + Duration::days(1)).date_naive());
    let (s, report) = app.get_with(&format!("/api/v1/stats/report?from={from}&to={to}"), &leader).await;
    assert_eq!(s, 200, "{report}");
    let total = &report["total"];
    let n = |k: &str| total[k].as_i64().unwrap_or_else(|| panic!("{k} in {total}"));
    assert_eq!(n("received_total") as usize, made.dossiers, "{total}");
    assert_eq!(n("carried_over"), 0);
    assert!(n("resolved_total") as usize >= made.finished, "returned ones are resolved: {total}");
    assert_eq!(n("received_total"), n("resolved_total") + n("pending_total"), "3 = 7 + 11: {total}");
    assert!(n("received_online") > 0 && n("received_direct") > 0, "both channels: {total}");
}
