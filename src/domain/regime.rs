//! Legal regimes as dated data (issue 14): the set of forms and their numbers, the dossier-code
//! scheme, the rule parameters and the acts a dossier is handled under, chosen by the day it was
//! received — never by today's date. Two regimes ship (`seeds/regimes/`, seeds/FORMAT.md): ND
//! 61/2018 + TT 01/2018 until 30/06/2025, ND 118/2025 + TT 03/2025 from 01/07/2025. Each value
//! names its source, and each rule the digests did not find is listed in the file's `gaps`.
//!
//! The files are built into the binary and read once: a regime is data every instance holds the
//! same, not state. Adding a third is a new file here plus, at most, a new form template.
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

/// What a form is, whatever number a regime gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    Receipt,
    SupplementRequest,
    Refusal,
    Apology,
    StopNotice,
    ControlSheet,
    TrackingBook,
}

/// One form of a regime: its number ("01"…), what it is, its title and where it is printed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FormDef {
    pub number: String,
    pub kind: FormKind,
    pub title: String,
    pub source: String,
}

/// How a regime numbers dossiers: the daily sequence's digits (at least; at most, if bounded).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CodeScheme {
    pub id: String,
    pub sequence_min_digits: u32,
    /// None: the sequence grows past its minimum width instead of refusing intake.
    pub sequence_max_digits: Option<u32>,
    pub source: String,
}

impl CodeScheme {
    /// The largest sequence number of a day, if bounded (9,999 for four digits).
    pub fn max_sequence(&self) -> Option<i64> {
        self.sequence_max_digits.map(|d| 10_i64.pow(d) - 1)
    }
}

/// The code of nationwide centralised services (TT 04/2025/TT-VPCP Điều 23):
/// `MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX`, from the day the circular is in force.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NationwideScheme {
    pub id: String,
    /// The first receipt day a code of this scheme is issued for.
    pub valid_from: NaiveDate,
    pub sequence_min_digits: u32,
    /// The digits naming the system that issued the code (AA).
    pub owner_digits: u32,
    pub source: String,
}

impl NationwideScheme {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.valid_from <= day
    }
}

/// A rule value with the article it follows (or why it was kept without one).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
    /// The citation in Vietnamese, as a citizen reads it (the deadline ledger shows it); where
    /// absent, `source` is shown.
    #[serde(default)]
    pub citation_vi: Option<String>,
}

impl<T> Sourced<T> {
    /// What the public pages cite: the Vietnamese citation, or the source.
    pub fn citation(&self) -> &str {
        self.citation_vi.as_deref().unwrap_or(&self.source)
    }
}

/// What a regime's electronic forms carry besides their paper layout.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FormFields {
    /// The applicant's personal identification number (số định danh cá nhân).
    pub personal_id: Sourced<bool>,
    /// A place for the head of unit's digital signature.
    pub digital_signature: Sourced<bool>,
}

/// The rule parameters a regime sets.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RuleParams {
    /// A supplement found in appraisal is asked within this many working days of receipt.
    pub supplement_window_working_days: Sourced<u32>,
    /// The apology is issued at least this many working days before the due date.
    pub extension_notice_working_days: Sourced<u32>,
    /// Received after this time (HH:MM), a paper dossier is handled from the next working day.
    pub paper_handover_cutoff: Sourced<String>,
    /// Any centre of the province receives any procedure of the province.
    pub boundary_free_intake: Sourced<bool>,
    /// The receiving centre hands a boundary-free dossier over within this many working days.
    pub handover_working_days: Sourced<u32>,
    /// A stop (withdrawal) at the applicant's request is refused once a decision or result exists.
    pub stop_on_request_only_before_decision: Sourced<bool>,
    /// An online submission is received (or answered) at the latest on this working day after the
    /// day it was submitted (1: the next working day); see [`crate::domain::intake_latency`].
    pub online_receipt_working_days: Sourced<u32>,
}

