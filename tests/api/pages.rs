//! Server-rendered pages: public portal, cookie sign-in, staff workspace, online submission
//! (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::web::{browser, get, post_form, post_multipart, read};
use common::{spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district, 3 working days, online level 4.
const HOUSEHOLD_BUSINESS: &str = "2.000720";
/// Liên thông khai sinh – thường trú – BHYT: commune.
const BIRTH: &str = "1.003583";
/// A Monday morning in Vietnam.
const MONDAY: &str = "2026-11-23T09:00:00+07:00";
/// The first document of HOUSEHOLD_BUSINESS.
const DOC: &str = "Giấy đề nghị đăng ký hộ kinh doanh (Phụ lục III-1 Thông tư 01/2021/TT-BKHĐT)";

/// Signs in a demo account through the page.
async fn sign_in(app: &TestApp, username: &str) -> String {
    common::web::sign_in(app, username, PW).await
}

fn applicant() -> Value {
    json!({"name": "Nguyễn Thị Hoa", "id_number": "092190001234", "phone": "0912 345 678",
           "email": "hoa.nguyen@example.vn", "address": "12 Nguyễn Trãi, quận Ninh Kiều"})
}

async fn api_intake(app: &TestApp, token: &str, procedure: &str) -> String {
    let body = json!({"procedure_code": procedure, "channel": "direct", "applicant": applicant(),
                      "documents": ["Đơn đề nghị"]});
    let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
    assert_eq!(s, 201, "{b}");
    b["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn public_pages_render_in_vietnamese_and_the_catalogue_folds_diacritics() {
    let app = spawn_app_at(MONDAY).await;
    let home = get(&app, "/", None).await;
    assert_eq!(home.status, 200);
    for needle in
        ["<html lang=\"vi\"", "name=\"viewport\"", "Một cửa điện tử", "Tra cứu hồ sơ", "href=\"#noi-dung\"", "<main"]
    {
        assert!(home.body.contains(needle), "home lacks {needle}");
    }
    let r = browser().get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let css = browser().get(app.url("/static/app.css")).send().await.unwrap();
    assert_eq!(css.status().as_u16(), 200);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));

    let all = get(&app, "/thu-tuc", None).await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("Danh mục thủ tục hành chính"));
    for q in ["khai%20sinh", "%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh", "dang%20ky%20khai%20sinh", "DANG+KY+KHAI+SINH"] {
        let p = get(&app, &format!("/thu-tuc?q={q}"), None).await;
        assert_eq!(p.status, 200);
        assert!(p.body.contains("Đăng ký khai sinh"), "q={q} finds no birth registration");
        assert!(!p.body.contains(HOUSEHOLD_BUSINESS), "q={q} finds unrelated procedures");
    }
    let level4 = get(&app, "/thu-tuc?muc_do=4&cap=&linh_vuc=&q=", None).await;
    assert!(level4.body.contains(HOUSEHOLD_BUSINESS));
    assert!(!level4.body.contains("Mức độ 3 — một phần</span>"));

    let p = get(&app, &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}"), None).await;
    assert_eq!(p.status, 200);
    for needle in [
        "Mức độ 4",
        "toàn trình",
        "Thành phần hồ sơ",
        "Thời hạn giải quyết",
        "Phí, lệ phí",
        "Nộp hồ sơ trực tuyến",
        "<th scope=\"col\">",
    ] {
        assert!(p.body.contains(needle), "procedure page lacks {needle}");
    }
    let missing = get(&app, "/thu-tuc/9.999999", None).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Không tìm thấy thủ tục"));

    let form = get(&app, "/tra-cuu", None).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("<label for=\"ma\">"));
    let bad = get(&app, "/tra-cuu/khong-co", None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Mã hồ sơ không đúng định dạng"));
}

