//! The national portal's items (issue 15, first part): what `DongBoHoSoMC` and
//! `CapNhatTienDoHoSoMC` would carry for a real dossier, built from its stored rows, as the legacy
//! JSON adapter writes them. SQLite, or PostgreSQL with TEST_DATABASE_URL. (The outbox that sends
//! them, and the fake portal peer, are the rest of the issue.)
use crate::common::spawn_app_at;
use motcua::services::portal::{self, legacy_json::LegacyJson, Delivery, PortalItem, RecordFacts};
use motcua::storage::dossiers::{self, Named};
use serde_json::json;

#[tokio::test]
async fn a_received_and_transferred_dossier_reads_as_the_portal_items() {
    let app = spawn_app_at("2027-03-01T09:05:00+07:00").await;
    let clerk = app.login("clerk.ninhkieu", "motcua-demo").await;
    let body = json!({"procedure_code": "2.000720", "channel": "direct",
        "applicant": {"name": "Đỗ Văn Phúc", "id_number": "092190002222", "phone": "0922222222", "address": "Ninh Kiều"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    let code = d["code"].as_str().unwrap().to_string();
    app.set_time("2027-03-01T10:00:00+07:00");
    let (s, _) = app
        .post_with(
            &format!("/api/v1/dossiers/{code}/actions"),
            &clerk,
            &json!({"action": "transfer", "note": "Chuyển phòng"}),
        )
        .await;
    assert_eq!(s, 200);

    let mut conn = app.conn();
    let ctx = dossiers::find_with_context(&mut conn, Named::Code(&code)).unwrap().expect("the dossier");
    let events = dossiers::events(&mut conn, &ctx.row.id).unwrap();
    let facts =
        RecordFacts { procedure_name: &ctx.procedure_name, field: &ctx.procedure_field, applicant: &ctx.applicant };
    let record = portal::record_item(&ctx.row, &facts);
    let adapter = LegacyJson { url: "http://127.0.0.1:9/".into(), token: "t".into() };
    let sent = adapter.body(&Delivery {
        idempotency_key: "k".into(),
        agency: "000.00.31.H12".into(),
        item: PortalItem::Record(record),
    });
    let item = &sent["data"][0];
    assert_eq!(sent["service"], "DongBoHoSoMC");
    for (field, value) in [
        ("MaHoSo", code.as_str()),
        ("MaTTHC", "2.000720"),
        ("TenTTHC", "Đăng ký thành lập hộ kinh doanh"),
        ("ChuHoSo", "Đỗ Văn Phúc"),
        ("MaDoiTuong", "092190002222"),
        ("NgayNopHoSo", "20270301090500"),
        ("NgayTiepNhan", "20270301090500"),
        ("DonViXuLy", "000.00.31.H12"),
        ("NgayTra", ""),
    ] {
        assert_eq!(item[field], value, "{field}: {item}");
    }
    assert_eq!((item["TrangThaiHoSo"].as_i64(), item["KenhThucHien"].as_i64()), (Some(4), Some(1)), "{item}");
    assert!(item["NgayHenTra"].as_str().unwrap().starts_with("2027030"), "{item}");

    let transfer = events.iter().find(|e| e.action == "transfer").expect("the transfer");
    let progress = portal::progress_item(&ctx.row, transfer, "Nguyễn Thị Thu Hà", "");
    let sent = adapter.body(&Delivery {
        idempotency_key: "k2".into(),
        agency: "000.00.31.H12".into(),
        item: PortalItem::Progress(progress),
    });
    let item = &sent["data"][0];
    assert_eq!(sent["service"], "CapNhatTienDoHoSoMC");
    assert_eq!(item["NguoiXuLy"], "Nguyễn Thị Thu Hà");
    assert_eq!(item["ChucDanh"], "Cán bộ một cửa");
    assert_eq!(item["ThoiDiemXuLy"], "20270301100000");
    assert_eq!(item["TrangThai"].as_i64(), Some(4));
    assert!(item["NoiDungXuLy"].as_str().unwrap().ends_with(": Chuyển phòng"), "{item}");
    assert!(item["NgayKetThucTheoQuyDinh"].as_str().unwrap().starts_with("2027030"), "{item}");
}
