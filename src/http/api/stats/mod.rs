//! Statistics (DOMAIN.md §6): Biểu II.06a in `report.rs`, the plans' indicators in `kpis.rs`, the
//! online submissions waiting for a clerk in `intake.rs`, and the off-system counts entered by hand
//! here; what both exports share (CSV quoting, the XLSX content type, the choice of format) is here too.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::extractor::Unverified;
use crate::error::{AppError, ErrorCode};
use crate::services::stats;

mod indexes;
mod intake;
mod kpis;
mod report;

// The handlers, their views and exports keep their paths (`stats::report`, `stats::kpis_csv`, …);
// the glob carries utoipa's `__path_*` companions that `openapi` names.
pub use indexes::*;
pub use intake::*;
pub use kpis::*;
pub use report::*;

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// How a statistics answer is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Export {
    Json,
    Csv,
    Xlsx,
}

impl Export {
    fn parse(format: Option<&str>) -> Result<Self, AppError> {
        match format.unwrap_or("json") {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(AppError::new(ErrorCode::InvalidFormat, "format is json, csv or xlsx")),
        }
    }

    /// The file download for CSV and XLSX (named `name.csv` / `name.xlsx`); None for JSON.
    fn download(
        self,
        name: &str,
        csv: impl FnOnce() -> String,
        xlsx: impl FnOnce() -> Result<Vec<u8>, AppError>,
    ) -> Option<Result<HttpResponse, AppError>> {
        let (content_type, ext, body) = match self {
            Self::Json => return None,
            Self::Csv => ("text/csv; charset=utf-8", "csv", Ok(csv().into_bytes())),
            Self::Xlsx => (XLSX, "xlsx", xlsx()),
        };
        Some(body.map(|b| {
            HttpResponse::Ok()
                .content_type(content_type)
                .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}.{ext}\"")))
                .body(b)
        }))
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("cannot build the workbook: {e}"))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OffSystemRequest {
    pub agency_code: String,
    pub from: String,
    pub to: String,
    /// Dossiers the agency handled outside motcua in that period.
    pub dossiers: i64,
}

/// Enter an agency's off-system dossier count for a period (for dossiers_in_system_pct).
#[utoipa::path(put, path = "/api/v1/stats/off-system", tag = "statistics", request_body = OffSystemRequest,
    security(("bearer" = [])),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn off_system(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    body: web::Json<OffSystemRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    stats::set_off_system(&ctx.pool, caller, b.agency_code, Some(b.from), Some(b.to), b.dossiers, ctx.clock.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
