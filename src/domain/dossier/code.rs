//! Dossier codes and submission references: what a dossier is named by.
use std::fmt;

use chrono::NaiveDate;

use crate::domain::agency::AgencyCode;

/// A dossier code, under the scheme that made it.
///
/// - **Provincial** (TT 01/2018/TT-VPCP Điều 19, kept by TT 03/2025): `<receiving agency's QCVN 102
///   code>-YYMMDD-XXXX`, the receipt date and the agency's sequence of that day. How many digits
///   the sequence has is the code scheme of the regime of its day ([`crate::domain::regime`]):
///   exactly 4 under TT 01/2018 (at most 9,999 a day); at least 4 under TT 03/2025, growing past
///   9,999 (`…-10000`) instead of refusing intake.
/// - **Nationwide** (TT 04/2025/TT-VPCP Điều 23, for procedures marked as nationwide centralised
///   services): `MX1X2.Y1Y2Y3.Z1Z2-YYMMDD-AAXXXX`, the deciding agency's electronic ID of the new
///   structure, the receipt date, two digits naming the system that issued it (its owner) and the
///   sequence of at least 4 digits.
/// - **External**: issued by another system (the national portal, a ministry's), accepted as it
///   comes: capital letters, digits, `.` and `_` in groups joined by `-`, at most 60 characters (no
///   `/`, so that a code is one segment of an address, as the lookup and the QR code write it).
///
/// Issued once, never changed. A code parses under the scheme of its shape and, for ours, of the
/// day it carries; a code that has our shape but breaks its rules is refused, not taken as external.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DossierCode {
    Provincial { agency: AgencyCode, day: NaiveDate, sequence: u32 },
    Nationwide { deciding: ElectronicId, day: NaiveDate, owner: u8, sequence: u32 },
    External(String),
}

/// The dossier code's error: the input, cut to 60 characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a dossier code")]
pub struct DossierCodeError(pub String);

/// An agency's electronic ID of the structure TT 04/2025 Điều 23 writes in a code,
/// `MX1X2.Y1Y2Y3.Z1Z2`: a capital letter and two digits, three digits, two digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ElectronicId(String);

impl ElectronicId {
    pub fn parse(input: &str) -> Result<Self, DossierCodeError> {
        let b = input.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let ok = b.len() == 10
            && b[0].is_ascii_uppercase()
            && digits(1..3)
            && b[3] == b'.'
            && digits(4..7)
            && b[7] == b'.'
            && digits(8..10);
        ok.then(|| Self(input.to_string())).ok_or_else(|| DossierCodeError(input.chars().take(60).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ElectronicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The scheme a code was made under (the API says it beside the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSchemeKind {
    Provincial,
    Nationwide,
    External,
}

impl CodeSchemeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provincial => "provincial",
            Self::Nationwide => "nationwide",
            Self::External => "external",
        }
    }
}

impl DossierCode {
    /// The widest sequence any scheme writes (a growing one stops at 9 digits).
    const MAX_DIGITS: u32 = 9;
    /// The longest code accepted from another system.
    const MAX_EXTERNAL: usize = 60;

    /// The largest sequence of `day`'s code scheme.
    pub fn max_sequence(day: NaiveDate) -> u32 {
        let bounded = crate::domain::regime::on(day).code_scheme.max_sequence();
        bounded.map_or(10_u32.pow(Self::MAX_DIGITS) - 1, |m| m as u32)
    }

    /// A provincial code, if `sequence` is within its day's scheme.
    pub fn new(agency: AgencyCode, day: NaiveDate, sequence: u32) -> Option<Self> {
        (1..=Self::max_sequence(day)).contains(&sequence).then_some(Self::Provincial { agency, day, sequence })
    }

    /// A TT 04/2025 code, if its day has that scheme and `owner` and `sequence` fit it.
    pub fn nationwide(deciding: ElectronicId, day: NaiveDate, owner: u8, sequence: u32) -> Option<Self> {
        let in_force = crate::domain::regime::nationwide_scheme_on(day).is_some();
        (in_force && owner <= 99 && (1..10_u32.pow(Self::MAX_DIGITS)).contains(&sequence)).then_some(Self::Nationwide {
            deciding,
            day,
            owner,
            sequence,
        })
    }

    pub fn parse(input: &str) -> Result<Self, DossierCodeError> {
        let err = || DossierCodeError(input.chars().take(60).collect());
        if !input.is_ascii()
            || input.len() > Self::MAX_EXTERNAL
            || input.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("HS-"))
        {
            return Err(err());
        }
        let parts: Vec<&str> = input.split('-').collect();
        // Our own shapes: a QCVN 102 agency code or a TT 04/2025 electronic ID before the date.
        if let [first, date, seq] = parts[..] {
            if let Ok(agency) = AgencyCode::parse(first).map(|a| (a.as_str() == first).then_some(a)) {
                let agency = agency.ok_or_else(err)?;
                let (day, sequence) = Self::day_and_sequence(date, seq).ok_or_else(err)?;
                return Self::new(agency, day, sequence).ok_or_else(err);
            }
            if let Ok(deciding) = ElectronicId::parse(first) {
                let owner = seq
                    .get(..2)
                    .and_then(|o| o.parse::<u8>().ok())
                    .filter(|_| seq.as_bytes()[..2].iter().all(u8::is_ascii_digit));
                let (day, sequence) = Self::day_and_sequence(date, seq.get(2..).unwrap_or_default()).ok_or_else(err)?;
                return Self::nationwide(deciding, day, owner.ok_or_else(err)?, sequence).ok_or_else(err);
            }
        }
        // Another system's: groups of capitals, digits, '.' and '_' joined by '-'.
        let group_ok = |g: &str| {
            !g.is_empty() && g.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"._".contains(&b))
        };
        if parts.len() >= 2
            && parts.iter().all(|g| group_ok(g))
            && input.bytes().filter(u8::is_ascii_digit).count() >= 4
        {
            return Ok(Self::External(input.to_string()));
        }
        Err(err())
    }

