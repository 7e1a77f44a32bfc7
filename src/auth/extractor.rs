//! `Caller`: the authenticated user of a request, with role and agency scope; `Unverified`: the
//! extractor that reads it from the token, checked against the account on the request's one trip.
use actix_web::{dev::Payload, FromRequest, HttpRequest};

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
            Err(AppError::new(
                crate::error::ErrorCode::RoleNotAllowed,
                format!(
                    "this action needs one of the roles {}; you are signed in as {}",
                    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
                    self.role
                ),
            ))
        }
    }
}

/// The caller a valid token names, before the account is checked: the extractor reads no
/// database. Handlers that take it get the [`Caller`] through [`crate::storage::run_as`], which
/// checks the account on the request's one connection (issue 12: one request, one trip). A
/// missing, expired or invalid token is refused here (401); a disabled account's, by `run_as`.
#[derive(Debug, Clone)]
pub struct Unverified(Caller);

impl Unverified {
    /// What the token claims (role, agency), not yet checked against the account: for choices
    /// that need no data (which page to show); anything read or written goes through `run_as`.
    pub fn claimed(&self) -> &Caller {
        &self.0
    }

    /// A caller read from a valid token (by [`caller_from`]), to be checked by `run_as`.
    pub fn from_token(caller: Caller) -> Self {
        Unverified(caller)
    }
}

impl FromRequest for Unverified {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(caller_from(req).map(Unverified))
    }
}

/// Who a use case runs for: a caller already checked (the command line, the demo, a use case
/// called inside a trip that checked it), or one the use case's own trip checks ([`Unverified`],
/// through [`crate::storage::run_as`]).
#[derive(Debug, Clone)]
pub enum Who {
    Checked(Caller),
    Unverified(Unverified),
}

impl Who {
    /// What the token claims (role, agency): for checks of the input that need no data.
    pub fn claimed(&self) -> &Caller {
        match self {
            Who::Checked(c) => c,
            Who::Unverified(u) => u.claimed(),
        }
    }
}

impl From<Caller> for Who {
    fn from(c: Caller) -> Self {
        Who::Checked(c)
    }
}

impl From<Unverified> for Who {
    fn from(u: Unverified) -> Self {
        Who::Unverified(u)
    }
}

/// The caller of `who`, if the account is still active: one primary-key read on `conn` (none
/// for a caller already checked). A disabled (or deleted) account's token is refused, so that
/// disabling an account takes effect at once, on every instance.
pub fn check_active(conn: &mut crate::storage::AnyConnection, who: Who) -> Result<Caller, AppError> {
    let who = match who {
        Who::Checked(caller) => return Ok(caller),
        Who::Unverified(who) => who,
    };
    match crate::storage::users::active_agency(conn, &who.0.user_id)? {
        None => Err(disabled()),
        // The account now works for another agency (an administrator moved it, or a reorganisation
        // ended its unit): the token's scope is stale.
        Some(agency) if agency.as_deref() != who.0.agency.as_ref().map(|a| a.as_str()) => {
            Err(AppError::InvalidToken("your account now works for another agency; sign in again".into()))
        }
        Some(_) => Ok(who.0),
    }
}

fn disabled() -> AppError {
    AppError::InvalidToken("the account has been disabled; ask an administrator".into())
}

/// The cookie the web pages keep the JWT in (HttpOnly, SameSite=Strict; Secure over https).
pub const SESSION_COOKIE: &str = "motcua_session";

/// The caller of a request: from `Authorization: Bearer <token>`, or, when there is no
/// Authorization header, from the session cookie set by the sign-in page. A cookie-authenticated
/// request that changes something (not GET/HEAD/OPTIONS) must come from this site: its `Origin`
/// (or `Referer`), when present, must name the host it was sent to (403 `cross_origin_request`).
pub fn caller_from(req: &HttpRequest) -> Result<Caller, AppError> {
    let ctx = crate::http::context::AppContext::of(req)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("JwtKeys missing from app data")))?;
    let keys = &ctx.keys;
    let cookie: String;
    let token = match req.headers().get(actix_web::http::header::AUTHORIZATION) {
        Some(header) => header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AppError::InvalidToken("the Authorization header is not `Bearer <token>`".into()))?,
        None => {
            cookie = session_cookie(req).ok_or(AppError::MissingToken)?;
            let t = cookie.trim();
            if !is_safe_method(req) && !same_origin(req) {
                return Err(AppError::new(
                    crate::error::ErrorCode::CrossOriginRequest,
                    "this request comes from another site; open the page on this site and try again",
                ));
            }
            t
        }
    };
    let claims = keys.verify(token, ctx.clock.now())?;
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

