use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::services::catalogue::{self, AgencyQuery, LineageLink, LinkEnd};
use crate::storage::agencies::AgencyRow;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AgencyParams {
    /// ministry, province, district or commune.
    pub level: Option<String>,
    /// Only the direct children of this agency.
    pub parent: Option<String>,
    /// This agency and everything below it.
    pub within: Option<String>,
    /// `YYYY-MM-DD`: the units that existed that day (default: today). The hierarchy changes
    /// over time (the district level ended on 30/06/2025).
    pub at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyView {
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub level: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub handles_procedures: bool,
    /// The first day the unit exists; null: since before the records.
    pub valid_from: Option<String>,
    /// The last day the unit exists; null: it still does.
    pub valid_to: Option<String>,
    /// Once the unit has ended: the successor that holds its work (its open dossiers, its
    /// accounts, and its history in statistics `hierarchy=as_is`).
    pub held_by: Option<String>,
    /// The code is the system's own until the province publishes one.
    pub provisional_code: bool,
}

impl From<AgencyRow> for AgencyView {
    fn from(a: AgencyRow) -> Self {
        Self {
            code: a.code,
            name: a.name,
            short_name: a.short_name,
            level: a.level,
            kind: a.kind,
            parent_code: a.parent_code,
            handles_procedures: a.handles_procedures,
            valid_from: a.valid_from.map(|d| d.to_string()),
            valid_to: a.valid_to.map(|d| d.to_string()),
            held_by: a.held_by,
            provisional_code: a.provisional_code,
        }
    }
}

/// The province's agencies, parents before children.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "catalogue", params(AgencyParams),
    responses((status = 200, body = [AgencyView]), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(ctx: web::Data<AppContext>, params: web::Query<AgencyParams>) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let today = crate::domain::calendar::to_vietnam(ctx.clock.now()).date_naive();
    let at = p.at.or_else(|| Some(today.to_string()));
    let rows =
        catalogue::list_agencies(&ctx.pool, AgencyQuery { level: p.level, parent: p.parent, within: p.within, at })
            .await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(AgencyView::from).collect::<Vec<_>>()))
}

/// One end of a lineage link: a unit of this system (with its code) or a former unit outside it
/// (by name, with its province).
#[derive(Serialize, utoipa::ToSchema)]
pub struct LinkEndView {
    pub code: Option<String>,
    pub name: String,
    pub province: Option<String>,
}

/// `to` came from `from`, wholly (`whole`) or in part, on `effective_on`, by `act`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LineageLinkView {
    pub from: LinkEndView,
    pub to: LinkEndView,
    pub whole: bool,
    pub effective_on: String,
    pub act: String,
}

impl From<LineageLink> for LineageLinkView {
    fn from(l: LineageLink) -> Self {
        let end = |e: LinkEnd| LinkEndView { code: e.code, name: e.name, province: e.province };
        Self { from: end(l.from), to: end(l.to), whole: l.whole, effective_on: l.effective_on.to_string(), act: l.act }
    }
}

fn views(links: Vec<LineageLink>) -> Vec<LineageLinkView> {
    links.into_iter().map(LineageLinkView::from).collect()
}

/// An agency with the units it came from and went into.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyDetailView {
    #[serde(flatten)]
    pub agency: AgencyView,
    pub predecessors: Vec<LineageLinkView>,
    pub successors: Vec<LineageLinkView>,
}

/// One agency by its QCVN 102 code, with its validity and its direct lineage.
#[utoipa::path(get, path = "/api/v1/agencies/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.05.H12")),
    responses((status = 200, body = AgencyDetailView), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(ctx: web::Data<AppContext>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let d = catalogue::agency_detail(&ctx.pool, code.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AgencyDetailView {
        agency: AgencyView::from(d.agency),
        predecessors: views(d.predecessors),
        successors: views(d.successors),
    }))
}

/// An agency's whole lineage.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LineageView {
    pub agency: AgencyView,
    /// What it came from, and what those came from: newest first.
    pub ancestry: Vec<LineageLinkView>,
    /// What it went into, and what those went into: oldest first.
    pub descent: Vec<LineageLinkView>,
}

/// The whole ancestry and descent of an agency, with dates, whole or part, and the act.
#[utoipa::path(get, path = "/api/v1/agencies/{code}/lineage", tag = "catalogue",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.01.31.H12")),
    responses((status = 200, body = LineageView), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn lineage(ctx: web::Data<AppContext>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (agency, ancestry, descent) = catalogue::agency_lineage(&ctx.pool, code.into_inner()).await?;
    Ok(HttpResponse::Ok().json(LineageView {
        agency: AgencyView::from(agency),
        ancestry: views(ancestry),
        descent: views(descent),
    }))
}
