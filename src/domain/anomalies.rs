//! Anomalies that suggest gaming (issue 16 item 3): named rules, each explaining itself, over the
//! dossiers' stored facts. No statistics or learning: a dossier is flagged when a rule's condition
//! holds for it, and the flag carries the facts that made it hold.
//!
//! ND 309/2026 asks the provincial system for analytics that "flag anomalies in intake and
//! processing" (ND 118/2025 Điều 35.2.h as amended, `regulations-2025.md` §6–8). The law names no
//! anomaly: each rule below is a way the on-time figures can be made to look better than the
//! service was, and each threshold says where it comes from — a text, or "no source found; the
//! product's choice", kept here as constants so that a text found later changes one line.
use chrono::{DateTime, NaiveDate, Utc};

use super::calendar::{to_vietnam, WorkingCalendar};
use super::intake_latency;
use super::procedure::TimeLimit;

/// The rules, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Online submissions left unreceived past the receipt rule (the statutory clock has not started).
    UnreceivedOnline,
    /// More than one supplement request on one dossier.
    RepeatedSupplement,
    /// A supplement request, a stop or a withdrawal just before the due date.
    PauseBeforeDue,
    /// A receipt time earlier than the moment it was recorded, or than the submission.
    BackdatedReceipt,
    /// The same applicant's dossier for the same procedure refused, then submitted again.
    RefusedResubmitted,
    /// An off-system count entered long after its period.
    LateOffSystemCount,
}

/// At most this many dossiers (or counts) are listed per rule; the rule's count is always the
/// full count. The product's choice: a list a leader reads, not an export.
pub const MAX_LISTED: usize = 100;

/// A supplement request, stop or withdrawal made on the due day or this many working days before
/// it is "just before the due date" (the "within one working day"). No source found; the
/// product's choice. ND 61/2018 Điều 19.9 asks for the apology at least 1 working day before the
/// due date: an agency that sees it will be late must apologise then, not pause the dossier.
pub const PAUSE_WINDOW_WORKING_DAYS: u32 = 1;

/// A dossier refused and submitted again by the same applicant for the same procedure within this
/// many working days of the refusal. No source found; the product's choice (about a month: a
/// refusal that sends the applicant back at once restarts the time limit and hides the delay).
pub const RESUBMISSION_WINDOW_WORKING_DAYS: u32 = 20;

/// An off-system count entered more than this many working days after the last day of its period
/// is "long after". No source found (TT 01/2020/TT-VPCP's report deadlines are not in the
/// references); the product's choice: two working weeks.
pub const OFF_SYSTEM_LATE_WORKING_DAYS: u32 = 10;

impl Rule {
    pub const ALL: [Rule; 6] = [
        Self::UnreceivedOnline,
        Self::RepeatedSupplement,
        Self::PauseBeforeDue,
        Self::BackdatedReceipt,
        Self::RefusedResubmitted,
        Self::LateOffSystemCount,
    ];

