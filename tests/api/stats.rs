//! The official report through the API on a month worked out by hand (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
const TAN_AN: &str = "000.01.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days, online level 4.
const BUSINESS: &str = "2.000720";
/// Liên thông khai sinh: commune, 10 working days.
const BIRTH: &str = "1.003583";

fn applicant() -> Value {
    json!({"name": "Trần Văn Bình", "id_number": "092190004321", "phone": "0987654321", "address": "Ninh Kiều"})
}

async fn intake(app: &TestApp, token: &str, procedure: &str, channel: &str) -> String {
    let mut body = json!({"procedure_code": procedure, "channel": channel, "applicant": applicant()});
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

/// February and March 2027 at quận Ninh Kiều (and one dossier at phường Tân An below it).
async fn scripted_months() -> TestApp {
    let app = spawn_app_at("2027-02-24T09:00:00+07:00").await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let citizen = app.login("citizen.an", PW).await;
    let commune = app.login("clerk.tanan", PW).await;
    let finish = |code: String| {
        let (app, clerk, leader) = (&app, clerk.clone(), leader.clone());
        async move {
            act(app, &clerk, &code, "transfer").await;
            act(app, &leader, &code, "approve").await;
            act(app, &leader, &code, "finish").await;
        }
    };
    let a = intake(&app, &clerk, BUSINESS, "direct").await; // due 1/3
    app.set_time("2027-02-25T09:00:00+07:00");
    let b = intake(&app, &clerk, BUSINESS, "direct").await; // due 2/3
    app.set_time("2027-02-26T09:00:00+07:00");
    finish(b).await; // early, in February
    app.set_time("2027-03-02T09:00:00+07:00");
    let c = intake(&app, &citizen, BUSINESS, "online").await;
    app.set_time("2027-03-02T10:00:00+07:00");
    act(&app, &clerk, &c, "receive").await; // due 5/3
    app.set_time("2027-03-03T09:00:00+07:00");
    finish(a).await; // late
    app.set_time("2027-03-05T09:00:00+07:00");
    finish(c).await; // on time
    app.set_time("2027-03-10T09:00:00+07:00");
    let d = intake(&app, &clerk, BUSINESS, "direct").await; // due 15/3
    app.set_time("2027-03-12T09:00:00+07:00");
    finish(d).await; // early
    app.set_time("2027-03-15T09:00:00+07:00");
    intake(&app, &commune, BIRTH, "direct").await; // at Tân An, due 29/3, never finished
    app.set_time("2027-03-22T09:00:00+07:00");
    intake(&app, &clerk, BUSINESS, "direct").await; // F, due 25/3, never finished
    app.set_time("2027-03-29T09:00:00+07:00");
    intake(&app, &clerk, BUSINESS, "direct").await; // E, due 1/4
    app.set_time("2027-03-30T09:00:00+07:00");
    intake(&app, &citizen, BUSINESS, "online").await; // G, never received: not counted
    app.set_time("2027-04-02T09:00:00+07:00");
    app
}

fn columns(v: &Value) -> [i64; 11] {
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
    .map(|c| v[c].as_i64().unwrap_or_else(|| panic!("{c} missing in {v}")))
}

#[tokio::test]
async fn a_scripted_month_gives_the_report_worked_out_by_hand() {
    let app = scripted_months().await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let get = |q: &str| {
        let (app, leader) = (&app, leader.clone());
        let q = q.to_string();
        async move {
            let (s, b) = app.get_with(&format!("/api/v1/stats/report?{q}"), &leader).await;
            assert_eq!(s, 200, "{q}: {b}");
            b
        }
    };
    // March, quận Ninh Kiều only:         3   4  5  6  7  8  9 10 11 12 13
    let march = get(&format!("from=2027-03-01&to=2027-03-31&agency={NINH_KIEU}&agency_only=true")).await;
    assert_eq!(columns(&march["total"]), [5, 1, 3, 1, 3, 1, 1, 1, 2, 1, 1]);
    // With phường Tân An below it: one more received, pending and overdue (due 29/3).
    let subtree = get("from=2027-03-01&to=2027-03-31").await;
    assert_eq!(columns(&subtree["total"]), [6, 1, 4, 1, 3, 1, 1, 1, 3, 1, 2]);
    let february = get("from=2027-02-01&to=2027-02-28").await;
    assert_eq!(columns(&february["total"]), [2, 0, 2, 0, 1, 1, 0, 0, 1, 1, 0]);

    let by_month = get("from=2027-02-01&to=2027-03-31&group_by=month").await;
    let rows = by_month["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(columns(&rows[0]), columns(&february["total"]));
    assert_eq!(columns(&rows[1]), columns(&subtree["total"]));
    assert_eq!(columns(&by_month["total"]), [7, 1, 6, 0, 4, 2, 1, 1, 3, 1, 2]);

    let by_agency = get("from=2027-03-01&to=2027-03-31&group_by=agency").await;
    let rows = by_agency["rows"].as_array().unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, [NINH_KIEU, TAN_AN]);
    assert_eq!(columns(&rows[0]), columns(&march["total"]));
    assert_eq!(rows[1]["label"], "Phường Tân An");
    let by_level = get("from=2027-03-01&to=2027-03-31&group_by=level").await;
    let levels: Vec<&str> = by_level["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(levels, ["commune", "district"]);

    // CSV with the official headers.
    let r = app
        .client
        .get(app.url("/api/v1/stats/report?from=2027-03-01&to=2027-03-31&format=csv"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.contains("Tổng số hồ sơ tiếp nhận (3)"), "{csv}");
    assert!(csv.trim_end().ends_with("Tổng cộng,6,1,4,1,3,1,1,1,3,1,2"), "{csv}");
}

#[tokio::test]
async fn statistics_are_scoped_and_bad_parameters_get_clear_400s() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let department = app.login("leader.stnmt", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let city = app.login("leader.tp", PW).await;
    let (s, b) = app
        .get_with(&format!("/api/v1/stats/report?from=2027-01-01&to=2027-12-31&agency={NINH_KIEU}"), &department)
        .await;
    assert_error(s, &b, 403, "out_of_scope");
    let (s, b) = app.get_with("/api/v1/stats/report?from=2027-01-01&to=2027-12-31&agency=000.00.05.H12", &leader).await;
    assert_error(s, &b, 403, "out_of_scope");
    let (s, b) = app.get_with("/api/v1/stats/report?from=2027-01-01&to=2027-12-31", &clerk).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, _) =
        app.get_with(&format!("/api/v1/stats/report?from=2027-01-01&to=2027-12-31&agency={NINH_KIEU}"), &city).await;
    assert_eq!(s, 200);
    for (q, code) in [
        ("from=2027-12-31&to=2027-01-01", "invalid_period"),
        ("from=2027-13-01&to=2027-12-31", "invalid_period"),
        ("to=2027-12-31", "invalid_period"),
        ("from=2027-01-01&to=2027-12-31&agency=000.00.99.H12", "unknown_agency"),
        ("from=2027-01-01&to=2027-12-31&agency=H12", "invalid_agency_code"),
        ("from=2027-01-01&to=2027-12-31&group_by=colour", "invalid_group_by"),
        ("from=2027-01-01&to=2027-12-31&format=pdf", "invalid_format"),
        ("from=2027-01-01&to=2027-12-31&sort=asc", "invalid_query"),
    ] {
        let (s, b) = app.get_with(&format!("/api/v1/stats/report?{q}"), &city).await;
        assert_error(s, &b, 400, code);
    }
}

#[tokio::test]
async fn the_indicators_of_the_scripted_month_and_a_plan_beside_them() {
    let app = scripted_months().await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let (s, k) = app.get_with("/api/v1/stats/kpis?from=2027-03-01&to=2027-03-31", &leader).await;
    assert_eq!(s, 200, "{k}");
    let ind = &k["indicators"];
    let nd = |name: &str| (ind[name]["numerator"].as_i64().unwrap(), ind[name]["denominator"].as_i64().unwrap());
    assert_eq!(nd("dossiers_online_pct"), (1, 5));
    assert_eq!(ind["dossiers_online_pct"]["value"], 20.0);
    assert_eq!(nd("dossiers_online_level4_pct"), (1, 5));
    assert_eq!(nd("dossiers_online_level4_pct_of_resolved"), (1, 3));
    assert_eq!(ind["dossiers_online_level4_pct_of_resolved"]["value"], 33.33);
    assert_eq!(nd("on_time_pct"), (2, 3));
    assert_eq!(ind["on_time_pct"]["value"], 66.67);
    assert_eq!(nd("agencies_using_pct.district"), (1, 1));
    assert_eq!(nd("agencies_using_pct.commune"), (1, 13), "phường Tân An of Ninh Kiều's 13 wards");
    let (l3, all) = nd("procedures_level3_pct");
    let (l4, all4) = nd("procedures_level4_pct");
    assert_eq!(all, all4);
    assert_eq!(nd("procedures_level3plus_pct"), (l3 + l4, all));
    assert!(all > 0);
    assert!(ind["online_payment_pct"]["value"].is_null(), "not measured is said, not invented");
    assert_eq!(nd("dossiers_in_system_pct"), (5, 5));

    let (s, b) = app
        .client
        .put(app.url("/api/v1/stats/off-system"))
        .bearer_auth(&leader)
        .json(&json!({"agency_code": NINH_KIEU, "from": "2027-03-01", "to": "2027-03-31", "dossiers": 15}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(s, 204, "{:?}", b.text().await);
    let (_, k) = app.get_with("/api/v1/stats/kpis?from=2027-03-01&to=2027-03-31", &leader).await;
    assert_eq!(k["indicators"]["dossiers_in_system_pct"]["value"], 25.0);

    // Quảng Nam's plan sets 100% of agencies using the system at every level.
    let (s, k) = app.get_with("/api/v1/stats/kpis?from=2027-03-01&to=2027-03-31&plan=quangnam-183-2020", &leader).await;
    assert_eq!(s, 200, "{k}");
    let targets = k["targets"].as_array().unwrap();
    assert!(!targets.is_empty());
    let commune = targets
        .iter()
        .find(|t| t["indicator"] == "agencies_using_pct" && t["level"] == "commune")
        .expect("a commune-level target");
    assert_eq!((commune["target"].as_f64(), commune["actual"].as_f64()), (Some(100.0), Some(7.69)));
    assert_eq!(commune["gap"], -92.31);
    assert!(targets.iter().all(|t| t["deadline"].is_string() && t["source_line"].is_string()));

    let (s, b) = app.get_with("/api/v1/stats/kpis?from=2027-03-01&to=2027-03-31&plan=atlantis-2030", &leader).await;
    assert_error(s, &b, 400, "unknown_plan");
    let r = app
        .client
        .get(app.url("/api/v1/stats/kpis?from=2027-03-01&to=2027-03-31&plan=cantho-131-2016&format=csv"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    let csv = r.text().await.unwrap();
    assert!(csv.contains("Tỷ lệ hồ sơ tiếp nhận trực tuyến,dossiers_online_pct,,1,5,20"), "{csv}");
}

/// Reads one file out of an XLSX (zip) package.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut s = String::new();
    archive.by_name(name).expect("part present").read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn the_report_and_indicators_download_as_xlsx_with_the_official_headers() {
    let app = scripted_months().await;
    let leader = app.login("leader.ninhkieu", PW).await;
    for (path, expected) in [
        ("/api/v1/stats/report?from=2027-03-01&to=2027-03-31&group_by=agency&format=xlsx", "Số hồ sơ nhận giải quyết"),
        (
            "/api/v1/stats/kpis?from=2027-03-01&to=2027-03-31&plan=quangnam-183-2020&format=xlsx",
            "Tỷ lệ hồ sơ giải quyết đúng hạn",
        ),
    ] {
        let r = app.client.get(app.url(path)).bearer_auth(&leader).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let bytes = r.bytes().await.unwrap();
        let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
        assert!(strings.contains(expected), "{strings}");
        let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<v>"), "numbers are written as numbers");
    }
    let r = app
        .client
        .get(app.url("/api/v1/stats/report?from=2027-03-01&to=2027-03-31&format=xlsx"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    let bytes = r.bytes().await.unwrap();
    let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
    assert!(strings.contains("Tổng cộng") && strings.contains("Quận Ninh Kiều"), "{strings}");
    // The official layout (TT 01/2020 Biểu II.06a): form number, reporting unit, period, the
    // two-level merged header with the column numbers (1)–(13), the signature block.
    for text in [
        "Biểu số II.06a/VPCP/KSTT",
        "Đơn vị báo cáo: Quận Ninh Kiều",
        "Kỳ báo cáo: từ ngày 01/03/2027 đến ngày 31/03/2027",
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ đang giải quyết",
        "(1)",
        "(13)",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ] {
        assert!(strings.contains(text), "{text}: {strings}");
    }
    let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    for merged in ["A6:A8", "C6:F6", "G6:M6", "D7:E7", "G7:J7", "K7:M7"] {
        assert!(sheet.contains(&format!("<mergeCell ref=\"{merged}\"/>")), "{merged} merged: {sheet}");
    }
    // The total row (the first data row, row 10, as the report has no grouping) holds the
    // hand-worked March numbers in columns (3)–(13).
    let total_row = sheet.split("<row r=\"10\"").nth(1).unwrap().split("</row>").next().unwrap();
    let values: Vec<&str> = total_row.split("<v>").skip(1).map(|v| v.split("</v>").next().unwrap()).collect();
    assert_eq!(values[values.len() - 11..], ["6", "1", "4", "1", "3", "1", "1", "1", "3", "1", "2"]);
}
