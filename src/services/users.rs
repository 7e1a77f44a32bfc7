//! Accounts: created by `motcua user add`, the seeds, or an administrator (`/api/v1/admin/users`);
//! administrators also list, disable and enable them.
use chrono::{DateTime, Utc};

use crate::auth::extractor::Who;
use crate::auth::{password, Caller};
use crate::domain::department::DepartmentKey;
use crate::domain::user::{check_account, MIN_PASSWORD_LEN};
use crate::domain::{AgencyCode, Role, Username};
use crate::error::{AppError, ErrorCode};
use crate::storage::{self, agencies, departments, users, AnyConnection, Pool};

/// A department key as it arrives from outside (blank: none), 400 `invalid_department` when malformed.
pub fn department_key(s: Option<&str>) -> Result<Option<DepartmentKey>, AppError> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(DepartmentKey::parse)
        .transpose()
        .map_err(|e| AppError::new(ErrorCode::InvalidDepartment, e.to_string()))
}

/// The open department `key` of `agency`, else 400 `unknown_department`.
pub fn open_department(
    conn: &mut AnyConnection,
    agency: &str,
    key: &DepartmentKey,
) -> Result<departments::DepartmentRow, AppError> {
    departments::find(conn, agency, key.as_str())?.filter(|d| d.is_open()).ok_or_else(|| {
        AppError::new(
            ErrorCode::UnknownDepartment,
            format!("agency {agency} has no open department {key}: list them with GET /api/v1/agencies/{agency}/departments"),
        )
    })
}

/// What `motcua user add` (and an administrator) asks for.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: String,
    pub agency_code: Option<String>,
    pub full_name: String,
    pub is_demo: bool,
    /// The department of the agency the account works in (staff only; none: the agency as a whole).
    pub department: Option<String>,
}

/// A new account whose fields have been checked (the agency's existence is checked in the transaction).
struct CheckedUser {
    username: Username,
    role: Role,
    agency: Option<AgencyCode>,
    full_name: String,
    password_hash: String,
    is_demo: bool,
    department: Option<DepartmentKey>,
}

/// Checks the shape of a new account, each problem with its stable code; the password is hashed
/// by the caller (`password_hash` is left empty), so that servers hash on the password threads.
fn check(new: &NewUser) -> Result<CheckedUser, AppError> {
    let username =
        Username::parse(new.username.trim()).map_err(|e| AppError::new(ErrorCode::InvalidUsername, e.to_string()))?;
    let role: Role = new
        .role
        .trim()
        .parse()
        .map_err(|e: crate::domain::user::UnknownRole| AppError::new(ErrorCode::InvalidRole, e.to_string()))?;
    let agency = new
        .agency_code
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(AgencyCode::parse)
        .transpose()
        .map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))?;
    check_account(role, agency.is_some()).map_err(|m| {
        AppError::new(if role.is_staff() { ErrorCode::StaffAgencyRequired } else { ErrorCode::AgencyNotAllowed }, m)
    })?;
    if new.password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::new(
            ErrorCode::PasswordTooShort,
            format!("the password must have at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if new.password.len() > 1024 {
        return Err(AppError::new(ErrorCode::PasswordTooLong, "the password must have at most 1024 bytes"));
    }
    let full_name = new.full_name.trim().to_string();
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(AppError::new(ErrorCode::InvalidFullName, "the full name must have 1–200 characters"));
    }
    let department = department_key(new.department.as_deref())?;
    if department.is_some() && agency.is_none() {
        return Err(AppError::new(ErrorCode::UnknownDepartment, "only staff of an agency work in a department"));
    }
    Ok(CheckedUser {
        username,
        role,
        agency,
        full_name,
        password_hash: String::new(),
        is_demo: new.is_demo,
        department,
    })
}

/// Checks a new account and hashes its password on the password threads (at most one hash per
/// core, and no pooled connection held meanwhile).
async fn check_and_hash(new: NewUser) -> Result<CheckedUser, AppError> {
    let mut checked = check(&new)?;
    checked.password_hash = password::hash_bounded(new.password).await.map_err(AppError::Internal)?;
    Ok(checked)
}

