//! The read side for leaders: Biểu II.06a and the plans' indicators, from prefix sums of counters.
use chrono::{Datelike, Days, NaiveDate};

use crate::auth::Caller;
use crate::domain::period::{Period, PeriodError};
use crate::domain::stats::{report as report_row, Cumulative, ReportRow};
use crate::domain::{AgencyCode, Role};
use crate::error::AppError;
use crate::storage::agencies::AgencyRow;
use crate::storage::stats::{cumulative_at, Grouping, Scope};
use crate::storage::{self, AnyConnection, Pool};

/// A report's parameters, as they arrive from outside.
#[derive(Debug, Clone, Default)]
pub struct StatsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
    /// Only the agency itself, not its subtree.
    pub agency_only: bool,
    pub group_by: Option<String>,
}

/// A validated period and scope.
#[derive(Debug, Clone)]
pub struct Selection {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agency: AgencyRow,
    pub scope: Scope,
    pub grouping: GroupBy,
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

/// One line of the report: what it groups by, and columns 3–13.
#[derive(Debug, Clone)]
pub struct ReportLine {
    pub key: String,
    pub label: String,
    pub row: ReportRow,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub selection: Selection,
    pub lines: Vec<ReportLine>,
    pub total: ReportRow,
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
fn select_with(
    caller: &Caller,
    q: &StatsQuery,
    read: impl FnOnce(&[String]) -> Result<Vec<AgencyRow>, AppError>,
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
    select_among(&rows, from, to, grouping, &own, picked.as_ref(), q.agency_only)
}

/// The scope checks of [`select`] among agency rows already read (which hold the caller's agency
/// and the one asked for, when they exist).
fn select_among(
    rows: &[AgencyRow],
    from: NaiveDate,
    to: NaiveDate,
    grouping: GroupBy,
    own: &AgencyCode,
    picked: Option<&AgencyCode>,
    agency_only: bool,
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
    let within = agency.path == own_row.path || agency.path.starts_with(&format!("{}/", own_row.path));
    if !within {
        return Err(AppError::new(
            crate::error::ErrorCode::OutOfScope,
            "you can read statistics of your agency and the agencies below it",
        ));
    }
    let scope = if agency_only { Scope::Agency(agency.code.clone()) } else { Scope::Subtree(agency.path.clone()) };
    Ok(Selection { from, to, agency, scope, grouping })
}

/// The day before a period's first day (a period is bounded, so it exists; an error rather than a panic).
fn day_before(d: NaiveDate) -> Result<NaiveDate, AppError> {
    d.checked_sub_days(Days::new(1)).ok_or(invalid_period(PeriodError::OutOfBounds("from")))
}

/// Biểu II.06a for a selection: one line per group, and the total, from one read of the prefix
/// sums at every day the lines need (`storage::stats::cumulative_at`).
pub fn compute(conn: &mut AnyConnection, sel: &Selection) -> Result<(Vec<ReportLine>, ReportRow), AppError> {
    Ok(compute_many(conn, &[sel])?.pop().expect("one selection, one report"))
}

/// [`compute`] for several selections of the same scope, in one read of the prefix sums.
pub fn compute_many(
    conn: &mut AnyConnection,
    sels: &[&Selection],
) -> Result<Vec<(Vec<ReportLine>, ReportRow)>, AppError> {
    let mut points = Vec::new();
    let mut plans = Vec::new();
    for sel in sels {
        let (p, ends) = points_of(sel)?;
        plans.push((points.len(), p.len(), ends));
        points.extend(p);
    }
    let scope = match sels.first() {
        Some(sel) => &sel.scope,
        None => return Ok(vec![]),
    };
    debug_assert!(sels.iter().all(|s| format!("{:?}", s.scope) == format!("{scope:?}")), "one scope");
    let sums = cumulative_at(conn, &points, scope)?;
    sels.iter().zip(plans).map(|(sel, (start, len, ends))| lines_of(sel, &sums[start..start + len], &ends)).collect()
}

/// The points a selection's report reads, and for a report by month, each month's first and last day.
#[allow(clippy::type_complexity)]
fn points_of(sel: &Selection) -> Result<(Vec<(NaiveDate, Grouping)>, Vec<(NaiveDate, NaiveDate)>), AppError> {
    let start = day_before(sel.from)?;
    Ok(match sel.grouping {
        GroupBy::None => (vec![(start, Grouping::None), (sel.to, Grouping::None)], vec![]),
        GroupBy::Month => {
            // The day before the period, then the last day of each month in it.
            let mut ends = Vec::new();
            let mut month = sel.from;
            while month <= sel.to {
                let next_month = crate::storage::stats::month_of(month)
                    .checked_add_months(chrono::Months::new(1))
                    .ok_or(invalid_period(PeriodError::OutOfBounds("to")))?;
                ends.push((month, day_before(next_month)?.min(sel.to)));
                month = next_month;
            }
            let mut points = vec![(start, Grouping::None)];
            points.extend(ends.iter().map(|(_, end)| (*end, Grouping::None)));
            (points, ends)
        }
        g => {
            let grouping = match g {
                GroupBy::Agency => Grouping::Agency,
                GroupBy::Level => Grouping::Level,
                _ => Grouping::Field,
            };
            (vec![(start, grouping), (sel.to, grouping), (start, Grouping::None), (sel.to, Grouping::None)], vec![])
        }
    })
}

/// A selection's lines and total from the sums at its points ([`points_of`]).
fn lines_of(
    sel: &Selection,
    sums: &[Vec<(String, String, Cumulative)>],
    ends: &[(NaiveDate, NaiveDate)],
) -> Result<(Vec<ReportLine>, ReportRow), AppError> {
    let get = |v: &[(String, String, Cumulative)]| v.first().map(|(_, _, c)| *c).unwrap_or_default();
    match sel.grouping {
        GroupBy::None => Ok((vec![], report_row(&get(&sums[0]), &get(&sums[1])))),
        GroupBy::Month => {
            let lines = ends
                .iter()
                .enumerate()
                .map(|(i, (first, _))| ReportLine {
                    key: format!("{:04}-{:02}", first.year(), first.month()),
                    label: format!("Tháng {:02}/{:04}", first.month(), first.year()),
                    row: report_row(&get(&sums[i]), &get(&sums[i + 1])),
                })
                .collect();
            Ok((lines, report_row(&get(&sums[0]), &get(&sums[sums.len() - 1]))))
        }
        g => {
            let by_key =
                |v: &[(String, String, Cumulative)]| -> std::collections::HashMap<String, (String, Cumulative)> {
                    v.iter().map(|(k, l, c)| (k.clone(), (l.clone(), *c))).collect()
                };
            let (before, end) = (by_key(&sums[0]), by_key(&sums[1]));
            let mut keys: Vec<&String> = before.keys().chain(end.keys()).collect();
            keys.sort();
            keys.dedup();
            let lines = keys
                .into_iter()
                .map(|k| {
                    let label = end.get(k).or(before.get(k)).map(|(l, _)| l.clone()).unwrap_or_else(|| k.clone());
                    let label = if g == GroupBy::Agency { label } else { k.clone() };
                    ReportLine {
                        key: k.clone(),
                        label,
                        row: report_row(
                            &before.get(k).map(|(_, c)| *c).unwrap_or_default(),
                            &end.get(k).map(|(_, c)| *c).unwrap_or_default(),
                        ),
                    }
                })
                .filter(|l| l.row != ReportRow::default())
                .collect();
            Ok((lines, report_row(&get(&sums[2]), &get(&sums[3]))))
        }
    }
}

pub async fn report(pool: &Pool, caller: Caller, q: StatsQuery) -> Result<Report, AppError> {
    storage::run(pool, move |conn| report_on(conn, &caller, q)).await
}

/// [`report`] on a connection the caller holds (the handler's one trip).
pub fn report_on(conn: &mut AnyConnection, caller: &Caller, q: StatsQuery) -> Result<Report, AppError> {
    let selection = select(conn, caller, &q)?;
    let (lines, total) = compute(conn, &selection)?;
    Ok(Report { selection, lines, total })
}

/// One indicator of DOMAIN.md §6.2: numerator, denominator and the percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    /// For per-level indicators (agencies_using_pct).
    pub level: Option<String>,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// Percentage 0–100, two decimals; None when the denominator is zero or nothing is measured.
    pub value: Option<f64>,
    pub note: Option<&'static str>,
}

fn pct(name: &str, level: Option<&str>, numerator: i64, denominator: i64, note: Option<&'static str>) -> Indicator {
    Indicator {
        name: name.to_string(),
        level: level.map(str::to_string),
        numerator: Some(numerator),
        denominator: Some(denominator),
        value: (denominator > 0).then(|| (numerator as f64 * 10000.0 / denominator as f64).round() / 100.0),
        note,
    }
}

fn not_measured(name: &str, note: &'static str) -> Indicator {
    Indicator { name: name.to_string(), level: None, numerator: None, denominator: None, value: None, note: Some(note) }
}

/// A plan target beside the actual value.
#[derive(Debug, Clone)]
pub struct TargetCheck {
    pub indicator: String,
    pub level: Option<String>,
    pub variant: Option<String>,
    pub target: f64,
    pub actual: Option<f64>,
    pub gap: Option<f64>,
    pub deadline: NaiveDate,
    pub wording: String,
    pub source_line: String,
}

#[derive(Debug, Clone)]
pub struct Kpis {
    pub selection: Selection,
    pub indicators: Vec<Indicator>,
    pub plan: Option<crate::storage::plans::PlanRow>,
    pub targets: Vec<TargetCheck>,
}

/// The indicators for a selection (DOMAIN.md §6.2), with the variants the plans need, by name:
/// - `procedures_level3_pct` exactly level 3, `procedures_level3plus_pct` level 3 or 4;
/// - `dossiers_online_level4_pct` over all received (`all_received`), and
///   `dossiers_online_level4_pct_of_resolved` over all resolved (`all_resolved`).
pub fn indicators(conn: &mut AnyConnection, sel: &Selection, total: &ReportRow) -> Result<Vec<Indicator>, AppError> {
    let levels = procedures_by_online_level(conn, sel)?;
    let off = crate::storage::stats::off_system(conn, sel.from, sel.to, &sel.scope)?;
    let using = crate::storage::stats::agencies_using(conn, sel.from, sel.to, &sel.scope)?;
    Ok(indicators_of(total, levels, off, using))
}

/// The current procedures the selected agency's level receives, by online level 1–4.
fn procedures_by_online_level(conn: &mut AnyConnection, sel: &Selection) -> Result<[i64; 4], AppError> {
    let receiving_level =
        (sel.agency.parent_code.is_some() || sel.agency.level != "province").then(|| sel.agency.level.clone());
    Ok(crate::storage::procedures::count_by_online_level(conn, receiving_level.as_deref())?)
}

/// [`indicators`] from what they are computed of: the period's report total, the procedures by
/// online level, the off-system count and the agencies using the system by level.
fn indicators_of(
    total: &ReportRow,
    [l1, l2, l3, l4]: [i64; 4],
    off: i64,
    using: Vec<(String, i64, i64)>,
) -> Vec<Indicator> {
    let all = l1 + l2 + l3 + l4;
    let received = total.received_online + total.received_direct;
    let mut v = vec![
        pct("procedures_level3_pct", None, l3, all, Some("exactly level 3 (một phần)")),
        pct("procedures_level4_pct", None, l4, all, Some("exactly level 4 (toàn trình)")),
        pct("procedures_level3plus_pct", None, l3 + l4, all, Some("level 3 or 4")),
        pct(
            "dossiers_online_pct",
            None,
            total.received_online,
            received,
            Some("received online ÷ received in the period"),
        ),
        pct(
            "dossiers_online_level4_pct",
            None,
            total.received_online_level4,
            received,
            Some("variant all_received: online dossiers of level-4 procedures ÷ dossiers received"),
        ),
        pct(
            "dossiers_online_level4_pct_of_resolved",
            None,
            total.received_online_level4,
            total.resolved_total,
            Some("variant all_resolved: online dossiers of level-4 procedures ÷ dossiers resolved"),
        ),
    ];
    v.push(pct(
        "dossiers_in_system_pct",
        None,
        received,
        received + off,
        Some("received in motcua ÷ (received in motcua + off-system counts entered for periods inside this one)"),
    ));
    for (level, active, agencies) in using {
        v.push(pct(
            "agencies_using_pct",
            Some(&level),
            active,
            agencies,
            Some("agencies with a dossier received in the period ÷ agencies handling procedures"),
        ));
    }
    v.push(pct(
        "on_time_pct",
        None,
        total.resolved_early + total.resolved_on_time,
        total.resolved_total,
        Some("(early + on time) ÷ resolved, against the statutory due date"),
    ));
    v.push(pct(
        "satisfaction_pct",
        None,
        total.rated_satisfied,
        total.rated,
        Some("ratings of 4–5 ÷ ratings given in the period"),
    ));
    v.push(not_measured("online_payment_pct", "online fee payment is not part of motcua yet"));
    v.push(not_measured("electronic_result_pct", "electronic results are not part of motcua yet"));
    v
}

fn target_checks(indicators: &[Indicator], targets: Vec<crate::storage::plans::PlanTargetRow>) -> Vec<TargetCheck> {
    targets
        .into_iter()
        .filter_map(|t| {
            let name = t.indicator.clone()?;
            // The level-4 dossier share's denominator follows the target's variant.
            let lookup = if name == "dossiers_online_level4_pct" && t.variant.as_deref() == Some("all_resolved") {
                "dossiers_online_level4_pct_of_resolved".to_string()
            } else {
                name.clone()
            };
            let actual = indicators
                .iter()
                .find(|i| i.name == lookup && (i.level.is_none() || i.level == t.level))
                .and_then(|i| i.value);
            Some(TargetCheck {
                indicator: name,
                level: t.level,
                variant: t.variant,
                target: t.value,
                actual,
                gap: actual.map(|a| ((a - t.value) * 100.0).round() / 100.0),
                deadline: t.deadline,
                wording: t.wording,
                source_line: t.source_line,
            })
        })
        .collect()
}

pub async fn kpis(pool: &Pool, caller: Caller, q: StatsQuery, plan: Option<String>) -> Result<Kpis, AppError> {
    storage::run(pool, move |conn| kpis_on(conn, &caller, q, plan)).await
}

/// [`kpis`] on a connection the caller holds (the handler's one trip).
pub fn kpis_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    q: StatsQuery,
    plan: Option<String>,
) -> Result<Kpis, AppError> {
    let selection = select(conn, caller, &q)?;
    let plan = match plan {
        None => None,
        Some(id) => Some(crate::storage::plans::list(conn)?.into_iter().find(|p| p.id == id).ok_or_else(|| {
            AppError::new(
                crate::error::ErrorCode::UnknownPlan,
                format!("no plan has the id `{}`; see seeds/plans", id.chars().take(60).collect::<String>()),
            )
        })?),
    };
    let (_, total) = compute(conn, &Selection { grouping: GroupBy::None, ..selection.clone() })?;
    let indicators = indicators(conn, &selection, &total)?;
    let targets = match &plan {
        Some(p) => target_checks(&indicators, crate::storage::plans::targets(conn, &p.id)?),
        None => vec![],
    };
    Ok(Kpis { selection, indicators, plan, targets })
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
        let q = StatsQuery { from, to, agency: Some(agency), agency_only: true, group_by: None };
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

/// What the leader dashboard (`/lanh-dao`) asks for, its pickers already read.
#[derive(Debug, Clone)]
pub struct DashboardQuery {
    /// The agency chosen (a code, as typed).
    pub agency: String,
    /// Only the agency itself, not its subtree.
    pub agency_only: bool,
    /// The plan whose targets the cards show.
    pub plan: String,
    /// The period, when the pickers hold a valid one; without it only the pickers' lists are read.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// The groupings of Biểu II.06a the page shows, besides the plan's indicators.
    pub groupings: Vec<GroupBy>,
}

/// Everything the leader dashboard shows, read in one trip.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The caller's agency and the agencies below it (the agency picker), by path.
    pub agencies: Vec<AgencyRow>,
    /// Every plan (the plan picker).
    pub plans: Vec<crate::storage::plans::PlanRow>,
    /// None without a period, or when the agency is not among `agencies` or the plan not among `plans`.
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
}

