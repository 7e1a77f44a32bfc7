//! One request, one trip (issue 12): every authenticated request, for each role, on the API and
//! the pages, takes exactly one pool check-out: the account check, the use case and the read of
//! what it returns (and, when a form is refused, the page's own reads) share one connection. A
//! refusal (a role, a disabled account) is one trip too. SQLite, or PostgreSQL with
//! TEST_DATABASE_URL.
//!
//! The app runs without the delivery worker and without a demo history, so nothing else uses its
//! pool while a request is measured; the test's own pool (`app.conn()`) is not used either.
use crate::common;

use common::web::{get, post_form, post_multipart, sign_in, Page};
use common::{assert_error, spawn_app_configured, TestApp};
use motcua::storage::connection::checkouts;
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2026-11-23T09:00:00+07:00";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district (quận Ninh Kiều), 3 working days, online level 4.
const BUSINESS: &str = "2.000720";
/// The first document of BUSINESS.
const DOC: &str = "Giấy đề nghị đăng ký hộ kinh doanh (Phụ lục III-1 Thông tư 01/2021/TT-BKHĐT)";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// The check-outs of each request measured, in order.
struct Trips<'a> {
    app: &'a TestApp,
    seen: Vec<(String, u64)>,
}

impl<'a> Trips<'a> {
    /// Sends one request (fully answered when the future ends) and counts its check-outs.
    async fn count<T>(&mut self, name: impl Into<String>, request: impl std::future::Future<Output = T>) -> T {
        let before = checkouts(self.app.db.url());
        let out = request.await;
        self.seen.push((name.into(), checkouts(self.app.db.url()) - before));
        out
    }

    /// An API GET with a bearer token; its status must be `status`.
    async fn api(&mut self, token: &str, path: &str, status: u16) -> Value {
        let (s, body) = self.count(format!("GET {path}"), self.app.get_with(path, token)).await;
        assert_eq!(s, status, "GET {path}: {body}");
        body
    }

    /// A page GET with a session cookie; its status must be `status`.
    async fn page(&mut self, cookie: &str, path: &str, status: u16) -> Page {
        let p = self.count(format!("page {path}"), get(self.app, path, Some(cookie))).await;
        assert_eq!(p.status, status, "page {path}: {} {}", p.location, p.body);
        p
    }

    /// A form POST from a page; its status must be `status`.
    async fn form(&mut self, cookie: &str, path: &str, form: &[(&str, &str)], status: u16) -> Page {
        let p = self.count(format!("POST {path}"), post_form(self.app, path, Some(cookie), form)).await;
        assert_eq!(p.status, status, "POST {path}: {} {}", p.location, p.body);
        p
    }

    fn assert_one_each(&self) {
        let table = self.seen.iter().map(|(n, c)| format!("{c} {n}")).collect::<Vec<_>>().join("\n");
        println!("{} check-outs per request:\n{table}", self.app.db.backend());
        assert!(self.seen.len() > 40, "{table}");
        for (name, c) in &self.seen {
            assert_eq!(*c, 1, "{name} takes {c} check-outs:\n{table}");
        }
    }
}

