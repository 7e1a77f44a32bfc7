//! Anomalies that suggest gaming (issue 16 item 3): each rule, its count and the dossiers behind it.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::dossiers::rfc3339;
use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::oversight::{self, AgencyAnomalies, Anomalies, AnomaliesQuery, FactValue, Finding, RuleFindings};
use crate::storage;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AnomaliesParams {
    /// First day of the period, YYYY-MM-DD (Vietnam time).
    pub from: Option<String>,
    /// Last day of the period (inclusive), YYYY-MM-DD.
    pub to: Option<String>,
    /// An agency code; default your own. Its subtree is included unless `agency_only=true`.
    pub agency: Option<String>,
    pub agency_only: Option<bool>,
}

/// A fact that made the rule hold.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FactView {
    /// e.g. submitted_at, received_at, receipt_due_day, supplement_requested_at, due_at, refused_dossier.
    pub name: String,
    /// Times RFC 3339 in Vietnam time, days YYYY-MM-DD, numbers in decimal.
    pub value: String,
}

/// One flag.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FindingView {
    /// The dossier's code; null for an online submission not received yet, and for an off-system count.
    pub code: Option<String>,
    /// The submission's reference; null for an off-system count.
    pub reference: Option<String>,
    pub agency_code: String,
    pub agency_name: String,
    /// The act flagged (the submission or receipt, the request, the entry), RFC 3339 in Vietnam time.
    pub at: String,
    pub facts: Vec<FactView>,
}

fn value(v: &FactValue) -> String {
    match v {
        FactValue::Time(t) => rfc3339(t.naive_utc()),
        FactValue::Day(d) => d.to_string(),
        FactValue::Number(n) => n.to_string(),
        FactValue::Text(s) => s.clone(),
    }
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> Self {
        Self {
            code: f.code.clone(),
            reference: f.reference.clone(),
            agency_code: f.agency_code.clone(),
            agency_name: f.agency_name.clone(),
            at: rfc3339(f.at.naive_utc()),
            facts: f.facts.iter().map(|(n, v)| FactView { name: (*n).to_string(), value: value(v) }).collect(),
        }
    }
}

/// One rule and what it flagged.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RuleView {
    /// unreceived_online, repeated_supplement, pause_before_due, backdated_receipt,
    /// refused_resubmitted or late_off_system_count.
    pub id: String,
    /// The rule's name in Vietnamese.
    pub name: String,
    /// What it flags, why, its threshold and that threshold's source (or that none was found).
    pub explanation: String,
    /// Every flag in the scope and period.
    pub count: i64,
    /// The first 100 flags, the oldest act first.
    pub findings: Vec<FindingView>,
}

impl From<&RuleFindings> for RuleView {
    fn from(r: &RuleFindings) -> Self {
        Self {
            id: r.rule.id().into(),
            name: r.rule.name().into(),
            explanation: r.rule.explanation().into(),
            count: r.count,
            findings: r.findings.iter().map(Into::into).collect(),
        }
    }
}

/// One rule's count at an agency.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RuleCountView {
    pub rule: String,
    pub count: i64,
}

/// An agency with any flag, and its count per rule.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyAnomaliesView {
    pub agency_code: String,
    pub agency_name: String,
    pub counts: Vec<RuleCountView>,
}

impl From<&AgencyAnomalies> for AgencyAnomaliesView {
    fn from(a: &AgencyAnomalies) -> Self {
        Self {
            agency_code: a.agency_code.clone(),
            agency_name: a.agency_name.clone(),
            counts: crate::domain::anomalies::Rule::ALL
                .iter()
                .zip(a.counts)
                .map(|(r, count)| RuleCountView { rule: r.id().into(), count })
                .collect(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AnomaliesView {
    pub from: String,
    pub to: String,
    pub agency_code: String,
    pub agency_name: String,
    /// subtree or agency.
    pub scope: String,
    /// The moment judged (the server's clock), RFC 3339 in Vietnam time: online submissions still
    /// waiting are judged now.
    pub at: String,
    /// Every rule, in a fixed order, even those that flag nothing.
    pub rules: Vec<RuleView>,
    /// The agencies with any flag, by code.
    pub agencies: Vec<AgencyAnomaliesView>,
}

impl From<&Anomalies> for AnomaliesView {
    fn from(a: &Anomalies) -> Self {
        Self {
            from: a.selection.from.to_string(),
            to: a.selection.to.to_string(),
            agency_code: a.selection.agency.code.clone(),
            agency_name: a.selection.agency.name.clone(),
            scope: match a.selection.scope {
                crate::storage::stats::Scope::Agency(_) => "agency".into(),
                _ => "subtree".into(),
            },
            at: rfc3339(a.now.naive_utc()),
            rules: a.rules.iter().map(Into::into).collect(),
            agencies: a.agencies.iter().map(Into::into).collect(),
        }
    }
}

/// Anomalies that suggest gaming, per rule, with the dossiers behind each in your scope (issue 16
/// item 3): online submissions left unreceived, repeated supplement requests, pauses just before
/// the due date, back-dated receipts, refusals followed by a new dossier, off-system counts entered
/// late. Leaders and administrators.
#[utoipa::path(get, path = "/api/v1/oversight/anomalies", tag = "statistics", params(AnomaliesParams),
    security(("bearer" = [])),
    responses((status = 200, body = AnomaliesView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn anomalies(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<AnomaliesParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let q = AnomaliesQuery { from: p.from, to: p.to, agency: p.agency, agency_only: p.agency_only.unwrap_or(false) };
    let now = ctx.clock.now();
    let a =
        storage::run_as(&ctx.pool, caller, move |conn, caller| oversight::anomalies_on(conn, &caller, q, now)).await?;
    Ok(HttpResponse::Ok().json(AnomaliesView::from(&a)))
}