#[tokio::test]
async fn the_lookup_page_shows_status_and_timeline_and_more_with_the_phone() {
    let app = spawn_app_at(MONDAY).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let code = api_intake(&app, &clerk, HOUSEHOLD_BUSINESS).await;
    let redirect = get(&app, &format!("/tra-cuu?ma={code}"), None).await;
    assert_eq!((redirect.status, redirect.location.as_str()), (303, format!("/tra-cuu/{code}").as_str()));
    let p = get(&app, &format!("/tra-cuu/{code}"), None).await;
    assert_eq!(p.status, 200);
    assert!(p.body.contains(&code) && p.body.contains("Đã tiếp nhận") && p.body.contains("Quá trình xử lý"));
    assert!(!p.body.contains("Nguyễn Thị Hoa"), "no personal data without proof");
    assert!(!p.body.contains("Đơn đề nghị"));

    let wrong = post_form(&app, &format!("/tra-cuu/{code}"), None, &[("pin", "000000"), ("phone", "")]).await;
    assert_eq!(wrong.status, 403);
    assert!(wrong.body.contains("không khớp"));
    let ok = post_form(&app, &format!("/tra-cuu/{code}"), None, &[("pin", ""), ("phone", "0912345678")]).await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("Giấy tờ đã nộp") && ok.body.contains("Đơn đề nghị"));
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_the_inbox_lists_the_agencys_dossiers() {
    let app = spawn_app_at(MONDAY).await;
    let token = app.login("clerk.ninhkieu", PW).await;
    let code = api_intake(&app, &token, HOUSEHOLD_BUSINESS).await;

    let bad =
        post_form(&app, "/dang-nhap", None, &[("username", "clerk.ninhkieu"), ("password", "sai"), ("next", "")]).await;
    assert_eq!(bad.status, 401);
    assert!(bad.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    assert!(bad.body.contains("value=\"clerk.ninhkieu\""), "the username is kept");
    assert!(bad.set_cookie.is_empty());

    let p =
        post_form(&app, "/dang-nhap", None, &[("username", "clerk.ninhkieu"), ("password", PW), ("next", "/can-bo")])
            .await;
    assert_eq!((p.status, p.location.as_str()), (303, "/can-bo"));
    let set = p.set_cookie.iter().find(|c| c.starts_with("motcua_session=")).unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attr), "{set} lacks {attr}");
    }
    assert!(!set.contains("Secure"), "plain http test server: no Secure flag");
    let cookie = set.split(';').next().unwrap().to_string();

    // An open redirect is refused: `next` must be a path on this site.
    let evil = post_form(
        &app,
        "/dang-nhap",
        None,
        &[("username", "clerk.ninhkieu"), ("password", PW), ("next", "//evil.example/x")],
    )
    .await;
    assert_eq!((evil.status, evil.location.as_str()), (303, "/can-bo"));

    let inbox = get(&app, "/can-bo", Some(&cookie)).await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    assert!(inbox.body.contains(&code));
    assert!(inbox.body.contains("clerk.ninhkieu") && inbox.body.contains("Đăng xuất"));
    assert!(inbox.body.contains("<th scope=\"col\">Mức độ khẩn</th>"));
    assert!(
        inbox.body.contains("Trong hạn")
            || inbox.body.contains("Còn 1–2 ngày làm việc")
            || inbox.body.contains("Đến hạn hôm nay")
    );

    // The JSON API accepts the cookie too; the bearer token still works and wins.
    let me = browser().get(app.url("/api/v1/auth/me")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(me.status().as_u16(), 200);
    let (s, b) = app.get("/api/v1/auth/me").await;
    assert_eq!((s, b["error"].as_str()), (401, Some("missing_token")));
    // The printable forms open with the cookie.
    let receipt = get(&app, &format!("/api/v1/dossiers/{code}/forms/01"), Some(&cookie)).await;
    assert_eq!(receipt.status, 200);
    assert!(receipt.body.contains("Giấy tiếp nhận hồ sơ"));

    let out = post_form(&app, "/dang-xuat", Some(&cookie), &[]).await;
    assert_eq!(out.status, 303);
    assert!(out.set_cookie.iter().any(|c| c.starts_with("motcua_session=;") && c.contains("Max-Age=0")));
}

#[tokio::test]
async fn unauthenticated_workspace_pages_redirect_to_sign_in_with_next() {
    let app = spawn_app_at(MONDAY).await;
    let p = get(&app, "/can-bo", None).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/dang-nhap?next=/can-bo"));
    let p = get(&app, "/can-bo/tiep-nhan?thu_tuc=2.000720", None).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/dang-nhap?next=/can-bo/tiep-nhan%3Fthu_tuc%3D2.000720"));
    let p = get(&app, "/can-bo", Some("motcua_session=not.a.jwt")).await;
    assert_eq!(p.status, 303);
    let form = get(&app, "/dang-nhap?next=/can-bo", None).await;
    assert!(form.body.contains("name=\"next\" value=\"/can-bo\""));
    assert!(form.body.contains("<label for=\"password\">"));
}

