//! Issue 16 item 2, early warning and escalation as data (SQLite, or PostgreSQL with
//! TEST_DATABASE_URL): on a controlled clock, a dossier two working hours from its due time raises
//! one alert, once, however many instances evaluate the rules and however often; the overdue and
//! unreceived-online rules fire (and an alert closes when its condition ends); staff see only the
//! alerts of their scope; the administrators' page shows each rule's last run and warns when one
//! has not run for longer than its interval.
use std::time::Duration;

use diesel::prelude::*;
use motcua::services::alerts;
use motcua::storage::schema::{notifications as n, oversight_alerts as o, users as u};
use serde_json::{json, Value};

use crate::common::{assert_error, spawn_app_configured, TestApp};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
const CITY: &str = "000.00.00.H12";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days.
const BUSINESS: &str = "2.000720";
/// Monday 1 March 2027, 09:00 in Vietnam.
const MONDAY: &str = "2027-03-01T09:00:00+07:00";
const APPLICANT: &str = "Nguyễn Văn Cảnh";

/// A dossier received at the Ninh Kiều counter now: its code and due time.
async fn intake(app: &TestApp, clerk: &str) -> (String, String) {
    let body = json!({"procedure_code": BUSINESS, "channel": "direct",
        "applicant": {"name": APPLICANT, "id_number": "092190007777", "phone": "0911222333", "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    (d["code"].as_str().unwrap().to_string(), d["due_at"].as_str().unwrap().to_string())
}

async fn submit_online(app: &TestApp, citizen: &str) -> String {
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
        "applicant": {"name": APPLICANT, "id_number": "092190007777", "phone": "0911222333", "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", citizen, &body).await;
    assert_eq!((s, d["status_code"].as_i64()), (201, Some(1)), "{d}");
    d["reference"].as_str().unwrap().to_string()
}

/// Evaluates the rules whose tick has come, at the app's clock, on a pool of its own.
fn evaluate(app: &TestApp, instance: &str) -> Vec<alerts::Tick> {
    let pool = motcua::storage::connection::connect(app.db.url(), 1, Duration::from_secs(10)).unwrap();
    let mut conn = pool.get().unwrap();
    alerts::evaluate_due(&mut conn, app.clock.now(), instance).unwrap()
}

/// Evaluates from two pools at once, as two instances would: the ticks each evaluated.
fn evaluate_concurrently(app: &TestApp) -> Vec<alerts::Tick> {
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        let runs: Vec<_> = ["instance-a", "instance-b"]
            .into_iter()
            .map(|name| {
                let barrier = &barrier;
                s.spawn(move || {
                    let pool = motcua::storage::connection::connect(app.db.url(), 1, Duration::from_secs(10)).unwrap();
                    let mut conn = pool.get().unwrap();
                    barrier.wait();
                    alerts::evaluate_due(&mut conn, app.clock.now(), name).unwrap()
                })
            })
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    })
}

/// How many of `ticks` evaluated `rule`.
fn evaluations(ticks: &[alerts::Tick], rule: &str) -> usize {
    ticks.iter().filter(|t| t.rule == rule).count()
}

/// (alert ids, notices' recipients) of one rule's firings for a dossier.
fn firings(app: &TestApp, rule: &str, code: &str) -> (Vec<String>, Vec<String>) {
    let mut conn = app.conn();
    let rows: Vec<(String, String)> = o::table
        .filter(o::rule_id.eq(rule))
        .filter(o::dossier_code.eq(code))
        .select((o::id, o::dossier_id))
        .load(&mut conn)
        .unwrap();
    let recipients = match rows.first() {
        Some((_, dossier)) => n::table
            .filter(n::dossier_id.eq(dossier))
            .filter(n::kind.eq(alerts::NOTICE_KIND))
            .filter(n::subject.like(format!("%{}%", rule_title(app, rule))))
            .select(n::recipient)
            .load(&mut conn)
            .unwrap(),
        None => vec![],
    };
    (rows.into_iter().map(|(id, _)| id).collect(), recipients)
}

fn rule_title(app: &TestApp, rule: &str) -> String {
    use motcua::storage::schema::oversight_alert_rules as r;
    r::table.find(rule).select(r::title).first(&mut app.conn()).unwrap()
}

fn user_id(app: &TestApp, username: &str) -> String {
    u::table.filter(u::username.eq(username)).select(u::id).first(&mut app.conn()).unwrap()
}

async fn open_alerts(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, list) = app.get_with("/api/v1/oversight/alerts", token).await;
    assert_eq!(s, 200, "{list}");
    list.as_array().unwrap().clone()
}

