//! Departments inside agencies (issue 13 items 6 and 7): the public list, and the administrators'
//! changes — create, rename (a new department with a new key that takes the old one's work), close
//! into a successor — each in one transaction with its audit row (`agency_changes`, actions
//! `department_create`, `department_rename`, `department_close`).
//!
//! Changes take effect on the day they are made (Vietnam date from the Clock): a new department
//! exists from today; a closed one's last day is yesterday, and its open dossiers and accounts are
//! in the successor's queue at once. A route step naming a closed department reaches the successor
//! at the next intake ([`crate::domain::department::resolve`]).
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::auth::Caller;
use crate::domain::calendar::to_vietnam;
use crate::domain::department::{self, Department, DepartmentChangeError, DepartmentKey};
use crate::domain::{AgencyCode, Role};
use crate::error::{AppError, ErrorCode};
use crate::services::agencies_admin::audit;
use crate::services::inbox::OPEN_AT_AGENCY;
use crate::services::users::department_key;
use crate::storage::departments::{self as store, DepartmentRow, MovedWork};
use crate::storage::{agencies, AnyConnection};

impl From<DepartmentChangeError> for AppError {
    fn from(e: DepartmentChangeError) -> Self {
        let code = match &e {
            DepartmentChangeError::KeyUsed(_) => ErrorCode::DepartmentKeyUsed,
            DepartmentChangeError::Unknown(_) => ErrorCode::UnknownDepartment,
            DepartmentChangeError::SelfSuccessor => ErrorCode::DepartmentSelfSuccessor,
            DepartmentChangeError::BadName => ErrorCode::InvalidDepartmentName,
        };
        AppError::new(code, e.to_string())
    }
}

fn today(now: DateTime<Utc>) -> NaiveDate {
    to_vietnam(now).date_naive()
}

fn required_key(s: &str, what: &str) -> Result<DepartmentKey, AppError> {
    department_key(Some(s))?.ok_or_else(|| AppError::new(ErrorCode::InvalidDepartment, format!("{what} is required")))
}

fn agency_code(code: &str) -> Result<AgencyCode, AppError> {
    AgencyCode::parse(code.trim()).map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))
}

