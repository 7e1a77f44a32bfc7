//! The administrators' area (`/quan-tri`, role `admin` only): failed notices, accounts, the
//! working calendar, plan targets and procedure versions. Each request is one trip: the account
//! check, the role, then the use case (and, on an error, the page's reads); errors are shown on
//! the page in Vietnamese with the values typed kept. One module per section: [`notices`],
//! [`users`], [`calendar`], [`plans`], [`procedures`]; this one holds what they share.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{render, InLayout, Layout, PageError, PageSession};
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::AppError;
use crate::http::context::AppContext;

pub mod accesses;
pub mod agencies;
pub mod alerts;
pub mod calendar;
pub mod departments;
pub mod notices;
pub mod plans;
pub mod portal;
pub mod procedures;
pub mod reorganisations;
pub mod users;

/// Where the administrators' area starts (the navigation links here).
pub const ADMIN_PATH: &str = "/quan-tri";

/// Whether a kept form value is this option (for `selected` in templates).
pub fn same(a: &str, b: &str) -> bool {
    a == b
}

/// The layout of an administrators' page, from the session's claims.
fn admin_layout(req: &HttpRequest, session: &PageSession) -> Layout {
    Layout::new(Some(session.claimed()), req.path())
}

/// The first check on an administrators' trip, after the account's: a 403 page (in the layout)
/// unless the caller is an administrator.
fn admin_only(caller: &Caller) -> Result<(), AppError> {
    caller.require_role(&[Role::Admin])
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    layout: Layout,
    /// Early-warning rules not evaluated for longer than their interval allows.
    stale_rules: usize,
}

/// GET /quan-tri: the sections of the administrators' area.
pub async fn home(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let now = ctx.clock.now();
    let stale_rules = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(crate::services::alerts::rule_status_on(conn, now)?.iter().filter(|r| r.stale).count())
        })
        .await
        .in_layout(&layout)?;
    Ok(render(StatusCode::OK, &HomePage { layout, stale_rules }))
}

/// The status a page is sent with: the error's, or 200.
fn status_of(error: Option<&AppError>) -> StatusCode {
    error.map(|e| e.status_and_code().0).unwrap_or(StatusCode::OK)
}
