//! The public catalogue: agencies and procedures.
use std::collections::HashMap;
use std::sync::Arc;

use crate::domain::receiving_choice;
use crate::domain::search::{names_field, Search, SearchText, SearchTextError, Synonyms};
use crate::domain::{AgencyCode, AgencyLevel, OnlineLevel, ProcedureCode};
use crate::error::{AppError, ErrorCode};
use crate::storage::agencies::{AgencyFilter, AgencyRow};
use crate::storage::procedures::{ProcedureFilter, ProcedureRecord};
use crate::storage::reorganisations::{self, LineageRow};
use crate::storage::{self, agencies, procedures, AnyConnection, Pool};

/// Query of the agency list, as it arrives from outside.
#[derive(Debug, Default, Clone)]
pub struct AgencyQuery {
    pub level: Option<String>,
    pub parent: Option<String>,
    pub within: Option<String>,
    /// `YYYY-MM-DD`: only the units that exist that day (none: every unit ever recorded).
    pub at: Option<String>,
}

fn agency_filter(query: &AgencyQuery) -> Result<AgencyFilter, AppError> {
    Ok(AgencyFilter {
        at: query.at.as_deref().map(crate::services::calendar::parse_day).transpose()?,
        level: query.level.as_deref().map(parse_level).transpose()?.map(|l| l.as_str().to_string()),
        parent: query.parent.as_deref().map(parse_agency).transpose()?.map(|c| c.to_string()),
        within: query.within.as_deref().map(parse_agency).transpose()?.map(|c| c.to_string()),
    })
}

pub async fn list_agencies(pool: &Pool, query: AgencyQuery) -> Result<Vec<AgencyRow>, AppError> {
    let filter = agency_filter(&query)?;
    storage::run(pool, move |conn| Ok(agencies::list(conn, &filter)?)).await
}

/// [`list_agencies`] on `conn` (a page's one trip).
pub fn list_agencies_on(conn: &mut AnyConnection, query: &AgencyQuery) -> Result<Vec<AgencyRow>, AppError> {
    let filter = agency_filter(query)?;
    Ok(agencies::list(conn, &filter)?)
}

/// The units that receive a procedure decided at `levels` on `day`, each in its area with its
/// predecessors' names (the online form's choice, `domain::receiving_choice`). At a commune level
/// every commune receives; above it only the units that handle procedures. Two statements.
pub fn receiving_units_on(
    conn: &mut AnyConnection,
    levels: &[String],
    day: chrono::NaiveDate,
) -> Result<Vec<receiving_choice::Unit>, AppError> {
    let all = agencies::list(conn, &AgencyFilter::default())?;
    let offered: Vec<&AgencyRow> = all
        .iter()
        .filter(|a| a.valid_on(day) && levels.contains(&a.level) && (a.handles_procedures || a.level == "commune"))
        .collect();
    let codes: Vec<String> = offered.iter().map(|a| a.code.clone()).collect();
    let mut formerly: HashMap<String, Vec<receiving_choice::Former>> = HashMap::new();
    for l in reorganisations::predecessors_of(conn, &codes)? {
        formerly.entry(l.successor_code).or_default().push(receiving_choice::Former {
            code: l.predecessor_code,
            name: l.predecessor_name,
            province: l.predecessor_province,
            whole: l.whole,
        });
    }
    let nodes: HashMap<String, receiving_choice::Node> = all
        .iter()
        .map(|a| {
            let node =
                receiving_choice::Node { name: a.name.clone(), level: a.level.clone(), parent: a.parent_code.clone() };
            (a.code.clone(), node)
        })
        .collect();
    Ok(offered
        .into_iter()
        .map(|a| {
            let formerly = formerly.remove(&a.code).unwrap_or_default();
            let area = receiving_choice::area_of(&a.code, &nodes, &formerly);
            receiving_choice::Unit { code: a.code.clone(), name: a.name.clone(), area, formerly }
        })
        .collect())
}

