//! Signing in and out of the web pages: the JWT from `services::auth::login` goes into an
//! HttpOnly, SameSite=Strict cookie (`Secure` when `server.public_url` is https), which the
//! `Unverified` extractor and the pages' `PageSession` accept when a request has no Authorization
//! header.
use crate::http::context::AppContext;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{messages, render, safe_next, see_other, Layout, PageError};
use crate::auth::extractor::{same_origin, SESSION_COOKIE};
use crate::error::{AppError, ErrorCode};
use crate::http::client::ClientAddr;
use crate::services::{self, dossiers::Links};

/// `Set-Cookie` value carrying a session token.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` value that removes the session.
pub fn clear_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

fn secure(links: &Links) -> bool {
    links.public_url.starts_with("https://")
}

/// A redirect to `target` that sets the session cookie of a fresh sign-in.
fn signed_in(target: &str, s: &services::auth::Session, links: &Links) -> Result<HttpResponse, PageError> {
    let mut r = see_other(target);
    let cookie = session_cookie(&s.token, s.expires_in_minutes * 60, secure(links));
    r.headers_mut()
        .append(header::SET_COOKIE, header::HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?);
    Ok(r)
}

/// Refuses a cookie-session form posted from another site (CSRF), as a 403 page.
pub fn check_origin(req: &HttpRequest) -> Result<(), PageError> {
    if same_origin(req) {
        Ok(())
    } else {
        Err(PageError::App(AppError::new(
            ErrorCode::CrossOriginRequest,
            "this request comes from another site; open the page on this site and try again",
        )))
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    next: String,
    username: String,
    error: Option<String>,
}

impl SignInPage {
    fn sign_up_link(&self) -> String {
        link_with_next("/dang-ky", &self.next)
    }
}

/// `path`, with `?next=` when there is a page to come back to.
fn link_with_next(path: &str, next: &str) -> String {
    if next.is_empty() {
        path.to_string()
    } else {
        format!("{path}?next={}", super::percent_encode(next))
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// GET /dang-nhap
pub async fn sign_in_form(layout: Layout, q: web::Query<NextQuery>) -> HttpResponse {
    let page = SignInPage {
        layout,
        next: safe_next(q.next.as_deref()).unwrap_or_default(),
        username: String::new(),
        error: None,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// POST /dang-nhap: one call to `services::auth::login`; on success the cookie and a redirect to
/// `next` (a path on this site) or the caller's home page.
#[allow(clippy::too_many_arguments)]
pub async fn sign_in(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    client: ClientAddr,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim().to_string();
    let login = services::auth::login(
        &ctx.pool,
        &ctx.keys,
        &ctx.limits,
        client,
        username.clone(),
        form.password,
        ctx.clock.now(),
    );
    match login.await {
        Ok(s) => {
            let target = next.unwrap_or_else(|| if s.role == "citizen" { "/ho-so-cua-toi" } else { "/can-bo" }.into());
            signed_in(&target, &s, &ctx.links)
        }
        Err(e) => {
            let status = e.status_and_code().0;
            let page = SignInPage {
                layout: Layout::new(None, req.path()),
                next: next.unwrap_or_default(),
                username,
                error: Some(messages::vi(&e)),
            };
            let mut response = render(status, &page);
            e.add_retry_after(&mut response);
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpPage {
    layout: Layout,
    next: String,
    sign_in_link: String,
    full_name: String,
    username: String,
    error: Option<String>,
    /// The field the error is about.
    field: &'static str,
}

impl SignUpPage {
    fn new(layout: Layout, next: String) -> Self {
        let sign_in_link = link_with_next("/dang-nhap", &next);
        Self { layout, next, sign_in_link, full_name: String::new(), username: String::new(), error: None, field: "" }
    }
}

/// GET /dang-ky: a citizen creates an account.
pub async fn sign_up_form(layout: Layout, q: web::Query<NextQuery>) -> HttpResponse {
    render(StatusCode::OK, &SignUpPage::new(layout, safe_next(q.next.as_deref()).unwrap_or_default()))
}

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    next: Option<String>,
}

/// POST /dang-ky: one `services::users::register_citizen`, then signed in as on `/dang-nhap`.
pub async fn sign_up(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    form: web::Form<SignUpForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let f = form.into_inner();
    let next = safe_next(f.next.as_deref()).unwrap_or_default();
    let username = f.username.trim().to_string();
    let registered = if f.password != f.password_again {
        Err(AppError::new(ErrorCode::PasswordMismatch, "the two passwords differ"))
    } else {
        services::users::register_citizen(
            &ctx.pool,
            username.clone(),
            f.full_name.clone(),
            f.password.clone(),
            ctx.clock.now(),
        )
        .await
    };
    let outcome = registered.and_then(|user| services::auth::session_for(&ctx.keys, &user, ctx.clock.now()));
    match outcome {
        Ok(s) => signed_in(if next.is_empty() { "/ho-so-cua-toi" } else { &next }, &s, &ctx.links),
        Err(e) => {
            let status = e.status();
            let field = match e.code() {
                ErrorCode::InvalidFullName => "full_name",
                ErrorCode::InvalidUsername | ErrorCode::UsernameTaken => "username",
                _ => "password",
            };
            let page = SignUpPage {
                full_name: f.full_name,
                username,
                error: Some(messages::vi(&e)),
                field,
                ..SignUpPage::new(Layout::new(None, req.path()), next)
            };
            Ok(render(status, &page))
        }
    }
}

/// POST /dang-xuat: removes the cookie (a JWT cannot be revoked; it expires by itself).
pub async fn sign_out(ctx: web::Data<AppContext>, req: HttpRequest) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let mut r = see_other("/");
    r.headers_mut().append(
        header::SET_COOKIE,
        header::HeaderValue::from_str(&clear_cookie(secure(&ctx.links))).map_err(|e| AppError::Internal(e.into()))?,
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        let c = session_cookie("t.o.k", 3600, false);
        assert_eq!(c, "motcua_session=t.o.k; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
        assert!(session_cookie("t", 60, true).ends_with("; Secure"));
        assert!(clear_cookie(false).starts_with("motcua_session=; Path=/; Max-Age=0;"));
        assert!(secure(&Links { public_url: "https://motcua.cantho.gov.vn".into(), code_owner: None }));
        assert!(!secure(&Links { public_url: "http://127.0.0.1:8080".into(), code_owner: None }));
    }
}
