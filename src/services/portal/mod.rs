//! The national public service portal (Cổng Dịch vụ công quốc gia) as a peer (issue 15): what motcua
//! tells it about each dossier, in the portal's vocabulary, and how one operator's specification is
//! spoken — behind [`PortalAdapter`], so that the operator's next specification is a new adapter, not
//! a rewrite (regulations-2025.md §6: TT 04/2025's field lists were not found; the legacy
//! `DongBoHoSoMC` / `CapNhatTienDoHoSoMC` shape of regulations.md §7.2 is the only published one).
//!
//! The outbox is each dossier's control sheet (written in the same transaction as every change): a
//! [`worker::PortalWorker`] on any instance claims a dossier that owes the portal rows and delivers
//! them in order (`storage::portal`).
use chrono::NaiveDateTime;

use crate::domain::calendar::to_vietnam;

pub mod admin;
pub mod inbound;
pub mod legacy_json;
pub mod worker;

/// A dossier's record, as the portal keeps it (`DongBoHoSoMC`): sent when it is received (or
/// submitted online) and again when its record changes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RecordItem {
    #[serde(rename = "MaHoSo")]
    pub code: String,
    #[serde(rename = "MaTTHC")]
    pub procedure_code: String,
    #[serde(rename = "TenTTHC")]
    pub procedure_name: String,
    #[serde(rename = "TenLinhVuc")]
    pub field: String,
    /// The applicant (the portal's own record of its user; never logged here).
    #[serde(rename = "ChuHoSo")]
    pub applicant_name: String,
    /// 1: a citizen (organisations are not modelled yet).
    #[serde(rename = "LoaiDoiTuong")]
    pub applicant_kind: i32,
    #[serde(rename = "MaDoiTuong")]
    pub applicant_id_number: String,
    #[serde(rename = "SoDienThoai")]
    pub phone: String,
    #[serde(rename = "Email")]
    pub email: String,
    #[serde(rename = "TrichYeuHoSo")]
    pub summary: String,
    #[serde(rename = "NgayNopHoSo")]
    pub submitted_at: String,
    #[serde(rename = "NgayTiepNhan")]
    pub received_at: String,
    #[serde(rename = "NgayHenTra")]
    pub due_at: String,
    /// The national status code 1–10.
    #[serde(rename = "TrangThaiHoSo")]
    pub status: i32,
    /// 1 in person, 2 online, 3 by public post.
    #[serde(rename = "KenhThucHien")]
    pub channel: i32,
    /// The agency holding it now.
    #[serde(rename = "DonViXuLy")]
    pub agency: String,
    #[serde(rename = "NgayKetThucXuLy")]
    pub finished_at: String,
    #[serde(rename = "NgayTra")]
    pub returned_at: String,
}

/// One step of a dossier's progress (`CapNhatTienDoHoSoMC`): every status change and every
/// handover, with who, where and when (ND 224/2026 Điều 15.1.g: the agency, the person, the times).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProgressItem {
    #[serde(rename = "MaHoSo")]
    pub code: String,
    #[serde(rename = "NguoiXuLy")]
    pub handler: String,
    #[serde(rename = "ChucDanh")]
    pub title: String,
    #[serde(rename = "ThoiDiemXuLy")]
    pub at: String,
    /// The agency and, inside it, the department now holding the dossier.
    #[serde(rename = "DonViXuLy")]
    pub agency: String,
    #[serde(rename = "PhongBanXuLy")]
    pub department: String,
    #[serde(rename = "NoiDungXuLy")]
    pub what: String,
    #[serde(rename = "TrangThai")]
    pub status: i32,
    #[serde(rename = "NgayBatDau")]
    pub step_started_at: String,
    #[serde(rename = "NgayKetThucTheoQuyDinh")]
    pub step_due_at: String,
}

/// What one delivery carries.
#[derive(Debug, Clone, PartialEq)]
pub enum PortalItem {
    Record(RecordItem),
    Progress(ProgressItem),
}

/// One item to deliver, with the agency it speaks for (`madonvi`) and the key the portal may drop a
/// repeat by (the same on every attempt of the same item).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub idempotency_key: String,
    pub agency: String,
    pub item: PortalItem,
}

/// An HTTP request an adapter asks to be sent (the sender is the outbox worker's).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Why a delivery did not land.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalFailure {
    /// Try again later (the portal is down, slow, or answered 5xx).
    #[error("the portal did not take the item, to retry: {0}")]
    Retry(String),
    /// The portal refused this item: retrying the same will not help.
    #[error("the portal refused the item: {0}")]
    Refused(String),
}

/// One operator specification of the portal's exchange.
pub trait PortalAdapter: Send + Sync {
    /// The name `portal.adapter` selects it by.
    fn name(&self) -> &'static str;
    /// The request that delivers `d`.
    fn request(&self, d: &Delivery) -> OutboundRequest;
    /// What the portal's answer (HTTP status and body) means.
    fn read_answer(&self, status: u16, body: &[u8]) -> Result<(), PortalFailure>;
}