#[tokio::test]
async fn the_dossier_page_offers_only_allowed_actions_and_a_form_post_changes_the_status() {
    let app = spawn_app_at(MONDAY).await;
    let token = app.login("clerk.ninhkieu", PW).await;
    let code = api_intake(&app, &token, HOUSEHOLD_BUSINESS).await;
    let cookie = sign_in(&app, "clerk.ninhkieu").await;

    let page = get(&app, &format!("/can-bo/ho-so/{code}"), Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &token).await;
    let allowed: Vec<String> =
        d["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect();
    assert!(allowed.contains(&"transfer".to_string()), "{allowed:?}");
    for action in [
        "receive",
        "request_supplement",
        "submit_supplement",
        "refuse",
        "transfer",
        "approve",
        "finish",
        "return_result",
        "extend",
        "withdraw",
        "stop",
    ] {
        let offered = page.body.contains(&format!("name=\"action\" value=\"{action}\""));
        assert_eq!(offered, allowed.contains(&action.to_string()), "{action}: offered {offered}, allowed {allowed:?}");
    }
    assert!(page.body.contains("Nguyễn Thị Hoa") && page.body.contains("Quá trình giải quyết"));
    // Received in 2026: TT 03/2025 numbers the control sheet 06 (05 is the stop notice).
    assert!(page.body.contains(&format!(
        r#"/api/v1/dossiers/{code}/forms/06" target="_blank" rel="noopener">Mẫu 06 — Phiếu kiểm soát"#
    )));
    assert!(!page.body.contains(&format!("/api/v1/dossiers/{code}/forms/05")), "no stop notice: not stopped");

    // A request for a supplement with an empty list is refused on the page, the note kept.
    let bad = post_form(
        &app,
        &format!("/can-bo/ho-so/{code}/xu-ly"),
        Some(&cookie),
        &[("action", "request_supplement"), ("missing", "  \n ")],
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("alert-error"));

    let p = post_form(
        &app,
        &format!("/can-bo/ho-so/{code}/xu-ly"),
        Some(&cookie),
        &[("action", "transfer"), ("note", "Chuyển chuyên viên thẩm định")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &token).await;
    assert_eq!(d["status_code"], 4);
    assert_eq!(d["history"].as_array().unwrap().last().unwrap()["note"], "Chuyển chuyên viên thẩm định");
    let after = get(&app, &p.location, Some(&cookie)).await;
    assert!(after.body.contains("Đã thực hiện"));
    assert!(!after.body.contains("name=\"action\" value=\"transfer\""));

    // Doing it again is a readable 409 page, not JSON.
    let again = post_form(&app, &format!("/can-bo/ho-so/{code}/xu-ly"), Some(&cookie), &[("action", "transfer")]).await;
    assert!(again.status == 409 || again.status == 403, "{}", again.status);
    assert!(again.body.contains("<html lang=\"vi\"") && !again.body.starts_with('{'));
}

#[tokio::test]
async fn a_cross_origin_post_is_refused() {
    let app = spawn_app_at(MONDAY).await;
    let token = app.login("clerk.ninhkieu", PW).await;
    let code = api_intake(&app, &token, HOUSEHOLD_BUSINESS).await;
    let cookie = sign_in(&app, "clerk.ninhkieu").await;
    let r = browser()
        .post(app.url(&format!("/can-bo/ho-so/{code}/xu-ly")))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .form(&[("action", "transfer")])
        .send()
        .await
        .unwrap();
    let p = read(r).await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("từ một trang khác"));
    // Referer from elsewhere, with a cookie, on the JSON API too.
    let r = browser()
        .post(app.url(&format!("/api/v1/dossiers/{code}/actions")))
        .header("cookie", &cookie)
        .header("referer", "http://evil.example/page")
        .json(&json!({"action": "transfer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"], "cross_origin_request");
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &token).await;
    assert_eq!(d["status_code"], 2, "nothing changed");
    // Sign-in and sign-out forms are checked too.
    let r = browser().post(app.url("/dang-xuat")).header("origin", "null").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn a_citizen_submits_online_with_a_file_and_rates_after_the_result_is_returned() {
    let app = spawn_app_at(MONDAY).await;
    let cookie = sign_in(&app, "citizen.an").await;
    let form = get(&app, &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"), Some(&cookie)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("enctype=\"multipart/form-data\"") && form.body.contains(NINH_KIEU));
    // Level-2 procedures and staff are refused.
    let staff = sign_in(&app, "clerk.ninhkieu").await;
    assert_eq!(get(&app, &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"), Some(&staff)).await.status, 403);

    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let fields = [
        ("agency_code", NINH_KIEU),
        ("name", "Trần Văn An"),
        ("id_number", "092190004321"),
        ("phone", "0987654321"),
        ("email", ""),
        ("address", "5 Hòa Bình, Ninh Kiều"),
        ("notify_by", "sms"),
        ("documents", DOC),
        ("other_documents", "Bản sao hợp đồng thuê nhà"),
    ];
    // A file whose content is not what its name says is refused before anything is created.
    let bad = post_multipart(
        &app,
        &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"),
        &cookie,
        &fields,
        &[("don.pdf", "application/pdf", b"not a pdf")],
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("value=\"Trần Văn An\""));
    // A control character in a text field of the multipart form: refused, nothing created.
    let mut with_nul = fields;
    with_nul[1] = ("name", "Trần Văn\u{0} An");
    let bad = post_multipart(
        &app,
        &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"),
        &cookie,
        &with_nul,
        &[("don-de-nghi.pdf", "application/pdf", pdf)],
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("ký tự điều khiển"), "{}", bad.body);
    let mine = get(&app, "/ho-so-cua-toi", Some(&cookie)).await;
    assert!(mine.body.contains("Bạn chưa nộp hồ sơ"));

    let p = post_multipart(
        &app,
        &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"),
        &cookie,
        &fields,
        &[("don-de-nghi.pdf", "application/pdf", pdf)],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(p.location.starts_with("/ho-so-cua-toi/") && p.location.ends_with("?da_nop=1"), "{}", p.location);
    let code = p.location.trim_start_matches("/ho-so-cua-toi/").split('?').next().unwrap().to_string();
    let confirm = get(&app, &p.location, Some(&cookie)).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Đã nộp hồ sơ thành công") && confirm.body.contains(&code));

    let citizen = app.login("citizen.an", PW).await;
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &citizen).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["status_code"], 1);
    assert_eq!(d["channel"], "online");
    assert_eq!(d["files"].as_array().unwrap().len(), 1);
    assert_eq!(d["documents"], json!([DOC, "Bản sao hợp đồng thuê nhà"]));
    let mine = get(&app, "/ho-so-cua-toi", Some(&cookie)).await;
    assert!(mine.body.contains(&code));
    // The applicant's own actions are offered as the rules allow them.
    let allowed: Vec<&str> = d["allowed_actions"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
    assert_eq!(confirm.body.contains("value=\"withdraw\""), allowed.contains(&"withdraw"), "{allowed:?}");
    assert!(!confirm.body.contains("value=\"receive\""));

    // The applicant adds a file to the open dossier.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let p =
        post_multipart(&app, &format!("/ho-so-cua-toi/{code}/tep"), &cookie, &[], &[("cccd.png", "image/png", png)])
            .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let bad = post_multipart(
        &app,
        &format!("/ho-so-cua-toi/{code}/tep"),
        &cookie,
        &[],
        &[("cccd.exe", "application/octet-stream", b"MZ")],
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG"));
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &citizen).await;
    assert_eq!(d["files"].as_array().unwrap().len(), 2);

    // Through to the result, then the rating form appears and works once.
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let specialist = app.login("specialist.ninhkieu", PW).await;
    for (token, body) in [
        (&clerk, json!({"action": "receive"})),
        (&clerk, json!({"action": "transfer"})),
        (&specialist, json!({"action": "refuse", "reason": "Ngành nghề không được kinh doanh"})),
        (&clerk, json!({"action": "return_result"})),
    ] {
        let (s, b) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &body).await;
        assert_eq!(s, 200, "{body} → {b}");
    }
    let page = get(&app, &format!("/ho-so-cua-toi/{code}"), Some(&cookie)).await;
    assert!(page.body.contains("Đánh giá mức độ hài lòng"), "{}", page.body);
    let no_score =
        post_form(&app, &format!("/ho-so-cua-toi/{code}/danh-gia"), Some(&cookie), &[("comment", "Nhanh")]).await;
    assert_eq!(no_score.status, 400);
    assert!(no_score.body.contains("Nhanh"));
    let rated = post_form(
        &app,
        &format!("/ho-so-cua-toi/{code}/danh-gia"),
        Some(&cookie),
        &[("score", "5"), ("comment", "Nhanh gọn")],
    )
    .await;
    assert_eq!(rated.status, 303, "{}", rated.body);
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &citizen).await;
    assert_eq!(d["rating"]["score"], 5);
}

#[tokio::test]
async fn counter_intake_keeps_the_values_on_error_and_opens_the_receipt() {
    let app = spawn_app_at(MONDAY).await;
    let cookie = sign_in(&app, "clerk.ninhkieu").await;
    let form = get(&app, &format!("/can-bo/tiep-nhan?thu_tuc={HOUSEHOLD_BUSINESS}"), Some(&cookie)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("<datalist") && form.body.contains("name=\"documents\""));
    // The datalist fills in "code — name"; that works too, and an unknown procedure says so.
    let picked = get(&app, "/can-bo/tiep-nhan?thu_tuc=2.000720+%E2%80%94+%C4%90%C4%83ng+k%C3%BD", Some(&cookie)).await;
    assert_eq!(picked.status, 200);
    assert!(picked.body.contains("name=\"procedure_code\" value=\"2.000720\""));
    let unknown = get(&app, "/can-bo/tiep-nhan?thu_tuc=9.999999", Some(&cookie)).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("Không tìm thấy thủ tục này"));
    // Commune procedures are not offered at a district counter.
    assert!(!form.body.contains(&format!("<option value=\"{BIRTH} — ")));

    let fields = [
        ("procedure_code", HOUSEHOLD_BUSINESS),
        ("channel", "direct"),
        ("documents", DOC),
        ("name", ""),
        ("id_number", "092190001234"),
        ("phone", "0912345678"),
        ("email", ""),
        ("address", "12 Nguyễn Trãi"),
        ("notify_by", "sms"),
        ("other_documents", ""),
    ];
    let bad = post_form(&app, "/can-bo/tiep-nhan", Some(&cookie), &fields).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("Hãy nhập họ và tên"));
    assert!(bad.body.contains("name=\"name\" value=\"\" aria-invalid=\"true\""), "the field is marked");
    assert!(bad.body.contains("value=\"0912345678\"") && bad.body.contains("value=\"12 Nguyễn Trãi\""));
    assert!(bad.body.contains(&format!("checked> {DOC}")), "the ticked document stays ticked");

    let mut good = fields.to_vec();
    good[3] = ("name", "Lê Thị Cúc");
    let p = post_form(&app, "/can-bo/tiep-nhan", Some(&cookie), &good).await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(p.location.starts_with("/api/v1/dossiers/") && p.location.ends_with("/forms/01"));
    let receipt = get(&app, &p.location, Some(&cookie)).await;
    assert_eq!(receipt.status, 200);
    assert!(receipt.body.contains("Lê Thị Cúc"));
    // Citizens have no counter.
    let citizen = sign_in(&app, "citizen.an").await;
    assert_eq!(get(&app, "/can-bo/tiep-nhan", Some(&citizen)).await.status, 403);
}

