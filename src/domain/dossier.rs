//! Dossiers (hồ sơ): codes, channels, statuses and the state machine of DOMAIN.md §4 and §8,
//! with the legal rules of ND 61/2018 and TT 01/2018 as guards.
use std::fmt;

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};

use super::agency::AgencyCode;
use super::calendar::{to_vietnam, Timeliness, WorkingCalendar};
use super::procedure::TimeLimit;
use super::user::Role;

/// A dossier code: `<receiving agency code>-YYMMDD-XXXX`.
///
/// TT 01/2018/TT-VPCP Điều 19 (dossier code): the receiving agency's QCVN 102 code, the
/// receipt date, and the 4-digit sequence of that agency on that day. Issued once, never changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DossierCode {
    agency: AgencyCode,
    day: NaiveDate,
    sequence: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dossier code `{0}` is not in the shape <agency code>-YYMMDD-XXXX (e.g. 000.00.05.H12-261122-0001)")]
pub struct DossierCodeError(pub String);

impl DossierCode {
    /// Largest daily sequence the 4-digit field holds.
    pub const MAX_SEQUENCE: u16 = 9999;

    pub fn new(agency: AgencyCode, day: NaiveDate, sequence: u16) -> Option<Self> {
        (1..=Self::MAX_SEQUENCE).contains(&sequence).then_some(Self { agency, day, sequence })
    }

    pub fn parse(input: &str) -> Result<Self, DossierCodeError> {
        let err = || DossierCodeError(input.chars().take(60).collect());
        if input.len() != 25 || !input.is_ascii() {
            return Err(err());
        }
        let (agency, rest) = input.split_at(13);
        let agency = AgencyCode::parse(agency).map_err(|_| err())?;
        let rest = rest.strip_prefix('-').ok_or_else(err)?;
        let (date, seq) = rest.split_once('-').ok_or_else(err)?;
        if date.len() != 6 || seq.len() != 4 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let day = NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d").map_err(|_| err())?;
        let sequence: u16 = seq.parse().map_err(|_| err())?;
        Self::new(agency, day, sequence).ok_or_else(err)
    }

    pub fn agency(&self) -> &AgencyCode {
        &self.agency
    }
    pub fn day(&self) -> NaiveDate {
        self.day
    }
    pub fn sequence(&self) -> u16 {
        self.sequence
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:04}", self.agency, self.day.format("%y%m%d"), self.sequence)
    }
}

/// The reference of a submission (`HS-` and 10 characters of Crockford's base32), given to
/// every dossier when it is submitted and kept for life.
///
/// TT 01/2018/TT-VPCP Điều 19 and ND 61/2018 Điều 17.3: the dossier code is issued at receipt and
/// dated by it, so an online submission that no clerk has received yet has no code. The reference
/// names it until then (and still does afterwards). It cannot be mistaken for a code (those start
/// with the agency's digits), carries 50 random bits so that it cannot be guessed from another,
/// and avoids the letters people confuse (no I, L, O, U; `i`/`l` are read as 1 and `o` as 0).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubmissionReference(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("submission reference `{0}` is not in the shape HS-XXXXXXXXXX (10 letters and digits, e.g. HS-7K3QX9M2TB)")]
pub struct SubmissionReferenceError(pub String);

impl SubmissionReference {
    /// Crockford's base32 alphabet.
    const ALPHABET: &'static [u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const PREFIX: &'static str = "HS-";
    const LENGTH: usize = 10;

    /// The reference made of the low 50 bits of `random` (from the OS random source).
    pub fn from_random(random: u64) -> Self {
        let body: String =
            (0..Self::LENGTH).rev().map(|i| Self::ALPHABET[((random >> (5 * i)) & 31) as usize] as char).collect();
        Self(format!("{}{body}", Self::PREFIX))
    }

    /// Reads a reference as a person may type it: any case, `i`/`l` for 1 and `o` for 0.
    pub fn parse(input: &str) -> Result<Self, SubmissionReferenceError> {
        let err = || SubmissionReferenceError(input.chars().take(60).collect());
        let trimmed = input.trim();
        let body = trimmed
            .get(..Self::PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(Self::PREFIX))
            .map(|_| &trimmed[Self::PREFIX.len()..])
            .ok_or_else(err)?;
        if body.len() != Self::LENGTH || !body.is_ascii() {
            return Err(err());
        }
        let body: String = body
            .chars()
            .map(|c| match c.to_ascii_uppercase() {
                'I' | 'L' => Some('1'),
                'O' => Some('0'),
                c if Self::ALPHABET.contains(&(c as u8)) => Some(c),
                _ => None,
            })
            .collect::<Option<String>>()
            .ok_or_else(err)?;
        Ok(Self(format!("{}{body}", Self::PREFIX)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubmissionReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a dossier is named by where a code is accepted (API paths, the public lookup): its code
/// once received, or the reference of its submission at any time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DossierKey {
    Code(DossierCode),
    Reference(SubmissionReference),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is neither a dossier code (<agency code>-YYMMDD-XXXX, e.g. 000.00.05.H12-261122-0001) nor a submission reference (HS-XXXXXXXXXX)"
)]
pub struct DossierKeyError(pub String);

impl DossierKey {
    pub fn parse(input: &str) -> Result<Self, DossierKeyError> {
        let err = || DossierKeyError(input.chars().take(60).collect());
        if input.trim().get(..3).is_some_and(|p| p.eq_ignore_ascii_case(SubmissionReference::PREFIX)) {
            SubmissionReference::parse(input).map(Self::Reference).map_err(|_| err())
        } else {
            DossierCode::parse(input).map(Self::Code).map_err(|_| err())
        }
    }
}

impl fmt::Display for DossierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code(c) => c.fmt(f),
            Self::Reference(r) => r.fmt(f),
        }
    }
}

