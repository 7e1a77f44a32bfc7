//! `Caller`: the authenticated user of a request, with role and agency scope.
use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use super::jwt::JwtKeys;
use crate::domain::{AgencyCode, Role};
use crate::error::AppError;

/// Who is calling: from a valid bearer token. Staff carry the agency they act for.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub agency: Option<AgencyCode>,
}

impl Caller {
    /// Fails with 403 unless the caller has one of `roles`.
    pub fn require_role(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "role_not_allowed",
                format!(
                    "this action needs one of the roles {}; you are signed in as {}",
                    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
                    self.role
                ),
            ))
        }
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_from(req))
    }
}

fn caller_from(req: &HttpRequest) -> Result<Caller, AppError> {
    let keys = req
        .app_data::<web::Data<JwtKeys>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("JwtKeys missing from app data")))?;
    let header = req.headers().get(actix_web::http::header::AUTHORIZATION).ok_or(AppError::MissingToken)?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::InvalidToken("the Authorization header is not `Bearer <token>`".into()))?;
    let claims = keys.verify(token)?;
    let role = claims.role.parse::<Role>().map_err(|_| AppError::InvalidToken("it names an unknown role".into()))?;
    let agency = claims
        .agency
        .as_deref()
        .map(AgencyCode::parse)
        .transpose()
        .map_err(|_| AppError::InvalidToken("it names a malformed agency".into()))?;
    if role.is_staff() && agency.is_none() {
        return Err(AppError::InvalidToken("a staff token must name an agency".into()));
    }
    tracing::Span::current().record("user_id", claims.sub.as_str());
    Ok(Caller { user_id: claims.sub, username: claims.username, role, agency })
}
