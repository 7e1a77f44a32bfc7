//! Boundary-free intake (tiếp nhận hồ sơ không phụ thuộc vào địa giới hành chính) and its two
//! clocks: where a dossier may be received, which agency it goes to, and the receiving centre's
//! own deadline for handing it over.
//!
//! - Since 01/07/2025 a centre of the province (a commune's, or the province's Trung tâm Phục vụ
//!   hành chính công) receives any procedure of the province whatever the applicant's address
//!   (two-level local government, ND 118/2025; TB 624/TB-VPCP targets 100% of procedures;
//!   regulations-2025.md §3 [S][R]). Before that date the receiving levels of the procedure hold.
//! - The statutory time limit of such a dossier runs from when the **competent agency** receives
//!   it, not from the receiving centre's receipt (ND 118 Điều 17.3 as amended [V-m]).
//! - The receiving centre's handover deadline is **not national law**: 1 working day is the
//!   practice of Bắc Ninh (QĐ 1490/QĐ-UBND [V-m]: the electronic dossier at once, the paper file
//!   within 1 working day), kept here as the regime's value ([`handover_working_days`]).
//! - The 15:00 rule is kept (ND 118 Điều 18 [V-m]): counted by [`WorkingCalendar::due_at`].
use chrono::{DateTime, NaiveDate, Utc};

use super::agency::{AgencyCode, AgencyLevel};
use super::calendar::{to_vietnam, WorkingCalendar};
use super::dossier::RoutedStep;
use super::procedure::{TimeLimit, TimeUnit};

/// Whether a dossier received on `day` falls under boundary-free intake within the province: from
/// 01/07/2025, when ND 118/2025 and two-level local government came into force (regulations-2025.md
/// §3) — the regime's `boundary_free_intake`, chosen by the dossier's receipt day, never by today's.
pub fn is_boundary_free_on(day: NaiveDate) -> bool {
    super::regime::on(day).rules.boundary_free_intake.value
}

/// The receiving centre's handover time in working days for a dossier received on `day`: the
/// regime's `handover_working_days` (1 under ND 118/2025: Bắc Ninh QĐ 1490/QĐ-UBND, a provincial
/// practice; no national text sets it — a gap the regime file names).
pub fn handover_working_days(day: NaiveDate) -> u32 {
    super::regime::on(day).rules.handover_working_days.value
}

/// The receiving centre's deadline for handing a dossier received at `received` to the competent
/// agency: `days` working days counted like a time limit, with the 15:00 rule (received after
/// 15:00 or on a day off, the count starts the next working day).
pub fn handover_due_at(calendar: &WorkingCalendar, received: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    calendar.due_at(to_vietnam(received), TimeLimit { value: days, unit: TimeUnit::WorkingDays }).with_timezone(&Utc)
}

/// Where the agency competent to receive and decide a dossier is, relative to what is known at
/// intake; the services turn it into an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Competent {
    /// The receiving agency itself: the dossier is handled as before, one clock.
    Receiving,
    /// The applicant's commune or ward.
    ApplicantCommune,
    /// The district above the applicant's commune when given, else above the receiving agency.
    DistrictAbove,
    /// A named agency: the province's competent department, the first agency the route names.
    Agency(AgencyCode),
    /// The province above the receiving agency (a province-level route naming no agency).
    ProvinceAbove,
}

/// Why a dossier cannot be received where it was brought.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlacementError {
    /// The receiving level is not one of the procedure's, and boundary-free intake does not apply
    /// (received before 01/07/2025, not at a centre, or not a procedure of the province).
    #[error("procedure is received at {levels} level, not at {level} level")]
    WrongLevel { levels: String, level: AgencyLevel },
    /// A commune-level procedure received at the province's centre: the competent commune is the
    /// applicant's, which must be named.
    #[error("this procedure is decided by the applicant's commune or ward: name it (applicant_commune)")]
    ApplicantCommuneRequired,
}

