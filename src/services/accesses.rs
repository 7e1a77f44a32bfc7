//! "Who viewed my dossier" (issue 17 item 2): every read of a dossier's personal data by staff is
//! recorded, append-only, on the read's own connection check-out (one statement per read: a
//! search page's dossiers in one multi-row insert); the owner sees the record (signed in, or with
//! the receipt's PIN) and the administrators audit it.
//!
//! Recorded: the detail API, the staff dossier page, each printable form, file downloads, the
//! tracking book (the export with applicants' names, addresses and phones) and inbox searches (a
//! search text given: one row per dossier on the page returned; the search text itself is not
//! kept). Not recorded: reads by the owner (a citizen reads only their own); the plain inbox
//! listing without a search (the agency's own work queue, which shows each dossier's applicant's
//! name only; recording it would bury the owner's list under every glance at the queue); the
//! answer to an action or an intake (the action itself is in the dossier's history).
//!
//! Nothing here updates or deletes a record (`storage::accesses` is append-only).
use chrono::{DateTime, NaiveDateTime, Utc};

use crate::auth::Caller;
use crate::domain::access::AccessKind;
use crate::domain::calendar::vietnam_midnight_utc;
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::accesses::{self as store, AccessFilter, AccessLine, NewAccess};
use crate::storage::AnyConnection;

/// The most reads the owner is shown (newest first), with the total beside them.
pub const OWNER_SHOWN: i64 = 100;
/// The auditors' page size.
pub const AUDIT_PAGE: i64 = 50;

/// Whether `caller`'s reads are recorded: staff (administrators included) yes; citizens, who
/// read only their own dossiers, no.
fn is_recorded(caller: &Caller) -> bool {
    caller.role != Role::Citizen
}

/// Records that `caller` read the dossiers `ids` (their `dossiers.id`) at `at` (one statement;
/// none for an owner's read or no dossier).
pub fn record(
    conn: &mut AnyConnection,
    caller: &Caller,
    ids: &[String],
    kind: AccessKind,
    detail: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    if !is_recorded(caller) || ids.is_empty() {
        return Ok(());
    }
    store::record(conn, ids, &new_access(caller, kind, detail, at))?;
    Ok(())
}

/// [`record`] of one dossier.
pub fn record_one(
    conn: &mut AnyConnection,
    caller: &Caller,
    dossier_id: &str,
    kind: AccessKind,
    detail: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    record(conn, caller, std::slice::from_ref(&dossier_id.to_string()), kind, detail, at)
}

/// Records that `caller` printed the tracking book of `agency` for `[from, to)`: one read of
/// every dossier it lists (one statement).
pub fn record_book(
    conn: &mut AnyConnection,
    caller: &Caller,
    agency: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
    detail: String,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    if !is_recorded(caller) {
        return Ok(());
    }
    store::record_book(conn, agency, from, to, &new_access(caller, AccessKind::Export, Some(detail), at))?;
    Ok(())
}

fn new_access(caller: &Caller, kind: AccessKind, detail: Option<String>, at: DateTime<Utc>) -> NewAccess {
    NewAccess {
        read_id: format!("{}:", uuid::Uuid::now_v7()),
        at: at.naive_utc(),
        user_id: caller.user_id.clone(),
        agency_code: caller.agency.as_ref().map(|a| a.to_string()),
        role: caller.role.as_str().to_string(),
        kind: kind.as_str().to_string(),
        detail,
    }
}

/// One read as the owner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerAccess {
    pub at: NaiveDateTime,
    pub agency_code: Option<String>,
    /// The agency's name (its code when it has none any more).
    pub agency: String,
    /// The department's name, when the reader worked in one.
    pub department: Option<String>,
    pub role: String,
    /// The role in words ("Cán bộ một cửa", "Chuyên viên"…).
    pub role_label: String,
    pub kind: AccessKind,
    /// What was read, in words ("In biểu mẫu: 01 Giấy tiếp nhận…").
    pub what: String,
    /// The staff member's full name: only when `privacy.show_staff_names_to_owner` is on.
    pub staff_name: Option<String>,
}

/// The reads of one dossier, newest first, at most [`OWNER_SHOWN`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnerAccesses {
    pub lines: Vec<OwnerAccess>,
    /// How many reads there are in all.
    pub total: i64,
}

impl OwnerAccesses {
    /// As the owner is shown them under the policy `privacy.show_staff_names_to_owner`: without
    /// the staff's names unless `show_names`.
    pub fn under_policy(mut self, show_names: bool) -> Self {
        if !show_names {
            for l in &mut self.lines {
                l.staff_name = None;
            }
        }
        self
    }
}

