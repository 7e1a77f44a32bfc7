//! Administrators manage agencies (issue 13 item 7): create a unit, rename it (a new version with a
//! new code), close it into a successor. Every change is audited (`agency_changes`: who, when,
//! what) in the transaction that makes it.
//!
//! A code, once used, always means the same unit (DOMAIN.md §2): a rename is never a rewrite. It
//! is a one-step reorganisation — the new version begins on the effective date, formed whole from
//! the old unit, which ends the day before and is held by it — built as a plan in the plan file's
//! format and loaded through [`reorganise::load_by`], the path every reorganisation takes: the same
//! check, the same dry run, the same report, the same exactly-once application (at once when the
//! date has come, else when it comes), the same moves of open dossiers and accounts. A close is
//! the same with no new unit: the successor, a unit that goes on, takes the closed one in whole.
//!
//! Scope: the province's administrator manages every unit of the province (the deployment is one
//! province; there is no per-agency administrator).
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::auth::extractor::Who;
use crate::auth::Caller;
use crate::domain::agency::check_parent;
use crate::domain::calendar::to_vietnam;
use crate::domain::{AgencyCode, AgencyLevel, Role};
use crate::error::{AppError, ErrorCode};
use crate::services::calendar::parse_day;
use crate::services::reorganise::{self, Report};
use crate::storage::agencies::{AgencyFilter, AgencyRow};
use crate::storage::agency_changes::{self, AgencyChangeRow};
use crate::storage::reorganisations::{self, LineageRow};
use crate::storage::{self, agencies, AnyConnection, Pool};

/// The kinds of unit the seeds use (seeds/FORMAT.md).
pub const KINDS: [&str; 4] = ["people_committee", "department", "service_centre", "ministry"];

/// The longest name or act accepted.
const MAX_TEXT: usize = 200;

/// A unit to create, as it arrives from outside.
#[derive(Debug, Clone, Default)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    pub level: String,
    pub kind: String,
    pub parent_code: Option<String>,
    /// `YYYY-MM-DD`; none: today in Vietnam.
    pub valid_from: Option<String>,
    /// None: every level but the ministry handles procedures.
    pub handles_procedures: Option<bool>,
    pub provisional_code: bool,
}

/// A rename, as it arrives from outside.
#[derive(Debug, Clone, Default)]
pub struct Rename {
    pub new_code: String,
    pub new_name: String,
    /// `YYYY-MM-DD`: the new version's first day.
    pub effective_on: String,
    pub act: String,
    /// `YYYY-MM-DD`; none: the effective date.
    pub act_date: Option<String>,
    pub provisional_code: bool,
}

/// A close, as it arrives from outside.
#[derive(Debug, Clone, Default)]
pub struct Close {
    pub successor: String,
    /// `YYYY-MM-DD`: the first day without the unit.
    pub effective_on: String,
    pub act: String,
    pub act_date: Option<String>,
}

fn unit_code(s: &str) -> Result<AgencyCode, AppError> {
    AgencyCode::parse(s.trim()).map_err(|e| AppError::new(ErrorCode::InvalidUnitCode, e.to_string()))
}

fn agency_code(s: &str) -> Result<AgencyCode, AppError> {
    AgencyCode::parse(s.trim()).map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))
}

fn text(s: &str, code: ErrorCode, what: &str) -> Result<String, AppError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > MAX_TEXT || s.chars().any(char::is_control) {
        return Err(AppError::new(code, format!("{what}: 1–{MAX_TEXT} characters, no control characters")));
    }
    Ok(s.to_string())
}

fn today(now: DateTime<Utc>) -> NaiveDate {
    to_vietnam(now).date_naive()
}

fn find(conn: &mut AnyConnection, code: &AgencyCode) -> Result<AgencyRow, AppError> {
    agencies::find(conn, code.as_str())?
        .ok_or_else(|| AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {code}")))
}

pub(crate) fn audit(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    action: &str,
    detail: serde_json::Value,
    reorganisation: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    agency_changes::insert(
        conn,
        &AgencyChangeRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_code: code.to_string(),
            action: action.to_string(),
            detail: detail.to_string(),
            at: now.naive_utc(),
            by_user: caller.username.clone(),
            reorganisation_id: reorganisation,
        },
    )?;
    Ok(())
}

