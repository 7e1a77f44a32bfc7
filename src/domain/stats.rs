//! Statistics by construction: each dossier contributes marks to daily counters, and every
//! change of a dossier writes the difference of its contributions in the same transaction.
//! The official report (Biểu II.06a, TT 01/2020/TT-VPCP) and the indicators are then prefix sums.
use std::cmp::Ordering;

use chrono::NaiveDate;

use super::agency::AgencyCode;
use super::calendar::{to_vietnam, Timeliness};
use super::delay_attribution::DelayAttribution;
use super::intake_latency::IntakeWait;

/// A counter column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Received online (column 4), by receipt day.
    ReceivedOnline,
    /// Received in person or by post (column 5), by receipt day.
    ReceivedDirect,
    /// Received online for a level-4 procedure, by receipt day (dossiers_online_level4_pct).
    ReceivedOnlineLevel4,
    /// Finished before the due day (column 8), by finishing day.
    ResolvedEarly,
    /// Finished on the due day (column 9).
    ResolvedOnTime,
    /// Finished after the due day (column 10).
    ResolvedLate,
    /// One mark on each received dossier's due day: with `Settled`, gives the overdue count.
    Due,
    /// For a finished dossier, one mark on the later of its finishing day and its due day.
    Settled,
    /// A rating given, by rating day (satisfaction_pct denominator).
    Rated,
    /// A rating of 4 or 5 ("hài lòng"), by rating day.
    RatedSatisfied,
    /// An online dossier received whose wait for the counter is recorded, by receipt day
    /// (`domain::intake_latency`; those received before the counters kept it have none).
    IntakeTimed,
    /// The office minutes those dossiers waited from submission to receipt, summed (not a count).
    IntakeWaitMinutes,
    /// Those received after their receipt day (`domain::intake_latency::receipt_due_day`).
    IntakeLate,
    /// A stay of a dossier at one step of its route ended, at the agency that held it (not the
    /// dossier's receiving agency), by the day it ended (`domain::delay_attribution`, issue 16 item 1).
    StepsEnded,
    /// Those that held it for less than the step's budget (TT 01/2018 Điều 13.2: 2 points).
    StepsEarly,
    /// Those that held it for longer than the step's budget (Điều 13.2: 0 points).
    StepsLate,
    /// The office minutes those went over their budgets, summed (not a count): "late hours caused".
    StepLateMinutes,
    /// Finished after exactly one supplement request (intake or appraisal), by finishing day
    /// (TT 01/2018 Điều 13.3: one contact, 1 point).
    ResolvedOneSupplement,
    /// Finished after more than one (Điều 13.3: 0 points).
    ResolvedManySupplements,
    /// Finished early or on time after more than one supplement request: DVCQG's progress
    /// indicator counts them overdue (QĐ 766 indicator 2.1, regulations.md §2.7).
    ResolvedInTimeManySupplements,
    /// An online dossier finished after its due day (TT 01/2018 Điều 13.9: "no online dossier late").
    ResolvedLateOnline,
    /// [`Measure::Due`] and [`Measure::Settled`] of the online dossiers alone: with them, the
    /// online dossiers pending past their due day.
    DueOnline,
    SettledOnline,
    /// The office minutes from receipt to finish of the dossiers finished, summed (not a count):
    /// the average processing time (ND 224/2026 Điều 19.2, QĐ 766 indicator 2.2).
    ResolvedWorkingMinutes,
    /// The dossiers finished whose processing time is recorded (every one finished since the
    /// counters kept it): the average's denominator.
    ResolvedTimed,
}

