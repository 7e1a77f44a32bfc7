//! Dossiers submitted on the national portal, delivered to motcua (issue 15, item 3):
//! `POST /api/v1/portal/dossiers` with a `DongBoHoSoMC`-shaped item. The dossier keeps the portal's
//! `MaHoSo` (an external code), waits at status 1 in the receiving centre's inbox with its files,
//! and is received, supplemented, refused and returned like any online dossier (each step goes
//! back to the portal through the outbox). A repeated delivery of a `MaHoSo` answers with the same
//! dossier; bad input stores nothing.
use base64::Engine;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use crate::auth::Caller;
use crate::domain::attachment::{check_name, check_upload, MAX_FILE_BYTES};
use crate::domain::dossier::{Channel, DossierCode};
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::services::dossiers::{
    intake_on, Intake, IntakeInput, Links, MinistryDossier, PortalOrigin, SubmissionPolicy, Upload,
};
use crate::storage::dossiers::{self as store, Named};
use crate::storage::{self, Pool};

/// A dossier as the portal sends it: the legacy `DongBoHoSoMC` item's fields (regulations.md §7.2),
/// with two additions the legacy list lacks: the applicant's address (`DiaChi`) and a file's
/// content inline (`TaiLieuNop[].NoiDungTep`, base64). Other fields of the item are accepted and
/// not kept.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InboundItem {
    /// The portal's dossier code: this dossier's code here.
    #[serde(rename = "MaHoSo")]
    pub code: Option<String>,
    #[serde(rename = "MaTTHC")]
    pub procedure_code: Option<String>,
    /// The receiving agency (QCVN 102 code).
    #[serde(rename = "DonViXuLy")]
    pub agency: Option<String>,
    #[serde(rename = "ChuHoSo")]
    pub applicant_name: Option<String>,
    #[serde(rename = "MaDoiTuong")]
    pub applicant_id_number: Option<String>,
    #[serde(rename = "SoDienThoai")]
    pub phone: Option<String>,
    #[serde(rename = "Email")]
    pub email: Option<String>,
    #[serde(rename = "DiaChi")]
    pub address: Option<String>,
    /// When the applicant submitted, `yyyyMMddHHmmss` in Vietnam time.
    #[serde(rename = "NgayNopHoSo")]
    pub submitted_at: Option<String>,
    #[serde(rename = "TaiLieuNop", default)]
    pub documents: Vec<InboundFile>,
    /// A ministry's feed only (the dossier was handled there): the ministry's system, e.g.
    /// `bo-cong-an`. With it, the item is imported for the statistics, never processed here.
    pub source: Option<String>,
    /// A ministry's feed: received, due, the status 1–10, finished, returned, and the channel (1 in
    /// person, 2 online, 3 by post).
    #[serde(rename = "NgayTiepNhan")]
    pub received_at: Option<String>,
    #[serde(rename = "NgayHenTra")]
    pub due_at: Option<String>,
    #[serde(rename = "TrangThaiHoSo")]
    pub status: Option<i32>,
    #[serde(rename = "NgayKetThucXuLy")]
    pub finished_at: Option<String>,
    #[serde(rename = "NgayTra")]
    pub returned_at: Option<String>,
    #[serde(rename = "KenhThucHien")]
    pub channel: Option<i32>,
}

/// One file of a portal dossier: inline (base64) or at an address on the portal.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InboundFile {
    #[serde(rename = "TenTepDinhKem")]
    pub file_name: Option<String>,
    /// The content, base64 (standard alphabet).
    #[serde(rename = "NoiDungTep")]
    pub content_base64: Option<String>,
    /// An address on the portal (same scheme, host and port as `portal.url`) to fetch it from.
    #[serde(rename = "DuongDanTaiTepTin")]
    pub url: Option<String>,
}

