//! The state machine of DOMAIN.md §8: `Dossier::apply` hands each action to its rule, one file
//! per stage of ND 61/2018 (intake Điều 15–17, settlement Điều 19, return Điều 20), each rule
//! citing its article. A rule checks the status, then who acts, then the action's own conditions,
//! in that order, and changes nothing when it refuses.
use chrono::{DateTime, Utc};

use super::{Action, Actor, Dossier, Handover, RuleError};
use crate::domain::calendar::{to_vietnam, Timeliness, WorkingCalendar};
use crate::domain::user::Role;

mod approve;
mod assign;
mod extend;
mod finish;
mod receive;
mod refuse;
mod stop;
mod supplement;
mod transfer;

/// What a rule returns: the changed dossier and its control-sheet row, or why not.
type Outcome = Result<(Dossier, Handover), RuleError>;

/// The moment an action is taken: who, when, on which calendar, and what that makes the actor.
struct Ctx<'a> {
    action: &'a Action,
    actor: &'a Actor,
    now: DateTime<Utc>,
    calendar: &'a WorkingCalendar,
    /// The agency holding the dossier before the action.
    from: &'a crate::domain::agency::AgencyCode,
    /// The actor is staff of the agency holding the dossier.
    staff_here: bool,
    /// The actor is a clerk of the counter that received the dossier.
    clerk_at_counter: bool,
    /// The current step's deadline and how it is met now, for the handovers that end a step.
    step_due: Option<DateTime<Utc>>,
    step_time: Option<Timeliness>,
}

impl<'a> Ctx<'a> {
    fn new(
        d: &'a Dossier,
        action: &'a Action,
        actor: &'a Actor,
        now: DateTime<Utc>,
        calendar: &'a WorkingCalendar,
    ) -> Self {
        let step_due = d.step_due_at;
        // The counter's handover of a paper dossier is due at a time of day (ND 61/2018 Điều 18.1).
        let unit = if d.paper_counter_step() { crate::domain::procedure::TimeUnit::Hours } else { d.limit.unit };
        let step_time = step_due.map(|due| calendar.judge(to_vietnam(now), to_vietnam(due), unit));
        Ctx {
            action,
            actor,
            now,
            calendar,
            from: &d.current_agency,
            staff_here: actor.role.is_staff() && Dossier::at_agency(actor, &d.current_agency),
            clerk_at_counter: actor.role == Role::Clerk && Dossier::at_agency(actor, d.counter()),
            step_due,
            step_time,
        }
    }

    /// The actor is a specialist or leader of the agency holding the dossier.
    fn deciding_staff_here(&self) -> bool {
        self.staff_here && matches!(self.actor.role, Role::Specialist | Role::Leader)
    }

    /// The action is done: its control-sheet row, with no step deadline.
    fn done(&self, d: Dossier) -> Outcome {
        let h = d.handover(self.action.name(), self.now, self.from.clone(), None, None);
        Ok((d, h))
    }

    /// The action is done and ends the current step: the row records its deadline and how it was met.
    fn done_ending_step(&self, d: Dossier) -> Outcome {
        let h = d.handover(self.action.name(), self.now, self.from.clone(), self.step_due, self.step_time);
        Ok((d, h))
    }
}

impl Dossier {
    /// Applies an action. On success the dossier has changed and one control-sheet row is
    /// returned; on failure nothing has changed.
    pub fn apply(
        &self,
        action: &Action,
        actor: &Actor,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Result<(Dossier, Handover), RuleError> {
        let ctx = Ctx::new(self, action, actor, now, calendar);
        // Boundary-free intake: until the competent agency receives the dossier, the receiving
        // centre only hands it over (or the applicant withdraws it); deciding, asking for a
        // supplement, extending or stopping belong to the competent agency, whose clock has not
        // started (ND 118/2025 Điều 17.3 as amended).
        let before_handover = matches!(
            action,
            Action::RequestSupplement { .. }
                | Action::Refuse { .. }
                | Action::Approve
                | Action::Finish
                | Action::Extend { .. }
                | Action::Stop { .. }
        );
        if self.awaiting_handover() && before_handover {
            return Err(RuleError::AwaitingHandover);
        }
        match action {
            Action::Receive => receive::receive(self, &ctx),
            Action::RequestSupplement { missing } => supplement::request(self, &ctx, missing),
            Action::SubmitSupplement => supplement::submit(self, &ctx),
            Action::Refuse { reason } => refuse::refuse(self, &ctx, reason),
            Action::Transfer => transfer::transfer(self, &ctx),
            Action::Assign { department } => assign::assign(self, &ctx, department),
            Action::Approve => approve::approve(self, &ctx),
            Action::Finish => finish::finish(self, &ctx),
            Action::ReturnResult => finish::return_result(self, &ctx),
            Action::Extend { new_due_day, reason } => extend::extend(self, &ctx, *new_due_day, reason),
            Action::Withdraw => stop::withdraw(self, &ctx),
            Action::Stop { reason } => stop::stop(self, &ctx, reason),
        }
    }
}
