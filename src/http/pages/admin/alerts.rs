//! The early-warning rules as administrators watch them (`/quan-tri/canh-bao`): each rule, when it
//! last ran and on which instance, how many it fired, and a warning when it has not run for longer
//! than its interval allows (issue 16 item 2: escalation rules that silently never run).
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use askama_web::WebTemplate;

use super::{admin_layout, admin_only};
use crate::http::context::AppContext;
use crate::http::pages::{fmt, render, InLayout, Layout, PageError, PageSession};
use crate::services::alerts;

pub struct RuleLine {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub threshold_hours: i32,
    pub level: i32,
    pub recipients: String,
    pub interval_minutes: i32,
    pub source: String,
    pub enabled: bool,
    /// Vietnam time, or "chưa chạy".
    pub last_run: String,
    pub last_run_by: String,
    pub last_fired: i32,
    pub fired_total: i64,
    pub next_run: String,
    pub stale: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_alerts.html")]
pub struct AlertRulesPage {
    layout: Layout,
    rules: Vec<RuleLine>,
    stale: usize,
    now: String,
}

/// GET /quan-tri/canh-bao.
pub async fn rules(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let now = ctx.clock.now();
    let status = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            alerts::rule_status_on(conn, now)
        })
        .await
        .in_layout(&layout)?;
    let rules: Vec<RuleLine> = status
        .into_iter()
        .map(|s| RuleLine {
            kind: s.kind_vi,
            recipients: s.recipients_vi.join(", "),
            stale: s.stale,
            last_run: s.row.last_run_at.map(fmt::time).unwrap_or_else(|| "chưa chạy".into()),
            last_run_by: s.row.last_run_by.clone().unwrap_or_default(),
            next_run: fmt::time(s.row.next_run_at),
            id: s.row.id,
            title: s.row.title,
            threshold_hours: s.row.threshold_hours,
            level: s.row.level,
            interval_minutes: s.row.interval_minutes,
            source: s.row.source,
            enabled: s.row.enabled,
            last_fired: s.row.last_fired,
            fired_total: s.row.fired_total,
        })
        .collect();
    let stale = rules.iter().filter(|r| r.stale).count();
    let page = AlertRulesPage { layout, rules, stale, now: fmt::time(now.naive_utc()) };
    Ok(render(StatusCode::OK, &page))
}
