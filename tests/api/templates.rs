//! A procedure's templates (tờ khai, mẫu đơn; issue 17 item 5): administrators attach them to the
//! current version, anyone downloads them from the procedure's page and the API, a new version
//! carries them and an old one keeps its own (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::web::{post_form, post_multipart, sign_in};
use common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// Đăng ký thành lập hộ kinh doanh.
const CODE: &str = "2.000720";
const MONDAY: &str = "2026-11-23T09:00:00+07:00";
const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The first bytes of a real DOCX (a ZIP whose first entry is `[Content_Types].xml`).
fn docx() -> Vec<u8> {
    let mut b = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00\x21\x00".to_vec();
    b.extend_from_slice(b"[Content_Types].xml");
    b.extend(std::iter::repeat_n(0x5Au8, 3000));
    b
}

async fn attach(app: &TestApp, token: &str, file_name: &str, query: &str, ct: &str, body: Vec<u8>) -> (u16, Value) {
    let r = app
        .client
        .put(app.url(&format!("/api/v1/admin/procedures/{CODE}/templates/{file_name}?{query}")))
        .bearer_auth(token)
        .header("Content-Type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn remove(app: &TestApp, token: &str, id: &str) -> (u16, Value) {
    let url = app.url(&format!("/api/v1/admin/procedures/{CODE}/templates/{id}"));
    let r = app.client.delete(url).bearer_auth(token).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Downloads a path: status, content type, content disposition, bytes.
async fn download(app: &TestApp, path: &str) -> (u16, String, String, Vec<u8>) {
    let r = app.client.get(app.url(path)).send().await.unwrap();
    let h = |n: &str| r.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (s, ct, cd) = (r.status().as_u16(), h("content-type"), h("content-disposition"));
    assert_eq!(h("x-content-type-options"), "nosniff", "{path}: the browser keeps the declared type");
    (s, ct, cd, r.bytes().await.unwrap().to_vec())
}

async fn detail(app: &TestApp, query: &str) -> Value {
    let (s, b) = app.get(&format!("/api/v1/procedures/{CODE}{query}")).await;
    assert_eq!(s, 200, "{b}");
    b
}

#[tokio::test]
async fn an_administrator_attaches_a_template_and_anyone_downloads_the_same_bytes() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let title = "title=T%E1%BB%9D%20khai%20%C4%91%C4%83ng%20k%C3%BD%20h%E1%BB%99%20kinh%20doanh&form_code=Ph%E1%BB%A5%20l%E1%BB%A5c%20III-1";

    // Refused, and nothing stored: not an administrator, a renamed executable, another kind, no title.
    let (s, b) = attach(&app, &clerk, "to-khai.docx", title, DOCX_TYPE, docx()).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = attach(&app, &admin, "to-khai.pdf", title, "application/pdf", b"MZ\x90\x00\x03".to_vec()).await;
    assert_error(s, &b, 400, "content_mismatch");
    let (s, b) = attach(&app, &admin, "to-khai.exe", title, "application/octet-stream", b"MZ".to_vec()).await;
    assert_error(s, &b, 400, "unsupported_template_type");
    let (s, b) = attach(&app, &admin, "to-khai.docx", "title=%20%20", DOCX_TYPE, docx()).await;
    assert_error(s, &b, 400, "invalid_template_title");
    let (s, b) = attach(&app, &admin, "to-khai.docx", title, "image/png", docx()).await;
    assert_error(s, &b, 400, "content_type_mismatch");
    let (s, b) = attach(&app, &admin, "to-khai.pdf", title, "application/pdf", vec![]).await;
    assert_error(s, &b, 400, "empty_file");
    assert_eq!(detail(&app, "").await["templates"], json!([]), "nothing was stored");

    // Accepted: a DOCX sent as bytes without a declared type; stored with the kind's type.
    let name = "T%E1%BB%9D%20khai%2001.docx"; // "Tờ khai 01.docx"
    let (s, t) = attach(&app, &admin, name, title, "application/octet-stream", docx()).await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["title"], "Tờ khai đăng ký hộ kinh doanh");
    assert_eq!(t["form_code"], "Phụ lục III-1");
    assert_eq!((t["file_name"].as_str(), t["content_type"].as_str()), (Some("Tờ khai 01.docx"), Some(DOCX_TYPE)));
    assert_eq!(t["size_bytes"].as_i64(), Some(docx().len() as i64));
    assert_eq!(t["attached_at"], "2026-11-23T09:00:00+07:00", "stamped by the clock");
    let id = t["id"].as_str().unwrap().to_string();

    let d = detail(&app, "").await;
    assert_eq!(d["templates"].as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(d["templates"][0]["id"], id.as_str());
    let link = d["templates"][0]["download"].as_str().unwrap().to_string();
    assert_eq!(link, format!("/api/v1/procedures/{CODE}/templates/{id}?version={}", d["version"]));

    // The API and the page give the same bytes, type and name (the Vietnamese name kept).
    for path in [link.clone(), format!("/thu-tuc/{CODE}/mau/{id}")] {
        let (s, ct, cd, bytes) = download(&app, &path).await;
        assert_eq!(s, 200, "{path}");
        assert_eq!(ct, DOCX_TYPE, "{path}");
        assert_eq!(bytes, docx(), "{path}");
        assert!(cd.starts_with("attachment; filename=\"T__khai_01.docx\""), "{cd}");
        assert!(cd.contains("filename*=UTF-8''T%E1%BB%9D%20khai%2001.docx"), "{cd}");
    }
    // The public page offers it, with its kind and size.
    let page = common::web::get(&app, &format!("/thu-tuc/{CODE}"), None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Mẫu đơn, tờ khai"), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/thu-tuc/{CODE}/mau/{id}\"")), "{}", page.body);
    assert!(page.body.contains("Tờ khai đăng ký hộ kinh doanh</a> (Phụ lục III-1)"), "{}", page.body);
    assert!(page.body.contains("tệp Word, 3 KB"), "{}", page.body);

    let (s, b) = app.get(&format!("/api/v1/procedures/{CODE}/templates/01890000-0000-7000-8000-000000000000")).await;
    assert_error(s, &b, 404, "template_not_found");
    let page = common::web::get(&app, &format!("/thu-tuc/{CODE}/mau/khong-co"), None).await;
    assert_eq!(page.status, 404);
}