/// Creates a unit, valid from `valid_from` (default: today in Vietnam), under a parent valid that
/// day at its level or above; audited. The code must never have been used.
pub fn create_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    new: NewAgency,
    now: DateTime<Utc>,
) -> Result<AgencyRow, AppError> {
    caller.require_role(&[Role::Admin])?;
    let code = unit_code(&new.code)?;
    let name = text(&new.name, ErrorCode::InvalidAgencyName, "name")?;
    let level: AgencyLevel = new
        .level
        .trim()
        .parse()
        .map_err(|e: crate::domain::agency::UnknownLevel| AppError::new(ErrorCode::InvalidLevel, e.to_string()))?;
    let kind = new.kind.trim().to_string();
    if !KINDS.contains(&kind.as_str()) {
        return Err(AppError::new(ErrorCode::InvalidAgencyKind, format!("kind: one of {}", KINDS.join(", "))));
    }
    let parent_code = new.parent_code.as_deref().filter(|p| !p.trim().is_empty()).map(agency_code).transpose()?;
    let valid_from = new.valid_from.as_deref().filter(|d| !d.trim().is_empty()).map(parse_day).transpose()?;
    let valid_from = valid_from.unwrap_or_else(|| today(now));
    crate::storage::transaction(conn, |conn| {
        // The audit row first: on SQLite the transaction takes the write lock at once.
        let detail = json!({"code": code.as_str(), "name": name, "level": level.as_str(), "kind": kind,
            "parent_code": parent_code.as_ref().map(|p| p.as_str()), "valid_from": valid_from,
            "handles_procedures": new.handles_procedures, "provisional_code": new.provisional_code});
        audit(conn, caller, code.as_str(), "create", detail, None, now)?;
        if agencies::find(conn, code.as_str())?.is_some() {
            return Err(AppError::new(
                ErrorCode::AgencyCodeTaken,
                format!("the code {code} is already used: a code once used always means the same unit"),
            ));
        }
        let parent = match &parent_code {
            None => None,
            Some(p) => {
                let parent = agencies::find(conn, p.as_str())?
                    .ok_or_else(|| AppError::new(ErrorCode::UnknownAgency, format!("no agency has the code {p}")))?;
                if !parent.valid_on(valid_from) {
                    return Err(AppError::new(
                        ErrorCode::ParentNotValid,
                        format!("the parent {p} does not exist on {valid_from}"),
                    ));
                }
                let parent_level: AgencyLevel =
                    parent.level.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("stored agency {p}: {e}")))?;
                check_parent(&code, level, p, parent_level)
                    .map_err(|e| AppError::new(ErrorCode::ParentNotValid, e.to_string()))?;
                Some(parent)
            }
        };
        let row = AgencyRow {
            code: code.to_string(),
            name: name.clone(),
            short_name: None,
            level: level.as_str().to_string(),
            kind: kind.clone(),
            parent_code: parent_code.as_ref().map(|p| p.to_string()),
            path: parent.map(|p| format!("{}/{}", p.path, code)).unwrap_or_else(|| code.to_string()),
            handles_procedures: new.handles_procedures.unwrap_or(level != AgencyLevel::Ministry),
            created_at: now.naive_utc(),
            valid_from: Some(valid_from),
            valid_to: None,
            held_by: None,
            provisional_code: new.provisional_code,
            electronic_id: None,
        };
        agencies::insert(conn, &row)?;
        tracing::info!(agency = %code, by = %caller.username, "agency created");
        Ok(row)
    })
}

/// The dates of a rename or a close: the effective date and the act's (default: the same).
fn dates(effective_on: &str, act_date: Option<&str>) -> Result<(NaiveDate, NaiveDate), AppError> {
    let on = parse_day(effective_on)?;
    let act_date = act_date.filter(|d| !d.trim().is_empty()).map(parse_day).transpose()?.unwrap_or(on);
    Ok((on, act_date))
}

