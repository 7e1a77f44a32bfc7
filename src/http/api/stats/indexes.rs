//! The national evaluation indexes (issue 16 item 4): TT 01/2018's evaluation
//! (`/api/v1/stats/evaluation`) and the QĐ 766 index with ND 224's real-time metrics
//! (`/api/v1/stats/index766`), from the counters (`domain::indexes`).
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::extractor::Unverified;
use crate::domain::indexes::{self, Indicator};
use crate::error::AppError;
use crate::services::stats::{self, IndexUnit, Indexes, StatsQuery};
use crate::storage;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IndexParams {
    /// First day of the period, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last day of the period (inclusive), YYYY-MM-DD.
    pub to: Option<String>,
    /// An agency code; default your own. Its subtree is included unless `agency_only=true`.
    pub agency: Option<String>,
    pub agency_only: Option<bool>,
    /// none (default): the agency as one unit; agency: also each agency below it as a unit.
    pub group_by: Option<String>,
    /// `as_is` (default) or `as_was`, as for the report.
    pub hierarchy: Option<String>,
    /// `receiving` (default) or `deciding`, as for the report.
    pub counted_at: Option<String>,
}

/// One indicator: what it counts, from what, by which formula and source.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IndexIndicatorView {
    /// The source's number (`1`…`9`, `2.1`) or a metric's name.
    pub id: String,
    pub name: String,
    /// False when motcua holds no data for it (`note` says why): it counts for nothing.
    pub computed: bool,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// TT 01/2018: the score, 0–2 (one decimal). QĐ 766 and ND 224: the rate in percent (two
    /// decimals), or the hours for a processing time.
    pub value: Option<f64>,
    /// QĐ 766: the share of the indicator's full points earned (0–1) where the source gives the rule.
    pub attainment: Option<f64>,
    pub formula: String,
    pub source: String,
    pub note: Option<String>,
}

impl From<&Indicator> for IndexIndicatorView {
    fn from(i: &Indicator) -> Self {
        Self {
            id: i.id.into(),
            name: i.name.into(),
            computed: i.computed,
            numerator: i.numerator,
            denominator: i.denominator,
            value: i.value,
            attainment: i.attainment,
            formula: i.formula.into(),
            source: i.source.into(),
            note: i.note.map(str::to_string),
        }
    }
}

/// One unit's TT 01/2018 evaluation.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EvaluationUnitView {
    pub key: String,
    pub label: String,
    pub indicators: Vec<IndexIndicatorView>,
    /// The sum of the computed indicators' scores.
    pub total: f64,
    /// What the computed indicators could give at most (2 each; 18 with all nine).
    pub max_total: f64,
    /// Điều 15's grade (xuất sắc, tốt, khá, trung bình, yếu) of `total` scaled to 18.
    pub grade: Option<String>,
    /// True while not all nine indicators are computed.
    pub grade_is_estimate: bool,
}

/// What an index is of: the period, the agency, the source.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IndexHeader {
    pub from: String,
    pub to: String,
    pub agency_code: String,
    pub agency_name: String,
    pub source: String,
}