    /// The stable id clients and the dashboard use.
    pub fn id(self) -> &'static str {
        match self {
            Self::UnreceivedOnline => "unreceived_online",
            Self::RepeatedSupplement => "repeated_supplement",
            Self::PauseBeforeDue => "pause_before_due",
            Self::BackdatedReceipt => "backdated_receipt",
            Self::RefusedResubmitted => "refused_resubmitted",
            Self::LateOffSystemCount => "late_off_system_count",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == s)
    }

    /// The rule's name in Vietnamese.
    pub fn name(self) -> &'static str {
        match self {
            Self::UnreceivedOnline => "Hồ sơ trực tuyến chậm tiếp nhận",
            Self::RepeatedSupplement => "Yêu cầu bổ sung hồ sơ nhiều lần",
            Self::PauseBeforeDue => "Bổ sung, dừng hoặc rút hồ sơ sát hạn",
            Self::BackdatedReceipt => "Thời điểm tiếp nhận lùi ngày",
            Self::RefusedResubmitted => "Từ chối rồi nộp lại",
            Self::LateOffSystemCount => "Số liệu ngoài hệ thống nhập muộn",
        }
    }

    /// [`Rule::explanation`] for the leaders' page, in Vietnamese (same thresholds, same sources).
    pub fn explanation_vi(self) -> &'static str {
        match self {
            Self::UnreceivedOnline => {
                "Hồ sơ nộp trực tuyến chưa được tiếp nhận khi hết ngày làm việc kế tiếp ngày nộp (1 ngày làm việc, \
                 theo chế độ áp dụng): những hồ sơ còn đang chờ và những hồ sơ được tiếp nhận muộn trong kỳ. Thời hạn \
                 giải quyết chỉ bắt đầu tính khi tiếp nhận, nên tiếp nhận chậm làm tỷ lệ đúng hạn đẹp hơn thực tế \
                 (CV 7260/VPCP-KSTT: 37.731 hồ sơ tiếp nhận muộn trong tháng 7/2025). Chưa tìm thấy văn bản quy định \
                 thời gian tiếp nhận hồ sơ trực tuyến (NĐ 61/2018 Điều 17, NĐ 118/2025): mức 1 ngày làm việc là lựa \
                 chọn của hệ thống, như chỉ số hồ sơ chờ tiếp nhận."
            }
            Self::RepeatedSupplement => {
                "Hồ sơ bị yêu cầu bổ sung từ lần thứ hai trở đi, lần sau cùng trong kỳ. NĐ 61/2018 Điều 15.3, 16 \
                 và 19.4 yêu cầu hướng dẫn bổ sung đầy đủ một lần; Cổng Dịch vụ công quốc gia tính hồ sơ bị yêu cầu \
                 bổ sung quá một lần là quá hạn (QĐ 766, chỉ số 2.1). Hệ thống cho phép một lần khi tiếp nhận và một \
                 lần khi thẩm định: nhiều nhất là hai lần."
            }
            Self::PauseBeforeDue => {
                "Yêu cầu bổ sung, dừng giải quyết hoặc rút hồ sơ ghi nhận vào ngày đến hạn hoặc ngày làm việc liền \
                 trước (theo hạn đang áp dụng lúc đó): mỗi thao tác này dừng hoặc tính lại thời hạn, nên thực hiện \
                 khi hồ sơ sắp quá hạn thì tránh được việc bị tính quá hạn. Mức 1 ngày làm việc là lựa chọn của hệ \
                 thống; NĐ 61/2018 Điều 19.9 yêu cầu cơ quan sắp trễ hạn xin lỗi chậm nhất 1 ngày trước hạn."
            }
            Self::BackdatedReceipt => {
                "Hồ sơ có thời điểm tiếp nhận sớm hơn lúc hệ thống ghi nhận việc tiếp nhận, hoặc sớm hơn lúc nộp, \
                 ghi nhận trong kỳ. Hệ thống không cho nhập thời điểm tiếp nhận khác với lúc ghi nhận (tiếp nhận trực \
                 tiếp, qua bưu chính và trực tuyến đều lấy giờ của máy chủ), nên trường hợp đầu chỉ xảy ra khi dữ liệu \
                 bị sửa ngoài ứng dụng. Hồ sơ nhận từ hệ thống của bộ, ngành mang thời điểm tiếp nhận của hệ thống đó \
                 và chỉ được so với lúc nộp. Quy tắc không dựa trên điều khoản nào: đây là kiểm tra tính toàn vẹn \
                 của dữ liệu."
            }
            Self::RefusedResubmitted => {
                "Hồ sơ nộp trong kỳ của người nộp (đối chiếu theo số định danh, không hiển thị) đã có hồ sơ cùng thủ \
                 tục bị từ chối (khi tiếp nhận hoặc sau thẩm định) trong vòng 20 ngày làm việc trước đó. Từ chối rồi \
                 nộp lại làm thời hạn tính lại từ đầu và có thể che một hồ sơ trễ hạn. Mức 20 ngày làm việc là lựa \
                 chọn của hệ thống; chưa tìm thấy căn cứ."
            }
            Self::LateOffSystemCount => {
                "Số hồ sơ ngoài hệ thống (nhập tay cho chỉ tiêu tỷ lệ hồ sơ xử lý trên hệ thống) được nhập trong kỳ, \
                 muộn hơn 10 ngày làm việc sau ngày cuối của kỳ số liệu: số liệu nhập muộn có thể được điều chỉnh \
                 cho khớp chỉ tiêu. Chưa tìm thấy căn cứ về thời hạn (thời hạn báo cáo của TT 01/2020/TT-VPCP không có \
                 trong tài liệu tham chiếu): mức 10 ngày làm việc là lựa chọn của hệ thống."
            }
        }
    }

    /// What the rule flags, why it matters, and its threshold with its source.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::UnreceivedOnline => {
                "Online submissions not received by the close of the working day after the day they were submitted \
                 (the regime's online_receipt_working_days, 1): those still waiting now, and those received late in \
                 the period. The statutory time limit starts only at receipt, so a slow receipt hides delay from the \
                 on-time rate (CV 7260/VPCP-KSTT: 37,731 dossiers received late in July 2025). No legal text sets the \
                 receipt time (ND 61/2018 Điều 17, ND 118/2025): it is the product's reading, as in the intake-latency \
                 figure (GET /api/v1/stats/intake-waiting and the report's online_intake.received_late)."
            }
            Self::RepeatedSupplement => {
                "Dossiers asked for a supplement more than once, the second (or later) request made in the period. \
                 ND 61/2018 Điều 15.3, 16 and 19.4 allow everything missing to be asked once; the national portal \
                 counts a dossier with more than one supplement request as overdue (QĐ 766 indicator 2.1, \
                 regulations.md §2.7). motcua allows one request at intake and one in appraisal: two is the most it \
                 can show."
            }
            Self::PauseBeforeDue => {
                "Supplement requests, stops and withdrawals recorded on the due day or the working day before it \
                 (the due date in force then): each stops or restarts the clock, so one made when the dossier is \
                 about to be late escapes the lateness. The window (1 working day) is the product's choice; ND \
                 61/2018 Điều 19.9 asks an agency that will be late to apologise at least 1 working day before the \
                 due date instead."
            }
            Self::BackdatedReceipt => {
                "Dossiers whose receipt time is earlier than the control-sheet row that recorded the receipt, or \
                 earlier than their submission, recorded in the period. motcua never lets a receipt time be given \
                 apart from the recording: intake at the counter, by post and online receipt all take the server's \
                 clock for both, so the first check fires only on data changed outside the application. The receipt \
                 time (NgayTiepNhan) of dossiers imported from a ministry's system comes from that system and no \
                 recording row exists for them; they are checked against their submission only."
            }
            Self::RefusedResubmitted => {
                "Dossiers submitted in the period by an applicant (matched on the identity number, never shown) \
                 whose dossier for the same procedure was refused — at intake or after appraisal — at most 20 \
                 working days before. A refusal followed by a new dossier restarts the time limit and may hide \
                 a late one. The window is the product's choice; no source found."
            }
            Self::LateOffSystemCount => {
                "Off-system dossier counts (entered by hand for dossiers_in_system_pct) entered in the period more \
                 than 10 working days after the last day of the period they count: a count entered late can be \
                 fitted to a target. No source found for the delay (the report deadlines of TT 01/2020/TT-VPCP are \
                 not in the references); the product's choice."
            }
        }
    }
}

