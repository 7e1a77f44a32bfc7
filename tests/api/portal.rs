//! The national portal as a peer (issue 15): what `DongBoHoSoMC` and `CapNhatTienDoHoSoMC` carry
//! for a real dossier, and their delivery to a fake portal on loopback (`common::portal_peer`) by
//! the workers: every step in order, an outage and its recovery, refusals, and a worker killed
//! mid-send. SQLite, or PostgreSQL with TEST_DATABASE_URL.
use std::time::Duration;

use crate::common::portal_peer::{PortalMode, PortalPeer, TakenItem, PORTAL_TOKEN};
use crate::common::{self, peers::wait_until, spawn_app_at, spawn_app_configured, TestApp};
use motcua::services::portal::{self, legacy_json::LegacyJson, Delivery, PortalItem, RecordFacts};
use motcua::storage::dossiers::{self, Named};
use motcua::storage::portal::{deliveries_of, queue_state};
use serde_json::{json, Value};

const PW: &str = "motcua-demo";
/// Liên thông khai sinh – thường trú – BHYT: Tân An commune, 10 working days.
const BIRTH: &str = "1.003583";
const TAN_AN: &str = "000.01.31.H12";

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
    let transfer = events.iter().find(|e| e.action == "transfer").expect("the transfer");
    let record = portal::record_item(&ctx.row, &facts, transfer);
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

/// The app on a clock the test moves, delivering to `peer`.
async fn app_with_portal(peer: &PortalPeer, start: &str) -> TestApp {
    app_linked_to(peer, start, None).await
}

/// [`app_with_portal`], taking dossiers from the portal too when `inbound` names its token.
async fn app_linked_to(peer: &PortalPeer, start: &str, inbound: Option<&str>) -> TestApp {
    let (url, inbound) = (peer.url.clone(), inbound.map(str::to_string));
    spawn_app_configured(Some(start), move |s| {
        s.portal.url = Some(url);
        s.portal.token = PORTAL_TOKEN.into();
        s.portal.inbound_token = inbound;
        s.portal.timeout_secs = 2;
        s.notifications.lease_secs = 20;
    })
    .await
}

