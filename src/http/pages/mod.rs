//! Server-rendered pages (askama templates under `templates/`): the public portal, the citizen's
//! pages and the staff workspace. Handlers call the `services` layer only, in one pool check-out
//! per request: a POST is one use case, and on an error the page's reads follow on the same trip.
//! Sign-in keeps the JWT in an HttpOnly, SameSite=Strict cookie (see [`session`]).
//! Where each page answers is in the route table, [`crate::http::routes`].
//!
//! Shared pieces for every page module (the leader dashboard included):
//! - [`Layout`]: an extractor that never fails; put it in the page struct as `layout` and
//!   `{% extends "base.html" %}` (blocks `title` and `content`);
//! - [`PageSession`]: the signed-in user, or a redirect to `/dang-nhap?next=…`; its `run` is the
//!   page's one trip (the account check and everything the page reads or writes);
//! - [`PageError`]: an `AppError` shown as a Vietnamese HTML page with the right status;
//! - [`render`]: a template with a chosen status.
pub mod accesses;
pub mod admin;
pub mod citizen;
pub mod dashboard;
pub mod feedback;
pub mod messages;
pub mod multipart;
pub mod portal;
pub mod session;
pub mod staff;

use std::future::{ready, Ready};

use actix_web::http::{header, StatusCode};
use actix_web::{dev::Payload, FromRequest, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::auth::extractor::{caller_from, SESSION_COOKIE};
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::AppError;

/// Where the leader dashboard lives (the navigation links here; see [`crate::http::routes`]).
pub const DASHBOARD_PATH: &str = "/lanh-dao";

/// GET /static/app.css: the pages' stylesheet.
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("app.css"))
}

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct UserView {
    pub username: String,
    pub role_label: &'static str,
    pub agency: Option<String>,
}

/// One link of the main navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What `templates/base.html` needs: the signed-in user (if any), the navigation, the path.
/// An extractor that never fails: a missing or bad session is simply "not signed in".
#[derive(Debug, Clone)]
pub struct Layout {
    pub user: Option<UserView>,
    pub nav: Vec<NavItem>,
    pub path: String,
}

/// Vietnamese name of a role (`domain::labels`).
pub fn role_label(role: Role) -> &'static str {
    role.label_vi()
}

impl Layout {
    /// The layout for a path and an optional caller.
    pub fn new(caller: Option<&Caller>, path: &str) -> Self {
        let mut items: Vec<(&'static str, &'static str)> =
            vec![("/", "Trang chủ"), ("/thu-tuc", "Thủ tục hành chính"), ("/tra-cuu", "Tra cứu hồ sơ")];
        match caller.map(|c| c.role) {
            Some(Role::Citizen) => items.push(("/ho-so-cua-toi", "Hồ sơ của tôi")),
            Some(role) => {
                items.push(("/can-bo", "Hồ sơ cần xử lý"));
                items.push(("/can-bo/canh-bao", "Cảnh báo"));
                items.push((feedback::STAFF_PATH, "Phản ánh, kiến nghị"));
                if role == Role::Clerk {
                    items.push(("/can-bo/tiep-nhan", "Tiếp nhận hồ sơ"));
                }
                if matches!(role, Role::Leader | Role::Admin) {
                    items.push((DASHBOARD_PATH, "Thống kê, chỉ tiêu"));
                }
                if role == Role::Admin {
                    items.push((admin::ADMIN_PATH, "Quản trị"));
                }
            }
            None => {}
        }
        // The longest matching prefix is the current section.
        let current = items
            .iter()
            .map(|(h, _)| *h)
            .filter(|h| path == *h || (*h != "/" && path.starts_with(&format!("{h}/"))))
            .max_by_key(|h| h.len());
        let nav =
            items.into_iter().map(|(href, label)| NavItem { href, label, current: Some(href) == current }).collect();
        Self {
            user: caller.map(|c| UserView {
                username: c.username.clone(),
                role_label: role_label(c.role),
                agency: c.agency.as_ref().map(|a| a.to_string()),
            }),
            nav,
            path: path.to_string(),
        }
    }

    pub fn from_request(req: &HttpRequest) -> Self {
        Self::new(caller_from(req).ok().as_ref(), req.path())
    }
}

impl FromRequest for Layout {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Layout::from_request(req)))
    }
}

/// The signed-in caller of a page before the account is checked (the extractor reads no
/// database): the page's one trip checks it, through [`PageSession::run`]. Without a valid
/// session (missing, expired, invalid), and for a disabled account, the page redirects to sign-in.
#[derive(Debug, Clone)]
pub struct PageSession {
    who: crate::auth::extractor::Unverified,
    next: String,
}