fn of_rule<'a>(list: &'a [Value], rule: &str, code: &str) -> Vec<&'a Value> {
    list.iter().filter(|a| a["rule_id"] == rule && a["dossier_code"] == code).collect()
}

#[tokio::test]
async fn a_dossier_two_working_hours_from_its_due_time_raises_one_alert_once_whatever_the_number_of_instances() {
    let app = spawn_app_configured(Some(MONDAY), |_| {}).await;
    app.second_instance().await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let (code, due) = intake(&app, &clerk).await;
    // Received Monday 09:00, 3 working days: due Thursday at the close.
    assert_eq!(due, "2027-03-04T17:30:00+07:00");

    // Wednesday 17:00: eight and a half working hours left, outside the one-day warning.
    app.set_time("2027-03-03T17:00:00+07:00");
    evaluate_concurrently(&app);
    assert!(firings(&app, "due-within-8h", &code).0.is_empty(), "not yet within one working day");

    // Thursday 15:30: two working hours before the due time. Both instances (and their background
    // schedulers) evaluate, twice, at once.
    app.set_time("2027-03-04T15:30:00+07:00");
    for _ in 0..2 {
        let ticks = evaluate_concurrently(&app);
        // Each tick is evaluated by one instance at most (the background schedulers may take it first).
        assert!(evaluations(&ticks, "due-within-8h") <= 1, "{ticks:?}");
    }
    let (alerts, recipients) = firings(&app, "due-within-8h", &code);
    assert_eq!(alerts.len(), 1, "one alert row");
    // One notice per recipient: the handlers of Ninh Kiều and its leader, each once.
    let mut distinct = recipients.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), recipients.len(), "no recipient told twice: {recipients:?}");
    assert!(recipients.contains(&user_id(&app, "leader.ninhkieu")), "{recipients:?}");
    assert!(recipients.contains(&user_id(&app, "clerk.ninhkieu")), "{recipients:?}");
    assert!(!recipients.contains(&user_id(&app, "clerk.stnmt")), "another agency's clerk is not told");

    // The next ticks, on both instances: still one alert, no new notice.
    for at in ["2027-03-04T15:50:00+07:00", "2027-03-04T16:20:00+07:00"] {
        app.set_time(at);
        evaluate_concurrently(&app);
        let again = firings(&app, "due-within-8h", &code);
        assert_eq!((again.0.len(), again.1.len()), (1, recipients.len()), "at {at}");
    }

    // The alert is listed for the clerk, by the dossier's code, with what it measured from; the
    // notice and the list carry the code, never the applicant.
    let list = open_alerts(&app, &clerk).await;
    let mine = of_rule(&list, "due-within-8h", &code);
    assert_eq!(mine.len(), 1, "{list:?}");
    assert_eq!(mine[0]["kind"], "due_within");
    assert_eq!(mine[0]["deadline_at"], due);
    assert_eq!(mine[0]["raised_at"], "2027-03-04T15:30:00+07:00");
    assert_eq!(mine[0]["notified"].as_u64(), Some(recipients.len() as u64));
    assert!(!list.iter().any(|a| a.to_string().contains(APPLICANT)));
    let bodies: Vec<String> =
        n::table.filter(n::kind.eq(alerts::NOTICE_KIND)).select(n::body_text).load(&mut app.conn()).unwrap();
    assert!(bodies.iter().all(|b| b.contains(&code) && !b.contains(APPLICANT)), "{bodies:?}");
    // The staff notices are delivered in the application (nothing stays queued).
    app.settle();
    assert!(app.unsent().iter().all(|n| n.kind != alerts::NOTICE_KIND));

    // Once past the due time the warning's condition has ended: the next tick closes it (and the
    // overdue rule takes over).
    app.set_time("2027-03-04T17:45:00+07:00");
    evaluate(&app, "instance-a");
    let list = open_alerts(&app, &clerk).await;
    assert!(of_rule(&list, "due-within-8h", &code).is_empty(), "closed: {list:?}");
    assert_eq!(of_rule(&list, "overdue-l1", &code).len(), 1, "{list:?}");
    app.settle();
}

