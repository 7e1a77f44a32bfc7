//! The working-day calendar: weekends, public holidays, compensatory working days, the 15:00
//! rule, statutory time limits in working days / days / hours, pauses and judgement of timeliness.
//! Times are Vietnam time (Asia/Ho_Chi_Minh, UTC+7 all year: no daylight saving).
use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};

use super::procedure::{TimeLimit, TimeUnit};

/// Asia/Ho_Chi_Minh: UTC+07:00, no daylight saving.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

/// Office hours used to count limits in hours: 07:30–11:30 and 13:30–17:30 (8 hours a day),
/// the usual schedule of a one-stop counter; the due time of a day-based limit is the close.
pub const MORNING: (u32, u32) = (7 * 60 + 30, 11 * 60 + 30);
pub const AFTERNOON: (u32, u32) = (13 * 60 + 30, 17 * 60 + 30);

/// ND 61/2018 Điều 18 khoản 1 (and ND 23/2015 Điều 7 for certification): a dossier received
/// after 15:00 is handled from the next working day.
pub const CUTOFF: (u32, u32) = (15, 0);

/// "The start of the next working day" for a paper dossier received after 15:00: its first office
/// hour, in minutes after the opening (see [`WorkingCalendar::paper_handover_due`]).
const FIRST_OFFICE_HOUR: u32 = 60;

fn hm(minutes: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("valid time")
}

/// Timeliness of a finished dossier or step against its due date (DOMAIN.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timeliness {
    /// Finished strictly before the due day (trước hạn).
    Early,
    /// Finished on the due day, and not after the due time for limits in hours (đúng hạn).
    OnTime,
    /// Finished after the due date (quá hạn, as TT 01/2018 Mẫu 05 and Biểu II.06a name it).
    Late,
}

