//! Forms 01–06 through the API (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::{assert_error, spawn_app_at, TestApp};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
const BIRTH: &str = "1.003583";
const TAN_AN: &str = "000.01.31.H12";

async fn html(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let r = app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    let s = r.status().as_u16();
    if s == 200 {
        assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    }
    (s, r.text().await.unwrap())
}

async fn intake(app: &TestApp, token: &str, name: &str) -> Value {
    let body = json!({"procedure_code": BIRTH, "channel": "direct", "documents": ["Tờ khai đăng ký khai sinh"],
        "applicant": {"name": name, "id_number": "092190001111", "phone": "0911111111", "address": "Tân An"}});
    let (s, b) = app.post_with("/api/v1/dossiers", token, &body).await;
    assert_eq!(s, 201, "{b}");
    b
}

#[tokio::test]
async fn forms_one_to_five_print_what_happened() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let d = intake(&app, &clerk, "Phạm Thị Dung").await;
    let code = d["code"].as_str().unwrap();
    let pin = d["pin"].as_str().unwrap();

    let (s, receipt) = html(&app, &clerk, &format!("/api/v1/dossiers/{code}/forms/01")).await;
    assert_eq!(s, 200);
    for expected in [
        code,
        pin,
        "<svg",
        "15/03/2027",
        "Phạm Thị Dung",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "Mẫu số 01",
        "size: A5",
    ] {
        assert!(receipt.contains(expected), "receipt lacks {expected}");
    }
    assert!(receipt.contains(&format!("/tra-cuu/{code}")), "the QR code's address opens the lookup");

    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}/forms/02"), &clerk).await;
    assert_error(s, &b, 404, "form_not_found");
    let missing = ["Giấy chứng sinh (bản chính)", "Giấy xác nhận cư trú"];
    let (s, _) = app
        .post_with(
            &format!("/api/v1/dossiers/{code}/actions"),
            &clerk,
            &json!({"action": "request_supplement", "missing": missing}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, supplement) = html(&app, &clerk, &format!("/api/v1/dossiers/{code}/forms/02")).await;
    assert_eq!(s, 200);
    assert!(missing.iter().all(|m| supplement.contains(m)), "{supplement}");

    let (s, sheet) = html(&app, &clerk, &format!("/api/v1/dossiers/{code}/forms/06")).await;
    assert_eq!(s, 200);
    assert_eq!(sheet.matches("<tr><td>").count(), 2, "one row per control-sheet entry");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}/forms/09"), &clerk).await;
    assert_error(s, &b, 404, "form_not_found");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{code}/forms/01"), &app.login("clerk.stp", PW).await).await;
    assert_error(s, &b, 403, "out_of_scope");
}

#[tokio::test]
async fn the_tracking_book_numbers_the_year_and_escapes_what_it_prints() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    intake(&app, &clerk, "Võ Văn Em").await;
    app.set_time("2027-03-02T09:00:00+07:00");
    let d = intake(&app, &clerk, "<script>alert(1)</script>").await;
    let code = d["code"].as_str().unwrap();
    let (s, book) = html(&app, &clerk, &format!("/api/v1/agencies/{TAN_AN}/tracking-book?year=2027")).await;
    assert_eq!(s, 200);
    assert!(book.contains("<td>1</td>") && book.contains("<td>2</td>") && !book.contains("<td>3</td>"));
    assert!(book.contains("Võ Văn Em"));
    assert!(!book.contains("<script>alert(1)</script>"), "names are escaped");
    assert!(book.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let (_, receipt) = html(&app, &clerk, &format!("/api/v1/dossiers/{code}/forms/01")).await;
    assert!(!receipt.contains("<script>alert"));

    let (_, empty) = html(&app, &clerk, &format!("/api/v1/agencies/{TAN_AN}/tracking-book?year=2026")).await;
    assert!(!empty.contains("<td>1</td>"));
    let other = app.login("clerk.ninhkieu", PW).await;
    let (s, b) = app.get_with(&format!("/api/v1/agencies/{TAN_AN}/tracking-book?year=2027"), &other).await;
    assert_error(s, &b, 403, "out_of_scope");
    let (s, b) = app.get_with("/api/v1/agencies/H12/tracking-book", &clerk).await;
    assert_error(s, &b, 400, "invalid_agency_code");
    let (s, b) = app.get_with(&format!("/api/v1/agencies/{TAN_AN}/tracking-book?year=1800"), &clerk).await;
    assert_error(s, &b, 400, "invalid_year");
}

