//! Files attached to a dossier: checked for name, type, size and content, stored with their
//! SHA-256 in the database (so every instance serves them).
use chrono::{DateTime, Utc};

use super::{find_readable, find_writable, is_owner, lock_unchanged, parse_code};
use crate::auth::extractor::Who;
use crate::auth::Caller;
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers as store;
use crate::storage::{self, AnyConnection, Pool};

/// A file to attach, as it arrives from outside.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Attaches a file to a dossier (staff of the agency holding it, or the owner), checked for name, type, size
/// and content, with its SHA-256. Files live in the database, so every instance serves them.
pub async fn attach(
    pool: &Pool,
    who: impl Into<Who>,
    code: String,
    upload: Upload,
    at: DateTime<Utc>,
) -> Result<store::FileInfo, AppError> {
    storage::run_as(pool, who, move |conn, caller| attach_on(conn, &caller, &code, upload, at)).await
}

/// [`attach`] on `conn`.
pub fn attach_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    upload: Upload,
    at: DateTime<Utc>,
) -> Result<store::FileInfo, AppError> {
    use crate::domain::attachment::{check_upload, MAX_FILES_PER_DOSSIER};
    use sha2::Digest;
    let code = parse_code(code)?;
    let kind = check_upload(&upload.file_name, &upload.content_type, &upload.content)?;
    let sha256 = format!("{:x}", sha2::Sha256::digest(&upload.content));
    let row = find_writable(conn, caller, &code)?.row;
    // Reading is wider than adding: a leader or administrator sees the province's dossiers but
    // only the agency holding one (and its applicant) adds to it.
    let holds = caller.agency.as_ref() == Some(&row.current_agency);
    if !holds && !is_owner(caller, &row) {
        return Err(AppError::new(
            ErrorCode::OutOfScope,
            "only the agency holding this dossier, or its applicant, may add files to it",
        ));
    }
    if !row.status.is_open() {
        return Err(AppError::new(ErrorCode::DossierClosed, "files cannot be added to a closed dossier"));
    }
    let file = store::FileRow {
        id: uuid::Uuid::now_v7().to_string(),
        dossier_id: row.id.clone(),
        file_name: upload.file_name,
        content_type: kind.content_type().to_string(),
        size_bytes: upload.content.len() as i64,
        sha256,
        content: upload.content,
        uploaded_at: at.naive_utc(),
        uploaded_by: caller.user_id.clone(),
    };
    crate::storage::transaction(conn, |conn| {
        // Lock the dossier row first (a write), then count: two uploads cannot both pass the limit.
        lock_unchanged(conn, &row)?;
        if store::files(conn, &row.id)?.len() as i64 >= MAX_FILES_PER_DOSSIER {
            return Err(AppError::new(
                ErrorCode::TooManyFiles,
                format!("a dossier carries at most {MAX_FILES_PER_DOSSIER} files"),
            ));
        }
        store::insert_file(conn, &file)?;
        Ok(())
    })?;
    tracing::info!(dossier = %code, file_id = %file.id, bytes = file.size_bytes, "file attached");
    Ok(store::FileInfo {
        id: file.id,
        file_name: file.file_name,
        content_type: file.content_type,
        size_bytes: file.size_bytes,
        sha256: file.sha256,
        uploaded_at: file.uploaded_at,
    })
}

/// A file of a dossier, for whoever may read the dossier; a staff download is recorded
/// (`services::accesses`, kind `file`, with the file's name) on the same check-out.
pub async fn download(
    pool: &Pool,
    who: impl Into<Who>,
    code: String,
    file_id: String,
    at: DateTime<Utc>,
) -> Result<store::FileRow, AppError> {
    storage::run_as(pool, who, move |conn, caller| download_on(conn, &caller, &code, &file_id, at)).await
}

/// [`download`] on `conn`.
pub fn download_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    file_id: &str,
    at: DateTime<Utc>,
) -> Result<store::FileRow, AppError> {
    let code = parse_code(code)?;
    let row = find_readable(conn, caller, &code)?.row;
    let file = store::file(conn, &row.id, file_id)?
        .ok_or_else(|| AppError::new(ErrorCode::FileNotFound, "this dossier has no such file"))?;
    let kind = crate::domain::access::AccessKind::File;
    crate::services::accesses::record(conn, caller, &[row.id], kind, Some(file.file_name.clone()), at)?;
    Ok(file)
}
