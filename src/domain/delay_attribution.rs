//! Delay attribution (issue 16 item 1): for one dossier, the working time each step of its route
//! — the agency, the department inside it and the staff who moved it on — held it, against the
//! step's share of the time limit, so that a late liên thông dossier names the step that made it late.
//!
//! - **Held time** is counted in office minutes of the working calendar
//!   ([`WorkingCalendar::office_minutes_between`], the same count as the intake wait of
//!   [`crate::domain::intake_latency`]): 07:30–11:30 and 13:30–17:30 of working days.
//! - Only time on the statutory clock is held: from receipt (or the return of a supplement) while
//!   the dossier is received or processing. Waiting for the applicant's supplement, an online
//!   submission not received yet, and anything after the result is ready (or the dossier refused,
//!   stopped or withdrawn) is nobody's (DOMAIN.md §5: time waiting for the applicant does not count).
//! - **A step's budget** is its share of the time limit (`RoutedStep::time_share`) in working hours:
//!   a working day is the calendar's 8 office hours, so a 14-working-day procedure is "112 h" and a
//!   half-day step "04 h", as provinces' internal procedures (quy trình nội bộ) write them; a limit
//!   in hours is taken as it is; a limit in calendar days gives the office hours between the step's
//!   start and its due date on the calendar. A supplement returned in appraisal restarts the count
//!   (ND 61/2018 Điều 19.3), so the step starts again with its whole share.
//! - **The step that made it late** is the one that went furthest over its budget (the earliest on a
//!   tie). **No rule was found** that apportions a late dossier between agencies: TT 01/2018 Mẫu 05
//!   (TT 03/2025 Mẫu 06) only judges each handover against its step's deadline. This reading is the
//!   product's; it is shown beside, never instead of, the control sheet's own judgements.
//! - **The handler** of a stretch is the staff member whose action ended it (who transferred,
//!   assigned, approved or asked for a supplement): motcua records no assignment to a person, and
//!   a stretch still open has none.
use chrono::{DateTime, Utc};

use super::agency::AgencyCode;
use super::calendar::{to_vietnam, WorkingCalendar};
use super::dossier::{step_after, RoutedStep, Status};
use super::procedure::{TimeLimit, TimeUnit};

/// Office minutes in a working day (07:30–11:30, 13:30–17:30).
pub const WORKING_DAY_MINUTES: i64 = 480;

/// One control-sheet row, as attribution reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub at: DateTime<Utc>,
    /// The action's stored name (`intake`, `receive`, `transfer`, `assign`, `submit_supplement`, …).
    pub action: String,
    /// The agency holding the dossier after the row.
    pub to_agency: AgencyCode,
    /// The department the row says the dossier landed in (`details.department`), if any.
    pub department: Option<String>,
    /// The status after the row.
    pub status: Status,
    /// Who did it (a username), if a person did.
    pub actor: Option<String>,
}

/// Minutes held by one department or handler (None: the agency as a whole, or nobody yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub who: Option<String>,
    pub minutes: i64,
}

/// One continuous stay of the dossier at a step of its route, on the statutory clock.
#[derive(Debug, Clone, PartialEq)]
pub struct StepHold {
    /// Index into the route (0: the receiving counter).
    pub step: usize,
    pub agency: AgencyCode,
    pub from: DateTime<Utc>,
    /// When the stay ended; None while the step still holds the dossier.
    pub until: Option<DateTime<Utc>>,
    pub held_minutes: i64,
    pub budget_minutes: i64,
    /// By department, in the order they held it.
    pub departments: Vec<Held>,
    /// By handler (the staff whose action ended each stretch), in order.
    pub handlers: Vec<Held>,
}

impl StepHold {
    /// Office minutes past the step's budget (0 within it).
    pub fn over_minutes(&self) -> i64 {
        (self.held_minutes - self.budget_minutes).max(0)
    }
}

/// Held and late time of one agency over all its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyHold {
    pub agency: AgencyCode,
    pub held_minutes: i64,
    pub over_minutes: i64,
}