#[tokio::test]
async fn the_apology_and_the_refusal_print_their_dates_and_reasons() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let body = json!({"procedure_code": "2.000720", "channel": "direct",
        "applicant": {"name": "Đỗ Văn Phúc", "id_number": "092190002222", "phone": "0922222222", "address": "Ninh Kiều"}});
    let (_, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    let code = d["code"].as_str().unwrap();
    let act = |b: Value| {
        let (app, code, leader, clerk) = (&app, code.to_string(), leader.clone(), clerk.clone());
        async move {
            let token = if b["action"] == "transfer" { clerk } else { leader };
            let (s, r) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), &token, &b).await;
            assert_eq!(s, 200, "{r}");
        }
    };
    act(json!({"action": "transfer"})).await;
    app.set_time("2027-03-03T09:00:00+07:00");
    act(json!({"action": "extend", "new_due_date": "2027-03-10", "reason": "Chờ xác minh địa điểm"})).await;
    let (s, apology) = html(&app, &leader, &format!("/api/v1/dossiers/{code}/forms/04")).await;
    assert_eq!(s, 200);
    for expected in
        ["Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết", "10/03/2027", "04/03/2027", "Chờ xác minh địa điểm"]
    {
        assert!(apology.contains(expected), "apology lacks {expected}");
    }
    act(json!({"action": "refuse", "reason": "Ngành nghề không được phép kinh doanh"})).await;
    let (s, refusal) = html(&app, &leader, &format!("/api/v1/dossiers/{code}/forms/03")).await;
    assert_eq!(s, 200);
    assert!(refusal.contains("Ngành nghề không được phép kinh doanh"));
}