#[tokio::test]
async fn a_new_version_carries_the_templates_and_the_old_version_keeps_its_own() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    let first = detail(&app, "").await["version"].as_i64().unwrap();
    let (s, t) =
        attach(&app, &admin, "don.pdf", "title=%C4%90%C6%A1n", "application/pdf", b"%PDF-1.7 x".to_vec()).await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(
        t["download"],
        format!("/api/v1/procedures/{CODE}/templates/{}?version={first}", t["id"].as_str().unwrap())
    );
    let id = t["id"].as_str().unwrap().to_string();

    let path = format!("/api/v1/admin/procedures/{CODE}/versions");
    let (s, b) = app.post_with(&path, &admin, &json!({"fee_vnd": 50000})).await;
    assert_eq!(s, 201, "{b}");
    let d = detail(&app, "").await;
    assert_eq!(d["version"].as_i64(), Some(first + 1));
    assert_eq!(d["templates"][0]["id"], id.as_str(), "the new version carries it: {d}");

    // Removed from the current version only.
    let (s, b) = remove(&app, &admin, &id).await;
    assert_eq!(s, 204, "{b}");
    assert_eq!(detail(&app, "").await["templates"], json!([]));
    let (s, b) = app.get(&format!("/api/v1/procedures/{CODE}/templates/{id}")).await;
    assert_error(s, &b, 404, "template_not_found");
    let old = detail(&app, &format!("?version={first}")).await;
    assert_eq!(old["templates"][0]["id"], id.as_str(), "the old version keeps its own: {old}");
    let (s, _, _, bytes) = download(&app, &format!("/api/v1/procedures/{CODE}/templates/{id}?version={first}")).await;
    assert_eq!((s, bytes), (200, b"%PDF-1.7 x".to_vec()));

    let (s, b) = remove(&app, &admin, &id).await;
    assert_error(s, &b, 404, "template_not_found");
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let (s, b) = remove(&app, &clerk, &id).await;
    assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.get(&format!("/api/v1/procedures/{CODE}/templates/{id}?version=0")).await;
    assert_error(s, &b, 400, "invalid_version");
}

