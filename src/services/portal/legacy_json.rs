//! The legacy JSON exchange (`portal.adapter = "legacy_json"`; regulations.md §7.2, a secondary
//! source): `POST` to `portal.url` a JSON body `{"service": "DongBoHoSoMC" | "CapNhatTienDoHoSoMC",
//! "madonvi": <agency code>, "session": <portal.token>, "data": [item]}`; the portal answers
//! `{"error_code": 0}` when it took the item. Each request carries the item's idempotency key in
//! the `Idempotency-Key` header and as `"idempotency_key"` in the body, so a portal that knows it can
//! drop a repeat (the legacy shape names no such field: ours is an addition a portal may ignore).
use super::{Delivery, OutboundRequest, PortalAdapter, PortalFailure, PortalItem};

pub struct LegacyJson {
    pub url: String,
    pub token: String,
}

impl LegacyJson {
    /// The JSON body of a delivery.
    pub fn body(&self, d: &Delivery) -> serde_json::Value {
        let (service, item) = match &d.item {
            PortalItem::Record(r) => ("DongBoHoSoMC", serde_json::to_value(r)),
            PortalItem::Progress(p) => ("CapNhatTienDoHoSoMC", serde_json::to_value(p)),
        };
        let mut body = serde_json::json!({
            "service": service,
            "madonvi": d.agency,
            "session": self.token,
            "idempotency_key": d.idempotency_key,
            "data": [item.unwrap_or_default()],
        });
        if service == "DongBoHoSoMC" {
            body["isUpdating"] = serde_json::Value::String("False".into());
        }
        body
    }
}

impl PortalAdapter for LegacyJson {
    fn name(&self) -> &'static str {
        "legacy_json"
    }

    fn request(&self, d: &Delivery) -> OutboundRequest {
        OutboundRequest {
            url: self.url.clone(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("idempotency-key".into(), d.idempotency_key.clone()),
            ],
            body: serde_json::to_vec(&self.body(d)).unwrap_or_default(),
        }
    }

    fn read_answer(&self, status: u16, body: &[u8]) -> Result<(), PortalFailure> {
        if status >= 500 || status == 429 || status == 408 {
            return Err(PortalFailure::Retry(format!("HTTP {status}")));
        }
        let answer: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let code = answer.as_ref().and_then(|a| a.get("error_code")).and_then(|c| c.as_i64());
        match (status, code) {
            (200..=299, Some(0)) => Ok(()),
            (200..=299, Some(c)) => Err(PortalFailure::Refused(format!("error_code {c}"))),
            // A 2xx without the portal's answer: not known to be taken, so sent again.
            (200..=299, None) => Err(PortalFailure::Retry("the answer has no error_code".into())),
            (s, _) => Err(PortalFailure::Refused(format!("HTTP {s}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::portal::{ProgressItem, RecordItem};

    fn adapter() -> LegacyJson {
        LegacyJson { url: "http://127.0.0.1:9/portal".into(), token: "t0k3n".into() }
    }

    fn record() -> RecordItem {
        RecordItem {
            code: "000.01.31.H12-260302-0001".into(),
            procedure_code: "1.001193".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            field: "Hộ tịch".into(),
            applicant_name: "Lê Văn Mười".into(),
            applicant_kind: 1,
            applicant_id_number: "092190001111".into(),
            phone: "0911111111".into(),
            email: String::new(),
            summary: "Đăng ký khai sinh".into(),
            submitted_at: "20260302090000".into(),
            received_at: "20260302090000".into(),
            due_at: "20260305173000".into(),
            status: 2,
            channel: 1,
            agency: "000.01.31.H12".into(),
            finished_at: String::new(),
            returned_at: String::new(),
        }
    }

    #[test]
    fn a_record_is_a_dongbohosomc_with_the_legacy_field_names() {
        let d = Delivery {
            idempotency_key: "k-1".into(),
            agency: "000.01.31.H12".into(),
            item: PortalItem::Record(record()),
        };
        let body = adapter().body(&d);
        assert_eq!(body["service"], "DongBoHoSoMC");
        assert_eq!(body["madonvi"], "000.01.31.H12");
        assert_eq!(body["session"], "t0k3n");
        assert_eq!(body["idempotency_key"], "k-1");
        let item = &body["data"][0];
        for (field, value) in [
            ("MaHoSo", "000.01.31.H12-260302-0001"),
            ("MaTTHC", "1.001193"),
            ("NgayTiepNhan", "20260302090000"),
            ("NgayHenTra", "20260305173000"),
            ("DonViXuLy", "000.01.31.H12"),
        ] {
            assert_eq!(item[field], value, "{field}");
        }
        assert_eq!((item["TrangThaiHoSo"].as_i64(), item["KenhThucHien"].as_i64()), (Some(2), Some(1)));
        let request = adapter().request(&d);
        assert!(request.headers.contains(&("idempotency-key".into(), "k-1".into())));
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(), body);
    }

    #[test]
    fn progress_is_a_capnhattiendohosomc() {
        let p = ProgressItem {
            code: "000.01.31.H12-260302-0001".into(),
            handler: "Võ Thị Ngọc Trâm".into(),
            title: "Công chức tiếp nhận".into(),
            at: "20260302091500".into(),
            agency: "000.00.31.H12".into(),
            department: String::new(),
            what: "Chuyển xử lý".into(),
            status: 4,
            step_started_at: "20260302091500".into(),
            step_due_at: "20260304173000".into(),
        };
        let d =
            Delivery { idempotency_key: "k-2".into(), agency: "000.01.31.H12".into(), item: PortalItem::Progress(p) };
        let body = adapter().body(&d);
        assert_eq!(body["service"], "CapNhatTienDoHoSoMC");
        assert_eq!(body["data"][0]["NguoiXuLy"], "Võ Thị Ngọc Trâm");
        assert_eq!(body["data"][0]["NgayKetThucTheoQuyDinh"], "20260304173000");
        assert!(body.get("isUpdating").is_none());
    }

    #[test]
    fn only_error_code_zero_is_taken_and_only_a_refusal_is_not_retried() {
        let a = adapter();
        assert_eq!(a.read_answer(200, br#"{"error_code": 0}"#), Ok(()));
        assert!(matches!(a.read_answer(200, br#"{"error_code": 3, "message": "x"}"#), Err(PortalFailure::Refused(_))));
        assert!(matches!(a.read_answer(200, b"<html>"), Err(PortalFailure::Retry(_))));
        assert!(matches!(a.read_answer(503, b""), Err(PortalFailure::Retry(_))));
        assert!(matches!(a.read_answer(429, b""), Err(PortalFailure::Retry(_))));
        assert!(matches!(a.read_answer(400, br#"{"error_code": 1}"#), Err(PortalFailure::Refused(_))));
    }
}
