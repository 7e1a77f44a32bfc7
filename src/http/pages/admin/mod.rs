//! The administrators' area (`/quan-tri`, role `admin` only): failed notices, accounts, the
//! working calendar, plan targets and procedure versions. Each POST is one service call; errors are shown on the page
//! in Vietnamese with the values typed kept. One module per section: [`notices`], [`users`],
//! [`calendar`], [`plans`], [`procedures`]; this one holds what they share.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::{render, InLayout, Layout, PageCaller, PageError};
use crate::domain::Role;
use crate::error::AppError;

pub mod calendar;
pub mod notices;
pub mod plans;
pub mod procedures;
pub mod users;

/// Where the administrators' area starts (the navigation links here).
pub const ADMIN_PATH: &str = "/quan-tri";

/// Whether a kept form value is this option (for `selected` in templates).
pub fn same(a: &str, b: &str) -> bool {
    a == b
}

/// The caller's layout, or a 403 page (in the layout) when the caller is not an administrator.
fn admin_layout(req: &HttpRequest, caller: &PageCaller) -> Result<Layout, PageError> {
    let layout = Layout::new(Some(caller), req.path());
    caller.require_role(&[Role::Admin]).in_layout(&layout)?;
    Ok(layout)
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomePage {
    layout: Layout,
}

/// GET /quan-tri: the sections of the administrators' area.
pub async fn home(req: HttpRequest, caller: PageCaller) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &caller)?;
    Ok(render(StatusCode::OK, &HomePage { layout }))
}

/// The status a page is sent with: the error's, or 200.
fn status_of(error: Option<&AppError>) -> StatusCode {
    error.map(|e| e.status_and_code().0).unwrap_or(StatusCode::OK)
}