impl PageSession {
    /// What the session claims (role, agency), not yet checked against the account.
    pub fn claimed(&self) -> &Caller {
        self.who.claimed()
    }

    /// Runs the page's one unit of work on one pool check-out, after checking the account on
    /// the same connection ([`crate::storage::run_as`]).
    pub async fn run<T, F>(self, pool: &crate::storage::Pool, work: F) -> Result<T, PageError>
    where
        F: FnOnce(&mut crate::storage::AnyConnection, Caller) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let next = self.next;
        crate::storage::run_as(pool, self.who, work).await.map_err(|e| sign_in_again(e, next))
    }
}

/// A session that is missing, expired or of a disabled account leads to the sign-in page.
fn sign_in_again(e: AppError, next: String) -> PageError {
    match e {
        AppError::MissingToken | AppError::TokenExpired | AppError::InvalidToken(_) => PageError::SignIn { next },
        e => PageError::App(e),
    }
}

impl FromRequest for PageSession {
    type Error = PageError;
    type Future = Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let next = relative_target(req);
        ready(match caller_from(req) {
            Ok(c) => Ok(PageSession { who: crate::auth::extractor::Unverified::from_token(c), next }),
            Err(e) => Err(sign_in_again(e, next)),
        })
    }
}

/// The path and query of a GET request, to come back to after signing in (else the referring page).
fn relative_target(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        let q = req.query_string();
        if q.is_empty() {
            req.path().to_string()
        } else {
            format!("{}?{q}", req.path())
        }
    } else {
        // A form's target is not a page: come back to the page the form is on.
        let p = req.path();
        if let Some(rest) = p.strip_prefix("/quan-tri/") {
            // The administrators' forms post below their section's page (`/quan-tri/<section>/…`).
            return format!("/quan-tri/{}", rest.split('/').next().unwrap_or_default());
        }
        if p.starts_with(&format!("{}/", feedback::STAFF_PATH)) {
            // An answer posts below the staff's feedback page.
            return feedback::STAFF_PATH.to_string();
        }
        ["/xu-ly", "/danh-gia", "/tep"].iter().find_map(|s| p.strip_suffix(s)).unwrap_or(p).to_string()
    }
}

/// A page that could not be shown: a redirect to sign-in, or an error page in Vietnamese.
#[derive(Debug)]
pub enum PageError {
    SignIn {
        next: String,
    },
    App(AppError),
    /// The error, shown inside the page's layout (the signed-in user stays in the header).
    InLayout(AppError, Box<Layout>),
}

/// `result.in_layout(&layout)?`: an `AppError` shown as an error page with the caller's layout.
pub trait InLayout<T> {
    fn in_layout(self, layout: &Layout) -> Result<T, PageError>;
}

impl<T> InLayout<T> for Result<T, AppError> {
    fn in_layout(self, layout: &Layout) -> Result<T, PageError> {
        self.map_err(|e| PageError::InLayout(e, Box::new(layout.clone())))
    }
}

impl<T> InLayout<T> for Result<T, PageError> {
    fn in_layout(self, layout: &Layout) -> Result<T, PageError> {
        self.map_err(|e| match e {
            PageError::App(e) => PageError::InLayout(e, Box::new(layout.clone())),
            other => other,
        })
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignIn { .. } => f.write_str("sign-in required"),
            Self::App(e) | Self::InLayout(e, _) => e.fmt(f),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignIn { .. } => StatusCode::SEE_OTHER,
            Self::App(e) | Self::InLayout(e, _) => e.status_and_code().0,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn { next } => {
                let mut r = see_other(&format!("/dang-nhap?next={}", percent_encode(next)));
                // A stale or expired cookie is dropped on the way.
                if let Ok(v) = header::HeaderValue::from_str(&session::clear_cookie(false)) {
                    r.headers_mut().append(header::SET_COOKIE, v);
                }
                r
            }
            Self::App(e) | Self::InLayout(e, _) => {
                let (status, code) = e.status_and_code();
                if status.is_server_error() {
                    tracing::error!(error.code = code, error.cause = ?e, "page failed");
                }
                let layout = match self {
                    Self::InLayout(_, l) => (**l).clone(),
                    _ => Layout::new(None, ""),
                };
                let page =
                    ErrorPage { layout, heading: messages::heading(status).to_string(), message: messages::vi(e) };
                let mut response = render(status, &page);
                e.add_retry_after(&mut response);
                response
            }
        }
    }
}

