//! The leader dashboard's reads (`/lanh-dao`), batched on one connection.
use chrono::NaiveDate;

use super::indicators::{indicators_of, procedures_by_online_level, target_checks};
use super::{compute_many, select_with, GroupBy, Kpis, Report, Selection, StatsQuery};
use crate::auth::Caller;
use crate::domain::period::Period;
use crate::domain::stats::ReportRow;
use crate::domain::Role;
use crate::error::AppError;
use crate::storage::agencies::AgencyRow;
use crate::storage::AnyConnection;

/// What the leader dashboard (`/lanh-dao`) asks for, its pickers already read.
#[derive(Debug, Clone)]
pub struct DashboardQuery {
    /// The agency chosen (a code, as typed).
    pub agency: String,
    /// Only the agency itself, not its subtree.
    pub agency_only: bool,
    /// The plan whose targets the cards show: one named, the one in force today, or none.
    pub plan: super::PlanChoice,
    /// The period, when the pickers hold a valid one; without it only the pickers' lists are read.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// The groupings of Biểu II.06a the page shows, besides the plan's indicators.
    pub groupings: Vec<GroupBy>,
    /// Today's units or those of the time.
    pub hierarchy: crate::storage::stats::Hierarchy,
    /// At the receiving or the deciding agency.
    pub counting: crate::storage::stats::Counting,
    /// Now, by the Clock: the online submissions waiting for a clerk are counted at this moment.
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Everything the leader dashboard shows, read in one trip.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The caller's agency and the agencies below it (the agency picker), by path: as is, only
    /// those that have not ended.
    pub agencies: Vec<AgencyRow>,
    /// Every plan (the plan picker).
    pub plans: Vec<crate::storage::plans::PlanRow>,
    /// The plan chosen (None: none in force, none asked for, or an unknown one) and why.
    pub plan: Option<crate::storage::plans::PlanRow>,
    /// None when the plan named is not among `plans`.
    pub plan_basis: Option<super::PlanBasis>,
    /// None without a period, or when the agency is not among `agencies` or the plan named not among `plans`.
    pub figures: Option<DashboardFigures>,
}

#[derive(Debug, Clone)]
pub struct DashboardFigures {
    /// The plan's indicators and targets for the period.
    pub kpis: Kpis,
    /// The same for the period of the same length just before, when it is within bounds.
    pub before: Option<Kpis>,
    /// Biểu II.06a, one per grouping asked for, in that order.
    pub reports: Vec<Report>,
    /// The online submissions waiting for a clerk now in the agency's scope (whatever the period).
    pub waiting: super::IntakeWaiting,
    /// The anomalies of the period in the agency's scope (`services::oversight`).
    pub anomalies: DashboardAnomalies,
    /// Feedback and complaints (phản ánh, kiến nghị) of the period in the agency's scope.
    pub feedback: crate::domain::feedback::FeedbackFigures,
}

/// The anomalies the dashboard shows: each rule's count, and the agencies with any flag.
#[derive(Debug, Clone)]
pub struct DashboardAnomalies {
    pub totals: Vec<(crate::domain::anomalies::Rule, i64)>,
    pub agencies: Vec<crate::services::oversight::AgencyAnomalies>,
}

/// The leader dashboard's reads on one connection, batched: the agencies in the caller's scope,
/// the plans, the plan's targets, the prefix sums of every report and indicator of both periods
/// (one statement), the procedures by online level, the off-system counts of both periods (one
/// statement), the agencies using the system in both periods (one statement), and the online
/// submissions waiting now (the calendar, then the counts), and the anomalies of the period (one
/// statement, `services::oversight::anomalies_in`). The figures are those of
/// [`kpis`](super::kpis), [`report`](super::report()) and
/// [`intake_waiting_on`](super::intake_waiting_on) for the same selections.
pub fn dashboard(conn: &mut AnyConnection, caller: &Caller, q: DashboardQuery) -> Result<Dashboard, AppError> {
    caller.require_role(&[Role::Leader, Role::Admin])?;
    let own = caller.agency.clone().expect("staff carry an agency");
    let mut agencies = crate::storage::stats::agencies_within(conn, own.as_str())?;
    if q.hierarchy == crate::storage::stats::Hierarchy::AsIs {
        // Today's units only: an ended unit's history is counted under the unit holding its work.
        agencies.retain(|a| a.valid_to.is_none());
    }
    let plans = crate::storage::plans::list(conn)?;
    // An unknown plan is the page's error to show, not a failure of the read.
    let (plan, plan_basis) = match super::choose_plan(&plans, &q.plan) {
        Ok((plan, basis)) => (plan, Some(basis)),
        Err(_) => (None, None),
    };
    let figures = match (q.period, plan_basis) {
        (Some((from, to)), Some(basis)) if agencies.iter().any(|a| a.code == q.agency) => {
            Some(dashboard_figures(conn, caller, &q, &agencies, (plan.clone(), basis), from, to)?)
        }
        _ => None,
    };
    Ok(Dashboard { agencies, plans, plan, plan_basis, figures })
}

