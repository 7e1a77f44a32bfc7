//! Brute force: random dossier histories around period edges, then the report and indicators
//! must equal a naive recomputation from the raw dossiers (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use common::{spawn_app_configured, TestApp};
use proptest::prelude::*;
use serde_json::{json, Value};

const PW: &str = "motcua-demo";

/// One dossier's random life: where, how, when, and what happens to it.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    commune: bool,
    online: bool,
    start_minutes: i64,
    /// (minutes after the previous step, action index)
    steps: Vec<(i64, usize)>,
}

/// A life follows the usual order (receive, supplement, transfers, apology, decision, return),
/// each step kept or dropped at random, at random gaps, sometimes with a withdrawal somewhere.
const LIFE: [usize; 9] = [0, 5, 6, 1, 2, 7, 3, 4, 9];

pub(crate) fn plan() -> impl Strategy<Value = Plan> {
    (
        any::<bool>(),
        any::<bool>(),
        // From 2027-02-22 08:00 over about seven weeks, so lives straddle the month edges.
        0i64..(60 * 24 * 48),
        proptest::collection::vec((0i64..(60 * 24 * 5), proptest::bool::weighted(0.8)), LIFE.len()),
        proptest::option::weighted(0.2, 0usize..LIFE.len()),
    )
        .prop_map(|(commune, online, start_minutes, gaps, withdraw_at)| {
            let mut steps: Vec<(i64, usize)> =
                LIFE.iter().zip(gaps).filter(|(_, (_, keep))| *keep).map(|(a, (gap, _))| (gap, *a)).collect();
            if let Some(at) = withdraw_at {
                steps.insert(at.min(steps.len()), (60, 8));
            }
            Plan { commune, online: online && !commune, start_minutes, steps }
        })
}

pub(crate) fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap()
}

fn t0() -> DateTime<FixedOffset> {
    vn().with_ymd_and_hms(2027, 2, 22, 8, 0, 0).unwrap()
}

pub(crate) struct Actors {
    clerk_district: String,
    leader_district: String,
    specialist_district: String,
    clerk_commune: String,
    specialist_commune: String,
    citizen: String,
    pub(crate) city: String,
}

pub(crate) async fn actors(app: &TestApp) -> Actors {
    Actors {
        clerk_district: app.login("clerk.ninhkieu", PW).await,
        leader_district: app.login("leader.ninhkieu", PW).await,
        specialist_district: app.login("specialist.ninhkieu", PW).await,
        clerk_commune: app.login("clerk.tanan", PW).await,
        specialist_commune: app.login("specialist.tanan", PW).await,
        citizen: app.login("citizen.an", PW).await,
        city: app.login("leader.tp", PW).await,
    }
}

/// A reorganisation applied in the middle of the histories: the plan, its date, and the agency an
/// online submission to the district goes to afterwards (the district's holder).
pub(crate) struct Cutover {
    pub(crate) at: DateTime<FixedOffset>,
    pub(crate) plan: String,
    pub(crate) online_agency: &'static str,
}

