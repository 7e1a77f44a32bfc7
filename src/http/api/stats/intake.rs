//! Online submissions waiting for a clerk now, per agency (issue 15 item 7).
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::api::dossiers::rfc3339;
use crate::services::stats::{self, AgencyWaiting, IntakeWaiting, IntakeWaitingQuery};
use crate::storage;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IntakeWaitingParams {
    /// An agency code; default your own. Its subtree is included unless `agency_only=true`.
    pub agency: Option<String>,
    pub agency_only: Option<bool>,
}

/// One agency's online submissions not received yet.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WaitingAgencyView {
    /// The agency that is to receive them (the receiving agency, or the unit a reorganisation
    /// moved its open dossiers to).
    pub agency_code: String,
    pub agency_name: String,
    /// Online dossiers at national status 1 (newly registered, not received).
    pub waiting: i64,
    /// Those whose receipt day has passed (received late already, whenever they are received).
    pub past_rule: i64,
    /// The oldest submission (`NgayNopHoSo`), RFC 3339 in Vietnam time.
    pub oldest_submitted_at: String,
    /// The last day the oldest could be received in time, YYYY-MM-DD.
    pub oldest_receipt_due_day: String,
    /// How long the oldest has waited, in office minutes (07:30–11:30, 13:30–17:30 of working days).
    pub oldest_waited_working_minutes: i64,
    /// Working days from the oldest's receipt day to today: 0 while it may still be received in time.
    pub oldest_working_days_past_rule: u32,
}

impl From<&AgencyWaiting> for WaitingAgencyView {
    fn from(a: &AgencyWaiting) -> Self {
        Self {
            agency_code: a.agency_code.clone(),
            agency_name: a.agency_name.clone(),
            waiting: a.waiting,
            past_rule: a.past_rule,
            oldest_submitted_at: rfc3339(a.oldest_submitted_at.naive_utc()),
            oldest_receipt_due_day: a.oldest_receipt_due_day.to_string(),
            oldest_waited_working_minutes: a.oldest_waited_minutes,
            oldest_working_days_past_rule: a.oldest_working_days_past_rule,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IntakeWaitingView {
    pub agency_code: String,
    pub agency_name: String,
    /// subtree or agency.
    pub scope: String,
    /// The moment counted (the server's clock), RFC 3339 in Vietnam time.
    pub at: String,
    /// The receipt rule the figures are judged by, in words.
    pub rule: String,
    /// Online submissions waiting in the whole scope, and those past the rule.
    pub waiting: i64,
    pub past_rule: i64,
    /// The oldest waiting submission in the scope; null when none waits.
    pub oldest_submitted_at: Option<String>,
    /// The agencies with submissions waiting, the one with the oldest first.
    pub agencies: Vec<WaitingAgencyView>,
}

/// What the figures are judged by (`domain::intake_latency`).
pub const RECEIPT_RULE: &str = "An online dossier is received by the close of the working day after the day it was \
    submitted (the regime's online_receipt_working_days, 1). No legal text setting this time was found \
    (ND 61/2018 Điều 17, ND 118/2025): it is the product's reading of the national portal's \"received late\".";

impl From<&IntakeWaiting> for IntakeWaitingView {
    fn from(w: &IntakeWaiting) -> Self {
        let (waiting, past_rule) = w.totals();
        Self {
            agency_code: w.agency.code.clone(),
            agency_name: w.agency.name.clone(),
            scope: match w.scope {
                crate::storage::stats::Scope::Agency(_) => "agency".into(),
                _ => "subtree".into(),
            },
            at: rfc3339(w.now.naive_utc()),
            rule: RECEIPT_RULE.into(),
            waiting,
            past_rule,
            oldest_submitted_at: w.oldest().map(|a| rfc3339(a.oldest_submitted_at.naive_utc())),
            agencies: w.agencies.iter().map(Into::into).collect(),
        }
    }
}

/// Online submissions waiting for a clerk now, per agency in your scope: how many, the oldest, how
/// long it has waited, and how many are past the next working day (issue 15 item 7).
#[utoipa::path(get, path = "/api/v1/stats/intake-waiting", tag = "statistics", params(IntakeWaitingParams),
    security(("bearer" = [])),
    responses((status = 200, body = IntakeWaitingView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn intake_waiting(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<IntakeWaitingParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let q = IntakeWaitingQuery { agency: p.agency, agency_only: p.agency_only.unwrap_or(false) };
    let now = ctx.clock.now();
    let w =
        storage::run_as(&ctx.pool, caller, move |conn, caller| stats::intake_waiting_on(conn, &caller, q, now)).await?;
    Ok(HttpResponse::Ok().json(IntakeWaitingView::from(&w)))
}