/// Inserts a checked account in one transaction: the agency must exist, the username must be free.
fn insert_checked(conn: &mut AnyConnection, u: CheckedUser, now: DateTime<Utc>) -> Result<users::UserRow, AppError> {
    crate::storage::transaction(conn, |conn| {
        if users::find_by_username(conn, u.username.as_str())?.is_some() {
            return Err(AppError::new(ErrorCode::UsernameTaken, format!("username {} is taken", u.username.as_str())));
        }
        if let Some(code) = &u.agency {
            if agencies::find(conn, code.as_str())?.is_none() {
                return Err(AppError::new(
                    ErrorCode::UnknownAgency,
                    format!("agency {code} does not exist: list agencies with GET /api/v1/agencies"),
                ));
            }
        }
        if let (Some(code), Some(key)) = (&u.agency, &u.department) {
            open_department(conn, code.as_str(), key)?;
        }
        let row = users::UserRow {
            id: uuid::Uuid::now_v7().to_string(),
            username: u.username.as_str().to_string(),
            password_hash: u.password_hash,
            role: u.role.as_str().to_string(),
            agency_code: u.agency.map(|a| a.to_string()),
            full_name: u.full_name,
            is_demo: u.is_demo,
            created_at: now.naive_utc(),
            disabled_at: None,
            department: u.department.map(|d| d.to_string()),
        };
        users::insert(conn, &row)?;
        Ok(row)
    })
}

/// Validates and creates an account in one transaction (the command line and the seeds); returns its id.
pub fn add(conn: &mut AnyConnection, new: NewUser, now: DateTime<Utc>) -> anyhow::Result<String> {
    let mut checked = check(&new)?;
    checked.password_hash = password::hash(&new.password)?;
    Ok(insert_checked(conn, checked, now)?.id)
}

/// As [`add`] for the seeds' demo accounts, which share one public password: `hashes` keeps each
/// password's hash once made, so a first start hashes it once instead of once per account (argon2
/// takes tens of milliseconds, and `serve` answers only after the seeds are in).
pub fn add_demo(
    conn: &mut AnyConnection,
    new: NewUser,
    hashes: &mut std::collections::HashMap<String, String>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut checked = check(&new)?;
    checked.password_hash = match hashes.get(&new.password) {
        Some(h) => h.clone(),
        None => {
            let h = password::hash(&new.password)?;
            hashes.insert(new.password.clone(), h.clone());
            h
        }
    };
    Ok(insert_checked(conn, checked, now)?.id)
}

/// A new account an administrator asked for, checked and with its password hashed ([`prepare`]).
pub struct Prepared(CheckedUser);

/// Before an administrator's trip: the claimed role, the account's fields, and the password
/// hashed on the password threads (no pooled connection held meanwhile).
pub async fn prepare(claimed: &Caller, new: NewUser) -> Result<Prepared, AppError> {
    claimed.require_role(&[Role::Admin])?;
    check_and_hash(NewUser { is_demo: false, ..new }).await.map(Prepared)
}

/// An administrator creates a staff or citizen account ([`prepare`]d), on `conn`.
pub fn create_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    new: Prepared,
    now: DateTime<Utc>,
) -> Result<users::UserRow, AppError> {
    caller.require_role(&[Role::Admin])?;
    let row = insert_checked(conn, new.0, now)?;
    tracing::info!(admin = %caller.username, user_id = %row.id, role = %row.role, "account created");
    Ok(row)
}

/// An administrator creates a staff or citizen account: checked and hashed first, then the
/// account check and the insert in one trip.
pub async fn create(
    pool: &Pool,
    who: impl Into<Who>,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<users::UserRow, AppError> {
    let who = who.into();
    let new = match prepare(who.claimed(), new).await {
        Ok(new) => new,
        Err(e) => return Err(storage::refused(pool, who, e).await),
    };
    storage::run_as(pool, who, move |conn, caller| create_on(conn, &caller, new, now)).await
}

/// Anyone registers a citizen account (the web's sign-up, `POST /api/v1/auth/register`): no
/// agency, never demo. Personal data of a dossier's applicant is entered with each dossier, not here.
pub async fn register_citizen(
    pool: &Pool,
    username: String,
    full_name: String,
    password: String,
    now: DateTime<Utc>,
) -> Result<users::UserRow, AppError> {
    let new = NewUser {
        username,
        password,
        role: "citizen".into(),
        agency_code: None,
        full_name,
        is_demo: false,
        department: None,
    };
    let checked = check_and_hash(new).await?;
    let row = storage::run(pool, move |conn| insert_checked(conn, checked, now)).await?;
    tracing::info!(user_id = %row.id, "citizen account registered");
    Ok(row)
}

/// Filters of the account list; each must parse.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub agency: Option<String>,
    pub role: Option<String>,
}

