//! Same-level consultation (liên thông cùng cấp).
//!
//! ND 61/2018 Điều 19.5–19.6 (consultation; liên thông between agencies of the same level; cited
//! as Điều 20 before; the regulations digest, §2.3, places both in Điều 19): the lead agency sends the
//! dossier to each agency it consults, with that agency's task and deadline; the consulted agency
//! answers to the lead agency. The dossier stays with the lead agency meanwhile.
use chrono::{DateTime, Utc};

use super::{Actor, Dossier, Handover, RuleError, Status};
use crate::domain::agency::AgencyCode;
use crate::domain::calendar::{to_vietnam, WorkingCalendar};

impl Dossier {
    pub fn consult(
        &self,
        actor: &Actor,
        consulted: &AgencyCode,
        same_level: bool,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Handover, RuleError> {
        if !matches!(self.status, Status::Received | Status::Processing) {
            return Err(RuleError::NotAllowedNow { action: "consult", status: self.status.as_str() });
        }
        self.require(
            actor.role.is_staff() && Self::at_agency(actor, &self.current_agency),
            "only staff of the agency holding the dossier ask another agency's opinion",
        )?;
        if consulted == &self.current_agency || !same_level {
            return Err(RuleError::Invalid(
                "a consultation goes to another agency of the same level; use transfer to move between levels".into(),
            ));
        }
        if due <= now {
            return Err(RuleError::Invalid("the consultation's deadline must be in the future".into()));
        }
        Ok(Handover {
            action: "consult",
            at: now,
            from_agency: self.current_agency.clone(),
            to_agency: consulted.clone(),
            status: self.status,
            step_due_at: Some(due),
            step_timeliness: None,
            due_at: self.due_at,
            extended_due_at: self.extended_due_at,
        })
    }

    /// The consulted agency's answer, judged against the consultation's own deadline.
    pub fn answer_consultation(
        &self,
        actor: &Actor,
        consulted: &AgencyCode,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Result<Handover, RuleError> {
        if self.status.is_finished() {
            return Err(RuleError::NotAllowedNow { action: "answer_consultation", status: self.status.as_str() });
        }
        self.require(
            actor.role.is_staff() && Self::at_agency(actor, consulted),
            "only staff of the consulted agency answer the consultation",
        )?;
        Ok(Handover {
            action: "answer_consultation",
            at: now,
            from_agency: consulted.clone(),
            to_agency: self.current_agency.clone(),
            status: self.status,
            step_due_at: Some(due),
            step_timeliness: Some(calendar.judge(to_vietnam(now), to_vietnam(due), self.limit.unit)),
            due_at: self.due_at,
            extended_due_at: self.extended_due_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::calendar::Timeliness;
    use crate::domain::dossier::{Action, Channel};
    use crate::domain::user::Role;

    #[test]
    fn consultations_go_sideways_and_are_judged_against_their_own_deadline() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Clerk, COMMUNE), vn(2024, 3, 4, 10), &cal).unwrap();
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Specialist, DISTRICT), vn(2024, 3, 5, 10), &cal).unwrap();
        let other = code("000.00.03.H12");
        let lead = staff(Role::Specialist, DEPARTMENT);
        let due = vn(2024, 3, 7, 17);
        assert!(d.consult(&lead, &code(DISTRICT), false, due, vn(2024, 3, 5, 11)).is_err(), "not the same level");
        assert!(d
            .consult(&staff(Role::Clerk, COMMUNE), &other, true, due, vn(2024, 3, 5, 11))
            .unwrap_err()
            .is_forbidden());
        let h = d.consult(&lead, &other, true, due, vn(2024, 3, 5, 11)).unwrap();
        assert_eq!((h.from_agency.as_str(), h.to_agency.as_str()), (DEPARTMENT, "000.00.03.H12"));
        assert!(d.answer_consultation(&lead, &other, due, vn(2024, 3, 6, 9), &cal).unwrap_err().is_forbidden());
        let a = d
            .answer_consultation(&staff(Role::Specialist, "000.00.03.H12"), &other, due, vn(2024, 3, 8, 9), &cal)
            .unwrap();
        assert_eq!(a.step_timeliness, Some(Timeliness::Late));
        assert_eq!(a.to_agency.as_str(), DEPARTMENT);
    }
}
