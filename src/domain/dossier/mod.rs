//! Dossiers (hồ sơ): codes, channels, statuses and the state machine of DOMAIN.md §4 and §8,
//! with the legal rules of ND 61/2018 and TT 01/2018 as guards.
//!
//! - `code`: the dossier code and the submission reference (TT 01/2018 Điều 19);
//! - `status`: channels, statuses, decisions and supplement stages, with their stored codes;
//! - `route`: the agencies a dossier passes through, and how the route is stored;
//! - `action`, `error`: what may be done to a dossier, by whom, and why it may be refused;
//! - `rules`: `Dossier::apply`, one rule per action, each with its article;
//! - `consultation`: same-level consultations (ND 61/2018 Điều 20);
//! - `urgency`: how pressing an open dossier is for the staff who hold it.
use chrono::{DateTime, Utc};

use super::agency::AgencyCode;
use super::calendar::{to_vietnam, Timeliness, WorkingCalendar};
use super::department::DepartmentKey;
use super::procedure::TimeLimit;

mod action;
mod code;
mod consultation;
mod error;
#[cfg(test)]
pub(crate) mod fixtures;
mod route;
mod rules;
mod status;
mod urgency;

pub use action::{Action, Actor};
pub use code::{
    CodeSchemeKind, DossierCode, DossierCodeError, DossierKey, DossierKeyError, ElectronicId, SubmissionReference,
    SubmissionReferenceError,
};
pub use error::RuleError;
pub use route::{step_after, Route, RoutedStep, StoredRouteError};
pub use status::{Channel, Decision, Status, SupplementStage};
pub use urgency::{Urgency, UrgencyWindow};

/// Everything the rules need to know about a dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    pub status: Status,
    /// In person, by post or online: the counter hands a paper dossier over the same day (ND 61/2018 Điều 18).
    pub channel: Channel,
    pub receiving_agency: AgencyCode,
    pub current_agency: AgencyCode,
    /// Index into `route` of the step the dossier is at.
    pub current_step: usize,
    pub route: Vec<RoutedStep>,
    pub limit: TimeLimit,
    pub submitted_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    /// When the statutory clock (re)started: receipt, or the return of a supplement in appraisal.
    pub clock_started_at: Option<DateTime<Utc>>,
    /// The statutory due date; statistics judge against it.
    pub due_at: Option<DateTime<Utc>>,
    /// The new date promised in an apology; shown to the applicant.
    pub extended_due_at: Option<DateTime<Utc>>,
    pub step_started_at: Option<DateTime<Utc>>,
    pub step_due_at: Option<DateTime<Utc>>,
    pub supplement_stage: Option<SupplementStage>,
    pub intake_supplements: u32,
    pub appraisal_supplements: u32,
    pub extensions: u32,
    pub decision: Option<Decision>,
    pub finished_at: Option<DateTime<Utc>>,
    pub timeliness: Option<Timeliness>,
    pub returned_at: Option<DateTime<Utc>>,
    /// Boundary-free intake: the agency competent to decide, when it is not the receiving one
    /// (see [`crate::domain::intake_boundary`]); the route's step 1 is this agency.
    pub competent_agency: Option<AgencyCode>,
    /// The receiving centre's own deadline for handing the dossier over (the second clock).
    pub handover_due_at: Option<DateTime<Utc>>,
    /// When the competent agency received it: the statutory clock starts then (ND 118 Điều 17.3 as amended).
    pub competent_received_at: Option<DateTime<Utc>>,
    /// The department holding the dossier inside `current_agency` (issue 13 item 6); None: the
    /// agency as a whole. Each step starts where the route names; staff may assign it inside.
    pub current_department: Option<DepartmentKey>,
}

/// What an action adds to the control sheet (Phiếu kiểm soát quá trình giải quyết hồ sơ).
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub action: &'static str,
    pub at: DateTime<Utc>,
    pub from_agency: AgencyCode,
    pub to_agency: AgencyCode,
    pub status: Status,
    /// The deadline of the step that ends with this handover, and how it was met.
    pub step_due_at: Option<DateTime<Utc>>,
    pub step_timeliness: Option<Timeliness>,
    /// The statutory due date and the apology's new date as they stand after the row (the
    /// deadline ledger, [`crate::domain::ledger`]).
    pub due_at: Option<DateTime<Utc>>,
    pub extended_due_at: Option<DateTime<Utc>>,
}