/// The period a rule looks at, as UTC instants `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Window {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        t >= self.from && t < self.to
    }
}

/// An online submission against the receipt rule ([`intake_latency`]): the working days from its
/// receipt day to its receipt (or, still waiting, to `now`); None when it is (so far) in time.
pub fn unreceived_past_rule(
    calendar: &WorkingCalendar,
    submitted_at: DateTime<Utc>,
    received_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<u32> {
    let days = intake_latency::working_days_past_rule(calendar, submitted_at, received_at.unwrap_or(now));
    let late = match received_at {
        Some(r) => intake_latency::wait(calendar, submitted_at, r).late,
        None => days > 0,
    };
    // A receipt on a non-working day after the receipt day is late with no working day between.
    late.then_some(days.max(1))
}

/// A dossier whose supplement requests (at any stage) number more than one, flagged in `window`
/// when its second or a later one was made in it.
pub fn repeated_supplement(requests: &[DateTime<Utc>], window: Window) -> bool {
    let mut sorted = requests.to_vec();
    sorted.sort();
    sorted.iter().skip(1).any(|t| window.contains(*t))
}

/// The facts of a dossier a supplement request, stop or withdrawal was recorded on, as stored now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PausedDossier {
    /// The receipt that started the statutory clock first (the competent agency's, when the
    /// dossier was handed over under boundary-free intake).
    pub first_clock_start: DateTime<Utc>,
    /// The last (re)start of the clock, and the due date it set.
    pub clock_started_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub limit: TimeLimit,
}

