//! Submitting online without retyping (issue 17 item 5): the receiving agency chosen by area and
//! with a search box that knows the names before the 2025 merger, and the applicant's choice of
//! how to receive the result, remembered for the next form. SQLite, or PostgreSQL with
//! TEST_DATABASE_URL.
use crate::common;

use common::web::{get, post_multipart};
use common::{spawn_app_at, spawn_app_configured, TestApp};

const PW: &str = "motcua-demo";
/// Đăng ký khai sinh: commune, online level 4.
const BIRTH: &str = "1.001193";
/// Đăng ký kết hôn: commune, online level 3.
const MARRIAGE: &str = "1.000894";
/// The new phường Tân An (NQ 1668 khoản 3): former An Khánh and Hưng Lợi.
const NEW_TAN_AN: &str = "000.03.61.H12";
/// The new phường Ninh Kiều (khoản 1): former Tân An, Thới Bình, Xuân Khánh.
const NEW_NINH_KIEU: &str = "000.01.61.H12";
/// Xã Phú Lộc: former Thị trấn Hưng Lợi, Thị trấn Phú Lộc, Xã Thạnh Trị of Sóc Trăng.
const PHU_LOC: &str = "000.56.62.H12";
/// Phường Tân An of quận Ninh Kiều, before 01/07/2025.
const OLD_TAN_AN: &str = "000.01.31.H12";

async fn sign_in(app: &TestApp, username: &str) -> String {
    common::web::sign_in(app, username, PW).await
}

/// The merged Cần Thơ of today (the shipped plan applied, as in the demo).
async fn merged_city() -> TestApp {
    spawn_app_configured(Some("2026-12-02T09:00:00+07:00"), |s| {
        s.seed.reorganisations = vec!["cantho-2025-07-01".into()];
    })
    .await
}

/// The `<option>` of `code` in a page, if any.
fn option<'a>(body: &'a str, code: &str) -> Option<&'a str> {
    let start = body.find(&format!("<option value=\"{code}\""))?;
    let end = body[start..].find("</option>")? + start;
    Some(&body[start..end])
}

/// The codes of the receiving agency's options (the select named agency_code).
fn agency_options(body: &str) -> Vec<String> {
    let start = body.find("id=\"agency_code\"").expect("the agency select");
    let end = body[start..].find("</select>").unwrap() + start;
    body[start..end]
        .split("<option value=\"")
        .skip(2) // the select's own tag and the empty "choose" option
        .map(|o| o.split('"').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_receiving_agency_is_found_by_area_and_by_its_name_or_a_name_before_the_merger() {
    let app = merged_city().await;
    let cookie = sign_in(&app, "citizen.an").await;
    let form = |q: &str| format!("/thu-tuc/{BIRTH}/nop{q}");

    // The whole list: 103 communes in the areas of the former districts, no flat list.
    let all = get(&app, &form(""), Some(&cookie)).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(agency_options(&all.body).len(), 103, "{}", all.body);
    assert!(all.body.contains("<optgroup label=\"Quận Ninh Kiều (cũ)\">"), "{}", all.body);
    assert!(all.body.contains("<optgroup label=\"Huyện Phong Điền (cũ)\">"), "{}", all.body);
    assert!(all.body.contains("<option value=\"000.00.31.H12\"") && all.body.contains("Tất cả khu vực"));

    // A former ward's name, without diacritics, finds the ward it merged into and says so; a
    // former town of Sóc Trăng (merged into Cần Thơ) of the same name is told apart.
    let found = get(&app, &form("?tim=hung+loi"), Some(&cookie)).await;
    assert_eq!(found.status, 200);
    assert_eq!(agency_options(&found.body), [NEW_TAN_AN, PHU_LOC]);
    let o = option(&found.body, NEW_TAN_AN).unwrap();
    assert!(o.contains("Phường Tân An (gồm Phường Hưng Lợi cũ)") && !o.contains("selected"), "{o}");
    let o = option(&found.body, PHU_LOC).unwrap();
    assert!(o.contains("Xã Phú Lộc (gồm Thị trấn Hưng Lợi, tỉnh Sóc Trăng cũ)"), "{o}");
    assert!(found.body.contains("<optgroup label=\"Tỉnh Sóc Trăng (cũ)\">"), "{}", found.body);
    assert!(found.body.contains("Có 2 cơ quan tiếp nhận phù hợp.") && found.body.contains("Xem tất cả cơ quan"));
    // One match is chosen for the citizen.
    let one = get(&app, &form("?tim=an+kh"), Some(&cookie)).await;
    assert_eq!(agency_options(&one.body), [NEW_TAN_AN], "{}", one.body);
    assert!(option(&one.body, NEW_TAN_AN).unwrap().contains("selected"));

    // "Tân An" is today's ward and a former ward of today's Ninh Kiều: both, today's first,
    // neither preselected.
    let both = get(&app, &form("?tim=T%C3%A2n+An"), Some(&cookie)).await;
    assert_eq!(agency_options(&both.body), [NEW_TAN_AN, NEW_NINH_KIEU]);
    assert!(option(&both.body, NEW_NINH_KIEU).unwrap().contains("(gồm Phường Tân An cũ)"));
    assert!(!both.body.contains(" selected>Phường"), "two matches: the citizen chooses");

    // An area narrows the list; with a text, both apply.
    let area = get(&app, &form("?khu_vuc=000.00.31.H12"), Some(&cookie)).await;
    let in_area = agency_options(&area.body);
    assert!(in_area.len() > 2 && in_area.len() < 103, "{in_area:?}");
    assert!(in_area.contains(&NEW_TAN_AN.to_string()) && in_area.contains(&NEW_NINH_KIEU.to_string()));
    let none = get(&app, &form("?khu_vuc=000.00.31.H12&tim=phong+dien"), Some(&cookie)).await;
    assert!(none.body.contains("Không tìm thấy cơ quan tiếp nhận nào phù hợp với “phong dien”"), "{}", none.body);
    assert_eq!(agency_options(&none.body).len(), 103, "nothing matched: the whole list, said so");

    // Bad input: an unknown area or a text too long gets a message and the whole list.
    let bad = get(&app, &form("?khu_vuc=nowhere"), Some(&cookie)).await;
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("Khu vực đã chọn không có trong danh sách"), "{}", bad.body);
    assert_eq!(agency_options(&bad.body).len(), 103);
    // (A control character in any address is refused before the page, with its message.)
    let bad = get(&app, &form("?tim=t%01an"), Some(&cookie)).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("ký tự điều khiển"), "{}", bad.body);
    let long = format!("?tim={}", "a".repeat(201));
    let long = get(&app, &form(&long), Some(&cookie)).await;
    assert_eq!(long.status, 200);
    assert!(long.body.contains("aria-invalid=\"true\" aria-describedby=\"loi-tim\""), "{}", long.body);
    assert_eq!(agency_options(&long.body).len(), 103);
}

