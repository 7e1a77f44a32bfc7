//! `/quan-tri/cong-dvc`: the national portal link (issue 15). Whether the portal is behind and why
//! (the queue, its oldest item, the last error), the items it refused, a reconciliation of a
//! period, and sending a dossier or a period again.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::domain::period::Period;
use crate::error::{AppError, ErrorCode};
use crate::http::context::AppContext;
use crate::http::pages::{
    fmt, messages, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::services::portal::admin::{self, Difference, Overview};

/// Vietnamese name of a difference's kind.
fn kind_label(kind: &str) -> &'static str {
    match kind {
        "not_sent" => "Chưa gửi xong (đang chờ trong hàng đợi)",
        "missing" => "Cổng chưa có hồ sơ",
        "status_behind" => "Trạng thái trên Cổng chưa cập nhật",
        "dates_differ" => "Ngày trên Cổng khác ngày của hồ sơ",
        _ => "Khác",
    }
}

/// A reconciliation as the page shows it: its first and last day, and each difference with the
/// Vietnamese name of its kind.
struct Reconciled {
    from: String,
    to: String,
    rows: Vec<(&'static str, Difference)>,
}

#[derive(Template)]
#[template(path = "admin_portal.html")]
struct PortalPage {
    layout: Layout,
    configured: bool,
    overview: Overview,
    oldest: String,
    /// A reconciliation, when one was asked.
    reconciled: Option<Reconciled>,
    from: String,
    to: String,
    resent: Option<usize>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PortalQuery {
    tu_ngay: Option<String>,
    den_ngay: Option<String>,
    da_gui_lai: Option<usize>,
}

#[derive(Deserialize)]
pub struct ResendForm {
    ma_ho_so: Option<String>,
    tu_ngay: Option<String>,
    den_ngay: Option<String>,
}

fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

#[allow(clippy::too_many_arguments)]
fn portal_page(
    ctx: &AppContext,
    layout: Layout,
    overview: Overview,
    reconciled: Option<(Period, Vec<Difference>)>,
    (from, to): (String, String),
    resent: Option<usize>,
    error: Option<AppError>,
) -> HttpResponse {
    let oldest = overview.queue.oldest_at.map(fmt::time).unwrap_or_else(|| "—".into());
    let reconciled = reconciled.map(|(p, found)| {
        let rows = found.into_iter().map(|d| (kind_label(d.kind), d)).collect();
        Reconciled { from: p.from().format("%d/%m/%Y").to_string(), to: p.to().format("%d/%m/%Y").to_string(), rows }
    });
    let page = PortalPage {
        layout,
        configured: ctx.portal.url.is_some(),
        overview,
        oldest,
        reconciled,
        from,
        to,
        resent,
        error: error.as_ref().map(messages::vi),
    };
    render(status_of(error.as_ref()), &page)
}

/// GET /quan-tri/cong-dvc[?tu_ngay=&den_ngay=]: the link's state, and a period's reconciliation.
pub async fn portal(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<PortalQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let q = query.into_inner();
    let asked = filled(&q.tu_ngay).is_some() || filled(&q.den_ngay).is_some();
    let period = asked.then(|| Period::parse(filled(&q.tu_ngay), filled(&q.den_ngay)));
    let kept = (q.tu_ngay.clone().unwrap_or_default(), q.den_ngay.clone().unwrap_or_default());
    let linked = ctx.portal.url.is_some();
    let (overview, reconciled) = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let overview = admin::overview_on(conn, &caller, linked)?;
            let reconciled = match period {
                Some(Ok(p)) => Some(Ok((p, admin::reconcile_on(conn, &p)?))),
                Some(Err(e)) => Some(Err(crate::services::stats::invalid_period(e))),
                None => None,
            };
            Ok((overview, reconciled))
        })
        .await
        .in_layout(&layout)?;
    let (reconciled, error) = match reconciled {
        Some(Ok(r)) => (Some(r), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Ok(portal_page(&ctx, layout, overview, reconciled, kept, q.da_gui_lai, error))
}

/// POST /quan-tri/cong-dvc/gui-lai: sends a dossier (`ma_ho_so`) or a period again.
pub async fn resend(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: web::Form<ResendForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let f = form.into_inner();
    let kept = (f.tu_ngay.clone().unwrap_or_default(), f.den_ngay.clone().unwrap_or_default());
    let linked = ctx.portal.url.is_some();
    let what = match (filled(&f.ma_ho_so), filled(&f.tu_ngay).or(filled(&f.den_ngay))) {
        (Some(code), None) => Ok(admin::Resend::Dossier(code.to_string())),
        (None, Some(_)) => Period::parse(filled(&f.tu_ngay), filled(&f.den_ngay))
            .map(admin::Resend::Period)
            .map_err(crate::services::stats::invalid_period),
        _ => Err(AppError::new(ErrorCode::InvalidBody, "name either a dossier's code or a period")),
    };
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let done = what.and_then(|w| admin::resend_on(conn, &caller, &w));
            Ok(match done {
                Ok(n) => Ok(n),
                Err(e) => Err((admin::overview_on(conn, &caller, linked)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(n) => Ok(see_other(&format!("/quan-tri/cong-dvc?da_gui_lai={n}"))),
        Err((overview, e)) => Ok(portal_page(&ctx, layout, overview, None, kept, None, Some(e))),
    }
}
