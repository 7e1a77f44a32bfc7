//! Statistics by construction: each dossier contributes marks to daily counters, and every
//! change of a dossier writes the difference of its contributions in the same transaction.
//! The official report (Biểu II.06a, TT 01/2020/TT-VPCP) and the indicators are then prefix sums.
use chrono::NaiveDate;

use super::calendar::Timeliness;
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
}

impl Measure {
    pub const ALL: [Measure; 13] = [
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
    }
    if let Some((day, t)) = f.finished {
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
    let mut out: Vec<Delta> = Vec::new();
    let mut add = |day, measure, amount| match out.iter_mut().find(|d| d.day == day && d.measure == measure) {
        Some(d) => d.amount += amount,
        None => out.push(Delta { day, measure, amount }),
    };
    for (day, m, n) in before.map(contributions).unwrap_or_default() {
        add(day, m, -n);
    }
    for (day, m, n) in contributions(after) {
        add(day, m, n);
    }
    out.retain(|d| d.amount != 0);
    out.sort();
    out
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            online: true,
            level4: true,
            due_day: Some(d(3, 10)),
            finished: None,
            rated: None,
            intake: None,
        };
        assert_eq!(deltas(None, &received).len(), 3);
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
