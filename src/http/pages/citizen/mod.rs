//! The citizen's pages: online submission (levels 3–4) in `submit.rs`; my dossiers, a dossier,
//! rating, the applicant's actions and files in `dossiers.rs`. Here: what both share (the role
//! check; reading a multipart form is `pages::multipart`).
use crate::auth::Caller;
use crate::domain::Role;
use crate::error::AppError;
use crate::http::pages::multipart::read_form;

mod dossiers;
mod submit;

// The handlers keep their paths (`citizen::submit_form`, `citizen::my_dossiers`, …).
pub use dossiers::*;
pub use submit::*;

fn citizens_only(caller: &Caller) -> Result<(), AppError> {
    if caller.role == Role::Citizen {
        Ok(())
    } else {
        Err(AppError::new(
            crate::error::ErrorCode::RoleNotAllowed,
            "online submission is for citizens; staff receive dossiers at the counter",
        ))
    }
}