/// How a dossier was submitted (national field `KenhThucHien`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// 1: in person at the counter (trực tiếp).
    Direct,
    /// 2: online (trực tuyến).
    Online,
    /// 3: public postal service (bưu chính công ích).
    Postal,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Online => "online",
            Self::Postal => "postal",
        }
    }
    pub fn national_code(self) -> i32 {
        match self {
            Self::Direct => 1,
            Self::Online => 2,
            Self::Postal => 3,
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Direct, Self::Online, Self::Postal].into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a dossier stands. Each maps to one national status code (`TrangThaiHoSo`, DOMAIN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 1: registered online, not yet received by a clerk.
    Submitted,
    /// 2: received at the counter, at its first step.
    Received,
    /// 3: not received (refused at intake).
    NotReceived,
    /// 4: being processed at a step of the route.
    Processing,
    /// 5: waiting for the applicant's supplement.
    AwaitingSupplement,
    /// 7: withdrawn at the applicant's request.
    Withdrawn,
    /// 8: processing stopped.
    Stopped,
    /// 9: processed, result (or refusal) back at the receiving counter.
    ResultReady,
    /// 10: result handed to the applicant.
    Returned,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Self::Submitted,
        Self::Received,
        Self::NotReceived,
        Self::Processing,
        Self::AwaitingSupplement,
        Self::Withdrawn,
        Self::Stopped,
        Self::ResultReady,
        Self::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Received => "received",
            Self::NotReceived => "not_received",
            Self::Processing => "processing",
            Self::AwaitingSupplement => "awaiting_supplement",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::ResultReady => "result_ready",
            Self::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The national portal's status code 1–10 (6, waiting for a fee, is not modelled yet).
    pub fn national_code(self) -> i32 {
        match self {
            Self::Submitted => 1,
            Self::Received => 2,
            Self::NotReceived => 3,
            Self::Processing => 4,
            Self::AwaitingSupplement => 5,
            Self::Withdrawn => 7,
            Self::Stopped => 8,
            Self::ResultReady => 9,
            Self::Returned => 10,
        }
    }

    /// Vietnamese label as shown to citizens.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Mới đăng ký trực tuyến",
            Self::Received => "Đã tiếp nhận",
            Self::NotReceived => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::AwaitingSupplement => "Chờ bổ sung hồ sơ",
            Self::Withdrawn => "Đã rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::ResultReady => "Đã có kết quả",
            Self::Returned => "Đã trả kết quả",
        }
    }

    /// Open: still to be handled or handed back (not refused at intake, withdrawn, stopped or returned).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::NotReceived | Self::Withdrawn | Self::Stopped | Self::Returned)
    }

    /// Finished for statistics: result ready or returned, refused at intake, withdrawn or stopped.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::NotReceived | Self::Withdrawn | Self::Stopped | Self::ResultReady | Self::Returned)
    }
}

/// The decision of the competent agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approved,
    Refused,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approved" => Some(Self::Approved),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }
}

/// The stage a supplement was requested at: intake (ND 61/2018 Điều 16) or appraisal (Điều 19.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplementStage {
    Intake,
    Appraisal,
}

/// The actions of DOMAIN.md §8.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Receive,
    RequestSupplement { missing: Vec<String> },
    SubmitSupplement,
    Refuse { reason: String },
    Transfer,
    Approve,
    Finish,
    ReturnResult,
    Extend { new_due_day: NaiveDate, reason: String },
    Withdraw,
    Stop { reason: String },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::RequestSupplement { .. } => "request_supplement",
            Self::SubmitSupplement => "submit_supplement",
            Self::Refuse { .. } => "refuse",
            Self::Transfer => "transfer",
            Self::Approve => "approve",
            Self::Finish => "finish",
            Self::ReturnResult => "return_result",
            Self::Extend { .. } => "extend",
            Self::Withdraw => "withdraw",
            Self::Stop { .. } => "stop",
        }
    }

    /// Every action name, for validation messages.
    pub const NAMES: [&'static str; 11] = [
        "receive",
        "request_supplement",
        "submit_supplement",
        "refuse",
        "transfer",
        "approve",
        "finish",
        "return_result",
        "extend",
        "withdraw",
        "stop",
    ];
}

/// Who acts: role, agency, and whether they are the applicant who owns the dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub role: Role,
    pub agency: Option<AgencyCode>,
    pub is_owner: bool,
}

/// One step of a dossier's resolved route: the agency and its share of the time limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedStep {
    pub agency: AgencyCode,
    pub time_share: u32,
}

/// Everything the rules need to know about a dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    pub status: Status,
    pub receiving_agency: AgencyCode,
    pub current_agency: AgencyCode,
    /// Index into `route` of the step the dossier is at.
    pub current_step: usize,
    pub route: Vec<RoutedStep>,
    pub limit: TimeLimit,
    pub submitted_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    /// When the statutory clock (re)started: receipt, or the return of a supplement in appraisal.
    pub clock_started_at: Option<DateTime<Utc>>,
    /// The statutory due date; statistics judge against it.
    pub due_at: Option<DateTime<Utc>>,
    /// The new date promised in an apology; shown to the applicant.
    pub extended_due_at: Option<DateTime<Utc>>,
    pub step_started_at: Option<DateTime<Utc>>,
    pub step_due_at: Option<DateTime<Utc>>,
    pub supplement_stage: Option<SupplementStage>,
    pub intake_supplements: u32,
    pub appraisal_supplements: u32,
    pub extensions: u32,
    pub decision: Option<Decision>,
    pub finished_at: Option<DateTime<Utc>>,
    pub timeliness: Option<Timeliness>,
    pub returned_at: Option<DateTime<Utc>>,
}

