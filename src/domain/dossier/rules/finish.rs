//! The result goes back to the receiving counter and is handed to the applicant.
use super::{Ctx, Outcome};
use crate::domain::dossier::{Decision, Dossier, RuleError, Status};

/// ND 61/2018 Điều 19.7: the agency that decided sends the result back to the counter that
/// received the dossier; timeliness is judged against the statutory due date (TT 01/2018 Điều 13).
pub(super) fn finish(d: &Dossier, ctx: &Ctx) -> Outcome {
    if !matches!(d.status, Status::Received | Status::Processing) {
        return Err(d.not_now(ctx.action));
    }
    d.require(
        ctx.deciding_staff_here(),
        "a specialist or leader of the agency holding the dossier sends the result back",
    )?;
    if d.decision != Some(Decision::Approved) {
        return Err(RuleError::NoDecision);
    }
    let mut next = d.clone();
    next.go_to_step(next.route.len() - 1);
    next.finish_with(Status::ResultReady, ctx.now, ctx.calendar);
    ctx.done_ending_step(next)
}

/// ND 61/2018 Điều 20: the clerk of the receiving counter hands the result to the applicant
/// (at the time and place of the Giấy tiếp nhận, TT 01/2018 Mẫu 01).
pub(super) fn return_result(d: &Dossier, ctx: &Ctx) -> Outcome {
    if d.status != Status::ResultReady {
        return Err(d.not_now(ctx.action));
    }
    d.require(ctx.clerk_at_counter, "the clerk of the receiving counter hands the result over")?;
    let mut next = d.clone();
    next.status = Status::Returned;
    next.returned_at = Some(ctx.now);
    ctx.done(next)
}