/// One legal regime.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Regime {
    pub id: String,
    pub name: String,
    /// The circular that prints its forms, as the forms name it ("Thông tư 01/2018/TT-VPCP").
    pub circular: String,
    /// The first day a dossier received is handled under it; None: since before the records.
    pub valid_from: Option<NaiveDate>,
    /// The last such day; None: still in force.
    pub valid_to: Option<NaiveDate>,
    pub acts: Vec<String>,
    pub forms: Vec<FormDef>,
    pub code_scheme: CodeScheme,
    /// Where the regime has one, the code of nationwide centralised services.
    #[serde(default)]
    pub nationwide_code_scheme: Option<NationwideScheme>,
    pub form_fields: FormFields,
    /// The names the regime gives statuses where they differ from the product's own
    /// (`Status::label_vi`), keyed by the stored status (`withdrawn`, `stopped`…).
    #[serde(default)]
    pub status_names: std::collections::BTreeMap<String, Sourced<String>>,
    pub rules: RuleParams,
    /// The rules the digests did not find, and what the regime does instead.
    pub gaps: Vec<String>,
}

impl Regime {
    /// Whether a dossier received on `day` is handled under this regime.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }

    /// The name this regime gives `status`.
    pub fn status_name(&'static self, status: crate::domain::dossier::Status) -> &'static str {
        self.status_names.get(status.as_str()).map(|n| n.value.as_str()).unwrap_or_else(|| status.label_vi())
    }

    /// The form this regime numbers `number`, if it has one.
    pub fn form(&self, number: &str) -> Option<&FormDef> {
        self.forms.iter().find(|f| f.number == number)
    }

    /// The form of this kind, if the regime has one (the stop notice exists from TT 03/2025 on).
    pub fn form_of(&self, kind: FormKind) -> Option<&FormDef> {
        self.forms.iter().find(|f| f.kind == kind)
    }

    /// The numbers of the forms that belong to one dossier (all but the tracking book), in order.
    pub fn dossier_form_numbers(&self) -> Vec<&str> {
        self.forms.iter().filter(|f| f.kind != FormKind::TrackingBook).map(|f| f.number.as_str()).collect()
    }

    /// The time after which a paper dossier is handled from the next working day, as (hour, minute).
    pub fn cutoff(&self) -> (u32, u32) {
        self.parsed_cutoff().expect("checked when the regimes are read")
    }

    /// `paper_handover_cutoff` read as (hour, minute), if it is a time of day.
    fn parsed_cutoff(&self) -> Option<(u32, u32)> {
        let v = &self.rules.paper_handover_cutoff.value;
        v.split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
            .filter(|(h, m)| *h < 24 && *m < 60)
    }
}

/// The files of `seeds/regimes/`, oldest first.
pub const FILES: [(&str, &str); 2] = [
    ("nd61-tt01-2018.json", include_str!("../../seeds/regimes/nd61-tt01-2018.json")),
    ("nd118-tt03-2025.json", include_str!("../../seeds/regimes/nd118-tt03-2025.json")),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegimeError {
    #[error("regime file {0} is not valid: {1}")]
    Unreadable(String, String),
    #[error("regime {0}: {1}")]
    Invalid(String, String),
    #[error("the regimes leave a gap or overlap between {0} and {1}: each day must have exactly one")]
    NotContiguous(String, String),
}

/// Reads and checks regimes: each has distinct form numbers and kinds, a readable cutoff and a
/// bounded or growing sequence of at least 4 digits; together, oldest first, they cover every day
/// once (the first may start open, the last may stay in force).
pub fn read(files: &[(&str, &str)]) -> Result<Vec<Regime>, RegimeError> {
    let mut regimes = Vec::new();
    for (name, text) in files {
        let r: Regime =
            serde_json::from_str(text).map_err(|e| RegimeError::Unreadable(name.to_string(), e.to_string()))?;
        let invalid = |m: &str| RegimeError::Invalid(r.id.clone(), m.to_string());
        for (i, f) in r.forms.iter().enumerate() {
            if r.forms[..i].iter().any(|g| g.number == f.number || g.kind == f.kind) {
                return Err(invalid(&format!("form {} or its kind is listed twice", f.number)));
            }
        }
        if r.form_of(FormKind::Receipt).is_none() || r.form_of(FormKind::ControlSheet).is_none() {
            return Err(invalid("a regime has at least a receipt and a control sheet"));
        }
        let cutoff = r.parsed_cutoff();
        if cutoff.is_none() {
            return Err(invalid("paper_handover_cutoff is HH:MM"));
        }
        // The working calendar counts time limits from the 15:00 rule alone (`calendar::CUTOFF`):
        // a regime with another cutoff needs the calendar to take it first.
        if cutoff != Some(super::calendar::CUTOFF) {
            return Err(invalid("the working calendar counts from 15:00 only (calendar::CUTOFF)"));
        }
        let s = &r.code_scheme;
        if s.sequence_min_digits < 4 || s.sequence_max_digits.is_some_and(|m| m < s.sequence_min_digits || m > 9) {
            return Err(invalid("the code sequence has at least 4 digits, and at most 9 when bounded"));
        }
        if let Some(k) = r.status_names.keys().find(|k| crate::domain::dossier::Status::parse(k).is_none()) {
            return Err(invalid(&format!("status_names: {k} is not a status")));
        }
        // The code writes the owner in two digits and the sequence in at least four (`DossierCode`).
        if let Some(n) = &r.nationwide_code_scheme {
            if n.owner_digits != 2 || n.sequence_min_digits != 4 || !r.covers(n.valid_from) {
                return Err(invalid("the nationwide scheme has 2 owner digits, at least 4 sequence digits, and starts within the regime"));
            }
        }
        regimes.push(r);
    }
    for pair in regimes.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let next = a.valid_to.and_then(|t| t.succ_opt());
        if next.is_none() || next != b.valid_from {
            return Err(RegimeError::NotContiguous(a.id.clone(), b.id.clone()));
        }
    }
    let open_ends =
        regimes.first().is_some_and(|r| r.valid_from.is_none()) && regimes.last().is_some_and(|r| r.valid_to.is_none());
    if !open_ends {
        return Err(RegimeError::NotContiguous("the first".into(), "the last".into()));
    }
    Ok(regimes)
}

static REGIMES: LazyLock<Vec<Regime>> =
    LazyLock::new(|| read(&FILES).expect("the regimes built into the binary are checked by a unit test"));

/// Every regime, oldest first.
pub fn all() -> &'static [Regime] {
    &REGIMES
}