/// The unit to rename or close: it exists and is valid the day before `on`.
fn live_before(conn: &mut AnyConnection, code: &AgencyCode, on: NaiveDate) -> Result<AgencyRow, AppError> {
    let unit = find(conn, code)?;
    let eve = on.pred_opt().unwrap_or(on);
    // A unit ends once: one that already has an end is not renamed or closed again.
    if !unit.valid_on(eve) || unit.valid_to.is_some() {
        return Err(AppError::new(
            ErrorCode::AgencyNotValidThen,
            format!("the unit {code} does not exist on {eve}, the day before the change, or has already ended"),
        ));
    }
    Ok(unit)
}

/// The units directly below `code` that have not ended before `on` (those starting later too: a
/// plan's check counts every unit not ended by the day before).
fn below(conn: &mut AnyConnection, code: &AgencyCode, on: NaiveDate) -> Result<Vec<AgencyRow>, AppError> {
    let eve = on.pred_opt().unwrap_or(on);
    let filter = AgencyFilter { parent: Some(code.to_string()), ..Default::default() };
    Ok(agencies::list(conn, &filter)?.into_iter().filter(|a| a.valid_to.is_none_or(|to| to >= eve)).collect())
}

/// Loads a one-step plan for an administrator's change, audited in the same transaction (not on
/// a dry run, which keeps nothing).
#[allow(clippy::too_many_arguments)]
fn load_change(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &AgencyCode,
    action: &str,
    detail: serde_json::Value,
    plan: serde_json::Value,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    let text = plan.to_string();
    let id = plan["id"].as_str().unwrap_or_default().to_string();
    if dry_run {
        return reorganise::load_by(conn, &text, Some(&caller.username), now, true);
    }
    crate::storage::transaction(conn, |conn| {
        audit(conn, caller, code.as_str(), action, detail, Some(id), now)?;
        let report = reorganise::load_by(conn, &text, Some(&caller.username), now, false)?;
        tracing::info!(agency = %code, action, plan = %report.plan, applied = report.applied, by = %caller.username,
            "agency changed");
        Ok(report)
    })
}

/// Renames a unit: a new version with a new code begins on `effective_on` under the same parent,
/// formed whole from the old unit (lineage), which ends the day before and is held by it; the
/// units below it go under the new version; its open dossiers and accounts move to it.
pub fn rename_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    rename: Rename,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    caller.require_role(&[Role::Admin])?;
    let code = agency_code(code)?;
    let new_code = unit_code(&rename.new_code)?;
    let new_name = text(&rename.new_name, ErrorCode::InvalidAgencyName, "new_name")?;
    let act = text(&rename.act, ErrorCode::InvalidAct, "act")?;
    let (on, act_date) = dates(&rename.effective_on, rename.act_date.as_deref())?;
    let unit = live_before(conn, &code, on)?;
    if new_code == code {
        return Err(AppError::new(
            ErrorCode::RenameNeedsNewCode,
            format!("a rename is a new version of {code} with a new code; {code} keeps meaning the unit as it was"),
        ));
    }
    if agencies::find(conn, new_code.as_str())?.is_some() {
        return Err(AppError::new(
            ErrorCode::AgencyCodeTaken,
            format!("the code {new_code} is already used: a code once used always means the same unit"),
        ));
    }
    let children: Vec<_> = below(conn, &code, on)?
        .into_iter()
        .map(|c| json!({"code": c.code, "parent_code": new_code.as_str(), "note": format!("under the new version of {code}")}))
        .collect();
    let plan = json!({
        "id": format!("rename-{code}-{new_code}"),
        "effective_on": on, "act": act, "act_date": act_date,
        "title": format!("Đổi tên {} thành {}", unit.name, new_name),
        "new_units": [{"code": new_code.as_str(), "name": new_name, "level": unit.level, "kind": unit.kind,
            "parent_code": unit.parent_code, "provisional_code": rename.provisional_code, "clause": null,
            "from": [{"code": code.as_str(), "name": unit.name, "whole": true}]}],
        "continued_units": children,
        "ended_units": [code.as_str()],
        "holdings": [{"ended": code.as_str(), "holder": new_code.as_str()}],
    });
    let detail = json!({"new_code": new_code.as_str(), "new_name": new_name, "old_name": unit.name,
        "effective_on": on, "act": act, "act_date": act_date, "provisional_code": rename.provisional_code});
    load_change(conn, caller, &code, "rename", detail, plan, now, dry_run)
}

