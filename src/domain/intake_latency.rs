//! Intake latency (issue 15 item 7): how long an online submission waits for a clerk to receive it.
//!
//! Since 07/2025 citizens submit on the national portal and the province's system is the staff
//! side; in July 2025, 37,731 online dossiers were "received late" nationally because nobody picked
//! them up in time, and the statutory clock had not started meanwhile (CV 7260/VPCP-KSTT,
//! regulations-2025.md §7): a slow receipt hides delay from the on-time rate.
//!
//! - **The wait** runs from the submission (`NgayNopHoSo`, our `submitted_at`) to the receipt, in
//!   **office minutes** of the working calendar ([`WorkingCalendar::office_minutes_between`]:
//!   07:30–11:30 and 13:30–17:30 of working days), so a submission on Friday evening received on
//!   Monday at 08:00 waited 30 minutes, not 60 hours. A supplement asked at intake is not taken off:
//!   the dossier was still not received.
//! - **The rule**: an online dossier is received at the latest on the regime's
//!   `online_receipt_working_days`-th working day after the day it was submitted (1: the next
//!   working day), judged by the day as time limits in working days are (a receipt that day at
//!   18:00 is in time). **No source was found for it**: ND 61/2018 Điều 17 and ND 118/2025, as
//!   `regulations.md` §2.2 and `regulations-2025.md` §3 give them, say only that staff check an
//!   online dossier, with no time. The value is the product's reading of the issue ("no later than
//!   the next working day"), kept in the regime files (`seeds/regimes/`) with that note, so that a
//!   text found later changes data, not code.
use chrono::{DateTime, NaiveDate, Utc};

use super::calendar::{to_vietnam, vietnam, WorkingCalendar};

/// The working days the regime of `day` allows between an online submission on `day` and its receipt.
pub fn receipt_working_days(day: NaiveDate) -> u32 {
    super::regime::on(day).rules.online_receipt_working_days.value
}

/// The last day an online dossier submitted at `submitted_at` may be received in time: the
/// regime's number of working days after the day of the submission (Vietnam time), that day not
/// counted (a submission on Saturday is due on Monday).
pub fn receipt_due_day(calendar: &WorkingCalendar, submitted_at: DateTime<Utc>) -> NaiveDate {
    let day = to_vietnam(submitted_at).date_naive();
    calendar.add_working_days(day, receipt_working_days(day))
}

/// How long a received online dossier waited for the counter, and whether past the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeWait {
    /// Office minutes from the submission to the receipt.
    pub working_minutes: i64,
    /// Received after its [`receipt_due_day`].
    pub late: bool,
}

/// The wait of an online dossier submitted at `submitted_at` and received at `received_at`.
pub fn wait(calendar: &WorkingCalendar, submitted_at: DateTime<Utc>, received_at: DateTime<Utc>) -> IntakeWait {
    IntakeWait {
        working_minutes: calendar.office_minutes_between(to_vietnam(submitted_at), to_vietnam(received_at)),
        late: to_vietnam(received_at).date_naive() > receipt_due_day(calendar, submitted_at),
    }
}

/// At `now`, an online submission still waiting is past the rule exactly when it was submitted
/// before the instant returned (midnight, Vietnam time, starting the day `n` working days before
/// today, `n` the rule of today's regime): its receipt day, `n` working days after its submission
/// day, is then before today. One instant for all, so a query counts them by comparing
/// `submitted_at` (both regimes say 1 working day; were a later one to change it, submissions made
/// under the earlier one would be judged by today's value here).
pub fn past_rule_if_submitted_before(calendar: &WorkingCalendar, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = to_vietnam(now).date_naive();
    let cutoff = (0..receipt_working_days(today)).fold(today, |d, _| calendar.previous_working_day(d));
    cutoff
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(vietnam()).single())
        .expect("a fixed offset has every midnight")
        .with_timezone(&Utc)
}

/// Working days from the receipt day of a submission made at `submitted_at` to today: 0 while it
/// may still be received in time.
pub fn working_days_past_rule(calendar: &WorkingCalendar, submitted_at: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
    calendar.working_days_between(receipt_due_day(calendar, submitted_at), to_vietnam(now).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::march_2027::{at, calendar};

    #[test]
    fn an_online_dossier_is_received_by_the_next_working_day() {
        let c = calendar();
        // Monday 09:00: due Tuesday; received Wednesday 10:00 it waited 390 + 480 + 150 minutes.
        assert_eq!(receipt_due_day(&c, at(1, 9, 0)), NaiveDate::from_ymd_opt(2027, 3, 2).unwrap());
        assert_eq!(wait(&c, at(1, 9, 0), at(3, 10, 0)), IntakeWait { working_minutes: 1020, late: true });
        // Received Tuesday evening: still that day, in time.
        assert_eq!(wait(&c, at(1, 9, 0), at(2, 18, 0)), IntakeWait { working_minutes: 870, late: false });
        // Submitted Thursday 20:00; Friday is a holiday and the weekend follows: due Monday 8/3.
        assert_eq!(receipt_due_day(&c, at(4, 20, 0)), NaiveDate::from_ymd_opt(2027, 3, 8).unwrap());
        assert_eq!(wait(&c, at(4, 20, 0), at(8, 8, 0)), IntakeWait { working_minutes: 30, late: false });
        assert!(wait(&c, at(4, 20, 0), at(9, 8, 0)).late);
        // Submitted on Saturday 6/3: the next working day is Monday.
        assert_eq!(receipt_due_day(&c, at(6, 10, 0)), NaiveDate::from_ymd_opt(2027, 3, 8).unwrap());
    }

    #[test]
    fn a_waiting_submission_is_past_the_rule_once_its_receipt_day_has_passed() {
        let c = calendar();
        // Wednesday 3/3 10:00: past the rule if submitted before Tuesday (the previous working day).
        let cutoff = past_rule_if_submitted_before(&c, at(3, 10, 0));
        assert_eq!(cutoff, at(2, 0, 0));
        assert!(at(1, 23, 59) < cutoff && at(2, 0, 0) >= cutoff);
        // Monday 8/3: Friday 5/3 was a holiday, so Thursday 4/3 is the previous working day.
        assert_eq!(past_rule_if_submitted_before(&c, at(8, 9, 0)), at(4, 0, 0));
        // The same as judging each one by its receipt day.
        for (submitted, now) in [(at(1, 9, 0), at(3, 10, 0)), (at(2, 9, 0), at(3, 10, 0)), (at(4, 20, 0), at(9, 7, 0))]
        {
            let past = receipt_due_day(&c, submitted) < to_vietnam(now).date_naive();
            assert_eq!(submitted < past_rule_if_submitted_before(&c, now), past, "{submitted} at {now}");
            assert_eq!(working_days_past_rule(&c, submitted, now) > 0, past, "{submitted} at {now}");
        }
        assert_eq!(working_days_past_rule(&c, at(1, 9, 0), at(3, 10, 0)), 1);
        assert_eq!(working_days_past_rule(&c, at(1, 9, 0), at(8, 10, 0)), 3, "3, 4 and 8 March");
    }
}
