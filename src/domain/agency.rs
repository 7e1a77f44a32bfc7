//! Agencies, their levels and their QCVN 102:2016 codes.
use std::fmt;
use std::str::FromStr;

/// Administrative level of an agency (DOMAIN.md §2). The hierarchy itself is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgencyLevel {
    Ministry,
    Province,
    District,
    Commune,
}

impl AgencyLevel {
    pub const ALL: [AgencyLevel; 4] = [Self::Ministry, Self::Province, Self::District, Self::Commune];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ministry => "ministry",
            Self::Province => "province",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }

    /// Rank from the top: ministry 0 … commune 3. A parent ranks above (lower than) its child.
    pub fn rank(self) -> u8 {
        match self {
            Self::Ministry => 0,
            Self::Province => 1,
            Self::District => 2,
            Self::Commune => 3,
        }
    }
}

impl fmt::Display for AgencyLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level `{0}`: expected ministry, province, district or commune")]
pub struct UnknownLevel(pub String);

impl FromStr for AgencyLevel {
    type Err = UnknownLevel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|l| l.as_str() == s).ok_or_else(|| UnknownLevel(s.to_string()))
    }
}

/// An agency's identification code.
///
/// QCVN 102:2016/BTTTT (TT 10/2016/TT-BTTTT): `V1V2V3.Z1Z2.Y1Y2.MX1X2`, 13 characters.
/// `MX1X2` is the level-1 unit (a capital letter and two digits, e.g. `H12`), `Y1Y2` level 2,
/// `Z1Z2` level 3, `V1V2V3` level 4; unused levels are zeros, so a non-zero lower level
/// needs every level above it to be non-zero too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyCodeError {
    #[error("agency code `{0}` is not in the QCVN 102 shape V1V2V3.Z1Z2.Y1Y2.MX1X2 (e.g. 000.00.05.H12)")]
    Shape(String),
    #[error("agency code `{0}` fills a lower level while a higher one is zero (QCVN 102: unused levels are zeros from the bottom)")]
    Gap(String),
}

impl AgencyCode {
    pub fn parse(input: &str) -> Result<Self, AgencyCodeError> {
        let shape_err = || AgencyCodeError::Shape(input.chars().take(40).collect());
        if input.len() != 13 || !input.is_ascii() {
            return Err(shape_err());
        }
        let parts: Vec<&str> = input.split('.').collect();
        let [v, z, y, m] = parts.as_slice() else {
            return Err(shape_err());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let unit =
            m.len() == 3 && m.as_bytes()[0].is_ascii_uppercase() && m.as_bytes()[1..].iter().all(u8::is_ascii_digit);
        if !(digits(v, 3) && digits(z, 2) && digits(y, 2) && unit) {
            return Err(shape_err());
        }
        let zero = |s: &str| s.bytes().all(|b| b == b'0');
        if (!zero(v) && zero(z)) || (!zero(z) && zero(y)) {
            return Err(AgencyCodeError::Gap(input.to_string()));
        }
        Ok(Self(input.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level-1 unit `MX1X2` (e.g. `H12` for the province).
    pub fn unit(&self) -> &str {
        &self.0[10..]
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AgencyCode {
    type Err = AgencyCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// An agency as the domain sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub code: AgencyCode,
    pub name: String,
    pub level: AgencyLevel,
    pub parent: Option<AgencyCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HierarchyError {
    #[error("agency {child} ({child_level}) cannot sit under {parent} ({parent_level}): a parent must be at a higher level or the same level")]
    LevelInversion { child: String, child_level: AgencyLevel, parent: String, parent_level: AgencyLevel },
}

/// A parent is at the same level (a department under the provincial committee) or above.
pub fn check_parent(
    child: &AgencyCode,
    child_level: AgencyLevel,
    parent: &AgencyCode,
    parent_level: AgencyLevel,
) -> Result<(), HierarchyError> {
    if parent_level.rank() > child_level.rank() {
        return Err(HierarchyError::LevelInversion {
            child: child.to_string(),
            child_level,
            parent: parent.to_string(),
            parent_level,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_qcvn_102_codes() {
        for code in ["000.00.00.H12", "000.00.05.H12", "000.01.05.H12", "001.01.05.H12", "000.00.00.G01"] {
            assert_eq!(AgencyCode::parse(code).unwrap().as_str(), code);
        }
        assert_eq!(AgencyCode::parse("000.01.31.H12").unwrap().unit(), "H12");
    }

    #[test]
    fn rejects_malformed_codes() {
        for code in [
            "",
            "H12",
            "000.00.00.h12",
            "000.00.00.H1",
            "00.000.00.H12",
            "000-00-00-H12",
            "000.00.0A.H12",
            "000.00.00.123",
            "ố00.00.00.H12",
        ] {
            assert!(matches!(AgencyCode::parse(code), Err(AgencyCodeError::Shape(_))), "{code}");
        }
    }

    #[test]
    fn rejects_codes_with_a_gap_between_levels() {
        assert!(matches!(AgencyCode::parse("000.01.00.H12"), Err(AgencyCodeError::Gap(_))));
        assert!(matches!(AgencyCode::parse("001.00.05.H12"), Err(AgencyCodeError::Gap(_))));
    }

    #[test]
    fn levels_round_trip_and_parents_rank_above() {
        for l in AgencyLevel::ALL {
            assert_eq!(l.as_str().parse::<AgencyLevel>().unwrap(), l);
        }
        assert!("county".parse::<AgencyLevel>().is_err());
        let p = AgencyCode::parse("000.00.31.H12").unwrap();
        let c = AgencyCode::parse("000.01.31.H12").unwrap();
        assert!(check_parent(&c, AgencyLevel::Commune, &p, AgencyLevel::District).is_ok());
        assert!(check_parent(&p, AgencyLevel::District, &c, AgencyLevel::Commune).is_err());
    }
}