/// The statutory due date in force when an act was recorded at `act_at`: the stored one, unless
/// the clock was restarted after the act (a supplement asked in appraisal restarts it when the
/// applicant hands it in, ND 61/2018 Điều 19.4), in which case the one its first start set (a
/// supplement can be asked only once in appraisal, so there was no restart before it).
pub fn due_in_force(calendar: &WorkingCalendar, d: &PausedDossier, act_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match d.clock_started_at {
        Some(started) if started > act_at => {
            Some(calendar.due_at(to_vietnam(d.first_clock_start), d.limit).with_timezone(&Utc))
        }
        _ => d.due_at,
    }
}

/// An act (supplement request, stop, withdrawal) at `act_at` against the due date `due_at`: the
/// working days between its day and the due day (0: on the due day) when it is on or before the
/// due date and within [`PAUSE_WINDOW_WORKING_DAYS`] of it.
pub fn pause_before_due(calendar: &WorkingCalendar, act_at: DateTime<Utc>, due_at: DateTime<Utc>) -> Option<u32> {
    if act_at > due_at {
        return None;
    }
    let days = calendar.working_days_between(to_vietnam(act_at).date_naive(), to_vietnam(due_at).date_naive());
    (days <= PAUSE_WINDOW_WORKING_DAYS).then_some(days)
}

/// How a receipt time was back-dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backdating {
    /// Earlier than the control-sheet row that recorded the receipt, by this many minutes (at least 1).
    BeforeRecording { minutes: i64 },
    /// Earlier than the submission, by this many minutes (at least 1).
    BeforeSubmission { minutes: i64 },
}

/// A receipt time against the moment it was recorded (when a row records it) and the submission.
/// A difference under a minute is not counted (the same instant may be stored with different
/// precision on the two databases).
pub fn backdated(
    received_at: DateTime<Utc>,
    recorded_at: Option<DateTime<Utc>>,
    submitted_at: DateTime<Utc>,
) -> Option<Backdating> {
    let before = |later: DateTime<Utc>| Some((later - received_at).num_minutes()).filter(|m| *m >= 1);
    recorded_at
        .and_then(before)
        .map(|minutes| Backdating::BeforeRecording { minutes })
        .or_else(|| before(submitted_at).map(|minutes| Backdating::BeforeSubmission { minutes }))
}

/// A new submission at `resubmitted_at` after a refusal at `refused_at` of the same applicant's
/// dossier for the same procedure: the working days between the two days when within
/// [`RESUBMISSION_WINDOW_WORKING_DAYS`].
pub fn resubmitted_after_refusal(
    calendar: &WorkingCalendar,
    refused_at: DateTime<Utc>,
    resubmitted_at: DateTime<Utc>,
) -> Option<u32> {
    if resubmitted_at < refused_at {
        return None;
    }
    let days =
        calendar.working_days_between(to_vietnam(refused_at).date_naive(), to_vietnam(resubmitted_at).date_naive());
    (days <= RESUBMISSION_WINDOW_WORKING_DAYS).then_some(days)
}