impl Timeliness {
    pub const ALL: [Timeliness; 3] = [Self::Early, Self::OnTime, Self::Late];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Early => "early",
            Self::OnTime => "on_time",
            Self::Late => "late",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Which days public servants work: Monday–Friday, minus public holidays, plus the
/// compensatory working Saturdays/Sundays announced each year.
///
/// Bộ luật Lao động 2019 Điều 112 (public holidays) and the yearly notices of the Ministry of
/// Labour / Ministry of Home Affairs (bridge days and the weekend days worked to make up for them).
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        working_days: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        Self { holidays: holidays.into_iter().collect(), working_weekends: working_days.into_iter().collect() }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.working_weekends.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut d = day.succ_opt().expect("date in range");
        while !self.is_working_day(d) {
            d = d.succ_opt().expect("date in range");
        }
        d
    }

    /// The last working day strictly before `day`.
    pub fn previous_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut d = day.pred_opt().expect("date in range");
        while !self.is_working_day(d) {
            d = d.pred_opt().expect("date in range");
        }
        d
    }

    /// `day` if it is a working day, else the next one.
    pub fn this_or_next_working_day(&self, day: NaiveDate) -> NaiveDate {
        if self.is_working_day(day) {
            day
        } else {
            self.next_working_day(day)
        }
    }

    /// `n` working days after `day` (`day` itself not counted).
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        (0..n).fold(day, |d, _| self.next_working_day(d))
    }

    /// Working days in `(from, to]`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().expect("date in range");
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// The day counting is based on: the receipt day when it is a working day and the dossier
    /// arrived before 15:00, else the next working day (ND 61/2018 Điều 18.1, the 15:00 rule).
    pub fn base_day(&self, received: DateTime<FixedOffset>) -> NaiveDate {
        let local = received.with_timezone(&vietnam()).naive_local();
        let day = local.date();
        if self.is_working_day(day) && local.time() < NaiveTime::from_hms_opt(CUTOFF.0, CUTOFF.1, 0).expect("time") {
            day
        } else {
            self.next_working_day(day)
        }
    }

    /// ND 61/2018 Điều 18 khoản 1 (kept by ND 118/2025 Điều 18): the counter hands a paper dossier
    /// to the processing agency within the working day it was received, or "at the start of the
    /// next working day" when received after 15:00 (or on a day off). The decree gives no hour for
    /// "the start": it is read here as the first office hour, so the deadline is the close (17:30)
    /// of the receipt day, or 08:30 of the next working day.
    pub fn paper_handover_due(&self, received: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        let base = self.base_day(received);
        if base == local_date(received) {
            local(base.and_time(hm(AFTERNOON.1)))
        } else {
            local(base.and_time(hm(MORNING.0 + FIRST_OFFICE_HOUR)))
        }
    }

    /// The statutory due instant of a limit counted from `start`.
    ///
    /// - working days: the close of the N-th working day after the base day. Bộ luật Dân sự 2015
    ///   Điều 147.1: a period in days starts on the day after the event, so the base day is not counted;
    /// - days: N calendar days after the base day; a last day that is not a working day moves to the
    ///   next working day (Bộ luật Dân sự 2015 Điều 148.5);
    /// - hours: N office hours counted from the start (from the next opening when outside office
    ///   hours or after 15:00).
    pub fn due_at(&self, start: DateTime<FixedOffset>, limit: TimeLimit) -> DateTime<FixedOffset> {
        let base = self.base_day(start);
        let close = |d: NaiveDate| local(d.and_time(hm(AFTERNOON.1)));
        match limit.unit {
            TimeUnit::WorkingDays => close(self.add_working_days(base, limit.value)),
            TimeUnit::Days => {
                let last = base + Duration::days(i64::from(limit.value));
                close(self.this_or_next_working_day(last))
            }
            TimeUnit::Hours => self.add_office_minutes(start, limit.value * 60),
        }
    }

    /// `minutes` of office time after `start` (skipping nights, lunch, non-working days and
    /// anything after the 15:00 cut-off of the receipt day).
    fn add_office_minutes(&self, start: DateTime<FixedOffset>, minutes: u32) -> DateTime<FixedOffset> {
        let start_local = start.with_timezone(&vietnam()).naive_local();
        let base = self.base_day(start);
        let mut cursor = if base == start_local.date() { start_local } else { base.and_time(hm(MORNING.0)) };
        let mut left = i64::from(minutes);
        loop {
            let day = cursor.date();
            if self.is_working_day(day) {
                for (open, close) in [MORNING, AFTERNOON] {
                    let (open, close) = (day.and_time(hm(open)), day.and_time(hm(close)));
                    let from = cursor.max(open);
                    if from >= close {
                        continue;
                    }
                    let available = (close - from).num_minutes();
                    if left <= available {
                        return local(from + Duration::minutes(left));
                    }
                    left -= available;
                    cursor = close;
                }
            }
            cursor = self.next_working_day(day).and_time(hm(MORNING.0));
        }
    }

    /// Office minutes (07:30–11:30 and 13:30–17:30 of working days) from `from` to `to`: how long
    /// something waited in working time. Nights, lunch, weekends and holidays do not count; the
    /// 15:00 cut-off does not apply (it moves where a count *starts*, not what time has passed).
    /// Zero when `to` is not after `from`.
    pub fn office_minutes_between(&self, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> i64 {
        let (from, to) = (from.with_timezone(&vietnam()).naive_local(), to.with_timezone(&vietnam()).naive_local());
        let mut minutes = 0;
        let mut day = from.date();
        while day <= to.date() {
            if self.is_working_day(day) {
                for (open, close) in [MORNING, AFTERNOON] {
                    let (start, end) = (from.max(day.and_time(hm(open))), to.min(day.and_time(hm(close))));
                    if end > start {
                        minutes += (end - start).num_minutes();
                    }
                }
            }
            day = day.succ_opt().expect("date in range");
        }
        minutes
    }

    /// A due date moved later by the working days spent waiting for the applicant
    /// (fee payment and similar pauses; DOMAIN.md §5: time waiting for the applicant does not count).
    pub fn extend_by_pause(
        &self,
        due: DateTime<FixedOffset>,
        paused_at: DateTime<FixedOffset>,
        resumed_at: DateTime<FixedOffset>,
    ) -> DateTime<FixedOffset> {
        let (p, r) = (local_date(paused_at), local_date(resumed_at));
        let days = self.working_days_between(p, r);
        let due_local = due.with_timezone(&vietnam()).naive_local();
        local(self.add_working_days(due_local.date(), days).and_time(due_local.time()))
    }

    /// Judges a finish against a due date: early before the due day, on time on it (and, for
    /// limits in hours, not after the due time), late after it. An extension never changes the
    /// statutory due date this is judged against (DOMAIN.md §5).
    pub fn judge(&self, finished: DateTime<FixedOffset>, due: DateTime<FixedOffset>, unit: TimeUnit) -> Timeliness {
        let (f, d) = (local_date(finished), local_date(due));
        if f < d {
            Timeliness::Early
        } else if f == d && (unit != TimeUnit::Hours || finished <= due) {
            Timeliness::OnTime
        } else {
            Timeliness::Late
        }
    }
}

