//! The route table (`src/http/routes.rs`): every operation the OpenAPI document names and every page
//! answers at its address with its method; an address the table does not hold, or a method an
//! address does not take, is the generic 404 (JSON for clients, a Vietnamese page for browsers).
//! (SQLite, or PostgreSQL with TEST_DATABASE_URL.)
use crate::common;

use common::web::browser;
use common::{spawn_app, TestApp};
use reqwest::Method;
use serde_json::Value;

/// Every page of the table, with its method, in a form the pattern accepts.
const PAGES: [(&str, &str); 56] = [
    ("GET", "/static/app.css"),
    ("GET", "/"),
    ("GET", "/thu-tuc"),
    ("GET", "/thu-tuc/2.000720"),
    ("GET", "/thu-tuc/2.000720/nop"),
    ("POST", "/thu-tuc/2.000720/nop"),
    ("GET", "/tra-cuu"),
    ("GET", "/tra-cuu/000.00.31.H12-261123-0001"),
    ("POST", "/tra-cuu/000.00.31.H12-261123-0001"),
    ("GET", "/dang-nhap"),
    ("POST", "/dang-nhap"),
    ("GET", "/dang-ky"),
    ("POST", "/dang-ky"),
    ("POST", "/dang-xuat"),
    ("GET", "/ho-so-cua-toi"),
    ("GET", "/ho-so-cua-toi/000.00.31.H12-261123-0001"),
    ("POST", "/ho-so-cua-toi/000.00.31.H12-261123-0001/danh-gia"),
    ("POST", "/ho-so-cua-toi/000.00.31.H12-261123-0001/xu-ly"),
    ("POST", "/ho-so-cua-toi/000.00.31.H12-261123-0001/tep"),
    ("GET", "/can-bo"),
    ("GET", "/can-bo/tiep-nhan"),
    ("GET", "/can-bo/canh-bao"),
    ("GET", "/quan-tri/canh-bao"),
    ("GET", "/quan-tri/truy-cap"),
    ("POST", "/can-bo/tiep-nhan"),
    ("GET", "/can-bo/ho-so/000.00.31.H12-261123-0001"),
    ("POST", "/can-bo/ho-so/000.00.31.H12-261123-0001/xu-ly"),
    ("GET", "/lanh-dao"),
    ("GET", "/lanh-dao/dau-hieu-bat-thuong"),
    ("GET", "/quan-tri"),
    ("GET", "/quan-tri/thong-bao"),
    ("POST", "/quan-tri/thong-bao/0195f0a0-0000-7000-8000-000000000000/gui-lai"),
    ("GET", "/quan-tri/nguoi-dung"),
    ("POST", "/quan-tri/nguoi-dung"),
    ("POST", "/quan-tri/nguoi-dung/canbo.ninhkieu/khoa"),
    ("POST", "/quan-tri/nguoi-dung/canbo.ninhkieu/mo-khoa"),
    ("GET", "/quan-tri/lich"),
    ("POST", "/quan-tri/lich"),
    ("POST", "/quan-tri/lich/2026-09-02/xoa"),
    ("GET", "/quan-tri/ke-hoach"),
    ("POST", "/quan-tri/ke-hoach/cantho-131-2016/1"),
    ("GET", "/quan-tri/thu-tuc"),
    ("GET", "/quan-tri/thu-tuc/2.000720"),
    ("POST", "/quan-tri/thu-tuc/2.000720"),
    ("POST", "/quan-tri/thu-tuc/2.000720/mau"),
    ("POST", "/quan-tri/thu-tuc/2.000720/mau/0195f0a0-0000-7000-8000-000000000000/xoa"),
    ("GET", "/thu-tuc/2.000720/mau/0195f0a0-0000-7000-8000-000000000000"),
    ("GET", "/health"),
    ("GET", "/phan-anh-kien-nghi"),
    ("GET", "/phan-anh-kien-nghi/gui"),
    ("POST", "/phan-anh-kien-nghi/gui"),
    ("GET", "/phan-anh-kien-nghi/cua-toi"),
    ("GET", "/phan-anh-kien-nghi/ho-so"),
    ("POST", "/phan-anh-kien-nghi/ho-so"),
    ("GET", "/can-bo/phan-anh-kien-nghi"),
    ("POST", "/can-bo/phan-anh-kien-nghi/0195f0a0-0000-7000-8000-000000000000/tra-loi"),
];