/// One link of an agency's lineage with both ends named: `to` came from `from` (wholly or in
/// part) on `effective_on` by `act`. `from.code` is None for a unit outside this system.
#[derive(Debug, Clone, PartialEq)]
pub struct LineageLink {
    pub from: LinkEnd,
    pub to: LinkEnd,
    pub whole: bool,
    pub effective_on: chrono::NaiveDate,
    pub act: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkEnd {
    pub code: Option<String>,
    pub name: String,
    /// For a unit outside this system: the province it belonged to.
    pub province: Option<String>,
}

/// An agency with the units it came from and went into.
#[derive(Debug, Clone)]
pub struct AgencyDetail {
    pub agency: AgencyRow,
    pub predecessors: Vec<LineageLink>,
    pub successors: Vec<LineageLink>,
}

/// Names both ends of `rows` (the successors' names in one query).
fn links(conn: &mut storage::AnyConnection, rows: Vec<LineageRow>) -> Result<Vec<LineageLink>, AppError> {
    let mut codes: Vec<String> = rows.iter().map(|r| r.successor_code.clone()).collect();
    codes.sort();
    codes.dedup();
    let names: HashMap<String, String> = if codes.is_empty() {
        HashMap::new()
    } else {
        agencies::describe(conn, &codes)?.into_iter().map(|(c, _, n)| (c, n)).collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| LineageLink {
            from: LinkEnd { code: r.predecessor_code, name: r.predecessor_name, province: r.predecessor_province },
            to: LinkEnd {
                name: names.get(&r.successor_code).cloned().unwrap_or_default(),
                code: Some(r.successor_code),
                province: None,
            },
            whole: r.whole,
            effective_on: r.effective_on,
            act: r.act,
        })
        .collect())
}

pub async fn get_agency(pool: &Pool, code: String) -> Result<AgencyRow, AppError> {
    let code = parse_agency(&code)?;
    storage::run(pool, move |conn| find_agency(conn, &code)).await
}

/// An agency with its predecessors and successors.
pub async fn agency_detail(pool: &Pool, code: String) -> Result<AgencyDetail, AppError> {
    let code = parse_agency(&code)?;
    storage::run(pool, move |conn| {
        let agency = find_agency(conn, &code)?;
        let predecessors = reorganisations::predecessors(conn, code.as_str())?;
        let successors = reorganisations::successors(conn, code.as_str())?;
        Ok(AgencyDetail { agency, predecessors: links(conn, predecessors)?, successors: links(conn, successors)? })
    })
    .await
}

/// The whole ancestry (what the agency came from, and what those came from, newest first) and
/// descent (what it went into, and so on, oldest first) of an agency.
pub async fn agency_lineage(
    pool: &Pool,
    code: String,
) -> Result<(AgencyRow, Vec<LineageLink>, Vec<LineageLink>), AppError> {
    let code = parse_agency(&code)?;
    storage::run(pool, move |conn| {
        let agency = find_agency(conn, &code)?;
        let (ancestry, descent) = reorganisations::lineage(conn, code.as_str())?;
        Ok((agency, links(conn, ancestry)?, links(conn, descent)?))
    })
    .await
}

/// [`get_agency`] on `conn` (a page's one trip).
pub fn get_agency_on(conn: &mut AnyConnection, code: &str) -> Result<AgencyRow, AppError> {
    find_agency(conn, &parse_agency(code)?)
}

