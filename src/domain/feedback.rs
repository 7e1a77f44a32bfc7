//! Feedback and complaints (phản ánh, kiến nghị — PAKN; issue 17 item 6): kinds, statuses, the text
//! rules, where a submission is routed, the deadline to answer it and the dashboard's counts.
//!
//! **The deadline.** The references kept with the project (`reference/regulations.md` §5.2) give the
//! time limits of QĐ 766/QĐ-TTg (2022) indicator 5.2 "Tiến độ xử lý PAKN", from a secondary source
//! (the DVCQG formula description, tag [S: F766]): refuse within 2 working days, ask for more within
//! 5, **handle within 15 working days**, publish within 2. motcua answers within
//! [`ANSWER_WITHIN_WORKING_DAYS`] = 15. ND 20/2008/NĐ-CP (as amended by ND 92/2017/NĐ-CP) on
//! receiving and handling feedback on administrative regulations is not in the references: no
//! article of it is cited here, and the number should be checked against its text.
use chrono::{DateTime, NaiveDateTime, Utc};

use crate::domain::calendar::{to_vietnam, WorkingCalendar};
use crate::domain::text::{check_text, ControlCharacter};
use crate::domain::{AgencyCode, TimeLimit, TimeUnit};

/// QĐ 766/QĐ-TTg indicator 5.2 (as `reference/regulations.md` §5.2 reports it, [S: F766]): a PAKN is
/// handled within 15 working days.
pub const ANSWER_WITHIN_WORKING_DAYS: u32 = 15;

/// The shortest text of a submission, in characters (product's choice: a few words at least).
pub const CONTENT_MIN: usize = 10;
/// The longest text of a submission, in characters (product's choice).
pub const CONTENT_MAX: usize = 2000;
/// The longest answer, in characters (product's choice).
pub const ANSWER_MAX: usize = 4000;
/// The longest contact line (an email or a phone, to be answered by), in characters.
pub const CONTACT_MAX: usize = 200;

/// What the citizen sends: a report about how something was handled (phản ánh) or a proposal
/// (kiến nghị).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackKind {
    /// Phản ánh: tells of a problem (a delay, a conduct, a rule that does not work).
    Report,
    /// Kiến nghị: proposes a change or asks for something to be done.
    Recommendation,
}

impl FeedbackKind {
    pub const ALL: [FeedbackKind; 2] = [FeedbackKind::Report, FeedbackKind::Recommendation];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Recommendation => "recommendation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Report => "Phản ánh",
            Self::Recommendation => "Kiến nghị",
        }
    }
}

/// A submission is received, then answered (once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackStatus {
    Received,
    Answered,
}

impl FeedbackStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Answered => "answered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "received" => Some(Self::Received),
            "answered" => Some(Self::Answered),
            _ => None,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Received => "Đang xử lý",
            Self::Answered => "Đã trả lời",
        }
    }
}

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    Empty { field: &'static str },
    TooShort { field: &'static str, min: usize },
    TooLong { field: &'static str, max: usize },
    Control(ControlCharacter),
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty { field } => write!(f, "`{field}` is empty"),
            Self::TooShort { field, min } => write!(f, "`{field}` is shorter than {min} characters"),
            Self::TooLong { field, max } => write!(f, "`{field}` is longer than {max} characters"),
            Self::Control(c) => c.fmt(f),
        }
    }
}

/// Trims `s` and checks its length (in characters) and that it holds no control character (tab and
/// line breaks only where `multiline`).
fn checked(field: &'static str, s: &str, min: usize, max: usize, multiline: bool) -> Result<String, TextError> {
    check_text(field, s, multiline).map_err(TextError::Control)?;
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 {
        return Err(TextError::Empty { field });
    }
    if n < min {
        return Err(TextError::TooShort { field, min });
    }
    if n > max {
        return Err(TextError::TooLong { field, max });
    }
    Ok(s.to_string())
}

/// The text of a submission: [`CONTENT_MIN`]..=[`CONTENT_MAX`] characters once trimmed; lines allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackContent(String);