/// An off-system count for a period ending on `period_end`, entered at `entered_at`: the working
/// days after the period's end when more than [`OFF_SYSTEM_LATE_WORKING_DAYS`].
pub fn off_system_entered_late(
    calendar: &WorkingCalendar,
    period_end: NaiveDate,
    entered_at: DateTime<Utc>,
) -> Option<u32> {
    let days = calendar.working_days_between(period_end, to_vietnam(entered_at).date_naive());
    (days > OFF_SYSTEM_LATE_WORKING_DAYS).then_some(days)
}

#[cfg(test)]
mod tests {

    #[test]
    fn each_rule_is_explained_in_vietnamese_with_its_source_or_the_absence_of_one() {
        for r in Rule::ALL {
            let vi = r.explanation_vi();
            let sourced = ["NĐ ", "chưa tìm thấy", "Chưa tìm thấy", "không dựa trên điều khoản nào"];
            assert!(sourced.iter().any(|s| vi.contains(s)), "{}", r.id());
            assert!(
                vi.contains("lựa chọn của hệ thống") || r == Rule::RepeatedSupplement || r == Rule::BackdatedReceipt
            );
        }
    }
    use super::*;
    use crate::domain::calendar::march_2027::{at, calendar};
    use crate::domain::calendar::vietnam;
    use crate::domain::procedure::TimeUnit;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).unwrap()
    }

    #[test]
    fn every_rule_has_an_id_a_vietnamese_name_and_an_explanation() {
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.id()), Some(r));
            assert!(!r.name().is_empty() && r.explanation().len() > 100, "{r:?}");
        }
        assert_eq!(Rule::parse("gaming"), None);
        let ids: std::collections::HashSet<_> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), Rule::ALL.len());
    }

    #[test]
    fn an_online_submission_is_flagged_once_its_receipt_day_has_passed() {
        let c = calendar();
        // Submitted Monday 09:00: may be received until Tuesday evening.
        assert_eq!(unreceived_past_rule(&c, at(1, 9, 0), None, at(2, 17, 0)), None);
        assert_eq!(unreceived_past_rule(&c, at(1, 9, 0), None, at(3, 10, 0)), Some(1));
        assert_eq!(unreceived_past_rule(&c, at(1, 9, 0), None, at(8, 10, 0)), Some(3), "3, 4 and 8 March");
        // Received: judged by the receipt.
        assert_eq!(unreceived_past_rule(&c, at(1, 9, 0), Some(at(2, 18, 0)), at(9, 9, 0)), None);
        assert_eq!(unreceived_past_rule(&c, at(1, 9, 0), Some(at(3, 8, 0)), at(9, 9, 0)), Some(1));
        // Thursday evening: Friday is a holiday, due Monday; received on Saturday is not late.
        assert_eq!(unreceived_past_rule(&c, at(4, 20, 0), Some(at(6, 9, 0)), at(9, 9, 0)), None);
        assert_eq!(unreceived_past_rule(&c, at(4, 20, 0), Some(at(9, 9, 0)), at(9, 9, 0)), Some(1));
    }

    #[test]
    fn a_second_supplement_request_in_the_window_flags_the_dossier() {
        let march = Window { from: at(1, 0, 0), to: at(31, 0, 0) };
        assert!(!repeated_supplement(&[at(2, 9, 0)], march), "one request");
        assert!(repeated_supplement(&[at(9, 9, 0), at(2, 9, 0)], march), "two, in any order");
        // The second one is what is flagged: two requests before the window are not this window's.
        let later = Window { from: at(3, 0, 0), to: at(31, 0, 0) };
        assert!(repeated_supplement(&[at(2, 9, 0), at(4, 9, 0)], later));
        let after = Window { from: at(10, 0, 0), to: at(31, 0, 0) };
        assert!(!repeated_supplement(&[at(2, 9, 0), at(4, 9, 0)], after));
        assert!(!repeated_supplement(&[], march));
    }

    #[test]
    fn an_act_on_the_due_day_or_the_working_day_before_is_just_before_the_due_date() {
        let c = calendar();
        let due = at(8, 17, 30); // Monday 8/3 at the close
        assert_eq!(pause_before_due(&c, at(8, 10, 0), due), Some(0));
        // Thursday 4/3: the previous working day (Friday is a holiday, then the weekend).
        assert_eq!(pause_before_due(&c, at(4, 10, 0), due), Some(1));
        assert_eq!(pause_before_due(&c, at(6, 10, 0), due), Some(1), "a Saturday");
        assert_eq!(pause_before_due(&c, at(3, 16, 0), due), None, "two working days before");
        assert_eq!(pause_before_due(&c, at(8, 17, 31), due), None, "after the due time: late already");
    }

    #[test]
    fn the_due_date_in_force_is_the_first_when_the_clock_restarted_after_the_act() {
        let c = calendar();
        let limit = TimeLimit { value: 3, unit: TimeUnit::WorkingDays };
        // Received Monday 1/3 09:00: due Thursday 4/3 at the close.
        let first = at(1, 9, 0);
        let restarted = PausedDossier {
            first_clock_start: first,
            clock_started_at: Some(at(9, 9, 0)),
            due_at: Some(at(12, 17, 30)),
            limit,
        };
        assert_eq!(due_in_force(&c, &restarted, at(3, 9, 0)), Some(at(4, 17, 30)));
        assert_eq!(due_in_force(&c, &restarted, at(10, 9, 0)), Some(at(12, 17, 30)), "an act after the restart");
        let never = PausedDossier { clock_started_at: Some(first), due_at: Some(at(4, 17, 30)), ..restarted };
        assert_eq!(due_in_force(&c, &never, at(3, 9, 0)), Some(at(4, 17, 30)));
    }

    #[test]
    fn a_receipt_before_its_recording_or_its_submission_is_backdated() {
        assert_eq!(backdated(at(2, 9, 0), Some(at(2, 9, 0)), at(1, 9, 0)), None);
        assert_eq!(
            backdated(at(1, 9, 0), Some(at(2, 9, 0)), at(1, 8, 0)),
            Some(Backdating::BeforeRecording { minutes: 1440 })
        );
        // Seconds are not counted.
        let almost = at(2, 9, 0) + chrono::Duration::seconds(59);
        assert_eq!(backdated(at(2, 9, 0), Some(almost), at(1, 9, 0)), None);
        // Imported (no recording row): against the submission only.
        assert_eq!(backdated(at(1, 9, 0), None, at(1, 10, 0)), Some(Backdating::BeforeSubmission { minutes: 60 }));
        assert_eq!(backdated(at(1, 9, 0), None, at(1, 9, 0)), None);
    }

    #[test]
    fn a_resubmission_within_the_window_after_a_refusal_is_flagged() {
        let c = calendar();
        assert_eq!(resubmitted_after_refusal(&c, at(1, 9, 0), at(1, 10, 0)), Some(0));
        assert_eq!(resubmitted_after_refusal(&c, at(1, 9, 0), at(8, 10, 0)), Some(4), "2, 3, 4 and 8 March");
        assert_eq!(resubmitted_after_refusal(&c, at(2, 9, 0), at(1, 10, 0)), None, "before the refusal");
        let far = vietnam().with_ymd_and_hms(2027, 5, 3, 9, 0, 0).unwrap().with_timezone(&Utc);
        assert_eq!(resubmitted_after_refusal(&c, at(1, 9, 0), far), None, "two months later");
    }

    #[test]
    fn an_off_system_count_is_late_after_ten_working_days() {
        let c = calendar();
        // February's count: March has 1–4 and 8–12 and 15 as its first ten working days, 5/3 a holiday.
        let end = NaiveDate::from_ymd_opt(2027, 2, 28).unwrap();
        assert_eq!(off_system_entered_late(&c, end, at(15, 9, 0)), None, "the 10th working day");
        assert_eq!(off_system_entered_late(&c, end, at(16, 9, 0)), Some(11));
        assert_eq!(off_system_entered_late(&c, day(31), at(31, 9, 0)), None);
    }
}