fn owner_line(l: AccessLine, show_names: bool) -> OwnerAccess {
    let kind = AccessKind::parse(&l.kind).unwrap_or(AccessKind::Detail);
    let role_label = l.role.parse::<Role>().map(|r| r.label_vi().to_string()).unwrap_or_else(|_| l.role.clone());
    let what = match &l.detail {
        Some(d) => format!("{}: {d}", kind.label_vi()),
        None => kind.label_vi().to_string(),
    };
    OwnerAccess {
        at: l.at,
        // Named as the lookup names agencies ("UBND Phường Tân An").
        agency: l
            .agency_name
            .as_deref()
            .map(crate::domain::labels::committee_name)
            .or_else(|| l.agency_code.clone())
            .unwrap_or_default(),
        agency_code: l.agency_code,
        department: l.department_name.or(l.department),
        role: l.role,
        role_label,
        kind,
        what,
        staff_name: show_names.then_some(l.full_name),
    }
}

/// The reads of the dossier `dossier_id`, as its owner is shown them (one statement). The staff
/// member's name is there only when `show_names` (the policy `privacy.show_staff_names_to_owner`).
/// Call it only once the caller is known to be the owner (signed in, or with a valid proof).
pub fn for_owner(conn: &mut AnyConnection, dossier_id: &str, show_names: bool) -> Result<OwnerAccesses, AppError> {
    let filter = AccessFilter { dossier_id: Some(dossier_id.to_string()), ..AccessFilter::default() };
    let lines = store::list(conn, &filter, OWNER_SHOWN, 0)?;
    let total = lines.first().map(|l| l.total).unwrap_or(0);
    Ok(OwnerAccesses { lines: lines.into_iter().map(|l| owner_line(l, show_names)).collect(), total })
}

/// The owner's view of their dossier's reads (`GET /api/v1/dossiers/{code}/accesses`): the
/// citizen who owns it, or an administrator (the auditors); anyone else 403.
pub fn owner_view(
    conn: &mut AnyConnection,
    caller: &Caller,
    code: &str,
    show_names: bool,
) -> Result<(String, OwnerAccesses), AppError> {
    let key = crate::services::dossiers::parse_code(code)?;
    let row = crate::services::dossiers::find_by_key(conn, &key)?
        .ok_or_else(|| crate::services::dossiers::not_found(&key))?;
    let owner = caller.role == Role::Citizen && row.citizen_user_id.as_deref() == Some(caller.user_id.as_str());
    if !owner && caller.role != Role::Admin {
        return Err(AppError::new(
            ErrorCode::OutOfScope,
            "the reads of a dossier are shown to its applicant and to the administrators",
        ));
    }
    let shown = for_owner(conn, &row.id, show_names || caller.role == Role::Admin)?;
    Ok((row.code_or_reference().to_string(), shown))
}

/// The auditors' filters as they arrive from the page (empty values count as absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub dossier: Option<String>,
    pub username: Option<String>,
    pub agency: Option<String>,
    /// YYYY-MM-DD, Vietnam time, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// 1-based.
    pub page: Option<String>,
}

/// A page of the audit list.
#[derive(Debug, Clone, Default)]
pub struct AuditPage {
    pub lines: Vec<AccessLine>,
    pub total: i64,
    pub page: i64,
}

/// The reads matching the auditors' filters, newest first, [`AUDIT_PAGE`] a page (administrators
/// only; one statement after the account check).
pub fn audit(conn: &mut AnyConnection, caller: &Caller, q: &AuditQuery) -> Result<AuditPage, AppError> {
    caller.require_role(&[Role::Admin])?;
    // Filters are plain words: at most 100 characters, no control character (the request boundary
    // refuses those first, `invalid_text`; kept here for callers that do not pass through it).
    let fields = [&q.dossier, &q.username, &q.agency, &q.from, &q.to, &q.page];
    if fields.iter().filter_map(|v| v.as_deref()).any(|v| v.chars().count() > 100 || v.chars().any(char::is_control)) {
        return Err(AppError::new(
            ErrorCode::InvalidQuery,
            "a filter has at most 100 characters and no control character",
        ));
    }
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let day = |v: &Option<String>| -> Result<Option<NaiveDateTime>, AppError> {
        text(v)
            .map(|d| crate::services::calendar::parse_day(&d).map(|d| vietnam_midnight_utc(d).naive_utc()))
            .transpose()
    };
    let page = match text(&q.page) {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| AppError::new(ErrorCode::InvalidQuery, "the page is a whole number from 1"))?,
    };
    let (from, to) = (day(&q.from)?, day(&q.to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::new(ErrorCode::InvalidDateRange, "the first day must not be after the last"));
        }
    }
    let filter = AccessFilter {
        dossier_id: None,
        dossier_code: text(&q.dossier),
        username: text(&q.username),
        agency_code: text(&q.agency),
        from,
        before: to.map(|t| t + chrono::TimeDelta::days(1)),
    };
    let lines = store::list(conn, &filter, AUDIT_PAGE, (page - 1) * AUDIT_PAGE)?;
    let total = lines.first().map(|l| l.total).unwrap_or(0);
    Ok(AuditPage { lines, total, page })
}
