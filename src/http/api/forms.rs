//! Printable forms 01–06 of TT 01/2018/TT-VPCP.
use crate::http::context::AppContext;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Datelike;

use crate::auth::extractor::Unverified;
use crate::error::{AppError, ErrorCode};
use crate::forms;
use crate::services::dossiers;

/// A printable form: HTML whose one script is its print button (see `boundary::PRINTABLE_CSP`).
fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CONTENT_SECURITY_POLICY, crate::http::boundary::PRINTABLE_CSP))
        .body(body)
}

fn missing(form: &str, what: &str) -> AppError {
    AppError::new(ErrorCode::FormNotFound, format!("form {form} does not apply: this dossier has no {what}"))
}

/// GET /api/v1/dossiers/{code}/forms/{form}: forms 01–05 as printable A5 HTML.
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/forms/{form}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path), ("form" = String, Path, description = "01 receipt, 02 supplement request, 03 refusal, 04 apology, 05 control sheet")),
    responses((status = 200, description = "The form as printable HTML", content_type = "text/html", body = String),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn form(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let ((code, form), now) = (path.into_inner(), ctx.clock.now());
    // One trip: the account check, then the form asked for, then the dossier.
    let (r, form) = crate::storage::run_as(&ctx.pool, caller, move |conn, caller| {
        if !["01", "02", "03", "04", "05"].contains(&form.as_str()) {
            return Err(AppError::new(
                ErrorCode::FormNotFound,
                "forms 01–05 belong to a dossier; form 06 is GET /api/v1/agencies/{code}/tracking-book",
            ));
        }
        Ok((dossiers::load_record(conn, &caller, &dossiers::parse_code(&code)?, now)?, form))
    })
    .await?;
    // TT 01/2018 Điều 19: the forms carry the dossier code, which is issued at receipt.
    let Some(code) = r.row.code.clone() else {
        return Err(AppError::new(
            ErrorCode::NotReceivedYet,
            format!("dossier {} has not been received yet: its forms exist once a clerk receives it", r.row.reference),
        ));
    };
    let info = req.connection_info();
    let lookup_url = format!("{}://{}/tra-cuu/{}", info.scheme(), info.host(), code);
    Ok(html(match form.as_str() {
        "01" => forms::receipt(&r, &lookup_url),
        "02" => forms::supplement(&r).ok_or_else(|| missing("02", "supplement request"))?,
        "03" => forms::refusal(&r).ok_or_else(|| missing("03", "refusal"))?,
        "04" => forms::apology(&r).ok_or_else(|| missing("04", "apology"))?,
        _ => forms::control_sheet(&r),
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BookParams {
    /// Default: this year in Vietnam.
    pub year: Option<i32>,
}

/// GET /api/v1/agencies/{code}/tracking-book?year=YYYY: form 06 as printable A4 HTML.
#[utoipa::path(get, path = "/api/v1/agencies/{code}/tracking-book", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path), BookParams),
    responses((status = 200, description = "The tracking book as printable HTML", content_type = "text/html", body = String),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn tracking_book(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    code: web::Path<String>,
    params: web::Query<BookParams>,
) -> Result<HttpResponse, AppError> {
    let year = params.year.unwrap_or_else(|| crate::domain::calendar::to_vietnam(ctx.clock.now()).year());
    let (agency, lines) = dossiers::tracking_book(&ctx.pool, caller, code.into_inner(), year).await?;
    Ok(html(forms::tracking_book(&agency, year, &lines)))
}