fn is_safe_method(req: &HttpRequest) -> bool {
    use actix_web::http::Method;
    matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
}

/// CSRF defence for cookie sessions (besides SameSite=Strict): when the browser says where the
/// request comes from (`Origin`, else `Referer`), that must be the host the request was sent to.
/// A request that names neither (not a browser form) passes. Behind a proxy, `X-Forwarded-Host` and the
/// authority of `server.public_url` count as this site too.
pub fn same_origin(req: &HttpRequest) -> bool {
    let headers = req.headers();
    let source = headers
        .get(actix_web::http::header::ORIGIN)
        .or_else(|| headers.get(actix_web::http::header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(source) = source else { return true };
    if source == "null" {
        return false;
    }
    let authority = source
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default())
        .unwrap_or_default();
    if authority.is_empty() {
        return false;
    }
    // The host the request was sent to; behind a proxy also the forwarded host, and the public address.
    let header = |name: &str| headers.get(name).and_then(|h| h.to_str().ok()).map(str::trim);
    let public = crate::http::context::AppContext::of(req).map(|c| &c.links).and_then(|l| {
        l.public_url.split_once("://").map(|(_, rest)| rest.split('/').next().unwrap_or_default().to_string())
    });
    let is = |h: &str| !h.is_empty() && authority.eq_ignore_ascii_case(h);
    header("host").is_some_and(is) || header("x-forwarded-host").is_some_and(is) || public.is_some_and(|p| is(&p))
}

/// The session cookie's value, read from the `Cookie` header(s).
pub fn session_cookie(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(actix_web::http::header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.trim().is_empty())
        .map(|(_, value)| value.trim().trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn req(headers: &[(&str, &str)]) -> HttpRequest {
        let mut r = TestRequest::post().uri("/can-bo/ho-so/x/xu-ly").insert_header(("host", "motcua.example:8080"));
        for (k, v) in headers {
            r = r.insert_header((*k, *v));
        }
        r.to_http_request()
    }

    #[test]
    fn same_origin_compares_the_origin_or_referer_with_the_host() {
        assert!(same_origin(&req(&[])));
        assert!(same_origin(&req(&[("origin", "http://motcua.example:8080")])));
        assert!(same_origin(&req(&[("referer", "https://MOTCUA.example:8080/can-bo?x=1")])));
        assert!(!same_origin(&req(&[("origin", "https://evil.example")])));
        assert!(!same_origin(&req(&[("origin", "http://motcua.example:8080.evil.example")])));
        assert!(!same_origin(&req(&[("origin", "null")])));
        assert!(!same_origin(&req(&[("referer", "https://evil.example/motcua.example:8080")])));
        // Origin wins over Referer.
        assert!(!same_origin(&req(&[("origin", "https://evil.example"), ("referer", "http://motcua.example:8080/")])));
        assert!(same_origin(&req(&[("origin", "https://public.example"), ("x-forwarded-host", "public.example")])));
    }

    #[test]
    fn the_session_cookie_is_read_from_the_cookie_header() {
        let r = TestRequest::get().insert_header(("cookie", "a=1; motcua_session=abc.def.ghi; b=2")).to_http_request();
        assert_eq!(session_cookie(&r).as_deref(), Some("abc.def.ghi"));
        let r = TestRequest::get().insert_header(("cookie", "motcua_session=; x=y")).to_http_request();
        assert_eq!(session_cookie(&r), None);
        assert_eq!(session_cookie(&TestRequest::get().to_http_request()), None);
    }
}
