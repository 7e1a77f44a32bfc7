//! The national portal's door into motcua (issue 15): dossiers submitted on Cổng Dịch vụ công quốc
//! gia, delivered here (`services::portal::inbound`).
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::auth::extractor::Unverified;
use crate::domain::period::Period;
use crate::error::{AppError, ErrorCode};
use crate::http::context::AppContext;
use crate::services::portal::admin;
use crate::services::portal::inbound::{self, InboundItem, InboundReceipt};
use crate::storage;

/// Equal tokens, compared in time that does not depend on where they differ (both are hashed first,
/// so not on their lengths either).
fn same_token(given: &str, expected: &str) -> bool {
    let (a, b) = (Sha256::digest(given.as_bytes()), Sha256::digest(expected.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The portal delivers a dossier submitted there (or, with `source`, a dossier a ministry's system
/// handled for an agency of the province: imported for the statistics only; a repeat updates it).
/// `Authorization: Bearer <portal.inbound_token>`.
/// 201 with the new dossier; 200 with the same dossier when its `MaHoSo` was delivered before;
/// 400 with the error body, storing nothing, when the item is not one motcua can file.
#[utoipa::path(post, path = "/api/v1/portal/dossiers", tag = "national portal", security(("bearer" = [])),
    request_body = InboundItem,
    responses((status = 201, body = InboundReceipt), (status = 200, body = InboundReceipt),
              (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 413, body = crate::error::ErrorBody)))]
pub async fn deliver(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    body: web::Json<InboundItem>,
) -> Result<HttpResponse, AppError> {
    let Some(expected) = ctx.portal.inbound_token.as_deref().filter(|t| !t.is_empty()) else {
        return Err(AppError::new(ErrorCode::PortalInboundDisabled, "this system takes no dossiers from the portal"));
    };
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !same_token(given, expected) {
        return Err(AppError::InvalidToken("the portal's token (portal.inbound_token) is missing or wrong".into()));
    }
    let now = ctx.clock.now();
    let item = body.into_inner();
    if let Some(source) = item.source.clone() {
        // A ministry's dossier, for the statistics only.
        let dossier = inbound::ministry_dossier(&item, &source, now)?;
        let receipt = inbound::import(&ctx.pool, dossier, now).await?;
        return Ok(if receipt.created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(receipt));
    }
    let checked = inbound::check(item, now)?;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(ctx.portal.timeout_secs))
        .build()
        .map_err(|e| AppError::Internal(e.into()))?;
    let uploads = inbound::read_files(&checked.files, ctx.portal.url.as_deref(), &client).await?;
    let receipt = inbound::file(&ctx.pool, &ctx.links, checked, uploads, now).await?;
    Ok(if receipt.created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(receipt))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_same_token_passes() {
        assert!(super::same_token("s3cret-token", "s3cret-token"));
        assert!(!super::same_token("s3cret-tokem", "s3cret-token"));
        assert!(!super::same_token("", "s3cret-token"));
        assert!(!super::same_token("s3cret-token-and-more", "s3cret-token"));
    }
}

/// The period of a reconciliation or a re-send.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodParams {
    /// First day (YYYY-MM-DD, Vietnam time).
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
}

fn period_of(from: Option<&str>, to: Option<&str>) -> Result<Period, AppError> {
    Period::parse(from, to).map_err(crate::services::stats::invalid_period)
}

/// Administrators: the portal link's queue (dossiers and items waiting, the oldest, the last error)
/// and the latest items the portal refused.
#[utoipa::path(get, path = "/api/v1/admin/portal", tag = "national portal", security(("bearer" = [])),
    responses((status = 200, body = admin::Overview), (status = 403, body = crate::error::ErrorBody)))]
pub async fn overview(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    let linked = ctx.portal.url.is_some();
    let o = storage::run_as(&ctx.pool, caller, move |conn, caller| admin::overview_on(conn, &caller, linked)).await?;
    Ok(HttpResponse::Ok().json(o))
}

/// Administrators: every difference between what the portal acknowledged and the dossiers
/// submitted in the period.
#[utoipa::path(get, path = "/api/v1/admin/portal/reconciliation", tag = "national portal",
    params(PeriodParams), security(("bearer" = [])),
    responses((status = 200, body = [admin::Difference]), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn reconciliation(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<PeriodParams>,
) -> Result<HttpResponse, AppError> {
    let period = period_of(params.from.as_deref(), params.to.as_deref())?;
    let found = storage::run_as(&ctx.pool, caller, move |conn, caller| {
        caller.require_role(&[crate::domain::Role::Admin])?;
        admin::reconcile_on(conn, &period)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// What to send again: one dossier, or every dossier submitted in a period.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendRequest {
    pub code: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Resent {
    /// How many dossiers will be sent again (their whole history, with new idempotency keys).
    pub dossiers: usize,
}

/// Administrators: send a dossier (`code`) or a period (`from`, `to`) to the portal again.
#[utoipa::path(post, path = "/api/v1/admin/portal/resend", tag = "national portal", security(("bearer" = [])),
    request_body = ResendRequest,
    responses((status = 200, body = Resent), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn resend(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    body: web::Json<ResendRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let what = match (b.code, b.from.is_some() || b.to.is_some()) {
        (Some(code), false) => admin::Resend::Dossier(code),
        (None, true) => admin::Resend::Period(period_of(b.from.as_deref(), b.to.as_deref())?),
        _ => {
            return Err(AppError::new(
                ErrorCode::InvalidBody,
                "name either a dossier (`code`) or a period (`from` and `to`)",
            ))
        }
    };
    let dossiers =
        storage::run_as(&ctx.pool, caller, move |conn, caller| admin::resend_on(conn, &caller, &what)).await?;
    Ok(HttpResponse::Ok().json(Resent { dossiers }))
}
