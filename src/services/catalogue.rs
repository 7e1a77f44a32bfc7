//! The public catalogue: agencies and procedures.
use std::collections::HashMap;

use crate::domain::{text::fold, AgencyCode, AgencyLevel, OnlineLevel, ProcedureCode};
use crate::error::AppError;
use crate::storage::agencies::{AgencyFilter, AgencyRow};
use crate::storage::procedures::{ProcedureFilter, ProcedureRecord};
use crate::storage::{self, agencies, procedures, Pool};

/// Query of the agency list, as it arrives from outside.
#[derive(Debug, Default, Clone)]
pub struct AgencyQuery {
    pub level: Option<String>,
    pub parent: Option<String>,
    pub within: Option<String>,
}

pub async fn list_agencies(pool: &Pool, query: AgencyQuery) -> Result<Vec<AgencyRow>, AppError> {
    let filter = AgencyFilter {
        level: query.level.as_deref().map(parse_level).transpose()?.map(|l| l.as_str().to_string()),
        parent: query.parent.as_deref().map(parse_agency).transpose()?.map(|c| c.to_string()),
        within: query.within.as_deref().map(parse_agency).transpose()?.map(|c| c.to_string()),
    };
    storage::run(pool, move |conn| Ok(agencies::list(conn, &filter)?)).await
}

pub async fn get_agency(pool: &Pool, code: String) -> Result<AgencyRow, AppError> {
    let code = parse_agency(&code)?;
    storage::run(pool, move |conn| {
        agencies::find(conn, code.as_str())?
            .ok_or_else(|| AppError::not_found("agency_not_found", format!("no agency has the code {code}")))
    })
    .await
}

/// Query of the procedure catalogue, as it arrives from outside.
#[derive(Debug, Default, Clone)]
pub struct ProcedureQuery {
    pub level: Option<String>,
    pub field: Option<String>,
    pub online_level: Option<i64>,
    pub min_online_level: Option<i64>,
    pub q: Option<String>,
}

pub async fn list_procedures(pool: &Pool, query: ProcedureQuery) -> Result<Vec<ProcedureEntry>, AppError> {
    let online = |v: Option<i64>| -> Result<Option<i32>, AppError> {
        v.map(|n| {
            OnlineLevel::new(n)
                .map(|l| i32::from(l.get()))
                .map_err(|e| AppError::bad_request("invalid_online_level", e.to_string()))
        })
        .transpose()
    };
    let filter = ProcedureFilter {
        competent_level: query.level.as_deref().map(parse_level).transpose()?.map(|l| l.as_str().to_string()),
        field: query.field.filter(|f| !f.trim().is_empty()),
        online_level: online(query.online_level)?,
        min_online_level: online(query.min_online_level)?,
        folded_query: query.q.map(|q| fold(&q)).filter(|q| !q.is_empty()),
    };
    if filter.folded_query.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(AppError::bad_request("invalid_query", "the search text is longer than 200 characters"));
    }
    storage::run(pool, move |conn| {
        let records = procedures::list_current(conn, &filter)?;
        let places = step_places(conn, &records)?;
        Ok(records.into_iter().map(|r| ProcedureEntry { record: r, places: places.clone() }).collect())
    })
    .await
}

/// code → (level, name) of the agencies that route steps name explicitly.
pub type StepPlaces = std::sync::Arc<HashMap<String, (String, String)>>;

/// A procedure with the level and name of every agency its route names explicitly.
#[derive(Debug, Clone)]
pub struct ProcedureEntry {
    pub record: ProcedureRecord,
    /// code → (level, name) of agencies named in route steps.
    pub places: StepPlaces,
}

fn step_places(conn: &mut crate::storage::AnyConnection, records: &[ProcedureRecord]) -> Result<StepPlaces, AppError> {
    let mut codes: Vec<String> = records
        .iter()
        .flat_map(|r| r.steps.iter())
        .filter(|s| AgencyCode::parse(&s.target).is_ok())
        .map(|s| s.target.clone())
        .collect();
    codes.sort();
    codes.dedup();
    Ok(std::sync::Arc::new(agencies::describe(conn, &codes)?.into_iter().map(|(c, l, n)| (c, (l, n))).collect()))
}

/// A procedure's current version (or the named one), with every version number.
pub async fn get_procedure(
    pool: &Pool,
    code: String,
    version: Option<i64>,
) -> Result<(ProcedureEntry, Vec<i32>), AppError> {
    let code =
        ProcedureCode::parse(&code).map_err(|e| AppError::bad_request("invalid_procedure_code", e.to_string()))?;
    let version = version
        .map(|v| i32::try_from(v).ok().filter(|v| *v > 0))
        .map(|v| v.ok_or_else(|| AppError::bad_request("invalid_version", "version must be a positive number")))
        .transpose()?;
    storage::run(pool, move |conn| {
        let record = procedures::find(conn, code.as_str(), version)?.ok_or_else(|| {
            AppError::not_found(
                "procedure_not_found",
                match version {
                    Some(v) => format!("procedure {code} has no version {v}"),
                    None => format!("no procedure has the code {code}"),
                },
            )
        })?;
        let versions = procedures::versions(conn, code.as_str())?;
        let places = step_places(conn, std::slice::from_ref(&record))?;
        Ok((ProcedureEntry { record, places }, versions))
    })
    .await
}

fn parse_level(s: &str) -> Result<AgencyLevel, AppError> {
    s.parse().map_err(|e: crate::domain::agency::UnknownLevel| AppError::bad_request("invalid_level", e.to_string()))
}

fn parse_agency(s: &str) -> Result<AgencyCode, AppError> {
    AgencyCode::parse(s).map_err(|e| AppError::bad_request("invalid_agency_code", e.to_string()))
}