#[tokio::test]
async fn before_the_merger_communes_are_listed_under_their_district() {
    let app = spawn_app_at("2026-11-23T09:00:00+07:00").await; // the old city: no plan loaded
    let cookie = sign_in(&app, "citizen.an").await;
    let form = get(&app, &format!("/thu-tuc/{BIRTH}/nop?tim=tan+an"), Some(&cookie)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(agency_options(&form.body), [OLD_TAN_AN]);
    assert!(form.body.contains("<optgroup label=\"Quận Ninh Kiều\">"), "{}", form.body);
}

#[tokio::test]
async fn the_applicant_chooses_how_to_receive_the_result_and_the_next_form_remembers_it() {
    let app = merged_city().await;
    let cookie = sign_in(&app, "citizen.binh").await;
    let token = app.login("citizen.binh", PW).await;
    // Level 4 (full online, ND 42/2022 Điều 11.1.a): online is proposed; level 3: the counter.
    let first = get(&app, &format!("/thu-tuc/{BIRTH}/nop"), Some(&cookie)).await;
    assert!(first.body.contains("value=\"online\" checked"), "{}", first.body);
    let level3 = get(&app, &format!("/thu-tuc/{MARRIAGE}/nop"), Some(&cookie)).await;
    assert!(level3.body.contains("value=\"counter\" checked"), "{}", level3.body);
    for label in ["Nhận tại nơi tiếp nhận hồ sơ", "Nhận qua dịch vụ bưu chính công ích", "Nhận trực tuyến"]
    {
        assert!(first.body.contains(label), "{label}");
    }

    let fields = |delivery: &'static str| {
        vec![
            ("agency_code", NEW_TAN_AN),
            ("name", "Phạm Thị Bình"),
            ("id_number", "092190009999"),
            ("phone", "0909123456"),
            ("address", "8 Mậu Thân, phường Tân An"),
            ("notify_by", "none"),
            ("result_delivery", delivery),
        ]
    };
    // A delivery the form does not offer: the message, the form again, nothing stored.
    let bad = post_multipart(&app, &format!("/thu-tuc/{BIRTH}/nop"), &cookie, &fields("email"), &[]).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("Hãy chọn cách nhận kết quả"), "{}", bad.body);
    assert!(bad.body.contains("name=\"result_delivery\" value=\"counter\" aria-invalid=\"true\""), "{}", bad.body);
    assert!(option(&bad.body, NEW_TAN_AN).unwrap().contains("selected"), "the agency chosen stays chosen");
    let (_, mine) = app.get_with("/api/v1/dossiers", &token).await;
    assert_eq!(mine["items"].as_array().map(Vec::len).unwrap_or(0), 0, "{mine}");

    let p = post_multipart(&app, &format!("/thu-tuc/{BIRTH}/nop"), &cookie, &fields("post"), &[]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    let reference = p.location.trim_start_matches("/ho-so-cua-toi/").split('?').next().unwrap().to_string();
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{reference}"), &token).await;
    assert_eq!((s, d["result_delivery"].as_str()), (200, Some("post")), "{d}");
    let page = get(&app, &format!("/ho-so-cua-toi/{reference}"), Some(&cookie)).await;
    assert!(page.body.contains("Nhận qua dịch vụ bưu chính công ích"), "{}", page.body);

    // The next form proposes the same agency and the same delivery, even on a level-3 procedure.
    let next = get(&app, &format!("/thu-tuc/{MARRIAGE}/nop"), Some(&cookie)).await;
    assert!(next.body.contains("value=\"post\" checked"), "{}", next.body);
    assert!(option(&next.body, NEW_TAN_AN).unwrap().contains("selected"), "{}", next.body);
}