/// What intake knows when it decides where a dossier goes.
#[derive(Debug, Clone)]
pub struct Placement<'a> {
    /// The day the dossier is received (Vietnam time).
    pub received_on: NaiveDate,
    /// The procedure's receiving levels.
    pub receiving_levels: &'a [AgencyLevel],
    /// The first agency the procedure's route names after intake, if any.
    pub first_named_agency: Option<&'a AgencyCode>,
    pub receiving: &'a AgencyCode,
    pub receiving_level: AgencyLevel,
    /// The receiving agency is a centre: a commune-level unit, or a public administration service centre.
    pub receiving_is_centre: bool,
    /// The applicant's commune or ward, when the applicant named it.
    pub applicant_commune: Option<&'a AgencyCode>,
}

impl Placement<'_> {
    /// Which agency is competent (the one whose receipt starts the statutory clock).
    ///
    /// Before 01/07/2025: only the procedure's receiving levels receive, and the receiving agency
    /// is competent. From 01/07/2025 (boundary-free within the province): a centre receives any
    /// procedure of the province (one received at some local level); the competent agency is the
    /// one that would have received it — the applicant's commune for a procedure received at
    /// commune level, the district above for one received at district level, else the province's
    /// department the route names. A commune receiving its own kind of procedure for an applicant
    /// of another commune hands it to the applicant's commune; with no commune named it is competent.
    pub fn competent(&self) -> Result<Competent, PlacementError> {
        use AgencyLevel::*;
        let allowed = self.receiving_levels.contains(&self.receiving_level);
        let wrong = || PlacementError::WrongLevel {
            levels: self.receiving_levels.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", "),
            level: self.receiving_level,
        };
        if !is_boundary_free_on(self.received_on) {
            return if allowed { Ok(Competent::Receiving) } else { Err(wrong()) };
        }
        if allowed {
            let elsewhere = self.applicant_commune.is_some_and(|c| c != self.receiving);
            return Ok(if self.receiving_level == Commune && elsewhere {
                Competent::ApplicantCommune
            } else {
                Competent::Receiving
            });
        }
        let of_province = self.receiving_levels.iter().any(|l| matches!(l, Province | District | Commune));
        if !self.receiving_is_centre || !of_province {
            return Err(wrong());
        }
        if self.receiving_levels.contains(&Commune) {
            return match self.applicant_commune {
                Some(c) if c == self.receiving => Ok(Competent::Receiving),
                Some(_) => Ok(Competent::ApplicantCommune),
                None => Err(PlacementError::ApplicantCommuneRequired),
            };
        }
        if self.receiving_levels.contains(&District) {
            return Ok(Competent::DistrictAbove);
        }
        Ok(self.first_named_agency.cloned().map(Competent::Agency).unwrap_or(Competent::ProvinceAbove))
    }
}

/// The route of a dossier handed over: the receiving centre first (its handover step takes no
/// share of the statutory time, which has not started), then the procedure's route as the
/// competent agency would have run it, with the result coming back to the receiving centre
/// (ND 118 Điều 17.3 as amended; ND 61/2018 Điều 19.7: the result returns to the counter that
/// received the dossier). `competent_route` is the route resolved with the competent agency as
/// the receiving one; its shares still add up to the time limit.
pub fn handover_route(receiving: &AgencyCode, competent_route: &[RoutedStep]) -> Vec<RoutedStep> {
    let mut route = vec![RoutedStep::at(receiving.clone(), 0)];
    if let Some((last, before)) = competent_route.split_last() {
        route.extend(before.iter().cloned());
        route.push(RoutedStep::at(receiving.clone(), last.time_share));
    }
    route
}

/// How the applicant takes the result (ND 61/2018 Điều 20; ND 118: at the receiving centre, by
/// the public postal service, or online).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultDelivery {
    /// At the counter that received the dossier.
    #[default]
    Counter,
    /// By the public postal service (bưu chính công ích).
    Post,
    /// Online (the electronic result, on the portal).
    Online,
}

