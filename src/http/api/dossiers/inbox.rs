//! The API's inbox (`GET /api/v1/dossiers`): a page of the open dossiers at the caller's agency,
//! or of a citizen's own dossiers, with its filters.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::views::opt;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::inbox;

#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxEntry {
    /// Null until a clerk receives the dossier.
    pub code: Option<String>,
    pub reference: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The applicant's name, as given at intake.
    pub applicant_name: String,
    /// direct, online or postal.
    pub channel: String,
    pub status: String,
    pub status_code: i32,
    pub received_at: Option<String>,
    pub due_at: Option<String>,
    pub step_due_at: Option<String>,
    pub current_agency: String,
    /// The department of `current_agency` holding it (its key); null: the agency as a whole.
    pub current_department: Option<String>,
}

/// A page of the inbox.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InboxList {
    pub items: Vec<InboxEntry>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// The page size used.
    pub limit: i64,
}

/// The inbox's query parameters; all optional.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Search: dossier code, submission reference, applicant's name (with or without diacritics),
    /// phone or identity number. Never logged.
    pub q: Option<String>,
    /// overdue, today, soon, new, in_time or waiting.
    pub urgency: Option<String>,
    /// A status name, e.g. processing, awaiting_supplement.
    pub status: Option<String>,
    /// direct, online or postal.
    pub channel: Option<String>,
    /// A procedure code, e.g. 1.001234.
    pub procedure: Option<String>,
    /// Received on or after this day (YYYY-MM-DD).
    pub received_from: Option<String>,
    /// Received on or before this day (YYYY-MM-DD).
    pub received_to: Option<String>,
    /// One department's queue: its key (e.g. VHXH), or `none` for the dossiers no department holds yet.
    pub department: Option<String>,
}

/// Staff: the open dossiers at your agency, nearest deadline first. Citizens: your dossiers, newest
/// first. A page at a time (`next_cursor`); bad parameters answer 400 `invalid_limit`,
/// `invalid_cursor`, `invalid_search`, `invalid_urgency`, `invalid_status_filter`,
/// `invalid_channel_filter`, `invalid_procedure_code`, `invalid_date`, `invalid_date_range` or
/// `invalid_department`.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", security(("bearer" = [])), params(InboxParams),
    responses((status = 200, body = InboxList), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody)))]
pub async fn inbox(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<InboxParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let query = inbox::InboxQuery {
        limit: p.limit,
        cursor: p.cursor,
        q: p.q,
        urgency: p.urgency,
        status: p.status,
        channel: p.channel,
        procedure: p.procedure,
        received_from: p.received_from,
        received_to: p.received_to,
        department: p.department,
    };
    let now = ctx.clock.now();
    let page = crate::storage::run_as(&ctx.pool, caller, move |conn, caller| {
        inbox::read(conn, &caller, inbox::View::Api, &query, now)
    })
    .await?;
    let items = page
        .items
        .into_iter()
        .map(|(r, _)| InboxEntry {
            due_at: opt(r.promised_due_at()),
            code: r.code,
            reference: r.reference,
            procedure_code: r.procedure_code,
            procedure_name: r.procedure_name,
            applicant_name: r.applicant_name,
            channel: r.channel.as_str().to_string(),
            status: r.status.as_str().to_string(),
            status_code: r.status.national_code(),
            received_at: opt(r.received_at),
            step_due_at: opt(r.step_due_at),
            current_agency: r.current_agency.to_string(),
            current_department: r.current_department,
        })
        .collect();
    Ok(HttpResponse::Ok().json(InboxList { items, next_cursor: page.next_cursor, limit: page.limit }))
}
