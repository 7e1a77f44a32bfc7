//! How pressing an open dossier is for the staff who hold it: the inbox's order and colours.
//!
//! The law sets the deadlines, not the warnings: each step has its own deadline (ND 61/2018
//! Điều 19.6, the Phiếu chuyển xử lý gives every agency its task and deadline), and an agency that
//! will miss the due date must apologise and set a new date **at least 1 working day before it**
//! (Điều 19.9, the regime's `extension_notice_working_days`). ND 118/2025 Điều 35.2.h (from ND 309) asks for an
//! early warning of slow processing and missed deadlines without fixing a threshold. Warning
//! `SOON_WORKING_DAYS` = 2 working days ahead is therefore **the product's choice**: it leaves the
//! holder at least one working day to finish, or to issue the apology in time.
use chrono::{DateTime, NaiveDate, Utc};

use super::Status;
use crate::domain::calendar::{to_vietnam, WorkingCalendar};

/// How pressing a dossier in the inbox is, most pressing first (see `rank`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    /// Its deadline has passed.
    Overdue,
    /// Its deadline is later today.
    Today,
    /// Its deadline is within `SOON_WORKING_DAYS` working days.
    Soon,
    /// Waiting for the applicant's supplement (status 5): the clock is not the holder's.
    Waiting,
    /// Submitted online, waiting to be received (status 1): no deadline yet.
    New,
    /// Anything else: in time.
    InTime,
}

impl Urgency {
    pub const ALL: [Urgency; 6] = [Self::Overdue, Self::Today, Self::Soon, Self::Waiting, Self::New, Self::InTime];

    /// A deadline within this many working days after today is `Soon` (the product's choice, see
    /// the module's note; ND 61/2018 Điều 19.9 asks for the apology 1 working day ahead).
    pub const SOON_WORKING_DAYS: u32 = 2;

    /// The deadline that makes an open dossier urgent: its current step's, else the date promised
    /// to the applicant (`Dossier::promised_due_at`).
    pub fn deadline(step_due: Option<DateTime<Utc>>, promised_due: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        step_due.or(promised_due)
    }

    /// How pressing a dossier with this status and these deadlines is at `now`.
    pub fn of(
        status: Status,
        step_due: Option<DateTime<Utc>>,
        promised_due: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Self {
        match status {
            Status::AwaitingSupplement => Self::Waiting,
            Status::Submitted => Self::New,
            _ => UrgencyWindow::at(now, calendar).classify(Self::deadline(step_due, promised_due)),
        }
    }

    /// The inbox's order: overdue, today, soon, new, in time, then those waiting for the applicant.
    pub const fn rank(self) -> u8 {
        match self {
            Self::Overdue => 0,
            Self::Today => 1,
            Self::Soon => 2,
            Self::New => 3,
            Self::InTime => 4,
            Self::Waiting => 5,
        }
    }

    /// A stable name, for filters and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::Today => "today",
            Self::Soon => "soon",
            Self::Waiting => "waiting",
            Self::New => "new",
            Self::InTime => "in_time",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s)
    }

    /// The urgency of a rank (`rank`'s inverse), e.g. as a query computed it.
    pub fn from_rank(rank: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.rank() == rank)
    }
}

/// The instants that separate the deadline-based urgencies at one moment, so that a query can
/// filter by urgency with plain comparisons on the deadline (`Urgency::of` uses the same cuts):
/// overdue before `now`; today before `today_ends`; soon before `soon_ends`; in time after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrgencyWindow {
    pub now: DateTime<Utc>,
    /// The start of tomorrow in Vietnam.
    pub today_ends: DateTime<Utc>,
    /// The start of the day after the `SOON_WORKING_DAYS`-th working day after today, in Vietnam.
    pub soon_ends: DateTime<Utc>,
}

impl UrgencyWindow {
    pub fn at(now: DateTime<Utc>, calendar: &WorkingCalendar) -> Self {
        let today = to_vietnam(now).date_naive();
        let soon = calendar.add_working_days(today, Urgency::SOON_WORKING_DAYS);
        Self { now, today_ends: start_of_day_after(today), soon_ends: start_of_day_after(soon) }
    }

    /// The urgency of an open dossier, neither new nor waiting, with this deadline.
    pub fn classify(&self, deadline: Option<DateTime<Utc>>) -> Urgency {
        match deadline {
            Some(d) if d < self.now => Urgency::Overdue,
            Some(d) if d < self.today_ends => Urgency::Today,
            Some(d) if d < self.soon_ends => Urgency::Soon,
            _ => Urgency::InTime,
        }
    }
}