impl Measure {
    pub const ALL: [Measure; 25] = [
        Self::ReceivedOnline,
        Self::ReceivedDirect,
        Self::ReceivedOnlineLevel4,
        Self::ResolvedEarly,
        Self::ResolvedOnTime,
        Self::ResolvedLate,
        Self::Due,
        Self::Settled,
        Self::Rated,
        Self::RatedSatisfied,
        Self::IntakeTimed,
        Self::IntakeWaitMinutes,
        Self::IntakeLate,
        Self::StepsEnded,
        Self::StepsEarly,
        Self::StepsLate,
        Self::StepLateMinutes,
        Self::ResolvedOneSupplement,
        Self::ResolvedManySupplements,
        Self::ResolvedInTimeManySupplements,
        Self::ResolvedLateOnline,
        Self::DueOnline,
        Self::SettledOnline,
        Self::ResolvedWorkingMinutes,
        Self::ResolvedTimed,
    ];
}

/// What statistics need to know of one dossier at one moment (days in Vietnam time).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    pub received_day: Option<NaiveDate>,
    pub online: bool,
    pub level4: bool,
    /// The statutory due day (never the apology's new date: DOMAIN.md §5).
    pub due_day: Option<NaiveDate>,
    pub finished: Option<(NaiveDate, Timeliness)>,
    /// The applicant's rating: its day and whether it was satisfied (4 or 5 of 5).
    pub rated: Option<(NaiveDate, bool)>,
    /// For an online dossier received, how long it waited for the counter.
    pub intake: Option<IntakeWait>,
    /// Supplement requests made so far, at intake and in appraisal.
    pub supplements: u32,
    /// For a finished dossier, the office minutes from its receipt to its finish (None when not
    /// measured: then it puts no [`Measure::ResolvedWorkingMinutes`]).
    pub processing_minutes: Option<i64>,
}

/// One change to a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Delta {
    pub day: NaiveDate,
    pub measure: Measure,
    pub amount: i64,
}

/// The marks a dossier in this state puts on the counters, each with its amount (1 for a count;
/// the minutes for [`Measure::IntakeWaitMinutes`]). A dossier never received (status 1, or
/// refused/withdrawn before receipt) counts nowhere: TT 01/2020 counts received dossiers.
pub fn contributions(f: &Facts) -> Vec<(NaiveDate, Measure, i64)> {
    let Some(received) = f.received_day else { return vec![] };
    let mut v = vec![(received, if f.online { Measure::ReceivedOnline } else { Measure::ReceivedDirect }, 1)];
    if f.online && f.level4 {
        v.push((received, Measure::ReceivedOnlineLevel4, 1));
    }
    if let Some(wait) = f.intake.filter(|_| f.online) {
        v.push((received, Measure::IntakeTimed, 1));
        v.push((received, Measure::IntakeWaitMinutes, wait.working_minutes));
        if wait.late {
            v.push((received, Measure::IntakeLate, 1));
        }
    }
    // A dossier whose statutory clock has not started (received boundary-free, waiting for the
    // competent agency: `intake_boundary`) has no due day yet: it is pending in time until then.
    if let Some(due) = f.due_day {
        v.push((due, Measure::Due, 1));
        if f.online {
            v.push((due, Measure::DueOnline, 1));
        }
    }
    if let Some((day, t)) = f.finished {
        match f.supplements {
            0 => {}
            1 => v.push((day, Measure::ResolvedOneSupplement, 1)),
            _ => {
                v.push((day, Measure::ResolvedManySupplements, 1));
                if t != Timeliness::Late {
                    v.push((day, Measure::ResolvedInTimeManySupplements, 1));
                }
            }
        }
        if f.online && t == Timeliness::Late {
            v.push((day, Measure::ResolvedLateOnline, 1));
        }
        if let Some(minutes) = f.processing_minutes {
            v.push((day, Measure::ResolvedWorkingMinutes, minutes));
            v.push((day, Measure::ResolvedTimed, 1));
        }
        if let (Some(due), true) = (f.due_day, f.online) {
            v.push((day.max(due), Measure::SettledOnline, 1));
        }
        v.push((
            day,
            match t {
                Timeliness::Early => Measure::ResolvedEarly,
                Timeliness::OnTime => Measure::ResolvedOnTime,
                Timeliness::Late => Measure::ResolvedLate,
            },
            1,
        ));
        if let Some(due) = f.due_day {
            v.push((day.max(due), Measure::Settled, 1));
        }
    }
    if let Some((day, satisfied)) = f.rated {
        v.push((day, Measure::Rated, 1));
        if satisfied {
            v.push((day, Measure::RatedSatisfied, 1));
        }
    }
    v
}