fn local(naive: NaiveDateTime) -> DateTime<FixedOffset> {
    vietnam().from_local_datetime(&naive).single().expect("fixed offset has no gaps")
}

fn local_date(t: DateTime<FixedOffset>) -> NaiveDate {
    t.with_timezone(&vietnam()).date_naive()
}

/// Midnight in Vietnam at the start of `day`, as a UTC instant.
pub fn vietnam_midnight_utc(day: NaiveDate) -> DateTime<Utc> {
    local(day.and_hms_opt(0, 0, 0).expect("midnight exists")).with_timezone(&Utc)
}

/// The Vietnam days `from` to `to` (both included) as UTC bounds `[start, end)`.
pub fn vietnam_days_utc(from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = |d: NaiveDate| vietnam_midnight_utc(d).naive_utc();
    (start(from), start(to.succ_opt().unwrap_or(to)))
}

/// A UTC instant seen in Vietnam time.
pub fn to_vietnam(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&vietnam())
}

/// An exception to the Monday–Friday rule that an administrator records for a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A public holiday or bridge day off (ngày nghỉ lễ, Tết).
    Holiday,
    /// A weekend day worked to make up for a bridge day (ngày làm việc bù).
    WorkingDay,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::WorkingDay => "working_day",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(Self::Holiday),
            "working_day" => Some(Self::WorkingDay),
            _ => None,
        }
    }
}

/// Why a calendar exception makes no sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarRuleError {
    /// Saturdays and Sundays are already days off (BLLĐ 2019 Điều 112 khoản 3 moves a holiday that
    /// falls on a weekend to the next working day: record that day instead).
    #[error("this day is a Saturday or Sunday, already a day off: record the weekday the holiday moves to")]
    HolidayOnWeekend,
    /// Monday–Friday are already working days; a compensatory working day is a Saturday or Sunday.
    #[error("this day is a weekday, already a working day: a compensatory working day is a Saturday or Sunday")]
    WorkingDayOnWeekday,
}

/// Checks that an exception changes the day: a holiday falls Monday–Friday, a compensatory
/// working day on a Saturday or Sunday.
pub fn check_exception(day: NaiveDate, kind: DayKind) -> Result<(), CalendarRuleError> {
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    match (kind, weekend) {
        (DayKind::Holiday, true) => Err(CalendarRuleError::HolidayOnWeekend),
        (DayKind::WorkingDay, false) => Err(CalendarRuleError::WorkingDayOnWeekday),
        _ => Ok(()),
    }
}