impl FeedbackContent {
    pub fn parse(s: &str) -> Result<Self, TextError> {
        checked("content", s, CONTENT_MIN, CONTENT_MAX, true).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An agency's answer: 1..=[`ANSWER_MAX`] characters once trimmed; lines allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackAnswer(String);

impl FeedbackAnswer {
    pub fn parse(s: &str) -> Result<Self, TextError> {
        checked("answer", s, 1, ANSWER_MAX, true).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How to reach the submitter (optional; one line, at most [`CONTACT_MAX`] characters). Personal
/// data: never published, never logged.
pub fn parse_contact(s: Option<&str>) -> Result<Option<String>, TextError> {
    let Some(s) = s else { return Ok(None) };
    check_text("contact", s, false).map_err(TextError::Control)?;
    match s.trim() {
        "" => Ok(None),
        s => checked("contact", s, 1, CONTACT_MAX, false).map(Some),
    }
}

/// The notice that tells the submitter their feedback was answered, at the contact they left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerNotice {
    /// `email` or `sms`.
    pub channel: &'static str,
    pub recipient: String,
    pub subject: Option<String>,
    pub text: String,
    pub html: Option<String>,
}

/// The notice of an answer: by e-mail when the contact is an address, by SMS when it is a phone
/// number, none otherwise (a contact in free words, "gọi giờ hành chính", cannot be sent to; the
/// answer is then read on the citizen's list or with the PIN). The answer goes in whole: it is the
/// submitter's own, sent to the contact they gave.
pub fn answer_notice(contact: Option<&str>, agency: &str, sent: NaiveDateTime, answer: &str) -> Option<AnswerNotice> {
    let contact = contact?.trim();
    let day = to_vietnam(sent.and_utc()).format("%d/%m/%Y").to_string();
    if let Ok(email) = crate::domain::applicant::parse_email(contact) {
        let subject = format!("Trả lời phản ánh, kiến nghị ngày {day}");
        let opening = format!("{agency} đã trả lời phản ánh, kiến nghị ông/bà gửi ngày {day}:");
        let html = format!(
            "<p>{}</p><blockquote>{}</blockquote>",
            crate::domain::text::escape_html(&opening),
            crate::domain::text::escape_html(answer).replace('\n', "<br>")
        );
        return Some(AnswerNotice {
            channel: "email",
            recipient: email,
            subject: Some(subject),
            text: format!("{opening}\n\n{answer}\n"),
            html: Some(html),
        });
    }
    let phone = crate::domain::applicant::parse_phone(contact).ok()?;
    Some(AnswerNotice {
        channel: "sms",
        recipient: phone,
        subject: None,
        text: format!("{agency} tra loi phan anh ngay {day}: {answer}"),
        html: None,
    })
}

/// The agency a submission about a dossier goes to: the agency holding it while it is open, else the
/// one that received it (its counter answers for the finished dossier).
pub fn concerned_agency<'a>(open: bool, current: &'a AgencyCode, receiving: &'a AgencyCode) -> &'a AgencyCode {
    if open {
        current
    } else {
        receiving
    }
}

/// The deadline to answer a submission received at `received`: the close of the
/// [`ANSWER_WITHIN_WORKING_DAYS`]-th working day counted as a dossier's time limit is
/// (`WorkingCalendar::due_at`: from the receipt day before 15:00 on a working day, else the next
/// working day; holidays and weekends skipped).
pub fn due_at(calendar: &WorkingCalendar, received: DateTime<Utc>) -> DateTime<Utc> {
    let limit = TimeLimit { value: ANSWER_WITHIN_WORKING_DAYS, unit: TimeUnit::WorkingDays };
    calendar.due_at(to_vietnam(received), limit).with_timezone(&Utc)
}

/// Not answered, and past its deadline at `now`.
pub fn is_overdue(due_at: NaiveDateTime, answered_at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    answered_at.is_none() && now > due_at
}

/// Published: answered, and its submitter agreed.
pub fn is_published(publish_consent: bool, answered_at: Option<NaiveDateTime>) -> bool {
    publish_consent && answered_at.is_some()
}

/// What replaces personal data in a published text.
pub const REDACTED: &str = "[đã ẩn]";

/// A question or answer as it may be published ("published without personal data", issue 17
/// item 6): e-mail addresses, dossier codes and references, and runs of nine digits or more
/// (phone numbers, identity numbers), whether or not spaces, dots or dashes separate the digits,
/// are replaced by [`REDACTED`]. Names and street addresses cannot be told from other words by a
/// rule: the form asks the citizen not to write them, and the published list says that it is
/// shown as written otherwise. No law found prescribes how; this is the product's choice.
pub fn redact_for_publication(text: &str) -> String {
    static PERSONAL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(concat!(
            r"[^\s@]+@[^\s@]+\.[^\s@]+",                            // an e-mail address
            r"|\b\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}-\d{6}-\d{4}\b", // a dossier code (TT 01/2018 Điều 19)
            r"|\bHS-[A-Za-z0-9]+\b",                                // a submission's reference
            r"|\d(?:[ .\-]?\d){8,}",                                // 9+ digits: a phone or an ID number
        ))
        .expect("the pattern is valid")
    });
    PERSONAL.replace_all(text, REDACTED).into_owned()
}

/// What the dashboard counts for a period `[from, to)` (UTC instants) judged at `now`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedbackFigures {
    /// Received in the period.
    pub received: i64,
    /// Answered in the period.
    pub answered: i64,
    /// Of those answered in the period, after their deadline.
    pub answered_late: i64,
    /// Not answered at the period's end (or now, if sooner) and past their deadline then.
    pub open_overdue: i64,
}