    /// `YYMMDD` and a sequence of at least four digits, written one way (zeros pad to four only).
    fn day_and_sequence(date: &str, seq: &str) -> Option<(NaiveDate, u32)> {
        if date.len() != 6
            || seq.len() < 4
            || seq.len() > Self::MAX_DIGITS as usize
            || !seq.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        if seq.len() > 4 && seq.starts_with('0') {
            return None;
        }
        let day = NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d").ok()?;
        Some((day, seq.parse().ok()?))
    }

    pub fn scheme(&self) -> CodeSchemeKind {
        match self {
            Self::Provincial { .. } => CodeSchemeKind::Provincial,
            Self::Nationwide { .. } => CodeSchemeKind::Nationwide,
            Self::External(_) => CodeSchemeKind::External,
        }
    }

    /// The agency whose code it carries (provincial codes only).
    pub fn agency(&self) -> Option<&AgencyCode> {
        match self {
            Self::Provincial { agency, .. } => Some(agency),
            _ => None,
        }
    }

    /// The receipt day it carries (none for another system's code).
    pub fn day(&self) -> Option<NaiveDate> {
        match self {
            Self::Provincial { day, .. } | Self::Nationwide { day, .. } => Some(*day),
            Self::External(_) => None,
        }
    }

    pub fn sequence(&self) -> Option<u32> {
        match self {
            Self::Provincial { sequence, .. } | Self::Nationwide { sequence, .. } => Some(*sequence),
            Self::External(_) => None,
        }
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Provincial { agency, day, sequence } => write!(f, "{agency}-{}-{sequence:04}", day.format("%y%m%d")),
            Self::Nationwide { deciding, day, owner, sequence } => {
                write!(f, "{deciding}-{}-{owner:02}{sequence:04}", day.format("%y%m%d"))
            }
            Self::External(s) => f.write_str(s),
        }
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
        assert_eq!(c.agency().unwrap().as_str(), "000.00.05.H12");
        assert_eq!(c.day(), NaiveDate::from_ymd_opt(2026, 11, 22));
        assert_eq!(c.sequence(), Some(1));
        assert_eq!(c.scheme(), CodeSchemeKind::Provincial);
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
        assert_eq!(DossierCode::parse("000.01.61.H12-250701-123456789").unwrap().sequence(), Some(123_456_789));
        for bad in [
            "000.01.31.H12-250630-10000",
            "000.01.61.H12-250701-01000",
            "000.01.61.H12-250701-1234567890",
            "000.01.61.H12-250701-123",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(DossierCode::parse("000.01.61.H12-250701-0007").unwrap().sequence(), Some(7));
    }

    #[test]
    fn tt04_codes_name_the_deciding_agency_and_the_system_and_grow_past_9999() {
        let eid = ElectronicId::parse("H12.031.01").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let c = DossierCode::nationwide(eid.clone(), day, 7, 1).unwrap();
        assert_eq!(c.to_string(), "H12.031.01-260302-070001");
        assert_eq!(DossierCode::parse("H12.031.01-260302-070001").unwrap(), c);
        assert_eq!(c.scheme(), CodeSchemeKind::Nationwide);
        let big = DossierCode::nationwide(eid.clone(), day, 7, 12_345).unwrap();
        assert_eq!(big.to_string(), "H12.031.01-260302-0712345");
        assert_eq!(DossierCode::parse("H12.031.01-260302-0712345").unwrap(), big);
        // TT 04/2025 is in force from 25/01/2026: no such code before.
        assert!(DossierCode::nationwide(eid, NaiveDate::from_ymd_opt(2026, 1, 24).unwrap(), 7, 1).is_none());
        for bad in [
            "H12.031.01-260124-070001",
            "H12.031.01-260302-07001",
            "H12.031.01-260302-0701234",
            "H12.031.01-260302-0X0001",
            "h12.031.01-260302-070001",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
        for bad in ["H12.31", "h12.031.01"] {
            assert!(ElectronicId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn another_systems_code_is_taken_as_it_comes_and_ours_are_never_mistaken_for_one() {
        for external in ["G22.99-250721-000123", "DVCQG-2026-0000042", "BTP.LLTP-260302-1234"] {
            let c = DossierCode::parse(external).unwrap();
            assert_eq!((c.scheme(), c.to_string()), (CodeSchemeKind::External, external.to_string()));
            assert!(matches!(DossierKey::parse(external), Ok(DossierKey::Code(_))));
        }
        // Our own shapes with a broken rule are refused, not taken as another system's.
        for bad in [
            "000.00.05.H12-261122-0000",
            "000.00.05.H12-250631-0001",
            "not-a-code",
            "1234567890",
            "AB-CD",
            "HS-7K3QX9M2TBX",
            "BTP/LLTP-260302-1234",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
        assert!(DossierCode::parse(&format!("X-{}", "1".repeat(60))).is_err(), "at most 60 characters");
    }
}