/// The agency must exist and be in operation today (departments are not changed in ended units).
fn check_live(conn: &mut AnyConnection, code: &AgencyCode, day: NaiveDate) -> Result<(), AppError> {
    let row = agencies::find(conn, code.as_str())?
        .ok_or_else(|| AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {code}")))?;
    if !row.valid_on(day) {
        return Err(AppError::new(ErrorCode::AgencyEnded, format!("agency {code} is not in operation on {day}")));
    }
    Ok(())
}

fn domain_list(rows: &[DepartmentRow]) -> Vec<Department> {
    rows.iter().filter_map(DepartmentRow::to_domain).collect()
}

/// The departments of an agency that exist on `day` (default: today), by key. 404 for an unknown agency.
pub fn list_on(
    conn: &mut AnyConnection,
    agency: &str,
    at: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Vec<DepartmentRow>, AppError> {
    let code = agency_code(agency)?;
    if agencies::find(conn, code.as_str())?.is_none() {
        return Err(AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {code}")));
    }
    let day = at.unwrap_or_else(|| today(now));
    let rows = store::of_agency(conn, code.as_str())?;
    Ok(rows.into_iter().filter(|r| r.to_domain().is_some_and(|d| d.exists_on(day))).collect())
}

/// Every department an agency has or had (the administrators' page), by key.
pub fn history_on(conn: &mut AnyConnection, agency: &str) -> Result<Vec<DepartmentRow>, AppError> {
    Ok(store::of_agency(conn, agency)?)
}

/// An administrator creates a department of an agency, existing from today; audited.
pub fn create_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    agency: &str,
    key: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<DepartmentRow, AppError> {
    caller.require_role(&[Role::Admin])?;
    let key = required_key(key, "key")?;
    let name = name.trim().to_string();
    department::check_name(&name)?;
    let (code, day) = (agency_code(agency)?, today(now));
    crate::storage::transaction(conn, |conn| {
        // The audit row first: on SQLite the transaction takes the write lock at once.
        audit(conn, caller, code.as_str(), "department_create", json!({"key": key.as_str(), "name": name}), None, now)?;
        check_live(conn, &code, day)?;
        department::check_new(&domain_list(&store::of_agency(conn, code.as_str())?), &key, &name)?;
        let row = DepartmentRow {
            agency_code: code.to_string(),
            key: key.to_string(),
            name: name.clone(),
            valid_from: day,
            valid_to: None,
            held_by: None,
        };
        store::insert(conn, &row)?;
        tracing::info!(agency = %code, department = %key, by = %caller.username, "department created");
        Ok(row)
    })
}

/// What closing (or renaming) a department did.
#[derive(Debug, Clone)]
pub struct Closed {
    /// The department that now holds the work.
    pub successor: DepartmentRow,
    pub moved: MovedWork,
}

/// Ends `key` yesterday with its work going to `successor` (which exists today), in the caller's transaction.
fn close_into(
    conn: &mut AnyConnection,
    agency: &AgencyCode,
    key: &DepartmentKey,
    successor: &DepartmentKey,
    day: NaiveDate,
) -> Result<Closed, AppError> {
    let rows = store::of_agency(conn, agency.as_str())?;
    department::check_close(&domain_list(&rows), key, successor, day)?;
    let last_day = day.pred_opt().unwrap_or(day);
    store::close(conn, agency.as_str(), key.as_str(), last_day, successor.as_str())?;
    let open: Vec<i32> = OPEN_AT_AGENCY.iter().map(|s| s.national_code()).collect();
    let moved = store::move_work(conn, agency.as_str(), key.as_str(), successor.as_str(), &open)?;
    let successor = store::find(conn, agency.as_str(), successor.as_str())?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("department {successor} vanished")))?;
    Ok(Closed { successor, moved })
}

/// An administrator closes a department: its last day is yesterday, and `successor` (an open
/// department of the same agency) takes its open dossiers and its accounts; audited.
pub fn close_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    agency: &str,
    key: &str,
    successor: &str,
    now: DateTime<Utc>,
) -> Result<Closed, AppError> {
    caller.require_role(&[Role::Admin])?;
    let key = required_key(key, "the department")?;
    let successor = required_key(successor, "successor")?;
    let (code, day) = (agency_code(agency)?, today(now));
    crate::storage::transaction(conn, |conn| {
        let detail = json!({"key": key.as_str(), "successor": successor.as_str()});
        audit(conn, caller, code.as_str(), "department_close", detail, None, now)?;
        check_live(conn, &code, day)?;
        let closed = close_into(conn, &code, &key, &successor, day)?;
        tracing::info!(agency = %code, department = %key, successor = %successor, dossiers = closed.moved.dossiers,
            by = %caller.username, "department closed");
        Ok(closed)
    })
}

/// An administrator renames a department: a new department (`new_key`, `new_name`) exists from
/// today and takes the old one's work; the old key keeps meaning the department as it was; audited.
pub fn rename_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    agency: &str,
    key: &str,
    new_key: &str,
    new_name: &str,
    now: DateTime<Utc>,
) -> Result<Closed, AppError> {
    caller.require_role(&[Role::Admin])?;
    let key = required_key(key, "the department")?;
    let new_key = required_key(new_key, "new_key")?;
    let new_name = new_name.trim().to_string();
    department::check_name(&new_name)?;
    let (code, day) = (agency_code(agency)?, today(now));
    crate::storage::transaction(conn, |conn| {
        let detail = json!({"key": key.as_str(), "new_key": new_key.as_str(), "new_name": new_name});
        audit(conn, caller, code.as_str(), "department_rename", detail, None, now)?;
        check_live(conn, &code, day)?;
        department::check_new(&domain_list(&store::of_agency(conn, code.as_str())?), &new_key, &new_name)?;
        store::insert(
            conn,
            &DepartmentRow {
                agency_code: code.to_string(),
                key: new_key.to_string(),
                name: new_name.clone(),
                valid_from: day,
                valid_to: None,
                held_by: None,
            },
        )?;
        let closed = close_into(conn, &code, &key, &new_key, day)?;
        tracing::info!(agency = %code, department = %key, new_key = %new_key, by = %caller.username, "department renamed");
        Ok(closed)
    })
}
