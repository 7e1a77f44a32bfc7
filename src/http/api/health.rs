use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::error::AppError;
use crate::storage::{self, connection::backend_name};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
    database: &'static str,
}

/// 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
pub async fn health(ctx: web::Data<AppContext>) -> Result<HttpResponse, AppError> {
    let database = storage::run(&ctx.pool, |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1").map_err(|e| AppError::DatabaseUnavailable(e.into()))?;
        Ok(backend_name(conn))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok", database }))
}
