use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::http::client::ClientAddr;
use crate::services;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// JWT to send as `Authorization: Bearer <token>`.
    pub token: String,
    pub role: String,
    /// The agency a staff member acts for; null for citizens.
    pub agency_code: Option<String>,
    pub expires_in_minutes: i64,
}

/// Sign in with a username and password. Failures are throttled per username and client, per
/// client and per username (429 `too_many_attempts` with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    ctx: web::Data<AppContext>,
    client: ClientAddr,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let s =
        services::auth::login(&ctx.pool, &ctx.keys, &ctx.limits, client, body.username, body.password, ctx.clock.now())
            .await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: s.token,
        role: s.role,
        agency_code: s.agency_code,
        expires_in_minutes: s.expires_in_minutes,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–64 characters: lower-case letters, digits, `.`, `_`, `-`.
    pub username: String,
    pub full_name: String,
    /// At least 8 characters.
    pub password: String,
}

/// A citizen creates an account and is signed in (201 with a token).
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = LoginResponse), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn register(ctx: web::Data<AppContext>, body: web::Json<RegisterRequest>) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    let user =
        services::users::register_citizen(&ctx.pool, b.username, b.full_name, b.password, ctx.clock.now()).await?;
    let s = services::auth::session_for(&ctx.keys, &user, ctx.clock.now())?;
    Ok(HttpResponse::Created().json(LoginResponse {
        token: s.token,
        role: s.role,
        agency_code: s.agency_code,
        expires_in_minutes: s.expires_in_minutes,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: String,
    pub username: String,
    pub role: String,
    pub agency_code: Option<String>,
}

/// Who the bearer token says you are.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(ctx: web::Data<AppContext>, caller: Unverified) -> Result<HttpResponse, AppError> {
    // The account check is the whole trip.
    let caller = crate::storage::run_as(&ctx.pool, caller, |_, caller| Ok(caller)).await?;
    Ok(HttpResponse::Ok().json(Me {
        user_id: caller.user_id,
        username: caller.username,
        role: caller.role.as_str().to_string(),
        agency_code: caller.agency.map(|a| a.to_string()),
    }))
}
