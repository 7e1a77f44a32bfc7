//! `/lanh-dao/dau-hieu-bat-thuong`: the anomalies that suggest gaming (issue 16 item 3) for a
//! leader to read: each rule with its explanation, its count and the dossiers behind it, each
//! linked to its page — what `GET /api/v1/oversight/anomalies` answers, in Vietnamese.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use super::super::{fmt, messages, percent_encode, render, InLayout, Layout, PageError, PageSession};
use crate::domain::Role;
use crate::http::context::AppContext;
use crate::services::oversight::{self, AnomaliesQuery, FactValue, Finding};

/// The address of the page.
pub const PATH: &str = "/lanh-dao/dau-hieu-bat-thuong";

#[derive(Deserialize, Default)]
pub struct Params {
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
    agency_only: Option<String>,
}

struct FindingLine {
    /// The code, else the submission's reference, else nothing (an off-system count).
    dossier: String,
    href: String,
    agency: String,
    at: String,
    facts: Vec<(&'static str, String)>,
}

struct RuleSection {
    id: &'static str,
    name: &'static str,
    explanation: &'static str,
    count: i64,
    lines: Vec<FindingLine>,
}

#[derive(Template)]
#[template(path = "dashboard_anomalies.html")]
struct AnomaliesPage {
    layout: Layout,
    from: String,
    to: String,
    agency: String,
    agency_only: bool,
    /// "UBND thành phố Cần Thơ và các đơn vị trực thuộc, 01/01/2027 – 04/12/2027", once read.
    heading: String,
    judged_at: String,
    rules: Vec<RuleSection>,
    error: Option<String>,
}

/// A fact's name as a leader reads it.
fn fact_label(name: &str) -> &'static str {
    match name {
        "submitted_at" => "Nộp lúc",
        "received_at" => "Tiếp nhận lúc",
        "receipt_due_day" => "Hạn tiếp nhận",
        "working_days_past_rule" => "Số ngày làm việc quá hạn tiếp nhận",
        "action" => "Thao tác",
        "acted_at" => "Thực hiện lúc",
        "due_at" => "Hạn giải quyết",
        "working_days_before_due" => "Số ngày làm việc trước hạn",
        "period_start" => "Kỳ số liệu từ",
        "period_end" => "Kỳ số liệu đến",
        "entered_at" => "Nhập lúc",
        "working_days_after_period" => "Số ngày làm việc sau kỳ",
        "dossiers" => "Số hồ sơ",
        "supplement_requested_at" => "Yêu cầu bổ sung lúc",
        "supplement_requests" => "Số lần yêu cầu bổ sung",
        "recorded_at" => "Ghi nhận lúc",
        "minutes_before_recording" => "Sớm hơn lúc ghi nhận (phút)",
        "minutes_before_submission" => "Sớm hơn lúc nộp (phút)",
        "refused_dossier" => "Hồ sơ bị từ chối",
        "refused_at" => "Từ chối lúc",
        "resubmitted_at" => "Nộp lại lúc",
        "working_days_after_refusal" => "Số ngày làm việc sau khi bị từ chối",
        _ => "Dữ kiện",
    }
}

fn fact_value(name: &str, v: &FactValue) -> String {
    match v {
        FactValue::Time(t) => fmt::time(t.naive_utc()),
        FactValue::Day(d) => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
        FactValue::Number(n) => crate::domain::labels::group_thousands(*n),
        FactValue::Text(s) if name == "action" => crate::domain::labels::action_label_vi(s).to_string(),
        FactValue::Text(s) => s.clone(),
    }
}

fn line(f: &Finding) -> FindingLine {
    let dossier = f.code.clone().or_else(|| f.reference.clone()).unwrap_or_default();
    FindingLine {
        href: if dossier.is_empty() { String::new() } else { format!("/can-bo/ho-so/{}", percent_encode(&dossier)) },
        dossier,
        agency: f.agency_name.clone(),
        at: fmt::time(f.at.naive_utc()),
        facts: f.facts.iter().map(|(n, v)| (fact_label(n), fact_value(n, v))).collect(),
    }
}

/// GET /lanh-dao/dau-hieu-bat-thuong?from=&to=[&agency=][&agency_only=1]: leaders and
/// administrators; the period defaults to this year up to today, the agency to the caller's.
pub async fn page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
    q: web::Query<Params>,
) -> Result<HttpResponse, PageError> {
    if !matches!(session.claimed().role, Role::Leader | Role::Admin) {
        return super::forbidden(&ctx, &req, session).await;
    }
    let layout = Layout::new(Some(session.claimed()), req.path());
    let now = ctx.clock.now();
    let today = crate::domain::calendar::to_vietnam(now).date_naive();
    let q = q.into_inner();
    let trimmed = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let from = trimmed(q.from).unwrap_or_else(|| format!("{:04}-01-01", today.year()));
    let to = trimmed(q.to).unwrap_or_else(|| today.format("%Y-%m-%d").to_string());
    let agency = trimmed(q.agency).unwrap_or_default();
    let agency_only = trimmed(q.agency_only).is_some_and(|v| v != "0" && v != "false");
    let query = AnomaliesQuery {
        from: Some(from.clone()),
        to: Some(to.clone()),
        agency: Some(agency.clone()).filter(|a| !a.is_empty()),
        agency_only,
    };
    let read = session
        .run(&ctx.pool, move |conn, caller| Ok(oversight::anomalies_on(conn, &caller, query, now)))
        .await
        .in_layout(&layout)?;
    let mut page = AnomaliesPage {
        layout,
        from,
        to,
        agency,
        agency_only,
        heading: String::new(),
        judged_at: fmt::time(now.naive_utc()),
        rules: vec![],
        error: None,
    };
    match read {
        Ok(a) => {
            let s = &a.selection;
            page.agency = s.agency.code.clone();
            page.heading = format!(
                "{}{}, {} – {}",
                crate::domain::labels::committee_name(&s.agency.name),
                if agency_only { "" } else { " và các đơn vị trực thuộc" },
                s.from.format("%d/%m/%Y"),
                s.to.format("%d/%m/%Y")
            );
            page.rules = a
                .rules
                .iter()
                .map(|r| RuleSection {
                    id: r.rule.id(),
                    name: r.rule.name(),
                    explanation: r.rule.explanation_vi(),
                    count: r.count,
                    lines: r.findings.iter().map(line).collect(),
                })
                .collect();
            Ok(render(StatusCode::OK, &page))
        }
        Err(e) if e.status_and_code().0.is_client_error() && e.status_and_code().0 != StatusCode::FORBIDDEN => {
            let status = e.status_and_code().0;
            page.error = Some(messages::vi(&e));
            Ok(render(status, &page))
        }
        Err(e) => Err(PageError::InLayout(e, Box::new(page.layout))),
    }
}