#[tokio::test]
async fn a_citizen_withdraws_from_their_dossier_page_and_others_cannot_see_it() {
    let app = spawn_app_at(MONDAY).await;
    let cookie = sign_in(&app, "citizen.binh").await;
    let fields = [
        ("agency_code", NINH_KIEU),
        ("name", "Phạm Thị Bình"),
        ("id_number", "092190009999"),
        ("phone", "0909123456"),
        ("address", "8 Mậu Thân, Ninh Kiều"),
        ("notify_by", "none"),
    ];
    // The first form is prefilled with the account's name only.
    let form = get(&app, &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"), Some(&cookie)).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"name\" value=\"Trần Thị Bình\""), "{}", form.body);
    assert!(form.body.contains("name=\"id_number\" value=\"\""), "{}", form.body);
    let p = post_multipart(&app, &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"), &cookie, &fields, &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let code = p.location.trim_start_matches("/ho-so-cua-toi/").split('?').next().unwrap().to_string();
    let page = get(&app, &format!("/ho-so-cua-toi/{code}"), Some(&cookie)).await;
    assert!(page.body.contains("value=\"withdraw\""), "{}", page.body);
    // The next form remembers what was entered (the newest submission's applicant), and only for
    // this account.
    let form = get(&app, &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"), Some(&cookie)).await;
    for (field, value) in [("name", "Phạm Thị Bình"), ("id_number", "092190009999"), ("phone", "0909123456")] {
        assert!(form.body.contains(&format!("name=\"{field}\" value=\"{value}\"")), "{field}: {}", form.body);
    }
    assert!(form.body.contains("8 Mậu Thân, Ninh Kiều"), "{}", form.body);
    let other_form =
        get(&app, &format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop"), Some(&sign_in(&app, "citizen.an").await)).await;
    assert!(!other_form.body.contains("092190009999"), "another account never sees it");

    // Another citizen sees an error page, not the dossier.
    let other = sign_in(&app, "citizen.an").await;
    let p = get(&app, &format!("/ho-so-cua-toi/{code}"), Some(&other)).await;
    assert_eq!(p.status, 403);
    assert!(!p.body.contains("Phạm Thị Bình"));
    assert!(p.body.contains("Hồ sơ này không thuộc phạm vi") || p.body.contains("không phải"), "{}", p.body);
    assert!(p.body.contains("citizen.an"), "the error page keeps the signed-in header");

    // Withdrawing asks for confirmation on a page of its own: nothing changes before it.
    let p = post_form(
        &app,
        &format!("/ho-so-cua-toi/{code}/xu-ly"),
        Some(&cookie),
        &[("action", "withdraw"), ("note", "")],
    )
    .await;
    assert_eq!(
        (p.status, p.location.as_str()),
        (303, format!("/ho-so-cua-toi/{code}/rut-ho-so").as_str()),
        "{}",
        p.body
    );
    let token = app.login("citizen.binh", PW).await;
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &token).await;
    assert_eq!(d["status_code"], 1, "not withdrawn before the confirmation");
    let confirm = get(&app, &format!("/ho-so-cua-toi/{code}/rut-ho-so"), Some(&cookie)).await;
    assert_eq!(confirm.status, 200);
    assert!(
        confirm.body.contains("không thể hoàn tác")
            && confirm.body.contains("name=\"confirm\" value=\"1\"")
            && confirm.body.contains(&format!("href=\"/ho-so-cua-toi/{code}\"")),
        "{}",
        confirm.body
    );
    let p = get(&app, &format!("/ho-so-cua-toi/{code}/rut-ho-so"), Some(&other)).await;
    assert_eq!(p.status, 403, "another citizen cannot open it");
    let p = post_form(
        &app,
        &format!("/ho-so-cua-toi/{code}/xu-ly"),
        Some(&cookie),
        &[("action", "withdraw"), ("confirm", "1"), ("note", "Đã nộp nhầm thủ tục")],
    )
    .await;
    assert_eq!(p.status, 303, "{}", p.body);
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &token).await;
    assert_eq!(d["status_code"], 7);
    // Once withdrawn, the confirmation page sends back to the dossier.
    let p = get(&app, &format!("/ho-so-cua-toi/{code}/rut-ho-so"), Some(&cookie)).await;
    assert_eq!((p.status, p.location.as_str()), (303, format!("/ho-so-cua-toi/{code}").as_str()));
    // A form without its fields is a readable page.
    let p = post_form(&app, &format!("/ho-so-cua-toi/{code}/xu-ly"), Some(&cookie), &[("note", "x")]).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("Biểu mẫu gửi lên không đọc được"));
    // Staff actions cannot be smuggled through the citizen's form.
    let p = post_form(&app, &format!("/ho-so-cua-toi/{code}/xu-ly"), Some(&cookie), &[("action", "receive")]).await;
    assert_eq!(p.status, 400);
}

