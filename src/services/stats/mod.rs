//! The read side for leaders: Biểu II.06a and the plans' indicators, from prefix sums of counters.
//!
//! The query, its checks and the use cases here; Biểu II.06a in `report.rs`, the indicators and the
//! plans' targets in `indicators.rs`, the online submissions waiting for a clerk in `intake.rs`, the
//! leader dashboard's batched read in `dashboard.rs`.
use chrono::NaiveDate;

use crate::auth::Caller;
use crate::domain::period::{Period, PeriodError};
use crate::domain::{AgencyCode, Role};
use crate::error::AppError;
use crate::storage::agencies::AgencyRow;
use crate::storage::stats::{Counting, Hierarchy, Scope};
use crate::storage::{self, AnyConnection, Pool};

mod dashboard;
mod indexes;
mod indicators;
mod intake;
mod report;

pub use dashboard::{dashboard, Dashboard, DashboardAnomalies, DashboardFigures, DashboardQuery};
pub use indexes::{indexes_on, IndexUnit, Indexes};
use indicators::target_checks;
pub use indicators::{indicators, Indicator, Kpis, TargetCheck};
pub use intake::{intake_waiting_on, AgencyWaiting, IntakeWaiting, IntakeWaitingQuery};
pub use report::{compute, compute_many, Report, ReportLine};

/// A report's parameters, as they arrive from outside.
#[derive(Debug, Clone, Default)]
pub struct StatsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
    /// Only the agency itself, not its subtree.
    pub agency_only: bool,
    pub group_by: Option<String>,
    /// `as_is` (default) or `as_was`: see [`Hierarchy`].
    pub hierarchy: Option<String>,
    /// `receiving` (default) or `deciding`: see [`Counting`].
    pub counted_at: Option<String>,
}

/// A validated period and scope.
#[derive(Debug, Clone)]
pub struct Selection {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agency: AgencyRow,
    pub scope: Scope,
    pub grouping: GroupBy,
    pub hierarchy: Hierarchy,
    pub counting: Counting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    None,
    Agency,
    Level,
    Field,
    Month,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Agency => "agency",
            Self::Level => "level",
            Self::Field => "field",
            Self::Month => "month",
        }
    }
}
/// `400 invalid_period`: a date outside 2000–2100, not a date, reversed, or longer than ten years.
pub fn invalid_period(e: PeriodError) -> AppError {
    AppError::new(crate::error::ErrorCode::InvalidPeriod, e.to_string())
}

/// Checks the period, the scope (a leader reads their agency's subtree only) and the grouping.
pub fn select(conn: &mut AnyConnection, caller: &Caller, q: &StatsQuery) -> Result<Selection, AppError> {
    select_with(caller, q, |codes| Ok(crate::storage::stats::agencies_named(conn, codes)?))
}

