//! Handing a dossier to a department inside the agency holding it (issue 13 item 6; DOMAIN.md §2:
//! agencies contain departments to which work is routed inside the agency).
use super::{Ctx, Outcome};
use crate::domain::department::DepartmentKey;
use crate::domain::dossier::{Dossier, RuleError, Status};

/// ND 61/2018 Điều 18–19 say the agency handles the dossier; how it shares the work among its
/// phòng, ban is its own. The step, its deadline and the statutory clock do not change: the
/// control sheet gains a row inside the agency. Staff of the holding agency assign; whether the
/// department exists in that agency is checked by the caller against the agency's list.
pub(super) fn assign(d: &Dossier, ctx: &Ctx, department: &DepartmentKey) -> Outcome {
    if !matches!(d.status, Status::Received | Status::Processing) {
        return Err(d.not_now(ctx.action));
    }
    d.require(ctx.staff_here, "only staff of the agency holding the dossier assign it to a department")?;
    if d.current_department.as_ref() == Some(department) {
        return Err(RuleError::AlreadyInDepartment);
    }
    let mut next = d.clone();
    next.current_department = Some(department.clone());
    ctx.done(next)
}