/// What the portal is answered: the dossier's code here (its own `MaHoSo`), its reference, status,
/// and whether this delivery created it (false: a repeat, the same dossier).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct InboundReceipt {
    pub code: String,
    pub reference: String,
    pub status_code: i32,
    pub created: bool,
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidPortalItem, message)
}

fn required<'a>(value: &'a Option<String>, field: &str) -> Result<&'a str, AppError> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).ok_or_else(|| invalid(format!("{field} is required")))
}

/// A portal time (`yyyyMMddHHmmss`, Vietnam time) as UTC.
pub fn parse_portal_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").ok()?;
    naive.and_local_timezone(crate::domain::calendar::vietnam()).single().map(|t| t.with_timezone(&Utc))
}

/// An item checked at the boundary, files still to read.
pub struct Checked {
    pub code: DossierCode,
    pub submitted_at: DateTime<Utc>,
    pub input: IntakeInput,
    pub files: Vec<InboundFile>,
}

/// Checks the item's fields (nothing is read or written yet).
pub fn check(item: InboundItem, now: DateTime<Utc>) -> Result<Checked, AppError> {
    let raw = required(&item.code, "MaHoSo")?;
    let code = DossierCode::parse(raw).map_err(|e| invalid(format!("MaHoSo `{raw}` is not a dossier code: {e}")))?;
    let when = required(&item.submitted_at, "NgayNopHoSo")?;
    let submitted_at = parse_portal_time(when)
        .ok_or_else(|| invalid(format!("NgayNopHoSo `{when}` is not a time written yyyyMMddHHmmss")))?;
    if submitted_at > now {
        return Err(invalid(format!("NgayNopHoSo `{when}` is later than now")));
    }
    if item.documents.len() > crate::domain::attachment::MAX_FILES_PER_DOSSIER as usize {
        return Err(invalid("TaiLieuNop lists more files than a dossier carries"));
    }
    let mut names = Vec::new();
    for (i, f) in item.documents.iter().enumerate() {
        let name = required(&f.file_name, &format!("TaiLieuNop[{i}].TenTepDinhKem"))?;
        check_name(name).map_err(AppError::from)?;
        if f.content_base64.is_some() == f.url.is_some() {
            return Err(invalid(format!(
                "TaiLieuNop[{i}] carries either NoiDungTep or DuongDanTaiTepTin, one of them"
            )));
        }
        names.push(name.to_string());
    }
    let input = IntakeInput {
        procedure_code: required(&item.procedure_code, "MaTTHC")?.to_string(),
        channel: Channel::Online.as_str().to_string(),
        agency_code: Some(required(&item.agency, "DonViXuLy")?.to_string()),
        name: required(&item.applicant_name, "ChuHoSo")?.to_string(),
        id_number: required(&item.applicant_id_number, "MaDoiTuong")?.to_string(),
        phone: required(&item.phone, "SoDienThoai")?.to_string(),
        email: item.email.clone().filter(|e| !e.trim().is_empty()),
        address: required(&item.address, "DiaChi")?.to_string(),
        documents: names,
        notify_by: Some("none".into()),
    };
    Ok(Checked { code, submitted_at, input, files: item.documents })
}

/// An optional portal time, checked (empty is none).
fn optional_time(value: &Option<String>, field: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(raw) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let t = parse_portal_time(raw)
        .ok_or_else(|| invalid(format!("{field} `{raw}` is not a time written yyyyMMddHHmmss")))?;
    if t > now {
        return Err(invalid(format!("{field} `{raw}` is later than now")));
    }
    Ok(Some(t))
}

