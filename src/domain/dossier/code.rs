//! Dossier codes and submission references: what a dossier is named by.
use std::fmt;

use chrono::NaiveDate;

use crate::domain::agency::AgencyCode;

/// A dossier code: `<receiving agency code>-YYMMDD-XXXX`.
///
/// TT 01/2018/TT-VPCP Điều 19 (dossier code): the receiving agency's QCVN 102 code, the
/// receipt date, and the sequence of that agency on that day. Issued once, never changed. How
/// many digits the sequence has is the code scheme of the regime of its day ([`crate::domain::regime`]):
/// exactly 4 under TT 01/2018 (at most 9,999 a day); at least 4 under TT 03/2025 and TT 04/2025,
/// growing past 9,999 (`…-10000`) instead of refusing intake. A code parses under the scheme of
/// the day it carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DossierCode {
    agency: AgencyCode,
    day: NaiveDate,
    sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dossier code `{0}` is not in the shape <agency code>-YYMMDD-XXXX (e.g. 000.00.05.H12-261122-0001)")]
pub struct DossierCodeError(pub String);

impl DossierCode {
    /// The widest sequence any scheme writes (a growing one stops at 9 digits).
    const MAX_DIGITS: u32 = 9;

    /// The largest sequence of `day`'s code scheme.
    pub fn max_sequence(day: NaiveDate) -> u32 {
        let bounded = crate::domain::regime::on(day).code_scheme.max_sequence();
        bounded.map_or(10_u32.pow(Self::MAX_DIGITS) - 1, |m| m as u32)
    }

    pub fn new(agency: AgencyCode, day: NaiveDate, sequence: u32) -> Option<Self> {
        (1..=Self::max_sequence(day)).contains(&sequence).then_some(Self { agency, day, sequence })
    }

    pub fn parse(input: &str) -> Result<Self, DossierCodeError> {
        let err = || DossierCodeError(input.chars().take(60).collect());
        if !input.is_ascii() || input.len() < 25 || input.len() > 25 + (Self::MAX_DIGITS as usize - 4) {
            return Err(err());
        }
        let (agency, rest) = input.split_at(13);
        let agency = AgencyCode::parse(agency).map_err(|_| err())?;
        let rest = rest.strip_prefix('-').ok_or_else(err)?;
        let (date, seq) = rest.split_once('-').ok_or_else(err)?;
        if date.len() != 6 || seq.len() < 4 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        // One way to write each code: zeros pad to four digits only.
        if seq.len() > 4 && seq.starts_with('0') {
            return Err(err());
        }
        let day = NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d").map_err(|_| err())?;
        let sequence: u32 = seq.parse().map_err(|_| err())?;
        Self::new(agency, day, sequence).ok_or_else(err)
    }

    pub fn agency(&self) -> &AgencyCode {
        &self.agency
    }
    pub fn day(&self) -> NaiveDate {
        self.day
    }
    pub fn sequence(&self) -> u32 {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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
        assert!(DossierCode::new(code("000.01.31.H12"), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), 0).is_none());
    }

    #[test]
    fn the_sequence_has_four_digits_under_tt01_and_grows_past_9999_under_tt03() {
        let old = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let new = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert!(DossierCode::new(code("000.01.31.H12"), old, 10_000).is_none(), "TT 01/2018: 9,999 a day");
        let c = DossierCode::new(code("000.01.61.H12"), new, 10_000).unwrap();
        assert_eq!(c.to_string(), "000.01.61.H12-250701-10000");
        assert_eq!(DossierCode::parse("000.01.61.H12-250701-10000").unwrap(), c);
        assert_eq!(DossierCode::parse("000.01.61.H12-250701-123456789").unwrap().sequence(), 123_456_789);
        for bad in [
            "000.01.31.H12-250630-10000",
            "000.01.61.H12-250701-01000",
            "000.01.61.H12-250701-1234567890",
            "000.01.61.H12-250701-123",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(DossierCode::parse("000.01.61.H12-250701-0007").unwrap().sequence(), 7);
    }
}
