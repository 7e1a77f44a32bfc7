//! Handing a dossier on to the next step of its route.
use super::{Ctx, Outcome};
use crate::domain::dossier::{Dossier, RuleError, Status};

/// ND 61/2018 Điều 18 (forwarding after intake) and Điều 19.7 (liên thông between levels): the
/// dossier moves to the next agency of its route, whose step gets its share of the time limit.
/// The last step is the receiving counter, reached by finishing (or refusing), not by a transfer.
pub(super) fn transfer(d: &Dossier, ctx: &Ctx) -> Outcome {
    if !matches!(d.status, Status::Received | Status::Processing) {
        return Err(d.not_now(ctx.action));
    }
    d.require(ctx.staff_here, "only staff of the agency holding the dossier transfer it")?;
    if d.current_step + 2 >= d.route.len() {
        return Err(RuleError::NoNextStep);
    }
    let mut next = d.clone();
    next.current_step += 1;
    next.current_agency = next.route[next.current_step].agency.clone();
    next.status = Status::Processing;
    next.start_step(ctx.now, ctx.calendar);
    ctx.done_ending_step(next)
}
