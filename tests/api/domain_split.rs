//! The domain's rules and labels against what the running app shows (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL): the inbox's urgency is `Urgency::of`, the forms' words are `domain::labels`.
use crate::common;

use chrono::{DateTime, Utc};
use common::web::{get, sign_in};
use common::{spawn_app_at, TestApp};
use motcua::domain::calendar::{Timeliness, WorkingCalendar};
use motcua::domain::dossier::{Status, Urgency};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days.
const HOUSEHOLD_BUSINESS: &str = "2.000720";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2026-11-23T09:00:00+07:00";

async fn intake(app: &TestApp, token: &str) -> String {
    let body = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "direct", "documents": ["Đơn đề nghị"],
        "applicant": {"name": "Trần Văn Bình", "id_number": "092190003333", "phone": "0913333333", "address": "Ninh Kiều"}});
    let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
    assert_eq!(s, 201, "{b}");
    b["code"].as_str().unwrap().to_string()
}

fn instant(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| DateTime::parse_from_rfc3339(s).expect("RFC 3339").with_timezone(&Utc))
}

#[tokio::test]
async fn the_inbox_page_ranks_and_names_urgency_as_the_domain_rule_does() {
    let app = spawn_app_at(MONDAY).await;
    let token = app.login("clerk.ninhkieu", PW).await;
    let late = intake(&app, &token).await;
    let waiting = intake(&app, &token).await;
    let (s, b) = app
        .post_with(
            &format!("/api/v1/dossiers/{waiting}/actions"),
            &token,
            &json!({"action": "request_supplement", "missing": ["Bản sao CCCD"]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    app.set_time("2026-12-07T09:00:00+07:00");
    let fresh = intake(&app, &token).await;
    app.set_time("2026-12-07T10:00:00+07:00");
    let now = app.clock.now();
    // 23/11–10/12/2026 holds no public holiday: weekends are the only days off.
    let calendar = WorkingCalendar::default();

    let cookie = sign_in(&app, "clerk.ninhkieu", PW).await;
    let inbox = get(&app, "/can-bo", Some(&cookie)).await;
    assert_eq!(inbox.status, 200);
    let mut seen = vec![];
    for code in [&late, &waiting, &fresh] {
        let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &token).await;
        assert_eq!(s, 200, "{d}");
        let status = Status::parse(d["status"].as_str().unwrap()).expect("a known status");
        let urgency = Urgency::of(status, instant(&d["step_due_at"]), instant(&d["due_at"]), now, &calendar);
        let start = inbox.body.find(&format!(">{code}<")).unwrap_or_else(|| panic!("{code} not listed"));
        let tr = inbox.body[..start].rfind("<tr class=\"").unwrap();
        let end = start + inbox.body[start..].find("</tr>").unwrap();
        let row = &inbox.body[tr..end];
        assert!(row.contains(urgency.label_vi()), "{code}: the rule says {urgency:?}: {row}");
        seen.push((tr, urgency));
    }
    // The fresh paper dossier must be handed over today (ND 61/2018 Điều 18.1).
    assert_eq!(seen.iter().map(|(_, u)| *u).collect::<Vec<_>>(), [Urgency::Overdue, Urgency::Waiting, Urgency::Today]);
    let mut by_page = seen.clone();
    by_page.sort_by_key(|(at, _)| *at);
    let mut by_rank = seen;
    by_rank.sort_by_key(|(_, u)| u.rank());
    assert_eq!(by_page, by_rank, "the page lists them in the rule's order");
}

#[tokio::test]
async fn the_control_sheet_judges_steps_in_the_words_of_tt_01_2018() {
    let app = spawn_app_at(MONDAY).await;
    let token = app.login("clerk.ninhkieu", PW).await;
    let code = intake(&app, &token).await;
    let (s, b) =
        app.post_with(&format!("/api/v1/dossiers/{code}/actions"), &token, &json!({"action": "transfer"})).await;
    assert_eq!(s, 200, "{b}");
    let r = app.client.get(app.url(&format!("/api/v1/dossiers/{code}/forms/06"))).bearer_auth(&token).send().await;
    let sheet = r.unwrap().text().await.unwrap();
    assert_eq!(sheet.matches("<tr><td>").count(), 2, "{sheet}");
    // Handed over the day it was received: on time by the same-day rule (ND 61/2018 Điều 18.1).
    assert!(sheet.contains(&format!("<td>{}</td>", Timeliness::OnTime.label_vi())), "{sheet}");
    assert!(!sheet.contains("Trễ hạn"));
}
