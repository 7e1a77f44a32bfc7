//! Handing a dossier on to the next step of its route.
use super::{Ctx, Outcome};
use crate::domain::calendar::to_vietnam;
use crate::domain::dossier::{Dossier, RuleError, Status};
use crate::domain::procedure::TimeUnit;

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
    if d.awaiting_handover() {
        return hand_over(d, ctx);
    }
    let mut next = d.clone();
    next.go_to_step(d.current_step + 1);
    next.status = Status::Processing;
    next.start_step(ctx.now, ctx.calendar);
    ctx.done_ending_step(next)
}

/// The receiving centre hands a boundary-free dossier to the competent agency (a transfer from
/// step 0): the competent agency's receipt is now, and the statutory clock starts from it with the
/// usual rules — after 15:00 or on a day off, counting starts the next working day (ND 118/2025
/// Điều 17.3 as amended, Điều 18). The control-sheet row records the handover deadline and whether
/// it was met, by the day (the handover time is counted in working days).
fn hand_over(d: &Dossier, ctx: &Ctx) -> Outcome {
    let mut next = d.clone();
    next.go_to_step(1);
    next.status = Status::Processing;
    next.competent_received_at = Some(ctx.now);
    next.start_clock(ctx.now, ctx.calendar);
    let due = d.handover_due_at;
    let met = due.map(|due| ctx.calendar.judge(to_vietnam(ctx.now), to_vietnam(due), TimeUnit::WorkingDays));
    Ok((next.clone(), next.handover(ctx.action.name(), ctx.now, ctx.from.clone(), due, met)))
}
