//! Dossier use cases: intake, actions, consultations, files, rating, reading within scope, inbox.
//!
//! Each use case is a plain function on a connection (`*_on`) that runs its writes in one
//! transaction and returns what the caller shows; the async functions check out ONE pooled
//! connection, run the use case and the read of its result in that one trip (`storage::run`).
use crate::auth::Caller;
use crate::domain::dossier::{Actor, DossierKey};
use crate::domain::Role;
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers::{self as store, DossierChanges, DossierContext, DossierRow, Named};
use crate::storage::{agencies, AnyConnection};

mod act;
mod consult;
mod files;
mod imported;
mod intake;
mod notices;
mod print;
mod rating;
mod read;

pub use act::{act, act_on, check_action, ActionInput};
pub use consult::{answer, answer_on, check_answer, consult, consult_on, ConsultRequest};
pub use files::{attach, attach_on, download, download_on, Upload};
pub use imported::{import_on, source_of, Imported, MinistryDossier};
pub use intake::{
    intake, intake_full, intake_on, intake_with, Intake, IntakeExtras, IntakeInput, PortalOrigin, SubmissionPolicy,
    PORTAL_UPLOADER,
};
pub use print::{print_facts, vietnam_year_start};
pub use rating::{rate, rate_on};
pub(crate) use read::calendar_from;
pub use read::{get, get_simulated, load_record, tracking_book, DossierRecord};

/// Addresses the service gives out (the lookup link in notices).
#[derive(Debug, Clone)]
pub struct Links {
    /// e.g. `https://motcua.cantho.gov.vn`, without a trailing slash.
    pub public_url: String,
    /// The two digits naming this system in TT 04/2025 Điều 23 codes (`codes.system_owner`).
    pub code_owner: Option<u8>,
}

impl Links {
    pub fn lookup(&self, code: &str) -> String {
        format!("{}/tra-cuu/{code}", self.public_url.trim_end_matches('/'))
    }
}

/// A dossier named where a code is accepted (API paths, the lookup, pages): its code or the
/// reference of its submission.
pub fn parse_code(code: &str) -> Result<DossierKey, AppError> {
    DossierKey::parse(code).map_err(|e| AppError::new(ErrorCode::InvalidDossierCode, e.to_string()))
}

fn named(key: &DossierKey) -> (String, bool) {
    match key {
        DossierKey::Code(c) => (c.to_string(), true),
        DossierKey::Reference(r) => (r.as_str().to_string(), false),
    }
}

/// The dossier a key names, if any.
pub fn find_by_key(conn: &mut AnyConnection, key: &DossierKey) -> Result<Option<DossierRow>, AppError> {
    Ok(match key {
        DossierKey::Code(c) => store::find_by_code(conn, &c.to_string())?,
        DossierKey::Reference(r) => store::find_by_reference(conn, r.as_str())?,
    })
}

/// The dossier a key names with its [`DossierContext`] (one query), if any.
pub fn find_context(conn: &mut AnyConnection, key: &DossierKey) -> Result<Option<DossierContext>, AppError> {
    let (name, is_code) = named(key);
    let name = if is_code { Named::Code(&name) } else { Named::Reference(&name) };
    Ok(store::find_with_context(conn, name)?)
}

/// 404 `dossier_not_found`, saying which name was not found.
pub fn not_found(key: &DossierKey) -> AppError {
    match key {
        DossierKey::Code(c) => AppError::new(ErrorCode::DossierNotFound, format!("no dossier has the code {c}")),
        DossierKey::Reference(r) => {
            AppError::new(ErrorCode::DossierNotFound, format!("no dossier has the submission reference {r}"))
        }
    }
}

fn is_owner(caller: &Caller, row: &DossierRow) -> bool {
    caller.role == Role::Citizen && row.citizen_user_id.as_deref() == Some(caller.user_id.as_str())
}

fn actor(caller: &Caller, row: &DossierRow) -> Actor {
    Actor { role: caller.role, agency: caller.agency.clone(), is_owner: is_owner(caller, row) }
}

/// Whether the caller may read this dossier: staff of an agency it was received at or passed
/// through; leaders and admins for their agency's subtree; citizens their own.
fn can_read(conn: &mut AnyConnection, caller: &Caller, row: &DossierRow) -> Result<bool, AppError> {
    let Some(agency) = caller.agency.as_ref() else {
        return Ok(is_owner(caller, row));
    };
    // The competent agency of a boundary-free dossier is on its route from intake on.
    if row.receiving_agency == *agency
        || row.current_agency == *agency
        || row.counter() == agency
        || row.competent_agency.as_ref() == Some(agency)
    {
        return Ok(true);
    }
    if matches!(caller.role, Role::Leader | Role::Admin) {
        let root = agencies::find(conn, agency.as_str())?
            .ok_or_else(|| AppError::new(ErrorCode::AgencyNoLongerExists, "your agency no longer exists"))?;
        return Ok(store::has_passed_through_subtree(conn, &row.id, &root.path)?);
    }
    Ok(store::has_passed_through(conn, &row.id, agency.as_str())?)
}

/// The dossier a key names with its context, if the caller may read it.
fn find_readable(conn: &mut AnyConnection, caller: &Caller, key: &DossierKey) -> Result<DossierContext, AppError> {
    let ctx = find_context(conn, key)?.ok_or_else(|| not_found(key))?;
    if !can_read(conn, caller, &ctx.row)? {
        return Err(AppError::new(ErrorCode::OutOfScope, "this dossier is outside your agency's scope"));
    }
    Ok(ctx)
}

/// [`find_readable`], for a change: a dossier handled on a ministry's system (imported for the
/// statistics) is never processed here.
fn find_writable(conn: &mut AnyConnection, caller: &Caller, key: &DossierKey) -> Result<DossierContext, AppError> {
    let ctx = find_readable(conn, caller, key)?;
    if ctx.row.handled_elsewhere() {
        return Err(AppError::new(
            ErrorCode::DossierHandledElsewhere,
            format!("this dossier is handled on another system ({}) and only counted here", ctx.row.source),
        ));
    }
    Ok(ctx)
}

/// Takes the dossier's row lock with a write that changes nothing, failing if it changed since it was read:
/// what follows in the transaction cannot interleave with another change of the same dossier.
fn lock_unchanged(conn: &mut AnyConnection, row: &DossierRow) -> Result<(), AppError> {
    let same = DossierChanges::of(&row.to_domain(), row.row_version);
    if !store::update_if_unchanged(conn, &row.id, row.row_version, &same, None)? {
        return Err(AppError::new(ErrorCode::ConcurrentUpdate, "the dossier changed meanwhile; try again"));
    }
    Ok(())
}

fn concurrent_update() -> AppError {
    AppError::new(
        ErrorCode::ConcurrentUpdate,
        "someone else acted on this dossier at the same moment; reload it and try again",
    )
}
