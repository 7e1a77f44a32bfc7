//! The boundary every request crosses before any handler, and every response on its way out:
//! - text inputs (the address, the query string, JSON and form bodies) without control characters,
//!   else `400 invalid_text` naming the field (PostgreSQL `text` cannot hold U+0000; SQLite would
//!   store it). Multipart forms are checked where they are read (`pages::citizen`);
//! - response headers: nothing is cached unless the handler says so (`Cache-Control: no-store`:
//!   dossiers, forms, files and pages carry personal data), nothing is framed or sniffed, no
//!   address leaks to other sites, and every HTML page gets a Content-Security-Policy that runs no
//!   script.
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::HttpMessage;
use actix_web::HttpResponse;
use futures_util::StreamExt;

use crate::domain::text::{check_text, ControlCharacter};
use crate::error::{AppError, ErrorCode};
use crate::http::pages::{form_pairs, PageError};

/// The largest JSON or form body read (as `web::JsonConfig`'s limit).
const BODY_LIMIT: usize = 1 << 20;

/// Pages: no script at all; the stylesheet and the pages' own `<style>` blocks and `style`
/// attributes (the dashboard, the printable forms) are allowed; forms post only to this site.
/// `connect-src 'self'` gives no page anything (none runs a script) but lets a script a tester
/// injects through WebDriver fetch this site's downloads (`tests/browser.rs`).
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The printable forms: as pages, plus their one script, the print button's `onclick="window.print()"`,
/// allowed by its hash and nothing else.
pub const PRINTABLE_CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; \
     script-src 'unsafe-hashes' 'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Everything that is not HTML (JSON, files, CSV): loads nothing, framed by nobody.
pub const OTHER_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Fields whose text may span lines (textareas of the pages, and the same fields in JSON).
const MULTILINE_FIELDS: [&str; 10] =
    ["note", "reason", "missing", "other_documents", "comment", "opinion", "task", "plan", "content", "answer"];

/// The middleware (`App::wrap(from_fn(boundary::guard))`).
pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match check_request(&mut req).await {
        Ok(()) => Ok(protect(next.call(req).await?.map_into_boxed_body())),
        Err(e) => {
            let response = if is_api(req.path()) {
                HttpResponse::from_error(e)
            } else {
                HttpResponse::from_error(PageError::App(e))
            };
            // `ServiceResponse::new` keeps the error on the response (for the request log's code);
            // `ServiceRequest::into_response` would drop it.
            Ok(protect(ServiceResponse::new(req.into_parts().0, response)))
        }
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/health"
}

/// What a serde error says is wrong, without the value it quotes (`invalid type: integer
/// `92190001234`, expected a string` → `a value has the wrong type: expected a string`), for the
/// messages of `invalid_body`, `invalid_query`, `invalid_path` and `invalid_form`. Field names of
/// ours are kept; a field name the client made up is kept only when it looks like one; a message
/// of any other shape is kept only when it quotes nothing and holds no digits.
pub fn serde_problem(message: &str) -> String {
    static POSITION: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r" at line \d+ column \d+$").expect("a valid pattern"));
    let (msg, at) = match POSITION.find(message) {
        Some(m) => (&message[..m.start()], m.as_str()),
        None => (message, ""),
    };
    let name = |n: &str| {
        if !n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            format!("the field `{n}`")
        } else {
            "a field".to_string()
        }
    };
    let text = if let Some(f) = msg.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        format!("{} is missing", name(f))
    } else if let Some(f) = msg.strip_prefix("duplicate field `").and_then(|m| m.strip_suffix('`')) {
        format!("{} is given twice", name(f))
    } else if let Some(rest) = msg.strip_prefix("unknown field `") {
        match rest.rsplit_once("`, expected ") {
            Some((f, expected)) => format!("{} is not taken here; expected {expected}", name(f)),
            None => format!("{} is not taken here", name(rest.split('`').next().unwrap_or_default())),
        }
    } else if msg.starts_with("unknown variant `") {
        match msg.rsplit_once("`, expected ") {
            Some((_, expected)) => format!("a value is not allowed; expected {expected}"),
            None => "a value is not allowed".to_string(),
        }
    } else if let Some((_, expected)) = msg.strip_prefix("invalid type: ").and_then(|m| m.rsplit_once(", expected ")) {
        format!("a value has the wrong type: expected {expected}")
    } else if let Some((_, expected)) = msg.strip_prefix("invalid value: ").and_then(|m| m.rsplit_once(", expected ")) {
        format!("a value is not allowed: expected {expected}")
    } else if msg.starts_with("invalid length ")
        || (!msg.contains(['`', '"', '\'']) && !msg.chars().any(|c| c.is_ascii_digit()) && msg.len() <= 120)
    {
        msg.to_string()
    } else {
        "a value is not valid".to_string()
    };
    format!("{text}{at}")
}

/// One named text field of a form read elsewhere (the multipart forms), checked as the boundary does.
pub fn check_field(name: &str, value: &str) -> Result<(), AppError> {
    check_text("form", name, false).map_err(invalid_text)?;
    check_text(name, value, MULTILINE_FIELDS.contains(&name)).map_err(invalid_text)
}

fn invalid_text(e: ControlCharacter) -> AppError {
    AppError::new(ErrorCode::InvalidText, e.to_string())
}

