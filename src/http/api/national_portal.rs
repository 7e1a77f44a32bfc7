//! The national portal's door into motcua (issue 15): dossiers submitted on Cổng Dịch vụ công quốc
//! gia, delivered here (`services::portal::inbound`).
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::{AppError, ErrorCode};
use crate::http::context::AppContext;
use crate::services::portal::inbound::{self, InboundItem, InboundReceipt};

/// Equal tokens, compared in time that does not depend on where they differ (both are hashed first,
/// so not on their lengths either).
fn same_token(given: &str, expected: &str) -> bool {
    let (a, b) = (Sha256::digest(given.as_bytes()), Sha256::digest(expected.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The portal delivers a dossier submitted there. `Authorization: Bearer <portal.inbound_token>`.
/// 201 with the new dossier; 200 with the same dossier when its `MaHoSo` was delivered before;
/// 400 with the error body, storing nothing, when the item is not one motcua can file.
#[utoipa::path(post, path = "/api/v1/portal/dossiers", tag = "national portal", security(("bearer" = [])),
    request_body = InboundItem,
    responses((status = 201, body = InboundReceipt), (status = 200, body = InboundReceipt),
              (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
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
    let checked = inbound::check(body.into_inner(), now)?;
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