/// [`select`], with the agency rows of the given codes read by `read` (a query, or rows already read).
pub(super) fn select_with(
    caller: &Caller,
    q: &StatsQuery,
    mut read: impl FnMut(&[String]) -> Result<Vec<AgencyRow>, AppError>,
) -> Result<Selection, AppError> {
    caller.require_role(&[Role::Leader, Role::Admin])?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref()).map_err(invalid_period)?;
    let (from, to) = (period.from(), period.to());
    let grouping = match q.group_by.as_deref().unwrap_or("none") {
        "none" => GroupBy::None,
        "agency" => GroupBy::Agency,
        "level" => GroupBy::Level,
        "field" => GroupBy::Field,
        "month" => GroupBy::Month,
        other => {
            return Err(AppError::new(
                crate::error::ErrorCode::InvalidGroupBy,
                format!(
                    "group_by `{}` is not one of none, agency, level, field, month",
                    other.chars().take(30).collect::<String>()
                ),
            ))
        }
    };
    let hierarchy = match q.hierarchy.as_deref() {
        None => Hierarchy::AsIs,
        Some(h) => Hierarchy::parse(h).ok_or_else(|| {
            AppError::new(
                crate::error::ErrorCode::InvalidHierarchy,
                format!("hierarchy `{}` is not one of as_is, as_was", h.chars().take(30).collect::<String>()),
            )
        })?,
    };
    let counting = match q.counted_at.as_deref() {
        None => Counting::Receiving,
        Some(c) => Counting::parse(c).ok_or_else(|| {
            AppError::new(
                crate::error::ErrorCode::InvalidCountedAt,
                format!("counted_at `{}` is not one of receiving, deciding", c.chars().take(30).collect::<String>()),
            )
        })?,
    };
    let own = caller.agency.clone().expect("staff carry an agency");
    let picked = q
        .agency
        .as_deref()
        .map(|code| {
            AgencyCode::parse(code)
                .map_err(|e| AppError::new(crate::error::ErrorCode::InvalidAgencyCode, e.to_string()))
        })
        .transpose()?;
    // The caller's agency and the one asked for, in one read.
    let codes: Vec<String> = std::iter::once(own.to_string()).chain(picked.iter().map(|c| c.to_string())).collect();
    let rows = read(&codes)?;
    // A unit that has ended is read by the leaders of the unit holding its work today: its holder
    // (followed to the end of the chain, a read per step) is in the caller's subtree.
    let holder_path = match picked.as_ref().and_then(|p| rows.iter().find(|a| a.code == p.as_str())) {
        Some(unit) if unit.held_by.is_some() => {
            let mut unit = unit.clone();
            for _ in 0..16 {
                let Some(next) = unit.held_by.clone() else { break };
                match read(&[next])?.into_iter().next() {
                    Some(n) => unit = n,
                    None => break,
                }
            }
            Some(unit.path)
        }
        _ => None,
    };
    let mut selection =
        select_among(&rows, (from, to), grouping, &own, picked.as_ref(), q.agency_only, holder_path.as_deref())?;
    selection.hierarchy = hierarchy;
    selection.counting = counting;
    if hierarchy == Hierarchy::AsIs {
        if let Some(end) = selection.agency.valid_to {
            let holder =
                selection.agency.held_by.as_deref().map(|h| format!(", held by {h} since")).unwrap_or_default();
            return Err(AppError::new(
                crate::error::ErrorCode::AgencyEndedAsIs,
                format!(
                    "{} ended on {end}{holder}: today's units hold its history; ask for hierarchy=as_was to read it as it was",
                    selection.agency.code
                ),
            ));
        }
    }
    Ok(selection)
}

/// The scope checks of [`select`] among agency rows already read (which hold the caller's agency
/// and the one asked for, when they exist): the agency asked for is in the caller's subtree, or
/// it has ended and the unit holding its work (`holder_path`) is.
fn select_among(
    rows: &[AgencyRow],
    (from, to): (NaiveDate, NaiveDate),
    grouping: GroupBy,
    own: &AgencyCode,
    picked: Option<&AgencyCode>,
    agency_only: bool,
    holder_path: Option<&str>,
) -> Result<Selection, AppError> {
    let row_of = |code: &str| rows.iter().find(|a| a.code == code).cloned();
    let own_row = row_of(own.as_str())
        .ok_or_else(|| AppError::new(crate::error::ErrorCode::AgencyNoLongerExists, "your agency no longer exists"))?;
    let agency = match picked {
        None => own_row.clone(),
        Some(code) => row_of(code.as_str()).ok_or_else(|| {
            AppError::new(crate::error::ErrorCode::UnknownAgency, format!("no agency has the code {code}"))
        })?,
    };
    let within = |path: &str| path == own_row.path || path.starts_with(&format!("{}/", own_row.path));
    if !within(&agency.path) && !holder_path.is_some_and(within) {
        return Err(AppError::new(
            crate::error::ErrorCode::OutOfScope,
            "you can read statistics of your agency and the agencies below it",
        ));
    }
    let scope = if agency_only { Scope::Agency(agency.code.clone()) } else { Scope::Subtree(agency.path.clone()) };
    Ok(Selection { from, to, agency, scope, grouping, hierarchy: Hierarchy::default(), counting: Counting::default() })
}
pub async fn report(pool: &Pool, caller: Caller, q: StatsQuery) -> Result<Report, AppError> {
    storage::run(pool, move |conn| report_on(conn, &caller, q)).await
}