#[tokio::test]
async fn the_receipts_qr_code_opens_a_lookup_page_without_personal_data() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let d = intake(&app, &clerk, "Hồ Thị Giang").await;
    let code = d["code"].as_str().unwrap();
    let r = app.client.get(app.url(&format!("/tra-cuu/{code}"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(code) && page.contains("Đã tiếp nhận") && page.contains("Phường Tân An"));
    assert!(page.contains("15/03/2027"));
    assert!(
        !page.contains("Hồ Thị Giang") && !page.contains("0911111111") && !page.contains(d["pin"].as_str().unwrap())
    );
    let r = app.client.get(app.url("/tra-cuu/not-a-code")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

/// Issue 14: a dossier's forms follow the regime of the day it was received — TT 01/2018 until
/// 30/06/2025 (05 the control sheet, 06 the tracking book), TT 03/2025 from 01/07/2025 (05 the stop
/// notice, 06 the control sheet, 07 the tracking book) — whatever today is.
#[tokio::test]
async fn each_dossier_prints_the_forms_of_the_regime_it_was_received_under() {
    let app = spawn_app_at("2025-06-20T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let code = |d: Value| d["code"].as_str().unwrap().to_string();
    let june = code(intake(&app, &clerk, "Lê Văn Sáu").await);
    app.set_time("2025-07-21T09:00:00+07:00");
    let july = code(intake(&app, &clerk, "Lê Thị Bảy").await);
    app.set_time("2026-12-02T09:00:00+07:00");

    let (s, sheet) = html(&app, &clerk, &format!("/api/v1/dossiers/{june}/forms/05")).await;
    assert_eq!(s, 200);
    assert!(sheet.contains("Mẫu số 05 (Thông tư 01/2018/TT-VPCP)") && sheet.contains("Phiếu kiểm soát"), "{sheet}");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{june}/forms/06"), &clerk).await;
    assert_error(s, &b, 404, "form_not_found");
    assert!(b["message"].as_str().unwrap().contains("tracking book"), "{b}");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{june}/forms/07"), &clerk).await;
    assert_error(s, &b, 404, "form_not_found");

    let (s, sheet) = html(&app, &clerk, &format!("/api/v1/dossiers/{july}/forms/06")).await;
    assert_eq!(s, 200);
    assert!(sheet.contains("Mẫu số 06 (Thông tư 03/2025/TT-VPCP)") && sheet.contains("Phiếu kiểm soát"), "{sheet}");
    let (s, receipt) = html(&app, &clerk, &format!("/api/v1/dossiers/{july}/forms/01")).await;
    assert!(s == 200 && receipt.contains("Mẫu số 01 (Thông tư 03/2025/TT-VPCP)"), "{receipt}");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{july}/forms/05"), &clerk).await;
    assert_error(s, &b, 404, "form_not_found");
    assert!(b["message"].as_str().unwrap().contains("stop"), "not stopped: {b}");
    // Withdrawn at the applicant's request: the stop notice, Mẫu 05 of TT 03/2025.
    let (s, d) =
        app.post_with(&format!("/api/v1/dossiers/{july}/actions"), &clerk, &json!({"action": "withdraw"})).await;
    assert_eq!(s, 200, "{d}");
    let (s, notice) = html(&app, &clerk, &format!("/api/v1/dossiers/{july}/forms/05")).await;
    assert_eq!(s, 200);
    assert!(notice.contains("Thông báo dừng giải quyết hồ sơ") && notice.contains("Theo đề nghị"), "{notice}");
    let (s, b) = app.get_with(&format!("/api/v1/dossiers/{july}/forms/5"), &clerk).await;
    assert_error(s, &b, 404, "form_not_found");
    // Each regime names the status its own way: ND 118/2025 Điều 21's stop at the applicant's
    // request, and under ND 61/2018 a withdrawal; the national code is 7 in both.
    let (s, d) =
        app.post_with(&format!("/api/v1/dossiers/{june}/actions"), &clerk, &json!({"action": "withdraw"})).await;
    assert_eq!(s, 200, "{d}");
    for (code, name) in [(&june, "Đã rút hồ sơ"), (&july, "Dừng giải quyết theo đề nghị của người nộp")]
    {
        let (s, b) = app.get(&format!("/api/v1/lookup/{code}")).await;
        assert_eq!((s, b["status_label"].as_str(), b["status_code"].as_i64()), (200, Some(name), Some(7)), "{b}");
        let (_, page) = html(&app, &clerk, &format!("/can-bo/ho-so/{code}")).await;
        assert!(page.contains(name), "the staff page names the status as its regime does: {code}");
    }

    // The tracking book takes the number of the regime in force at its year's end.
    for (year, number) in
        [(2024, "Mẫu số 06 (Thông tư 01/2018/TT-VPCP)"), (2025, "Mẫu số 07 (Thông tư 03/2025/TT-VPCP)")]
    {
        let path = format!("/api/v1/agencies/000.01.31.H12/tracking-book?year={year}");
        let (s, book) = html(&app, &clerk, &path).await;
        assert!(s == 200 && book.contains(number), "{year}: {book}");
    }
}

/// Issue 14, item 2: the receipt as the circulars print it, field by field — the issuer under the
/// unit above it, its number, the place and date, the documents with original or copy and how
/// many, the statutory time limit, receipt and return to the minute, where the result is collected,
/// the fee, the tracking-book volume and number and the receiving clerk's signature block; under TT
/// 03/2025 also the personal identification number and the place for the digital signature.
#[tokio::test]
async fn the_receipt_prints_every_field_of_the_official_layout() {
    let app = spawn_app_at("2027-03-01T09:05:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    intake(&app, &clerk, "Người Nộp Trước").await;
    let body = json!({"procedure_code": BIRTH, "channel": "direct", "result_delivery": "post",
        "documents": ["Giấy chứng sinh", "Giấy xác nhận của bệnh viện"],
        "applicant": {"name": "Trần Văn Mười", "id_number": "092190001111", "phone": "0911111111", "address": "12 Mậu Thân, Tân An"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap();
    let (s, receipt) = html(&app, &clerk, &format!("/api/v1/dossiers/{code}/forms/01")).await;
    assert_eq!(s, 200);
    for expected in [
        "Mẫu số 01 (Thông tư 03/2025/TT-VPCP)",
        "UBND PHƯỜNG TÂN AN<br><strong class=\"unit\">BỘ PHẬN MỘT CỬA</strong>",
        "Số: 2/TNHS",
        "Cần Thơ, ngày 01 tháng 3 năm 2027",
        "<td>1</td><td>Giấy chứng sinh</td><td>Bản chính</td><td>01</td>",
        "<td>2</td><td>Giấy xác nhận của bệnh viện</td><td></td><td>01</td>",
        "Số lượng hồ sơ: 01 (bộ)",
        "Thời hạn giải quyết hồ sơ theo quy định: 10 ngày làm việc",
        "Thời gian nhận hồ sơ: <strong>09 giờ 05 phút, ngày 01/03/2027</strong>",
        "ngày 15/03/2027</strong>",
        "Nơi nhận kết quả: Nhận qua dịch vụ bưu chính công ích, đến địa chỉ: 12 Mậu Thân, Tân An",
        "Phí, lệ phí: Miễn lệ phí",
        "Quyển số: 01/2027, Số thứ tự: 2",
        "NGƯỜI NỘP HỒ SƠ",
        "Trần Văn Mười",
        "<strong>NGƯỜI TIẾP NHẬN HỒ SƠ</strong>",
        "Võ Thị Ngọc Trâm",
        "Số định danh cá nhân: 092190001111",
        "Vị trí chữ ký số của thủ trưởng cơ quan, đơn vị",
    ] {
        assert!(receipt.contains(expected), "the receipt lacks {expected}: {receipt}");
    }
    assert!(receipt.contains("Thời gian trả kết quả giải quyết hồ sơ: <strong>") && receipt.contains(" giờ "));

    // The control sheet names who gave and who took each handover.
    let (s, sheet) = html(&app, &clerk, &format!("/api/v1/dossiers/{code}/forms/06")).await;
    assert_eq!(s, 200);
    for expected in ["Người giao: Võ Thị Ngọc Trâm", "kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số 2/TNHS"]
    {
        assert!(sheet.contains(expected), "the control sheet lacks {expected}: {sheet}");
    }

    // A dossier of 2024, under TT 01/2018: its own book's number, no personal identification number.
    app.set_time("2024-06-20T14:00:00+07:00");
    let old = intake(&app, &clerk, "Người Năm Cũ").await;
    let old = old["code"].as_str().unwrap();
    app.set_time("2027-03-02T09:00:00+07:00");
    let (s, receipt) = html(&app, &clerk, &format!("/api/v1/dossiers/{old}/forms/01")).await;
    assert_eq!(s, 200);
    assert!(receipt.contains("Mẫu số 01 (Thông tư 01/2018/TT-VPCP)") && receipt.contains("Số: 1/TNHS"), "{receipt}");
    assert!(receipt.contains("Quyển số: 01/2024, Số thứ tự: 1") && receipt.contains("ngày 20 tháng 6 năm 2024"));
    assert!(!receipt.contains("Số định danh cá nhân"), "TT 01/2018's forms do not carry it");
}

/// The apology is the agency's own letter: a People's Committee heads it alone; its leader signs.
#[tokio::test]
async fn the_apology_is_headed_by_the_agency_and_signed_by_its_leader() {
    let app = spawn_app_at("2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let body = json!({"procedure_code": "2.000720", "channel": "direct",
        "documents": ["Bản sao giấy tờ pháp lý của cá nhân đối với các thành viên hộ gia đình đăng ký hộ kinh doanh"],
        "applicant": {"name": "Đỗ Văn Phúc", "id_number": "092190002222", "phone": "0922222222", "address": "Ninh Kiều"}});
    let (_, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    let code = d["code"].as_str().unwrap();
    let (_, receipt) = html(&app, &clerk, &format!("/api/v1/dossiers/{code}/forms/01")).await;
    assert!(receipt.contains("<td>Bản sao</td>") && receipt.contains("Phí, lệ phí: 100.000 đồng"), "{receipt}");
    let (s, _) =
        app.post_with(&format!("/api/v1/dossiers/{code}/actions"), &clerk, &json!({"action": "transfer"})).await;
    assert_eq!(s, 200);
    app.set_time("2027-03-02T10:00:00+07:00");
    let (s, b) = app
        .post_with(
            &format!("/api/v1/dossiers/{code}/actions"),
            &leader,
            &json!({"action": "extend", "new_due_date": "2027-03-10", "reason": "Chờ xác minh"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, apology) = html(&app, &leader, &format!("/api/v1/dossiers/{code}/forms/04")).await;
    assert_eq!(s, 200);
    for expected in [
        "<div class=\"issuer\"><strong class=\"unit\">UBND QUẬN NINH KIỀU</strong>",
        "Cần Thơ, ngày 02 tháng 3 năm 2027",
        "Thời hạn giải quyết theo quy định: 03 ngày làm việc",
        "<strong>THỦ TRƯỞNG CƠ QUAN</strong>",
        "Lê Văn Tâm",
    ] {
        assert!(apology.contains(expected), "the apology lacks {expected}: {apology}");
    }
}