/// The counter changes that take a dossier from `before` (None: it did not exist) to `after`.
pub fn deltas(before: Option<&Facts>, after: &Facts) -> Vec<Delta> {
    difference(before.map(contributions).unwrap_or_default(), contributions(after))
}

/// The changes that take the marks `before` to the marks `after`, per day and measure, leaving out
/// those that cancel.
fn difference(before: Vec<(NaiveDate, Measure, i64)>, after: Vec<(NaiveDate, Measure, i64)>) -> Vec<Delta> {
    let mut out: Vec<Delta> = Vec::new();
    let marks = before.into_iter().map(|(day, m, n)| (day, m, -n)).chain(after);
    for (day, measure, amount) in marks {
        match out.iter_mut().find(|d| d.day == day && d.measure == measure) {
            Some(d) => d.amount += amount,
            None => out.push(Delta { day, measure, amount }),
        }
    }
    out.retain(|d| d.amount != 0);
    out.sort();
    out
}

/// The marks the ended stays of a dossier's route put on the counters of the agencies that held
/// them (issue 16 item 1, "late hours caused"): per stay, on the Vietnam day it ended, one
/// [`Measure::StepsEnded`], one [`Measure::StepsEarly`] or [`Measure::StepsLate`] against its
/// budget, and its minutes over the budget. A stay still open puts none: it is counted when it
/// ends, so the figures never move backwards and no scan is needed to read them.
pub fn step_contributions(a: &DelayAttribution) -> Vec<(AgencyCode, NaiveDate, Measure, i64)> {
    let mut v = Vec::new();
    for s in &a.steps {
        let Some(until) = s.until else { continue };
        let day = to_vietnam(until).date_naive();
        v.push((s.agency.clone(), day, Measure::StepsEnded, 1));
        match s.held_minutes.cmp(&s.budget_minutes) {
            Ordering::Less => v.push((s.agency.clone(), day, Measure::StepsEarly, 1)),
            Ordering::Greater => {
                v.push((s.agency.clone(), day, Measure::StepsLate, 1));
                v.push((s.agency.clone(), day, Measure::StepLateMinutes, s.over_minutes()));
            }
            Ordering::Equal => {}
        }
    }
    v
}

/// The counter changes, per agency, that take a dossier's ended stays from `before` to `after`
/// (in the agencies' order of first appearance).
pub fn step_deltas(before: &DelayAttribution, after: &DelayAttribution) -> Vec<(AgencyCode, Vec<Delta>)> {
    let (before, after) = (step_contributions(before), step_contributions(after));
    let mut agencies: Vec<AgencyCode> = Vec::new();
    for (a, ..) in before.iter().chain(&after) {
        if !agencies.contains(a) {
            agencies.push(a.clone());
        }
    }
    let of = |marks: &[(AgencyCode, NaiveDate, Measure, i64)], agency: &AgencyCode| {
        marks.iter().filter(|(a, ..)| a == agency).map(|(_, d, m, n)| (*d, *m, *n)).collect::<Vec<_>>()
    };
    agencies
        .into_iter()
        .map(|a| {
            let d = difference(of(&before, &a), of(&after, &a));
            (a, d)
        })
        .filter(|(_, d)| !d.is_empty())
        .collect()
}