async fn counter_intake(app: &TestApp, clerk: &str) -> String {
    let body = json!({"procedure_code": BIRTH, "channel": "direct", "notify_by": "none",
        "applicant": {"name": "Trần Văn Bảy", "id_number": "092190007777", "phone": "0977777777",
                      "address": "Tân An, Ninh Kiều"},
        "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]});
    let (s, d) = app.post_with("/api/v1/dossiers", clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    d["code"].as_str().unwrap().to_string()
}

async fn act(app: &TestApp, token: &str, code: &str, body: Value) {
    let (s, b) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &body).await;
    assert_eq!(s, 200, "{body} → {b}");
}

/// Waits until the portal is owed nothing.
fn drained(app: &TestApp) {
    wait_until("the portal queue to drain", || {
        let q = queue_state(&mut app.conn()).unwrap();
        (q.items_waiting == 0).then_some(())
    });
}

/// (service, status) of each item, in the order the portal took them.
fn steps(items: &[TakenItem]) -> Vec<(String, i64)> {
    items
        .iter()
        .map(|t| {
            let status = t.item.get("TrangThaiHoSo").or(t.item.get("TrangThai")).and_then(Value::as_i64).unwrap();
            (t.service.clone(), status)
        })
        .collect()
}

fn step(service: &str, status: i64) -> (String, i64) {
    (service.to_string(), status)
}

/// What the portal sees of a dossier received, sent back for a supplement, resubmitted, transferred
/// three times, approved, finished and returned: the record with receipt, result and return.
fn from_receipt_to_return() -> Vec<(String, i64)> {
    let mut steps = vec![step("DongBoHoSoMC", 2)];
    steps.extend([2, 5, 2, 4, 4, 4, 4].map(|s| step("CapNhatTienDoHoSoMC", s)));
    steps.extend([step("DongBoHoSoMC", 9), step("CapNhatTienDoHoSoMC", 9)]);
    steps.extend([step("DongBoHoSoMC", 10), step("CapNhatTienDoHoSoMC", 10)]);
    steps
}

#[tokio::test]
async fn the_portal_sees_every_step_of_a_journey_in_order_with_its_fields() {
    let peer = PortalPeer::start();
    let app = app_with_portal(&peer, "2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let specialist = app.login("specialist.tanan", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let code = counter_intake(&app, &clerk).await;
    app.set_time("2027-03-01T09:30:00+07:00");
    act(&app, &clerk, &code, json!({"action": "request_supplement", "missing": ["Giấy chứng sinh (bản chính)"]})).await;
    app.set_time("2027-03-02T08:15:00+07:00");
    act(&app, &clerk, &code, json!({"action": "submit_supplement"})).await;
    app.set_time("2027-03-02T10:00:00+07:00");
    act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    act(&app, &specialist, &code, json!({"action": "transfer"})).await;
    act(&app, &specialist, &code, json!({"action": "transfer"})).await;
    app.set_time("2027-03-03T14:00:00+07:00");
    act(&app, &leader, &code, json!({"action": "approve"})).await;
    act(&app, &leader, &code, json!({"action": "finish"})).await;
    app.set_time("2027-03-04T09:00:00+07:00");
    act(&app, &clerk, &code, json!({"action": "return_result"})).await;
    drained(&app);

    let items = peer.of(&code);
    for t in &items {
        println!("{} {} {}", t.service, t.idempotency_key, t.item);
    }
    assert_eq!(steps(&items), from_receipt_to_return(), "{items:#?}");
    assert!(items.iter().all(|t| t.madonvi == TAN_AN));
    let keys: std::collections::HashSet<&str> = items.iter().map(|t| t.idempotency_key.as_str()).collect();
    assert_eq!(keys.len(), items.len(), "one key per item");
    // The record at receipt: the dossier's code, procedure, times in Vietnam time, the counter.
    let first = &items[0].item;
    for (field, value) in [
        ("MaHoSo", code.as_str()),
        ("MaTTHC", BIRTH),
        ("ChuHoSo", "Trần Văn Bảy"),
        ("NgayNopHoSo", "20270301090000"),
        ("NgayTiepNhan", "20270301090000"),
        ("DonViXuLy", TAN_AN),
        ("NgayKetThucXuLy", ""),
        ("NgayTra", ""),
    ] {
        assert_eq!(first[field], value, "{field}: {first}");
    }
    assert_eq!(first["KenhThucHien"], 1);
    // Each progress item: who (name and title), when, where, what, and the step's deadline.
    let supplement = &items[2].item;
    assert_eq!(supplement["NguoiXuLy"], "Võ Thị Ngọc Trâm");
    assert_eq!(supplement["ChucDanh"], "Cán bộ một cửa");
    assert_eq!(supplement["ThoiDiemXuLy"], "20270301093000");
    assert_eq!(supplement["DonViXuLy"], TAN_AN);
    assert!(supplement["NoiDungXuLy"].as_str().unwrap().starts_with("Yêu cầu bổ sung"), "{supplement}");
    let approval = &items[7].item;
    assert_eq!(approval["NguoiXuLy"], "Lê Văn Tâm");
    assert_eq!(approval["ThoiDiemXuLy"], "20270303140000");
    let returned = &items[10].item;
    assert_eq!(returned["NgayTra"], "20270304090000");
    assert!(returned["NgayKetThucXuLy"].as_str().unwrap().starts_with("20270303"), "{returned}");
    // What was taken is recorded item by item, as sent.
    let ctx = dossiers::find_with_context(&mut app.conn(), Named::Code(&code)).unwrap().unwrap();
    let recorded = deliveries_of(&mut app.conn(), &ctx.row.id).unwrap();
    assert_eq!(recorded.len(), items.len());
    assert!(recorded.iter().all(|r| r.outcome == "taken"));
    assert_eq!(peer.unauthorised(), 0);
}

#[tokio::test]
async fn while_the_portal_is_down_staff_keep_working_and_the_queue_drains_in_order_when_it_returns() {
    let peer = PortalPeer::start();
    peer.set_mode(PortalMode::Fail);
    let app = app_with_portal(&peer, "2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let specialist = app.login("specialist.tanan", PW).await;
    let first = counter_intake(&app, &clerk).await;
    let second = counter_intake(&app, &clerk).await;
    wait_until("the worker to try", || (peer.requests() >= 2).then_some(()));
    act(&app, &clerk, &first, json!({"action": "transfer"})).await;
    act(&app, &specialist, &first, json!({"action": "transfer"})).await;
    peer.set_mode(PortalMode::Drop);
    act(&app, &clerk, &second, json!({"action": "transfer"})).await;
    // Staff worked on; the portal has nothing; health says how far behind it is, and why.
    let health = health_when(&app, |h| h["portal"]["state"] == "degraded" && h["portal"]["items_waiting"] == 5).await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["portal"]["dossiers_waiting"], 2, "{health}");
    assert_eq!(health["portal"]["items_waiting"], 5, "{health}");
    assert_eq!(health["portal"]["oldest_at"], "2027-03-01T02:00:00", "{health}");
    assert!(peer.taken().is_empty());

    // The portal is back: after the backoff, everything is delivered, each dossier in order.
    peer.set_mode(PortalMode::Slow(Duration::from_millis(50)));
    app.clock.advance(chrono::TimeDelta::hours(2));
    drained(&app);
    assert_eq!(
        steps(&peer.of(&first)),
        [
            step("DongBoHoSoMC", 2),
            step("CapNhatTienDoHoSoMC", 2),
            step("CapNhatTienDoHoSoMC", 4),
            step("CapNhatTienDoHoSoMC", 4)
        ]
    );
    assert_eq!(
        steps(&peer.of(&second)),
        [step("DongBoHoSoMC", 2), step("CapNhatTienDoHoSoMC", 2), step("CapNhatTienDoHoSoMC", 4)]
    );
    let (_, health) = app.get("/health").await;
    assert_eq!(health["portal"]["state"], "delivering", "{health}");
    assert_eq!(health["portal"]["items_waiting"], 0, "{health}");
}

/// Polls `/health` until `ok` holds of it (for up to 20 s).
async fn health_when(app: &TestApp, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, h) = app.get("/health").await;
        if ok(&h) {
            return h;
        }
        assert!(std::time::Instant::now() < deadline, "the health never showed it: {h}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_refused_item_is_recorded_and_does_not_hold_back_the_next() {
    let peer = PortalPeer::start();
    peer.set_mode(PortalMode::ErrorCode(7));
    let app = app_with_portal(&peer, "2027-03-01T09:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let code = counter_intake(&app, &clerk).await;
    drained(&app);
    peer.set_mode(PortalMode::Accept);
    act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    drained(&app);
    assert_eq!(steps(&peer.of(&code)), [step("CapNhatTienDoHoSoMC", 4)], "only the transfer was taken");
    let ctx = dossiers::find_with_context(&mut app.conn(), Named::Code(&code)).unwrap().unwrap();
    let outcomes: Vec<(i32, String, String)> = deliveries_of(&mut app.conn(), &ctx.row.id)
        .unwrap()
        .into_iter()
        .map(|r| (r.seq, r.service, r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (1, "record".to_string(), "refused".to_string()),
            (1, "progress".to_string(), "refused".to_string()),
            (2, "progress".to_string(), "taken".to_string())
        ]
    );
    assert_eq!(queue_state(&mut app.conn()).unwrap().refused, 2);
}

/// `motcua worker` as its own process, delivering to the fake portal with a short lease.
fn worker_process(app: &TestApp, peer: &PortalPeer) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("worker")
        .current_dir(common::manifest_dir())
        .env("MOTCUA_ENV", "test")
        .env("DATABASE_URL", app.db.url())
        .env("MOTCUA__NOTIFICATIONS__POLL_INTERVAL_MS", "50")
        .env("MOTCUA__NOTIFICATIONS__LEASE_SECS", "3")
        .env("MOTCUA__PORTAL__URL", &peer.url)
        .env("MOTCUA__PORTAL__TOKEN", PORTAL_TOKEN)
        .env("MOTCUA__PORTAL__TIMEOUT_SECS", "2")
        .env("MOTCUA__EMAIL__TIMEOUT_SECS", "2")
        .env("MOTCUA__SMS__TIMEOUT_SECS", "2")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("motcua worker starts")
}

#[tokio::test]
async fn a_worker_killed_mid_send_loses_nothing_and_the_repeat_carries_the_same_key() {
    let peer = PortalPeer::start();
    // The app on the system clock, without workers of its own: the worker is a separate process.
    let app = spawn_app_configured(None, |s| s.notifications.worker = false).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let code = counter_intake(&app, &clerk).await;
    act(&app, &clerk, &code, json!({"action": "transfer"})).await;
    // The portal stores the first item and never answers: the worker is killed waiting.
    peer.set_mode(PortalMode::Stall);
    let mut worker = worker_process(&app, &peer);
    wait_until("the worker to be mid-send", || {
        if let Some(status) = worker.try_wait().unwrap() {
            let mut text = String::new();
            std::io::Read::read_to_string(worker.stderr.as_mut().unwrap(), &mut text).unwrap();
            panic!("motcua worker exited early ({status}): {text}");
        }
        (!peer.taken().is_empty()).then_some(())
    });
    worker.kill().unwrap();
    worker.wait().unwrap();
    let stalled = peer.taken();
    assert_eq!(stalled.len(), 1);
    assert_eq!(queue_state(&mut app.conn()).unwrap().items_waiting, 2, "nothing was marked delivered");

    peer.set_mode(PortalMode::Accept);
    let mut successor = worker_process(&app, &peer);
    drained(&app);
    successor.kill().unwrap();
    successor.wait().unwrap();
    let items = peer.of(&code);
    assert_eq!(
        steps(&items),
        [
            step("DongBoHoSoMC", 2),
            step("DongBoHoSoMC", 2),
            step("CapNhatTienDoHoSoMC", 2),
            step("CapNhatTienDoHoSoMC", 4)
        ],
        "the record twice (at least once), then the rest once, in order"
    );
    assert_eq!(items[0].idempotency_key, items[1].idempotency_key, "the repeat carries the same key");
    assert_eq!(items[0].item, items[1].item);
}

/// The portal's door, open with this token.
const INBOUND_TOKEN: &str = "portal-inbound-test-token";
/// The smallest file that passes as a PDF (its signature).
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// The app on a clock the test moves, delivering to `peer` and taking dossiers from it.
async fn app_with_two_way_portal(peer: &PortalPeer, start: &str) -> TestApp {
    app_linked_to(peer, start, Some(INBOUND_TOKEN)).await
}

/// A dossier as the portal delivers it: one file inline, one at an address on the portal.
fn portal_dossier(peer: &PortalPeer, code: &str) -> Value {
    use base64::Engine;
    let url = peer.host_file(&format!("/files/{code}/giay-chung-sinh.pdf"), PDF);
    json!({
        "MaHoSo": code, "MaTTHC": BIRTH, "TenTTHC": "Liên thông khai sinh", "DonViXuLy": TAN_AN,
        "ChuHoSo": "Phạm Thị Tám", "LoaiDoiTuong": 1, "MaDoiTuong": "092190008888", "SoDienThoai": "0988888888",
        "Email": "", "DiaChi": "Khu vực 3, phường Tân An", "NgayNopHoSo": "20270301203000", "TrangThaiHoSo": 1,
        "TaiLieuNop": [
            {"TenTepDinhKem": "to-khai.pdf", "NoiDungTep": base64::engine::general_purpose::STANDARD.encode(PDF)},
            {"TenTepDinhKem": "giay-chung-sinh.pdf", "DuongDanTaiTepTin": url}
        ]
    })
}

async fn deliver(app: &TestApp, token: &str, item: &Value) -> (u16, Value) {
    let r = app.client.post(app.url("/api/v1/portal/dossiers")).bearer_auth(token).json(item).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn dossier_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    motcua::storage::schema::dossiers::table.count().get_result(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_dossier_submitted_on_the_portal_is_received_processed_and_returned_and_the_portal_sees_every_step() {
    let peer = PortalPeer::start();
    let app = app_with_two_way_portal(&peer, "2027-03-02T08:00:00+07:00").await;
    let code = "DVCQG-270301-000045";
    let (s, receipt) = deliver(&app, INBOUND_TOKEN, &portal_dossier(&peer, code)).await;
    assert_eq!(s, 201, "{receipt}");
    assert_eq!((receipt["code"].as_str(), receipt["status_code"].as_i64()), (Some(code), Some(1)), "{receipt}");
    assert_eq!(receipt["created"], true);
    // A repeat of the same delivery: the same dossier, never a second one.
    let (s, again) = deliver(&app, INBOUND_TOKEN, &portal_dossier(&peer, code)).await;
    assert_eq!(s, 200, "{again}");
    assert_eq!((again["code"].as_str(), again["reference"].clone()), (Some(code), receipt["reference"].clone()));
    assert_eq!(dossier_count(&app), 1);

    // In the receiving centre's inbox at status 1, with its files and the portal's submission time.
    let clerk = app.login("clerk.tanan", PW).await;
    let specialist = app.login("specialist.tanan", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let (s, inbox) = app.get_with("/api/v1/dossiers?status=submitted", &clerk).await;
    assert_eq!(s, 200, "{inbox}");
    assert!(inbox["items"].as_array().unwrap().iter().any(|d| d["code"] == code), "{inbox}");
    let (s, d) = app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["status_code"], 1);
    let files: Vec<&str> = d["files"].as_array().unwrap().iter().map(|f| f["file_name"].as_str().unwrap()).collect();
    assert_eq!(files, ["to-khai.pdf", "giay-chung-sinh.pdf"], "{d}");

    // Waiting for the counter since the portal's submission (Monday 20:30): 30 office minutes at
    // Tuesday 08:00, still in time (issue 15 item 7).
    let (s, w) = app.get_with("/api/v1/stats/intake-waiting", &leader).await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["oldest_submitted_at"], "2027-03-01T20:30:00+07:00", "{w}");
    let tan_an = &w["agencies"][0];
    assert_eq!((tan_an["agency_code"].as_str(), tan_an["waiting"].as_i64()), (Some(TAN_AN), Some(1)), "{w}");
    assert_eq!((tan_an["oldest_waited_working_minutes"].as_i64(), tan_an["past_rule"].as_i64()), (Some(30), Some(0)));

    // Received (it keeps the portal's code), sent back for a supplement, resubmitted, transferred, returned.
    app.set_time("2027-03-02T08:30:00+07:00");
    act(&app, &clerk, code, json!({"action": "receive"})).await;
    let (_, r) = app.get_with("/api/v1/stats/report?from=2027-03-01&to=2027-03-31", &leader).await;
    assert_eq!(
        r["online_intake"],
        json!({"timed": 1, "wait_working_minutes": 60, "average_wait_working_hours": 1.0, "received_late": 0}),
        "received an hour of office time after the portal's submission: {r}"
    );
    act(&app, &clerk, code, json!({"action": "request_supplement", "missing": ["Giấy chứng sinh bản chính"]})).await;
    app.set_time("2027-03-03T09:00:00+07:00");
    act(&app, &clerk, code, json!({"action": "submit_supplement"})).await;
    act(&app, &clerk, code, json!({"action": "transfer"})).await;
    act(&app, &specialist, code, json!({"action": "transfer"})).await;
    act(&app, &specialist, code, json!({"action": "transfer"})).await;
    app.set_time("2027-03-04T10:00:00+07:00");
    act(&app, &leader, code, json!({"action": "approve"})).await;
    act(&app, &leader, code, json!({"action": "finish"})).await;
    app.set_time("2027-03-05T09:00:00+07:00");
    act(&app, &clerk, code, json!({"action": "return_result"})).await;
    drained(&app);

    let items = peer.of(code);
    for t in &items {
        println!("{} {} {}", t.service, t.idempotency_key, t.item);
    }
    let mut expected = vec![step("DongBoHoSoMC", 1), step("CapNhatTienDoHoSoMC", 1)];
    expected.extend(from_receipt_to_return());
    assert_eq!(steps(&items), expected, "{items:#?}");
    let received = &items[2].item;
    assert_eq!(received["NgayNopHoSo"], "20270301203000", "the portal's submission time");
    assert_eq!(received["NgayTiepNhan"], "20270302083000");
    assert_eq!(received["KenhThucHien"], 2, "online");
    assert_eq!(items[3].item["NguoiXuLy"], "Võ Thị Ngọc Trâm");
    assert_eq!(items[1].item["NguoiXuLy"], "", "the applicant submitted on the portal: no staff member");
    assert_eq!(items[12].item["NgayTra"], "20270305090000");
}

#[tokio::test]
async fn bad_or_unauthorised_deliveries_are_refused_and_store_nothing() {
    let peer = PortalPeer::start();
    let app = app_with_two_way_portal(&peer, "2027-03-02T08:00:00+07:00").await;
    let good = portal_dossier(&peer, "DVCQG-270301-000046");
    let (s, b) = deliver(&app, "wrong-token", &good).await;
    common::assert_error(s, &b, 401, "invalid_token");
    let mut cases: Vec<(Value, u16, &str)> = Vec::new();
    let mut with = |field: &str, value: Value, status: u16, code: &'static str| {
        let mut item = good.clone();
        item[field] = value;
        cases.push((item, status, code));
    };
    with("MaHoSo", Value::Null, 400, "invalid_portal_item");
    with("MaHoSo", json!("not a code"), 400, "invalid_portal_item");
    with("NgayNopHoSo", json!("2027-03-01"), 400, "invalid_portal_item");
    with("NgayNopHoSo", json!("20270309000000"), 400, "invalid_portal_item");
    with("DiaChi", json!(""), 400, "invalid_portal_item");
    with("MaDoiTuong", json!("12"), 400, "invalid_id_number");
    with("MaTTHC", json!("9.999999"), 404, "procedure_not_found");
    with("TaiLieuNop", json!([{"TenTepDinhKem": "a.pdf", "NoiDungTep": "%%%"}]), 400, "invalid_portal_item");
    with("TaiLieuNop", json!([{"TenTepDinhKem": "a.pdf", "NoiDungTep": "TVqQAAMAAAAEAAAA"}]), 400, "content_mismatch");
    with("TaiLieuNop", json!([{"TenTepDinhKem": "a.exe", "NoiDungTep": "TVqQ"}]), 400, "unsupported_file_type");
    with(
        "TaiLieuNop",
        json!([{"TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": "http://127.0.0.1:9/elsewhere.pdf"}]),
        400,
        "portal_file_unavailable",
    );
    with(
        "TaiLieuNop",
        json!([{"TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": peer.host_file("/files/none", b"").replace("none", "missing")}]),
        400,
        "portal_file_unavailable",
    );
    for (item, status, code) in cases {
        let (s, b) = deliver(&app, INBOUND_TOKEN, &item).await;
        common::assert_error(s, &b, status, code);
    }
    assert_eq!(dossier_count(&app), 0, "nothing was stored");
    let (s, b) = deliver(&app, INBOUND_TOKEN, &good).await;
    assert_eq!(s, 201, "{b}");
}

#[tokio::test]
async fn without_an_inbound_token_the_portal_door_is_closed() {
    let app = spawn_app_at("2027-03-02T08:00:00+07:00").await;
    let (s, b) = deliver(&app, "anything", &json!({"MaHoSo": "DVCQG-270301-000047"})).await;
    common::assert_error(s, &b, 404, "portal_inbound_disabled");
}

#[tokio::test]
async fn reconciliation_lists_every_difference_and_a_resend_repairs_it() {
    let peer = PortalPeer::start();
    let app = app_with_portal(&peer, "2027-03-01T09:00:00+07:00").await;
    let admin = app.login("admin", PW).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let specialist = app.login("specialist.tanan", PW).await;
    let leader = app.login("leader.ninhkieu", PW).await;
    // In step with the portal.
    let fine = counter_intake(&app, &clerk).await;
    // Decided while the portal refused: it shows the dossier still at step 4, without its end date.
    let decided = counter_intake(&app, &clerk).await;
    for (who, action) in
        [(&clerk, "transfer"), (&specialist, "transfer"), (&specialist, "transfer"), (&leader, "approve")]
    {
        act(&app, who, &decided, json!({"action": action})).await;
    }
    drained(&app);
    peer.set_mode(PortalMode::ErrorCode(99));
    act(&app, &leader, &decided, json!({"action": "finish"})).await;
    // Never taken at all.
    let refused = counter_intake(&app, &clerk).await;
    drained(&app);
    // Waiting in the queue while the portal is down.
    peer.set_mode(PortalMode::Fail);
    let waiting = counter_intake(&app, &clerk).await;
    wait_until("the failed attempt", || queue_state(&mut app.conn()).unwrap().last_error.is_some().then_some(()));

    let (s, found) = app.get_with("/api/v1/admin/portal/reconciliation?from=2027-03-01&to=2027-03-01", &admin).await;
    assert_eq!(s, 200, "{found}");
    let kinds: Vec<(String, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["kind"].as_str().unwrap().to_string()))
        .collect();
    let expected = [
        (decided.clone(), "status_behind".to_string()),
        (decided.clone(), "dates_differ".to_string()),
        (refused.clone(), "missing".to_string()),
        (waiting.clone(), "not_sent".to_string()),
    ];
    assert_eq!(kinds, expected, "{found}");
    assert!(!kinds.iter().any(|(c, _)| c == &fine));
    let dates = found.as_array().unwrap()[1]["detail"].as_str().unwrap();
    assert!(dates.starts_with("NgayKetThucXuLy: portal \"\", motcua \"20270301"), "{dates}");
    // Only administrators reconcile; a period is checked.
    let (s, b) = app.get_with("/api/v1/admin/portal/reconciliation?from=2027-03-01&to=2027-03-01", &clerk).await;
    common::assert_error(s, &b, 403, "role_not_allowed");
    let (s, b) = app.get_with("/api/v1/admin/portal/reconciliation?from=2027-03-02&to=2027-03-01", &admin).await;
    common::assert_error(s, &b, 400, "invalid_period");

    // The command line says the same, and exits with 1.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["portal", "reconcile", "--from", "2027-03-01", "--to", "2027-03-01"])
        .current_dir(common::manifest_dir())
        .env("MOTCUA_ENV", "test")
        .env("DATABASE_URL", app.db.url())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&format!("{refused}\tmissing\t")), "{text}");
    assert!(text.contains("4 differences from 2027-03-01 to 2027-03-01"), "{text}");

    // The administrators' page shows the queue, why it waits, and the reconciliation.
    let cookie = common::web::sign_in(&app, "admin", PW).await;
    let page = common::web::get(&app, "/quan-tri/cong-dvc?tu_ngay=2027-03-01&den_ngay=2027-03-01", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Cổng đang không nhận"), "{}", page.body);
    assert!(page.body.contains("<dd id=\"ho-so-cho\">1</dd>"), "{}", page.body);
    assert!(page.body.contains("4 chênh lệch"), "{}", page.body);
    assert!(page.body.contains("Trạng thái trên Cổng chưa cập nhật"), "{}", page.body);

    // The portal is back; the refused ones are sent again (the page's form, then the API), with new keys.
    peer.set_mode(PortalMode::Accept);
    app.clock.advance(chrono::TimeDelta::hours(1));
    drained(&app);
    let page =
        common::web::post_form(&app, "/quan-tri/cong-dvc/gui-lai", Some(&cookie), &[("ma_ho_so", &decided)]).await;
    assert_eq!((page.status, page.location.as_str()), (303, "/quan-tri/cong-dvc?da_gui_lai=1"), "{}", page.body);
    let (s, b) = app.post_with("/api/v1/admin/portal/resend", &admin, &json!({"code": refused})).await;
    assert_eq!((s, b["dossiers"].as_i64()), (200, Some(1)), "{b}");
    drained(&app);
    let (_, found) = app.get_with("/api/v1/admin/portal/reconciliation?from=2027-03-01&to=2027-03-01", &admin).await;
    assert_eq!(found, json!([]), "repaired");
    let again = peer.of(&decided);
    assert!(again.iter().any(|t| t.idempotency_key.ends_with("-1-record-r1")), "{again:#?}");
    let (s, b) =
        app.post_with("/api/v1/admin/portal/resend", &admin, &json!({"code": refused, "from": "2027-03-01"})).await;
    common::assert_error(s, &b, 400, "invalid_body");
    let (s, b) =
        app.post_with("/api/v1/admin/portal/resend", &admin, &json!({"from": "2027-03-01", "to": "2027-03-01"})).await;
    assert_eq!((s, b["dossiers"].as_i64()), (200, Some(4)), "{b}");
    drained(&app);
}

/// Biểu II.06a's totals and the source lines for phường Tân An in March 2026 (the feed's times must
/// be past by the system clock the command runs on).
async fn tan_an_report(app: &TestApp, leader: &str) -> Value {
    let (s, r) =
        app.get_with(&format!("/api/v1/stats/report?from=2026-03-01&to=2026-03-31&agency={TAN_AN}"), leader).await;
    assert_eq!(s, 200, "{r}");
    r
}

#[tokio::test]
async fn a_ministrys_dossiers_are_counted_with_their_source_never_processed_and_a_reimport_updates_them() {
    let app = spawn_app_configured(Some("2026-03-20T09:00:00+07:00"), |s| {
        s.portal.inbound_token = Some(INBOUND_TOKEN.into());
    })
    .await;
    let leader = app.login("leader.ninhkieu", PW).await;
    let clerk = app.login("clerk.tanan", PW).await;
    let before = tan_an_report(&app, &leader).await;
    // One finished late, one still open at the ministry, and one item with no status.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bo-cong-an.csv");
    std::fs::write(
        &csv,
        format!(
            "MaHoSo,MaTTHC,DonViXuLy,ChuHoSo,NgayNopHoSo,NgayTiepNhan,NgayHenTra,TrangThaiHoSo,NgayKetThucXuLy,NgayTra,KenhThucHien\n\
             BCA-260302-000101,{BIRTH},{TAN_AN},Lê Thị Chín,20260302080000,20260302080000,20260305170000,10,20260306100000,20260307090000,2\n\
             BCA-260303-000102,{BIRTH},{TAN_AN},Võ Văn Mười,20260303080000,20260303080000,20260330170000,4,,,2\n\
             BCA-260303-000103,{BIRTH},{TAN_AN},,20260303080000,20260303080000,,,,,1\n"
        ),
    )
    .unwrap();
    let import = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["portal", "import", file.to_str().unwrap(), "--source", "bo-cong-an"])
            .current_dir(common::manifest_dir())
            .env("MOTCUA_ENV", "test")
            .env("DATABASE_URL", app.db.url())
            .output()
            .unwrap()
    };
    let out = import(&csv);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "one item is refused: {stdout}{stderr}");
    assert!(stderr.contains("item 3 (BCA-260303-000103)") && stderr.contains("invalid_portal_item"), "{stderr}");
    assert!(stdout.contains("3 items: {\"created\": 2}, 1 refused"), "{stdout}");

    let after = tan_an_report(&app, &leader).await;
    let delta = |r: &Value, b: &Value, k: &str| r["total"][k].as_i64().unwrap() - b["total"][k].as_i64().unwrap();
    assert_eq!(
        [
            delta(&after, &before, "received_total"),
            delta(&after, &before, "received_online"),
            delta(&after, &before, "resolved_late"),
            delta(&after, &before, "pending_total")
        ],
        [2, 2, 1, 1],
        "{after}"
    );
    assert_eq!(
        after["sources"],
        json!([{"source": "ministry:bo-cong-an", "received": 2, "finished": 1, "finished_late": 1}]),
        "{after}"
    );
    // Never processed here: no one's inbox, no action.
    let (_, inbox) = app.get_with("/api/v1/dossiers", &clerk).await;
    assert!(!inbox.to_string().contains("BCA-260303-000102"), "{inbox}");
    let (s, b) =
        app.post_with("/api/v1/dossiers/BCA-260303-000102/actions", &clerk, &json!({"action": "transfer"})).await;
    common::assert_error(s, &b, 409, "dossier_handled_elsewhere");

    // The ministry finishes the open one on time: a re-import (JSON, through the portal's door) updates it.
    let item = json!({"source": "bo-cong-an", "MaHoSo": "BCA-260303-000102", "MaTTHC": BIRTH, "DonViXuLy": TAN_AN,
        "NgayNopHoSo": "20260303080000", "NgayTiepNhan": "20260303080000", "NgayHenTra": "20260330170000",
        "TrangThaiHoSo": 10, "NgayKetThucXuLy": "20260319150000", "NgayTra": "20260320080000", "KenhThucHien": 2});
    let (s, r) = deliver(&app, INBOUND_TOKEN, &item).await;
    assert_eq!((s, r["created"].as_bool()), (200, Some(false)), "{r}");
    let (s, r) = deliver(&app, INBOUND_TOKEN, &item).await;
    assert_eq!((s, r["created"].as_bool()), (200, Some(false)), "a repeat changes nothing: {r}");
    let again = tan_an_report(&app, &leader).await;
    assert_eq!(
        [
            delta(&again, &before, "received_total"),
            delta(&again, &before, "resolved_early"),
            delta(&again, &before, "resolved_late"),
            delta(&again, &before, "pending_total")
        ],
        [2, 1, 1, 0],
        "{again}"
    );
    assert_eq!(again["sources"][0]["finished"], 2);
    assert_eq!(dossier_count(&app), 2, "updated, not doubled");

    // A ministry's code may not take over a dossier of this system.
    let ours = counter_intake(&app, &clerk).await;
    let (s, b) = deliver(
        &app,
        INBOUND_TOKEN,
        &json!({"source": "bo-cong-an", "MaHoSo": ours, "MaTTHC": BIRTH,
        "DonViXuLy": TAN_AN, "NgayTiepNhan": "20260320080000", "TrangThaiHoSo": 2}),
    )
    .await;
    common::assert_error(s, &b, 409, "import_conflict");
}