#[tokio::test]
async fn overdue_and_unreceived_online_rules_fire_and_escalate_to_the_parent_agency_within_scope() {
    let app = spawn_app_configured(Some(MONDAY), |s| s.notifications.worker = false).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let citizen = app.login("citizen.an", PW).await;
    let (code, _) = intake(&app, &clerk).await;
    let reference = submit_online(&app, &citizen).await;

    // Monday 17:00: the submission has waited 6.5 working hours; nothing fires.
    app.set_time("2027-03-01T17:00:00+07:00");
    evaluate(&app, "a");
    let list = open_alerts(&app, &clerk).await;
    assert!(of_rule(&list, "online-unreceived-8h", &reference).is_empty(), "{list:?}");
    // Only the current step's own warning may be up (its share of the 3 days ends sooner).
    assert!(list.iter().all(|a| a["kind"] == "step_due_within"), "{list:?}");

    // Tuesday 09:30: eight working hours and more since the online submission.
    app.set_time("2027-03-02T09:30:00+07:00");
    evaluate(&app, "a");
    let list = open_alerts(&app, &clerk).await;
    let waiting = of_rule(&list, "online-unreceived-8h", &reference);
    assert_eq!(waiting.len(), 1, "{list:?}");
    assert_eq!(waiting[0]["deadline_at"], "2027-03-01T09:00:00+07:00", "measured from the submission");
    assert_eq!(waiting[0]["agency_code"], NINH_KIEU);
    // The head of the counter (the receiving agency's leader) is told.
    let (_, told) = firings(&app, "online-unreceived-8h", &reference);
    assert!(told.contains(&user_id(&app, "leader.ninhkieu")), "{told:?}");

    // Received at 10:00: at the next tick the alert closes.
    let (s, d) =
        app.post_with(&format!("/api/v1/dossiers/{reference}/actions"), &clerk, &json!({"action": "receive"})).await;
    assert_eq!(s, 200, "{d}");
    app.set_time("2027-03-02T10:00:00+07:00");
    evaluate(&app, "a");
    assert!(of_rule(&open_alerts(&app, &clerk).await, "online-unreceived-8h", &reference).is_empty());

    // Friday 09:00: the dossier due Thursday is overdue (level 1), not yet by two working days.
    app.set_time("2027-03-05T09:00:00+07:00");
    evaluate(&app, "a");
    let list = open_alerts(&app, &clerk).await;
    assert_eq!(of_rule(&list, "overdue-l1", &code).len(), 1, "{list:?}");
    assert!(of_rule(&list, "overdue-l2", &code).is_empty(), "{list:?}");

    // Tuesday 08:00: 16 working hours past (Friday and Monday): level 2, listed for the city.
    app.set_time("2027-03-09T08:00:00+07:00");
    evaluate(&app, "a");
    let list = open_alerts(&app, &clerk).await;
    let l2 = of_rule(&list, "overdue-l2", &code);
    assert_eq!(l2.len(), 1, "{list:?}");
    assert_eq!((l2[0]["level"].as_i64(), l2[0]["listed_for"].as_str()), (Some(2), Some(CITY)));

    // Scope: the city's leader sees Ninh Kiều's alerts; another department's staff, a ward below
    // Ninh Kiều and the Sở's leader do not; a citizen is refused.
    let city = open_alerts(&app, &app.login("leader.tp", PW).await).await;
    assert_eq!(of_rule(&city, "overdue-l2", &code).len(), 1, "{city:?}");
    assert_eq!(of_rule(&city, "overdue-l1", &code).len(), 1, "{city:?}");
    for other in ["clerk.stnmt", "leader.stnmt", "clerk.tanan", "leader.tanan"] {
        let seen = open_alerts(&app, &app.login(other, PW).await).await;
        assert!(seen.iter().all(|a| a["dossier_code"] != code.as_str()), "{other} sees {seen:?}");
    }
    let (s, body) = app.get_with("/api/v1/oversight/alerts", &citizen).await;
    assert_error(s, &body, 403, "role_not_allowed");
    let (s, body) = app.get("/api/v1/oversight/alerts").await;
    assert_eq!(s, 401, "{body}");

    // The staff page lists them by code, without the applicant.
    let page = app.text_with("/can-bo/canh-bao", &clerk).await;
    assert!(page.contains(&code) && page.contains("Hồ sơ quá hạn"), "{page}");
    assert!(!page.contains(APPLICANT));
    let elsewhere = app.text_with("/can-bo/canh-bao", &app.login("clerk.stnmt", PW).await).await;
    assert!(!elsewhere.contains(&code));
    assert!(elsewhere.contains("Không có cảnh báo nào đang mở"));

    // Without a worker the staff notices stay queued: one per recipient per firing, never repeated.
    let before = app.unsent().len();
    evaluate(&app, "b");
    app.set_time("2027-03-09T10:00:00+07:00");
    evaluate(&app, "b");
    assert_eq!(app.unsent().len(), before);
    app.expect_unsent(before);
}