/// What an action adds to the control sheet (Phiếu kiểm soát quá trình giải quyết hồ sơ).
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub action: &'static str,
    pub at: DateTime<Utc>,
    pub from_agency: AgencyCode,
    pub to_agency: AgencyCode,
    pub status: Status,
    /// The deadline of the step that ends with this handover, and how it was met.
    pub step_due_at: Option<DateTime<Utc>>,
    pub step_timeliness: Option<Timeliness>,
}

/// Why an action is refused. Each has a stable code (see `code`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{action} is not allowed while the dossier is {status}")]
    NotAllowedNow { action: &'static str, status: &'static str },
    #[error("{0}")]
    Forbidden(String),
    #[error("ND 61/2018 Điều 16, 19.4: a supplement may be requested only once at intake and once in appraisal, listing everything missing at once")]
    SupplementAlreadyRequested,
    #[error("ND 61/2018 Điều 19.4: a supplement found in appraisal must be requested within 3 working days of receipt ({days} have passed)")]
    SupplementTooLate { days: u32 },
    #[error("ND 61/2018 Điều 19.9: the apology and new date may be issued only once")]
    AlreadyExtended,
    #[error("ND 61/2018 Điều 19.9: the apology must be issued at least 1 working day before the due date")]
    ExtensionTooLate,
    #[error("the new date must be a working day after the current due date")]
    InvalidNewDate,
    #[error("the dossier is at the last processing step: approve and finish it instead of transferring")]
    NoNextStep,
    #[error("the dossier needs a decision (approve or refuse) before it is finished")]
    NoDecision,
    #[error("a decision has already been made on this dossier")]
    AlreadyDecided,
    #[error("{0}")]
    Invalid(String),
}

impl RuleError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAllowedNow { .. } => "action_not_allowed",
            Self::Forbidden(_) => "not_your_dossier",
            Self::SupplementAlreadyRequested => "supplement_already_requested",
            Self::SupplementTooLate { .. } => "supplement_too_late",
            Self::AlreadyExtended => "already_extended",
            Self::ExtensionTooLate => "extension_too_late",
            Self::InvalidNewDate => "invalid_new_date",
            Self::NoNextStep => "no_next_step",
            Self::NoDecision => "decision_missing",
            Self::AlreadyDecided => "already_decided",
            Self::Invalid(_) => "invalid_action",
        }
    }

    /// Forbidden is about the caller (403); everything else about the dossier's state (409) or input (400).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Self::Forbidden(_))
    }
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::Invalid(_) | Self::InvalidNewDate)
    }
}

/// ND 61/2018 Điều 19.4: the appraisal supplement window, in working days after receipt.
pub const SUPPLEMENT_WINDOW_WORKING_DAYS: u32 = 3;

/// ND 61/2018 Điều 19.9: the apology is due at least this many working days before the due date.
pub const EXTENSION_NOTICE_WORKING_DAYS: u32 = 1;