/// One row of Biểu II.06a (columns 3–13), DOMAIN.md §6.1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportRow {
    pub received_total: i64,
    pub received_online: i64,
    pub received_direct: i64,
    pub carried_over: i64,
    pub resolved_total: i64,
    pub resolved_early: i64,
    pub resolved_on_time: i64,
    pub resolved_late: i64,
    pub pending_total: i64,
    pub pending_in_time: i64,
    pub pending_overdue: i64,
    /// Received online for level-4 procedures in the period (for the indicators).
    pub received_online_level4: i64,
    /// Ratings given in the period, and those satisfied (for the indicators).
    pub rated: i64,
    pub rated_satisfied: i64,
    /// Online dossiers received in the period whose wait for the counter is recorded, the office
    /// minutes they waited in all, and those received late (`domain::intake_latency`).
    pub intake_timed: i64,
    pub intake_wait_minutes: i64,
    pub intake_late: i64,
    /// Stays at a step of a route that ended in the period at the agency (those it held), those
    /// under and over the step's budget, and the office minutes over it ("late hours caused").
    pub steps_ended: i64,
    pub steps_early: i64,
    pub steps_late: i64,
    pub step_late_minutes: i64,
    /// Finished in the period after one, and after more than one, supplement request; those of
    /// the latter finished early or on time (QĐ 766 counts them overdue).
    pub resolved_one_supplement: i64,
    pub resolved_many_supplements: i64,
    pub resolved_in_time_many_supplements: i64,
    /// Online dossiers finished late in the period, and those pending past their due day at its end.
    pub resolved_late_online: i64,
    pub pending_overdue_online: i64,
    /// The office minutes from receipt to finish of the dossiers finished in the period, in all,
    /// and how many of them are timed.
    pub resolved_working_minutes: i64,
    pub resolved_timed: i64,
}

impl ReportRow {
    /// The average wait of the online dossiers received in the period, in office hours (one
    /// decimal); None when none was timed.
    pub fn average_intake_wait_hours(&self) -> Option<f64> {
        (self.intake_timed > 0)
            .then(|| (self.intake_wait_minutes as f64 / 6.0 / self.intake_timed as f64).round() / 10.0)
    }
}

/// Columns 3–13 in the form's order.
pub fn report_columns(r: &ReportRow) -> [i64; 11] {
    [
        r.received_total,
        r.received_online,
        r.received_direct,
        r.carried_over,
        r.resolved_total,
        r.resolved_early,
        r.resolved_on_time,
        r.resolved_late,
        r.pending_total,
        r.pending_in_time,
        r.pending_overdue,
    ]
}

/// Sums of each measure over all days up to and including a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cumulative {
    pub received_online: i64,
    pub received_direct: i64,
    pub received_online_level4: i64,
    pub resolved_early: i64,
    pub resolved_on_time: i64,
    pub resolved_late: i64,
    pub due: i64,
    pub settled: i64,
    pub rated: i64,
    pub rated_satisfied: i64,
    pub intake_timed: i64,
    pub intake_wait_minutes: i64,
    pub intake_late: i64,
    pub steps_ended: i64,
    pub steps_early: i64,
    pub steps_late: i64,
    pub step_late_minutes: i64,
    pub resolved_one_supplement: i64,
    pub resolved_many_supplements: i64,
    pub resolved_in_time_many_supplements: i64,
    pub resolved_late_online: i64,
    pub due_online: i64,
    pub settled_online: i64,
    pub resolved_working_minutes: i64,
    pub resolved_timed: i64,
}