impl FeedbackFigures {
    /// Counts `(created_at, due_at, answered_at)` rows.
    pub fn count(
        rows: impl IntoIterator<Item = (NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>)>,
        from: NaiveDateTime,
        to: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Self {
        let judged_at = to.min(now);
        let mut f = Self::default();
        for (created, due, answered) in rows {
            if created >= from && created < to {
                f.received += 1;
            }
            if let Some(a) = answered.filter(|a| *a >= from && *a < to) {
                f.answered += 1;
                if a > due {
                    f.answered_late += 1;
                }
            }
            let open_then = created < judged_at && answered.is_none_or(|a| a >= judged_at);
            if open_then && due < judged_at {
                f.open_overdue += 1;
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        crate::domain::calendar::vietnam().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_deadline_is_fifteen_working_days_skipping_holidays_and_weekends() {
        // Hùng Kings' day (16/4/2027), 30/4 and the day off for 1/5 (3/5/2027).
        let calendar = WorkingCalendar::new([day(2027, 4, 16), day(2027, 4, 30), day(2027, 5, 3)], []);
        let received = vn(2027, 4, 8, 9, 0);
        assert_eq!(due_at(&calendar, received), vn(2027, 5, 4, 17, 30));
        // Without the holidays it would be the 29th.
        assert_eq!(due_at(&WorkingCalendar::new([], []), received), vn(2027, 4, 29, 17, 30));
        // After 15:00 the count starts from the next working day.
        assert_eq!(due_at(&calendar, vn(2027, 4, 8, 16, 0)), vn(2027, 5, 5, 17, 30));
    }

    #[test]
    fn texts_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(FeedbackContent::parse("  Hồ sơ trễ hạn quá lâu  ").unwrap().as_str(), "Hồ sơ trễ hạn quá lâu");
        assert!(FeedbackContent::parse("Dòng một\nDòng hai\tcó tab").is_ok(), "lines are allowed");
        assert_eq!(FeedbackContent::parse("   "), Err(TextError::Empty { field: "content" }));
        assert_eq!(FeedbackContent::parse("ngắn"), Err(TextError::TooShort { field: "content", min: CONTENT_MIN }));
        assert_eq!(
            FeedbackContent::parse(&"a".repeat(CONTENT_MAX + 1)),
            Err(TextError::TooLong { field: "content", max: CONTENT_MAX })
        );
        assert!(FeedbackContent::parse(&"ă".repeat(CONTENT_MAX)).is_ok(), "counted in characters, not bytes");
        assert!(matches!(FeedbackContent::parse("Nội dung\u{0} có NUL"), Err(TextError::Control(_))));
        assert!(matches!(FeedbackAnswer::parse("Trả lời\u{1b}"), Err(TextError::Control(_))));
        assert!(matches!(parse_contact(Some("a@b.vn\n")), Err(TextError::Control(_))), "one line only");
        assert_eq!(parse_contact(Some("  ")), Ok(None));
        assert_eq!(parse_contact(Some(" 0911222333 ")), Ok(Some("0911222333".into())));
    }

    #[test]
    fn kinds_and_statuses_round_trip() {
        for k in FeedbackKind::ALL {
            assert_eq!(FeedbackKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(FeedbackKind::parse("complaint"), None);
        for s in [FeedbackStatus::Received, FeedbackStatus::Answered] {
            assert_eq!(FeedbackStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_dossier_s_feedback_goes_to_its_holder_while_open_else_to_its_counter() {
        let (current, receiving) =
            (AgencyCode::parse("000.00.05.H12").unwrap(), AgencyCode::parse("000.00.31.H12").unwrap());
        assert_eq!(concerned_agency(true, &current, &receiving), &current);
        assert_eq!(concerned_agency(false, &current, &receiving), &receiving);
    }

    #[test]
    fn personal_data_is_hidden_from_a_published_text_and_other_numbers_are_not() {
        let text = "Tôi nộp hồ sơ 000.01.31.H12-270203-0001 (HS-WCAN5QQ9YR) ngày 03/02/2027, \
                    SĐT 0909 123 456, CCCD 092190003333, email lam.xuan@example.vn. Lệ phí 50.000 đồng, 2 lần.";
        let r = redact_for_publication(text);
        for personal in ["000.01.31", "270203", "HS-WCAN", "0909", "123 456", "092190003333", "lam.xuan", "example.vn"]
        {
            assert!(!r.contains(personal), "{personal} in {r}");
        }
        assert_eq!(r.matches(REDACTED).count(), 5, "{r}");
        for kept in ["ngày 03/02/2027", "Lệ phí 50.000 đồng, 2 lần.", "Tôi nộp hồ sơ"] {
            assert!(r.contains(kept), "{kept} in {r}");
        }
        assert_eq!(redact_for_publication("Không có gì riêng tư."), "Không có gì riêng tư.");
    }

    #[test]
    fn overdue_and_published_are_judged_on_the_answer() {
        let t = |d| vn(2027, 4, d, 9, 0).naive_utc();
        assert!(is_overdue(t(10), None, t(11)));
        assert!(!is_overdue(t(10), None, t(9)));
        assert!(!is_overdue(t(10), Some(t(12)), t(13)), "answered, even late, is no longer open");
        assert!(is_published(true, Some(t(1))));
        assert!(!is_published(false, Some(t(1))), "never without consent");
        assert!(!is_published(true, None), "never before the answer");
    }

    #[test]
    fn the_dashboard_counts_received_answered_late_and_open_overdue_in_the_period() {
        let t = |d| vn(2027, 4, d, 9, 0).naive_utc();
        let rows = [
            (t(1), t(20), Some(t(5))), // received and answered on time in the period
            (t(2), t(4), Some(t(6))),  // answered late in the period
            (t(3), t(5), None),        // open, overdue at the period's end
            (t(3), t(25), None),       // open, not yet due
            (t(12), t(13), None),      // after the period
        ];
        let f = FeedbackFigures::count(rows, t(1), t(10), t(28));
        assert_eq!(f, FeedbackFigures { received: 4, answered: 2, answered_late: 1, open_overdue: 1 });
        // Judged now when the period has not ended: on the 4th only the one due that morning is overdue.
        let f = FeedbackFigures::count(rows, t(1), t(10), t(4) + chrono::TimeDelta::hours(1));
        assert_eq!((f.received, f.open_overdue), (4, 1));
    }

    #[test]
    fn the_answer_is_told_at_the_contact_left_by_email_or_sms_or_not_at_all() {
        let sent = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap().and_hms_opt(2, 0, 0).unwrap();
        let n =
            answer_notice(Some(" an@example.vn "), "UBND Phường Tân An", sent, "Đã xử lý <ngay>.\nCảm ơn.").unwrap();
        assert_eq!((n.channel, n.recipient.as_str()), ("email", "an@example.vn"));
        assert_eq!(n.subject.as_deref(), Some("Trả lời phản ánh, kiến nghị ngày 01/03/2027"));
        assert!(n.text.starts_with("UBND Phường Tân An đã trả lời phản ánh, kiến nghị ông/bà gửi ngày 01/03/2027:"));
        assert!(n.text.contains("Đã xử lý <ngay>.\nCảm ơn."), "{}", n.text);
        assert!(n.html.unwrap().contains("Đã xử lý &lt;ngay&gt;.<br>Cảm ơn."));
        let n = answer_notice(Some("0912 345 678"), "UBND Phường Tân An", sent, "Đã xử lý.").unwrap();
        assert_eq!((n.channel, n.subject), ("sms", None));
        assert!(n.text.ends_with("01/03/2027: Đã xử lý."), "{}", n.text);
        assert_eq!(answer_notice(Some("gọi giờ hành chính"), "X", sent, "a"), None);
        assert_eq!(answer_notice(None, "X", sent, "a"), None);
    }
}