/// Runs every dossier's steps in time order, from `start`; refused actions are part of life and
/// change nothing. With a cutover, the plan is applied when the first event at or after its date
/// comes, and the actors sign in again (their accounts have moved).
pub(crate) async fn play(
    app: &TestApp,
    a: &mut Actors,
    plans: &[Plan],
    start: DateTime<FixedOffset>,
    cutover: Option<&Cutover>,
) -> Vec<String> {
    let mut events: Vec<(DateTime<FixedOffset>, usize, Option<usize>)> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let mut t = start + Duration::minutes(p.start_minutes);
        events.push((t, i, None));
        for (gap, action) in &p.steps {
            t += Duration::minutes(*gap);
            events.push((t, i, Some(*action)));
        }
    }
    events.sort_by_key(|(t, i, _)| (*t, *i));
    let mut codes: Vec<Option<String>> = vec![None; plans.len()];
    let mut online_agency = "000.00.31.H12";
    let mut pending_cutover = cutover;
    for (t, i, action) in events {
        if let Some(c) = pending_cutover.filter(|c| t >= c.at) {
            apply_cutover(app, a, c).await;
            online_agency = c.online_agency;
            pending_cutover = None;
        }
        app.clock.set(t.with_timezone(&chrono::Utc));
        let p = &plans[i];
        match action {
            None => {
                let (token, procedure, channel) = match (p.commune, p.online) {
                    (true, _) => (&a.clerk_commune, "1.003583", "direct"),
                    (false, true) => (&a.citizen, "2.000720", "online"),
                    (false, false) => (&a.clerk_district, "2.000720", "direct"),
                };
                let mut body = json!({"procedure_code": procedure, "channel": channel,
                    "applicant": {"name": "Lê Văn C", "id_number": "092190007777", "phone": "0900000001", "address": "Cần Thơ"}});
                if p.online {
                    body["agency_code"] = online_agency.into();
                }
                let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
                assert_eq!(s, 201, "{b}");
                // An online submission has no code until it is received: its reference names it meanwhile.
                assert_eq!(b["code"].is_null(), p.online, "{b}");
                codes[i] = Some(b["code"].as_str().or(b["reference"].as_str()).unwrap().to_string());
            }
            Some(k) => {
                let code = codes[i].clone().unwrap();
                let counter = if p.commune { &a.clerk_commune } else { &a.clerk_district };
                let staff = if p.commune { &a.specialist_commune } else { &a.specialist_district };
                let due = t.date_naive() + Duration::days(20);
                let (token, body) = match k {
                    0 => (counter, json!({"action": "receive"})),
                    1 => (counter, json!({"action": "transfer"})),
                    2 => (staff, json!({"action": "transfer"})),
                    3 => (&a.leader_district, json!({"action": "approve"})),
                    4 => (&a.leader_district, json!({"action": "finish"})),
                    5 => (counter, json!({"action": "request_supplement", "missing": ["Giấy tờ"]})),
                    6 => (counter, json!({"action": "submit_supplement"})),
                    7 => (
                        &a.leader_district,
                        json!({"action": "extend", "new_due_date": due.to_string(), "reason": "Chậm"}),
                    ),
                    8 => (counter, json!({"action": "withdraw"})),
                    _ => (counter, json!({"action": "return_result"})),
                };
                let (s, b) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &body).await;
                // A random new date may fall on a day off: a clear 400, and nothing changes.
                let refused_date = s == 400 && b["error"] == "invalid_new_date";
                assert!([200, 403, 409].contains(&s) || refused_date, "{body} → {s} {b}");
            }
        }
    }
    if let Some(c) = pending_cutover {
        apply_cutover(app, a, c).await;
    }
    codes.into_iter().flatten().collect()
}

/// Applies the cutover's plan at its date (the clock stays there) and signs the actors in again.
async fn apply_cutover(app: &TestApp, a: &mut Actors, c: &Cutover) {
    let at = c.at.with_timezone(&chrono::Utc);
    if app.clock.now() < at {
        app.clock.set(at);
    }
    let report = motcua::services::reorganise::load_on(&mut app.conn(), &c.plan, at, false).unwrap();
    assert!(report.applied, "{report:?}");
    *a = actors(app).await;
}

pub(crate) fn day(v: &Value) -> Option<NaiveDate> {
    v.as_str().map(|s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&vn()).date_naive())
}

/// The report's columns 4–13 computed straight from the dossiers, by the definitions of DOMAIN.md §5–6.
pub(crate) fn naive(dossiers: &[Value], from: NaiveDate, to: NaiveDate) -> [i64; 11] {
    let mut c = [0i64; 11];
    for d in dossiers {
        let Some(received) = day(&d["received_at"]) else { continue };
        let due = day(&d["statutory_due_at"]).unwrap();
        let finished = day(&d["finished_at"]);
        let online = d["channel"] == "online";
        if received > to {
            continue;
        }
        if received >= from {
            c[if online { 1 } else { 2 }] += 1;
        } else if finished.is_none_or(|f| f >= from) {
            c[3] += 1;
        } else {
            continue;
        }
        match finished {
            Some(f) if f <= to => {
                c[4] += 1;
                c[if f < due {
                    5
                } else if f == due {
                    6
                } else {
                    7
                }] += 1;
            }
            _ => {
                c[8] += 1;
                c[if due <= to { 10 } else { 9 }] += 1;
            }
        }
    }
    c[0] = c[1] + c[2] + c[3];
    c
}

