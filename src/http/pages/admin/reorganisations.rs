//! `/quan-tri/sap-xep`: the reorganisation plans loaded (date, act, who loaded them and when, when
//! they were applied, what applying changed), and a form to load one: the plan's JSON pasted in a
//! textarea (the format of `seeds/FORMAT.md`), with "Chạy thử" (a dry run: every change it would
//! make, or every problem) and "Áp dụng".
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::error::{AppError, ErrorCode};
use crate::http::context::AppContext;
use crate::http::pages::{
    fmt, messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::services::reorganise::{self, Report};
use crate::storage::reorganisations::{self, ReorganisationRow};

/// A report as the pages show it: the counts, and every dossier and account moved.
pub struct ReportView {
    pub plan: String,
    pub act: String,
    pub effective_on: String,
    pub applied: bool,
    pub dry_run: bool,
    pub counts: Vec<(&'static str, usize)>,
    /// "what: from → to", one per dossier or account moved.
    pub moved: Vec<String>,
    pub relevelled: Vec<String>,
}

impl From<&Report> for ReportView {
    fn from(r: &Report) -> Self {
        Self {
            plan: r.plan.clone(),
            act: r.act.clone(),
            effective_on: r.effective_on.format("%d/%m/%Y").to_string(),
            applied: r.applied,
            dry_run: r.dry_run,
            counts: vec![
                ("Đơn vị mới", r.new_units),
                ("Đơn vị tiếp tục", r.continued_units),
                ("Đơn vị kết thúc", r.ended_units),
                ("Liên kết kế thừa", r.lineage_links),
                ("Hồ sơ chuyển", r.moved_dossiers.len()),
                ("Tài khoản chuyển", r.moved_accounts.len()),
                ("Lấy ý kiến chuyển", r.moved_consultations),
            ],
            moved: r
                .moved_dossiers
                .iter()
                .map(|m| format!("Hồ sơ {}: {} → {}", m.what, m.from, m.to))
                .chain(r.moved_accounts.iter().map(|m| format!("Tài khoản {}: {} → {}", m.what, m.from, m.to)))
                .collect(),
            relevelled: r.relevelled_procedures.clone(),
        }
    }
}

/// One plan loaded, as the list shows it.
struct PlanLine {
    id: String,
    title: String,
    effective_on: String,
    act: String,
    loaded: String,
    loaded_by: String,
    applied: String,
    /// "99 đơn vị mới, 90 kết thúc, 3 hồ sơ chuyển…", or "" before it is applied.
    summary: String,
}

fn plan_line(r: ReorganisationRow) -> PlanLine {
    let report: Option<serde_json::Value> = r.report.as_deref().and_then(|t| serde_json::from_str(t).ok());
    let summary = report
        .map(|v| {
            let n = |k: &str| v[k].as_u64().unwrap_or(0);
            let len = |k: &str| v[k].as_array().map(Vec::len).unwrap_or(0);
            format!(
                "{} đơn vị mới, {} tiếp tục, {} kết thúc, {} liên kết kế thừa, {} hồ sơ và {} tài khoản chuyển",
                n("new_units"),
                n("continued_units"),
                n("ended_units"),
                n("lineage_links"),
                len("moved_dossiers"),
                len("moved_accounts")
            )
        })
        .unwrap_or_default();
    PlanLine {
        effective_on: r.effective_on.format("%d/%m/%Y").to_string(),
        loaded: fmt::time(r.loaded_at),
        loaded_by: r.loaded_by.unwrap_or_else(|| "dòng lệnh".into()),
        applied: r.applied_at.map(fmt::time).unwrap_or_default(),
        summary,
        id: r.id,
        title: r.title,
        act: r.act,
    }
}

#[derive(Template)]
#[template(path = "admin_reorganisations.html")]
struct ReorganisationsPage {
    layout: Layout,
    plans: Vec<PlanLine>,
    plan_text: String,
    notice: Option<String>,
    error: Option<String>,
    problems: Vec<String>,
    report: Option<ReportView>,
}

#[derive(Deserialize)]
pub struct ReorganisationsQuery {
    da_nap: Option<String>,
}

/// The load form: the plan's JSON and the button pressed (`dry_run` or `apply`).
#[derive(Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    plan: String,
    #[serde(default)]
    action: String,
}

/// The English detail lines of a refused plan (its problems), or the reason a file was not read.
fn problems_of(e: &AppError) -> Vec<String> {
    match e.code() {
        ErrorCode::ReorganisationRefused => {
            e.to_string().lines().filter_map(|l| l.strip_prefix("- ")).map(str::to_string).collect()
        }
        ErrorCode::InvalidReorganisationPlan => vec![e.to_string()],
        _ => vec![],
    }
}

fn show(
    layout: Layout,
    rows: Vec<ReorganisationRow>,
    plan_text: String,
    notice: Option<String>,
    outcome: Option<Result<Report, AppError>>,
) -> HttpResponse {
    let (error, report) = match outcome {
        Some(Err(e)) => (Some(e), None),
        Some(Ok(r)) => (None, Some(ReportView::from(&r))),
        None => (None, None),
    };
    let page = ReorganisationsPage {
        layout,
        plans: rows.into_iter().map(plan_line).collect(),
        plan_text,
        notice,
        error: error.as_ref().map(messages::vi),
        problems: error.as_ref().map(problems_of).unwrap_or_default(),
        report,
    };
    render(status_of(error.as_ref()), &page)
}

/// GET /quan-tri/sap-xep: the plans loaded and the form to load one.
pub async fn reorganisations_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<ReorganisationsQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let notice = query.into_inner().da_nap.map(|id| format!("Đã nạp phương án {id}."));
    let rows = session
        .run(&ctx.pool, |conn, caller| {
            admin_only(&caller)?;
            Ok(reorganisations::all(conn)?)
        })
        .await
        .in_layout(&layout)?;
    Ok(show(layout, rows, String::new(), notice, None))
}

/// POST /quan-tri/sap-xep: runs a plan dry ("Chạy thử": the page shows every change or every
/// problem, nothing kept) or loads it ("Áp dụng": applied at once if its date has come).
pub async fn load_plan(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    form: web::Form<PlanForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let form = form.into_inner();
    let dry_run = form.action != "apply";
    let now = ctx.clock.now();
    let text = form.plan.clone();
    let (result, rows) = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let result = reorganise::load_by(conn, &text, Some(&caller.username), now, dry_run);
            let rows = if dry_run || result.is_err() { Some(reorganisations::all(conn)?) } else { None };
            Ok((result, rows))
        })
        .await
        .in_layout(&layout)?;
    match (result, rows) {
        (Ok(report), None) => Ok(see_other(&format!("/quan-tri/sap-xep?da_nap={}", percent_encode(&report.plan)))),
        (result, rows) => Ok(show(layout, rows.unwrap_or_default(), form.plan, None, Some(result))),
    }
}