fn find_agency(conn: &mut AnyConnection, code: &AgencyCode) -> Result<AgencyRow, AppError> {
    agencies::find(conn, code.as_str())?
        .ok_or_else(|| AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {code}")))
}

/// Query of the procedure catalogue, as it arrives from outside.
#[derive(Debug, Default, Clone)]
pub struct ProcedureQuery {
    pub level: Option<String>,
    /// The field's name, with or without diacritics ("Đất đai", "dat dai").
    pub field: Option<String>,
    pub online_level: Option<i64>,
    pub min_online_level: Option<i64>,
    /// Everyday words, a name or a code (see `domain::search`).
    pub q: Option<String>,
    /// The synonym list the search uses (empty by default).
    pub synonyms: Arc<Synonyms>,
}

/// A checked query: what the database filters, and what is matched on the rows.
struct CatalogueSearch {
    filter: ProcedureFilter,
    field: Option<String>,
    search: Option<Search>,
}

fn procedure_filter(query: ProcedureQuery) -> Result<CatalogueSearch, AppError> {
    let online = |v: Option<i64>| -> Result<Option<i32>, AppError> {
        v.map(|n| {
            OnlineLevel::new(n)
                .map(|l| i32::from(l.get()))
                .map_err(|e| AppError::new(ErrorCode::InvalidOnlineLevel, e.to_string()))
        })
        .transpose()
    };
    let filter = ProcedureFilter {
        competent_level: query.level.as_deref().map(parse_level).transpose()?.map(|l| l.as_str().to_string()),
        online_level: online(query.online_level)?,
        min_online_level: online(query.min_online_level)?,
    };
    // The field is checked as a search text is (length, control characters).
    search_text(query.field.as_deref())?;
    let search = search_text(query.q.as_deref())?.map(|t| Search::new(t, &query.synonyms));
    Ok(CatalogueSearch { filter, field: query.field.filter(|f| !f.trim().is_empty()), search })
}

/// A search text as typed (None or blank: no search), checked: its length and no control characters.
pub fn search_text(t: Option<&str>) -> Result<Option<SearchText>, AppError> {
    t.map(SearchText::parse).transpose().map(Option::flatten).map_err(|e| match e {
        SearchTextError::TooLong => AppError::new(ErrorCode::InvalidQuery, e.to_string()),
        SearchTextError::ControlCharacter(_) => AppError::new(ErrorCode::InvalidText, e.to_string()),
    })
}

pub async fn list_procedures(pool: &Pool, query: ProcedureQuery) -> Result<Vec<ProcedureEntry>, AppError> {
    let search = procedure_filter(query)?;
    storage::run(pool, move |conn| current_procedures(conn, &search)).await
}

/// [`list_procedures`] on `conn` (a page's one trip).
pub fn list_procedures_on(conn: &mut AnyConnection, query: ProcedureQuery) -> Result<Vec<ProcedureEntry>, AppError> {
    current_procedures(conn, &procedure_filter(query)?)
}

/// The current procedures that pass the filters; with a search text, only those that match it,
/// best first (`domain::search::Rank`), else by field and code.
fn current_procedures(conn: &mut AnyConnection, search: &CatalogueSearch) -> Result<Vec<ProcedureEntry>, AppError> {
    let mut rows = procedures::current_rows(conn, &search.filter)?;
    if let Some(field) = &search.field {
        rows.retain(|r| names_field(field, &r.field));
    }
    if let Some(s) = &search.search {
        rows = s.order(rows, |r| (r.code.as_str(), r.name.as_str(), r.field.as_str()));
    }
    let records = procedures::with_children(conn, rows)?;
    let places = step_places(conn, &records)?;
    Ok(records.into_iter().map(|r| ProcedureEntry { record: r, places: places.clone(), templates: vec![] }).collect())
}

/// code → (level, name) of the agencies that route steps name explicitly.
pub type StepPlaces = std::sync::Arc<HashMap<String, (String, String)>>;

/// A procedure with the level and name of every agency its route names explicitly.
#[derive(Debug, Clone)]
pub struct ProcedureEntry {
    pub record: ProcedureRecord,
    /// code → (level, name) of agencies named in route steps.
    pub places: StepPlaces,
    /// The version's templates (tờ khai, mẫu đơn), read for one procedure; lists leave it empty.
    pub templates: Vec<crate::storage::templates::TemplateInfo>,
}

fn step_places(conn: &mut AnyConnection, records: &[ProcedureRecord]) -> Result<StepPlaces, AppError> {
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
    let (code, version) = procedure_key(&code, version)?;
    storage::run(pool, move |conn| find_procedure(conn, &code, version)).await
}

/// [`get_procedure`] on `conn` (a page's one trip).
pub fn get_procedure_on(
    conn: &mut AnyConnection,
    code: &str,
    version: Option<i64>,
) -> Result<(ProcedureEntry, Vec<i32>), AppError> {
    let (code, version) = procedure_key(code, version)?;
    find_procedure(conn, &code, version)
}

/// A procedure code and an optional version number from outside, checked.
pub fn procedure_key(code: &str, version: Option<i64>) -> Result<(ProcedureCode, Option<i32>), AppError> {
    let code = ProcedureCode::parse(code).map_err(|e| AppError::new(ErrorCode::InvalidProcedureCode, e.to_string()))?;
    let version = version
        .map(|v| i32::try_from(v).ok().filter(|v| *v > 0))
        .map(|v| v.ok_or_else(|| AppError::new(ErrorCode::InvalidVersion, "version must be a positive number")))
        .transpose()?;
    Ok((code, version))
}

fn find_procedure(
    conn: &mut AnyConnection,
    code: &ProcedureCode,
    version: Option<i32>,
) -> Result<(ProcedureEntry, Vec<i32>), AppError> {
    let record = procedures::find(conn, code.as_str(), version)?.ok_or_else(|| {
        AppError::new(
            ErrorCode::ProcedureNotFound,
            match version {
                Some(v) => format!("procedure {code} has no version {v}"),
                None => format!("no procedure has the code {code}"),
            },
        )
    })?;
    let versions = procedures::versions(conn, code.as_str())?;
    let places = step_places(conn, std::slice::from_ref(&record))?;
    let templates = crate::storage::templates::list(conn, &record.procedure.id)?;
    Ok((ProcedureEntry { record, places, templates }, versions))
}

fn parse_level(s: &str) -> Result<AgencyLevel, AppError> {
    s.parse().map_err(|e: crate::domain::agency::UnknownLevel| AppError::new(ErrorCode::InvalidLevel, e.to_string()))
}

fn parse_agency(s: &str) -> Result<AgencyCode, AppError> {
    AgencyCode::parse(s).map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))
}