impl IndexHeader {
    fn of(r: &Indexes, source: &str) -> Self {
        let s = &r.selection;
        Self {
            from: s.from.to_string(),
            to: s.to.to_string(),
            agency_code: s.agency.code.clone(),
            agency_name: s.agency.name.clone(),
            source: source.into(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    #[serde(flatten)]
    pub header: IndexHeader,
    /// The agencies below, each as a unit (group_by=agency), those with dossiers in the period.
    pub units: Vec<EvaluationUnitView>,
    /// The selected agency (with its subtree unless agency_only) as one unit.
    pub total: EvaluationUnitView,
}

/// One group of the QĐ 766 index.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Index766GroupView {
    pub id: String,
    pub name: String,
    /// The group's points in the five-group template (18 + 20 + 22 + 22 + 18; unverified against the decision's annex).
    pub max_points: f64,
    /// `max_points` × the mean attainment of its indicators that give one; null when none does.
    pub points: Option<f64>,
    pub indicators: Vec<IndexIndicatorView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Index766UnitView {
    pub key: String,
    pub label: String,
    pub groups: Vec<Index766GroupView>,
    /// The sum of the groups' points, over those that have any.
    pub points: f64,
    /// The most those groups give.
    pub max_points: f64,
    /// ND 224/2026 Điều 19.2: the metrics to track in real time, those motcua computes.
    pub realtime_metrics: Vec<IndexIndicatorView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Index766View {
    #[serde(flatten)]
    pub header: IndexHeader,
    pub units: Vec<Index766UnitView>,
    pub total: Index766UnitView,
}

fn query(p: IndexParams) -> StatsQuery {
    StatsQuery {
        from: p.from,
        to: p.to,
        agency: p.agency,
        agency_only: p.agency_only.unwrap_or(false),
        group_by: p.group_by,
        hierarchy: p.hierarchy,
        counted_at: p.counted_at,
    }
}

async fn read(ctx: &AppContext, caller: Unverified, p: IndexParams) -> Result<Indexes, AppError> {
    let q = query(p);
    storage::run_as(&ctx.pool, caller, move |conn, caller| stats::indexes_on(conn, &caller, q)).await
}

fn evaluation_unit(u: &IndexUnit) -> EvaluationUnitView {
    let e = indexes::evaluation(&u.row, u.procedures, u.all_procedures);
    EvaluationUnitView {
        key: u.key.clone(),
        label: u.label.clone(),
        indicators: e.indicators.iter().map(Into::into).collect(),
        total: e.total,
        max_total: e.max_total,
        grade: e.grade.map(str::to_string),
        grade_is_estimate: e.grade_is_estimate,
    }
}

fn index766_unit(u: &IndexUnit) -> Index766UnitView {
    let groups = indexes::index766(&u.row, u.procedures, u.all_procedures);
    let scored: Vec<&indexes::Group> = groups.iter().filter(|g| g.points.is_some()).collect();
    Index766UnitView {
        key: u.key.clone(),
        label: u.label.clone(),
        points: (scored.iter().filter_map(|g| g.points).sum::<f64>() * 100.0).round() / 100.0,
        max_points: scored.iter().map(|g| g.max_points).sum(),
        groups: groups
            .iter()
            .map(|g| Index766GroupView {
                id: g.id.into(),
                name: g.name.into(),
                max_points: g.max_points,
                points: g.points,
                indicators: g.indicators.iter().map(Into::into).collect(),
            })
            .collect(),
        realtime_metrics: indexes::realtime_metrics(&u.row, u.procedures, u.all_procedures)
            .iter()
            .map(Into::into)
            .collect(),
    }
}

/// TT 01/2018/TT-VPCP Điều 12–15: the nine indicators scored 2/1/0 (per dossier, averaged; or per
/// unit) and the unit's grade, for a period, from the counters. Indicators motcua holds no data
/// for are listed with the reason and count for nothing; the grade is then an estimate.
#[utoipa::path(get, path = "/api/v1/stats/evaluation", tag = "statistics", params(IndexParams),
    security(("bearer" = [])),
    responses((status = 200, body = EvaluationView), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn evaluation(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<IndexParams>,
) -> Result<HttpResponse, AppError> {
    let r = read(&ctx, caller, params.into_inner()).await?;
    Ok(HttpResponse::Ok().json(EvaluationView {
        header: IndexHeader::of(&r, "TT 01/2018/TT-VPCP Điều 12–15"),
        units: r.units.iter().map(evaluation_unit).collect(),
        total: evaluation_unit(&r.total),
    }))
}

/// QĐ 766/QĐ-TTg: the indicators of Cổng DVCQG's formulas that motcua holds the data of (a dossier
/// with more than one supplement request counts as overdue in 2.1; digitisation, online payment
/// and electronic results count as zero until motcua has them), with ND 224/2026 Điều 19.2's
/// real-time metrics, for a period, from the counters.
#[utoipa::path(get, path = "/api/v1/stats/index766", tag = "statistics", params(IndexParams),
    security(("bearer" = [])),
    responses((status = 200, body = Index766View), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn index766(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<IndexParams>,
) -> Result<HttpResponse, AppError> {
    let r = read(&ctx, caller, params.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Index766View {
        header: IndexHeader::of(&r, "QĐ 766/QĐ-TTg (Cổng DVCQG formulas); ND 224/2026/NĐ-CP Điều 19.2"),
        units: r.units.iter().map(index766_unit).collect(),
        total: index766_unit(&r.total),
    }))
}
