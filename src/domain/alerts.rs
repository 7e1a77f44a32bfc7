//! Early warning and escalation (issue 16 item 2): rules as data, kinds as code.
//!
//! A rule (`seeds/oversight/alert-rules.json`) names a [`AlertKind`], a threshold in **working
//! hours** (office time of the working calendar, [`WorkingCalendar::office_minutes_between`]:
//! 07:30–11:30 and 13:30–17:30 of working days), an escalation level, who is told
//! ([`Recipient`]) and how often it is evaluated. ND 118/2025 Điều 35.2.h (as amended by ND
//! 309/2026) asks for "early warning of slow processing, backlogs and missed deadlines" without
//! saying when or to whom: each rule carries its own source, or says that none was found.
//!
//! Each firing refers to one **occurrence** (the deadline or submission it is about), so a rule
//! fires at most once per dossier and occurrence however often it is evaluated: a new deadline (an
//! extension, a supplement restarting the clock) is a new occurrence.
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::calendar::{to_vietnam, WorkingCalendar};

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// The current step's deadline (the control sheet's `step_due_at`) is at most N working hours away.
    StepDueWithin,
    /// The date promised to the applicant (the due date, or the new one of an apology) is at most
    /// N working hours away.
    DueWithin,
    /// The promised date passed at least N working hours ago (0: as soon as it passed).
    Overdue,
    /// An online submission has waited at least N working hours for a clerk to receive it.
    OnlineUnreceived,
    /// A consulted agency answered after the consultation's deadline, or has not answered N working
    /// hours after it (ND 61/2018 Điều 19.5).
    ConsultationLate,
}

impl AlertKind {
    pub const ALL: [AlertKind; 5] =
        [Self::StepDueWithin, Self::DueWithin, Self::Overdue, Self::OnlineUnreceived, Self::ConsultationLate];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StepDueWithin => "step_due_within",
            Self::DueWithin => "due_within",
            Self::Overdue => "overdue",
            Self::OnlineUnreceived => "online_unreceived",
            Self::ConsultationLate => "consultation_late",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A warning before the deadline (the others escalate something already late).
    pub fn is_early_warning(self) -> bool {
        matches!(self, Self::StepDueWithin | Self::DueWithin)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::StepDueWithin => "Bước xử lý sắp đến hạn",
            Self::DueWithin => "Hồ sơ sắp đến hạn trả kết quả",
            Self::Overdue => "Hồ sơ quá hạn",
            Self::OnlineUnreceived => "Hồ sơ trực tuyến chưa được tiếp nhận",
            Self::ConsultationLate => "Cơ quan phối hợp trả lời quá hạn",
        }
    }
}

/// Who is told when a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recipient {
    /// The staff (clerks, specialists) of the agency holding the dossier, in its department when
    /// it is in one: motcua records no assignment to one person.
    Handler,
    /// The leaders of the agency holding the dossier.
    AgencyLeader,
    /// The head of the receiving counter (Trưởng Bộ phận Một cửa). motcua has no role for it: the
    /// leaders of the receiving agency stand for it.
    CounterHead,
    /// No notice: the alert is listed for the parent agency of the agency holding the dossier.
    ParentAgency,
}

impl Recipient {
    pub const ALL: [Recipient; 4] = [Self::Handler, Self::AgencyLeader, Self::CounterHead, Self::ParentAgency];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Handler => "handler",
            Self::AgencyLeader => "agency_leader",
            Self::CounterHead => "counter_head",
            Self::ParentAgency => "parent_agency",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Handler => "cán bộ xử lý",
            Self::AgencyLeader => "lãnh đạo cơ quan",
            Self::CounterHead => "trưởng Bộ phận Một cửa",
            Self::ParentAgency => "cơ quan cấp trên",
        }
    }
}

/// One rule, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    /// A stable name (`overdue-l1`): the unique key of its firings.
    pub id: String,
    pub kind: AlertKind,
    /// What staff read (Vietnamese).
    pub title: String,
    pub threshold_hours: u32,
    /// The escalation level (1 first; a higher level tells someone higher up).
    pub level: u32,
    pub recipients: Vec<Recipient>,
    /// How often it is evaluated, in minutes.
    pub interval_minutes: u32,
    /// The legal text it follows, or why it is the product's choice.
    pub source: String,
}

