//! Reading a `multipart/form-data` form (pages that take files: online submission, a citizen's
//! added files, an administrator's procedure templates): text fields as pairs, files with their
//! names and declared types, each within its limit.
use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::domain::attachment::MAX_FILE_BYTES;
use crate::error::AppError;
use crate::services::dossiers::Upload;

/// At most this many files with one form, and this many bytes in all.
const MAX_FILES: usize = 10;
const MAX_TOTAL_BYTES: usize = 40 * 1024 * 1024;

/// Reads the multipart form: text fields as pairs, and the files.
pub async fn read_form(mut payload: Multipart) -> Result<(Vec<(String, String)>, Vec<Upload>), AppError> {
    let mut pairs = vec![];
    let mut files = vec![];
    let mut total = 0usize;
    while let Some(item) = payload.next().await {
        let mut field = item.map_err(|e| {
            AppError::new(crate::error::ErrorCode::UploadInterrupted, format!("the form could not be read: {e}"))
        })?;
        let name = field.content_disposition().and_then(|c| c.get_name()).unwrap_or_default().to_string();
        let file_name = field.content_disposition().and_then(|c| c.get_filename()).map(str::to_string);
        let content_type = field.content_type().map(|m| m.essence_str().to_string()).unwrap_or_default();
        let limit = if file_name.is_some() { MAX_FILE_BYTES + 1 } else { 64 * 1024 };
        let mut content = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| {
                AppError::new(crate::error::ErrorCode::UploadInterrupted, format!("the upload broke off: {e}"))
            })?;
            if content.len() + chunk.len() > limit {
                return Err(if file_name.is_some() {
                    AppError::PayloadTooLarge("a file is larger than 10 MiB".into())
                } else {
                    AppError::new(crate::error::ErrorCode::BodyTooLarge, "a form field is too long")
                });
            }
            total += chunk.len();
            if total > MAX_TOTAL_BYTES {
                return Err(AppError::PayloadTooLarge("the files add up to more than 40 MiB".into()));
            }
            content.extend_from_slice(&chunk);
        }
        match file_name {
            // An empty file input sends a part with an empty name and no content.
            Some(f) if f.is_empty() && content.is_empty() => {}
            Some(f) => files.push(Upload { file_name: f, content_type, content }),
            None => {
                let value = String::from_utf8_lossy(&content).into_owned();
                crate::http::boundary::check_field(&name, &value)?;
                pairs.push((name, value))
            }
        }
        if files.len() > MAX_FILES {
            return Err(AppError::new(crate::error::ErrorCode::TooManyFilesAtOnce, "attach at most 10 files"));
        }
    }
    Ok((pairs, files))
}