/// What an administrator changes in a procedure; absent fields keep the current version's value.
#[derive(Debug, Clone, Default)]
pub struct ProcedureChange {
    pub online_level: Option<i64>,
    pub time_limit_value: Option<i64>,
    pub time_limit_unit: Option<String>,
    pub fee_vnd: Option<i64>,
    pub fee_description: Option<String>,
    /// The route steps' new shares of the time limit, in step order (needed when the limit changes).
    pub step_shares: Option<Vec<i64>>,
    /// Marks (or unmarks) the procedure as a nationwide centralised service (TT 04/2025 Điều 23).
    pub nationwide_centralised: Option<bool>,
}

/// The version an administrator's change created.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub previous_version: i32,
    pub record: ProcedureRecord,
}

/// An administrator changes a procedure's online level, time limit, fee or step shares by creating
/// a new current version (DOMAIN.md §3: dossiers keep the version they were received under, so the
/// old row is never edited). Documents, route steps and templates are copied. One transaction; a concurrent
/// change of the same procedure answers 409 `concurrent_update`.
pub async fn revise_procedure(
    pool: &Pool,
    who: impl Into<crate::auth::extractor::Who>,
    code: String,
    change: ProcedureChange,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NewVersion, AppError> {
    storage::run_as(pool, who, move |conn, caller| revise_procedure_on(conn, &caller, &code, change, now)).await
}

/// [`revise_procedure`] on `conn`.
pub fn revise_procedure_on(
    conn: &mut AnyConnection,
    caller: &crate::auth::Caller,
    code: &str,
    change: ProcedureChange,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NewVersion, AppError> {
    use crate::domain::procedure::{validate_route, RouteStep, StepTarget, TimeLimit, TimeUnit};
    caller.require_role(&[crate::domain::Role::Admin])?;
    let code = ProcedureCode::parse(code).map_err(|e| AppError::new(ErrorCode::InvalidProcedureCode, e.to_string()))?;
    let online = change
        .online_level
        .map(|l| OnlineLevel::new(l).map_err(|e| AppError::new(ErrorCode::InvalidOnlineLevel, e.to_string())))
        .transpose()?;
    let limit_value = change
        .time_limit_value
        .map(|v| {
            u32::try_from(v).ok().filter(|v| (1..=3650).contains(v)).ok_or_else(|| {
                AppError::new(ErrorCode::InvalidTimeLimit, "the time limit is a whole number from 1 to 3650")
            })
        })
        .transpose()?;
    let unit = change
        .time_limit_unit
        .as_deref()
        .map(|u| u.trim().parse::<TimeUnit>().map_err(|e| AppError::new(ErrorCode::InvalidTimeUnit, e.to_string())))
        .transpose()?;
    let fee = change
        .fee_vnd
        .map(|f| {
            (0..=1_000_000_000_000)
                .contains(&f)
                .then_some(f)
                .ok_or_else(|| AppError::new(ErrorCode::InvalidFee, "the fee is a whole number of đồng, 0 or more"))
        })
        .transpose()?;
    let fee_description = change.fee_description.map(|d| d.trim().to_string());
    if fee_description.as_ref().is_some_and(|d| d.chars().count() > 500) {
        return Err(AppError::new(ErrorCode::InvalidFee, "the fee description has at most 500 characters"));
    }
    let shares = change
        .step_shares
        .map(|s| {
            s.into_iter()
                .map(|x| u32::try_from(x).ok().filter(|x| *x <= 3650))
                .collect::<Option<Vec<u32>>>()
                .ok_or_else(|| AppError::new(ErrorCode::InvalidStepShares, "each step's share is a whole number ≥ 0"))
        })
        .transpose()?;
    if online.is_none()
        && limit_value.is_none()
        && unit.is_none()
        && fee.is_none()
        && fee_description.is_none()
        && shares.is_none()
        && change.nationwide_centralised.is_none()
    {
        return Err(AppError::new(ErrorCode::NothingToChange, "name at least one thing to change"));
    }
    let result = crate::storage::transaction(conn, |conn| {
        // A write first (SQLite takes its lock up front): the current version stops being current.
        if !procedures::retire_current(conn, code.as_str())? {
            return Err(if procedures::versions(conn, code.as_str())?.is_empty() {
                AppError::new(ErrorCode::ProcedureNotFound, format!("no procedure has the code {code}"))
            } else {
                AppError::new(ErrorCode::ConcurrentUpdate, "someone changed this procedure at the same time; try again")
            });
        }
        let last = *procedures::versions(conn, code.as_str())?.last().expect("a version exists");
        let old = procedures::find(conn, code.as_str(), Some(last))?.expect("the version just listed");
        let mut p = old.procedure.clone();
        let id = uuid::Uuid::now_v7().to_string();
        p.id = id.clone();
        p.version = last + 1;
        p.is_current = true;
        p.created_at = now.naive_utc();
        if let Some(l) = online {
            p.online_level = i32::from(l.get());
        }
        if let Some(v) = limit_value {
            p.time_limit_value = v as i32;
        }
        if let Some(u) = unit {
            p.time_limit_unit = u.as_str().to_string();
        }
        if let Some(f) = fee {
            p.fee_vnd = f;
        }
        if let Some(d) = fee_description.clone() {
            p.fee_description = d;
        }
        if let Some(n) = change.nationwide_centralised {
            p.nationwide_centralised = n;
        }
        let mut steps = old.steps.clone();
        if let Some(shares) = &shares {
            if shares.len() != steps.len() {
                return Err(AppError::new(
                    ErrorCode::InvalidStepShares,
                    format!("the route has {} steps: give one share per step", steps.len()),
                ));
            }
            for (s, share) in steps.iter_mut().zip(shares) {
                s.time_share = *share as i32;
            }
        }
        let route = steps
            .iter()
            .map(|s| {
                Ok(RouteStep {
                    name: s.name.clone(),
                    target: StepTarget::parse(&s.target).map_err(|e| AppError::Internal(e.into()))?,
                    department: None,
                    time_share: s.time_share.max(0) as u32,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let limit = TimeLimit {
            value: p.time_limit_value as u32,
            unit: p
                .time_limit_unit
                .parse()
                .map_err(|e: crate::domain::procedure::UnknownTimeUnit| AppError::Internal(e.into()))?,
        };
        validate_route(&route, limit).map_err(|e| {
            AppError::new(
                ErrorCode::RouteSharesMismatch,
                format!("{e}: give step_shares, one per route step, adding up to the new time limit"),
            )
        })?;
        let record = ProcedureRecord {
            documents: old
                .documents
                .iter()
                .map(|d| procedures::DocumentRow { procedure_id: id.clone(), ..d.clone() })
                .collect(),
            steps: steps.into_iter().map(|s| procedures::StepRow { procedure_id: id.clone(), ..s }).collect(),
            procedure: p,
        };
        procedures::insert(conn, &record)?;
        // The templates go with the version, as its documents and route do; the old keeps its own.
        crate::storage::templates::copy(conn, &old.procedure.id, &id)?;
        Ok(NewVersion { previous_version: last, record })
    })?;
    tracing::info!(
        admin = %caller.username,
        procedure = %result.record.procedure.code,
        version = result.record.procedure.version,
        "procedure version created"
    );
    Ok(result)
}