#[tokio::test]
async fn the_administrators_page_shows_each_rules_last_run_and_warns_when_one_has_not_run_for_longer_than_its_interval()
{
    let app = spawn_app_configured(Some(MONDAY), |s| s.notifications.worker = false).await;
    let admin = app.login("admin", PW).await;
    // Two instances at once (no background scheduler here): each rule's tick is evaluated once.
    let ticks = evaluate_concurrently(&app);
    assert_eq!(ticks.len(), 6, "{ticks:?}");
    for rule in
        ["step-due-4h", "due-within-8h", "overdue-l1", "overdue-l2", "online-unreceived-8h", "consultation-late"]
    {
        assert_eq!(evaluations(&ticks, rule), 1, "{rule}: {ticks:?}");
    }
    assert!(evaluate_concurrently(&app).is_empty(), "the next ticks are not due yet");

    let page = app.text_with("/quan-tri/canh-bao", &admin).await;
    assert!(page.contains("Hồ sơ quá hạn trên 2 ngày làm việc"), "each rule is listed: {page}");
    assert!(page.contains("01/03/2027 09:00") && page.contains("instance-"), "the last run and where: {page}");
    assert!(!page.contains("canh-bao-tre"), "nothing stale yet");
    let home = app.text_with("/quan-tri", &admin).await;
    assert!(!home.contains("quy tắc cảnh báo chưa được đánh giá"));

    // An hour later with no evaluation: the 15-minute rules are stale (the 30- and 60-minute ones
    // are not yet).
    app.set_time("2027-03-01T10:00:00+07:00");
    let page = app.text_with("/quan-tri/canh-bao", &admin).await;
    assert!(page.contains("id=\"canh-bao-tre\""), "{page}");
    assert!(page.contains("4 quy tắc chưa được đánh giá"), "{page}");
    let home = app.text_with("/quan-tri", &admin).await;
    assert!(home.contains("4 quy tắc cảnh báo chưa được đánh giá"), "{home}");

    // A run clears the warning, and the page counts what it fired.
    let citizen = app.login("citizen.an", PW).await;
    app.set_time("2027-03-01T09:30:00+07:00");
    submit_online(&app, &citizen).await;
    app.set_time("2027-03-02T10:00:00+07:00");
    let ticks = evaluate(&app, "instance-b");
    assert!(ticks.iter().any(|t| t.rule == "online-unreceived-8h" && t.fired == 1), "{ticks:?}");
    let page = app.text_with("/quan-tri/canh-bao", &admin).await;
    assert!(!page.contains("canh-bao-tre"), "{page}");
    assert!(page.contains("02/03/2027 10:00") && page.contains("instance-b"), "{page}");
    // Only an administrator reads it.
    let clerk_page = app.text_with("/quan-tri/canh-bao", &app.login("clerk.ninhkieu", PW).await).await;
    assert!(!clerk_page.contains("Hồ sơ quá hạn trên 2 ngày làm việc"));
    app.expect_unsent(app.unsent().len());
}