async fn check_request(req: &mut ServiceRequest) -> Result<(), AppError> {
    check_text("address", &percent_decode(req.path()), false).map_err(invalid_text)?;
    for (name, value) in form_pairs(req.query_string().as_bytes()) {
        check_text("query", &name, false).map_err(invalid_text)?;
        check_text(&name, &value, false).map_err(invalid_text)?;
    }
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default();
    let json = essence == "application/json" || essence.ends_with("+json");
    let form = essence == "application/x-www-form-urlencoded";
    if !json && !form {
        return Ok(());
    }
    let body = read_body(req, if json { ErrorCode::InvalidJson } else { ErrorCode::InvalidForm }).await?;
    let checked = if json {
        // A body that is not JSON is left to the extractor, which says so (`invalid_json`).
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(value) => check_json(&value, &mut String::new(), false).map_err(invalid_text),
            Err(_) => Ok(()),
        }
    } else {
        form_pairs(&body).iter().try_for_each(|(name, value)| check_field(name, value))
    };
    req.set_payload(Payload::from(body));
    checked
}

/// Reads the whole body (at most [`BODY_LIMIT`]) so it can be checked, then handed on unchanged.
async fn read_body(req: &mut ServiceRequest, unreadable: ErrorCode) -> Result<Bytes, AppError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::new(unreadable, "the body could not be read to its end"))?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(AppError::new(ErrorCode::BodyTooLarge, "the body is larger than 1 MiB"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Every string and key of a JSON document; `path` names the field (`applicant.name`, `missing[1]`).
fn check_json(value: &serde_json::Value, path: &mut String, multiline: bool) -> Result<(), ControlCharacter> {
    use serde_json::Value;
    match value {
        Value::String(s) => check_text(path, s, multiline),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let r = check_json(item, path, multiline);
            path.truncate(len);
            r
        }),
        Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
            check_text(if path.is_empty() { "body" } else { path }, key, false)?;
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let r = check_json(item, path, MULTILINE_FIELDS.contains(&key.as_str()));
            path.truncate(len);
            r
        }),
        _ => Ok(()),
    }
}

/// `%XX` decoded (invalid sequences kept as they are); the result read as UTF-8, lossily.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The headers every response carries (a handler's own `Cache-Control` or CSP is kept).
fn protect(mut res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = res.headers_mut();
    set_default(headers, header::CACHE_CONTROL, "no-store");
    set_default(headers, header::CONTENT_SECURITY_POLICY, if html { PAGE_CSP } else { OTHER_CSP });
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    res
}

fn set_default(headers: &mut HeaderMap, name: header::HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_print_button_is_the_one_script_the_printable_forms_allow() {
        use base64::Engine;
        use sha2::Digest;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(b"window.print()"));
        assert!(PRINTABLE_CSP.contains(&format!("'sha256-{hash}'")), "{hash}");
        assert!(!PAGE_CSP.contains("script-src") && PAGE_CSP.contains("default-src 'none'"));
    }

    #[test]
    fn json_fields_are_named_by_their_path_and_notes_may_span_lines() {
        let body = serde_json::json!({"note": "a\nb\tc", "missing": ["x\ny"], "applicant": {"name": "ok"}});
        assert_eq!(check_json(&body, &mut String::new(), false), Ok(()));
        let body = serde_json::json!({"applicant": {"name": "Hoa", "address": "a\nb"}});
        let e = check_json(&body, &mut String::new(), false).unwrap_err();
        assert_eq!((e.field.as_str(), e.code_point), ("applicant.address", 0x0A));
        let body = serde_json::json!({"documents": ["ok", "a\u{0}b"]});
        assert_eq!(check_json(&body, &mut String::new(), false).unwrap_err().field, "documents[1]");
        assert_eq!(percent_decode("/a%00b/%zz%4"), "/a\u{0}b/%zz%4");
    }

    #[test]
    fn serde_messages_lose_the_values_they_quote() {
        let cases = [
            (
                "invalid type: integer `92190001234`, expected a string at line 1 column 50",
                "a value has the wrong type: expected a string at line 1 column 50",
            ),
            (
                "invalid type: string \"Nguyễn Bí Mật, expected x\", expected u8",
                "a value has the wrong type: expected u8",
            ),
            ("invalid value: string \"0912\", expected a date", "a value is not allowed: expected a date"),
            (
                "unknown variant `Nguyễn`, expected one of `direct`, `online`",
                "a value is not allowed; expected one of `direct`, `online`",
            ),
            (
                "unknown field `ho_ten`, expected one of `name`, `phone`",
                "the field `ho_ten` is not taken here; expected one of `name`, `phone`",
            ),
            ("unknown field `Nguyễn Bí Mật`, expected `name`", "a field is not taken here; expected `name`"),
            ("missing field `applicant`", "the field `applicant` is missing"),
            ("EOF while parsing an object at line 3 column 1", "EOF while parsing an object at line 3 column 1"),
            ("invalid digit found in string", "invalid digit found in string"),
            ("custom: 0912345678 is not allowed", "a value is not valid"),
        ];
        for (message, expected) in cases {
            assert_eq!(serde_problem(message), expected, "{message}");
        }
    }
}
