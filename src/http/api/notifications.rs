use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::notifications;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NotificationParams {
    /// pending, sending, sent or failed (default failed).
    pub status: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub channel: String,
    /// Masked: enough to recognise, not to contact.
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// Administrators: notices by status (failed by default).
#[utoipa::path(get, path = "/api/v1/admin/notifications", tag = "administration", params(NotificationParams),
    security(("bearer" = [])),
    responses((status = 200, body = [NotificationView]), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<NotificationParams>,
) -> Result<HttpResponse, AppError> {
    let status = params.into_inner().status.unwrap_or_else(|| "failed".into());
    let rows = notifications::list(&ctx.pool, caller, status).await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|n| NotificationView {
                recipient: notifications::mask(&n.recipient),
                id: n.id,
                kind: n.kind,
                channel: n.channel,
                status: n.status,
                attempts: n.attempts,
                next_attempt_at: rfc3339(n.next_attempt_at),
                last_error: n.last_error,
                created_at: rfc3339(n.created_at),
                sent_at: n.sent_at.map(rfc3339),
            })
            .collect::<Vec<_>>(),
    ))
}

/// Administrators: put a failed notice back in the queue.
#[utoipa::path(post, path = "/api/v1/admin/notifications/{id}/requeue", tag = "administration",
    params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn requeue(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    notifications::requeue(&ctx.pool, caller, id.into_inner(), ctx.clock.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}