impl ResultDelivery {
    pub const ALL: [ResultDelivery; 3] = [Self::Counter, Self::Post, Self::Online];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Post => "post",
            Self::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// What the online form proposes before the applicant chooses: for a full-online service
    /// (level 4, *toàn trình*) the result "is returned online or via public postal service"
    /// (ND 42/2022/NĐ-CP Điều 11 khoản 1 điểm a), so online; otherwise at the counter. The
    /// applicant may choose any of the three either way: no rule found forbids one.
    pub fn proposed_for_online_level(level: i32) -> Self {
        if level >= 4 {
            Self::Online
        } else {
            Self::Counter
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Counter => "Nhận tại nơi tiếp nhận hồ sơ",
            Self::Post => "Nhận qua dịch vụ bưu chính công ích",
            Self::Online => "Nhận trực tuyến",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::calendar::vietnam;

    fn code(s: &str) -> AgencyCode {
        AgencyCode::parse(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }

    const COMMUNE: &str = "000.01.61.H12";
    const OTHER_COMMUNE: &str = "000.02.61.H12";
    const CENTRE: &str = "000.00.21.H12";
    const SỞ: &str = "000.00.04.H12";

    fn placement<'a>(
        on: NaiveDate,
        levels: &'a [AgencyLevel],
        sở: &'a AgencyCode,
        receiving: &'a AgencyCode,
        level: AgencyLevel,
        applicant: Option<&'a AgencyCode>,
    ) -> Placement<'a> {
        Placement {
            received_on: on,
            receiving_levels: levels,
            first_named_agency: Some(sở),
            receiving,
            receiving_level: level,
            receiving_is_centre: true,
            applicant_commune: applicant,
        }
    }

    #[test]
    fn boundary_free_intake_starts_with_dossiers_received_on_1_july_2025() {
        assert!(!is_boundary_free_on(day(2025, 6, 30)));
        assert!(is_boundary_free_on(day(2025, 7, 1)));
        assert_eq!(handover_working_days(day(2026, 3, 2)), 1);
    }

    #[test]
    fn before_july_2025_only_the_receiving_levels_receive() {
        use AgencyLevel::*;
        let (sở, commune) = (code(SỞ), code(COMMUNE));
        let p = placement(day(2024, 3, 4), &[Province], &sở, &commune, Commune, None);
        assert_eq!(
            p.competent(),
            Err(PlacementError::WrongLevel { levels: "province".into(), level: Commune }),
            "a province procedure at a commune in 2024"
        );
        let other = code(OTHER_COMMUNE);
        let p = placement(day(2025, 6, 30), &[Commune], &sở, &commune, Commune, Some(&other));
        assert_eq!(p.competent(), Ok(Competent::Receiving), "no address rule before the date");
    }

    #[test]
    fn from_july_2025_a_centre_receives_any_procedure_of_the_province() {
        use AgencyLevel::*;
        let (sở, commune, other, centre) = (code(SỞ), code(COMMUNE), code(OTHER_COMMUNE), code(CENTRE));
        let on = day(2026, 3, 2);
        // A province procedure at a commune: the department the route names.
        let p = placement(on, &[Province], &sở, &commune, Commune, None);
        assert_eq!(p.competent(), Ok(Competent::Agency(sở.clone())));
        let p = Placement { first_named_agency: None, ..p };
        assert_eq!(p.competent(), Ok(Competent::ProvinceAbove));
        // A commune procedure at another commune: the applicant's.
        let p = placement(on, &[Commune], &sở, &commune, Commune, Some(&other));
        assert_eq!(p.competent(), Ok(Competent::ApplicantCommune));
        let p = placement(on, &[Commune], &sở, &commune, Commune, Some(&commune));
        assert_eq!(p.competent(), Ok(Competent::Receiving));
        let p = placement(on, &[Commune], &sở, &commune, Commune, None);
        assert_eq!(p.competent(), Ok(Competent::Receiving), "no commune named: the receiving one");
        // A commune procedure at the province's centre needs the applicant's commune.
        let p = placement(on, &[Commune], &sở, &centre, Province, None);
        assert_eq!(p.competent(), Err(PlacementError::ApplicantCommuneRequired));
        let p = placement(on, &[Commune], &sở, &centre, Province, Some(&other));
        assert_eq!(p.competent(), Ok(Competent::ApplicantCommune));
        // A district procedure (an old-city procedure not yet moved) at a commune.
        let p = placement(on, &[District], &sở, &commune, Commune, None);
        assert_eq!(p.competent(), Ok(Competent::DistrictAbove));
        // The centre receiving a province procedure is one of its receiving levels: one clock.
        let p = placement(on, &[Province], &sở, &centre, Province, None);
        assert_eq!(p.competent(), Ok(Competent::Receiving));
    }

    #[test]
    fn only_centres_receive_across_boundaries_and_only_the_provinces_procedures() {
        use AgencyLevel::*;
        let (sở, department) = (code(SỞ), code("000.00.05.H12"));
        let on = day(2026, 3, 2);
        let p = Placement {
            receiving_is_centre: false,
            ..placement(on, &[Commune], &sở, &department, Province, Some(&sở))
        };
        assert!(matches!(p.competent(), Err(PlacementError::WrongLevel { .. })), "a department is not a centre");
        let commune = code(COMMUNE);
        let p = placement(on, &[Ministry], &sở, &commune, Commune, None);
        assert!(matches!(p.competent(), Err(PlacementError::WrongLevel { .. })), "a ministry's own procedure");
    }

    #[test]
    fn the_handover_deadline_is_a_working_day_with_the_1500_rule() {
        let cal = WorkingCalendar::new([day(2026, 4, 27)], []);
        let close = |y, m, d| vn(y, m, d, 17, 30);
        // Monday 10:00 → the close of Tuesday.
        assert_eq!(handover_due_at(&cal, vn(2026, 3, 2, 10, 0), 1), close(2026, 3, 3));
        // Monday 15:30: counting starts Tuesday → Wednesday.
        assert_eq!(handover_due_at(&cal, vn(2026, 3, 2, 15, 30), 1), close(2026, 3, 4));
        // Friday 16:00 → Tuesday (Monday is the base day).
        assert_eq!(handover_due_at(&cal, vn(2026, 3, 6, 16, 0), 1), close(2026, 3, 10));
        // Saturday → Monday is the base day → Tuesday; a holiday Monday moves both.
        assert_eq!(handover_due_at(&cal, vn(2026, 3, 7, 9, 0), 1), close(2026, 3, 10));
        assert_eq!(handover_due_at(&cal, vn(2026, 4, 25, 9, 0), 1), close(2026, 4, 29));
    }

    #[test]
    fn a_handed_over_route_starts_and_ends_at_the_receiving_centre_and_keeps_the_shares() {
        let step = |a: &str, s: u32| RoutedStep::at(code(a), s);
        let competent = [step(SỞ, 1), step(SỞ, 1), step(SỞ, 1)];
        let route = handover_route(&code(COMMUNE), &competent);
        assert_eq!(route, vec![step(COMMUNE, 0), step(SỞ, 1), step(SỞ, 1), step(COMMUNE, 1)]);
        assert_eq!(route.iter().map(|s| s.time_share).sum::<u32>(), 3);
    }

    #[test]
    fn result_delivery_reads_its_three_names() {
        for d in ResultDelivery::ALL {
            assert_eq!(ResultDelivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(ResultDelivery::parse("email"), None);
        assert_eq!(ResultDelivery::default(), ResultDelivery::Counter);
        assert_eq!(ResultDelivery::proposed_for_online_level(4), ResultDelivery::Online);
        assert_eq!(ResultDelivery::proposed_for_online_level(3), ResultDelivery::Counter);
    }
}
