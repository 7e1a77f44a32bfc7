//! The leader dashboard `/lanh-dao` over HTTP (SQLite, or PostgreSQL with TEST_DATABASE_URL):
//! who may see it, what it shows, that its numbers are the API's, and how it answers bad input.
use crate::common;

use common::{spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const CITY: &str = "000.00.00.H12";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days, online level 4.
const BUSINESS: &str = "2.000720";
const COLUMNS: [&str; 11] = [
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
];

fn applicant() -> Value {
    json!({"name": "Trần Văn Bình", "id_number": "092190004321", "phone": "0987654321", "address": "Ninh Kiều"})
}

async fn intake(app: &TestApp, token: &str, channel: &str) -> String {
    let mut body = json!({"procedure_code": BUSINESS, "channel": channel, "applicant": applicant()});
    if channel == "online" {
        body["agency_code"] = NINH_KIEU.into();
    }
    let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
    assert_eq!(s, 201, "{b}");
    // An online submission has no code until it is received: its reference names it meanwhile.
    assert_eq!(b["code"].is_null(), channel == "online", "{b}");
    b["code"].as_str().or(b["reference"].as_str()).unwrap().to_string()
}

async fn act(app: &TestApp, token: &str, code: &str, action: &str) {
    let (s, b) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &json!({"action": action})).await;
    assert_eq!(s, 200, "{action}: {b}");
}

/// January–March 2027 at quận Ninh Kiều: dossiers received in person and online, some finished.
async fn some_dossiers() -> TestApp {
    let app = spawn_app_at("2027-01-12T09:00:00+07:00").await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let citizen = app.login("citizen.an", PW).await;
    let a = intake(&app, &clerk, "direct").await;
    app.set_time("2027-01-13T09:00:00+07:00");
    act(&app, &clerk, &a, "transfer").await;
    act(&app, &leader, &a, "approve").await;
    act(&app, &leader, &a, "finish").await;
    app.set_time("2027-02-22T09:00:00+07:00");
    let b = intake(&app, &citizen, "online").await;
    act(&app, &clerk, &b, "receive").await;
    app.set_time("2027-03-03T09:00:00+07:00");
    intake(&app, &clerk, "postal").await;
    app.set_time("2027-03-10T09:00:00+07:00");
    app
}

/// The page, as a signed-in user sees it (the bearer token stands in for the cookie).
async fn page(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let r = app.client.get(app.url(path)).bearer_auth(token).send().await.expect("request");
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let body = r.text().await.unwrap();
    assert!(ct.starts_with("text/html"), "{path}: {ct}");
    (status, body)
}

/// The numbers of one table row (`data-col` cells), by column name.
fn row_numbers(row_html: &str) -> Vec<(String, i64)> {
    row_html
        .split("data-col=\"")
        .skip(1)
        .map(|cell| {
            let (col, rest) = cell.split_once('"').unwrap();
            let text = rest.split_once('>').unwrap().1.split('<').next().unwrap();
            (col.to_string(), text.replace('.', "").trim().parse().unwrap_or_else(|_| panic!("number: {text}")))
        })
        .collect()
}

