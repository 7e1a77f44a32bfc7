//! The competent agency's decision to grant what was asked.
use super::{Ctx, Outcome};
use crate::domain::dossier::{Decision, Dossier, RuleError, Status};
use crate::domain::user::Role;

/// ND 61/2018 Điều 19.1: staff appraise the dossier and submit it; the head of the agency (a
/// leader) decides. A dossier is decided once.
pub(super) fn approve(d: &Dossier, ctx: &Ctx) -> Outcome {
    if !matches!(d.status, Status::Received | Status::Processing) {
        return Err(d.not_now(ctx.action));
    }
    d.require(
        ctx.staff_here && ctx.actor.role == Role::Leader,
        "only a leader of the agency holding the dossier approves it",
    )?;
    if d.decision.is_some() {
        return Err(RuleError::AlreadyDecided);
    }
    let mut next = d.clone();
    next.decision = Some(Decision::Approved);
    ctx.done(next)
}
