//! Administrative procedures (thủ tục hành chính): codes, online levels, time limits, routes.
use std::fmt;
use std::str::FromStr;

use super::agency::{AgencyCode, AgencyLevel};

/// A procedure's code in the national procedure database, e.g. `1.001234` or `2.000815`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProcedureCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("procedure code `{0}` is not in the national shape D.DDDDDD (e.g. 1.001234)")]
pub struct ProcedureCodeError(pub String);

impl ProcedureCode {
    pub fn parse(input: &str) -> Result<Self, ProcedureCodeError> {
        let b = input.as_bytes();
        let ok = b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Self(input.to_string()))
        } else {
            Err(ProcedureCodeError(input.chars().take(40).collect()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Online service level of a procedure.
///
/// ND 43/2011/NĐ-CP Điều 3: 1 information published; 2 + forms downloadable; 3 + forms filled
/// and submitted online, result collected in person; 4 + fee paid online and result returned
/// online or by post. ND 42/2022/NĐ-CP Điều 11 renamed the online ones: level 3 ≈ "một phần"
/// (partial), level 4 ≈ "toàn trình" (full online). The number is what we store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OnlineLevel(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("online level {0} is out of range: it is 1, 2, 3 or 4 (ND 43/2011 Điều 3)")]
pub struct OnlineLevelError(pub i64);

impl OnlineLevel {
    pub fn new(level: i64) -> Result<Self, OnlineLevelError> {
        match level {
            1..=4 => Ok(Self(level as u8)),
            _ => Err(OnlineLevelError(level)),
        }
    }
    pub fn get(self) -> u8 {
        self.0
    }
    /// The ND 42/2022 name of the online service, if it is one.
    pub fn nd42_name(self) -> Option<&'static str> {
        match self.0 {
            3 => Some("một phần"),
            4 => Some("toàn trình"),
            _ => None,
        }
    }
}

/// The unit a statutory time limit is counted in (DOMAIN.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    WorkingDays,
    Days,
    Hours,
}

impl TimeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkingDays => "working_days",
            Self::Days => "days",
            Self::Hours => "hours",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time unit `{0}`: expected working_days, days or hours")]
pub struct UnknownTimeUnit(pub String);

impl FromStr for TimeUnit {
    type Err = UnknownTimeUnit;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "working_days" => Ok(Self::WorkingDays),
            "days" => Ok(Self::Days),
            "hours" => Ok(Self::Hours),
            _ => Err(UnknownTimeUnit(s.to_string())),
        }
    }
}

/// A statutory time limit: a positive amount of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimit {
    pub value: u32,
    pub unit: TimeUnit,
}

/// Where a route step is carried out, relative to the dossier's receiving agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepTarget {
    /// The agency that received the dossier (intake and return of the result).
    Receiving,
    /// The receiving agency's ancestor at this level (e.g. its district).
    AncestorAt(AgencyLevel),
    /// One named agency (e.g. a provincial department or a ministry).
    Agency(AgencyCode),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("route step target `{0}` is not `receiving`, `level:<level>` or an agency code")]
pub struct StepTargetError(pub String);

impl StepTarget {
    pub fn parse(s: &str) -> Result<Self, StepTargetError> {
        let err = || StepTargetError(s.chars().take(40).collect());
        if s == "receiving" {
            return Ok(Self::Receiving);
        }
        if let Some(level) = s.strip_prefix("level:") {
            return level.parse().map(Self::AncestorAt).map_err(|_| err());
        }
        AgencyCode::parse(s).map(Self::Agency).map_err(|_| err())
    }
}

/// A government level a reorganisation abolishes, and the level its procedures go to: the district
/// level ended on 01/07/2025 (two-level local government, regulations-2025.md §2), its procedures
/// going to the communes or to the province as the province decided. Which procedure went where
/// is the plan's data, not a rule in code.
#[derive(Debug, Clone, PartialEq)]
pub struct AbolishedLevel {
    pub level: AgencyLevel,
    /// Where the level's procedures go, unless an exception says otherwise.
    pub procedures_to: AgencyLevel,
    /// (procedure code, level) for the procedures that go elsewhere.
    pub exceptions: Vec<(String, AgencyLevel)>,
}

