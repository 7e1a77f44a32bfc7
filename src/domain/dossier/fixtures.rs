//! What the tests of the dossier rules share: agencies of Cần Thơ at three levels, a land
//! route through them, a 20-working-day limit and a calendar with Tết 2024.
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::{Actor, RoutedStep};
use crate::domain::agency::AgencyCode;
use crate::domain::calendar::{vietnam, WorkingCalendar};
use crate::domain::procedure::{TimeLimit, TimeUnit};
use crate::domain::user::Role;

pub const COMMUNE: &str = "000.01.31.H12";
pub const DISTRICT: &str = "000.00.31.H12";
pub const DEPARTMENT: &str = "000.00.05.H12";

pub fn code(s: &str) -> AgencyCode {
    AgencyCode::parse(s).unwrap()
}

pub fn route() -> Vec<RoutedStep> {
    [(COMMUNE, 2), (DISTRICT, 10), (DEPARTMENT, 5), (DISTRICT, 2), (COMMUNE, 1)]
        .into_iter()
        .map(|(a, s)| RoutedStep::at(code(a), s))
        .collect()
}

pub fn limit() -> TimeLimit {
    TimeLimit { value: 20, unit: TimeUnit::WorkingDays }
}

pub fn calendar() -> WorkingCalendar {
    let tet = (8..=14).map(|d| NaiveDate::from_ymd_opt(2024, 2, d).unwrap());
    WorkingCalendar::new(tet, [])
}

pub fn vn(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    vietnam().with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
}

pub fn staff(role: Role, agency: &str) -> Actor {
    Actor { role, agency: Some(code(agency)), is_owner: false }
}

pub fn owner() -> Actor {
    Actor { role: Role::Citizen, agency: None, is_owner: true }
}
