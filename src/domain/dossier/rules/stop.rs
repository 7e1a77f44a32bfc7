//! Ending processing early: the applicant withdraws, or the agency stops.
use super::{Ctx, Outcome};
use crate::domain::dossier::{Dossier, RuleError, Status};
use crate::domain::user::Role;

/// Status 7 (công dân yêu cầu rút hồ sơ): the applicant, or a clerk of the receiving counter at
/// their written request, withdraws a dossier that is not finished.
pub(super) fn withdraw(d: &Dossier, ctx: &Ctx) -> Outcome {
    if !matches!(d.status, Status::Submitted | Status::Received | Status::Processing | Status::AwaitingSupplement) {
        return Err(d.not_now(ctx.action));
    }
    d.require(
        ctx.actor.is_owner || ctx.clerk_at_counter,
        "the applicant, or a clerk of the receiving agency at their written request, withdraws a dossier",
    )?;
    // ND 118/2025 Điều 21, TT 03/2025 Điều 7: the receiving centre checks the status; once a decision
    // or a result has been issued the request is refused (the regime's rule; ND 61/2018 had none).
    if d.regime().rules.stop_on_request_only_before_decision.value && d.decision.is_some() {
        return Err(RuleError::AlreadyDecided);
    }
    let mut next = d.clone();
    next.finish_with(Status::Withdrawn, ctx.now, ctx.calendar);
    ctx.done_ending_step(next)
}

/// Status 8 (dừng xử lý; TT 03/2025 adds its notice, Thông báo dừng giải quyết hồ sơ): a leader of
/// the agency holding the dossier stops it, stating the reason.
pub(super) fn stop(d: &Dossier, ctx: &Ctx, reason: &str) -> Outcome {
    if !matches!(d.status, Status::Received | Status::Processing | Status::AwaitingSupplement) {
        return Err(d.not_now(ctx.action));
    }
    d.require(
        ctx.staff_here && ctx.actor.role == Role::Leader,
        "only a leader of the agency holding the dossier stops it",
    )?;
    if reason.trim().is_empty() {
        return Err(RuleError::Invalid("stopping a dossier states the reason".into()));
    }
    let mut next = d.clone();
    next.finish_with(Status::Stopped, ctx.now, ctx.calendar);
    ctx.done_ending_step(next)
}