/// A value each path parameter of the OpenAPI document accepts (the record need not exist).
fn plausible(name: &str) -> &'static str {
    match name {
        "day" => "2026-09-02",
        "position" | "n" => "1",
        "plan" => "cantho-131-2016",
        "username" => "canbo.ninhkieu",
        "form" => "phieu-tiep-nhan",
        "id" => "0195f0a0-0000-7000-8000-000000000000",
        "name" => "don-de-nghi.pdf",
        _ => "000.00.31.H12",
    }
}

/// What `method path` answers, with no session: the status, and the error code of a JSON answer.
/// A POST or PUT carries an empty JSON object and this site's Origin, as a browser or client would.
async fn answer(app: &TestApp, method: &str, path: &str) -> (u16, Option<String>) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = browser().request(method.clone(), app.url(path)).header("origin", app.address.clone());
    if method == Method::POST || method == Method::PUT {
        req = req.header("content-type", "application/json").body("{}");
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let code = r.json::<Value>().await.ok().and_then(|b| b["error"].as_str().map(str::to_string));
    (status, code)
}

fn is_generic_404((status, code): &(u16, Option<String>)) -> bool {
    *status == 404 && code.as_deref() == Some("route_not_found")
}

#[tokio::test]
async fn every_operation_of_the_openapi_document_is_in_the_route_table() {
    let app = spawn_app().await;
    let (s, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (template, item) in paths {
        let path = template
            .split('/')
            .map(|seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => plausible(name).to_string(),
                None => seg.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in
            item.as_object().unwrap().keys().filter(|k| ["get", "post", "put", "delete"].contains(&k.as_str()))
        {
            let got = answer(&app, &method.to_uppercase(), &path).await;
            assert!(!is_generic_404(&got), "{method} {template} is documented but not routed: {got:?}");
            assert!(got.0 < 500, "{method} {path}: {got:?}");
            operations += 1;
        }
    }
    // 36 operations today (37 routes less the document itself, which is not in its own paths).
    assert!(operations >= 36, "only {operations} operations documented");
}

#[tokio::test]
async fn every_page_of_the_table_answers_at_its_address() {
    let app = spawn_app().await;
    for (method, path) in PAGES {
        let got = answer(&app, method, path).await;
        assert!(!is_generic_404(&got), "{method} {path} is not routed: {got:?}");
        assert!(got.0 < 500, "{method} {path}: {got:?}");
    }
    // A page without a session sends the browser to sign in, whatever section it belongs to.
    for path in ["/can-bo", "/lanh-dao", "/quan-tri/lich", "/ho-so-cua-toi"] {
        let r = browser().get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303, "{path}");
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/dang-nhap?next="), "{path}");
    }
}

#[tokio::test]
async fn an_address_or_method_outside_the_table_is_the_generic_404() {
    let app = spawn_app().await;
    // A known address with a method it does not take: no 405, the same 404 as an unknown address.
    for (method, path) in [
        ("DELETE", "/api/v1/lookup/000.00.31.H12"),
        ("PATCH", "/api/v1/dossiers"),
        ("POST", "/health"),
        ("GET", "/api/v1/dossiers/000.00.31.H12/rating"),
        ("DELETE", "/api/v1/admin/plans"),
        ("PUT", "/can-bo"),
        ("DELETE", "/tra-cuu/000.00.31.H12"),
        ("GET", "/dang-xuat"),
        ("POST", "/lanh-dao"),
        ("GET", "/api/v1"),
        ("GET", "/api/v1/nothing-here"),
        ("GET", "/khong-co-trang-nay"),
    ] {
        let got = answer(&app, method, path).await;
        assert!(is_generic_404(&got), "{method} {path}: {got:?}");
    }
    // A browser asking for a page that does not exist gets the Vietnamese page; under /api/ the JSON.
    let page = browser().get(app.url("/khong-co-trang-nay")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status().as_u16(), 404);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("Không có trang nào ở địa chỉ này"));
    let api = browser().get(app.url("/api/v1/khong-co")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.json::<Value>().await.unwrap()["error"], "route_not_found");
}