/// Which days of 2027 are working days, as the seeded calendar says (read straight from its table).
fn working_days_2027(app: &TestApp) -> impl Fn(NaiveDate) -> bool {
    use chrono::Datelike;
    let (first, last) = (NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
    let exceptions: std::collections::HashMap<NaiveDate, bool> =
        motcua::storage::calendar::between(&mut app.conn(), first, last)
            .unwrap()
            .into_iter()
            .map(|r| (r.day, r.kind == "working_day"))
            .collect();
    move |d: NaiveDate| {
        assert_eq!(d.year(), 2027, "the histories stay in 2027");
        exceptions.get(&d).copied().unwrap_or(d.weekday().num_days_from_monday() < 5)
    }
}

/// The online intake figures (dossiers timed, minutes waited, received late) of the online
/// dossiers received in the period, straight from the dossiers: the wait counted minute by minute
/// over the office hours of working days, late when received after the next working day.
fn naive_intake(dossiers: &[Value], from: NaiveDate, to: NaiveDate, working: &dyn Fn(NaiveDate) -> bool) -> [i64; 3] {
    let time =
        |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().with_timezone(&vn()).naive_local();
    let office = |t: chrono::NaiveDateTime| {
        let m = chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t);
        working(t.date()) && ((450..690).contains(&m) || (810..1050).contains(&m))
    };
    let mut c = [0i64; 3];
    for d in dossiers.iter().filter(|d| d["channel"] == "online") {
        let Some(received) = day(&d["received_at"]) else { continue };
        if received < from || received > to {
            continue;
        }
        let (mut t, end) = (time(&d["submitted_at"]), time(&d["received_at"]));
        c[0] += 1;
        while t < end {
            c[1] += i64::from(office(t));
            t += Duration::minutes(1);
        }
        let mut due = time(&d["submitted_at"]).date() + Duration::days(1);
        while !working(due) {
            due += Duration::days(1);
        }
        c[2] += i64::from(received > due);
    }
    c
}

/// The national indexes' counts (issue 16 item 4) straight from the dossiers finished in the
/// period: [2 × early + on time, early + on time − those with more than one supplement request,
/// 2 × without a supplement request + with one, finished, office minutes from receipt to finish].
fn naive_indexes(dossiers: &[Value], from: NaiveDate, to: NaiveDate, working: &dyn Fn(NaiveDate) -> bool) -> [i64; 5] {
    let mut c = [0i64; 5];
    for d in dossiers {
        let (Some(finished), Some(_)) = (day(&d["finished_at"]), day(&d["received_at"])) else { continue };
        if finished < from || finished > to {
            continue;
        }
        let due = day(&d["statutory_due_at"]).unwrap();
        let supplements =
            d["history"].as_array().unwrap().iter().filter(|e| e["action"] == "request_supplement").count();
        let in_time = finished <= due;
        c[0] += if finished < due { 2 } else { i64::from(finished == due) };
        c[1] += i64::from(in_time && supplements <= 1);
        c[2] += match supplements {
            0 => 2,
            1 => 1,
            _ => 0,
        };
        c[3] += 1;
        c[4] += office_minutes(&d["received_at"], &d["finished_at"], working);
    }
    c
}

/// The office minutes (07:30–11:30, 13:30–17:30 of working days) between two times, minute by minute.
fn office_minutes(from: &Value, to: &Value, working: &dyn Fn(NaiveDate) -> bool) -> i64 {
    let time =
        |v: &Value| DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().with_timezone(&vn()).naive_local();
    let (mut t, end) = (time(from), time(to));
    let mut n = 0;
    while t < end {
        let m = chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t);
        n += i64::from(working(t.date()) && ((450..690).contains(&m) || (810..1050).contains(&m)));
        t += Duration::minutes(1);
    }
    n
}

/// The stays at route steps that ended in the period, from each dossier's delay attribution:
/// [ended, under budget, over budget, minutes over].
fn naive_steps(dossiers: &[Value], from: NaiveDate, to: NaiveDate) -> [i64; 4] {
    let mut c = [0i64; 4];
    for d in dossiers {
        for s in d["delay_attribution"]["steps"].as_array().unwrap() {
            let Some(until) = day(&s["until"]) else { continue };
            if until < from || until > to {
                continue;
            }
            let (held, budget) = (s["held_minutes"].as_i64().unwrap(), s["budget_minutes"].as_i64().unwrap());
            c[0] += 1;
            c[1] += i64::from(held < budget);
            c[2] += i64::from(held > budget);
            c[3] += (held - budget).max(0);
        }
    }
    c
}

fn indicator<'a>(units: &'a Value, id: &str) -> &'a Value {
    units["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(units["groups"].as_array().into_iter().flatten().flat_map(|g| g["indicators"].as_array().unwrap()))
        .chain(units["realtime_metrics"].as_array().into_iter().flatten())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id} in {units}"))
}

fn fraction(i: &Value) -> (i64, i64) {
    (i["numerator"].as_i64().unwrap(), i["denominator"].as_i64().unwrap())
}

fn intake_figures(v: &Value) -> [i64; 3] {
    ["timed", "wait_working_minutes", "received_late"].map(|c| v[c].as_i64().unwrap())
}

pub(crate) fn columns(v: &Value) -> [i64; 11] {
    [
        "received_total",
        "received_online",
        "received_direct",
        "carried_over",
        "resolved_total",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "pending_total",
        "pending_in_time",
        "pending_overdue",
    ]
    .map(|c| v[c].as_i64().unwrap())
}

