use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::services::catalogue::{self, AgencyQuery};
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
        }
    }
}

/// The province's agencies, parents before children.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "catalogue", params(AgencyParams),
    responses((status = 200, body = [AgencyView]), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(ctx: web::Data<AppContext>, params: web::Query<AgencyParams>) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let rows =
        catalogue::list_agencies(&ctx.pool, AgencyQuery { level: p.level, parent: p.parent, within: p.within }).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(AgencyView::from).collect::<Vec<_>>()))
}

/// One agency by its QCVN 102 code.
#[utoipa::path(get, path = "/api/v1/agencies/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.05.H12")),
    responses((status = 200, body = AgencyView), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(ctx: web::Data<AppContext>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let row = catalogue::get_agency(&ctx.pool, code.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AgencyView::from(row)))
}