/// A ministry feed's item (one with `source`, or any item of `motcua portal import`), checked.
pub fn ministry_dossier(item: &InboundItem, source: &str, now: DateTime<Utc>) -> Result<MinistryDossier, AppError> {
    let raw = required(&item.code, "MaHoSo")?;
    let code = DossierCode::parse(raw).map_err(|e| invalid(format!("MaHoSo `{raw}` is not a dossier code: {e}")))?;
    let procedure = crate::domain::ProcedureCode::parse(required(&item.procedure_code, "MaTTHC")?)
        .map_err(|e| AppError::new(ErrorCode::InvalidProcedureCode, e.to_string()))?;
    let agency = crate::domain::AgencyCode::parse(required(&item.agency, "DonViXuLy")?)
        .map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))?;
    let status = item
        .status
        .and_then(crate::domain::dossier::Status::from_national_code)
        .ok_or_else(|| invalid("TrangThaiHoSo is a national status code 1–10 (6, waiting for a fee, is not taken)"))?;
    let channel = match item.channel {
        None | Some(1) => Channel::Direct,
        Some(2) => Channel::Online,
        Some(3) => Channel::Postal,
        Some(_) => return Err(invalid("KenhThucHien is 1 (in person), 2 (online) or 3 (by post)")),
    };
    let submitted_at = optional_time(&item.submitted_at, "NgayNopHoSo", now)?;
    let received_at = optional_time(&item.received_at, "NgayTiepNhan", now)?;
    // A due date lies ahead of its day: only its form is checked.
    let due_at = match item.due_at.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(raw) => Some(
            parse_portal_time(raw)
                .ok_or_else(|| invalid(format!("NgayHenTra `{raw}` is not a time written yyyyMMddHHmmss")))?,
        ),
        None => None,
    };
    let finished_at = optional_time(&item.finished_at, "NgayKetThucXuLy", now)?;
    let returned_at = optional_time(&item.returned_at, "NgayTra", now)?;
    if status != crate::domain::dossier::Status::Submitted && received_at.is_none() {
        return Err(invalid("NgayTiepNhan is required once a dossier is past status 1"));
    }
    Ok(MinistryDossier {
        source: crate::services::dossiers::source_of(source)?,
        code,
        procedure,
        agency,
        channel,
        status,
        applicant_name: item.applicant_name.clone().unwrap_or_default().trim().chars().take(200).collect(),
        submitted_at: submitted_at.or(received_at).ok_or_else(|| invalid("NgayNopHoSo is required"))?,
        received_at,
        due_at,
        finished_at,
        returned_at,
    })
}

/// The origin (scheme, host, port) of an http(s) address.
fn origin(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    Some(&url[..url.len() - rest.len() + host_end])
}

/// Reads each file (decoded, or fetched from the portal) and checks it like an upload.
pub async fn read_files(
    files: &[InboundFile],
    portal_url: Option<&str>,
    client: &reqwest::Client,
) -> Result<Vec<Upload>, AppError> {
    let mut uploads = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let name = f.file_name.as_deref().unwrap_or_default().trim().to_string();
        let content = match (&f.content_base64, &f.url) {
            (Some(b64), _) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| invalid(format!("TaiLieuNop[{i}].NoiDungTep is not base64")))?,
            (None, Some(url)) => fetch(url, portal_url, client, i).await?,
            (None, None) => unreachable!("checked: one of them"),
        };
        let kind = check_name(&name).map_err(AppError::from)?;
        check_upload(&name, kind.content_type(), &content).map_err(AppError::from)?;
        uploads.push(Upload { file_name: name, content_type: kind.content_type().to_string(), content });
    }
    Ok(uploads)
}