/// Closes a unit: it ends the day before `effective_on`, and `successor` (a unit that goes on)
/// takes it in whole (lineage) and holds its open dossiers and accounts. A unit with units still
/// below it is refused: move or close those first.
pub fn close_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    close: Close,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    caller.require_role(&[Role::Admin])?;
    let code = agency_code(code)?;
    let successor_code = unit_code(&close.successor)?;
    let act = text(&close.act, ErrorCode::InvalidAct, "act")?;
    let (on, act_date) = dates(&close.effective_on, close.act_date.as_deref())?;
    let unit = live_before(conn, &code, on)?;
    let successor = agencies::find(conn, successor_code.as_str())?
        .ok_or_else(|| AppError::new(ErrorCode::UnknownAgency, format!("no agency has the code {successor_code}")))?;
    if successor_code == code || !successor.valid_on(on) || !successor.valid_on(on.pred_opt().unwrap_or(on)) {
        return Err(AppError::new(
            ErrorCode::SuccessorNotValid,
            format!("the successor {successor_code} must be another unit that exists before and on {on}"),
        ));
    }
    let units_below = below(conn, &code, on)?;
    if !units_below.is_empty() {
        let list: Vec<_> = units_below.iter().map(|a| a.code.as_str()).collect();
        return Err(AppError::new(
            ErrorCode::AgencyHasUnitsBelow,
            format!("{code} still has units below it: {}", list.join(", ")),
        ));
    }
    let plan = json!({
        "id": format!("close-{code}-{on}"),
        "effective_on": on, "act": act, "act_date": act_date,
        "title": format!("Kết thúc {}, {} kế thừa", unit.name, successor.name),
        "new_units": [],
        "ended_units": [code.as_str()],
        "holdings": [{"ended": code.as_str(), "holder": successor_code.as_str()}],
    });
    let detail = json!({"successor": successor_code.as_str(), "name": unit.name, "effective_on": on,
        "act": act, "act_date": act_date});
    load_change(conn, caller, &code, "close", detail, plan, now, dry_run)
}

/// The administrators' changes to agencies, newest first (at most `limit`).
pub fn changes_on(conn: &mut AnyConnection, caller: &Caller, limit: i64) -> Result<Vec<AgencyChangeRow>, AppError> {
    caller.require_role(&[Role::Admin])?;
    Ok(agency_changes::list(conn, None, limit)?)
}

/// [`create_on`] on one check-out.
pub async fn create(
    pool: &Pool,
    who: impl Into<Who>,
    new: NewAgency,
    now: DateTime<Utc>,
) -> Result<AgencyRow, AppError> {
    storage::run_as(pool, who, move |conn, caller| create_on(conn, &caller, new, now)).await
}

/// [`rename_on`] on one check-out.
pub async fn rename(
    pool: &Pool,
    who: impl Into<Who>,
    code: String,
    rename: Rename,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    storage::run_as(pool, who, move |conn, caller| rename_on(conn, &caller, &code, rename, now, dry_run)).await
}

/// [`close_on`] on one check-out.
pub async fn close(
    pool: &Pool,
    who: impl Into<Who>,
    code: String,
    close: Close,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    storage::run_as(pool, who, move |conn, caller| close_on(conn, &caller, &code, close, now, dry_run)).await
}

/// [`changes_on`] on one check-out.
pub async fn changes(pool: &Pool, who: impl Into<Who>, limit: i64) -> Result<Vec<AgencyChangeRow>, AppError> {
    storage::run_as(pool, who, move |conn, caller| changes_on(conn, &caller, limit)).await
}

/// The agencies valid on `day`, parents before children (by materialized path), for the
/// administrators' tree.
pub fn valid_on(conn: &mut AnyConnection, caller: &Caller, day: NaiveDate) -> Result<Vec<AgencyRow>, AppError> {
    caller.require_role(&[Role::Admin])?;
    Ok(agencies::list(conn, &AgencyFilter { at: Some(day), ..Default::default() })?)
}