/// The seed file's shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// What the file is, for its readers.
    #[serde(default)]
    pub about: Option<String>,
    pub rules: Vec<RuleEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub threshold_hours: u32,
    #[serde(default = "one")]
    pub level: u32,
    pub recipients: Vec<String>,
    pub interval_minutes: u32,
    /// A citation, or "no source found; product's choice: …".
    pub source: String,
}

fn one() -> u32 {
    1
}

/// Why a rule file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("alert rule `{rule}`: {problem}")]
pub struct RuleError {
    pub rule: String,
    pub problem: String,
}

/// The longest threshold accepted: a year of working days.
pub const MAX_THRESHOLD_HOURS: u32 = 8 * 260;

impl RuleEntry {
    /// Checks one entry: a known kind and recipients, a sensible threshold and interval, a source.
    pub fn check(&self) -> Result<AlertRule, RuleError> {
        let err = |problem: String| RuleError { rule: self.id.clone(), problem };
        let id_ok = (1..=64).contains(&self.id.len())
            && self.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(err("the id is 1–64 characters of a–z, 0–9 and '-'".into()));
        }
        let kind = AlertKind::parse(&self.kind).ok_or_else(|| {
            err(format!("unknown kind `{}`: expected {}", self.kind, AlertKind::ALL.map(AlertKind::as_str).join(", ")))
        })?;
        let mut recipients = Vec::new();
        for r in &self.recipients {
            let r = Recipient::parse(r).ok_or_else(|| {
                err(format!("unknown recipient `{r}`: expected {}", Recipient::ALL.map(Recipient::as_str).join(", ")))
            })?;
            if !recipients.contains(&r) {
                recipients.push(r);
            }
        }
        if recipients.is_empty() {
            return Err(err("name at least one recipient".into()));
        }
        if self.threshold_hours > MAX_THRESHOLD_HOURS {
            return Err(err(format!("the threshold is at most {MAX_THRESHOLD_HOURS} working hours")));
        }
        if kind.is_early_warning() && self.threshold_hours == 0 {
            return Err(err("an early warning needs a threshold above 0 working hours".into()));
        }
        if !(1..=24 * 60).contains(&self.interval_minutes) {
            return Err(err("the interval is 1 to 1440 minutes".into()));
        }
        if !(1..=9).contains(&self.level) {
            return Err(err("the level is 1 to 9".into()));
        }
        if self.title.trim().is_empty() || self.source.trim().is_empty() {
            return Err(err("give a title and a source (or say that no source was found)".into()));
        }
        Ok(AlertRule {
            id: self.id.clone(),
            kind,
            title: self.title.trim().to_string(),
            threshold_hours: self.threshold_hours,
            level: self.level,
            recipients,
            interval_minutes: self.interval_minutes,
            source: self.source.trim().to_string(),
        })
    }
}

/// Reads and checks a rule file: every rule valid, ids unique.
pub fn read_rules(text: &str) -> Result<Vec<AlertRule>, RuleError> {
    let file: RuleFile = serde_json::from_str(text)
        .map_err(|e| RuleError { rule: "(file)".into(), problem: format!("not a rule file: {e}") })?;
    let mut rules: Vec<AlertRule> = Vec::new();
    for entry in &file.rules {
        let rule = entry.check()?;
        if rules.iter().any(|r| r.id == rule.id) {
            return Err(RuleError { rule: rule.id, problem: "the id is used twice".into() });
        }
        rules.push(rule);
    }
    Ok(rules)
}

/// What a rule judges of one dossier: the instant its kind is measured from (a deadline, or the
/// online submission) and, for a consultation, when it was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watched {
    pub reference: DateTime<Utc>,
    pub answered: Option<DateTime<Utc>>,
}

impl AlertRule {
    fn threshold_minutes(&self) -> i64 {
        i64::from(self.threshold_hours) * 60
    }

