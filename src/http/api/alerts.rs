//! Alerts for staff raised by the throttles.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::throttle;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ThrottleAlertView {
    pub dossier_code: String,
    /// The agency holding the dossier.
    pub agency_code: String,
    /// Wrong PINs or phone numbers counted (from all addresses) when the alert was raised.
    pub failures: i32,
    pub raised_at: String,
}

/// Dossiers whose PIN or phone was guessed at from many addresses in the last 30 days (proofs are
/// then refused for everyone without the owner's account until the window passes). Administrators
/// see all; other staff, the dossiers their agency holds.
#[utoipa::path(get, path = "/api/v1/admin/throttle-alerts", tag = "administration",
    security(("bearer" = [])),
    responses((status = 200, body = [ThrottleAlertView]), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn throttle_alerts(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    let alerts = throttle::dossier_alerts(&ctx.pool, caller, ctx.clock.now()).await?;
    Ok(HttpResponse::Ok().json(
        alerts
            .into_iter()
            .map(|a| ThrottleAlertView {
                dossier_code: a.dossier_code,
                agency_code: a.agency_code,
                failures: a.failures,
                raised_at: rfc3339(a.raised_at),
            })
            .collect::<Vec<_>>(),
    ))
}
