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
use crate::services::dossiers::{intake_on, Intake, IntakeInput, Links, PortalOrigin, SubmissionPolicy, Upload};
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
