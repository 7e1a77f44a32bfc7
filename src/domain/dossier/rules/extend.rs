//! The apology and the new date (Phiếu xin lỗi và hẹn lại ngày trả kết quả, TT 01/2018 Mẫu 04).
use chrono::{NaiveDate, TimeZone as _};

use super::{Ctx, Outcome};
use crate::domain::calendar::{to_vietnam, vietnam};
use crate::domain::dossier::{to_utc, Dossier, RuleError, Status};

/// ND 61/2018 Điều 19.9: an agency that will be late apologises in writing at least 1 working
/// day before the due date and sets a new date, once only. The new date is promised to the
/// applicant; statistics keep judging against the statutory one.
pub(super) fn extend(d: &Dossier, ctx: &Ctx, new_due_day: NaiveDate, reason: &str) -> Outcome {
    if !matches!(d.status, Status::Received | Status::Processing) {
        return Err(d.not_now(ctx.action));
    }
    d.require(
        ctx.deciding_staff_here(),
        "a specialist or leader of the agency holding the dossier issues the apology",
    )?;
    if reason.trim().is_empty() {
        return Err(RuleError::Invalid("the apology states the reason for the delay".into()));
    }
    if d.extensions > 0 {
        return Err(RuleError::AlreadyExtended);
    }
    let due = to_vietnam(d.promised_due_at().expect("received dossiers have a due date"));
    let today = to_vietnam(ctx.now).date_naive();
    // ND 61/2018 Điều 19.9: at least the regime's notice (1 working day) before the due date.
    if ctx.calendar.working_days_between(today, due.date_naive()) < d.regime().rules.extension_notice_working_days.value
    {
        return Err(RuleError::ExtensionTooLate);
    }
    if new_due_day <= due.date_naive() || !ctx.calendar.is_working_day(new_due_day) {
        return Err(RuleError::InvalidNewDate);
    }
    let mut next = d.clone();
    next.extensions += 1;
    next.extended_due_at =
        Some(to_utc(vietnam().from_local_datetime(&new_due_day.and_time(due.time())).single().expect("fixed offset")));
    ctx.done(next)
}