/// The rows of the Biểu II.06a table: label and numbers, the total last.
fn report_rows(html: &str) -> Vec<(String, Vec<(String, i64)>)> {
    let table = html.split("id=\"bieu-ii06a-bang\"").nth(1).expect("report table").split("</table>").next().unwrap();
    table
        .split("<tr")
        .skip(2) // the text before the first row, and the header row
        .map(|row| {
            let label = row.split("scope=\"row\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or_default();
            (label.replace("&#39;", "'").replace("&#38;", "&"), row_numbers(row))
        })
        .collect()
}

fn api_numbers(v: &Value) -> Vec<(String, i64)> {
    COLUMNS.iter().map(|c| (c.to_string(), v[*c].as_i64().unwrap())).collect()
}

#[tokio::test]
async fn the_dashboard_shows_cards_charts_and_the_report_with_the_apis_numbers() {
    let app = some_dossiers().await;
    let leader = app.login("leader.tp", PW).await;
    let (status, html) = page(&app, "/lanh-dao", &leader).await;
    assert_eq!(status, 200, "{html}");

    // The default period is this year so far, in Vietnam time; the default scope is the leader's agency.
    assert!(html.contains(r#"id="from" name="from" value="2027-01-01""#), "{html}");
    assert!(html.contains(r#"id="to" name="to" value="2027-03-10""#));
    assert!(html.contains(&format!(r#"<option value="{CITY}" selected>"#)));
    // The plan in force today (2027): the national targets, chosen by their period, and said so.
    assert!(html.contains(r#"<option value="national-2025" selected>"#), "{html}");
    assert!(html.contains("Chỉ tiêu so với kế hoạch có hiệu lực hôm nay (10/03/2027)"));
    for label in ["Tháng này", "Quý này", "Năm nay"] {
        assert!(html.contains(label), "quick choice {label}");
    }

    // Cards: one per target of the plan, as the API lists them (it defaults to the same plan).
    let (s, kpis) = app.get_with("/api/v1/stats/kpis?from=2027-01-01&to=2027-03-10", &leader).await;
    assert_eq!(s, 200, "{kpis}");
    assert_eq!((kpis["plan"].as_str(), kpis["plan_basis"].as_str()), (Some("national-2025"), Some("in_force")));
    let targets = kpis["targets"].as_array().unwrap().len();
    assert!(targets > 0);
    assert_eq!(html.matches(r#"<li class="kpi "#).count(), targets);
    assert!(html.contains("Mục tiêu") && html.contains("Chênh lệch") && html.contains("Kỳ trước"));
    let online = &kpis["indicators"]["dossiers_online_pct"];
    assert_eq!(online["numerator"], 1, "{online}");
    assert_eq!(online["denominator"], 3, "{online}");
    assert!(html.contains("33,3%"), "the online share (1 of 3) is on the page");

    // Charts: server-side SVG with a text alternative, and the same numbers in tables.
    assert_eq!(html.matches("<svg").count(), 4);
    for id in ["bieu-do-thang", "bieu-do-dung-han", "bieu-do-don-vi", "bieu-do-cap"] {
        assert!(html.contains(&format!(r#"aria-labelledby="{id}-title {id}-desc""#)), "{id}");
        assert!(html.contains(&format!(r#"<title id="{id}-title">"#)), "{id}");
        assert!(html.contains(&format!(r#"<desc id="{id}-desc">"#)), "{id}");
    }
    assert!(html.contains("Tháng 01/2027") && html.contains("Tháng 03/2027"));
    assert!(!html.contains("<script"), "no JavaScript chart library");

    // The report table (grouped by agency by default) is the API's, row by row and in total.
    let (s, report) = app.get_with("/api/v1/stats/report?from=2027-01-01&to=2027-03-10&group_by=agency", &leader).await;
    assert_eq!(s, 200, "{report}");
    let rows = report_rows(&html);
    let api_rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), api_rows.len() + 1, "{rows:?}");
    for (row, api) in rows.iter().zip(api_rows) {
        assert_eq!(row.0, api["label"].as_str().unwrap());
        assert_eq!(row.1, api_numbers(api));
    }
    let total = &rows.last().unwrap();
    assert_eq!(total.0, "Tổng cộng");
    assert_eq!(total.1, api_numbers(&report["total"]));
    assert_eq!(report["total"]["received_total"], 3);
    for h in ["Tổng số hồ sơ tiếp nhận (3)", "Đang giải quyết: quá hạn (13)"] {
        assert!(html.contains(&format!(r#"<th scope="col" class="num">{h}</th>"#)), "{h}");
    }

    // Downloads through the existing endpoint.
    assert!(html.contains(&format!(
        "/api/v1/stats/report?from=2027-01-01&#38;to=2027-03-10&#38;agency={CITY}&#38;group_by=agency&#38;hierarchy=as_is&#38;counted_at=receiving&#38;format=csv"
    )));
    assert!(html.contains("format=xlsx"));
}

#[tokio::test]
async fn the_pickers_choose_period_scope_and_grouping() {
    let app = some_dossiers().await;
    let leader = app.login("leader.tp", PW).await;
    let path =
        format!("/lanh-dao?from=2027-02-01&to=2027-03-31&agency={NINH_KIEU}&plan=vinhphuc-3854-2016&group_by=month");
    let (status, html) = page(&app, &path, &leader).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&format!(r#"<option value="{NINH_KIEU}" selected>"#)));
    assert!(html.contains(r#"<option value="vinhphuc-3854-2016" selected>"#));
    assert!(html.contains("01/02/2027 – 31/03/2027"));
    // The previous period of the same length ends the day before.
    assert!(html.contains("04/12/2026 – 31/01/2027"), "{html}");
    let (_, report) = app
        .get_with(
            &format!("/api/v1/stats/report?from=2027-02-01&to=2027-03-31&agency={NINH_KIEU}&group_by=month"),
            &leader,
        )
        .await;
    let rows = report_rows(&html);
    assert_eq!(rows.len(), 3, "February, March and the total");
    assert_eq!(rows[0].0, "Tháng 02/2027");
    assert_eq!(rows[0].1, api_numbers(&report["rows"][0]));
    assert_eq!(rows[1].1, api_numbers(&report["rows"][1]));
    assert_eq!(rows[2].1, api_numbers(&report["total"]));
    assert_eq!(report["total"]["received_total"], 2);
    assert_eq!(report["total"]["carried_over"], 0, "the January dossier was finished in January");

    // Only the agency itself: the city committee received nothing at its own counter.
    let (status, html) = page(&app, "/lanh-dao?from=2027-01-01&to=2027-03-10&agency_only=1", &leader).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"name="agency_only" value="1" checked"#));
    assert!(html.contains("không gồm các đơn vị trực thuộc"));
    assert!(html
        .contains("agency_only=true&#38;group_by=agency&#38;hierarchy=as_is&#38;counted_at=receiving&#38;format=csv"));
    let (_, report) = app
        .get_with("/api/v1/stats/report?from=2027-01-01&to=2027-03-10&agency_only=true&group_by=agency", &leader)
        .await;
    let rows = report_rows(&html);
    assert_eq!(rows.last().unwrap().1, api_numbers(&report["total"]));
    assert_eq!(report["total"]["received_total"], 0);

    // The same page through the sign-in cookie.
    let r = app
        .client
        .get(app.url(&path))
        .header("Cookie", format!("{}={leader}", motcua::http::pages::session_cookie_name()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn bad_pickers_get_a_readable_error_and_the_form_again() {
    let app = spawn_app_at("2027-03-10T09:00:00+07:00").await;
    let leader = app.login("leader.ninhkieu", PW).await;

    let (status, html) = page(&app, "/lanh-dao?from=2027-02-30&to=2027-03-01", &leader).await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"role="alert""#));
    assert!(html.contains("“Từ ngày” không phải một ngày hợp lệ (“2027-02-30”)"), "{html}");
    assert!(html.contains(r#"value="2027-02-30""#), "the wrong value is shown for correction");
    assert!(!html.contains("bieu-ii06a-bang"), "no numbers for a wrong period");

    let (status, html) = page(&app, "/lanh-dao?from=2027-03-10&to=2027-03-01", &leader).await;
    assert_eq!(status, 400);
    assert!(html.contains("“Từ ngày” phải trước hoặc trùng “Đến ngày”."), "{html}");

    let (status, html) = page(&app, "/lanh-dao?to=<script>alert(1)</script>", &leader).await;
    assert_eq!(status, 400);
    assert!(!html.contains("<script>alert"), "input is escaped");

    // A district leader cannot pick a department of the city, nor an unknown plan or grouping.
    let (status, html) = page(&app, "/lanh-dao?agency=000.00.05.H12&plan=hanoi-2099&group_by=district", &leader).await;
    assert_eq!(status, 400);
    assert!(html.contains("Đơn vị “000.00.05.H12” không có hoặc không thuộc phạm vi"), "{html}");
    assert!(html.contains("Không có kế hoạch “hanoi-2099”"));
    assert!(html.contains("Cách nhóm số liệu “district” không hợp lệ"));
    assert!(!html.contains(r#"value="000.00.05.H12""#), "only agencies in scope are offered");
}

#[tokio::test]
async fn only_leaders_and_admins_see_the_dashboard() {
    let app = spawn_app_at("2027-03-10T09:00:00+07:00").await;
    for user in ["clerk.ninhkieu", "specialist.stnmt", "citizen.an"] {
        let token = app.login(user, PW).await;
        let (status, html) = page(&app, "/lanh-dao", &token).await;
        assert_eq!(status, 403, "{user}");
        assert!(html.contains("dành cho lãnh đạo và quản trị viên"), "{user}: {html}");
    }
    for user in ["admin", "leader.stnmt"] {
        let token = app.login(user, PW).await;
        assert_eq!(page(&app, "/lanh-dao", &token).await.0, 200, "{user}");
    }

    // Not signed in: to the sign-in page, and back here afterwards.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.get(app.url("/lanh-dao")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/dang-nhap?next=/lanh-dao");
    let r = client.get(app.url("/lanh-dao")).header("Cookie", "motcua_session=expired.or.forged").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

/// Plans carry their period: with none named, the dashboard and the API take the plan in force
/// today by the Clock (of several, the latest issued), say when none is, and still let the
/// leader compare with any plan.
#[tokio::test]
async fn the_plan_in_force_today_is_the_default_and_the_page_says_when_none_is() {
    let app = spawn_app_at("2019-06-03T09:00:00+07:00").await;
    let leader = app.login("leader.tp", PW).await;
    let kpis = |q: &'static str| {
        let app = &app;
        let leader = &leader;
        async move {
            let (s, k) = app.get_with(&format!("/api/v1/stats/kpis?from=2019-01-01&to=2019-05-31{q}"), leader).await;
            assert_eq!(s, 200, "{k}");
            k
        }
    };
    // 2019: three plans of 2016–2020 are in force; Cần Thơ's was issued last (28/11/2016).
    let k = kpis("").await;
    assert_eq!((k["plan"].as_str(), k["plan_basis"].as_str()), (Some("cantho-131-2016"), Some("in_force")), "{k}");
    assert_eq!(
        (k["plan_period_from"].as_str(), k["plan_period_to"].as_str()),
        (Some("2016-01-01"), Some("2020-12-31"))
    );
    assert_eq!(k["today"], "2019-06-03");
    let (_, html) = page(&app, "/lanh-dao", &leader).await;
    assert!(html.contains(r#"<option value="cantho-131-2016" selected>"#), "{html}");

    // 2020: Quảng Nam's plan for the year 2020 (issued 10/01/2020) is the latest in force.
    app.set_time("2020-06-01T09:00:00+07:00");
    let (_, html) = page(&app, "/lanh-dao", &leader).await;
    assert!(html.contains(r#"<option value="quangnam-183-2020" selected>"#), "{html}");

    // 2023: no plan is in force. The page says so plainly, still shows the figures, and lets the
    // leader pick any plan.
    app.set_time("2023-06-01T09:00:00+07:00");
    let (status, html) = page(&app, "/lanh-dao", &leader).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Không có kế hoạch nào có hiệu lực hôm nay (01/06/2023)"), "{html}");
    assert!(html.contains(r#"<option value="none" selected>"#), "{html}");
    assert!(html.contains(r#"id="bieu-ii06a-bang""#), "the figures without a plan");
    assert_eq!(html.matches(r#"<li class="kpi "#).count(), 0);
    let k = kpis("").await;
    assert!(k["plan"].is_null(), "{k}");
    assert_eq!(k["plan_basis"], "none_in_force");
    assert_eq!(k["targets"].as_array().unwrap().len(), 0);

    let (status, html) = page(&app, "/lanh-dao?plan=cantho-131-2016", &leader).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<option value="cantho-131-2016" selected>"#));
    assert!(html.contains("không có hiệu lực hôm nay"), "{html}");
    assert!(html.contains("Không có kế hoạch nào có hiệu lực hôm nay (01/06/2023)."));
    assert!(html.matches(r#"<li class="kpi "#).count() > 0);
    let k = kpis("&plan=cantho-131-2016").await;
    assert_eq!((k["plan_basis"].as_str(), k["plan_in_force"].as_bool()), (Some("requested"), Some(false)));
    let k = kpis("&plan=none").await;
    assert_eq!((k["plan"].clone(), k["plan_basis"].as_str()), (Value::Null, Some("not_requested")));
    let (s, b) = app.get_with("/api/v1/stats/kpis?from=2019-01-01&to=2019-05-31&plan=hanoi-2099", &leader).await;
    assert_eq!((s, b["error"].as_str()), (400, Some("unknown_plan")), "{b}");
}

/// The national targets (regulations-2025.md §3 and §6): TB 624's 100% of procedures received
/// boundary-free within the province has a value; ND 224 Điều 19.2's metrics are tracked without a
/// target, and the one motcua cannot compute says so.
#[tokio::test]
async fn the_national_targets_measure_boundary_free_intake_and_track_the_real_time_metrics() {
    let app = some_dossiers().await;
    let leader = app.login("leader.tp", PW).await;
    // The procedures of the province: those received at some local level.
    let (_, procedures) = app.get("/api/v1/procedures").await;
    let local = procedures
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["receiving_levels"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| matches!(l.as_str(), Some("province" | "district" | "commune")))
        })
        .count() as i64;
    assert!(local > 0);

    let (s, k) = app.get_with("/api/v1/stats/kpis?from=2027-01-01&to=2027-03-10&plan=national-2025", &leader).await;
    assert_eq!(s, 200, "{k}");
    let bf = &k["indicators"]["procedures_boundary_free_pct"];
    assert_eq!((bf["numerator"].as_i64(), bf["denominator"].as_i64()), (Some(local), Some(local)), "{bf}");
    let targets = k["targets"].as_array().unwrap();
    let tb624 = targets.iter().find(|t| t["indicator"] == "procedures_boundary_free_pct").unwrap();
    assert_eq!(
        (tb624["target"].as_f64(), tb624["actual"].as_f64(), tb624["gap"].as_f64()),
        (Some(100.0), Some(100.0), Some(0.0))
    );
    assert!(tb624["deadline"].is_null(), "the reference gives no deadline: {tb624}");
    assert!(tb624["source_line"].as_str().unwrap().contains("TB 624/TB-VPCP 16/11/2025"));
    let tracked: Vec<&Value> = targets.iter().filter(|t| t["target"].is_null()).collect();
    assert_eq!(tracked.len(), 7, "{targets:?}");
    assert!(tracked.iter().all(|t| t["gap"].is_null() && t["source_line"].as_str().unwrap().contains("Điều 19.2")));
    let automation = tracked.iter().find(|t| t["indicator"] == "process_automation_pct").unwrap();
    assert!(automation["actual"].is_null());
    let on_time = tracked.iter().find(|t| t["indicator"] == "on_time_pct").unwrap();
    assert_eq!(on_time["actual"], k["indicators"]["on_time_pct"]["value"]);

    // Before 01/07/2025 a centre received only its own level's procedures: none boundary-free.
    let (_, before) =
        app.get_with("/api/v1/stats/kpis?from=2025-01-01&to=2025-06-30&plan=national-2025", &leader).await;
    let bf = &before["indicators"]["procedures_boundary_free_pct"];
    assert_eq!((bf["numerator"].as_i64(), bf["denominator"].as_i64()), (Some(0), Some(local)), "{bf}");

    // The page: a card per target and tracked metric; no invented target, and what cannot be measured is said.
    let (_, html) = page(&app, "/lanh-dao?plan=national-2025", &leader).await;
    assert_eq!(html.matches(r#"<li class="kpi "#).count(), targets.len());
    assert_eq!(html.matches("Chưa công bố").count(), 7, "tracked metrics show no target");
    assert!(html.contains("Hệ thống chưa đo được"), "process automation is not measured");
    assert!(html.contains("Tỷ lệ TTHC tiếp nhận không phụ thuộc địa giới hành chính trong tỉnh"));
}