/// Midnight in Vietnam at the end of `day`, as a UTC instant.
fn start_of_day_after(day: NaiveDate) -> DateTime<Utc> {
    crate::domain::calendar::vietnam_midnight_utc(day.succ_opt().unwrap_or(day))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use proptest::prelude::*;

    use super::super::fixtures::{calendar, vn};
    use super::*;

    fn of(status: Status, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Urgency {
        Urgency::of(status, deadline, None, now, &calendar())
    }

    #[test]
    fn a_deadline_is_overdue_today_soon_or_in_time_counted_in_working_days() {
        // Thursday 1/2/2024, 10:00; the calendar has Tết on 8–14/2.
        let now = vn(2024, 2, 1, 10);
        assert_eq!(of(Status::Processing, Some(vn(2024, 2, 1, 9)), now), Urgency::Overdue);
        assert_eq!(of(Status::Processing, Some(now), now), Urgency::Today, "due this very minute");
        assert_eq!(of(Status::Processing, Some(vn(2024, 2, 1, 17)), now), Urgency::Today);
        // Two working days after Thursday is Monday 5/2: Friday and Monday are soon…
        assert_eq!(of(Status::Received, Some(vn(2024, 2, 2, 17)), now), Urgency::Soon);
        assert_eq!(of(Status::Processing, Some(vn(2024, 2, 5, 23)), now), Urgency::Soon);
        // …Tuesday is not.
        assert_eq!(of(Status::Processing, Some(vn(2024, 2, 6, 8)), now), Urgency::InTime);
        assert_eq!(of(Status::Processing, None, now), Urgency::InTime);
        // Over Tết, two working days after Wednesday 7/2 reach Friday 16/2.
        let before_tet = vn(2024, 2, 7, 10);
        assert_eq!(of(Status::Processing, Some(vn(2024, 2, 16, 16)), before_tet), Urgency::Soon);
        assert_eq!(of(Status::Processing, Some(vn(2024, 2, 19, 8)), before_tet), Urgency::InTime);
    }

    #[test]
    fn the_step_deadline_comes_before_the_promised_date() {
        let now = vn(2024, 2, 1, 10);
        let cal = calendar();
        let step_due = Some(vn(2024, 2, 1, 9));
        let promised = Some(vn(2024, 3, 1, 17));
        assert_eq!(Urgency::deadline(step_due, promised), step_due);
        assert_eq!(Urgency::deadline(None, promised), promised);
        assert_eq!(Urgency::of(Status::Processing, step_due, promised, now, &cal), Urgency::Overdue);
        assert_eq!(Urgency::of(Status::Processing, None, promised, now, &cal), Urgency::InTime);
    }

    #[test]
    fn waiting_and_new_dossiers_are_not_judged_by_a_deadline() {
        let now = vn(2024, 2, 1, 10);
        let long_ago = Some(vn(2024, 1, 2, 9));
        assert_eq!(of(Status::AwaitingSupplement, long_ago, now), Urgency::Waiting);
        assert_eq!(of(Status::Submitted, long_ago, now), Urgency::New);
    }

    #[test]
    fn the_inbox_order_and_the_stable_names_cover_every_urgency_once() {
        let mut ranks: Vec<u8> = Urgency::ALL.iter().map(|u| u.rank()).collect();
        ranks.sort();
        assert_eq!(ranks, [0, 1, 2, 3, 4, 5]);
        assert!(Urgency::Overdue.rank() < Urgency::Today.rank() && Urgency::Soon.rank() < Urgency::New.rank());
        assert_eq!(Urgency::Waiting.rank(), 5, "waiting for the applicant comes last");
        for u in Urgency::ALL {
            assert_eq!(Urgency::parse(u.as_str()), Some(u));
        }
        assert_eq!(Urgency::parse("Overdue"), None);
    }

    proptest! {
        /// The window's cuts agree with the rule as the inbox page stated it: overdue before now,
        /// then by the deadline's day in Vietnam against today and today + 2 working days.
        #[test]
        fn the_window_agrees_with_the_day_by_day_rule(
            now_minutes in 0i64..(60 * 24 * 60),
            offset_minutes in -(60 * 24 * 10)..(60 * 24 * 20i64),
        ) {
            let cal = calendar();
            let now = vn(2024, 1, 20, 0) + Duration::minutes(now_minutes);
            let deadline = now + Duration::minutes(offset_minutes);
            let today = to_vietnam(now).date_naive();
            let soon = cal.add_working_days(today, 2);
            let day = to_vietnam(deadline).date_naive();
            let expected = if deadline < now {
                Urgency::Overdue
            } else if day == today {
                Urgency::Today
            } else if day <= soon {
                Urgency::Soon
            } else {
                Urgency::InTime
            };
            prop_assert_eq!(of(Status::Processing, Some(deadline), now), expected);
        }
    }
}
