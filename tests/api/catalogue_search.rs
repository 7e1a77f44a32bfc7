//! Finding a procedure in everyday words (issue 17, item 4): the catalogue search over codes, names,
//! fields and the synonym list (`seeds/catalogue/synonyms.json`), with or without diacritics, best
//! matches first, in the API and on the public catalogue page. SQLite, or PostgreSQL with
//! TEST_DATABASE_URL.
use crate::common::web::get;
use crate::common::{assert_error, spawn_app, TestApp};
use serde_json::Value;

/// Đăng ký khai sinh (commune).
const BIRTH: &str = "1.001193";
/// Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất … lần đầu (the "sổ đỏ").
const LAND_CERTIFICATE: &str = "1.003554";
/// Đăng ký biến động quyền sử dụng đất … (transfer, gift, inheritance).
const LAND_TRANSFER: &str = "1.003010";

/// `text` as a query-string value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The procedures the API finds for `q` (and the extra query `more`), in order.
async fn search(app: &TestApp, q: &str, more: &str) -> Vec<Value> {
    let (s, body) = app.get(&format!("/api/v1/procedures?q={}{more}", encode(q))).await;
    assert_eq!(s, 200, "{q}: {body}");
    body.as_array().unwrap().clone()
}

fn codes(list: &[Value]) -> Vec<String> {
    list.iter().map(|p| p["code"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn land_procedures_are_found_by_their_field_with_or_without_diacritics_and_by_so_do() {
    let app = spawn_app().await;
    for q in ["đất đai", "dat dai", "ĐẤT ĐAI", "nhà đất"] {
        let found = search(&app, q, "").await;
        assert!(found.len() >= 2, "{q}: {:?}", codes(&found));
        assert!(found.iter().all(|p| p["field"] == "Đất đai"), "{q}: only land: {:?}", codes(&found));
        let found = codes(&found);
        assert!(found.contains(&LAND_CERTIFICATE.to_string()) && found.contains(&LAND_TRANSFER.to_string()), "{q}");
    }
    for q in ["sổ đỏ", "so do", "làm sổ hồng ở Ninh Kiều"] {
        let found = codes(&search(&app, q, "").await);
        assert_eq!(found.first().map(String::as_str), Some(LAND_CERTIFICATE), "{q}: {found:?}");
    }
    // "Sang tên sổ đỏ": the transfer and the certificate, first.
    let mut found = codes(&search(&app, "sang tên sổ đỏ", "").await);
    found.truncate(2);
    found.sort();
    assert_eq!(found, [LAND_TRANSFER.to_string(), LAND_CERTIFICATE.to_string()]);
}

#[tokio::test]
async fn a_parent_s_words_find_the_birth_registration_first_and_a_code_finds_its_procedure_first() {
    let app = spawn_app().await;
    for q in ["khai sinh cho con", "khai sinh", "lam giay khai sinh", "Đăng ký khai sinh"] {
        let found = search(&app, q, "").await;
        assert_eq!(found[0]["code"], BIRTH, "{q}: {:?}", codes(&found));
        assert_eq!(found[0]["name"], "Đăng ký khai sinh");
    }
    for code in [BIRTH, LAND_TRANSFER, "2.000720"] {
        let found = search(&app, code, "").await;
        assert_eq!(found[0]["code"], code, "{:?}", codes(&found));
    }
    // Everyday words for other procedures.
    for (q, name) in [
        ("kết hôn", "Đăng ký kết hôn"),
        ("giay phep xay dung", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"),
        ("mở quán", "Đăng ký thành lập hộ kinh doanh"),
        ("xác nhận độc thân", "Cấp Giấy xác nhận tình trạng hôn nhân"),
    ] {
        let found = search(&app, q, "").await;
        assert_eq!(found.first().map(|p| p["name"].clone()), Some(Value::from(name)), "{q}: {:?}", codes(&found));
    }
    // The other filters still apply to a search.
    let found = search(&app, "khai sinh cho con", "&level=commune&min_online_level=4").await;
    assert!(found.iter().all(|p| p["competent_level"] == "commune" && p["online_level"] == 4));
    assert_eq!(found[0]["code"], BIRTH);
}

#[tokio::test]
async fn the_field_filter_takes_the_field_s_name_with_or_without_diacritics() {
    let app = spawn_app().await;
    let (_, exact) = app.get(&format!("/api/v1/procedures?field={}", encode("Đất đai"))).await;
    let exact = codes(exact.as_array().unwrap());
    assert!(exact.len() >= 2, "{exact:?}");
    for f in ["dat dai", "ĐẤT ĐAI", "đất  đai"] {
        let (s, found) = app.get(&format!("/api/v1/procedures?field={}", encode(f))).await;
        assert_eq!(s, 200);
        assert_eq!(codes(found.as_array().unwrap()), exact, "{f}");
    }
    let (_, none) = app.get("/api/v1/procedures?field=dat").await;
    assert!(none.as_array().unwrap().is_empty(), "a field is named whole: {none}");
    let found = search(&app, "đăng ký", &format!("&field={}", encode("ho tich"))).await;
    assert!(!found.is_empty() && found.iter().all(|p| p["field"] == "Hộ tịch"), "{:?}", codes(&found));
}

#[tokio::test]
async fn nonsense_finds_nothing_and_bad_input_is_a_clear_400() {
    let app = spawn_app().await;
    for q in ["xyzzy plugh", "%", "qqqq", "con mèo đen"] {
        assert!(search(&app, q, "").await.is_empty(), "{q}");
    }
    let (s, b) = app.get(&format!("/api/v1/procedures?q={}", "a".repeat(201))).await;
    assert_error(s, &b, 400, "invalid_query");
    let (s, b) = app.get(&format!("/api/v1/procedures?field={}", "a".repeat(201))).await;
    assert_error(s, &b, 400, "invalid_query");
    let (s, b) = app.get("/api/v1/procedures?q=s%E1%BB%95%07%C4%91%E1%BB%8F").await;
    assert_error(s, &b, 400, "invalid_text");
    let (s, b) = app.get("/api/v1/procedures?field=%C4%90%E1%BA%A5t%00").await;
    assert_error(s, &b, 400, "invalid_text");
}

#[tokio::test]
async fn the_catalogue_page_shows_the_same_results_in_the_same_order() {
    let app = spawn_app().await;
    for q in ["sổ đỏ", "dat dai", "khai sinh cho con", BIRTH] {
        let api = codes(&search(&app, q, "").await);
        let page = get(&app, &format!("/thu-tuc?q={}", encode(q)), None).await;
        assert_eq!(page.status, 200);
        let shown: Vec<String> =
            page.body.split("<a href=\"/thu-tuc/").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect();
        assert_eq!(shown, api, "{q}");
        assert!(page.body.contains(&format!("Kết quả: {} thủ tục", api.len())), "{q}");
    }
    // The field by a name without diacritics is selected in the list.
    let page = get(&app, "/thu-tuc?linh_vuc=dat+dai", None).await;
    assert!(page.body.contains("<option value=\"Đất đai\" selected>"), "{}", page.body);
    let page = get(&app, "/thu-tuc?q=xyzzy", None).await;
    assert!(page.body.contains("Không tìm thấy thủ tục phù hợp"));
}