/// Fetches a file from the portal: only from the portal's own origin (an address elsewhere would
/// let a caller make this system fetch anything), at most a file's size.
async fn fetch(url: &str, portal_url: Option<&str>, client: &reqwest::Client, i: usize) -> Result<Vec<u8>, AppError> {
    let unavailable = |why: String| AppError::new(ErrorCode::PortalFileUnavailable, why);
    let allowed = portal_url.and_then(origin);
    if allowed.is_none() || origin(url) != allowed {
        return Err(unavailable(format!(
            "TaiLieuNop[{i}].DuongDanTaiTepTin is not an address on the portal ({})",
            allowed.unwrap_or("no portal.url is set")
        )));
    }
    let mut answer =
        client.get(url).send().await.map_err(|e| unavailable(format!("TaiLieuNop[{i}] could not be fetched: {e}")))?;
    if !answer.status().is_success() {
        return Err(unavailable(format!("TaiLieuNop[{i}]: the portal answered {}", answer.status())));
    }
    let mut content = Vec::new();
    while let Some(chunk) = answer.chunk().await.map_err(|e| unavailable(format!("TaiLieuNop[{i}] broke off: {e}")))? {
        content.extend_from_slice(&chunk);
        if content.len() > MAX_FILE_BYTES {
            return Err(AppError::from(crate::domain::attachment::AttachmentError::TooLarge));
        }
    }
    Ok(content)
}

/// The portal, filing a dossier on its applicant's behalf (no account of this system).
fn portal_caller() -> Caller {
    Caller {
        user_id: String::new(),
        username: crate::services::dossiers::PORTAL_UPLOADER.into(),
        role: Role::Citizen,
        agency: None,
    }
}

/// Files the checked dossier in one transaction, or answers with the one already filed under its
/// code (a repeated delivery, even two at once).
pub async fn file(
    pool: &Pool,
    links: &Links,
    checked: Checked,
    uploads: Vec<Upload>,
    at: DateTime<Utc>,
) -> Result<InboundReceipt, AppError> {
    let caller = portal_caller();
    let code = checked.code.to_string();
    let intake = Intake::parse(&caller, checked.input)?.from_portal(PortalOrigin {
        code: checked.code,
        submitted_at: checked.submitted_at,
        files: uploads,
    });
    let links = links.clone();
    storage::run(pool, move |conn| {
        let existing = |conn: &mut storage::AnyConnection| -> Result<Option<InboundReceipt>, AppError> {
            Ok(store::find_with_context(conn, Named::Code(&code))?.map(|ctx| InboundReceipt {
                code: code.clone(),
                reference: ctx.row.reference.to_string(),
                status_code: ctx.row.status_code,
                created: false,
            }))
        };
        if let Some(receipt) = existing(conn)? {
            return Ok(receipt);
        }
        match intake_on(conn, &links, SubmissionPolicy::default(), &caller, intake, at) {
            Ok(record) => {
                tracing::info!(dossier = %code, "dossier delivered by the national portal");
                Ok(InboundReceipt {
                    code: code.clone(),
                    reference: record.row.reference.to_string(),
                    status_code: record.row.status_code,
                    created: true,
                })
            }
            // Two deliveries of one code at once: the other one filed it.
            Err(e) => existing(conn)?.ok_or(e),
        }
    })
    .await
}

/// Imports one ministry dossier (its own transaction); answers as the portal's door does.
pub async fn import(pool: &Pool, item: MinistryDossier, at: DateTime<Utc>) -> Result<InboundReceipt, AppError> {
    storage::run(pool, move |conn| {
        let (outcome, reference) = crate::services::dossiers::import_on(conn, &item, at)?;
        Ok(InboundReceipt {
            code: item.code.to_string(),
            reference,
            status_code: item.status.national_code(),
            created: outcome == crate::services::dossiers::Imported::Created,
        })
    })
    .await
}

/// A feed file's items: a JSON array of items, or CSV with a header row of the items' field
/// names (`MaHoSo,MaTTHC,DonViXuLy,NgayNopHoSo,NgayTiepNhan,NgayHenTra,TrangThaiHoSo,…`).
pub fn read_feed(text: &str) -> Result<Vec<InboundItem>, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        return serde_json::from_str(trimmed).map_err(|e| format!("the JSON feed is not an array of items: {e}"));
    }
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(trimmed.as_bytes());
    reader
        .deserialize::<InboundItem>()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| format!("line {}: {e}", i + 2)))
        .collect()
}