/// Where a dossier's working time went.
#[derive(Debug, Clone, PartialEq)]
pub struct DelayAttribution {
    /// The whole time limit in office minutes ("112 h").
    pub limit_minutes: i64,
    pub steps: Vec<StepHold>,
    /// Index into `steps` of the stay furthest over its budget; None when none went over.
    pub late_step: Option<usize>,
}

impl DelayAttribution {
    /// Per agency, in the order each first held the dossier.
    pub fn by_agency(&self) -> Vec<AgencyHold> {
        let mut out: Vec<AgencyHold> = Vec::new();
        for s in &self.steps {
            match out.iter_mut().find(|a| a.agency == s.agency) {
                Some(a) => {
                    a.held_minutes += s.held_minutes;
                    a.over_minutes += s.over_minutes();
                }
                None => out.push(AgencyHold {
                    agency: s.agency.clone(),
                    held_minutes: s.held_minutes,
                    over_minutes: s.over_minutes(),
                }),
            }
        }
        out
    }
}

/// The budget of a step of `share` units of `unit` starting at `from`, in office minutes.
pub fn budget_minutes(calendar: &WorkingCalendar, share: u32, unit: TimeUnit, from: DateTime<Utc>) -> i64 {
    match unit {
        TimeUnit::WorkingDays => i64::from(share) * WORKING_DAY_MINUTES,
        TimeUnit::Hours => i64::from(share) * 60,
        TimeUnit::Days if share == 0 => 0,
        TimeUnit::Days => {
            let start = to_vietnam(from);
            calendar.office_minutes_between(start, calendar.due_at(start, TimeLimit { value: share, unit }))
        }
    }
}

fn add(list: &mut Vec<Held>, who: Option<String>, minutes: i64) {
    match list.iter_mut().find(|h| h.who == who) {
        Some(h) => h.minutes += minutes,
        None => list.push(Held { who, minutes }),
    }
}

/// Whether the statutory clock runs for a dossier in `status`.
fn counting(status: Status) -> bool {
    matches!(status, Status::Received | Status::Processing)
}

/// Attributes the working time of a dossier with `route` and `limit`, from its control sheet
/// `moves` (in order), at `now`.
pub fn attribute(
    calendar: &WorkingCalendar,
    route: &[RoutedStep],
    limit: TimeLimit,
    moves: &[Move],
    now: DateTime<Utc>,
) -> DelayAttribution {
    let minutes = |a: DateTime<Utc>, b: DateTime<Utc>| calendar.office_minutes_between(to_vietnam(a), to_vietnam(b));
    let mut steps: Vec<StepHold> = Vec::new();
    let mut step = 0usize;
    let mut department: Option<String> = route.first().and_then(|s| s.department.as_ref().map(|d| d.to_string()));
    let mut was_counting = false;
    for (i, m) in moves.iter().enumerate() {
        let moved_on = match step_after(&m.action, step, route.len()) {
            Some(s) => {
                step = s;
                true
            }
            None => false,
        };
        if moved_on {
            department = route.get(step).and_then(|s| s.department.as_ref().map(|d| d.to_string()));
        }
        if m.department.is_some() {
            department = m.department.clone();
        }
        let now_counting = counting(m.status);
        if now_counting && (moved_on || !was_counting) {
            let share = route.get(step).map_or(0, |s| s.time_share);
            steps.push(StepHold {
                step,
                agency: m.to_agency.clone(),
                from: m.at,
                until: None,
                held_minutes: 0,
                budget_minutes: budget_minutes(calendar, share, limit.unit, m.at),
                departments: vec![],
                handlers: vec![],
            });
        }
        was_counting = now_counting;
        if !now_counting {
            continue;
        }
        // The stretch from this row to the next (or to now), held by the current step.
        let next = moves.get(i + 1);
        let end = next.map_or(now, |n| n.at);
        let held = minutes(m.at, end);
        let current = steps.last_mut().expect("a counting row belongs to a step");
        current.held_minutes += held;
        add(&mut current.departments, department.clone(), held);
        add(&mut current.handlers, next.and_then(|n| n.actor.clone()), held);
        // The stay ends with the next row when that row moves it on or stops the clock.
        let ends =
            next.is_some_and(|n| matches!(n.action.as_str(), "transfer" | "finish" | "refuse") || !counting(n.status));
        if ends {
            current.until = next.map(|n| n.at);
        }
    }
    let late_step = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.over_minutes() > 0)
        .fold(None::<(usize, i64)>, |best, (i, s)| match best {
            Some((_, m)) if m >= s.over_minutes() => best,
            _ => Some((i, s.over_minutes())),
        })
        .map(|(i, _)| i);
    let limit_minutes = match limit.unit {
        TimeUnit::Hours => i64::from(limit.value) * 60,
        _ => i64::from(limit.value) * WORKING_DAY_MINUTES,
    };
    DelayAttribution { limit_minutes, steps, late_step }
}