fn to_utc(t: DateTime<chrono::FixedOffset>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

impl Dossier {
    /// A new dossier at intake: online submissions wait at status 1; counter and postal ones are
    /// received at once and their clock starts (with the 15:00 rule).
    pub fn intake(
        channel: Channel,
        receiving_agency: AgencyCode,
        route: Vec<RoutedStep>,
        limit: TimeLimit,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Result<(Self, Handover), RuleError> {
        if route.len() < 2 {
            return Err(RuleError::Invalid("the procedure's route has fewer than two steps".into()));
        }
        if route[0].agency != receiving_agency || route[route.len() - 1].agency != receiving_agency {
            return Err(RuleError::Invalid("the route must start and end at the receiving agency".into()));
        }
        let mut d = Dossier {
            status: Status::Submitted,
            current_agency: receiving_agency.clone(),
            receiving_agency,
            current_step: 0,
            route,
            limit,
            submitted_at: now,
            received_at: None,
            clock_started_at: None,
            due_at: None,
            extended_due_at: None,
            step_started_at: None,
            step_due_at: None,
            supplement_stage: None,
            intake_supplements: 0,
            appraisal_supplements: 0,
            extensions: 0,
            decision: None,
            finished_at: None,
            timeliness: None,
            returned_at: None,
        };
        if channel != Channel::Online {
            d.start_clock(now, calendar);
            d.received_at = Some(now);
            d.status = Status::Received;
        }
        let h = d.handover("intake", now, d.receiving_agency.clone(), None, None);
        Ok((d, h))
    }

    /// The due date the applicant is told: the apology's new date if any, else the statutory one.
    pub fn promised_due_at(&self) -> Option<DateTime<Utc>> {
        self.extended_due_at.or(self.due_at)
    }

    fn start_clock(&mut self, now: DateTime<Utc>, calendar: &WorkingCalendar) {
        self.clock_started_at = Some(now);
        self.due_at = Some(to_utc(calendar.due_at(to_vietnam(now), self.limit)));
        self.start_step(now, calendar);
    }

    fn start_step(&mut self, now: DateTime<Utc>, calendar: &WorkingCalendar) {
        let share = self.route[self.current_step].time_share;
        self.step_started_at = Some(now);
        self.step_due_at = (share > 0)
            .then(|| to_utc(calendar.due_at(to_vietnam(now), TimeLimit { value: share, unit: self.limit.unit })));
    }

    fn handover(
        &self,
        action: &'static str,
        at: DateTime<Utc>,
        from: AgencyCode,
        step_due_at: Option<DateTime<Utc>>,
        step_timeliness: Option<Timeliness>,
    ) -> Handover {
        Handover {
            action,
            at,
            from_agency: from,
            to_agency: self.current_agency.clone(),
            status: self.status,
            step_due_at,
            step_timeliness,
        }
    }

    fn at_agency(actor: &Actor, agency: &AgencyCode) -> bool {
        actor.agency.as_ref() == Some(agency)
    }

    fn require(&self, ok: bool, why: &str) -> Result<(), RuleError> {
        if ok {
            Ok(())
        } else {
            Err(RuleError::Forbidden(why.to_string()))
        }
    }

    fn not_now(&self, action: &Action) -> RuleError {
        RuleError::NotAllowedNow { action: action.name(), status: self.status.as_str() }
    }

    fn finish_with(&mut self, status: Status, now: DateTime<Utc>, calendar: &WorkingCalendar) {
        self.status = status;
        self.finished_at = Some(now);
        self.timeliness = self.due_at.map(|due| calendar.judge(to_vietnam(now), to_vietnam(due), self.limit.unit));
        self.step_due_at = None;
    }

    /// Applies an action. On success the dossier has changed and one control-sheet row is
    /// returned; on failure nothing has changed.
    pub fn apply(
        &self,
        action: &Action,
        actor: &Actor,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Result<(Dossier, Handover), RuleError> {
        use Status::*;
        let mut d = self.clone();
        let from = self.current_agency.clone();
        let staff_here = actor.role.is_staff() && Self::at_agency(actor, &self.current_agency);
        let clerk_at_counter = actor.role == Role::Clerk && Self::at_agency(actor, &self.receiving_agency);
        let step_judgement = |d: &Dossier| {
            d.step_due_at.map(|due| (due, calendar.judge(to_vietnam(now), to_vietnam(due), d.limit.unit)))
        };
        let (step_due, step_time) = match step_judgement(self) {
            Some((due, t)) => (Some(due), Some(t)),
            None => (None, None),
        };
        match action {
            Action::Receive => {
                if self.status != Submitted {
                    return Err(self.not_now(action));
                }
                self.require(clerk_at_counter, "only a clerk of the receiving agency receives a dossier")?;
                d.received_at = Some(now);
                d.status = Received;
                d.start_clock(now, calendar);
                Ok((d.clone(), d.handover("receive", now, from, None, None)))
            }
            Action::RequestSupplement { missing } => {
                if missing.is_empty() || missing.iter().any(|m| m.trim().is_empty()) {
                    return Err(RuleError::Invalid(
                        "list every missing or incomplete document (ND 61/2018 Điều 16: all at once)".into(),
                    ));
                }
                match self.status {
                    Submitted => {
                        self.require(
                            clerk_at_counter,
                            "at intake only a clerk of the receiving agency asks for a supplement",
                        )?;
                        if self.intake_supplements > 0 {
                            return Err(RuleError::SupplementAlreadyRequested);
                        }
                        d.intake_supplements += 1;
                        d.supplement_stage = Some(SupplementStage::Intake);
                    }
                    Received | Processing => {
                        self.require(staff_here, "only staff of the agency holding the dossier ask for a supplement")?;
                        if self.appraisal_supplements > 0 {
                            return Err(RuleError::SupplementAlreadyRequested);
                        }
                        let received = self.received_at.expect("received dossiers have a receipt time");
                        let days = calendar
                            .working_days_between(to_vietnam(received).date_naive(), to_vietnam(now).date_naive());
                        if days > SUPPLEMENT_WINDOW_WORKING_DAYS {
                            return Err(RuleError::SupplementTooLate { days });
                        }
                        d.appraisal_supplements += 1;
                        d.supplement_stage = Some(SupplementStage::Appraisal);
                    }
                    _ => return Err(self.not_now(action)),
                }
                d.status = AwaitingSupplement;
                d.step_due_at = None;
                Ok((d.clone(), d.handover("request_supplement", now, from, step_due, step_time)))
            }
            Action::SubmitSupplement => {
                if self.status != AwaitingSupplement {
                    return Err(self.not_now(action));
                }
                self.require(
                    actor.is_owner || clerk_at_counter,
                    "the applicant, or a clerk of the receiving agency for them, submits the supplement",
                )?;
                match self.supplement_stage {
                    Some(SupplementStage::Intake) => d.status = Submitted,
                    _ => {
                        // ND 61/2018 Điều 19.4: the time limit restarts from zero.
                        d.status = if self.current_step == 0 { Received } else { Processing };
                        d.start_clock(now, calendar);
                    }
                }
                d.supplement_stage = None;
                Ok((d.clone(), d.handover("submit_supplement", now, from, None, None)))
            }
            Action::Refuse { reason } => {
                if reason.trim().is_empty() {
                    return Err(RuleError::Invalid("a refusal states its reasons".into()));
                }
                match self.status {
                    Submitted => {
                        self.require(
                            clerk_at_counter,
                            "at intake only a clerk of the receiving agency refuses a dossier",
                        )?;
                        d.finish_with(NotReceived, now, calendar);
                    }
                    Received | Processing => {
                        self.require(
                            staff_here && matches!(actor.role, Role::Specialist | Role::Leader),
                            "a specialist or leader of the agency holding the dossier refuses it",
                        )?;
                        if self.decision.is_some() {
                            return Err(RuleError::AlreadyDecided);
                        }
                        // The refusal goes back to the counter that received the dossier.
                        d.decision = Some(Decision::Refused);
                        d.current_step = d.route.len() - 1;
                        d.current_agency = d.receiving_agency.clone();
                        d.finish_with(ResultReady, now, calendar);
                    }
                    _ => return Err(self.not_now(action)),
                }
                Ok((d.clone(), d.handover("refuse", now, from, step_due, step_time)))
            }
            Action::Transfer => {
                if !matches!(self.status, Received | Processing) {
                    return Err(self.not_now(action));
                }
                self.require(staff_here, "only staff of the agency holding the dossier transfer it")?;
                if self.current_step + 2 >= self.route.len() {
                    return Err(RuleError::NoNextStep);
                }
                d.current_step += 1;
                d.current_agency = d.route[d.current_step].agency.clone();
                d.status = Processing;
                d.start_step(now, calendar);
                Ok((d.clone(), d.handover("transfer", now, from, step_due, step_time)))
            }
            Action::Approve => {
                if !matches!(self.status, Received | Processing) {
                    return Err(self.not_now(action));
                }
                self.require(
                    staff_here && actor.role == Role::Leader,
                    "only a leader of the agency holding the dossier approves it",
                )?;
                if self.decision.is_some() {
                    return Err(RuleError::AlreadyDecided);
                }
                d.decision = Some(Decision::Approved);
                Ok((d.clone(), d.handover("approve", now, from, None, None)))
            }
            Action::Finish => {
                if !matches!(self.status, Received | Processing) {
                    return Err(self.not_now(action));
                }
                self.require(
                    staff_here && matches!(actor.role, Role::Specialist | Role::Leader),
                    "a specialist or leader of the agency holding the dossier sends the result back",
                )?;
                if self.decision != Some(Decision::Approved) {
                    return Err(RuleError::NoDecision);
                }
                d.current_step = d.route.len() - 1;
                d.current_agency = d.receiving_agency.clone();
                d.finish_with(ResultReady, now, calendar);
                Ok((d.clone(), d.handover("finish", now, from, step_due, step_time)))
            }
            Action::ReturnResult => {
                if self.status != ResultReady {
                    return Err(self.not_now(action));
                }
                self.require(clerk_at_counter, "the clerk of the receiving counter hands the result over")?;
                d.status = Returned;
                d.returned_at = Some(now);
                Ok((d.clone(), d.handover("return_result", now, from, None, None)))
            }
            Action::Extend { new_due_day, reason } => {
                if !matches!(self.status, Received | Processing) {
                    return Err(self.not_now(action));
                }
                self.require(
                    staff_here && matches!(actor.role, Role::Specialist | Role::Leader),
                    "a specialist or leader of the agency holding the dossier issues the apology",
                )?;
                if reason.trim().is_empty() {
                    return Err(RuleError::Invalid("the apology states the reason for the delay".into()));
                }
                if self.extensions > 0 {
                    return Err(RuleError::AlreadyExtended);
                }
                let due = to_vietnam(self.promised_due_at().expect("received dossiers have a due date"));
                let today = to_vietnam(now).date_naive();
                if calendar.working_days_between(today, due.date_naive()) < EXTENSION_NOTICE_WORKING_DAYS {
                    return Err(RuleError::ExtensionTooLate);
                }
                if *new_due_day <= due.date_naive() || !calendar.is_working_day(*new_due_day) {
                    return Err(RuleError::InvalidNewDate);
                }
                d.extensions += 1;
                d.extended_due_at = Some(to_utc(
                    super::calendar::vietnam()
                        .from_local_datetime(&new_due_day.and_time(due.time()))
                        .single()
                        .expect("fixed offset"),
                ));
                Ok((d.clone(), d.handover("extend", now, from, None, None)))
            }
            Action::Withdraw => {
                if !matches!(self.status, Submitted | Received | Processing | AwaitingSupplement) {
                    return Err(self.not_now(action));
                }
                self.require(
                    actor.is_owner || clerk_at_counter,
                    "the applicant, or a clerk of the receiving agency at their written request, withdraws a dossier",
                )?;
                d.finish_with(Withdrawn, now, calendar);
                Ok((d.clone(), d.handover("withdraw", now, from, step_due, step_time)))
            }
            Action::Stop { reason } => {
                if !matches!(self.status, Received | Processing | AwaitingSupplement) {
                    return Err(self.not_now(action));
                }
                self.require(
                    staff_here && actor.role == Role::Leader,
                    "only a leader of the agency holding the dossier stops it",
                )?;
                if reason.trim().is_empty() {
                    return Err(RuleError::Invalid("stopping a dossier states the reason".into()));
                }
                d.finish_with(Stopped, now, calendar);
                Ok((d.clone(), d.handover("stop", now, from, step_due, step_time)))
            }
        }
    }
}

/// Same-level consultation (liên thông cùng cấp).
///
/// ND 61/2018 Điều 20 (liên thông between agencies of the same level): the lead agency sends the
/// dossier to each agency it consults, with that agency's task and deadline; the consulted agency
/// answers to the lead agency. The dossier stays with the lead agency meanwhile.
impl Dossier {
    pub fn consult(
        &self,
        actor: &Actor,
        consulted: &AgencyCode,
        same_level: bool,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Handover, RuleError> {
        if !matches!(self.status, Status::Received | Status::Processing) {
            return Err(RuleError::NotAllowedNow { action: "consult", status: self.status.as_str() });
        }
        self.require(
            actor.role.is_staff() && Self::at_agency(actor, &self.current_agency),
            "only staff of the agency holding the dossier ask another agency's opinion",
        )?;
        if consulted == &self.current_agency || !same_level {
            return Err(RuleError::Invalid(
                "a consultation goes to another agency of the same level; use transfer to move between levels".into(),
            ));
        }
        if due <= now {
            return Err(RuleError::Invalid("the consultation's deadline must be in the future".into()));
        }
        Ok(Handover {
            action: "consult",
            at: now,
            from_agency: self.current_agency.clone(),
            to_agency: consulted.clone(),
            status: self.status,
            step_due_at: Some(due),
            step_timeliness: None,
        })
    }

    /// The consulted agency's answer, judged against the consultation's own deadline.
    pub fn answer_consultation(
        &self,
        actor: &Actor,
        consulted: &AgencyCode,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
        calendar: &WorkingCalendar,
    ) -> Result<Handover, RuleError> {
        if self.status.is_finished() {
            return Err(RuleError::NotAllowedNow { action: "answer_consultation", status: self.status.as_str() });
        }
        self.require(
            actor.role.is_staff() && Self::at_agency(actor, consulted),
            "only staff of the consulted agency answer the consultation",
        )?;
        Ok(Handover {
            action: "answer_consultation",
            at: now,
            from_agency: consulted.clone(),
            to_agency: self.current_agency.clone(),
            status: self.status,
            step_due_at: Some(due),
            step_timeliness: Some(calendar.judge(to_vietnam(now), to_vietnam(due), self.limit.unit)),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::domain::calendar::vietnam;
    use crate::domain::procedure::TimeUnit;

    fn code(s: &str) -> AgencyCode {
        AgencyCode::parse(s).unwrap()
    }

    #[test]
    fn a_reference_is_hs_and_ten_crockford_characters_and_reads_back_as_typed() {
        let r = SubmissionReference::from_random(0);
        assert_eq!(r.as_str(), "HS-0000000000");
        let r = SubmissionReference::from_random((1u64 << 50) - 1);
        assert_eq!(r.as_str(), "HS-ZZZZZZZZZZ");
        let r = SubmissionReference::from_random(0x2_3456_789A_BCDE);
        assert_eq!(r.as_str().len(), 13);
        assert_eq!(SubmissionReference::parse(r.as_str()).unwrap(), r);
        assert_eq!(SubmissionReference::parse(&r.as_str().to_lowercase()).unwrap(), r);
        // Letters people confuse are read as the digits they look like.
        assert_eq!(SubmissionReference::parse("hs-ilo0123456").unwrap().as_str(), "HS-1100123456");
        for bad in ["HS-123", "HS-12345678901", "HS-12345U7890", "XS-1234567890", "HS-12345 7890", "", "HS-ÁBCDEFGHJK"]
        {
            assert!(SubmissionReference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_key_is_a_code_or_a_reference_and_never_both() {
        assert!(matches!(DossierKey::parse("000.00.05.H12-261122-0001"), Ok(DossierKey::Code(_))));
        assert!(matches!(DossierKey::parse("HS-7K3QX9M2TB"), Ok(DossierKey::Reference(_))));
        assert!(matches!(DossierKey::parse("hs-7k3qx9m2tb"), Ok(DossierKey::Reference(_))));
        for bad in ["", "HS-", "000.00.05.H12-261122-0000", "1234567890", "HS-7K3QX9M2T"] {
            assert!(DossierKey::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_random_reference_parses_back_to_itself(n in any::<u64>()) {
            let r = SubmissionReference::from_random(n);
            prop_assert_eq!(SubmissionReference::parse(r.as_str()).unwrap(), r.clone());
            prop_assert!(DossierCode::parse(r.as_str()).is_err());
        }
    }

    const COMMUNE: &str = "000.01.31.H12";
    const DISTRICT: &str = "000.00.31.H12";
    const DEPARTMENT: &str = "000.00.05.H12";

    fn route() -> Vec<RoutedStep> {
        [(COMMUNE, 2), (DISTRICT, 10), (DEPARTMENT, 5), (DISTRICT, 2), (COMMUNE, 1)]
            .into_iter()
            .map(|(a, s)| RoutedStep { agency: code(a), time_share: s })
            .collect()
    }

    fn limit() -> TimeLimit {
        TimeLimit { value: 20, unit: TimeUnit::WorkingDays }
    }

    fn calendar() -> WorkingCalendar {
        let tet = (8..=14).map(|d| NaiveDate::from_ymd_opt(2024, 2, d).unwrap());
        WorkingCalendar::new(tet, [])
    }

    fn vn(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn staff(role: Role, agency: &str) -> Actor {
        Actor { role, agency: Some(code(agency)), is_owner: false }
    }

    fn owner() -> Actor {
        Actor { role: Role::Citizen, agency: None, is_owner: true }
    }

    #[test]
    fn dossier_codes_round_trip_and_reject_bad_shapes() {
        let c = DossierCode::parse("000.00.05.H12-261122-0001").unwrap();
        assert_eq!(c.agency().as_str(), "000.00.05.H12");
        assert_eq!(c.day(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert_eq!(c.sequence(), 1);
        assert_eq!(c.to_string(), "000.00.05.H12-261122-0001");
        for bad in [
            "",
            "000.00.05.H12-261122-0000",
            "000.00.05.H12-261322-0001",
            "000.00.05.H12-261122-001",
            "000.00.05.H12_261122_0001",
            "000.00.05.h12-261122-0001",
            "000.00.05.H12-261122-00a1",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
        assert!(DossierCode::new(code(COMMUNE), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), 10000).is_none());
    }

    #[test]
    fn a_land_dossier_goes_up_two_levels_and_back_to_the_counter() {
        let cal = calendar();
        let t0 = vn(2024, 2, 1, 9);
        let (d, h) = Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), t0, &cal).unwrap();
        assert_eq!((d.status, h.action), (Status::Received, "intake"));
        // 20 working days from 1/2/2024 skip Tết (8–14/2): 7/3/2024.
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 3, 7).unwrap());
        let clerk = staff(Role::Clerk, COMMUNE);
        let (d, h) = d.apply(&Action::Transfer, &clerk, vn(2024, 2, 2, 9), &cal).unwrap();
        assert_eq!((d.current_agency.as_str(), h.from_agency.as_str()), (DISTRICT, COMMUNE));
        assert_eq!(h.step_timeliness, Some(Timeliness::Early));
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Specialist, DISTRICT), vn(2024, 2, 16, 9), &cal).unwrap();
        assert_eq!(d.current_agency.as_str(), DEPARTMENT);
        let (d, _) =
            d.apply(&Action::Transfer, &staff(Role::Specialist, DEPARTMENT), vn(2024, 2, 22, 9), &cal).unwrap();
        assert_eq!(d.current_agency.as_str(), DISTRICT);
        assert_eq!(
            d.apply(&Action::Transfer, &staff(Role::Leader, DISTRICT), vn(2024, 2, 23, 9), &cal).unwrap_err(),
            RuleError::NoNextStep
        );
        assert_eq!(
            d.apply(&Action::Finish, &staff(Role::Leader, DISTRICT), vn(2024, 2, 23, 9), &cal).unwrap_err(),
            RuleError::NoDecision
        );
        assert!(d
            .apply(&Action::Approve, &staff(Role::Specialist, DISTRICT), vn(2024, 2, 23, 9), &cal)
            .unwrap_err()
            .is_forbidden());
        let (d, _) = d.apply(&Action::Approve, &staff(Role::Leader, DISTRICT), vn(2024, 2, 23, 9), &cal).unwrap();
        let (d, h) = d.apply(&Action::Finish, &staff(Role::Leader, DISTRICT), vn(2024, 2, 26, 9), &cal).unwrap();
        assert_eq!(
            (d.status, d.current_agency.as_str(), h.to_agency.as_str()),
            (Status::ResultReady, COMMUNE, COMMUNE)
        );
        assert_eq!(d.timeliness, Some(Timeliness::Early));
        assert!(d
            .apply(&Action::ReturnResult, &staff(Role::Clerk, DISTRICT), vn(2024, 2, 27, 9), &cal)
            .unwrap_err()
            .is_forbidden());
        let (d, _) = d.apply(&Action::ReturnResult, &clerk, vn(2024, 2, 27, 9), &cal).unwrap();
        assert_eq!(d.status.national_code(), 10);
    }

    #[test]
    fn a_supplement_is_asked_once_within_three_working_days_and_restarts_the_clock() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 9), &cal).unwrap();
        let clerk = staff(Role::Clerk, COMMUNE);
        let ask = Action::RequestSupplement { missing: vec!["Bản sao CCCD".into()] };
        let late = d.apply(&ask, &clerk, vn(2024, 3, 8, 9), &cal).unwrap_err();
        assert_eq!(late, RuleError::SupplementTooLate { days: 4 });
        let (d, _) = d.apply(&ask, &clerk, vn(2024, 3, 7, 9), &cal).unwrap();
        assert_eq!(d.status.national_code(), 5);
        let (d, _) = d.apply(&Action::SubmitSupplement, &owner(), vn(2024, 3, 20, 9), &cal).unwrap();
        assert_eq!(d.status, Status::Received);
        // The limit restarts from zero on 20/3: 20 working days → 17/4 (no holidays in this calendar).
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), NaiveDate::from_ymd_opt(2024, 4, 17).unwrap());
        assert_eq!(d.apply(&ask, &clerk, vn(2024, 3, 21, 9), &cal).unwrap_err(), RuleError::SupplementAlreadyRequested);
    }

    #[test]
    fn an_apology_comes_once_and_a_working_day_ahead() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Clerk, COMMUNE), vn(2024, 3, 4, 10), &cal).unwrap();
        let leader = staff(Role::Leader, DISTRICT);
        let due = to_vietnam(d.due_at.unwrap()).date_naive();
        assert_eq!(due, NaiveDate::from_ymd_opt(2024, 4, 1).unwrap());
        let extend = |day: NaiveDate| Action::Extend { new_due_day: day, reason: "Chờ ý kiến Sở".into() };
        let new_day = NaiveDate::from_ymd_opt(2024, 4, 10).unwrap();
        assert_eq!(
            d.apply(&extend(new_day), &leader, vn(2024, 4, 1, 9), &cal).unwrap_err(),
            RuleError::ExtensionTooLate
        );
        assert_eq!(
            d.apply(&extend(NaiveDate::from_ymd_opt(2024, 4, 6).unwrap()), &leader, vn(2024, 3, 28, 9), &cal)
                .unwrap_err(),
            RuleError::InvalidNewDate,
            "a Saturday"
        );
        let (d, _) = d.apply(&extend(new_day), &leader, vn(2024, 3, 29, 9), &cal).unwrap();
        assert_eq!(to_vietnam(d.promised_due_at().unwrap()).date_naive(), new_day);
        assert_eq!(to_vietnam(d.due_at.unwrap()).date_naive(), due, "statistics keep the statutory date");
        assert_eq!(
            d.apply(&extend(new_day), &leader, vn(2024, 3, 29, 10), &cal).unwrap_err(),
            RuleError::AlreadyExtended
        );
    }

    #[test]
    fn online_dossiers_wait_at_status_one_until_a_clerk_receives_them() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Online, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 16), &cal).unwrap();
        assert_eq!((d.status.national_code(), d.due_at), (1, None));
        assert!(d
            .apply(&Action::Receive, &staff(Role::Clerk, DISTRICT), vn(2024, 3, 5, 8), &cal)
            .unwrap_err()
            .is_forbidden());
        let (d, _) = d.apply(&Action::Receive, &staff(Role::Clerk, COMMUNE), vn(2024, 3, 5, 8), &cal).unwrap();
        assert_eq!(d.status.national_code(), 2);
        let (d, _) = d.apply(&Action::Withdraw, &owner(), vn(2024, 3, 6, 8), &cal).unwrap();
        assert_eq!(d.status.national_code(), 7);
        assert!(d.status.is_finished());
    }

    #[test]
    fn consultations_go_sideways_and_are_judged_against_their_own_deadline() {
        let cal = calendar();
        let (d, _) =
            Dossier::intake(Channel::Direct, code(COMMUNE), route(), limit(), vn(2024, 3, 4, 9), &cal).unwrap();
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Clerk, COMMUNE), vn(2024, 3, 4, 10), &cal).unwrap();
        let (d, _) = d.apply(&Action::Transfer, &staff(Role::Specialist, DISTRICT), vn(2024, 3, 5, 10), &cal).unwrap();
        let other = code("000.00.03.H12");
        let lead = staff(Role::Specialist, DEPARTMENT);
        let due = vn(2024, 3, 7, 17);
        assert!(d.consult(&lead, &code(DISTRICT), false, due, vn(2024, 3, 5, 11)).is_err(), "not the same level");
        assert!(d
            .consult(&staff(Role::Clerk, COMMUNE), &other, true, due, vn(2024, 3, 5, 11))
            .unwrap_err()
            .is_forbidden());
        let h = d.consult(&lead, &other, true, due, vn(2024, 3, 5, 11)).unwrap();
        assert_eq!((h.from_agency.as_str(), h.to_agency.as_str()), (DEPARTMENT, "000.00.03.H12"));
        assert!(d.answer_consultation(&lead, &other, due, vn(2024, 3, 6, 9), &cal).unwrap_err().is_forbidden());
        let a = d
            .answer_consultation(&staff(Role::Specialist, "000.00.03.H12"), &other, due, vn(2024, 3, 8, 9), &cal)
            .unwrap();
        assert_eq!(a.step_timeliness, Some(Timeliness::Late));
        assert_eq!(a.to_agency.as_str(), DEPARTMENT);
    }

    /// One random step: which action, who does it, and how long after the previous one.
    #[derive(Debug, Clone)]
    struct Step {
        action: usize,
        actor: usize,
        minutes_later: i64,
    }

    fn actors() -> Vec<Actor> {
        let mut v = vec![owner(), Actor { role: Role::Citizen, agency: None, is_owner: false }];
        for a in [COMMUNE, DISTRICT, DEPARTMENT, "000.00.03.H12"] {
            for r in [Role::Clerk, Role::Specialist, Role::Leader, Role::Admin] {
                v.push(staff(r, a));
            }
        }
        v
    }

    fn action(i: usize, now: DateTime<Utc>) -> Action {
        let day = to_vietnam(now).date_naive();
        match i % 11 {
            0 => Action::Receive,
            1 => Action::RequestSupplement { missing: vec!["Giấy tờ".into()] },
            2 => Action::SubmitSupplement,
            3 => Action::Refuse { reason: "Không đủ điều kiện".into() },
            4 => Action::Transfer,
            5 => Action::Approve,
            6 => Action::Finish,
            7 => Action::ReturnResult,
            8 => Action::Extend { new_due_day: day + Duration::days(40), reason: "Chậm".into() },
            9 => Action::Withdraw,
            _ => Action::Stop { reason: "Theo đề nghị".into() },
        }
    }

    fn step() -> impl Strategy<Value = Step> {
        (0usize..11, 0usize..18, 0i64..(60 * 24 * 6)).prop_map(|(action, actor, minutes_later)| Step {
            action,
            actor,
            minutes_later,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// No sequence of actions breaks an invariant: history only grows, status codes are
        /// valid, due dates never precede receipt, at most one extension and one supplement
        /// per stage, finished dossiers stay finished, the result ends at the receiving counter.
        #[test]
        fn no_sequence_of_actions_breaks_an_invariant(
            online in any::<bool>(),
            start_minutes in 0i64..(60 * 24 * 60),
            steps in proptest::collection::vec(step(), 1..40),
        ) {
            let cal = calendar();
            let actors = actors();
            let mut now = vn(2024, 1, 15, 7) + Duration::minutes(start_minutes);
            let channel = if online { Channel::Online } else { Channel::Direct };
            let (mut d, _) = Dossier::intake(channel, code(COMMUNE), route(), limit(), now, &cal).unwrap();
            let mut history = 1usize;
            let mut was_finished = false;
            for s in steps {
                now += Duration::minutes(s.minutes_later);
                let before = d.clone();
                match d.apply(&action(s.action, now), &actors[s.actor], now, &cal) {
                    Ok((next, handover)) => {
                        history += 1;
                        prop_assert_eq!(handover.at, now);
                        prop_assert_eq!(&handover.to_agency, &next.current_agency);
                        d = next;
                    }
                    Err(_) => prop_assert_eq!(&d, &before, "a refused action changes nothing"),
                }
                prop_assert!(history >= 1);
                prop_assert!([1, 2, 3, 4, 5, 7, 8, 9, 10].contains(&d.status.national_code()));
                if let (Some(received), Some(due)) = (d.received_at, d.due_at) {
                    prop_assert!(due >= received, "due {} before receipt {}", due, received);
                }
                if let Some(extended) = d.extended_due_at {
                    prop_assert!(extended > d.due_at.unwrap());
                }
                prop_assert!(d.extensions <= 1);
                prop_assert!(d.intake_supplements <= 1 && d.appraisal_supplements <= 1);
                if was_finished {
                    prop_assert!(d.status.is_finished(), "finished dossiers stay finished");
                }
                was_finished = d.status.is_finished();
                if matches!(d.status, Status::ResultReady | Status::Returned) {
                    prop_assert_eq!(&d.current_agency, &d.receiving_agency);
                    prop_assert!(d.decision.is_some());
                }
                if d.status.is_finished() && d.due_at.is_some() {
                    prop_assert!(d.timeliness.is_some() && d.finished_at.is_some());
                }
            }
        }
    }
}
