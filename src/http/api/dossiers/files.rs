//! A dossier's attached files: upload and download, and the schema of their bytes.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};

use super::views::{rfc3339, FileView};
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::dossiers;

/// The bytes of a file: the body of an upload, or of a download.
pub struct FileContent;

impl utoipa::PartialSchema for FileContent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileContent {}

/// Attach a file (PDF, JPEG or PNG, at most 10 MiB): the body is the file, `Content-Type` its type.
#[utoipa::path(put, path = "/api/v1/dossiers/{code}/files/{file_name}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path), ("file_name" = String, Path)),
    request_body(content((inline(FileContent) = "application/pdf"), (inline(FileContent) = "image/jpeg"),
                         (inline(FileContent) = "image/png"))),
    responses((status = 201, body = FileView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)))]
pub async fn upload(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    req: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (code, file_name) = path.into_inner();
    let content_type = crate::http::files::declared_type(&req);
    let content = crate::http::files::read_body(payload).await?;
    let upload = dossiers::Upload { file_name, content_type, content };
    let f = dossiers::attach(&ctx.pool, caller, code, upload, ctx.clock.now()).await?;
    Ok(HttpResponse::Created().json(FileView {
        id: f.id,
        file_name: f.file_name,
        content_type: f.content_type,
        size_bytes: f.size_bytes,
        sha256: f.sha256,
        uploaded_at: rfc3339(f.uploaded_at),
    }))
}

/// Download an attached file.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/files/{id}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "The file, with the type it was uploaded as",
               content((inline(FileContent) = "application/pdf"), (inline(FileContent) = "image/jpeg"),
                       (inline(FileContent) = "image/png"))),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn download(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, id) = path.into_inner();
    let f = dossiers::download(&ctx.pool, caller, code, id, ctx.clock.now()).await?;
    Ok(crate::http::files::download(&f.content_type, &f.file_name)
        .insert_header(("X-Content-SHA256", f.sha256))
        .body(f.content))
}
