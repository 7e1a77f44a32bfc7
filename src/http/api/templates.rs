//! A procedure's templates (tờ khai, mẫu đơn): download for anyone; attach and remove for
//! administrators (the current version).
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dossiers::{rfc3339, FileContent};
use super::procedures::VersionParams;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::context::AppContext;
use crate::services::templates::{self, TemplateUpload};
use crate::storage::templates::TemplateInfo;

/// A template of a procedure version, without its content.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TemplateView {
    pub id: String,
    /// What the form is, e.g. "Tờ khai đăng ký khai sinh".
    pub title: String,
    /// The form's own number where it has one, e.g. "Mẫu số 01".
    pub form_code: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub attached_at: String,
    /// Where to download it (this version's).
    pub download: String,
}

impl TemplateView {
    pub fn new(code: &str, version: i32, t: TemplateInfo) -> Self {
        Self {
            download: format!("/api/v1/procedures/{code}/templates/{}?version={version}", t.id),
            id: t.id,
            title: t.title,
            form_code: t.form_code,
            file_name: t.file_name,
            content_type: t.content_type,
            size_bytes: t.size_bytes,
            attached_at: rfc3339(t.created_at),
        }
    }
}

/// Download a template of a procedure: of the current version, or of `?version=N`.
#[utoipa::path(get, path = "/api/v1/procedures/{code}/templates/{id}", tag = "catalogue",
    params(("code" = String, Path), ("id" = String, Path), VersionParams),
    responses((status = 200, description = "The template, with the type of its kind",
               content((inline(FileContent) = "application/pdf"), (inline(FileContent) = "application/msword"),
                       (inline(FileContent) = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                       (inline(FileContent) = "application/vnd.ms-excel"),
                       (inline(FileContent) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                       (inline(FileContent) = "application/vnd.oasis.opendocument.text"),
                       (inline(FileContent) = "application/vnd.oasis.opendocument.spreadsheet"))),
              (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn download(
    ctx: web::Data<AppContext>,
    path: web::Path<(String, String)>,
    params: web::Query<VersionParams>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    let t = templates::download(&ctx.pool, code, params.version, id).await?;
    Ok(crate::http::files::download(&t.content_type, &t.file_name).body(t.content))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TemplateParams {
    /// What the form is, 1–200 characters, e.g. "Tờ khai đăng ký khai sinh".
    pub title: String,
    /// The form's own number, at most 50 characters, e.g. "Mẫu số 01".
    pub form_code: Option<String>,
}

/// Administrators: attach a template to the current version of a procedure. The body is the file
/// (PDF, Word, Excel or OpenDocument, at most 10 MiB, whose first bytes match its extension);
/// `Content-Type` is its type or `application/octet-stream`. At most 20 per version; a new version
/// of the procedure copies them. Errors: `invalid_template_title`, `unsupported_template_type`,
/// `invalid_file_name`, `content_type_mismatch`, `content_mismatch`, `empty_file` (400);
/// `procedure_not_found` (404); `too_many_templates`, `concurrent_update` (409); 413 past 10 MiB.
#[utoipa::path(put, path = "/api/v1/admin/procedures/{code}/templates/{file_name}", tag = "administration",
    params(("code" = String, Path), ("file_name" = String, Path), TemplateParams), security(("bearer" = [])),
    request_body(content((inline(FileContent) = "application/octet-stream"), (inline(FileContent) = "application/pdf"))),
    responses((status = 201, body = TemplateView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)))]
pub async fn attach(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<TemplateParams>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (code, file_name) = path.into_inner();
    let content_type = crate::http::files::declared_type(&req);
    let content = crate::http::files::read_body(payload).await?;
    let p = params.into_inner();
    let upload = TemplateUpload { title: p.title, form_code: p.form_code, file_name, content_type, content };
    let a = templates::attach(&ctx.pool, caller, code.clone(), upload, ctx.clock.now()).await?;
    Ok(HttpResponse::Created().json(TemplateView::new(&code, a.version, a.template)))
}

/// Administrators: remove a template from the current version of a procedure (earlier versions
/// keep theirs). Errors: `procedure_not_found`, `template_not_found` (404); `concurrent_update` (409).
#[utoipa::path(delete, path = "/api/v1/admin/procedures/{code}/templates/{id}", tag = "administration",
    params(("code" = String, Path), ("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn remove(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    templates::remove(&ctx.pool, caller, code, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
