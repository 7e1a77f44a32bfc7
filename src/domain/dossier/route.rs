//! A dossier's resolved route: the agencies it passes through, in order, each with its share of
//! the time limit, and the form it is stored in.
//!
//! ND 61/2018 Điều 18–20: the dossier is forwarded from the receiving counter through the
//! competent agencies (liên thông between levels) and its result comes back to the counter
//! that received it, so a route starts and ends at the receiving agency (see `Dossier::intake`).
use std::fmt;

use crate::domain::agency::AgencyCode;
use crate::domain::department::DepartmentKey;

/// One step of a dossier's resolved route: the agency, the department inside it if the procedure
/// names one, and the step's share of the time limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedStep {
    pub agency: AgencyCode,
    pub department: Option<DepartmentKey>,
    pub time_share: u32,
}

impl RoutedStep {
    /// A step at an agency as a whole.
    pub fn at(agency: AgencyCode, time_share: u32) -> Self {
        Self { agency, department: None, time_share }
    }
}

/// The route step a dossier is at after a control-sheet row with `action`, coming from `step`, on
/// a route of `len` steps: a transfer moves it to the next step, a finish or a refusal to the last
/// (the counter that returns the result); other rows leave it where it is (None).
pub fn step_after(action: &str, step: usize, len: usize) -> Option<usize> {
    let last = len.saturating_sub(1);
    match action {
        "transfer" => Some((step + 1).min(last)),
        "finish" | "refuse" => Some(last),
        _ => None,
    }
}

/// The steps of a dossier, in order. Stored as `agency[/department]:share,…`
/// (e.g. `000.01.31.H12:2,000.00.31.H12/DKKD:10,000.01.31.H12:1`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Route(Vec<RoutedStep>);

/// A stored route that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("route step `{0}` is not in the shape <agency code>[/<department>]:<share of the time limit> (e.g. 000.01.31.H12:2)")]
pub struct StoredRouteError(pub String);

impl Route {
    pub fn new(steps: Vec<RoutedStep>) -> Self {
        Self(steps)
    }

    pub fn steps(&self) -> &[RoutedStep] {
        &self.0
    }

    pub fn into_steps(self) -> Vec<RoutedStep> {
        self.0
    }

    /// The step at `index` (0 is the receiving counter), if the route has one.
    pub fn step(&self, index: usize) -> Option<&RoutedStep> {
        self.0.get(index)
    }

    /// The stored form: `agency[/department]:share` per step, comma-separated.
    pub fn to_stored(&self) -> String {
        let step = |s: &RoutedStep| match &s.department {
            Some(d) => format!("{}/{}:{}", s.agency, d, s.time_share),
            None => format!("{}:{}", s.agency, s.time_share),
        };
        self.0.iter().map(step).collect::<Vec<_>>().join(",")
    }

    /// Reads the stored form back; every step must name a valid agency code and a share.
    pub fn parse_stored(s: &str) -> Result<Self, StoredRouteError> {
        s.split(',')
            .map(|part| {
                let err = || StoredRouteError(part.chars().take(60).collect());
                let (place, share) = part.rsplit_once(':').ok_or_else(err)?;
                let (agency, department) = match place.split_once('/') {
                    Some((a, d)) => (a, Some(DepartmentKey::parse(d).map_err(|_| err())?)),
                    None => (place, None),
                };
                Ok(RoutedStep {
                    agency: AgencyCode::parse(agency).map_err(|_| err())?,
                    department,
                    time_share: share.parse().map_err(|_| err())?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

impl From<Vec<RoutedStep>> for Route {
    fn from(steps: Vec<RoutedStep>) -> Self {
        Self(steps)
    }
}

impl From<Route> for Vec<RoutedStep> {
    fn from(route: Route) -> Self {
        route.0
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_stored())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(agency: &str, time_share: u32) -> RoutedStep {
        RoutedStep::at(AgencyCode::parse(agency).unwrap(), time_share)
    }

    #[test]
    fn a_step_naming_a_department_stores_it_after_the_agency() {
        let mut middle = step("000.00.31.H12", 10);
        middle.department = Some(DepartmentKey::parse("DKKD").unwrap());
        let route = Route::new(vec![step("000.01.31.H12", 2), middle, step("000.01.31.H12", 0)]);
        assert_eq!(route.to_stored(), "000.01.31.H12:2,000.00.31.H12/DKKD:10,000.01.31.H12:0");
        assert_eq!(Route::parse_stored(&route.to_stored()).unwrap(), route);
        let bad = "000.01.31.H12/dkkd:2";
        assert_eq!(Route::parse_stored(bad), Err(StoredRouteError(bad.into())));
    }

    #[test]
    fn a_route_reads_back_from_what_it_stores() {
        let route = Route::new(vec![step("000.01.31.H12", 2), step("000.00.31.H12", 10), step("000.01.31.H12", 0)]);
        let stored = route.to_stored();
        assert_eq!(stored, "000.01.31.H12:2,000.00.31.H12:10,000.01.31.H12:0");
        assert_eq!(Route::parse_stored(&stored).unwrap(), route);
        assert_eq!(route.step(1).map(|s| s.agency.as_str()), Some("000.00.31.H12"));
        assert_eq!(route.step(3), None);
        assert_eq!(route.to_string(), stored);
    }

    #[test]
    fn a_damaged_stored_route_is_refused_and_names_the_bad_step() {
        for (bad, part) in [
            ("", ""),
            ("000.01.31.H12", "000.01.31.H12"),
            ("000.01.31.H12:2,H12:3", "H12:3"),
            ("000.01.31.H12:-1", "000.01.31.H12:-1"),
            ("000.01.31.H12:2,", ""),
            ("000.01.31.H12:x", "000.01.31.H12:x"),
        ] {
            assert_eq!(Route::parse_stored(bad), Err(StoredRouteError(part.into())), "{bad}");
        }
    }
}