/// The regime a dossier received on `day` is handled under.
pub fn on(day: NaiveDate) -> &'static Regime {
    REGIMES.iter().find(|r| r.covers(day)).expect("the regimes cover every day (checked by `read`)")
}

/// The nationwide code scheme (TT 04/2025 Điều 23) of a dossier received on `day`, if in force then.
pub fn nationwide_scheme_on(day: NaiveDate) -> Option<&'static NationwideScheme> {
    on(day).nationwide_code_scheme.as_ref().filter(|s| s.covers(day))
}

/// The regime of a dossier received (or, until then, submitted) at `at`: by that day in Vietnam.
pub fn of_receipt(received_at: Option<chrono::NaiveDateTime>, submitted_at: chrono::NaiveDateTime) -> &'static Regime {
    on(crate::domain::calendar::to_vietnam(received_at.unwrap_or(submitted_at).and_utc()).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_shipped_regimes_read_and_cover_every_day_once() {
        let regimes = read(&FILES).unwrap();
        assert_eq!(regimes.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["nd61-tt01-2018", "nd118-tt03-2025"]);
        assert_eq!(on(day(2016, 3, 1)).id, "nd61-tt01-2018", "before ND 61: read under it (a gap named in the file)");
        assert_eq!(on(day(2025, 6, 30)).id, "nd61-tt01-2018");
        assert_eq!(on(day(2025, 7, 1)).id, "nd118-tt03-2025");
        assert_eq!(on(day(2099, 1, 1)).id, "nd118-tt03-2025");
        assert!(all().iter().all(|r| !r.gaps.is_empty()), "every regime names what it could not source");
    }

    #[test]
    fn the_same_number_names_another_form_under_each_regime() {
        let (old, new) = (on(day(2024, 5, 2)), on(day(2026, 5, 4)));
        assert_eq!(old.form("05").map(|f| f.kind), Some(FormKind::ControlSheet));
        assert_eq!(new.form("05").map(|f| f.kind), Some(FormKind::StopNotice));
        assert_eq!(new.form("06").map(|f| f.kind), Some(FormKind::ControlSheet));
        assert_eq!(old.form("06").map(|f| f.kind), Some(FormKind::TrackingBook));
        assert_eq!(new.form_of(FormKind::TrackingBook).map(|f| f.number.as_str()), Some("07"));
        assert_eq!(old.form("07"), None);
        assert_eq!(old.form_of(FormKind::StopNotice), None, "TT 01/2018 has no stop notice");
        assert_eq!(old.dossier_form_numbers(), ["01", "02", "03", "04", "05"]);
        assert_eq!(new.dossier_form_numbers(), ["01", "02", "03", "04", "05", "06"]);
        assert_eq!(
            new.form_of(FormKind::Apology).unwrap().title,
            "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết"
        );
    }

    #[test]
    fn the_code_sequence_is_bounded_under_tt01_and_grows_under_tt03() {
        assert_eq!(on(day(2024, 5, 2)).code_scheme.max_sequence(), Some(9_999));
        assert_eq!(on(day(2026, 5, 4)).code_scheme.max_sequence(), None);
        assert_eq!(on(day(2026, 5, 4)).cutoff(), (15, 0));
        assert!(!on(day(2024, 5, 2)).rules.boundary_free_intake.value);
        assert!(on(day(2025, 7, 1)).rules.boundary_free_intake.value);
    }

    #[test]
    fn a_regime_set_with_a_gap_an_overlap_or_a_bad_value_is_refused() {
        let old = FILES[0].1;
        let new = FILES[1].1;
        let gap = new.replace("\"valid_from\": \"2025-07-01\"", "\"valid_from\": \"2025-07-02\"");
        assert!(matches!(read(&[("a", old), ("b", &gap)]), Err(RegimeError::NotContiguous(..))));
        let overlap = new.replace("\"valid_from\": \"2025-07-01\"", "\"valid_from\": \"2025-06-30\"");
        assert!(matches!(read(&[("a", old), ("b", &overlap)]), Err(RegimeError::NotContiguous(..))));
        assert!(matches!(read(&[("b", new)]), Err(RegimeError::NotContiguous(..))), "nothing before 2025");
        let twice = new.replace("\"number\": \"07\"", "\"number\": \"06\"");
        assert!(matches!(read(&[("a", old), ("b", &twice)]), Err(RegimeError::Invalid(..))));
        let cutoff = new.replace("\"value\": \"15:00\"", "\"value\": \"3 pm\"");
        assert!(matches!(read(&[("a", old), ("b", &cutoff)]), Err(RegimeError::Invalid(..))));
        let cutoff = new.replace("\"value\": \"15:00\"", "\"value\": \"16:00\"");
        assert!(matches!(read(&[("a", old), ("b", &cutoff)]), Err(RegimeError::Invalid(..))), "the calendar's 15:00");
        let three = new.replace("\"sequence_min_digits\": 4", "\"sequence_min_digits\": 3");
        assert!(matches!(read(&[("a", old), ("b", &three)]), Err(RegimeError::Invalid(..))));
        assert!(matches!(read(&[("a", "{")]), Err(RegimeError::Unreadable(..))));
    }
}