/// An administrator lists accounts (by username), optionally of one agency and/or role.
pub async fn list(pool: &Pool, who: impl Into<Who>, filter: UserFilter) -> Result<Vec<users::UserRow>, AppError> {
    storage::run_as(pool, who, move |conn, caller| list_on(conn, &caller, filter)).await
}

/// [`list`] on `conn`.
pub fn list_on(conn: &mut AnyConnection, caller: &Caller, filter: UserFilter) -> Result<Vec<users::UserRow>, AppError> {
    caller.require_role(&[Role::Admin])?;
    let agency = filter
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(AgencyCode::parse)
        .transpose()
        .map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))?
        .map(|a| a.to_string());
    let role = filter
        .role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.parse::<Role>())
        .transpose()
        .map_err(|e| AppError::new(ErrorCode::InvalidRole, e.to_string()))?
        .map(|r| r.as_str());
    Ok(users::list(conn, agency.as_deref(), role)?)
}

/// An administrator disables (`disable = true`) or enables an account. A disabled account cannot
/// sign in (it answers like a wrong password) and its tokens are refused from the next request on.
/// Idempotent; an administrator cannot disable their own account.
pub async fn set_disabled(
    pool: &Pool,
    who: impl Into<Who>,
    username: String,
    disable: bool,
    at: DateTime<Utc>,
) -> Result<users::UserRow, AppError> {
    storage::run_as(pool, who, move |conn, caller| set_disabled_on(conn, &caller, &username, disable, at)).await
}

/// [`set_disabled`] on `conn`, in one transaction.
pub fn set_disabled_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    username: &str,
    disable: bool,
    at: DateTime<Utc>,
) -> Result<users::UserRow, AppError> {
    caller.require_role(&[Role::Admin])?;
    let username = Username::parse(username).map_err(|e| AppError::new(ErrorCode::InvalidUsername, e.to_string()))?;
    if disable && username.as_str() == caller.username {
        return Err(AppError::new(ErrorCode::CannotDisableSelf, "an administrator cannot disable their own account"));
    }
    let row = crate::storage::transaction(conn, |conn| {
        let mut row = users::find_by_username(conn, username.as_str())?
            .ok_or_else(|| AppError::new(ErrorCode::UserNotFound, "no account has this username"))?;
        let target = if disable { row.disabled_at.or(Some(at.naive_utc())) } else { None };
        if target != row.disabled_at {
            users::set_disabled(conn, username.as_str(), target)?;
            row.disabled_at = target;
        }
        Ok::<_, AppError>(row)
    })?;
    tracing::info!(admin = %caller.username, user_id = %row.id, disabled = disable, "account access changed");
    Ok(row)
}

/// An administrator moves an account to a department of its agency (`None`: the agency as a
/// whole), in one transaction; audited in the log (the username and the department, no personal data).
pub fn set_department_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    username: &str,
    department: Option<&str>,
) -> Result<users::UserRow, AppError> {
    caller.require_role(&[Role::Admin])?;
    let username = Username::parse(username).map_err(|e| AppError::new(ErrorCode::InvalidUsername, e.to_string()))?;
    let key = department_key(department)?;
    let row = crate::storage::transaction(conn, |conn| {
        let mut row = users::find_by_username(conn, username.as_str())?
            .ok_or_else(|| AppError::new(ErrorCode::UserNotFound, "no account has this username"))?;
        if let Some(key) = &key {
            let agency = row.agency_code.clone().ok_or_else(|| {
                AppError::new(ErrorCode::UnknownDepartment, "only staff of an agency work in a department")
            })?;
            open_department(conn, &agency, key)?;
        }
        let key = key.as_ref().map(|k| k.as_str());
        users::set_department(conn, username.as_str(), key)?;
        row.department = key.map(str::to_string);
        Ok::<_, AppError>(row)
    })?;
    tracing::info!(admin = %caller.username, user_id = %row.id, department = ?row.department, "account department set");
    Ok(row)
}

/// [`set_department_on`] on one pool check-out.
pub async fn set_department(
    pool: &Pool,
    who: impl Into<Who>,
    username: String,
    department: Option<String>,
) -> Result<users::UserRow, AppError> {
    storage::run_as(pool, who, move |conn, caller| set_department_on(conn, &caller, &username, department.as_deref()))
        .await
}