/// The leader dashboard's reads on one connection, batched: the agencies in the caller's scope,
/// the plans, the plan's targets, the prefix sums of every report and indicator of both periods
/// (one statement), the procedures by online level, the off-system counts of both periods (one
/// statement) and the agencies using the system in each period. The figures are those of
/// [`kpis`] and [`report`] for the same selections.
pub fn dashboard(conn: &mut AnyConnection, caller: &Caller, q: DashboardQuery) -> Result<Dashboard, AppError> {
    caller.require_role(&[Role::Leader, Role::Admin])?;
    let own = caller.agency.clone().expect("staff carry an agency");
    let agencies = crate::storage::stats::agencies_within(conn, own.as_str())?;
    let plans = crate::storage::plans::list(conn)?;
    let plan = plans.iter().find(|p| p.id == q.plan).cloned();
    let figures = match (q.period, plan) {
        (Some((from, to)), Some(plan)) if agencies.iter().any(|a| a.code == q.agency) => {
            Some(dashboard_figures(conn, caller, &q, &agencies, plan, from, to)?)
        }
        _ => None,
    };
    Ok(Dashboard { agencies, plans, figures })
}

fn dashboard_figures(
    conn: &mut AnyConnection,
    caller: &Caller,
    q: &DashboardQuery,
    agencies: &[AgencyRow],
    plan: crate::storage::plans::PlanRow,
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
        .map(|(selection, (lines, total))| Report { selection, lines, total })
        .collect();

    // Both periods have the same agency: the same procedures.
    let levels = procedures_by_online_level(conn, &now)?;
    let periods: Vec<(NaiveDate, NaiveDate)> =
        std::iter::once((now.from, now.to)).chain(before.iter().map(|b| (b.from, b.to))).collect();
    let off = crate::storage::stats::off_system_many(conn, &periods, &now.scope)?;
    let targets = crate::storage::plans::targets(conn, &plan.id)?;
    let mut kpis_of = |selection: Selection, total: &ReportRow, off: i64| -> Result<Kpis, AppError> {
        let using = crate::storage::stats::agencies_using(conn, selection.from, selection.to, &selection.scope)?;
        let indicators = indicators_of(total, levels, off, using);
        let targets = target_checks(&indicators, targets.clone());
        Ok(Kpis { selection, indicators, plan: Some(plan.clone()), targets })
    };
    let kpis = kpis_of(now, &total, off[0])?;
    let before = match (before, before_total) {
        (Some(sel), Some(total)) => Some(kpis_of(sel, &total, off[1])?),
        _ => None,
    };
    Ok(DashboardFigures { kpis, before, reports })
}