impl AbolishedLevel {
    /// The level that takes over `procedure`'s work of the abolished level.
    pub fn target_for(&self, procedure: &str) -> AgencyLevel {
        self.exceptions.iter().find(|(code, _)| code == procedure).map(|(_, l)| *l).unwrap_or(self.procedures_to)
    }

    /// Receiving levels after the abolition: the abolished one replaced by `to`, no level twice.
    pub fn receiving_levels(&self, levels: &[AgencyLevel], to: AgencyLevel) -> Vec<AgencyLevel> {
        let mut out: Vec<AgencyLevel> = Vec::new();
        for l in levels.iter().map(|l| if *l == self.level { to } else { *l }) {
            if !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }

    /// A route step after the abolition: a step at the abolished level is done, when the work goes to
    /// the communes, by the receiving unit itself (the commune or centre that received the dossier);
    /// otherwise at the receiving unit's ancestor of the new level.
    pub fn step(&self, target: &StepTarget, to: AgencyLevel) -> StepTarget {
        match target {
            StepTarget::AncestorAt(l) if *l == self.level && to == AgencyLevel::Commune => StepTarget::Receiving,
            StepTarget::AncestorAt(l) if *l == self.level => StepTarget::AncestorAt(to),
            other => other.clone(),
        }
    }

    /// Whether a procedure with these levels and steps has work at the abolished level.
    pub fn touches(&self, competent: AgencyLevel, receiving: &[AgencyLevel], steps: &[StepTarget]) -> bool {
        competent == self.level
            || receiving.contains(&self.level)
            || steps.contains(&StepTarget::AncestorAt(self.level))
    }
}

impl fmt::Display for StepTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Receiving => f.write_str("receiving"),
            Self::AncestorAt(l) => write!(f, "level:{l}"),
            Self::Agency(c) => write!(f, "{c}"),
        }
    }
}

/// One step of a procedure's route, with its allotted share of the time limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteStep {
    pub name: String,
    pub target: StepTarget,
    /// The department inside the step's agency that does the step (issue 13 item 6), if named.
    pub department: Option<crate::domain::department::DepartmentKey>,
    pub time_share: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("a route needs at least one step")]
    Empty,
    #[error("the route's first step must be at the receiving agency (ND 61/2018 Điều 15: dossiers are received at the one-stop counter)")]
    FirstNotReceiving,
    #[error("the route's last step must return the result at the receiving agency (ND 61/2018 Điều 19, Điều 21: results go back to the counter that received the dossier)")]
    LastNotReceiving,
    #[error("the steps' time shares add up to {sum}, but the time limit is {limit}")]
    SharesMismatch { sum: u32, limit: u32 },
}

/// Checks a route against the procedure's time limit.
///
/// ND 61/2018 Điều 15 and 19: a dossier enters and leaves through the one-stop counter that
/// received it, so the route starts and ends at the receiving agency; the steps' shares
/// divide the statutory time limit exactly.
pub fn validate_route(steps: &[RouteStep], limit: TimeLimit) -> Result<(), RouteError> {
    let (first, last) = match (steps.first(), steps.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(RouteError::Empty),
    };
    if first.target != StepTarget::Receiving {
        return Err(RouteError::FirstNotReceiving);
    }
    if last.target != StepTarget::Receiving {
        return Err(RouteError::LastNotReceiving);
    }
    let sum: u32 = steps.iter().map(|s| s.time_share).sum();
    if sum != limit.value {
        return Err(RouteError::SharesMismatch { sum, limit: limit.value });
    }
    Ok(())
}