fn dashboard_figures(
    conn: &mut AnyConnection,
    caller: &Caller,
    q: &DashboardQuery,
    agencies: &[AgencyRow],
    (plan, plan_basis): (Option<crate::storage::plans::PlanRow>, super::PlanBasis),
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DashboardFigures, AppError> {
    let select = |from: NaiveDate, to: NaiveDate, grouping: GroupBy| {
        let query = StatsQuery {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            agency: Some(q.agency.clone()),
            agency_only: q.agency_only,
            group_by: Some(grouping.as_str().to_string()),
            hierarchy: Some(q.hierarchy.as_str().to_string()),
            counted_at: Some(q.counting.as_str().to_string()),
        };
        select_with(caller, &query, |codes| Ok(agencies.iter().filter(|a| codes.contains(&a.code)).cloned().collect()))
    };
    let now = select(from, to, GroupBy::None)?;
    // The trend compares with the period of the same length just before, when it is within bounds.
    let previous = Period::new(from, to).ok().and_then(|p| p.previous());
    let before = previous.map(|p| select(p.from(), p.to(), GroupBy::None)).transpose()?;
    let grouped = q.groupings.iter().map(|g| select(from, to, *g)).collect::<Result<Vec<_>, _>>()?;

    let mut selections = vec![&now];
    selections.extend(before.iter());
    selections.extend(grouped.iter());
    let mut computed = compute_many(conn, &selections)?.into_iter();
    let (_, total) = computed.next().expect("the period's total");
    let before_total = before.as_ref().map(|_| computed.next().expect("the previous period's total").1);
    let reports = grouped
        .into_iter()
        .zip(computed)
        .map(|(selection, (lines, total))| Report { selection, lines, total, sources: vec![] })
        .collect();

    // Both periods have the same agency: the same procedures.
    let (levels, of_province) = procedures_by_online_level(conn, &now)?;
    let periods: Vec<(NaiveDate, NaiveDate)> =
        std::iter::once((now.from, now.to)).chain(before.iter().map(|b| (b.from, b.to))).collect();
    let off = crate::storage::stats::off_system_many(conn, &periods, &now.scope, now.hierarchy)?;
    let mut using = crate::storage::stats::agencies_using_many(conn, &periods, &now.scope, now.hierarchy)?.into_iter();
    let targets = match &plan {
        Some(p) => crate::storage::plans::targets(conn, &p.id)?,
        None => vec![],
    };
    // The working calendar once, for the submissions waiting and the anomalies.
    let calendar = crate::storage::calendar::working_calendar(conn)?;
    let waiting = super::IntakeWaiting {
        agency: now.agency.clone(),
        scope: now.scope.clone(),
        now: q.now,
        agencies: super::intake::waiting_with(conn, &calendar, &now.scope, q.now)?,
    };
    let (rules, agencies_flagged) =
        crate::services::oversight::anomalies_in(conn, &calendar, &now.scope, (now.from, now.to), q.now)?;
    let anomalies =
        DashboardAnomalies { totals: rules.iter().map(|r| (r.rule, r.count)).collect(), agencies: agencies_flagged };
    // Feedback of the period (one statement), counted by the domain.
    let (start, end) = crate::domain::calendar::vietnam_days_utc(now.from, now.to);
    let feedback = crate::domain::feedback::FeedbackFigures::count(
        crate::storage::feedback::for_figures(conn, &now.scope, start, end)?,
        start,
        end,
        q.now.naive_utc(),
    );
    let kpis_of = |selection: Selection, total: &ReportRow, off: i64, using| -> Kpis {
        // Both periods count the procedures as they are; the intake rule of each period's last day.
        let boundary_free = super::indicators::procedures_boundary_free(selection.to, of_province);
        let indicators = indicators_of(total, levels, off, using, boundary_free);
        let targets = target_checks(&indicators, targets.clone());
        Kpis { selection, indicators, plan: plan.clone(), plan_basis, targets }
    };
    let kpis = kpis_of(now, &total, off[0], using.next().unwrap_or_default());
    let before = match (before, before_total) {
        (Some(sel), Some(total)) => Some(kpis_of(sel, &total, off[1], using.next().unwrap_or_default())),
        _ => None,
    };
    Ok(DashboardFigures { kpis, before, reports, waiting, anomalies, feedback })
}
