//! Files over HTTP, for every kind the application stores (dossier files, procedure templates):
//! reading an uploaded body within the size limit, and sending a file for download under its name.
use actix_web::{web, HttpResponse, HttpResponseBuilder};
use futures_util::StreamExt;

use crate::domain::attachment::MAX_FILE_BYTES;
use crate::error::{AppError, ErrorCode};

/// Reads an upload's raw body: at most [`MAX_FILE_BYTES`], refused as soon as it grows past it.
pub async fn read_body(mut payload: web::Payload) -> Result<Vec<u8>, AppError> {
    let mut content = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::new(ErrorCode::UploadInterrupted, format!("the upload broke off: {e}")))?;
        if content.len() + chunk.len() > MAX_FILE_BYTES {
            return Err(AppError::PayloadTooLarge("the file is larger than 10 MiB".into()));
        }
        content.extend_from_slice(&chunk);
    }
    Ok(content)
}

/// The type an upload declares in its `Content-Type` header ("" when none or unreadable).
pub fn declared_type(req: &actix_web::HttpRequest) -> String {
    req.headers().get(actix_web::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// The header `Content-Disposition: attachment` with the file's name: an ASCII fallback for old
/// clients and the exact name, Vietnamese letters included, as RFC 6266 `filename*=UTF-8''…`.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", crate::http::pages::percent_encode(file_name))
}

/// A 200 that sends a file for download (the body follows); `nosniff` is on every answer already.
pub fn download(content_type: &str, file_name: &str) -> HttpResponseBuilder {
    let mut b = HttpResponse::Ok();
    b.content_type(content_type.to_string()).insert_header(("Content-Disposition", content_disposition(file_name)));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vietnamese_name_survives_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition("Tờ khai 01.docx"),
            "attachment; filename=\"T__khai_01.docx\"; filename*=UTF-8''T%E1%BB%9D%20khai%2001.docx"
        );
    }
}