/// Renders a template with a status (askama_web's responder always answers 200).
pub fn render<T: Template>(status: StatusCode, t: &T) -> HttpResponse {
    match t.render() {
        // Pages may carry personal data and forms: `http::boundary` sends them not stored, not
        // framed (clickjacking), with no script allowed and no address leaked to other sites.
        Ok(body) => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body),
        Err(e) => {
            tracing::error!(error.cause = %e, "template failed");
            HttpResponse::InternalServerError().content_type("text/plain; charset=utf-8").body("Lỗi hiển thị trang.")
        }
    }
}

/// 303 See Other to a location on this site.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_string())).finish()
}

/// Percent-encodes everything but unreserved characters and `/` (for a `next=` value).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only a path on this site: starts with one `/`, no scheme, no `//` or `\` (no open redirect).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(char::is_control)
        && n.len() <= 500;
    ok.then(|| n.to_string())
}

/// Checkbox and multi-value form fields: `application/x-www-form-urlencoded` decoded into pairs
/// (actix's `web::Form` keeps only one value per name).
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                        Ok(v) => {
                            out.push(v);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    std::str::from_utf8(body)
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Formatting helpers shared by the page templates (Vietnam time).
pub mod fmt {
    use chrono::NaiveDateTime;

    pub fn time(t: NaiveDateTime) -> String {
        crate::forms::vn_time(t)
    }
    pub fn date(t: NaiveDateTime) -> String {
        crate::forms::vn_date(t)
    }
    pub fn opt_time(t: Option<NaiveDateTime>) -> String {
        t.map(time).unwrap_or_default()
    }
    pub fn opt_date(t: Option<NaiveDateTime>) -> String {
        t.map(date).unwrap_or_default()
    }
    pub use crate::domain::labels::vnd;

    /// A file's size as people read it: "820 byte", "45 KB", "1,3 MB" (decimal comma).
    pub fn size(bytes: i64) -> String {
        const KB: i64 = 1024;
        match bytes {
            b if b < KB => format!("{b} byte"),
            b if b < KB * KB => format!("{} KB", (b + KB / 2) / KB),
            b => format!("{:.1} MB", b as f64 / (KB * KB) as f64).replace('.', ","),
        }
    }

    #[cfg(test)]
    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!((size(820), size(46_000), size(1_363_149)), ("820 byte".into(), "45 KB".into(), "1,3 MB".into()));
    }
}

/// The session cookie's name (for tests and the dashboard).
pub fn session_cookie_name() -> &'static str {
    SESSION_COOKIE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_a_path_on_this_site_only() {
        assert_eq!(safe_next(Some("/can-bo?x=1")).as_deref(), Some("/can-bo?x=1"));
        for bad in ["//evil.example", "https://evil.example/", "/\\evil.example", "can-bo", "", "/a\nb"] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn form_pairs_decode_repeated_fields() {
        let pairs = form_pairs(b"documents=%C4%90%C6%A1n+%C4%91%E1%BB%81+ngh%E1%BB%8B&documents=CCCD&name=&bad=%zz");
        assert_eq!(
            pairs,
            vec![
                ("documents".to_string(), "Đơn đề nghị".to_string()),
                ("documents".to_string(), "CCCD".to_string()),
                ("name".to_string(), String::new()),
                ("bad".to_string(), "%zz".to_string()),
            ]
        );
        assert_eq!(percent_encode("/can-bo?a=b c"), "/can-bo%3Fa%3Db%20c");
    }

    #[test]
    fn money_is_grouped_by_thousands() {
        assert_eq!(fmt::vnd(100000), "100.000 đồng");
        assert_eq!(fmt::vnd(1500000), "1.500.000 đồng");
        assert_eq!(fmt::vnd(0), "0 đồng");
    }

    #[test]
    fn the_navigation_marks_the_current_section_and_follows_the_role() {
        let l = Layout::new(None, "/thu-tuc/1.001234");
        assert_eq!(l.nav.iter().filter(|n| n.current).map(|n| n.href).collect::<Vec<_>>(), vec!["/thu-tuc"]);
        assert!(!l.nav.iter().any(|n| n.href == "/can-bo"));
    }

    #[test]
    fn only_administrators_see_the_administration_entry() {
        let caller = |role| Caller { user_id: "u".into(), username: "u".into(), role, agency: None };
        let admin = Layout::new(Some(&caller(Role::Admin)), "/quan-tri/lich");
        let current: Vec<_> = admin.nav.iter().filter(|n| n.current).map(|n| n.href).collect();
        assert_eq!(current, vec!["/quan-tri"]);
        for role in [Role::Citizen, Role::Clerk, Role::Specialist, Role::Leader] {
            assert!(!Layout::new(Some(&caller(role)), "/").nav.iter().any(|n| n.href == "/quan-tri"), "{role}");
        }
    }
}
