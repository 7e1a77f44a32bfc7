//! One request, one trip (issue 12): handlers that check the account on the use case's own
//! connection (`storage::run_as`) refuse a disabled account's token: 401 `invalid_token` on the
//! API, the sign-in page for the web pages; enabled again, the same token works (SQLite, or
//! PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::web::{get, sign_in};
use common::{assert_error, spawn_app_at};
use serde_json::json;

const PW: &str = "motcua-demo";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2026-11-23T09:00:00+07:00";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days.
const BUSINESS: &str = "2.000720";

#[tokio::test]
async fn a_disabled_accounts_token_is_refused_by_the_one_trip_handlers_and_works_again_when_enabled() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let clerk_cookie = sign_in(&app, "clerk.ninhkieu", PW).await;
    let leader_cookie = sign_in(&app, "leader.ninhkieu", PW).await;
    let intake = json!({"procedure_code": BUSINESS, "channel": "direct", "notify_by": "none",
        "applicant": {"name": "Nguyễn Thị Hoa", "id_number": "092190001234", "phone": "0912345678",
                      "address": "12 Nguyễn Trãi, quận Ninh Kiều"},
        "documents": ["Đơn đề nghị"]});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &intake).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    let kpis = "/api/v1/stats/kpis?from=2026-01-01&to=2026-11-23&plan=cantho-131-2016";
    let report = "/api/v1/stats/report?from=2026-01-01&to=2026-11-23&group_by=month";
    assert_eq!(app.get_with(kpis, &leader).await.0, 200);
    assert_eq!(app.get_with(report, &leader).await.0, 200);
    assert_eq!(get(&app, "/lanh-dao", Some(&leader_cookie)).await.status, 200);

    for user in ["clerk.ninhkieu", "leader.ninhkieu"] {
        let (s, b) = app.post_with(&format!("/api/v1/admin/users/{user}/disable"), &admin, &json!({})).await;
        assert_eq!(s, 200, "{b}");
    }
    let refused = [
        app.post_with("/api/v1/dossiers", &clerk, &intake).await,
        app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await,
        app.post_with(&format!("/api/v1/dossiers/{code}/actions"), &clerk, &json!({"action": "transfer"})).await,
        app.get_with("/api/v1/dossiers", &clerk).await,
        app.get_with(kpis, &leader).await,
        app.get_with(report, &leader).await,
    ];
    for (s, b) in refused {
        assert_error(s, &b, 401, "invalid_token");
    }
    // The dashboard sends a disabled leader, and a disabled clerk (who would see a 403), to sign in.
    for cookie in [&leader_cookie, &clerk_cookie] {
        let p = get(&app, "/lanh-dao", Some(cookie)).await;
        assert_eq!((p.status, p.location.as_str()), (303, "/dang-nhap?next=/lanh-dao"));
    }
    // Nothing was written for the refused requests.
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}"), &admin).await;
    assert_eq!((s, b["status_code"].as_i64()), (200, Some(2)), "{b}");

    for user in ["clerk.ninhkieu", "leader.ninhkieu"] {
        let (s, b) = app.post_with(&format!("/api/v1/admin/users/{user}/enable"), &admin, &json!({})).await;
        assert_eq!(s, 200, "{b}");
    }
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await.0, 200, "the old token works again");
    assert_eq!(app.get_with(kpis, &leader).await.0, 200);
    assert_eq!(get(&app, "/lanh-dao", Some(&leader_cookie)).await.status, 200);
    assert_eq!(get(&app, "/lanh-dao", Some(&clerk_cookie)).await.status, 403);
}