#[tokio::test]
async fn every_authenticated_request_of_every_role_takes_one_pool_check_out() {
    let app = spawn_app_configured(Some(MONDAY), |s| {
        s.notifications.worker = false;
        s.seed.demo_history_days = 0;
    })
    .await;
    let users = ["citizen.an", "clerk.ninhkieu", "specialist.ninhkieu", "leader.ninhkieu", "admin"];
    let mut tokens = vec![];
    let mut cookies = vec![];
    for user in users {
        tokens.push(app.login(user, PW).await);
        cookies.push(sign_in(&app, user, PW).await);
    }
    let [citizen, clerk, specialist, leader, admin] = [0, 1, 2, 3, 4].map(|i| tokens[i].clone());
    let [citizen_c, clerk_c, specialist_c, leader_c, admin_c] = [0, 1, 2, 3, 4].map(|i| cookies[i].clone());
    // A dossier received at the counter (not measured).
    let intake = json!({"procedure_code": BUSINESS, "channel": "direct", "notify_by": "none",
        "applicant": {"name": "Nguyễn Thị Hoa", "id_number": "092190001234", "phone": "0912345678",
                      "address": "12 Nguyễn Trãi, quận Ninh Kiều"},
        "documents": ["Đơn đề nghị"]});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &intake).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    let mut trips = Trips { app: &app, seen: vec![] };

    // The citizen submits online with a file through the page: the procedure, its agencies, the
    // intake and the file in one trip.
    let submit = format!("/thu-tuc/{BUSINESS}/nop");
    trips.page(&citizen_c, &submit, 200).await;
    let fields = [
        ("agency_code", NINH_KIEU),
        ("name", "Trần Văn An"),
        ("id_number", "092190004321"),
        ("phone", "0987654321"),
        ("address", "5 Hòa Bình, Ninh Kiều"),
        ("notify_by", "sms"),
        ("documents", DOC),
    ];
    let files = [("don-de-nghi.pdf", "application/pdf", PDF)];
    let p = trips.count("POST online submission", post_multipart(&app, &submit, &citizen_c, &fields, &files)).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let reference = p.location.trim_start_matches("/ho-so-cua-toi/").split('?').next().unwrap().to_string();

    // The API, each role: who am I; the administrators' lists; alerts; forms; files; rating.
    for (user, token) in users.iter().zip(&tokens) {
        let me = trips.api(token, "/api/v1/auth/me", 200).await;
        assert_eq!(me["username"], *user);
    }
    for path in [
        "/api/v1/admin/notifications",
        "/api/v1/admin/users",
        "/api/v1/admin/calendar",
        "/api/v1/admin/plans",
        "/api/v1/admin/agency-changes",
        "/api/v1/admin/reorganisations",
    ] {
        trips.api(&admin, path, 200).await;
    }
    let unit = json!({"code": "000.20.31.H12", "name": "Phường Mới", "level": "commune", "kind": "people_committee",
        "parent_code": NINH_KIEU});
    let (s, b) = trips.count("POST agency", app.post_with("/api/v1/admin/agencies", &admin, &unit)).await;
    assert_eq!(s, 201, "{b}");
    let close = json!({"successor": "000.01.31.H12", "effective_on": "2026-12-01", "act": "QĐ 1/QĐ-UBND"});
    let path = "/api/v1/admin/agencies/000.20.31.H12/close?dry_run=true";
    let (s, b) = trips.count("POST close (dry run)", app.post_with(path, &admin, &close)).await;
    assert_eq!(s, 200, "{b}");
    let refused = trips.api(&citizen, "/api/v1/admin/notifications", 403).await;
    assert_error(403, &refused, 403, "role_not_allowed");
    trips.api(&admin, "/api/v1/admin/throttle-alerts", 200).await;
    trips.api(&specialist, "/api/v1/admin/throttle-alerts", 200).await;
    trips.api(&clerk, &format!("/api/v1/dossiers/{code}/forms/01"), 200).await;
    trips.api(&leader, &format!("/api/v1/dossiers/{code}/forms/06"), 200).await;
    trips.api(&clerk, &format!("/api/v1/agencies/{NINH_KIEU}/tracking-book?year=2026"), 200).await;
    let mine = trips.api(&citizen, &format!("/api/v1/dossiers/{reference}"), 200).await;
    let file = mine["files"][0]["id"].as_str().expect("the submitted file").to_string();
    trips.api(&citizen, &format!("/api/v1/dossiers/{reference}/files/{file}"), 200).await;
    let upload = app
        .client
        .put(app.url(&format!("/api/v1/dossiers/{reference}/files/cccd.pdf")))
        .bearer_auth(&citizen)
        .header("content-type", "application/pdf")
        .body(PDF);
    let r = trips.count("PUT file", async { upload.send().await.unwrap().status().as_u16() }).await;
    assert_eq!(r, 201);
    let rating = json!({"score": 5});
    let rate = app.client.post(app.url(&format!("/api/v1/dossiers/{reference}/rating"))).bearer_auth(&citizen);
    let r =
        trips.count("POST rating (API)", async { rate.json(&rating).send().await.unwrap().status().as_u16() }).await;
    assert_eq!(r, 409, "the owner is known (not 403), the result is not returned yet");

    // The citizen's pages.
    let mine = trips.page(&citizen_c, "/ho-so-cua-toi", 200).await;
    assert!(mine.body.contains(&reference));
    trips.page(&citizen_c, &format!("/ho-so-cua-toi/{reference}"), 200).await;
    let p = trips.form(&citizen_c, &format!("/ho-so-cua-toi/{reference}/danh-gia"), &[("score", "5")], 409).await;
    assert!(p.body.contains(&reference), "the dossier is shown again with the error");
    trips.form(&citizen_c, &format!("/ho-so-cua-toi/{reference}/xu-ly"), &[("action", "approve")], 400).await;
    // Staff have their own list; a citizen may not submit at the counter.
    let p = trips.page(&clerk_c, "/ho-so-cua-toi", 303).await;
    assert_eq!(p.location, "/can-bo");
    trips.page(&citizen_c, "/can-bo/tiep-nhan", 403).await;

    // The staff pages: the dossier for each staff role, the intake form, an action and a refused one.
    for cookie in [&clerk_c, &specialist_c, &leader_c] {
        trips.page(cookie, &format!("/can-bo/ho-so/{code}"), 200).await;
    }
    trips.page(&clerk_c, "/can-bo/tiep-nhan", 200).await;
    trips.page(&clerk_c, &format!("/can-bo/tiep-nhan?thu_tuc={BUSINESS}"), 200).await;
    let p = trips.form(&clerk_c, "/can-bo/tiep-nhan", &[("procedure_code", BUSINESS), ("name", "")], 400).await;
    assert!(p.body.contains(BUSINESS), "the form is shown again with its choices");
    let p = trips.form(&clerk_c, &format!("/can-bo/ho-so/{reference}/xu-ly"), &[("action", "receive")], 303).await;
    assert!(p.location.starts_with("/can-bo/ho-so/") && p.location.ends_with("?xong=receive"), "{}", p.location);
    let p = trips.form(&clerk_c, &format!("/can-bo/ho-so/{code}/xu-ly"), &[("action", "approve")], 403).await;
    assert!(p.body.contains(&code), "the dossier is shown again with the error");

    // The administrators' pages, and a staff member refused there.
    for path in [
        "/quan-tri",
        "/quan-tri/nguoi-dung",
        "/quan-tri/thong-bao",
        "/quan-tri/lich",
        "/quan-tri/ke-hoach",
        "/quan-tri/thu-tuc",
        &format!("/quan-tri/thu-tuc/{BUSINESS}"),
        "/quan-tri/co-quan",
        "/quan-tri/co-quan?ngay=2019-06-01",
        &format!("/quan-tri/co-quan/{NINH_KIEU}"),
        "/quan-tri/sap-xep",
        "/quan-tri/canh-bao",
        "/quan-tri/truy-cap",
    ] {
        trips.page(&admin_c, path, 200).await;
    }
    // Who read the dossier (issue 17 item 2): the owner's list, the auditors'.
    trips.api(&citizen, &format!("/api/v1/dossiers/{reference}/accesses"), 200).await;
    trips.api(&admin, &format!("/api/v1/dossiers/{code}/accesses"), 200).await;
    trips.api(&admin, "/api/v1/admin/accesses", 200).await;
    // The alerts: the staff page and the API.
    trips.page(&clerk_c, "/can-bo/canh-bao", 200).await;
    trips.page(&leader_c, "/can-bo/canh-bao", 200).await;
    // Agencies: a refused creation shown again, a rename's dry run, a plan's dry run.
    let unit = [("code", "000.1.31.H12"), ("name", "Phường Mới"), ("level", "commune"), ("kind", "people_committee")];
    trips.form(&admin_c, "/quan-tri/co-quan", &unit, 400).await;
    let rename = [
        ("code", NINH_KIEU),
        ("new_code", "000.00.46.H12"),
        ("new_name", "Quận Ninh Kiều Mới"),
        ("effective_on", "2026-11-23"),
        ("act", "NQ 9/NQ-UBTVQH"),
        ("action", "dry_run"),
    ];
    trips.form(&admin_c, "/quan-tri/co-quan/doi-ten", &rename, 200).await;
    trips.form(&admin_c, "/quan-tri/sap-xep", &[("plan", "{}"), ("action", "dry_run")], 400).await;
    trips.page(&clerk_c, "/quan-tri/nguoi-dung", 403).await;
    let p =
        trips.form(&admin_c, "/quan-tri/lich", &[("day", "2026-02-30"), ("kind", "holiday"), ("name", "x")], 400).await;
    assert!(p.body.contains("2026-02-30"), "the calendar is shown again with the value typed");
    let new_user = [
        ("username", "clerk.moi"),
        ("full_name", "Lê Văn Mới"),
        ("role", "clerk"),
        ("agency_code", NINH_KIEU),
        ("password", "mat-khau-moi-123"),
    ];
    trips.form(&admin_c, "/quan-tri/nguoi-dung", &new_user, 303).await;

    // A disabled account: sent to sign in (pages) or refused (API), one trip each.
    let binh = app.login("citizen.binh", PW).await;
    let binh_c = sign_in(&app, "citizen.binh", PW).await;
    trips.form(&admin_c, "/quan-tri/nguoi-dung/citizen.binh/khoa", &[], 303).await;
    let p = trips.page(&binh_c, "/ho-so-cua-toi", 303).await;
    assert_eq!(p.location, "/dang-nhap?next=/ho-so-cua-toi");
    let refused = trips.api(&binh, "/api/v1/auth/me", 401).await;
    assert_error(401, &refused, 401, "invalid_token");

    trips.assert_one_each();
    app.expect_unsent(app.unsent().len());
}