#[tokio::test]
async fn a_consultation_answered_late_is_told_to_the_head_of_the_receiving_counter() {
    let app = spawn_app_configured(Some(MONDAY), |s| s.notifications.worker = false).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let district = app.login("specialist.ninhkieu", PW).await;
    let lead = app.login("specialist.stnmt", PW).await;
    let justice = app.login("specialist.stp", PW).await;
    // Cấp GCN quyền sử dụng đất lần đầu: received at phường Tân An, up to the Sở TN&MT.
    let body = json!({"procedure_code": "1.003554", "channel": "direct", "documents": ["Đơn đề nghị"],
        "applicant": {"name": APPLICANT, "id_number": "092190007777", "phone": "0911222333", "address": "Tân An"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    for token in [&clerk, &district] {
        let (s, d) =
            app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &json!({"action": "transfer"})).await;
        assert_eq!(s, 200, "{d}");
    }
    let ask = json!({"agency_code": "000.00.03.H12", "task": "Cho ý kiến", "due_in_working_days": 2});
    let (s, d) = app.post_with(&format!("/api/v1/dossiers/{code}/consultations"), &lead, &ask).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["consultations"][0]["due_at"], "2027-03-03T17:30:00+07:00");

    // Answered in time nothing fires; a day late, the rule fires at the next tick.
    app.set_time("2027-03-03T17:00:00+07:00");
    evaluate(&app, "a");
    assert!(firings(&app, "consultation-late", &code).0.is_empty());
    app.set_time("2027-03-04T10:00:00+07:00");
    let (s, d) = app
        .post_with(&format!("/api/v1/dossiers/{code}/consultations/1/answer"), &justice, &json!({"opinion": "Hợp lệ"}))
        .await;
    assert_eq!(s, 200, "{d}");
    evaluate(&app, "a");
    let (alerts, told) = firings(&app, "consultation-late", &code);
    assert_eq!(alerts.len(), 1);
    // The head of the counter where it was received (Tân An's leader) and the lead agency's staff.
    assert!(told.contains(&user_id(&app, "leader.tanan")), "{told:?}");
    assert!(told.contains(&user_id(&app, "specialist.stnmt")), "{told:?}");
    let counter = open_alerts(&app, &app.login("leader.tanan", PW).await).await;
    let seen = of_rule(&counter, "consultation-late", &code);
    assert_eq!(seen.len(), 1, "{counter:?}");
    assert_eq!(
        (seen[0]["agency_code"].as_str(), seen[0]["counter_agency"].as_str()),
        (Some("000.00.05.H12"), Some("000.01.31.H12"))
    );
    assert_eq!(seen[0]["deadline_at"], "2027-03-03T17:30:00+07:00");
    app.expect_unsent(app.unsent().len());
}
