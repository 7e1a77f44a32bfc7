//! Asking the applicant for a supplement, and receiving it.
use super::{Ctx, Outcome};
use crate::domain::calendar::to_vietnam;
use crate::domain::dossier::{Dossier, RuleError, Status, SupplementStage};

/// ND 61/2018 Điều 15.3, 16 (at intake) and 19.4 (in appraisal): everything missing is asked for
/// at once, at most once per stage; in appraisal within 3 working days of receipt.
pub(super) fn request(d: &Dossier, ctx: &Ctx, missing: &[String]) -> Outcome {
    if missing.is_empty() || missing.iter().any(|m| m.trim().is_empty()) {
        return Err(RuleError::Invalid(
            "list every missing or incomplete document (ND 61/2018 Điều 16: all at once)".into(),
        ));
    }
    let mut next = d.clone();
    match d.status {
        Status::Submitted => {
            d.require(ctx.clerk_at_counter, "at intake only a clerk of the receiving agency asks for a supplement")?;
            if d.intake_supplements > 0 {
                return Err(RuleError::SupplementAlreadyRequested);
            }
            next.intake_supplements += 1;
            next.supplement_stage = Some(SupplementStage::Intake);
        }
        Status::Received | Status::Processing => {
            d.require(ctx.staff_here, "only staff of the agency holding the dossier ask for a supplement")?;
            if d.appraisal_supplements > 0 {
                return Err(RuleError::SupplementAlreadyRequested);
            }
            // Boundary-free: the competent agency's receipt (ND 118/2025 Điều 17.3 as amended).
            let received = d.competent_received_at.or(d.received_at).expect("received dossiers have a receipt time");
            let days =
                ctx.calendar.working_days_between(to_vietnam(received).date_naive(), to_vietnam(ctx.now).date_naive());
            // ND 61/2018 Điều 19.4; kept under ND 118/2025 (the regime file names the gap).
            if days > d.regime().rules.supplement_window_working_days.value {
                return Err(RuleError::SupplementTooLate { days });
            }
            next.appraisal_supplements += 1;
            next.supplement_stage = Some(SupplementStage::Appraisal);
        }
        _ => return Err(d.not_now(ctx.action)),
    }
    next.status = Status::AwaitingSupplement;
    next.step_due_at = None;
    ctx.done_ending_step(next)
}

/// The supplement is handed in. ND 61/2018 Điều 19.4: after a supplement asked in appraisal the
/// time limit restarts from zero; one asked at intake sends the dossier back to be received.
pub(super) fn submit(d: &Dossier, ctx: &Ctx) -> Outcome {
    if d.status != Status::AwaitingSupplement {
        return Err(d.not_now(ctx.action));
    }
    d.require(
        ctx.actor.is_owner || ctx.clerk_at_counter,
        "the applicant, or a clerk of the receiving agency for them, submits the supplement",
    )?;
    let mut next = d.clone();
    match d.supplement_stage {
        Some(SupplementStage::Intake) => next.status = Status::Submitted,
        _ => {
            // ND 61/2018 Điều 19.4: the time limit restarts from zero.
            next.status = if d.current_step == 0 { Status::Received } else { Status::Processing };
            next.start_clock(ctx.now, ctx.calendar);
            // An apology's new date given before the restart is superseded when the restarted
            // statutory date reaches it (the decree says nothing on this; the product's choice:
            // the applicant is never shown a promise earlier than the law's own date).
            if next.extended_due_at.is_some_and(|e| next.due_at.is_some_and(|due| e <= due)) {
                next.extended_due_at = None;
            }
        }
    }
    next.supplement_stage = None;
    ctx.done(next)
}