#[tokio::test]
async fn the_inbox_labels_urgency_in_words_most_urgent_first() {
    let app = spawn_app_at(MONDAY).await;
    let token = app.login("clerk.ninhkieu", PW).await;
    let late = api_intake(&app, &token, HOUSEHOLD_BUSINESS).await;
    let waiting = api_intake(&app, &token, HOUSEHOLD_BUSINESS).await;
    let (s, b) = app
        .post_with(
            &format!("/api/v1/dossiers/{waiting}/actions"),
            &token,
            &json!({"action": "request_supplement", "missing": ["Bản sao CCCD"]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    // Two weeks later the first dossier's step is overdue; a fresh one is due within days.
    app.set_time("2026-12-07T09:00:00+07:00");
    let fresh = api_intake(&app, &token, HOUSEHOLD_BUSINESS).await;
    let cookie = sign_in(&app, "clerk.ninhkieu").await;
    let inbox = get(&app, "/can-bo", Some(&cookie)).await;
    assert_eq!(inbox.status, 200);
    let row = |code: &str| {
        let start = inbox.body.find(&format!(">{code}<")).unwrap_or_else(|| panic!("{code} not listed"));
        let tr = inbox.body[..start].rfind("<tr class=\"").unwrap();
        let end = start + inbox.body[start..].find("</tr>").unwrap();
        (tr, inbox.body[tr..end].to_string())
    };
    let (late_at, late_row) = row(&late);
    let (waiting_at, waiting_row) = row(&waiting);
    let (fresh_at, fresh_row) = row(&fresh);
    assert!(late_row.contains("u-overdue") && late_row.contains("Quá hạn"), "{late_row}");
    assert!(waiting_row.contains("u-waiting") && waiting_row.contains("Chờ người nộp bổ sung"), "{waiting_row}");
    assert!(!fresh_row.contains("Quá hạn"), "{fresh_row}");
    assert!(late_at < fresh_at && fresh_at < waiting_at, "overdue first, waiting last");
}

#[tokio::test]
async fn a_department_asks_another_for_its_opinion_from_the_dossier_page_and_gets_the_answer() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let district = app.login("specialist.ninhkieu", PW).await;
    // Cấp GCN quyền sử dụng đất lần đầu: commune → district → Sở TN&MT.
    let code = api_intake(&app, &clerk, "1.003554").await;
    for token in [&clerk, &district] {
        let (s, b) =
            app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &json!({"action": "transfer"})).await;
        assert_eq!(s, 200, "{b}");
    }
    let lead = sign_in(&app, "specialist.stnmt").await;
    let path = format!("/can-bo/ho-so/{code}");
    let page = get(&app, &path, Some(&lead)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Gửi xin ý kiến"), "the holder may consult");
    assert!(page.body.contains("value=\"000.00.03.H12\""), "Sở Tư pháp, a department of the same level, is offered");
    assert!(!page.body.contains("value=\"000.00.31.H12\""), "a district is not of the same level");

    // A bad deadline comes back with the values kept and a Vietnamese message.
    let form = |days: &'static str| {
        [
            ("action", "consult"),
            ("agency_code", "000.00.03.H12"),
            ("task", "Cho ý kiến về hợp đồng tặng cho"),
            ("days", days),
        ]
    };
    let p = post_form(&app, &format!("{path}/xu-ly"), Some(&lead), &form("0")).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(
        p.body.contains("Thời hạn trả lời là từ 1 đến 60 ngày làm việc.")
            && p.body.contains("hợp đồng tặng cho</textarea>")
    );
    let p = post_form(&app, &format!("{path}/xu-ly"), Some(&lead), &form("2")).await;
    assert_eq!((p.status, p.location.as_str()), (303, format!("{path}?xong=consult").as_str()));
    let page = get(&app, &path, Some(&lead)).await;
    assert!(page.body.contains("Lần 1: Sở Tư pháp") && page.body.contains("Chưa trả lời"), "{}", page.body);
    assert!(!page.body.contains("name=\"opinion\""), "the asking agency does not answer itself");

    // The department asked sees the question and answers it on its page.
    let justice = sign_in(&app, "specialist.stp").await;
    let page = get(&app, &path, Some(&justice)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"opinion\"") && !page.body.contains("Gửi xin ý kiến</button>"));
    let answer = [("action", "answer_consultation"), ("position", "1"), ("opinion", "Hợp đồng tặng cho hợp lệ")];
    let p = post_form(&app, &format!("{path}/xu-ly"), Some(&justice), &answer).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let (_, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &district).await;
    assert_eq!(d["consultations"][0]["opinion"], "Hợp đồng tặng cho hợp lệ");
    assert_eq!(d["consultations"][0]["timeliness"], "early");
    let p = post_form(&app, &format!("{path}/xu-ly"), Some(&justice), &answer).await;
    assert_eq!(p.status, 409);
    assert!(p.body.contains("Cơ quan đã trả lời lần xin ý kiến này."));
}