/// The levels a route crosses (liên thông when more than one).
pub fn route_levels(steps: &[RouteStep], receiving_level: AgencyLevel) -> Vec<AgencyLevel> {
    let mut levels: Vec<AgencyLevel> = Vec::new();
    for s in steps {
        let l = match &s.target {
            StepTarget::Receiving => receiving_level,
            StepTarget::AncestorAt(l) => *l,
            StepTarget::Agency(_) => continue,
        };
        if !levels.contains(&l) {
            levels.push(l);
        }
    }
    levels
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_abolished_level_hands_its_steps_to_the_receiving_commune_or_the_level_the_plan_names() {
        use AgencyLevel::*;
        let district =
            AbolishedLevel { level: District, procedures_to: Commune, exceptions: vec![("1.003010".into(), Province)] };
        assert_eq!((district.target_for("2.000720"), district.target_for("1.003010")), (Commune, Province));
        let at_district = StepTarget::AncestorAt(District);
        assert_eq!(district.step(&at_district, Commune), StepTarget::Receiving);
        assert_eq!(district.step(&at_district, Province), StepTarget::AncestorAt(Province));
        let sở = StepTarget::Agency(AgencyCode::parse("000.00.05.H12").unwrap());
        assert_eq!(district.step(&sở, Commune), sở);
        assert_eq!(district.receiving_levels(&[Commune, District, Province], Commune), [Commune, Province]);
        assert_eq!(district.receiving_levels(&[District], Province), [Province]);
        assert!(district.touches(Province, &[Commune], &[StepTarget::Receiving, at_district.clone()]));
        assert!(district.touches(District, &[Commune], &[StepTarget::Receiving]));
        assert!(!district.touches(Province, &[Province], &[StepTarget::Receiving, sở]));
    }

    use super::*;

    fn step(target: &str, share: u32) -> RouteStep {
        RouteStep { name: "b".into(), target: StepTarget::parse(target).unwrap(), department: None, time_share: share }
    }

    #[test]
    fn procedure_codes_follow_the_national_shape() {
        assert!(ProcedureCode::parse("1.001234").is_ok());
        assert!(ProcedureCode::parse("2.000815").is_ok());
        for bad in ["", "1001234", "1.00123", "1.0012345", "a.001234", "1-001234"] {
            assert!(ProcedureCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn online_levels_are_one_to_four_with_both_names() {
        assert!(OnlineLevel::new(0).is_err());
        assert!(OnlineLevel::new(5).is_err());
        assert_eq!(OnlineLevel::new(4).unwrap().nd42_name(), Some("toàn trình"));
        assert_eq!(OnlineLevel::new(3).unwrap().nd42_name(), Some("một phần"));
        assert_eq!(OnlineLevel::new(2).unwrap().nd42_name(), None);
    }

    #[test]
    fn step_targets_parse() {
        assert_eq!(StepTarget::parse("receiving").unwrap(), StepTarget::Receiving);
        assert_eq!(StepTarget::parse("level:district").unwrap(), StepTarget::AncestorAt(AgencyLevel::District));
        assert!(matches!(StepTarget::parse("000.00.05.H12").unwrap(), StepTarget::Agency(_)));
        assert!(StepTarget::parse("level:county").is_err());
        assert!(StepTarget::parse("somewhere").is_err());
        assert_eq!(StepTarget::parse("level:province").unwrap().to_string(), "level:province");
    }

    #[test]
    fn routes_start_and_end_at_the_counter_and_split_the_limit() {
        let limit = TimeLimit { value: 10, unit: TimeUnit::WorkingDays };
        let ok = [step("receiving", 1), step("level:district", 8), step("receiving", 1)];
        assert_eq!(validate_route(&ok, limit), Ok(()));
        assert_eq!(route_levels(&ok, AgencyLevel::Commune), vec![AgencyLevel::Commune, AgencyLevel::District]);
        assert_eq!(validate_route(&[], limit), Err(RouteError::Empty));
        let bad_sum = [step("receiving", 1), step("receiving", 1)];
        assert_eq!(validate_route(&bad_sum, limit), Err(RouteError::SharesMismatch { sum: 2, limit: 10 }));
        let bad_first = [step("level:district", 9), step("receiving", 1)];
        assert_eq!(validate_route(&bad_first, limit), Err(RouteError::FirstNotReceiving));
        let bad_last = [step("receiving", 9), step("000.00.05.H12", 1)];
        assert_eq!(validate_route(&bad_last, limit), Err(RouteError::LastNotReceiving));
    }
}
