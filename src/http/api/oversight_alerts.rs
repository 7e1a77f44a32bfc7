//! Early warnings and escalations (issue 16 item 2): the open alerts in the caller's scope.
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::context::AppContext;
use crate::services::alerts;
use crate::storage::alerts::OpenAlert;

/// One open alert. It names the dossier by its code (an online submission not received yet by its
/// reference), never its applicant.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OversightAlertView {
    pub id: String,
    /// The rule that fired (`seeds/oversight/alert-rules.json`).
    pub rule_id: String,
    /// step_due_within, due_within, overdue, online_unreceived or consultation_late.
    pub kind: String,
    /// The rule's title, in Vietnamese.
    pub title: String,
    /// The escalation level (1 first).
    pub level: i32,
    pub dossier_code: String,
    /// The agency the alert is about: the one holding the dossier (receiving it, for an online
    /// submission waiting).
    pub agency_code: String,
    /// The agency whose counter received the dossier.
    pub counter_agency: String,
    /// The parent agency an escalation is listed for, if the rule lists it there.
    pub listed_for: Option<String>,
    /// What the rule measured from: the deadline (a step's, the dossier's, a consultation's), or
    /// the online submission.
    pub deadline_at: String,
    pub raised_at: String,
    /// Staff notices queued when it fired.
    pub notified: i32,
}

impl From<OpenAlert> for OversightAlertView {
    fn from(o: OpenAlert) -> Self {
        let a = o.alert;
        OversightAlertView {
            id: a.id,
            rule_id: a.rule_id,
            kind: o.kind,
            title: o.title,
            level: o.level,
            dossier_code: a.dossier_code,
            agency_code: a.agency_code,
            counter_agency: a.counter_agency,
            listed_for: a.listed_for,
            deadline_at: rfc3339(a.deadline_at),
            raised_at: rfc3339(a.raised_at),
            notified: a.notified,
        }
    }
}

/// Staff: the open alerts in their scope, nearest deadline first (at most 500): alerts about their
/// agency, about dossiers received at its counter, and escalations listed for it; leaders and
/// administrators also those of every agency below theirs. An alert closes by itself when its
/// condition ends (the dossier moved on, finished, or was received).
#[utoipa::path(get, path = "/api/v1/oversight/alerts", tag = "oversight", security(("bearer" = [])),
    responses((status = 200, body = [OversightAlertView]), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    let open = alerts::open(&ctx.pool, caller).await?;
    Ok(HttpResponse::Ok().json(open.into_iter().map(OversightAlertView::from).collect::<Vec<_>>()))
}