/// A date written exactly `YYYY-MM-DD` (no other shape, no out-of-range day).
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let ok_shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !ok_shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The test calendar several domain modules share: March 2027 (Monday 1/3), with a made-up holiday
/// on Friday 5/3, and its times in Vietnam.
#[cfg(test)]
pub(crate) mod march_2027 {
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};

    use super::{vietnam, WorkingCalendar};

    pub(crate) fn calendar() -> WorkingCalendar {
        WorkingCalendar::new([NaiveDate::from_ymd_opt(2027, 3, 5).unwrap()], [])
    }

    /// `day`/3/2027 at `h`:`m` Vietnam time.
    pub(crate) fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(2027, 3, day, h, m, 0).unwrap().with_timezone(&Utc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        local(d(y, m, day).and_hms_opt(h, min, 0).unwrap())
    }

    /// The real 2024–2025 days off around lunar New Year and 30/4–1/5 (from seeds/reference/holidays.json).
    fn calendar() -> WorkingCalendar {
        let holidays = [
            d(2024, 1, 1),
            d(2024, 2, 8),
            d(2024, 2, 9),
            d(2024, 2, 12),
            d(2024, 2, 13),
            d(2024, 2, 14),
            d(2024, 4, 18),
            d(2024, 4, 29),
            d(2024, 4, 30),
            d(2024, 5, 1),
            d(2024, 9, 2),
            d(2024, 9, 3),
            d(2025, 1, 1),
            d(2025, 1, 27),
            d(2025, 1, 28),
            d(2025, 1, 29),
            d(2025, 1, 30),
            d(2025, 1, 31),
            d(2025, 4, 7),
            d(2025, 4, 30),
            d(2025, 5, 1),
            d(2025, 5, 2),
        ];
        let working = [d(2024, 5, 4), d(2025, 4, 26)];
        WorkingCalendar::new(holidays, working)
    }

    fn wd(n: u32) -> TimeLimit {
        TimeLimit { value: n, unit: TimeUnit::WorkingDays }
    }

    #[test]
    fn weekends_holidays_and_compensatory_saturdays() {
        let c = calendar();
        assert!(c.is_working_day(d(2024, 2, 7)));
        assert!(!c.is_working_day(d(2024, 2, 8)), "Tết Giáp Thìn");
        assert!(!c.is_working_day(d(2024, 2, 10)), "a Saturday");
        assert!(c.is_working_day(d(2024, 5, 4)), "Saturday worked for 29/4/2024");
        assert!(!c.is_working_day(d(2024, 4, 29)), "bridge day");
        assert_eq!(c.next_working_day(d(2024, 2, 7)), d(2024, 2, 15));
    }

    #[test]
    fn due_dates_in_working_days_cross_lunar_new_year() {
        let c = calendar();
        // (received, limit in working days, due day): table of real dates.
        let cases = [
            // Tết Giáp Thìn 2024: 8–14/2 off.
            (at(2024, 2, 5, 9, 0), 3, d(2024, 2, 15)),
            (at(2024, 2, 7, 10, 0), 1, d(2024, 2, 15)),
            (at(2024, 2, 7, 15, 30), 1, d(2024, 2, 16)), // after 15:00: base day is 15/2
            (at(2024, 2, 10, 9, 0), 1, d(2024, 2, 16)),  // received on a Saturday inside Tết
            // Tết Ất Tỵ 2025: 25/1–2/2 (27–31/1 weekdays off).
            (at(2025, 1, 20, 8, 0), 10, d(2025, 2, 10)),
            (at(2025, 1, 24, 14, 59), 1, d(2025, 2, 3)),
            (at(2025, 1, 24, 15, 0), 1, d(2025, 2, 4)),
            // 30/4–1/5 2024 with the bridge day 29/4 and Saturday 4/5 worked.
            (at(2024, 4, 26, 9, 0), 1, d(2024, 5, 2)),
            (at(2024, 4, 26, 9, 0), 2, d(2024, 5, 3)),
            (at(2024, 4, 26, 9, 0), 3, d(2024, 5, 4)),
            (at(2024, 4, 26, 9, 0), 4, d(2024, 5, 6)),
            // 2025: Saturday 26/4 worked, 30/4–2/5 off.
            (at(2025, 4, 25, 10, 0), 1, d(2025, 4, 26)),
            (at(2025, 4, 25, 10, 0), 3, d(2025, 4, 29)),
            (at(2025, 4, 25, 10, 0), 4, d(2025, 5, 5)),
        ];
        for (received, n, due_day) in cases {
            let due = c.due_at(received, wd(n));
            assert_eq!(due.date_naive(), due_day, "received {received}, {n} working days");
            assert_eq!(due.time(), hm(AFTERNOON.1));
            assert!(due > received, "due never before receipt");
        }
    }

    #[test]
    fn limits_in_calendar_days_end_on_a_working_day() {
        let c = calendar();
        let days = |n| TimeLimit { value: n, unit: TimeUnit::Days };
        assert_eq!(c.due_at(at(2024, 2, 1, 9, 0), days(7)).date_naive(), d(2024, 2, 15), "8/2 is in Tết → 15/2");
        assert_eq!(c.due_at(at(2024, 3, 1, 9, 0), days(5)).date_naive(), d(2024, 3, 6));
        assert_eq!(c.due_at(at(2024, 3, 1, 9, 0), days(1)).date_naive(), d(2024, 3, 4), "Saturday 2/3 → Monday");
    }

    #[test]
    fn limits_in_hours_count_office_hours_only() {
        let c = calendar();
        let hours = |n| TimeLimit { value: n, unit: TimeUnit::Hours };
        assert_eq!(c.due_at(at(2024, 3, 4, 8, 0), hours(2)), at(2024, 3, 4, 10, 0));
        assert_eq!(c.due_at(at(2024, 3, 4, 10, 30), hours(2)), at(2024, 3, 4, 14, 30), "lunch skipped");
        assert_eq!(c.due_at(at(2024, 3, 4, 14, 0), hours(8)), at(2024, 3, 5, 14, 0));
        assert_eq!(c.due_at(at(2024, 3, 4, 16, 0), hours(1)), at(2024, 3, 5, 8, 30), "after 15:00");
        assert_eq!(c.due_at(at(2024, 2, 7, 14, 0), hours(8)), at(2024, 2, 15, 14, 0), "across Tết");
        assert_eq!(c.due_at(at(2024, 3, 2, 9, 0), hours(4)), at(2024, 3, 4, 11, 30), "Saturday → Monday");
    }

    #[test]
    fn pauses_move_the_due_date_by_the_working_days_waited() {
        let c = calendar();
        let due = c.due_at(at(2024, 3, 4, 9, 0), wd(5));
        assert_eq!(due.date_naive(), d(2024, 3, 11));
        let moved = c.extend_by_pause(due, at(2024, 3, 5, 9, 0), at(2024, 3, 8, 9, 0));
        assert_eq!(moved.date_naive(), d(2024, 3, 14), "3 working days waited");
        let over_tet = c.extend_by_pause(at(2024, 2, 7, 17, 30), at(2024, 2, 6, 9, 0), at(2024, 2, 16, 9, 0));
        assert_eq!(over_tet.date_naive(), d(2024, 2, 19), "only 7/2, 15/2 and 16/2 count");
    }

    #[test]
    fn office_minutes_count_working_time_only() {
        let c = calendar();
        // Monday 4/3/2024 09:00 → Wednesday 10:00: 390 + 480 + 150 minutes.
        assert_eq!(c.office_minutes_between(at(2024, 3, 4, 9, 0), at(2024, 3, 6, 10, 0)), 1020);
        assert_eq!(c.office_minutes_between(at(2024, 3, 4, 11, 0), at(2024, 3, 4, 14, 0)), 60, "lunch skipped");
        assert_eq!(c.office_minutes_between(at(2024, 3, 1, 20, 0), at(2024, 3, 4, 7, 0)), 0, "a weekend night");
        assert_eq!(c.office_minutes_between(at(2024, 3, 2, 9, 0), at(2024, 3, 4, 8, 30)), 60, "Saturday → Monday");
        // Across Tết Giáp Thìn (8–14/2/2024 off): 7/2 from 17:00, then 15/2 until 08:30.
        assert_eq!(c.office_minutes_between(at(2024, 2, 7, 17, 0), at(2024, 2, 15, 8, 30)), 30 + 60);
        assert_eq!(c.office_minutes_between(at(2024, 5, 4, 7, 0), at(2024, 5, 4, 23, 0)), 480, "a Saturday worked");
        assert_eq!(c.office_minutes_between(at(2024, 3, 4, 10, 0), at(2024, 3, 4, 9, 0)), 0, "never negative");
    }

    #[test]
    fn the_previous_working_day_skips_weekends_and_holidays() {
        let c = calendar();
        assert_eq!(c.previous_working_day(d(2024, 3, 4)), d(2024, 3, 1), "Monday → Friday");
        assert_eq!(c.previous_working_day(d(2024, 2, 15)), d(2024, 2, 7), "after Tết");
        assert_eq!(c.previous_working_day(d(2024, 5, 6)), d(2024, 5, 4), "Saturday 4/5/2024 was worked");
    }

    #[test]
    fn judging_early_on_time_and_late() {
        let c = calendar();
        let due = at(2024, 2, 15, 17, 30);
        let u = TimeUnit::WorkingDays;
        assert_eq!(c.judge(at(2024, 2, 7, 16, 0), due, u), Timeliness::Early);
        assert_eq!(c.judge(at(2024, 2, 15, 9, 0), due, u), Timeliness::OnTime);
        assert_eq!(c.judge(at(2024, 2, 15, 18, 0), due, u), Timeliness::OnTime, "same day counts for day limits");
        assert_eq!(c.judge(at(2024, 2, 16, 8, 0), due, u), Timeliness::Late);
        let due_h = at(2024, 3, 4, 10, 0);
        assert_eq!(c.judge(at(2024, 3, 4, 10, 1), due_h, TimeUnit::Hours), Timeliness::Late);
        assert_eq!(c.judge(at(2024, 3, 4, 9, 59), due_h, TimeUnit::Hours), Timeliness::OnTime);
    }

    #[test]
    fn exceptions_must_change_the_day_and_dates_parse_strictly() {
        let d = |s: &str| parse_iso_date(s).unwrap();
        assert_eq!(check_exception(d("2027-09-02"), DayKind::Holiday), Ok(()));
        assert_eq!(check_exception(d("2027-09-04"), DayKind::Holiday), Err(CalendarRuleError::HolidayOnWeekend));
        assert_eq!(check_exception(d("2027-09-04"), DayKind::WorkingDay), Ok(()));
        assert_eq!(check_exception(d("2027-09-03"), DayKind::WorkingDay), Err(CalendarRuleError::WorkingDayOnWeekday));
        for bad in ["2027-9-2", "2027-02-30", "02/09/2027", "2027-09-02T00:00", " 2027-09-02", "+2027-09-0"] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }
}
