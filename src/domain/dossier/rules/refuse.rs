//! Refusing a dossier, at intake or after appraisal.
use super::{Ctx, Outcome};
use crate::domain::dossier::{Decision, Dossier, RuleError, Status};

/// ND 61/2018 Điều 17 (not received at intake, Phiếu từ chối tiếp nhận, TT 01/2018 Mẫu 03) and
/// Điều 19.8 (refused after appraisal, with reasons, within the time limit): the refusal goes
/// back to the counter that received the dossier.
pub(super) fn refuse(d: &Dossier, ctx: &Ctx, reason: &str) -> Outcome {
    if reason.trim().is_empty() {
        return Err(RuleError::Invalid("a refusal states its reasons".into()));
    }
    let mut next = d.clone();
    match d.status {
        Status::Submitted => {
            d.require(ctx.clerk_at_counter, "at intake only a clerk of the receiving agency refuses a dossier")?;
            next.finish_with(Status::NotReceived, ctx.now, ctx.calendar);
        }
        Status::Received | Status::Processing => {
            d.require(
                ctx.deciding_staff_here(),
                "a specialist or leader of the agency holding the dossier refuses it",
            )?;
            if d.decision.is_some() {
                return Err(RuleError::AlreadyDecided);
            }
            // The refusal goes back to the counter that received the dossier.
            next.decision = Some(Decision::Refused);
            next.go_to_step(next.route.len() - 1);
            next.finish_with(Status::ResultReady, ctx.now, ctx.calendar);
        }
        _ => return Err(d.not_now(ctx.action)),
    }
    ctx.done_ending_step(next)
}