/// Office minutes as the forms write them: "04 h", "112 h", "7 h 30".
pub fn hours_label(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match m {
        0 => format!("{h:02} h"),
        m => format!("{h:02} h {m:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::march_2027::{at, calendar};

    const COMMUNE: &str = "000.01.31.H12";
    const DISTRICT: &str = "000.00.31.H12";
    const DEPARTMENT: &str = "000.00.05.H12";

    fn code(s: &str) -> AgencyCode {
        AgencyCode::parse(s).unwrap()
    }

    fn mv(t: DateTime<Utc>, action: &str, to: &str, status: Status, actor: Option<&str>) -> Move {
        Move {
            at: t,
            action: action.into(),
            to_agency: code(to),
            department: None,
            status,
            actor: actor.map(str::to_string),
        }
    }

    /// Commune (1 day) → district (2) → Sở (3) → district (1) → commune (0): 7 working days, 56 h.
    fn route() -> Vec<RoutedStep> {
        [(COMMUNE, 1), (DISTRICT, 2), (DEPARTMENT, 3), (DISTRICT, 1), (COMMUNE, 0)]
            .into_iter()
            .map(|(a, s)| RoutedStep::at(code(a), s))
            .collect()
    }

    const LIMIT: TimeLimit = TimeLimit { value: 7, unit: TimeUnit::WorkingDays };

    #[test]
    fn a_late_inter_agency_dossier_names_the_step_that_held_it_past_its_budget() {
        use Status::*;
        let moves = vec![
            mv(at(1, 8, 0), "intake", COMMUNE, Received, Some("clerk.tanan")),
            // The commune: Monday 08:00 → 15:00 = 5 h of its 8 h.
            mv(at(1, 15, 0), "transfer", DISTRICT, Processing, Some("clerk.tanan")),
            // The district: → Wednesday 09:00 = 2 h 30 + 8 h + 1 h 30 = 12 h of 16 h.
            mv(at(3, 9, 0), "transfer", DEPARTMENT, Processing, Some("specialist.ninhkieu")),
            // The Sở: a department takes it Thursday 10:00 (6 h 30 + 2 h 30 held by the Sở as a whole).
            Move {
                department: Some("VPDK".into()),
                ..mv(at(4, 10, 0), "assign", DEPARTMENT, Processing, Some("leader.stnmt"))
            },
            // … and sends it back the next Thursday 10:00: Friday is a holiday, so 5 h 30 + 3 × 8 h
            // + 2 h 30 = 32 h; the Sở held it 41 h of 24 h: 17 h over.
            mv(at(11, 10, 0), "transfer", DISTRICT, Processing, Some("specialist.stnmt")),
            mv(at(12, 9, 0), "approve", DISTRICT, Processing, Some("leader.ninhkieu")),
            // The district: Thursday 10:00 → Friday 10:00 = 8 h of 8 h; the clock stops at the finish.
            mv(at(12, 10, 0), "finish", COMMUNE, ResultReady, Some("leader.ninhkieu")),
            mv(at(15, 9, 0), "return_result", COMMUNE, Returned, Some("clerk.tanan")),
        ];
        let a = attribute(&calendar(), &route(), LIMIT, &moves, at(20, 9, 0));
        assert_eq!(a.limit_minutes, 56 * 60);
        let held: Vec<(usize, &str, i64, i64)> =
            a.steps.iter().map(|s| (s.step, s.agency.as_str(), s.held_minutes, s.budget_minutes)).collect();
        assert_eq!(
            held,
            [(0, COMMUNE, 300, 480), (1, DISTRICT, 720, 960), (2, DEPARTMENT, 2460, 1440), (3, DISTRICT, 480, 480)]
        );
        assert_eq!(a.late_step, Some(2), "the Sở's step made it late");
        let sở = &a.steps[2];
        assert_eq!(sở.over_minutes(), 17 * 60);
        assert_eq!((sở.from, sở.until), (at(3, 9, 0), Some(at(11, 10, 0))));
        assert_eq!(
            sở.departments,
            [Held { who: None, minutes: 540 }, Held { who: Some("VPDK".into()), minutes: 1920 }]
        );
        assert_eq!(
            sở.handlers,
            [
                Held { who: Some("leader.stnmt".into()), minutes: 540 },
                Held { who: Some("specialist.stnmt".into()), minutes: 1920 }
            ]
        );
        // The district's two steps add up; only the Sở caused late hours.
        assert_eq!(
            a.by_agency(),
            [
                AgencyHold { agency: code(COMMUNE), held_minutes: 300, over_minutes: 0 },
                AgencyHold { agency: code(DISTRICT), held_minutes: 1200, over_minutes: 0 },
                AgencyHold { agency: code(DEPARTMENT), held_minutes: 2460, over_minutes: 1020 },
            ]
        );
        assert_eq!(hours_label(a.limit_minutes), "56 h");
        assert_eq!(hours_label(330), "05 h 30");
        assert_eq!(hours_label(112 * 60), "112 h");
    }

    #[test]
    fn an_open_step_runs_to_now_and_waiting_for_the_applicant_is_nobodys() {
        use Status::*;
        let moves = vec![
            // Online: submitted Monday, received Tuesday 08:00.
            mv(at(1, 9, 0), "intake", COMMUNE, Submitted, None),
            mv(at(2, 8, 0), "receive", COMMUNE, Received, Some("clerk.tanan")),
            mv(at(2, 10, 0), "transfer", DISTRICT, Processing, Some("clerk.tanan")),
            // A supplement asked Tuesday 11:00, returned Monday 8/3 08:00: the district's step restarts.
            mv(at(2, 11, 0), "request_supplement", DISTRICT, AwaitingSupplement, Some("specialist.ninhkieu")),
            mv(at(8, 8, 0), "submit_supplement", DISTRICT, Processing, None),
        ];
        let a = attribute(&calendar(), &route(), LIMIT, &moves, at(10, 16, 0));
        let held: Vec<(usize, i64, Option<DateTime<Utc>>)> =
            a.steps.iter().map(|s| (s.step, s.held_minutes, s.until)).collect();
        // 2 h at the counter; 1 h at the district, then Monday 08:00 to Wednesday 16:00
        // (7 h 30 + 8 h + 6 h 30 = 22 h) against a fresh 16 h.
        assert_eq!(held, [(0, 120, Some(at(2, 10, 0))), (1, 60, Some(at(2, 11, 0))), (1, 1320, None)]);
        assert_eq!(a.late_step, Some(2));
        assert_eq!(a.steps[2].over_minutes(), 6 * 60);
        assert_eq!(a.steps[2].handlers, [Held { who: None, minutes: 1320 }], "nobody has moved it on yet");
        // Nothing over budget: no step is named.
        let early = attribute(&calendar(), &route(), LIMIT, &moves[..3], at(2, 11, 0));
        assert_eq!(early.late_step, None);
    }

    #[test]
    fn budgets_follow_the_unit_of_the_time_limit() {
        let c = calendar();
        assert_eq!(budget_minutes(&c, 14, TimeUnit::WorkingDays, at(1, 9, 0)), 112 * 60);
        assert_eq!(budget_minutes(&c, 4, TimeUnit::Hours, at(1, 9, 0)), 4 * 60);
        // 3 calendar days from Monday 09:00: due Thursday 17:30; 6 h 30 + 8 h + 8 h + 8 h.
        assert_eq!(budget_minutes(&c, 3, TimeUnit::Days, at(1, 9, 0)), 1830);
        assert_eq!(budget_minutes(&c, 0, TimeUnit::Days, at(1, 9, 0)), 0);
    }
}
