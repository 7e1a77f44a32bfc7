//! Printable forms, numbered as the dossier's regime numbers them (TT 01/2018 Mẫu số 01–06, TT
//! 03/2025 Mẫu số 01–07).
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

/// GET /api/v1/dossiers/{code}/forms/{form}: the dossier's forms as printable A5 HTML, numbered by
/// the regime of the day it was received (a dossier of 2024: 05 is the control sheet; of 2026: 05
/// is the stop notice and 06 the control sheet).
#[utoipa::path(get, path = "/api/v1/dossiers/{code}/forms/{form}", tag = "dossiers", security(("bearer" = [])),
    params(("code" = String, Path), ("form" = String, Path, description = "Until 30/06/2025 (TT 01/2018): 01 receipt, 02 supplement request, 03 refusal, 04 apology, 05 control sheet. From 01/07/2025 (TT 03/2025): 01–04 the same, 05 stop notice, 06 control sheet")),
    responses((status = 200, description = "The form as printable HTML", content_type = "text/html", body = String),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn form(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let ((code, form), now) = (path.into_inner(), ctx.clock.now());
    let site = {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    };
    // One trip: the account check, then the form asked for, then the dossier, then the record
    // of the read (issue 17 item 2) once the form is printed.
    let page = crate::storage::run_as(&ctx.pool, caller, move |conn, caller| {
        // A form number is two digits; which form it names is the dossier's regime.
        if form.len() != 2 || !form.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::new(
                ErrorCode::FormNotFound,
                "a form is named by its two-digit number (01–07 as the dossier's regime numbers them)",
            ));
        }
        let r = dossiers::load_record(conn, &caller, &dossiers::parse_code(&code)?, now)?;
        // What the form prints besides the record, read only for a form the regime has.
        let facts = match forms::kind_of(&r, &form) {
            Ok(_) => dossiers::print_facts(conn, &r)?,
            Err(_) => forms::PrintFacts::default(),
        };
        let page = print(&r, &facts, &form, &site)?;
        let title = r.row.regime().form(&form).map(|f| format!("{} {}", f.number, f.title));
        let kind = crate::domain::access::AccessKind::Form;
        crate::services::accesses::record_one(conn, &caller, &r.row.id, kind, title, now)?;
        Ok(page)
    })
    .await?;
    Ok(html(page))
}

/// The form numbered `form` of `r`, with the lookup link of its code on `site`.
fn print(r: &dossiers::DossierRecord, facts: &forms::PrintFacts, form: &str, site: &str) -> Result<String, AppError> {
    // TT 01/2018 Điều 19: the forms carry the dossier code, which is issued at receipt. A dossier
    // turned away at intake has none: its supplement request or refusal names its reference.
    use crate::domain::regime::FormKind;
    let at_intake = matches!(forms::kind_of(r, form), Ok(FormKind::SupplementRequest | FormKind::Refusal));
    let code = match (r.row.code.clone(), at_intake) {
        (Some(code), _) => code,
        (None, true) => r.row.reference.clone(),
        (None, false) => {
            return Err(AppError::new(
                ErrorCode::NotReceivedYet,
                format!(
                    "dossier {} has not been received yet: its forms exist once a clerk receives it",
                    r.row.reference
                ),
            ))
        }
    };
    let lookup_url = format!("{site}/tra-cuu/{code}");
    forms::by_number(r, facts, form, &lookup_url).map_err(|e| AppError::new(ErrorCode::FormNotFound, e.to_string()))
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
    let (agency, lines) = dossiers::tracking_book(&ctx.pool, caller, code.into_inner(), year, ctx.clock.now()).await?;
    Ok(html(forms::tracking_book(&agency, year, &lines)))
}
