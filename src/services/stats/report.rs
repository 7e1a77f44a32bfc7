//! Biểu II.06a: one line per group and the total, from the prefix sums of the counters.
use chrono::{Datelike, Days, NaiveDate};

use super::{invalid_period, GroupBy, Selection};
use crate::domain::period::PeriodError;
use crate::domain::stats::{report as report_row, Cumulative, ReportRow};
use crate::error::AppError;
use crate::storage::stats::{cumulative_at, Grouping};
use crate::storage::AnyConnection;

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
    /// Of its dossiers, those from elsewhere by source (submitted on the national portal, handled
    /// on a ministry's system); read by the report API, not by the dashboard (empty there).
    pub sources: Vec<crate::storage::stats::SourceCount>,
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
    let (scope, hierarchy, counting) = match sels.first() {
        Some(sel) => (&sel.scope, sel.hierarchy, sel.counting),
        None => return Ok(vec![]),
    };
    debug_assert!(
        sels.iter().all(|s| format!("{:?}", s.scope) == format!("{scope:?}")
            && s.hierarchy == hierarchy
            && s.counting == counting),
        "one scope, one hierarchy, one counting"
    );
    let sums = cumulative_at(conn, &points, scope, hierarchy, counting)?;
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