#[tokio::test]
async fn a_citizen_registers_on_the_page_is_signed_in_and_can_submit_online() {
    let app = spawn_app_at(MONDAY).await;
    let page = get(&app, "/dang-ky?next=/thu-tuc/2.000720/nop", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Đăng ký tài khoản công dân") && page.body.contains("autocomplete=\"new-password\""));
    assert!(page.body.contains("href=\"/dang-nhap?next=/thu-tuc/2.000720/nop\""), "{}", page.body);

    let form = |username: &'static str, again: &'static str| {
        [
            ("full_name", "Phạm Thị Lan"),
            ("username", username),
            ("password", "mat-khau-dai"),
            ("password_again", again),
            ("next", "/thu-tuc/2.000720/nop"),
        ]
    };
    let p = post_form(&app, "/dang-ky", None, &form("lan.pham", "khac-hoan-toan")).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("Hai lần nhập mật khẩu không giống nhau.") && p.body.contains("value=\"Phạm Thị Lan\""));
    let p = post_form(&app, "/dang-ky", None, &form("citizen.an", "mat-khau-dai")).await;
    assert_eq!(p.status, 409, "a taken username");
    assert!(p.body.contains("đã có người dùng"), "{}", p.body);
    let p = post_form(&app, "/dang-ky", None, &form("Lan Pham!", "mat-khau-dai")).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("aria-invalid=\"true\""));

    let p = post_form(&app, "/dang-ky", None, &form("lan.pham", "mat-khau-dai")).await;
    assert_eq!((p.status, p.location.as_str()), (303, "/thu-tuc/2.000720/nop"));
    let cookie = p.session_cookie();
    let form_page = get(&app, "/thu-tuc/2.000720/nop", Some(&cookie)).await;
    assert_eq!(form_page.status, 200, "the new citizen reaches the online submission form");
    // The new account signs in like any other, and is a citizen.
    let token = app.login("lan.pham", "mat-khau-dai").await;
    let (s, me) = app.get_with("/api/v1/auth/me", &token).await;
    assert_eq!((s, me["role"].as_str(), me["agency_code"].clone()), (200, Some("citizen"), Value::Null));
    // A cross-site sign-up form is refused.
    let r = browser()
        .post(app.url("/dang-ky"))
        .header("origin", "https://evil.example")
        .form(&form("lan.pham2", "mat-khau-dai"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

/// Issue 11: an online submission has no code until a clerk receives it. Its reference opens the
/// public lookup, the citizen's and the clerk's pages, before and after receipt; the forms wait for the code.
#[tokio::test]
async fn an_online_submission_is_shown_by_its_reference_until_the_counter_gives_it_a_code() {
    let app = spawn_app_at(MONDAY).await;
    let citizen = app.login("citizen.an", PW).await;
    let body = json!({"procedure_code": HOUSEHOLD_BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
                      "applicant": applicant(), "documents": [DOC]});
    let (s, d) = app.post_with("/api/v1/dossiers", &citizen, &body).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["code"], Value::Null);
    let reference = d["reference"].as_str().unwrap().to_string();

    let lookup = get(&app, &format!("/tra-cuu?ma={reference}"), None).await;
    assert_eq!((lookup.status, lookup.location.as_str()), (303, format!("/tra-cuu/{reference}").as_str()));
    let lookup = get(&app, &format!("/tra-cuu/{reference}"), None).await;
    assert_eq!(lookup.status, 200, "{}", lookup.body);
    assert!(lookup.body.contains(&reference) && lookup.body.contains("Chưa cấp"), "{}", lookup.body);
    assert!(!lookup.body.contains("Nguyễn Thị Hoa"), "no personal data without proof");
    let mine = sign_in(&app, "citizen.an").await;
    let page = get(&app, &format!("/ho-so-cua-toi/{reference}"), Some(&mine)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&reference) && page.body.contains("Chưa cấp"));
    let list = get(&app, "/ho-so-cua-toi", Some(&mine)).await;
    assert!(list.body.contains(&format!("href=\"/ho-so-cua-toi/{reference}\"")), "{}", list.body);

    let clerk = sign_in(&app, "clerk.ninhkieu").await;
    let inbox = get(&app, "/can-bo", Some(&clerk)).await;
    assert!(inbox.body.contains(&format!("href=\"/can-bo/ho-so/{reference}\"")), "{}", inbox.body);
    let page = get(&app, &format!("/can-bo/ho-so/{reference}"), Some(&clerk)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("/forms/01") && page.body.contains("các biểu mẫu có sau khi tiếp nhận"));
    let received =
        post_form(&app, &format!("/can-bo/ho-so/{reference}/xu-ly"), Some(&clerk), &[("action", "receive")]).await;
    assert_eq!(received.status, 303, "{}", received.body);
    let prefix = format!("/can-bo/ho-so/{NINH_KIEU}-261123-0001?");
    assert!(received.location.starts_with(&prefix), "the page moves to the new code: {}", received.location);

    let code = format!("{NINH_KIEU}-261123-0001");
    for key in [&code, &reference] {
        let page = get(&app, &format!("/can-bo/ho-so/{key}"), Some(&clerk)).await;
        assert_eq!(page.status, 200, "{key}");
        assert!(page.body.contains(&format!("/api/v1/dossiers/{code}/forms/01")), "{key}: the receipt is offered");
        let lookup = get(&app, &format!("/tra-cuu/{key}"), None).await;
        assert!(lookup.status == 200 && lookup.body.contains(&code) && lookup.body.contains(&reference), "{key}");
        assert!(!lookup.body.contains("Chưa cấp"));
        assert_eq!(get(&app, &format!("/ho-so-cua-toi/{key}"), Some(&mine)).await.status, 200, "{key}");
    }
}
