//! `/quan-tri/ke-hoach`: the plans' targets, each with its value and deadline.
use crate::http::context::AppContext;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{admin_layout, admin_only, status_of};
use crate::error::{AppError, ErrorCode};
use crate::http::pages::{
    messages, percent_encode, render, see_other, session::check_origin, InLayout, Layout, PageError, PageSession,
};
use crate::services::plans;
use crate::storage::plans::{PlanRow, PlanTargetRow};

/// One target as the page shows it, with the values of its form.
struct TargetLine {
    position: i32,
    indicator: String,
    scope: String,
    wording: String,
    source_line: String,
    value: String,
    deadline: String,
    /// The field in error on this row ("" when none).
    error_field: &'static str,
}

struct PlanSection {
    id: String,
    title: String,
    document: String,
    targets: Vec<TargetLine>,
}

#[derive(Template)]
#[template(path = "admin_plans.html")]
struct PlansPage {
    layout: Layout,
    plans: Vec<PlanSection>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PlansQuery {
    da_luu: Option<String>,
}

/// The target form's values, kept when it is shown again with an error.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    deadline: String,
}

/// 44 → "44", 12.5 → "12,5" (Vietnamese decimal comma).
fn vn_value(v: f64) -> String {
    let s = format!("{v}");
    s.replace('.', ",")
}

/// Every plan with its targets, as the page reads them.
type Plans = Vec<(PlanRow, Vec<PlanTargetRow>)>;

fn show_plans(
    layout: Layout,
    all: Plans,
    notice: Option<String>,
    failed: Option<(String, i32, TargetForm, AppError)>,
) -> HttpResponse {
    let plans = all
        .into_iter()
        .map(|(p, targets)| PlanSection {
            targets: targets
                .into_iter()
                .map(|t| {
                    let mut line = TargetLine {
                        position: t.position,
                        indicator: t.indicator.unwrap_or_default(),
                        scope: t.level.map(|l| format!("cấp {l}")).unwrap_or_default(),
                        wording: t.wording,
                        source_line: t.source_line,
                        value: t.value.map(vn_value).unwrap_or_default(),
                        deadline: t.deadline.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                        error_field: "",
                    };
                    if let Some((plan, position, form, e)) = &failed {
                        if *plan == p.id && *position == t.position {
                            line.value = form.value.clone();
                            line.deadline = form.deadline.clone();
                            line.error_field = if e.code() == ErrorCode::InvalidDate { "deadline" } else { "value" };
                        }
                    }
                    line
                })
                .collect(),
            id: p.id,
            title: p.title,
            document: p.document.unwrap_or_default(),
        })
        .collect();
    let status = status_of(failed.as_ref().map(|f| &f.3));
    let page = PlansPage { layout, plans, notice, error: failed.as_ref().map(|f| messages::vi(&f.3)) };
    render(status, &page)
}

/// GET /quan-tri/ke-hoach: every plan's targets, each with a form for its value and deadline.
pub async fn plans_page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    query: web::Query<PlansQuery>,
) -> Result<HttpResponse, PageError> {
    let layout = admin_layout(&req, &session);
    let notice = query.into_inner().da_luu.map(|t| format!("Đã lưu chỉ tiêu {t}."));
    let all = session
        .run(&ctx.pool, |conn, caller| {
            admin_only(&caller)?;
            plans::with_targets_on(conn, &caller)
        })
        .await
        .in_layout(&layout)?;
    Ok(show_plans(layout, all, notice, None))
}

/// POST /quan-tri/ke-hoach/{plan}/{position}: sets a target's value and deadline.
pub async fn update_target(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    path: web::Path<(String, i32)>,
    form: web::Form<TargetForm>,
) -> Result<HttpResponse, PageError> {
    check_origin(&req)?;
    let layout = admin_layout(&req, &session);
    let (plan, position) = path.into_inner();
    let form = form.into_inner();
    let (id, value, deadline) = (plan.clone(), form.value.clone(), form.deadline.clone());
    let outcome = session
        .run(&ctx.pool, move |conn, caller| {
            admin_only(&caller)?;
            let updated = plans::parse_value(&value)
                .and_then(|v| plans::update_target_on(conn, &caller, &id, position, v, &deadline));
            Ok(match updated {
                Ok(t) => Ok(t),
                Err(e) => Err((plans::with_targets_on(conn, &caller)?, e)),
            })
        })
        .await
        .in_layout(&layout)?;
    match outcome {
        Ok(t) => Ok(see_other(&format!(
            "/quan-tri/ke-hoach?da_luu={}#{}-{}",
            percent_encode(&format!("{} số {}", t.plan_id, t.position)),
            t.plan_id,
            t.position
        ))),
        Err((all, e)) => Ok(show_plans(layout, all, None, Some((plan, position, form, e)))),
    }
}