fn to_utc(t: DateTime<chrono::FixedOffset>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

impl Dossier {
    /// A new dossier at intake: online submissions wait at status 1; counter and postal ones are
    /// received at once and their clock starts (with the 15:00 rule).
    pub fn intake(
        channel: Channel,
        receiving_agency: AgencyCode,
        route: Vec<RoutedStep>,
        limit: TimeLimit,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Result<(Self, Handover), RuleError> {
        Self::intake_for(channel, receiving_agency, None, route, limit, now, calendar)
    }

    /// A new dossier received at a centre for a `competent` agency elsewhere (boundary-free intake,
    /// ND 118/2025 Điều 17.3 as amended): the route's step 0 is the receiving centre's handover,
    /// step 1 the competent agency. Received at the counter, its statutory clock does not start:
    /// the centre's handover deadline runs instead, until the competent agency receives it.
    pub fn intake_for(
        channel: Channel,
        receiving_agency: AgencyCode,
        competent: Option<AgencyCode>,
        route: Vec<RoutedStep>,
        limit: TimeLimit,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Result<(Self, Handover), RuleError> {
        Self::presented(channel, receiving_agency, competent, route, limit, now, calendar, true)
    }

    /// A dossier presented at intake: received at once when `receive` (a paper dossier the clerk
    /// accepts), else left at status 1 for the clerk's decision (an online submission; or a paper
    /// dossier the clerk turns away at the counter with a supplement request or a refusal, ND 61/2018
    /// Điều 15.3, 16: nothing is received and no code is issued).
    #[allow(clippy::too_many_arguments)]
    pub fn presented(
        channel: Channel,
        receiving_agency: AgencyCode,
        competent: Option<AgencyCode>,
        route: Vec<RoutedStep>,
        limit: TimeLimit,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
        receive: bool,
    ) -> Result<(Self, Handover), RuleError> {
        let competent = competent.filter(|c| *c != receiving_agency);
        if competent.as_ref().is_some_and(|c| route.get(1).map(|s| &s.agency) != Some(c)) {
            return Err(RuleError::Invalid("a handed-over dossier's route goes to the competent agency first".into()));
        }
        if route.len() < 2 {
            return Err(RuleError::Invalid("the procedure's route has fewer than two steps".into()));
        }
        if route[0].agency != receiving_agency || route[route.len() - 1].agency != receiving_agency {
            return Err(RuleError::Invalid("the route must start and end at the receiving agency".into()));
        }
        let mut d = Dossier {
            status: Status::Submitted,
            channel,
            current_agency: receiving_agency.clone(),
            receiving_agency,
            current_step: 0,
            route,
            limit,
            submitted_at: now,
            received_at: None,
            clock_started_at: None,
            due_at: None,
            extended_due_at: None,
            step_started_at: None,
            step_due_at: None,
            supplement_stage: None,
            intake_supplements: 0,
            appraisal_supplements: 0,
            extensions: 0,
            decision: None,
            finished_at: None,
            timeliness: None,
            returned_at: None,
            competent_agency: competent,
            handover_due_at: None,
            competent_received_at: None,
            current_department: None,
        };
        d.go_to_step(0);
        if channel != Channel::Online && receive {
            d.receive_now(now, calendar);
        }
        let h = d.handover("intake", now, d.receiving_agency.clone(), None, None);
        Ok((d, h))
    }

    /// Whether the dossier is a paper one at the counter's step, which ends with the handover to the
    /// processing agency under the same-day rule (judged to the minute; a boundary-free dossier's
    /// handover has its own deadline instead).
    pub fn paper_counter_step(&self) -> bool {
        self.current_step == 0 && self.channel != Channel::Online && self.competent_agency.is_none()
    }

    /// The legal regime the dossier is handled under: the one of the day it was received (or, not
    /// received yet, submitted), in Vietnam — never today's (issue 14, [`crate::domain::regime`]).
    pub fn regime(&self) -> &'static crate::domain::regime::Regime {
        crate::domain::regime::on(to_vietnam(self.received_at.unwrap_or(self.submitted_at)).date_naive())
    }

    /// The dossier is now at step `index` of its route: that step's agency and department hold it.
    pub(crate) fn go_to_step(&mut self, index: usize) {
        if let Some(step) = self.route.get(index) {
            self.current_step = index;
            self.current_agency = step.agency.clone();
            self.current_department = step.department.clone();
        }
    }

    /// The one-stop counter that hands the result back: the route's last step. It is the receiving
    /// agency, unless a reorganisation ended that agency while the dossier was open and moved its
    /// counter to the successor (issue 13; `receiving_agency` itself never changes: history and
    /// statistics keep the unit that received it).
    pub fn counter(&self) -> &AgencyCode {
        self.route.last().map(|s| &s.agency).unwrap_or(&self.receiving_agency)
    }

    /// The due date the applicant is told: the apology's new date if any, else the statutory one.
    pub fn promised_due_at(&self) -> Option<DateTime<Utc>> {
        Self::promised(self.due_at, self.extended_due_at)
    }

    /// The rule of `promised_due_at` on stored dates (ND 61/2018 Điều 19.9: the apology's new date
    /// replaces the one on the receipt), for readers that hold only the two dates.
    pub fn promised<T>(due_at: Option<T>, extended_due_at: Option<T>) -> Option<T> {
        extended_due_at.or(due_at)
    }

    /// Whether the dossier was received at a centre and waits to be handed to the competent
    /// agency ("chờ bàn giao"): its statutory clock has not started.
    pub fn awaiting_handover(&self) -> bool {
        self.competent_agency.is_some()
            && self.received_at.is_some()
            && self.competent_received_at.is_none()
            && !self.status.is_finished()
    }

    /// Whether the handover missed its deadline: handed over after it, or still not handed over
    /// at `now` after it. None when the dossier has no handover.
    pub fn handover_late(&self, now: DateTime<Utc>) -> Option<bool> {
        let due = self.handover_due_at?;
        let at = self.competent_received_at.unwrap_or(now);
        Some(to_vietnam(at).date_naive() > to_vietnam(due).date_naive())
    }

    /// Receipt at the counter: the statutory clock starts (with the 15:00 rule), unless the
    /// dossier goes to a competent agency elsewhere, when the handover deadline runs instead
    /// (the regime's handover time, see [`crate::domain::intake_boundary::handover_working_days`]).
    fn receive_now(&mut self, now: DateTime<Utc>, calendar: &WorkingCalendar) {
        self.received_at = Some(now);
        self.status = Status::Received;
        let days = crate::domain::intake_boundary::handover_working_days(to_vietnam(now).date_naive());
        match (&self.competent_agency, days) {
            (Some(_), days) => {
                let due = crate::domain::intake_boundary::handover_due_at(calendar, now, days);
                self.handover_due_at = Some(due);
                self.step_started_at = Some(now);
                self.step_due_at = Some(due);
            }
            (None, _) => self.start_clock(now, calendar),
        }
        if self.paper_counter_step() {
            // ND 61/2018 Điều 18.1: the counter's step of a paper dossier (received at intake, or
            // after a supplement asked at the counter) ends with the same-day handover rule.
            self.step_due_at = Some(to_utc(calendar.paper_handover_due(to_vietnam(now))));
        }
    }

    fn start_clock(&mut self, now: DateTime<Utc>, calendar: &WorkingCalendar) {
        self.clock_started_at = Some(now);
        self.due_at = Some(to_utc(calendar.due_at(to_vietnam(now), self.limit)));
        self.start_step(now, calendar);
    }

    fn start_step(&mut self, now: DateTime<Utc>, calendar: &WorkingCalendar) {
        let share = self.route[self.current_step].time_share;
        self.step_started_at = Some(now);
        self.step_due_at = (share > 0)
            .then(|| to_utc(calendar.due_at(to_vietnam(now), TimeLimit { value: share, unit: self.limit.unit })));
    }

    fn handover(
        &self,
        action: &'static str,
        at: DateTime<Utc>,
        from: AgencyCode,
        step_due_at: Option<DateTime<Utc>>,
        step_timeliness: Option<Timeliness>,
    ) -> Handover {
        Handover {
            action,
            at,
            from_agency: from,
            to_agency: self.current_agency.clone(),
            status: self.status,
            step_due_at,
            step_timeliness,
            due_at: self.due_at,
            extended_due_at: self.extended_due_at,
        }
    }

    fn at_agency(actor: &Actor, agency: &AgencyCode) -> bool {
        actor.agency.as_ref() == Some(agency)
    }

    fn require(&self, ok: bool, why: &str) -> Result<(), RuleError> {
        if ok {
            Ok(())
        } else {
            Err(RuleError::Forbidden(why.to_string()))
        }
    }

    fn not_now(&self, action: &Action) -> RuleError {
        RuleError::NotAllowedNow { action: action.name(), status: self.status.as_str() }
    }

    fn finish_with(&mut self, status: Status, now: DateTime<Utc>, calendar: &WorkingCalendar) {
        self.status = status;
        self.finished_at = Some(now);
        self.timeliness = self.due_at.map(|due| calendar.judge(to_vietnam(now), to_vietnam(due), self.limit.unit));
        self.step_due_at = None;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};
    use proptest::prelude::*;

    use super::fixtures::*;
    use super::*;
    use crate::domain::user::Role;

    /// ND 61/2018 Điều 18.1 (kept by ND 118/2025): the counter hands a paper dossier over the same
    /// working day, or at the start of the next one when received after 15:00; the control sheet
    /// judges the counter's step by it, to the minute. Online dossiers keep their step's share.
    #[test]
    fn the_counter_hands_a_paper_dossier_over_the_same_day_or_first_thing_the_next() {
        let cal = calendar();
        let clerk = staff(Role::Clerk, COMMUNE);
        let handed = |received, handed_over| {
            let (d, _) = Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), received, &cal).unwrap();
            let (_, h) = d.apply(&Action::Transfer, &clerk, handed_over, &cal).unwrap();
            (h.step_due_at.map(|t| to_vietnam(t).format("%d/%m %H:%M").to_string()), h.step_timeliness)
        };
        // Monday 4/3/2024 09:00: due that day at the close.
        let due = Some("04/03 17:30".to_string());
        assert_eq!(handed(vn(2024, 3, 4, 9), vn(2024, 3, 4, 16)), (due.clone(), Some(Timeliness::OnTime)));
        assert_eq!(handed(vn(2024, 3, 4, 9), vn(2024, 3, 5, 10)), (due, Some(Timeliness::Late)), "the issue's case");
        // Monday 16:00 (after 15:00): the start of Tuesday, its first office hour.
        let due = Some("05/03 08:30".to_string());
        assert_eq!(handed(vn(2024, 3, 4, 16), vn(2024, 3, 5, 8)), (due.clone(), Some(Timeliness::OnTime)));
        assert_eq!(handed(vn(2024, 3, 4, 16), vn(2024, 3, 5, 10)), (due, Some(Timeliness::Late)));
        // Saturday: the start of Monday.
        assert_eq!(handed(vn(2024, 3, 2, 10), vn(2024, 3, 4, 8)).0, Some("04/03 08:30".to_string()));
        // Turned away at the counter, then received when the supplement came: the same rule from
        // the receipt (Wednesday 10:00 → that day's close).
        let (d, _) =
            Dossier::presented(Channel::Direct, code(COMMUNE), None, route(), limit(), vn(2024, 3, 4, 9), &cal, false)
                .unwrap();
        let asked = Action::RequestSupplement { missing: vec!["Giấy chứng sinh".into()] };
        let (d, _) = d.apply(&asked, &clerk, vn(2024, 3, 4, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::SubmitSupplement, &clerk, vn(2024, 3, 6, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::Receive, &clerk, vn(2024, 3, 6, 10), &cal).unwrap();
        assert_eq!(d.step_due_at.map(|t| to_vietnam(t).format("%d/%m %H:%M").to_string()), Some("06/03 17:30".into()));
        // Online: received later by a clerk; the step keeps its share of the time limit.
        let (d, _) =
            Dossier::intake(Channel::Online, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::Receive, &clerk, vn(2024, 3, 4, 10), &cal).unwrap();
        let (_, h) = d.apply(&Action::Transfer, &clerk, vn(2024, 3, 5, 10), &cal).unwrap();
        // Its one-working-day share ends Wednesday at the close: Tuesday is early, not late.
        assert_eq!(h.step_timeliness, Some(Timeliness::Early), "{h:?}");
    }

    /// ND 118/2025 Điều 21, TT 03/2025 Điều 7: once a decision exists, a stop at the applicant's
    /// request is refused; ND 61/2018 set no such condition. The dossier's regime decides.
    #[test]
    fn a_stop_at_the_applicants_request_is_refused_after_a_decision_under_nd_118() {
        let cal = calendar();
        let clerk = staff(Role::Clerk, COMMUNE);
        let decided = |at| {
            let (mut d, _) = Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), at, &cal).unwrap();
            d.decision = Some(Decision::Approved);
            d
        };
        let d2026 = decided(vn(2026, 3, 2, 9));
        assert_eq!(
            d2026.apply(&Action::Withdraw, &clerk, vn(2026, 3, 3, 9), &cal).unwrap_err(),
            RuleError::AlreadyDecided
        );
        let d2024 = decided(vn(2024, 3, 4, 9));
        assert_eq!(
            d2024.apply(&Action::Withdraw, &clerk, vn(2024, 3, 5, 9), &cal).unwrap().0.status,
            Status::Withdrawn
        );
        // No decision yet: stopped, under either regime.
        let (open, _) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn(2026, 3, 2, 9), &cal).unwrap();
        assert_eq!(open.apply(&Action::Withdraw, &clerk, vn(2026, 3, 3, 9), &cal).unwrap().0.status, Status::Withdrawn);
    }

    #[test]
    fn a_land_dossier_goes_up_two_levels_and_back_to_the_counter() {
        let cal = calendar();
        let t0 = vn(2024, 2, 1, 9);
        let (d, h) = Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), t0, &cal).unwrap();
        assert_eq!((d.status, h.action), (Status::Received, "intake"));
        // 20 working days from 1/2/2024 skip Tết (8–14/2): 7/3/2024.
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 3, 7).unwrap());
        let clerk = staff(Role::Clerk, COMMUNE);
        let (d, h) = d.apply(&Action::Transfer, &clerk, vn(2024, 2, 2, 9), &cal).unwrap();
        assert_eq!((d.current_agency.as_str(), h.from_agency.as_str()), (DISTRICT, COMMUNE));
        // Received Thursday 09:00, handed over Friday: the paper file was due the same day.
        assert_eq!(h.step_timeliness, Some(Timeliness::Late));
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Specialist, DISTRICT), vn(2024, 2, 16, 9), &cal).unwrap();
        assert_eq!(d.current_agency.as_str(), DEPARTMENT);
        let (d, _) =
            d.apply(&Action::Transfer, &staff(Role::Specialist, DEPARTMENT), vn(2024, 2, 22, 9), &cal).unwrap();
        assert_eq!(d.current_agency.as_str(), DISTRICT);
        assert_eq!(
            d.apply(&Action::Transfer, &staff(Role::Leader, DISTRICT), vn(2024, 2, 23, 9), &cal).unwrap_err(),
            RuleError::NoNextStep
        );
        assert_eq!(
            d.apply(&Action::Finish, &staff(Role::Leader, DISTRICT), vn(2024, 2, 23, 9), &cal).unwrap_err(),
            RuleError::NoDecision
        );
        assert!(d
            .apply(&Action::Approve, &staff(Role::Specialist, DISTRICT), vn(2024, 2, 23, 9), &cal)
            .unwrap_err()
            .is_forbidden());
        let (d, _) = d.apply(&Action::Approve, &staff(Role::Leader, DISTRICT), vn(2024, 2, 23, 9), &cal).unwrap();
        let (d, h) = d.apply(&Action::Finish, &staff(Role::Leader, DISTRICT), vn(2024, 2, 26, 9), &cal).unwrap();
        assert_eq!(
            (d.status, d.current_agency.as_str(), h.to_agency.as_str()),
            (Status::ResultReady, COMMUNE, COMMUNE)
        );
        assert_eq!(d.timeliness, Some(Timeliness::Early));
        assert!(d
            .apply(&Action::ReturnResult, &staff(Role::Clerk, DISTRICT), vn(2024, 2, 27, 9), &cal)
            .unwrap_err()
            .is_forbidden());
        let (d, _) = d.apply(&Action::ReturnResult, &clerk, vn(2024, 2, 27, 9), &cal).unwrap();
        assert_eq!(d.status.national_code(), 10);
    }

    #[test]
    fn a_supplement_is_asked_once_within_three_working_days_and_restarts_the_clock() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 9), &cal).unwrap();
        let clerk = staff(Role::Clerk, COMMUNE);
        let ask = Action::RequestSupplement { missing: vec!["Bản sao CCCD".into()] };
        let late = d.apply(&ask, &clerk, vn(2024, 3, 8, 9), &cal).unwrap_err();
        assert_eq!(late, RuleError::SupplementTooLate { days: 4 });
        let (d, _) = d.apply(&ask, &clerk, vn(2024, 3, 7, 9), &cal).unwrap();
        assert_eq!(d.status.national_code(), 5);
        let (d, _) = d.apply(&Action::SubmitSupplement, &owner(), vn(2024, 3, 20, 9), &cal).unwrap();
        assert_eq!(d.status, Status::Received);
        // The limit restarts from zero on 20/3: 20 working days → 17/4 (no holidays in this calendar).
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 4, 17).unwrap());
        assert_eq!(d.apply(&ask, &clerk, vn(2024, 3, 21, 9), &cal).unwrap_err(), RuleError::SupplementAlreadyRequested);
    }

    #[test]
    fn an_apology_comes_once_and_a_working_day_ahead() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Clerk, COMMUNE), vn(2024, 3, 4, 10), &cal).unwrap();
        let leader = staff(Role::Leader, DISTRICT);
        let due = to_vietnam(d.due_at.unwrap()).date_naive();
        assert_eq!(due, NaiveDate::from_ymd_opt(2024, 4, 1).unwrap());
        let extend = |day: NaiveDate| Action::Extend { new_due_day: day, reason: "Chờ ý kiến Sở".into() };
        let new_day = NaiveDate::from_ymd_opt(2024, 4, 10).unwrap();
        assert_eq!(
            d.apply(&extend(new_day), &leader, vn(2024, 4, 1, 9), &cal).unwrap_err(),
            RuleError::ExtensionTooLate
        );
        assert_eq!(
            d.apply(&extend(NaiveDate::from_ymd_opt(2024, 4, 6).unwrap()), &leader, vn(2024, 3, 28, 9), &cal)
                .unwrap_err(),
            RuleError::InvalidNewDate,
            "a Saturday"
        );
        let (d, _) = d.apply(&extend(new_day), &leader, vn(2024, 3, 29, 9), &cal).unwrap();
        assert_eq!(to_vietnam(d.promised_due_at().unwrap()).date_naive(), new_day);
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), due, "statistics keep the statutory date");
        assert_eq!(
            d.apply(&extend(new_day), &leader, vn(2024, 3, 29, 10), &cal).unwrap_err(),
            RuleError::AlreadyExtended
        );
    }

    #[test]
    fn online_dossiers_wait_at_status_one_until_a_clerk_receives_them() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Online, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 16), &cal).unwrap();
        assert_eq!((d.status.national_code(), d.due_at), (1, None));
        assert!(d
            .apply(&Action::Receive, &staff(Role::Clerk, DISTRICT), vn(2024, 3, 5, 8), &cal)
            .unwrap_err()
            .is_forbidden());
        let (d, _) = d.apply(&Action::Receive, &staff(Role::Clerk, COMMUNE), vn(2024, 3, 5, 8), &cal).unwrap();
        assert_eq!(d.status.national_code(), 2);
        let (d, _) = d.apply(&Action::Withdraw, &owner(), vn(2024, 3, 6, 8), &cal).unwrap();
        assert_eq!(d.status.national_code(), 7);
        assert!(d.status.is_finished());
    }

    /// A boundary-free dossier: received at COMMUNE for the department (DEPARTMENT), whose own
    /// route (3 working days) comes back to the commune.
    fn handed_over_route() -> Vec<RoutedStep> {
        [(COMMUNE, 0), (DEPARTMENT, 1), (DEPARTMENT, 1), (COMMUNE, 1)]
            .into_iter()
            .map(|(a, s)| RoutedStep::at(code(a), s))
            .collect()
    }

    fn three_days() -> TimeLimit {
        TimeLimit { value: 3, unit: crate::domain::procedure::TimeUnit::WorkingDays }
    }

    fn received_for_department(at: DateTime<Utc>, cal: &WorkingCalendar) -> Dossier {
        let (d, h) = Dossier::intake_for(
            Channel::Direct,
            code(COMMUNE),
            Some(code(DEPARTMENT)),
            handed_over_route(),
            three_days(),
            at,
            cal,
        )
        .unwrap();
        assert_eq!((h.action, h.to_agency.as_str()), ("intake", COMMUNE));
        d
    }

    #[test]
    fn a_boundary_free_dossier_waits_for_its_handover_and_its_clock_starts_at_the_competent_agency() {
        let cal = calendar();
        // Received at the commune on Monday 4/3/2024 at 9:00: no statutory date yet; the handover
        // is due at the close of Tuesday.
        let d = received_for_department(vn(2024, 3, 4, 9), &cal);
        assert_eq!((d.status, d.due_at, d.clock_started_at), (Status::Received, None, None));
        assert!(d.awaiting_handover());
        assert_eq!(to_vietnam(d.handover_due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 3, 5).unwrap());
        assert_eq!(d.step_due_at, d.handover_due_at);
        assert_eq!(d.handover_late(vn(2024, 3, 5, 17)), Some(false));
        assert_eq!(d.handover_late(vn(2024, 3, 6, 8)), Some(true), "not handed over by its deadline");
        // The centre cannot decide, ask for a supplement, extend or stop it meanwhile.
        let clerk = staff(Role::Clerk, COMMUNE);
        let leader = staff(Role::Leader, COMMUNE);
        for (a, who) in [
            (Action::Approve, &leader),
            (Action::Refuse { reason: "x".into() }, &leader),
            (Action::RequestSupplement { missing: vec!["x".into()] }, &clerk),
            (Action::Stop { reason: "x".into() }, &leader),
            (
                Action::Extend { new_due_day: NaiveDate::from_ymd_opt(2024, 3, 20).unwrap(), reason: "x".into() },
                &leader,
            ),
        ] {
            assert_eq!(d.apply(&a, who, vn(2024, 3, 4, 10), &cal).unwrap_err(), RuleError::AwaitingHandover, "{a:?}");
        }
        assert!(d
            .apply(&Action::Transfer, &staff(Role::Clerk, DEPARTMENT), vn(2024, 3, 4, 10), &cal)
            .unwrap_err()
            .is_forbidden());
        // Handed over on Tuesday at 10:00: the department's receipt; 3 working days from then → Friday 8/3.
        let (d, h) = d.apply(&Action::Transfer, &clerk, vn(2024, 3, 5, 10), &cal).unwrap();
        assert_eq!((h.from_agency.as_str(), h.to_agency.as_str()), (COMMUNE, DEPARTMENT));
        assert_eq!((h.step_due_at, h.step_timeliness), (d.handover_due_at, Some(Timeliness::OnTime)));
        assert_eq!((d.current_agency.as_str(), d.current_step, d.status), (DEPARTMENT, 1, Status::Processing));
        assert_eq!(d.competent_received_at, Some(vn(2024, 3, 5, 10)));
        assert_eq!(d.clock_started_at, d.competent_received_at);
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 3, 8).unwrap());
        assert!(!d.awaiting_handover());
        assert_eq!(d.handover_late(vn(2024, 4, 1, 9)), Some(false), "judged at the handover");
        // The department decides; the result comes back to the receiving commune.
        let dept = staff(Role::Leader, DEPARTMENT);
        let (d, _) = d.apply(&Action::Transfer, &dept, vn(2024, 3, 6, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::Approve, &dept, vn(2024, 3, 6, 10), &cal).unwrap();
        let (d, h) = d.apply(&Action::Finish, &dept, vn(2024, 3, 7, 9), &cal).unwrap();
        assert_eq!((d.current_agency.as_str(), h.to_agency.as_str()), (COMMUNE, COMMUNE));
        assert_eq!(d.timeliness, Some(Timeliness::Early));
        let (d, _) = d.apply(&Action::ReturnResult, &clerk, vn(2024, 3, 7, 14), &cal).unwrap();
        assert_eq!(d.status, Status::Returned);
    }

    #[test]
    fn a_handover_after_1500_or_on_a_day_off_starts_the_count_the_next_working_day_and_a_late_one_is_marked() {
        let cal = calendar();
        let clerk = staff(Role::Clerk, COMMUNE);
        // Handed over on Tuesday 5/3/2024 at 16:00: counting starts Wednesday → Monday 11/3.
        let d = received_for_department(vn(2024, 3, 4, 9), &cal);
        let (d, _) = d.apply(&Action::Transfer, &clerk, vn(2024, 3, 5, 16), &cal).unwrap();
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 3, 11).unwrap());
        // Received Friday 2/2/2024 at 16:00 (the handover is due Tuesday 6/2), handed over on
        // Saturday 3/2 (a day off): counting starts Monday 5/2 → Tết (8–14/2) → Thursday 15/2.
        let d = received_for_department(vn(2024, 2, 2, 16), &cal);
        assert_eq!(to_vietnam(d.handover_due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 2, 6).unwrap());
        let (d, _) = d.apply(&Action::Transfer, &clerk, vn(2024, 2, 3, 9), &cal).unwrap();
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 2, 15).unwrap());
        // Handed over a day late: the control-sheet row and the dossier say so.
        let d = received_for_department(vn(2024, 3, 4, 9), &cal);
        let (d, h) = d.apply(&Action::Transfer, &clerk, vn(2024, 3, 6, 9), &cal).unwrap();
        assert_eq!(h.step_timeliness, Some(Timeliness::Late));
        assert_eq!(d.handover_late(vn(2024, 3, 6, 9)), Some(true));
    }

    #[test]
    fn an_online_boundary_free_dossier_gets_its_handover_deadline_when_the_centre_receives_it() {
        let cal = calendar();
        let (d, _) = Dossier::intake_for(
            Channel::Online,
            code(COMMUNE),
            Some(code(DEPARTMENT)),
            handed_over_route(),
            three_days(),
            vn(2024, 3, 4, 9),
            &cal,
        )
        .unwrap();
        assert!(!d.awaiting_handover() && d.handover_due_at.is_none());
        let (d, _) = d.apply(&Action::Receive, &staff(Role::Clerk, COMMUNE), vn(2024, 3, 5, 15), &cal).unwrap();
        assert!(d.awaiting_handover() && d.due_at.is_none());
        assert_eq!(to_vietnam(d.handover_due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 3, 7).unwrap());
        // The competent agency must be the route's next step.
        let wrong = Dossier::intake_for(
            Channel::Direct,
            code(COMMUNE),
            Some(code(DISTRICT)),
            handed_over_route(),
            three_days(),
            vn(2024, 3, 4, 9),
            &cal,
        );
        assert!(matches!(wrong, Err(RuleError::Invalid(_))));
    }

    /// One random step: which action, who does it, and how long after the previous one.
    #[derive(Debug, Clone)]
    struct Step {
        action: usize,
        actor: usize,
        minutes_later: i64,
    }

    fn actors() -> Vec<Actor> {
        let mut v = vec![owner(), Actor { role: Role::Citizen, agency: None, is_owner: false }];
        for a in [COMMUNE, DISTRICT, DEPARTMENT, "000.00.03.H12"] {
            for r in [Role::Clerk, Role::Specialist, Role::Leader, Role::Admin] {
                v.push(staff(r, a));
            }
        }
        v
    }

    fn action(i: usize, now: DateTime<Utc>) -> Action {
        let day = to_vietnam(now).date_naive();
        match i % 11 {
            0 => Action::Receive,
            1 => Action::RequestSupplement { missing: vec!["Giấy tờ".into()] },
            2 => Action::SubmitSupplement,
            3 => Action::Refuse { reason: "Không đủ điều kiện".into() },
            4 => Action::Transfer,
            5 => Action::Approve,
            6 => Action::Finish,
            7 => Action::ReturnResult,
            8 => Action::Extend { new_due_day: day + Duration::days(40), reason: "Chậm".into() },
            9 => Action::Withdraw,
            _ => Action::Stop { reason: "Theo đề nghị".into() },
        }
    }

    fn step() -> impl Strategy<Value = Step> {
        (0usize..11, 0usize..18, 0i64..(60 * 24 * 6)).prop_map(|(action, actor, minutes_later)| Step {
            action,
            actor,
            minutes_later,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// No sequence of actions breaks an invariant: history only grows, status codes are
        /// valid, due dates never precede receipt, at most one extension and one supplement
        /// per stage, finished dossiers stay finished, the result ends at the receiving counter.
        #[test]
        fn no_sequence_of_actions_breaks_an_invariant(
            online in any::<bool>(),
            handed_over in any::<bool>(),
            start_minutes in 0i64..(60 * 24 * 60),
            steps in proptest::collection::vec(step(), 1..40),
        ) {
            let cal = calendar();
            let actors = actors();
            let mut now = vn(2024, 1, 15, 7) + Duration::minutes(start_minutes);
            let channel = if online { Channel::Online } else { Channel::Direct };
            let (mut d, _) = if handed_over {
                let route: Vec<RoutedStep> = std::iter::once(RoutedStep::at(code(COMMUNE), 0))
                    .chain(route().into_iter().skip(1))
                    .collect();
                Dossier::intake_for(channel, code(COMMUNE), Some(code(DISTRICT)), route, limit(), now, &cal).unwrap()
            } else {
                Dossier::intake(channel, code(COMMUNE), route(), limit(), now, &cal).unwrap()
            };
            let mut history = 1usize;
            let mut was_finished = false;
            for s in steps {
                now += Duration::minutes(s.minutes_later);
                let before = d.clone();
                match d.apply(&action(s.action, now), &actors[s.actor], now, &cal) {
                    Ok((next, handover)) => {
                        history += 1;
                        prop_assert_eq!(handover.at, now);
                        prop_assert_eq!(&handover.to_agency, &next.current_agency);
                        d = next;
                    }
                    Err(_) => prop_assert_eq!(&d, &before, "a refused action changes nothing"),
                }
                prop_assert!(history >= 1);
                prop_assert!([1, 2, 3, 4, 5, 7, 8, 9, 10].contains(&d.status.national_code()));
                if let (Some(received), Some(due)) = (d.received_at, d.due_at) {
                    prop_assert!(due >= received, "due {} before receipt {}", due, received);
                }
                if d.awaiting_handover() {
                    prop_assert!(d.due_at.is_none() && d.handover_due_at.is_some(), "no statutory clock before the handover");
                    prop_assert_eq!(d.current_step, 0);
                }
                if let (Some(handed), Some(started)) = (d.competent_received_at, d.clock_started_at) {
                    prop_assert!(started >= handed, "the clock never starts before the competent agency's receipt");
                }
                if let Some(extended) = d.extended_due_at {
                    prop_assert!(extended > d.due_at.unwrap());
                }
                prop_assert!(d.extensions <= 1);
                prop_assert!(d.intake_supplements <= 1 && d.appraisal_supplements <= 1);
                if was_finished {
                    prop_assert!(d.status.is_finished(), "finished dossiers stay finished");
                }
                was_finished = d.status.is_finished();
                if matches!(d.status, Status::ResultReady | Status::Returned) {
                    prop_assert_eq!(&d.current_agency, &d.receiving_agency);
                    prop_assert!(d.decision.is_some());
                }
                if d.status.is_finished() && d.due_at.is_some() {
                    prop_assert!(d.timeliness.is_some() && d.finished_at.is_some());
                }
            }
        }
    }
}
