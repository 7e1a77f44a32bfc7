//! Receiving an online submission at the counter.
use super::{Ctx, Outcome};
use crate::domain::dossier::{Dossier, Status};

/// ND 61/2018 Điều 17 (online dossiers): a clerk of the receiving agency checks the submission
/// and receives it; the code is issued and the statutory clock starts at receipt (Điều 17.3,
/// TT 01/2018 Điều 19). A dossier for a competent agency elsewhere (boundary-free intake) waits
/// for its handover instead (ND 118/2025 Điều 17.3 as amended).
pub(super) fn receive(d: &Dossier, ctx: &Ctx) -> Outcome {
    if d.status != Status::Submitted {
        return Err(d.not_now(ctx.action));
    }
    d.require(ctx.clerk_at_counter, "only a clerk of the receiving agency receives a dossier")?;
    let mut next = d.clone();
    next.receive_now(ctx.now, ctx.calendar);
    ctx.done(next)
}
