use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::error::AppError;
use crate::storage::portal::QueueState;
use crate::storage::{self, connection::backend_name};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
    database: &'static str,
    /// Present when `portal.url` is set: the items owed to the national portal (issue 15). Counters
    /// and staff keep working while the portal is down; this says how far behind it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    portal: Option<PortalHealth>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PortalHealth {
    /// `delivering` (nothing waits after a failed attempt) or `degraded` (the last attempt failed:
    /// the portal is down or refusing, the queue grows and drains in order when it returns).
    state: &'static str,
    #[serde(flatten)]
    queue: QueueState,
}

/// 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
pub async fn health(ctx: web::Data<AppContext>) -> Result<HttpResponse, AppError> {
    let portal = ctx.portal.url.is_some();
    let (database, queue) = storage::run(&ctx.pool, move |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1").map_err(|e| AppError::DatabaseUnavailable(e.into()))?;
        let queue = if portal { Some(storage::portal::queue_state(conn)?) } else { None };
        Ok((backend_name(conn), queue))
    })
    .await?;
    let portal = queue
        .map(|queue| PortalHealth { state: if queue.last_error.is_some() { "degraded" } else { "delivering" }, queue });
    Ok(HttpResponse::Ok().json(Health { status: "ok", database, portal }))
}
