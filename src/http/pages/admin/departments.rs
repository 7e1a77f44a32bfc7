//! The departments of an agency on its administrators' page (`/quan-tri/co-quan/{code}#phong-ban`):
//! the list with validity and successor, and the forms to create, rename and close one
//! (`services::departments`, audited). Each form posts here and comes back to the page with what
//! was done, or why not.
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::agencies::day_vi;
use super::{admin_layout, admin_only};
use crate::http::context::AppContext;
use crate::http::pages::{
    messages, percent_encode, see_other, session::check_origin, InLayout, PageError, PageSession,
};
use crate::services::departments;
use crate::storage::departments::DepartmentRow;

/// One department as the page lists it.
pub struct DepartmentLine {
    pub key: String,
    pub name: String,
    pub validity: String,
    /// The department that took its work, once closed.
    pub held_by: String,
}

impl From<DepartmentRow> for DepartmentLine {
    fn from(d: DepartmentRow) -> Self {
        let validity = match d.valid_to {
            Some(to) => format!("từ {} đến {}", day_vi(d.valid_from), day_vi(to)),
            None => format!("từ {}", day_vi(d.valid_from)),
        };
        Self { key: d.key, name: d.name, validity, held_by: d.held_by.unwrap_or_default() }
    }
}

/// What the agency page says after a department change.
#[derive(Deserialize)]
pub struct DoneQuery {
    pub da_luu: Option<String>,
    pub loi: Option<String>,
}

/// The department forms' fields (`op`: create, rename or close).
#[derive(Debug, Default, Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    new_key: String,
    #[serde(default)]
    new_name: String,
    #[serde(default)]
    successor: String,
}

/// POST /quan-tri/co-quan/{code}/phong-ban: one change, in one transaction, then back to the page.
pub async fn change(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    code: web::Path<String>,
    form: web::Form<DepartmentForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (code, f, now) = (code.into_inner(), form.into_inner(), ctx.clock.now());
    let agency = code.clone();
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            Ok(match f.op.as_str() {
                "create" => departments::create_on(conn, &caller, &agency, &f.key, &f.name, now)
                    .map(|d| format!("đã tạo {} ({})", d.name, d.key)),
                "rename" => departments::rename_on(conn, &caller, &agency, &f.key, &f.new_key, &f.new_name, now)
                    .map(|c| done(&f.key, &c)),
                _ => departments::close_on(conn, &caller, &agency, &f.key, &f.successor, now).map(|c| done(&f.key, &c)),
            })
        })
        .await
        .in_layout(&layout)?;
    let query = match outcome {
        Ok(text) => format!("da_luu={}", percent_encode(&text)),
        Err(e) => format!("loi={}", percent_encode(&messages::vi(&e))),
    };
    Ok(see_other(&format!("/quan-tri/co-quan/{code}?{query}#phong-ban")))
}

fn done(key: &str, c: &departments::Closed) -> String {
    format!(
        "công việc của {key} do {} ({}) nhận: {} hồ sơ, {} tài khoản",
        c.successor.name,
        c.successor.key,
        c.moved.dossiers,
        c.moved.accounts.len()
    )
}