#[tokio::test]
async fn a_version_carries_at_most_twenty_templates() {
    let app = spawn_app_at(MONDAY).await;
    let admin = app.login("admin", PW).await;
    for i in 0..20 {
        let (s, b) = attach(&app, &admin, &format!("mau-{i}.pdf"), "title=M%E1%BA%ABu", "", b"%PDF-1.4".to_vec()).await;
        assert_eq!(s, 201, "{i}: {b}");
    }
    let (s, b) = attach(&app, &admin, "mau-20.pdf", "title=M%E1%BA%ABu", "", b"%PDF-1.4".to_vec()).await;
    assert_error(s, &b, 409, "too_many_templates");
    assert_eq!(detail(&app, "").await["templates"].as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn the_administrators_page_attaches_and_removes_a_template() {
    let app = spawn_app_at(MONDAY).await;
    let admin = sign_in(&app, "admin", PW).await;
    let page = format!("/quan-tri/thu-tuc/{CODE}");
    let action = format!("{page}/mau");
    let fields = [("title", "Tờ khai đăng ký"), ("form_code", "Mẫu số 01")];

    // A renamed executable: the page again, the title kept, the file field marked, nothing stored.
    let p = post_multipart(&app, &action, &admin, &fields, &[("to-khai.pdf", "application/pdf", b"MZ\x90\x00")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.body.contains(r#"value="Tờ khai đăng ký""#), "{}", p.body);
    assert!(p.body.contains(r#"id="template_file" name="file""#), "{}", p.body);
    assert!(p.body.contains(r#"aria-invalid="true""#), "{}", p.body);
    assert!(p.body.contains("Phiên bản này chưa có mẫu nào."), "{}", p.body);
    let p = post_multipart(&app, &action, &admin, &[("title", "")], &[("a.pdf", "application/pdf", b"%PDF-1.4")]).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(
        p.body.contains(r#"id="template_title" name="title" value="" maxlength="200" aria-invalid="true""#),
        "{}",
        p.body
    );

    let p = post_multipart(&app, &action, &admin, &fields, &[("to-khai.pdf", "application/pdf", b"%PDF-1.4 t")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location, format!("{page}?mau=them#mau-don"));
    let p = common::web::get(&app, &p.location, Some(&admin)).await;
    assert!(p.body.contains("Đã thêm mẫu"), "{}", p.body);
    assert!(p.body.contains("Tờ khai đăng ký (Mẫu số 01)"), "{}", p.body);
    let id = detail(&app, "").await["templates"][0]["id"].as_str().unwrap().to_string();
    assert!(p.body.contains(&format!("action=\"{page}/mau/{id}/xoa\"")), "{}", p.body);

    let clerk = sign_in(&app, "clerk.ninhkieu", PW).await;
    let p = post_multipart(&app, &action, &clerk, &fields, &[("b.pdf", "application/pdf", b"%PDF-1.4")]).await;
    assert_eq!(p.status, 403, "{}", p.body);
    let p = post_form(&app, &format!("{page}/mau/{id}/xoa"), Some(&clerk), &[]).await;
    assert_eq!(p.status, 403, "{}", p.body);
    assert_eq!(detail(&app, "").await["templates"].as_array().map(Vec::len), Some(1));

    let p = post_form(&app, &format!("{page}/mau/{id}/xoa"), Some(&admin), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let p = common::web::get(&app, &p.location, Some(&admin)).await;
    assert!(p.body.contains("Đã gỡ mẫu"), "{}", p.body);
    assert_eq!(detail(&app, "").await["templates"], json!([]));
}
