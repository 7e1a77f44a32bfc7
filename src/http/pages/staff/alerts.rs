//! The alerts page (`/can-bo/canh-bao`): the open early warnings and escalations in the caller's
//! scope (`services::alerts`), nearest deadline first. Dossiers are named by code, never applicant.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;

use super::super::{fmt, render, see_other, InLayout, Layout, PageError, PageSession};
use crate::domain::alerts::AlertKind;
use crate::domain::Role;
use crate::http::context::AppContext;
use crate::services::alerts;

pub struct AlertLine {
    pub code: String,
    /// A link to the dossier's page (a submission not received yet has a reference, no page).
    pub linked: bool,
    pub kind: &'static str,
    pub title: String,
    pub level: i32,
    pub agency: String,
    pub listed_for: String,
    pub deadline: String,
    pub raised: String,
    pub class: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff_alerts.html")]
pub struct AlertsPage {
    layout: Layout,
    agency: String,
    subtree: bool,
    rows: Vec<AlertLine>,
}

/// GET /can-bo/canh-bao: the open alerts in the caller's scope.
pub async fn alerts(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
) -> Result<HttpResponse, PageError> {
    let layout = Layout::new(Some(session.claimed()), req.path());
    let caller = session.claimed().clone();
    if caller.role == Role::Citizen {
        return Ok(see_other("/ho-so-cua-toi"));
    }
    let open = session.run(&ctx.pool, move |conn, caller| alerts::open_on(conn, &caller)).await.in_layout(&layout)?;
    let rows = open
        .into_iter()
        .map(|o| {
            let kind = AlertKind::parse(&o.kind);
            AlertLine {
                linked: !o.alert.dossier_code.starts_with("HS-"),
                code: o.alert.dossier_code,
                kind: kind.map_or("", AlertKind::label_vi),
                title: o.title,
                level: o.level,
                agency: o.alert.agency_code,
                listed_for: o.alert.listed_for.unwrap_or_default(),
                deadline: fmt::time(o.alert.deadline_at),
                raised: fmt::time(o.alert.raised_at),
                class: match kind {
                    Some(k) if k.is_early_warning() => "u-soon",
                    _ => "u-overdue",
                },
            }
        })
        .collect();
    let page = AlertsPage {
        layout,
        agency: caller.agency.as_ref().map(|a| a.to_string()).unwrap_or_default(),
        subtree: matches!(caller.role, Role::Leader | Role::Admin),
        rows,
    };
    Ok(render(StatusCode::OK, &page))
}