/// [`report`](fn@report) on a connection the caller holds (the handler's one trip).
pub fn report_on(conn: &mut AnyConnection, caller: &Caller, q: StatsQuery) -> Result<Report, AppError> {
    let selection = select(conn, caller, &q)?;
    let (lines, total) = compute(conn, &selection)?;
    let (start, end) = crate::domain::calendar::vietnam_days_utc(selection.from, selection.to);
    let sources = storage::stats::by_source(conn, &selection.scope, start, end)?;
    Ok(Report { selection, lines, total, sources })
}
pub async fn kpis(pool: &Pool, caller: Caller, q: StatsQuery, plan: PlanChoice) -> Result<Kpis, AppError> {
    storage::run(pool, move |conn| kpis_on(conn, &caller, q, plan)).await
}

/// Which plan's targets to put beside the indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanChoice {
    /// The plan with this id (`unknown_plan` when there is none).
    Named(String),
    /// The plan in force on this day (today by the Clock, Vietnam time), if any.
    InForceOn(NaiveDate),
    /// No plan.
    NoPlan,
}

/// Where the targets beside the indicators come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanBasis {
    /// The plan asked for by id.
    Requested,
    /// None asked for: the plan in force today.
    InForce,
    /// None asked for, and no plan is in force today.
    NoneInForce,
    /// No plan asked for (`plan=none`).
    NotRequested,
}

impl PlanBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::InForce => "in_force",
            Self::NoneInForce => "none_in_force",
            Self::NotRequested => "not_requested",
        }
    }
}

/// Resolves a [`PlanChoice`] against the plans.
pub fn choose_plan(
    plans: &[crate::storage::plans::PlanRow],
    choice: &PlanChoice,
) -> Result<(Option<crate::storage::plans::PlanRow>, PlanBasis), AppError> {
    Ok(match choice {
        PlanChoice::Named(id) => (
            Some(plans.iter().find(|p| &p.id == id).cloned().ok_or_else(|| {
                AppError::new(
                    crate::error::ErrorCode::UnknownPlan,
                    format!("no plan has the id `{}`; see seeds/plans", id.chars().take(60).collect::<String>()),
                )
            })?),
            PlanBasis::Requested,
        ),
        PlanChoice::InForceOn(day) => match crate::storage::plans::in_force_on(plans, *day) {
            Some(p) => (Some(p.clone()), PlanBasis::InForce),
            None => (None, PlanBasis::NoneInForce),
        },
        PlanChoice::NoPlan => (None, PlanBasis::NotRequested),
    })
}

/// [`kpis`] on a connection the caller holds (the handler's one trip).
pub fn kpis_on(conn: &mut AnyConnection, caller: &Caller, q: StatsQuery, plan: PlanChoice) -> Result<Kpis, AppError> {
    let selection = select(conn, caller, &q)?;
    let (plan, plan_basis) = choose_plan(&crate::storage::plans::list(conn)?, &plan)?;
    let (_, total) = compute(conn, &Selection { grouping: GroupBy::None, ..selection.clone() })?;
    let indicators = indicators(conn, &selection, &total)?;
    let targets = match &plan {
        Some(p) => target_checks(&indicators, crate::storage::plans::targets(conn, &p.id)?),
        None => vec![],
    };
    Ok(Kpis { selection, indicators, plan, plan_basis, targets })
}

/// Records an off-system count for an agency in the caller's scope.
pub async fn set_off_system(
    pool: &Pool,
    who: impl Into<crate::auth::extractor::Who>,
    agency: String,
    from: Option<String>,
    to: Option<String>,
    dossiers: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    storage::run_as(pool, who, move |conn, caller| {
        if dossiers < 0 {
            return Err(AppError::new(crate::error::ErrorCode::InvalidCount, "dossiers cannot be negative"));
        }
        // An off-system count belongs to the agency as it was (it may be entered late for a unit since ended).
        let q = StatsQuery {
            from,
            to,
            agency: Some(agency),
            agency_only: true,
            group_by: None,
            hierarchy: Some(Hierarchy::AsWas.as_str().into()),
            counted_at: None,
        };
        let sel = select(conn, &caller, &q)?;
        crate::storage::stats::set_off_system(
            conn,
            &sel.agency.code,
            sel.from,
            sel.to,
            dossiers,
            at.naive_utc(),
            &caller.user_id,
        )?;
        Ok(())
    })
    .await
}

/// The provincial plans whose targets the indicators can be compared with (for pickers).
pub async fn plans(pool: &Pool) -> Result<Vec<crate::storage::plans::PlanRow>, AppError> {
    storage::run(pool, |conn| Ok(crate::storage::plans::list(conn)?)).await
}
