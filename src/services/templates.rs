//! A procedure's templates (tờ khai, mẫu đơn): administrators attach them to the current version
//! and remove them; anyone downloads them from the procedure's page. A new version of the procedure
//! copies them inside the revision's transaction (`catalogue::revise_procedure_on`); older
//! versions keep their own, as they keep their documents and route.
use chrono::{DateTime, Utc};

use crate::auth::extractor::Who;
use crate::auth::Caller;
use crate::domain::procedure::ProcedureCode;
use crate::domain::template::{self, MAX_TEMPLATES_PER_VERSION};
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::services::catalogue::procedure_key;
use crate::storage::templates::{self as store, TemplateInfo, TemplateRow};
use crate::storage::{self, AnyConnection, Pool};

/// A template as it arrives from an administrator.
#[derive(Debug, Clone)]
pub struct TemplateUpload {
    pub title: String,
    pub form_code: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

fn parse_code(code: &str) -> Result<ProcedureCode, AppError> {
    procedure_key(code, None).map(|(code, _)| code)
}

/// The current version of `code` (id, number), locked for a change of its templates.
fn lock_current_version(conn: &mut AnyConnection, code: &ProcedureCode) -> Result<(String, i32), AppError> {
    let (id, version) = store::current_version(conn, code.as_str())?
        .ok_or_else(|| AppError::new(ErrorCode::ProcedureNotFound, format!("no procedure has the code {code}")))?;
    if !store::lock_current(conn, &id)? {
        return Err(AppError::new(
            ErrorCode::ConcurrentUpdate,
            "a new version of this procedure was created at the same time; try again",
        ));
    }
    Ok((id, version))
}

/// A template just attached, and the number of the version it went to.
#[derive(Debug, Clone)]
pub struct AttachedTemplate {
    pub version: i32,
    pub template: TemplateInfo,
}

/// Attaches a template to the current version of a procedure (administrators).
pub async fn attach(
    pool: &Pool,
    who: impl Into<Who>,
    code: String,
    upload: TemplateUpload,
    now: DateTime<Utc>,
) -> Result<AttachedTemplate, AppError> {
    storage::run_as(pool, who, move |conn, caller| attach_on(conn, &caller, &code, upload, now)).await
}

/// [`attach`] on `conn`: checked (title, form code, name, type, size, signature), then one
/// transaction that locks the version, counts its templates and inserts.
pub fn attach_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    upload: TemplateUpload,
    now: DateTime<Utc>,
) -> Result<AttachedTemplate, AppError> {
    use sha2::Digest;
    caller.require_role(&[Role::Admin])?;
    let code = parse_code(code)?;
    let checked = template::check(
        &upload.title,
        upload.form_code.as_deref(),
        &upload.file_name,
        &upload.content_type,
        &upload.content,
    )?;
    let mut row = TemplateRow {
        procedure_id: String::new(),
        id: uuid::Uuid::now_v7().to_string(),
        title: checked.title,
        form_code: checked.form_code,
        file_name: upload.file_name,
        content_type: checked.kind.content_type().to_string(),
        size_bytes: upload.content.len() as i64,
        sha256: format!("{:x}", sha2::Sha256::digest(&upload.content)),
        content: upload.content,
        created_at: now.naive_utc(),
        created_by: caller.user_id.clone(),
    };
    let version = storage::transaction(conn, |conn| {
        let (id, version) = lock_current_version(conn, &code)?;
        row.procedure_id = id;
        if store::count(conn, &row.procedure_id)? >= MAX_TEMPLATES_PER_VERSION as i64 {
            return Err(AppError::new(
                ErrorCode::TooManyTemplates,
                format!("a procedure version carries at most {MAX_TEMPLATES_PER_VERSION} templates; remove one first"),
            ));
        }
        store::insert(conn, &row)?;
        Ok::<_, AppError>(version)
    })?;
    tracing::info!(admin = %caller.username, procedure = %code, template = %row.id, bytes = row.size_bytes,
        "procedure template attached");
    Ok(AttachedTemplate {
        version,
        template: TemplateInfo {
            id: row.id,
            title: row.title,
            form_code: row.form_code,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            created_at: row.created_at,
        },
    })
}

/// Removes a template from the current version of a procedure (administrators); earlier
/// versions keep theirs.
pub async fn remove(pool: &Pool, who: impl Into<Who>, code: String, id: String) -> Result<(), AppError> {
    storage::run_as(pool, who, move |conn, caller| remove_on(conn, &caller, &code, &id)).await
}

/// [`remove`] on `conn`.
pub fn remove_on(conn: &mut AnyConnection, caller: &Caller, code: &str, id: &str) -> Result<(), AppError> {
    caller.require_role(&[Role::Admin])?;
    let code = parse_code(code)?;
    storage::transaction(conn, |conn| {
        let (version, _) = lock_current_version(conn, &code)?;
        if !store::delete(conn, &version, id)? {
            return Err(not_found(&code));
        }
        Ok::<_, AppError>(())
    })?;
    tracing::info!(admin = %caller.username, procedure = %code, template = %id, "procedure template removed");
    Ok(())
}

/// A template of a procedure, with its content (public): of the current version, or of `version`.
pub async fn download(pool: &Pool, code: String, version: Option<i64>, id: String) -> Result<TemplateRow, AppError> {
    storage::run(pool, move |conn| {
        let (code, version) = procedure_key(&code, version)?;
        store::find(conn, code.as_str(), version, &id)?.ok_or_else(|| not_found(&code))
    })
    .await
}

fn not_found(code: &ProcedureCode) -> AppError {
    AppError::new(ErrorCode::TemplateNotFound, format!("this version of procedure {code} has no template with this id"))
}