/// What the portal is told of a dossier besides its row: its procedure's name and field, and its
/// applicant (personal data the portal keeps as its own user's; never logged here).
pub struct RecordFacts<'a> {
    pub procedure_name: &'a str,
    pub field: &'a str,
    pub applicant: &'a crate::storage::dossiers::ApplicantRow,
}

/// The dossier's record as `DongBoHoSoMC` carries it, as it stood at control-sheet row `at`: its code
/// (the submission's reference until it has one), its times up to then, the row's national status
/// and channel, and the agency the row left it with.
pub fn record_item(
    row: &crate::storage::dossiers::DossierRow,
    f: &RecordFacts<'_>,
    at: &crate::storage::dossiers::EventRow,
) -> RecordItem {
    let by_then = |t: Option<NaiveDateTime>| t.filter(|t| *t <= at.at);
    RecordItem {
        code: row.code_or_reference().to_string(),
        procedure_code: row.procedure_code.clone(),
        procedure_name: f.procedure_name.to_string(),
        field: f.field.to_string(),
        applicant_name: f.applicant.name.clone(),
        applicant_kind: 1,
        applicant_id_number: f.applicant.id_number.clone(),
        phone: f.applicant.phone.clone(),
        email: f.applicant.email.clone().unwrap_or_default(),
        summary: f.procedure_name.to_string(),
        submitted_at: portal_time(Some(row.submitted_at)),
        received_at: portal_time(by_then(row.received_at)),
        due_at: portal_time(by_then(row.received_at).and(row.promised_due_at())),
        status: at.status_code,
        channel: row.channel.national_code(),
        agency: at.to_agency.to_string(),
        finished_at: portal_time(by_then(row.finished_at)),
        returned_at: portal_time(by_then(row.returned_at)),
    }
}

/// One history row of the dossier as `CapNhatTienDoHoSoMC` carries it: who acted (by name, with
/// their role as title), when, where it now is (agency and department) and the step's clock.
pub fn progress_item(
    row: &crate::storage::dossiers::DossierRow,
    e: &crate::storage::dossiers::EventRow,
    handler: &str,
    department: &str,
) -> ProgressItem {
    let what = match e.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(note) => format!("{}: {note}", crate::domain::labels::action_label_vi(&e.action)),
        None => crate::domain::labels::action_label_vi(&e.action).to_string(),
    };
    ProgressItem {
        code: row.code_or_reference().to_string(),
        handler: handler.to_string(),
        title: e.actor_role.label_vi().to_string(),
        at: portal_time(Some(e.at)),
        agency: e.to_agency.to_string(),
        department: department.to_string(),
        what,
        status: e.status_code,
        step_started_at: portal_time(Some(e.at)),
        step_due_at: portal_time(e.step_due_at),
    }
}

/// The adapter the settings name, or None when no `portal.url` is set (nothing is sent). An unknown
/// adapter, or an address that is not http(s), is refused at start.
pub fn adapter_for(s: &crate::configuration::PortalSettings) -> anyhow::Result<Option<Box<dyn PortalAdapter>>> {
    let Some(url) = s.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
    anyhow::ensure!(
        url.starts_with("http://") || url.starts_with("https://"),
        "portal.url must be an http:// or https:// address"
    );
    match s.adapter.as_str() {
        "legacy_json" => Ok(Some(Box::new(legacy_json::LegacyJson { url: url.to_string(), token: s.token.clone() }))),
        other => anyhow::bail!("portal.adapter `{other}` is not known: the adapters are legacy_json"),
    }
}

/// A time as the portal writes it: `yyyyMMddHHmmss` in Vietnam time; empty when there is none.
pub fn portal_time(t: Option<NaiveDateTime>) -> String {
    t.map(|t| to_vietnam(t.and_utc()).format("%Y%m%d%H%M%S").to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::configuration::PortalSettings;

    #[test]
    fn the_settings_choose_the_adapter_and_without_an_address_nothing_is_sent() {
        let none = PortalSettings::default();
        assert!(super::adapter_for(&none).unwrap().is_none());
        let legacy = PortalSettings { url: Some("https://dichvucong.gov.vn/api".into()), ..PortalSettings::default() };
        assert_eq!(super::adapter_for(&legacy).unwrap().unwrap().name(), "legacy_json");
        let unknown = PortalSettings { adapter: "tt04".into(), ..legacy.clone() };
        assert!(super::adapter_for(&unknown).is_err());
        let bad = PortalSettings { url: Some("ftp://x".into()), ..PortalSettings::default() };
        assert!(super::adapter_for(&bad).is_err());
    }

    #[test]
    fn times_are_written_in_vietnam_time_without_separators() {
        let t = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap().and_hms_opt(18, 5, 9).unwrap();
        assert_eq!(super::portal_time(Some(t)), "20260302010509");
        assert_eq!(super::portal_time(None), "");
    }
}