    /// Whether the rule fires for `w` at `now`:
    /// - an early warning, while the deadline is still ahead and at most the threshold of working
    ///   time away;
    /// - an escalation, once at least the threshold of working time has passed since the reference
    ///   (and the reference itself has passed); a consultation answered late fires whatever the
    ///   threshold, since its lateness is settled.
    pub fn fires(&self, calendar: &WorkingCalendar, now: DateTime<Utc>, w: &Watched) -> bool {
        let minutes =
            |from: DateTime<Utc>, to: DateTime<Utc>| calendar.office_minutes_between(to_vietnam(from), to_vietnam(to));
        match self.kind {
            AlertKind::StepDueWithin | AlertKind::DueWithin => {
                w.reference > now && minutes(now, w.reference) <= self.threshold_minutes()
            }
            AlertKind::Overdue | AlertKind::OnlineUnreceived => {
                w.reference < now && minutes(w.reference, now) >= self.threshold_minutes()
            }
            AlertKind::ConsultationLate => match w.answered {
                Some(answered) => answered > w.reference,
                None => w.reference < now && minutes(w.reference, now) >= self.threshold_minutes(),
            },
        }
    }

    /// The latest reference a rule of this kind may fire for at `now`, as a bound for the query
    /// that finds candidates (calendar time is never shorter than office time): escalations look at
    /// references at least the threshold in hours before now.
    pub fn escalation_bound(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::TimeDelta::hours(i64::from(self.threshold_hours))
    }

    /// The furthest deadline an early warning may fire for at `now`: N working hours fit in
    /// N/8 + 2 working days from today (today partly), so nothing beyond the end of that day.
    pub fn warning_horizon(&self, calendar: &WorkingCalendar, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = to_vietnam(now).date_naive();
        let last = calendar.add_working_days(today, self.threshold_hours.div_ceil(8) + 2);
        super::calendar::vietnam_midnight_utc(last.succ_opt().unwrap_or(last))
    }

    /// Whether the last evaluation is older than the interval allows (with a grace of one more
    /// interval, so a tick just due is not yet a warning): the administrators' page says so.
    pub fn is_stale(&self, last_run: Option<DateTime<Utc>>, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let allowed = chrono::TimeDelta::minutes(2 * i64::from(self.interval_minutes));
        now - last_run.unwrap_or(since) > allowed
    }
}

