//! The indicators of DOMAIN.md §6.2 and the plans' targets beside them.
use chrono::NaiveDate;

use super::Selection;
use crate::domain::stats::ReportRow;
use crate::error::AppError;
use crate::storage::AnyConnection;

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
    /// None: a tracked metric, for which no source gives a target value.
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub gap: Option<f64>,
    /// None: the source sets no deadline.
    pub deadline: Option<NaiveDate>,
    pub wording: String,
    pub source_line: String,
    /// The metric as the source names it (tracked metrics).
    pub description: Option<String>,
    /// How the source was read (the plan file's `ambiguity`).
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Kpis {
    pub selection: Selection,
    pub indicators: Vec<Indicator>,
    pub plan: Option<crate::storage::plans::PlanRow>,
    /// Where `plan` comes from.
    pub plan_basis: super::PlanBasis,
    pub targets: Vec<TargetCheck>,
}

/// The indicators for a selection (DOMAIN.md §6.2), with the variants the plans need, by name:
/// - `procedures_level3_pct` exactly level 3, `procedures_level3plus_pct` level 3 or 4;
/// - `dossiers_online_level4_pct` over all received (`all_received`), and
///   `dossiers_online_level4_pct_of_resolved` over all resolved (`all_resolved`).
pub fn indicators(conn: &mut AnyConnection, sel: &Selection, total: &ReportRow) -> Result<Vec<Indicator>, AppError> {
    let (levels, of_province) = procedures_by_online_level(conn, sel)?;
    let off = crate::storage::stats::off_system(conn, sel.from, sel.to, &sel.scope, sel.hierarchy)?;
    let using = crate::storage::stats::agencies_using(conn, sel.from, sel.to, &sel.scope, sel.hierarchy)?;
    let boundary_free = procedures_boundary_free(sel.to, of_province);
    Ok(indicators_of(total, levels, off, using, boundary_free))
}

/// The procedures of the province that any centre of the province receives on `last_day` (a
/// selection's last day), and the procedures of the province (`of_province`): what motcua's intake
/// rule allows (`domain::intake_boundary`: from 01/07/2025 every procedure with a local receiving
/// level), province-wide whatever agency is selected.
pub(super) fn procedures_boundary_free(last_day: NaiveDate, of_province: i64) -> (i64, i64) {
    let allowed = if crate::domain::intake_boundary::is_boundary_free_on(last_day) { of_province } else { 0 };
    (allowed, of_province)
}

/// The current procedures the selected agency's level receives, by online level 1–4; and the
/// current procedures of the province.
pub(super) fn procedures_by_online_level(
    conn: &mut AnyConnection,
    sel: &Selection,
) -> Result<([i64; 4], i64), AppError> {
    let receiving_level =
        (sel.agency.parent_code.is_some() || sel.agency.level != "province").then(|| sel.agency.level.clone());
    Ok(crate::storage::procedures::count_by_online_level(conn, receiving_level.as_deref())?)
}

/// [`indicators`] from what they are computed of: the period's report total, the procedures by
/// online level, the off-system count and the agencies using the system by level.
pub(super) fn indicators_of(
    total: &ReportRow,
    [l1, l2, l3, l4]: [i64; 4],
    off: i64,
    using: Vec<(String, i64, i64)>,
    (boundary_free, of_province): (i64, i64),
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
        "online_received_late_pct",
        None,
        total.intake_late,
        total.intake_timed,
        Some(
            "online dossiers received after the working day the regime allows after their submission (1: the next; \
             no source found, domain::intake_latency) ÷ online dossiers received in the period whose wait is recorded",
        ),
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
    v.push(pct(
        "procedures_boundary_free_pct",
        None,
        boundary_free,
        of_province,
        Some(
            "procedures of the province any centre of the province may receive on the period's last day under \
             motcua's intake rule (from 01/07/2025) ÷ procedures of the province: what the system allows, province-wide, \
             not dossiers actually received elsewhere",
        ),
    ));
    v.push(not_measured(
        "process_automation_pct",
        "motcua records no step as automated, and the references give no formula (ND 224/2026 Điều 19.2)",
    ));
    v.push(not_measured(
        "processing_time_days",
        "not computed yet: the references give no formula (mean or median, working or calendar days)",
    ));
    v
}

pub(super) fn target_checks(
    indicators: &[Indicator],
    targets: Vec<crate::storage::plans::PlanTargetRow>,
) -> Vec<TargetCheck> {
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
                gap: actual.zip(t.value).map(|(a, v)| ((a - v) * 100.0).round() / 100.0),
                deadline: t.deadline,
                wording: t.wording,
                source_line: t.source_line,
                description: t.description,
                note: t.ambiguity,
            })
        })
        .collect()
}