impl Cumulative {
    pub fn add(&mut self, m: Measure, n: i64) {
        match m {
            Measure::ReceivedOnline => self.received_online += n,
            Measure::ReceivedDirect => self.received_direct += n,
            Measure::ReceivedOnlineLevel4 => self.received_online_level4 += n,
            Measure::ResolvedEarly => self.resolved_early += n,
            Measure::ResolvedOnTime => self.resolved_on_time += n,
            Measure::ResolvedLate => self.resolved_late += n,
            Measure::Due => self.due += n,
            Measure::Settled => self.settled += n,
            Measure::Rated => self.rated += n,
            Measure::RatedSatisfied => self.rated_satisfied += n,
            Measure::IntakeTimed => self.intake_timed += n,
            Measure::IntakeWaitMinutes => self.intake_wait_minutes += n,
            Measure::IntakeLate => self.intake_late += n,
            Measure::StepsEnded => self.steps_ended += n,
            Measure::StepsEarly => self.steps_early += n,
            Measure::StepsLate => self.steps_late += n,
            Measure::StepLateMinutes => self.step_late_minutes += n,
            Measure::ResolvedOneSupplement => self.resolved_one_supplement += n,
            Measure::ResolvedManySupplements => self.resolved_many_supplements += n,
            Measure::ResolvedInTimeManySupplements => self.resolved_in_time_many_supplements += n,
            Measure::ResolvedLateOnline => self.resolved_late_online += n,
            Measure::DueOnline => self.due_online += n,
            Measure::SettledOnline => self.settled_online += n,
            Measure::ResolvedWorkingMinutes => self.resolved_working_minutes += n,
            Measure::ResolvedTimed => self.resolved_timed += n,
        }
    }
    fn received(&self) -> i64 {
        self.received_online + self.received_direct
    }
    fn resolved(&self) -> i64 {
        self.resolved_early + self.resolved_on_time + self.resolved_late
    }
}