async fn check(plans: Vec<Plan>) {
    // Random histories may leave more online submissions waiting than an account may hold: not what this checks.
    let app =
        spawn_app_configured(Some("2027-02-22T08:00:00+07:00"), |s| s.submissions.max_pending_per_account = 100).await;
    let mut a = actors(&app).await;
    let codes = play(&app, &mut a, &plans, t0(), None).await;
    let working = working_days_2027(&app);
    let mut dossiers = Vec::new();
    for code in &codes {
        let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &a.city).await;
        assert_eq!(s, 200, "{d}");
        dossiers.push(d);
    }
    let periods = [
        ("2027-03-01", "2027-03-31"),
        ("2027-02-22", "2027-03-09"),
        ("2027-03-10", "2027-04-30"),
        ("2027-03-15", "2027-03-15"),
    ];
    for (from, to) in periods {
        let (f, t) = (from.parse().unwrap(), to.parse().unwrap());
        let (s, r) = app.get_with(&format!("/api/v1/stats/report?from={from}&to={to}"), &a.city).await;
        assert_eq!(s, 200, "{r}");
        let expected = naive(&dossiers, f, t);
        assert_eq!(columns(&r["total"]), expected, "{from}..{to} for {codes:?}");
        let intake = naive_intake(&dossiers, f, t, &working);
        assert_eq!(intake_figures(&r["online_intake"]), intake, "online intake {from}..{to} for {codes:?}");
        // Per agency: each line equals the recomputation over that agency's dossiers.
        let (_, by_agency) =
            app.get_with(&format!("/api/v1/stats/report?from={from}&to={to}&group_by=agency"), &a.city).await;
        for line in by_agency["rows"].as_array().unwrap() {
            let mine: Vec<Value> =
                dossiers.iter().filter(|d| d["receiving_agency"]["code"] == line["key"]).cloned().collect();
            assert_eq!(columns(line), naive(&mine, f, t), "{from}..{to} {}", line["key"]);
            assert_eq!(intake_figures(&line["online_intake"]), naive_intake(&mine, f, t, &working), "{}", line["key"]);
        }
        let (_, k) = app.get_with(&format!("/api/v1/stats/kpis?from={from}&to={to}"), &a.city).await;
        let ind = &k["indicators"];
        assert_eq!(ind["dossiers_online_pct"]["numerator"], expected[1]);
        assert_eq!(ind["dossiers_online_pct"]["denominator"], expected[1] + expected[2]);
        assert_eq!(ind["on_time_pct"]["numerator"], expected[5] + expected[6]);
        assert_eq!(ind["on_time_pct"]["denominator"], expected[4]);
        let level4_online = dossiers
            .iter()
            .filter(|d| d["channel"] == "online" && day(&d["received_at"]).is_some_and(|r| r >= f && r <= t))
            .count() as i64;
        assert_eq!(ind["dossiers_online_level4_pct"]["numerator"], level4_online, "2.000720 is a level-4 procedure");
        assert_eq!(ind["online_received_late_pct"]["numerator"], intake[2]);
        assert_eq!(ind["online_received_late_pct"]["denominator"], intake[0]);

        // The national indexes (issue 16 item 4) and the late hours caused (item 1), from the counters.
        let n = naive_indexes(&dossiers, f, t, &working);
        let steps = naive_steps(&dossiers, f, t);
        let delay = &r["step_delay"];
        assert_eq!(
            ["steps_ended", "steps_early", "steps_late", "late_working_minutes"].map(|c| delay[c].as_i64().unwrap()),
            steps,
            "steps {from}..{to} for {codes:?}"
        );
        let (s, e) = app.get_with(&format!("/api/v1/stats/evaluation?from={from}&to={to}"), &a.city).await;
        assert_eq!(s, 200, "{e}");
        let e = &e["total"];
        assert_eq!(fraction(indicator(e, "1")), (n[0], n[3]), "TT 01/2018 indicator 1 {from}..{to}");
        assert_eq!(fraction(indicator(e, "2")), (2 * steps[1] + (steps[0] - steps[1] - steps[2]), steps[0]));
        assert_eq!(fraction(indicator(e, "3")), (n[2], n[3]), "TT 01/2018 indicator 3 {from}..{to}");
        let (s, x) = app.get_with(&format!("/api/v1/stats/index766?from={from}&to={to}"), &a.city).await;
        assert_eq!(s, 200, "{x}");
        let x = &x["total"];
        assert_eq!(fraction(indicator(x, "2.1")), (n[1], expected[4] + expected[10]), "QĐ 766 2.1 {from}..{to}");
        assert_eq!(fraction(indicator(x, "processing_time_hours")), (n[4], n[3]), "ND 224 processing time");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, max_shrink_iters: 20, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_report_equals_a_naive_recomputation_on_random_histories(plans in proptest::collection::vec(plan(), 1..14)) {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(check(plans));
    }
}