/// The occurrence key of a firing about `reference` (and, for a consultation, its position): the
/// same deadline is one occurrence; a new one (an extension, a restarted clock) is another.
pub fn occurrence(reference: DateTime<Utc>, consultation: Option<i32>) -> String {
    let at = reference.format("%Y-%m-%dT%H:%M:%S%.6fZ");
    match consultation {
        Some(position) => format!("consultation-{position}@{at}"),
        None => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::march_2027::{at, calendar};

    fn rule(kind: &str, threshold_hours: u32) -> AlertRule {
        RuleEntry {
            id: "r".into(),
            kind: kind.into(),
            title: "t".into(),
            threshold_hours,
            level: 1,
            recipients: vec!["handler".into()],
            interval_minutes: 15,
            source: "s".into(),
        }
        .check()
        .unwrap()
    }

    fn deadline(reference: DateTime<Utc>) -> Watched {
        Watched { reference, answered: None }
    }

    #[test]
    fn a_warning_fires_within_its_working_hours_before_the_deadline_and_not_after_it() {
        let (c, r) = (calendar(), rule("due_within", 2));
        let due = at(2, 17, 30);
        assert!(r.fires(&c, at(2, 15, 30), &deadline(due)), "exactly two working hours before");
        assert!(!r.fires(&c, at(2, 15, 29), &deadline(due)));
        assert!(!r.fires(&c, at(2, 17, 31), &deadline(due)), "past the deadline: overdue, not a warning");
        // Thursday 17:00 to Monday 08:00: the holiday and the weekend do not count (30 + 30 minutes).
        assert!(r.fires(&c, at(4, 17, 0), &deadline(at(8, 8, 0))));
        assert!(r.horizon_covers(&c, at(4, 17, 0), at(8, 8, 0)));
    }

    impl AlertRule {
        fn horizon_covers(&self, c: &WorkingCalendar, now: DateTime<Utc>, due: DateTime<Utc>) -> bool {
            due <= self.warning_horizon(c, now)
        }
    }

    #[test]
    fn an_escalation_counts_working_hours_past_its_reference() {
        let c = calendar();
        let due = at(1, 17, 30);
        assert!(rule("overdue", 0).fires(&c, at(1, 17, 31), &deadline(due)));
        assert!(!rule("overdue", 0).fires(&c, due, &deadline(due)), "on the deadline it is not overdue yet");
        // 16 working hours: Tuesday and Wednesday; Wednesday 17:29 is one minute short.
        let l2 = rule("overdue", 16);
        assert!(!l2.fires(&c, at(3, 17, 29), &deadline(due)));
        assert!(l2.fires(&c, at(3, 17, 30), &deadline(due)));
        assert!(l2.escalation_bound(at(3, 17, 30)) >= due);
        // An online submission on Thursday evening, 8 working hours later is Monday 17:30 (Friday a holiday).
        let unreceived = rule("online_unreceived", 8);
        assert!(!unreceived.fires(&c, at(8, 17, 29), &deadline(at(4, 20, 0))));
        assert!(unreceived.fires(&c, at(8, 17, 30), &deadline(at(4, 20, 0))));
    }

    #[test]
    fn a_consultation_answered_late_fires_and_one_answered_in_time_does_not() {
        let (c, r) = (calendar(), rule("consultation_late", 4));
        let due = at(2, 17, 30);
        let answered = |t| Watched { reference: due, answered: Some(t) };
        assert!(r.fires(&c, at(3, 8, 0), &answered(at(3, 7, 45))));
        assert!(!r.fires(&c, at(3, 8, 0), &answered(at(2, 17, 0))));
        assert!(!r.fires(&c, at(3, 8, 0), &deadline(due)), "unanswered half an hour past: below 4 hours");
        assert!(r.fires(&c, at(3, 11, 30), &deadline(due)));
    }

    #[test]
    fn rule_files_are_checked() {
        let ok = r#"{"rules": [{"id": "a", "kind": "overdue", "title": "x", "threshold_hours": 0,
            "recipients": ["handler", "handler", "parent_agency"], "interval_minutes": 5, "source": "s"}]}"#;
        let rules = read_rules(ok).unwrap();
        assert_eq!(rules[0].recipients, vec![Recipient::Handler, Recipient::ParentAgency]);
        assert_eq!(rules[0].level, 1);
        for (bad, why) in [
            (ok.replace("overdue", "late"), "unknown kind"),
            (ok.replace("\"handler\", \"handler\", \"parent_agency\"", "\"mayor\""), "unknown recipient"),
            (ok.replace("\"interval_minutes\": 5", "\"interval_minutes\": 0"), "interval"),
            (ok.replace("\"source\": \"s\"", "\"source\": \" \""), "source"),
            (ok.replace("\"overdue\", \"title\": \"x\", \"threshold_hours\": 0", "\"due_within\", \"title\": \"x\", \"threshold_hours\": 0"), "early warning"),
            (ok.replace("}]}", "}, {\"id\": \"a\", \"kind\": \"overdue\", \"title\": \"x\", \"threshold_hours\": 0, \"recipients\": [\"handler\"], \"interval_minutes\": 5, \"source\": \"s\"}]}"), "twice"),
        ] {
            let e = read_rules(&bad).unwrap_err();
            assert!(e.to_string().contains(why), "{e} should mention {why}");
        }
    }

    #[test]
    fn the_seeded_rules_are_valid_and_each_says_where_it_comes_from() {
        let rules = read_rules(include_str!("../../seeds/oversight/alert-rules.json")).unwrap();
        for kind in AlertKind::ALL {
            assert!(rules.iter().any(|r| r.kind == kind), "a seeded rule of kind {}", kind.as_str());
        }
        assert!(rules.iter().all(|r| r.source.len() > 20), "each rule explains its source");
    }

    #[test]
    fn evaluation_is_stale_after_twice_its_interval_without_a_run() {
        let r = rule("overdue", 0);
        let last = at(1, 9, 0);
        assert!(!r.is_stale(Some(last), last, at(1, 9, 30)));
        assert!(r.is_stale(Some(last), last, at(1, 9, 31)));
        assert!(r.is_stale(None, last, at(1, 10, 0)), "never run: counted from when the rule was loaded");
    }

    #[test]
    fn an_occurrence_is_the_reference_instant_and_the_consultation() {
        assert_eq!(occurrence(at(1, 9, 0), None), "2027-03-01T02:00:00.000000Z");
        assert_eq!(occurrence(at(1, 9, 0), Some(2)), "consultation-2@2027-03-01T02:00:00.000000Z");
    }
}