/// One unit as the administrators' page shows it: the unit, the units it came from and went into
/// (with names), its whole lineage, and the administrators' changes to it.
pub struct AgencyRecord {
    pub agency: AgencyRow,
    /// Links into this unit: (link, successor's name) — the successor is this unit.
    pub predecessors: Vec<LineageRow>,
    /// Links out of this unit, each with its successor's name.
    pub successors: Vec<(LineageRow, String)>,
    /// What it came from, and what those came from (newest first), and what it went into (oldest first),
    /// each with the successor's name.
    pub ancestry: Vec<(LineageRow, String)>,
    pub descent: Vec<(LineageRow, String)>,
    pub changes: Vec<AgencyChangeRow>,
    /// The successor holding its work, with its name, once it ended.
    pub holder: Option<(String, String)>,
    pub parent: Option<(String, String)>,
}

/// [`AgencyRecord`] of `code`, in one trip (a few queries).
pub fn record_on(conn: &mut AnyConnection, caller: &Caller, code: &str) -> Result<AgencyRecord, AppError> {
    caller.require_role(&[Role::Admin])?;
    let code = agency_code(code)?;
    let agency = find(conn, &code)?;
    let predecessors = reorganisations::predecessors(conn, code.as_str())?;
    let successors = reorganisations::successors(conn, code.as_str())?;
    let (ancestry, descent) = reorganisations::lineage(conn, code.as_str())?;
    let mut codes: Vec<String> = successors
        .iter()
        .chain(&ancestry)
        .chain(&descent)
        .map(|l| l.successor_code.clone())
        .chain(agency.held_by.clone())
        .chain(agency.parent_code.clone())
        .collect();
    codes.sort();
    codes.dedup();
    let names: std::collections::HashMap<String, String> = if codes.is_empty() {
        Default::default()
    } else {
        agencies::describe(conn, &codes)?.into_iter().map(|(c, _, n)| (c, n)).collect()
    };
    let named = |rows: Vec<LineageRow>| {
        rows.into_iter()
            .map(|l| {
                let name = names.get(&l.successor_code).cloned().unwrap_or_default();
                (l, name)
            })
            .collect::<Vec<_>>()
    };
    let name_of = |c: &Option<String>| c.as_ref().map(|c| (c.clone(), names.get(c).cloned().unwrap_or_default()));
    let holder = name_of(&agency.held_by);
    let parent = name_of(&agency.parent_code);
    let changes = agency_changes::list(conn, Some(code.as_str()), 100)?;
    Ok(AgencyRecord {
        predecessors,
        successors: named(successors),
        ancestry: named(ancestry),
        descent: named(descent),
        changes,
        holder,
        parent,
        agency,
    })
}

/// Records an agency's electronic ID of the structure TT 04/2025 Điều 23 writes in nationwide
/// codes (`MX1X2.Y1Y2Y3.Z1Z2`), or removes it with None; audited (`electronic_id`). Codes already
/// issued keep the ID they carry. One transaction.
pub fn set_electronic_id_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    caller.require_role(&[Role::Admin])?;
    let code = AgencyCode::parse(code).map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))?;
    let id = id
        .map(str::trim)
        .map(|i| {
            crate::domain::dossier::ElectronicId::parse(i).map_err(|_| {
                AppError::new(
                    ErrorCode::InvalidElectronicId,
                    "an electronic ID is MX1X2.Y1Y2Y3.Z1Z2: a capital letter and two digits, three digits, two digits (e.g. H12.031.01)",
                )
            })
        })
        .transpose()?;
    crate::storage::transaction(conn, |conn| {
        let value = id.as_ref().map(|i| i.as_str());
        if !agencies::set_electronic_id(conn, code.as_str(), value)? {
            return Err(AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {code}")));
        }
        audit(conn, caller, code.as_str(), "electronic_id", serde_json::json!({ "electronic_id": value }), None, now)?;
        Ok(value.map(str::to_string))
    })
}

/// [`set_electronic_id_on`] on one check-out.
pub async fn set_electronic_id(
    pool: &Pool,
    who: impl Into<Who>,
    code: String,
    id: Option<String>,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    storage::run_as(pool, who, move |conn, caller| set_electronic_id_on(conn, &caller, &code, id.as_deref(), now)).await
}