/// TT 01/2020/TT-VPCP Biểu II.06a for the period (`before_start` = sums up to the day before it
/// starts, `at_end` = sums up to its last day). The identities hold by construction:
/// 3 = 4 + 5 + 6, 7 = 8 + 9 + 10, 11 = 12 + 13, 3 = 7 + 11.
pub fn report(before_start: &Cumulative, at_end: &Cumulative) -> ReportRow {
    let carried_over = before_start.received() - before_start.resolved();
    let received_online = at_end.received_online - before_start.received_online;
    let received_direct = at_end.received_direct - before_start.received_direct;
    let resolved_early = at_end.resolved_early - before_start.resolved_early;
    let resolved_on_time = at_end.resolved_on_time - before_start.resolved_on_time;
    let resolved_late = at_end.resolved_late - before_start.resolved_late;
    let received_total = received_online + received_direct + carried_over;
    let resolved_total = resolved_early + resolved_on_time + resolved_late;
    let pending_total = received_total - resolved_total;
    // Unfinished at the end with a due day on or before it: due marks minus the settled ones.
    let pending_overdue = at_end.due - at_end.settled;
    ReportRow {
        received_total,
        received_online,
        received_direct,
        carried_over,
        resolved_total,
        resolved_early,
        resolved_on_time,
        resolved_late,
        pending_total,
        pending_in_time: pending_total - pending_overdue,
        pending_overdue,
        received_online_level4: at_end.received_online_level4 - before_start.received_online_level4,
        rated: at_end.rated - before_start.rated,
        rated_satisfied: at_end.rated_satisfied - before_start.rated_satisfied,
        intake_timed: at_end.intake_timed - before_start.intake_timed,
        intake_wait_minutes: at_end.intake_wait_minutes - before_start.intake_wait_minutes,
        intake_late: at_end.intake_late - before_start.intake_late,
        steps_ended: at_end.steps_ended - before_start.steps_ended,
        steps_early: at_end.steps_early - before_start.steps_early,
        steps_late: at_end.steps_late - before_start.steps_late,
        step_late_minutes: at_end.step_late_minutes - before_start.step_late_minutes,
        resolved_one_supplement: at_end.resolved_one_supplement - before_start.resolved_one_supplement,
        resolved_many_supplements: at_end.resolved_many_supplements - before_start.resolved_many_supplements,
        resolved_in_time_many_supplements: at_end.resolved_in_time_many_supplements
            - before_start.resolved_in_time_many_supplements,
        resolved_late_online: at_end.resolved_late_online - before_start.resolved_late_online,
        pending_overdue_online: at_end.due_online - at_end.settled_online,
        resolved_working_minutes: at_end.resolved_working_minutes - before_start.resolved_working_minutes,
        resolved_timed: at_end.resolved_timed - before_start.resolved_timed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stay(
        agency: &str,
        from: &str,
        until: Option<&str>,
        held: i64,
        budget: i64,
    ) -> super::super::delay_attribution::StepHold {
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        super::super::delay_attribution::StepHold {
            step: 0,
            agency: AgencyCode::parse(agency).unwrap(),
            from: t(from),
            until: until.map(t),
            held_minutes: held,
            budget_minutes: budget,
            departments: vec![],
            handlers: vec![],
        }
    }

    #[test]
    fn a_step_is_counted_at_the_agency_that_held_it_when_it_ends_and_only_then() {
        let (commune, sở) = ("000.01.31.H12", "000.00.05.H12");
        let open = DelayAttribution {
            limit_minutes: 960,
            steps: vec![
                stay(commune, "2027-03-01T09:00:00+07:00", Some("2027-03-01T14:00:00+07:00"), 180, 480),
                stay(sở, "2027-03-01T14:00:00+07:00", None, 600, 480),
            ],
            late_step: None,
        };
        // The Sở's stay ends on Tuesday 00:30 Vietnam time (Monday 17:30 UTC): its day is Tuesday's.
        let mut ended = open.clone();
        ended.steps[1].until =
            Some(chrono::DateTime::parse_from_rfc3339("2027-03-02T00:30:00+07:00").unwrap().to_utc());
        ended.steps[1].held_minutes = 660;
        let changes = step_deltas(&open, &ended);
        let delta = |m, amount| Delta { day: d(3, 2), measure: m, amount };
        assert_eq!(
            changes,
            vec![(
                AgencyCode::parse(sở).unwrap(),
                vec![delta(Measure::StepsEnded, 1), delta(Measure::StepsLate, 1), delta(Measure::StepLateMinutes, 180)]
            )],
            "the commune's stay had ended before: nothing changes for it"
        );
        // Ended stays never count twice, and an unchanged attribution changes nothing.
        assert!(step_deltas(&ended, &ended).is_empty());
        let early = step_contributions(&open);
        assert_eq!(
            early,
            vec![
                (AgencyCode::parse(commune).unwrap(), d(3, 1), Measure::StepsEnded, 1),
                (AgencyCode::parse(commune).unwrap(), d(3, 1), Measure::StepsEarly, 1)
            ]
        );
        // A stay exactly on its budget is neither early nor late (TT 01/2018 Điều 13.2: 1 point).
        let mut exact = open.clone();
        exact.steps[0].held_minutes = 480;
        assert_eq!(
            step_contributions(&exact),
            vec![(AgencyCode::parse(commune).unwrap(), d(3, 1), Measure::StepsEnded, 1)]
        );
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    #[test]
    fn a_dossier_whose_clock_has_not_started_is_pending_in_time_until_it_has_a_due_day() {
        // Received boundary-free on 10/3, waiting for the competent agency: no due day yet.
        let waiting = Facts { received_day: Some(d(3, 10)), ..Default::default() };
        assert_eq!(contributions(&waiting), vec![(d(3, 10), Measure::ReceivedDirect, 1)]);
        let at = |end: NaiveDate, f: &Facts| {
            let mut c = Cumulative::default();
            for (day, m, n) in contributions(f) {
                if day <= end {
                    c.add(m, n);
                }
            }
            c
        };
        let r = report(&Cumulative::default(), &at(d(3, 31), &waiting));
        assert_eq!((r.pending_total, r.pending_in_time, r.pending_overdue), (1, 1, 0));
        // Handed over on 12/3: the statutory clock gives it a due day; overdue once that has passed.
        let handed = Facts { due_day: Some(d(3, 20)), ..waiting.clone() };
        let moved = deltas(Some(&waiting), &handed);
        assert_eq!(moved, vec![Delta { day: d(3, 20), measure: Measure::Due, amount: 1 }]);
        let r = report(&Cumulative::default(), &at(d(3, 31), &handed));
        assert_eq!((r.pending_total, r.pending_in_time, r.pending_overdue), (1, 0, 1));
    }

    #[test]
    fn a_restart_moves_the_due_mark_and_finishing_adds_the_resolved_and_settled_marks() {
        let received = Facts {
            received_day: Some(d(3, 1)),
            online: false,
            level4: true,
            due_day: Some(d(3, 10)),
            finished: None,
            rated: None,
            intake: None,
            supplements: 0,
            processing_minutes: None,
        };
        assert_eq!(deltas(None, &received).len(), 2, "level 4 counts online dossiers only");
        let restarted = Facts { due_day: Some(d(3, 20)), ..received.clone() };
        assert_eq!(
            deltas(Some(&received), &restarted),
            vec![
                Delta { day: d(3, 10), measure: Measure::Due, amount: -1 },
                Delta { day: d(3, 20), measure: Measure::Due, amount: 1 }
            ]
        );
        let finished = Facts { finished: Some((d(3, 25), Timeliness::Late)), ..restarted.clone() };
        assert_eq!(
            deltas(Some(&restarted), &finished),
            vec![
                Delta { day: d(3, 25), measure: Measure::ResolvedLate, amount: 1 },
                Delta { day: d(3, 25), measure: Measure::Settled, amount: 1 }
            ]
        );
        assert!(deltas(None, &Facts::default()).is_empty(), "never received: counts nowhere");
    }

    #[test]
    fn finishing_marks_the_supplements_the_online_lateness_and_the_processing_time() {
        let received = Facts {
            received_day: Some(d(3, 1)),
            online: true,
            due_day: Some(d(3, 10)),
            supplements: 2,
            ..Default::default()
        };
        let marks = deltas(None, &received);
        assert!(marks.contains(&Delta { day: d(3, 10), measure: Measure::DueOnline, amount: 1 }), "{marks:?}");
        assert!(!marks.iter().any(|m| m.measure == Measure::ResolvedManySupplements), "counted when it finishes");
        // Finished on time after two supplement requests: in time for Biểu II.06a, overdue for QĐ 766.
        let on_time = Facts {
            finished: Some((d(3, 10), Timeliness::OnTime)),
            processing_minutes: Some(2400),
            ..received.clone()
        };
        assert_eq!(
            deltas(Some(&received), &on_time),
            vec![
                Delta { day: d(3, 10), measure: Measure::ResolvedOnTime, amount: 1 },
                Delta { day: d(3, 10), measure: Measure::Settled, amount: 1 },
                Delta { day: d(3, 10), measure: Measure::ResolvedManySupplements, amount: 1 },
                Delta { day: d(3, 10), measure: Measure::ResolvedInTimeManySupplements, amount: 1 },
                Delta { day: d(3, 10), measure: Measure::SettledOnline, amount: 1 },
                Delta { day: d(3, 10), measure: Measure::ResolvedWorkingMinutes, amount: 2400 },
                Delta { day: d(3, 10), measure: Measure::ResolvedTimed, amount: 1 },
            ]
        );
        // Late after one request: a contact (TT 01/2018 Điều 13.3), and an online dossier late.
        let late = Facts { finished: Some((d(3, 12), Timeliness::Late)), supplements: 1, ..received.clone() };
        let marks: Vec<Measure> = deltas(Some(&received), &late).into_iter().map(|m| m.measure).collect();
        assert_eq!(
            marks,
            [
                Measure::ResolvedLate,
                Measure::Settled,
                Measure::ResolvedOneSupplement,
                Measure::ResolvedLateOnline,
                Measure::SettledOnline
            ]
        );
        let at = |f: &Facts| {
            let mut c = Cumulative::default();
            for (_, m, n) in contributions(f) {
                c.add(m, n);
            }
            c
        };
        let r = report(&Cumulative::default(), &at(&received));
        assert_eq!((r.pending_overdue, r.pending_overdue_online), (1, 1), "read at the end of all days");
        let r = report(&Cumulative::default(), &at(&on_time));
        assert_eq!(
            (r.pending_overdue_online, r.resolved_in_time_many_supplements, r.resolved_working_minutes),
            (0, 1, 2400)
        );
    }

    #[test]
    fn an_online_dossiers_wait_is_marked_on_its_receipt_day_and_moves_with_nothing_else() {
        let wait = IntakeWait { working_minutes: 1020, late: true };
        let received = Facts {
            received_day: Some(d(3, 3)),
            online: true,
            intake: Some(wait),
            due_day: Some(d(3, 8)),
            ..Default::default()
        };
        let marks = deltas(None, &received);
        let amount = |m| marks.iter().find(|x| x.measure == m).map(|x| (x.day, x.amount));
        assert_eq!(amount(Measure::IntakeTimed), Some((d(3, 3), 1)));
        assert_eq!(amount(Measure::IntakeWaitMinutes), Some((d(3, 3), 1020)));
        assert_eq!(amount(Measure::IntakeLate), Some((d(3, 3), 1)));
        // Later changes of the dossier leave the wait where it was.
        let finished = Facts { finished: Some((d(3, 5), Timeliness::Early)), ..received.clone() };
        assert!(deltas(Some(&received), &finished)
            .iter()
            .all(|x| !matches!(x.measure, Measure::IntakeTimed | Measure::IntakeWaitMinutes | Measure::IntakeLate)));
        let mut c = Cumulative::default();
        for x in &marks {
            c.add(x.measure, x.amount);
        }
        let r = report(&Cumulative::default(), &c);
        assert_eq!((r.intake_timed, r.intake_wait_minutes, r.intake_late), (1, 1020, 1));
        assert_eq!(r.average_intake_wait_hours(), Some(17.0));
        // In time, and a wait of no minutes, still counts one timed dossier; a paper one none.
        let quick = Facts { intake: Some(IntakeWait { working_minutes: 0, late: false }), ..received.clone() };
        assert_eq!(deltas(None, &quick).iter().filter(|x| x.measure == Measure::IntakeTimed).count(), 1);
        assert!(!deltas(None, &quick).iter().any(|x| x.measure == Measure::IntakeLate));
        let paper = Facts { online: false, ..received };
        assert!(!deltas(None, &paper).iter().any(|x| x.measure == Measure::IntakeTimed), "online dossiers only");
    }

    #[test]
    fn the_report_identities_hold() {
        let dossiers = [
            Facts { received_day: Some(d(2, 20)), due_day: Some(d(3, 5)), ..Default::default() },
            Facts {
                received_day: Some(d(2, 25)),
                due_day: Some(d(3, 2)),
                finished: Some((d(3, 3), Timeliness::Late)),
                ..Default::default()
            },
            Facts {
                received_day: Some(d(3, 2)),
                online: true,
                due_day: Some(d(3, 9)),
                finished: Some((d(3, 4), Timeliness::Early)),
                ..Default::default()
            },
            Facts { received_day: Some(d(3, 10)), due_day: Some(d(3, 25)), ..Default::default() },
            Facts { received_day: Some(d(3, 30)), due_day: Some(d(4, 10)), ..Default::default() },
            Facts {
                received_day: Some(d(1, 5)),
                due_day: Some(d(1, 9)),
                finished: Some((d(1, 9), Timeliness::OnTime)),
                ..Default::default()
            },
        ];
        let upto = |last: NaiveDate| {
            let mut c = Cumulative::default();
            for f in &dossiers {
                for (day, m, n) in contributions(f) {
                    if day <= last {
                        c.add(m, n);
                    }
                }
            }
            c
        };
        let r = report(&upto(d(2, 28)), &upto(d(3, 20)));
        assert_eq!((r.carried_over, r.received_online, r.received_direct), (2, 1, 1));
        assert_eq!((r.resolved_early, r.resolved_on_time, r.resolved_late), (1, 0, 1));
        assert_eq!((r.pending_total, r.pending_overdue, r.pending_in_time), (2, 1, 1));
        assert_eq!(r.received_total, r.received_online + r.received_direct + r.carried_over);
        assert_eq!(r.received_total, r.resolved_total + r.pending_total);
    }
}
