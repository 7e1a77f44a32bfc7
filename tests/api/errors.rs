//! One error vocabulary: a code's status and Vietnamese message are the same wherever it is answered.
use crate::common;

use common::spawn_app_at;
use common::web::{browser, get, read};

const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
const HOUSEHOLD_BUSINESS: &str = "2.000720";
const MONDAY: &str = "2026-11-23T09:00:00+07:00";

#[tokio::test]
async fn more_than_ten_files_in_one_form_is_its_own_400_marking_the_files_field() {
    let app = spawn_app_at(MONDAY).await;
    let cookie = common::web::sign_in(&app, "citizen.an", PW).await;
    let boundary = "----motcuaErrorsBoundary";
    let mut body = Vec::new();
    for (name, value) in [
        ("agency_code", NINH_KIEU),
        ("name", "Trần Văn An"),
        ("id_number", "092190004321"),
        ("phone", "0987654321"),
        ("email", ""),
        ("address", "5 Hòa Bình, Ninh Kiều"),
        ("notify_by", "sms"),
    ] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for i in 0..11 {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"tep-{i}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let r = browser()
        .post(app.url(&format!("/thu-tuc/{HOUSEHOLD_BUSINESS}/nop")))
        .header("cookie", &cookie)
        .header("origin", app.address.clone())
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let page = read(r).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.body.contains("Mỗi lần nộp đính kèm tối đa 10 tệp"), "{}", page.body);
    assert!(page.body.contains("name=\"files\" aria-invalid=\"true\""), "the files field is marked");
    let mine = get(&app, "/ho-so-cua-toi", Some(&cookie)).await;
    assert!(mine.body.contains("Bạn chưa nộp hồ sơ"), "nothing was created");
}
