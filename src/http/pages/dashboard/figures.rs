//! What the dashboard shows for a valid selection: the cards, the charts, the tables and the
//! official report, read through the statistics services and put in the page's words.
use std::collections::HashMap;

use chrono::NaiveDate;

use super::charts::{self, group_thousands, vn_number, Series};
use super::{
    count, level_label, on_time_rate, percent, rate, trend, vn_day, Anomalies, AnomalyLine, BreakdownLine, Card, Data,
    Delay, DelayLine, IndicatorLine, Intake, IntakeLine, Link, MonthLine, Picker, ReportCell, ReportLine, WaitingLine,
    GROUPINGS, LEVELS,
};
use crate::domain::calendar::to_vietnam;
use crate::domain::period::Period;
use crate::domain::stats::{report_columns, ReportRow};
use crate::http::api::stats::{indicator_label, REPORT_HEADERS};
use crate::http::pages::percent_encode;
use crate::services::stats::{self, DashboardFigures, GroupBy, IntakeWaiting, Kpis, Report};

/// The groupings the charts need; the table may need one more ([`groupings`]).
const GROUPS: [GroupBy; 3] = [GroupBy::Month, GroupBy::Agency, GroupBy::Level];

/// The reports the page reads: the charts' groupings, and the table's when it is another one.
pub(super) fn groupings(table: &str) -> Vec<GroupBy> {
    let mut v = GROUPS.to_vec();
    let extra = match table {
        "field" => Some(GroupBy::Field),
        "none" => Some(GroupBy::None),
        _ => None,
    };
    v.extend(extra);
    v
}

const ONLINE_COLOR: &str = "#1d6fb8";
const DIRECT_COLOR: &str = "#c25e00";
const ON_TIME_COLOR: &str = "#1d6b2f";
/// The API names of columns 3–13, in order (for `data-col` on the report's cells).
const COLUMN_KEYS: [&str; 11] = [
    "received_total",
    "received_online",
    "received_direct",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
];

/// Everything the dashboard shows for a valid selection, from the figures read in the page's trip
/// (`services::stats::dashboard`, asked for [`GROUPS`] and the table's grouping).
pub(super) fn build(figures: DashboardFigures, picker: &Picker, from: NaiveDate, to: NaiveDate) -> Data {
    let DashboardFigures { kpis, before, reports, waiting, anomalies, feedback: feedback_figures } = figures;
    let previous = Period::new(from, to).ok().and_then(|p| p.previous());
    let reports: HashMap<&str, Report> = reports.into_iter().map(|r| (r.selection.grouping.as_str(), r)).collect();
    let (cards, indicators) = cards(&kpis, before.as_ref());

    // By month: received online vs in person/by post, and the on-time rate of what was resolved.
    let months = &reports["month"];
    let month_names: Vec<String> = months.lines.iter().map(|l| month_short(&l.key)).collect();
    let chart_months = charts::grouped_bars(
        "bieu-do-thang",
        "Hồ sơ tiếp nhận theo tháng: trực tuyến và trực tiếp, bưu chính",
        &format!(
            "Biểu đồ cột: mỗi tháng từ {} đến {} có hai cột, số hồ sơ tiếp nhận trực tuyến và số hồ sơ tiếp nhận trực tiếp hoặc qua bưu chính. Số liệu chi tiết ở bảng ngay sau biểu đồ.",
            vn_day(from),
            vn_day(to)
        ),
        &month_names,
        &[
            Series {
                name: "Trực tuyến",
                color: ONLINE_COLOR,
                values: months.lines.iter().map(|l| Some(l.row.received_online as f64)).collect(),
            },
            Series {
                name: "Trực tiếp, bưu chính",
                color: DIRECT_COLOR,
                values: months.lines.iter().map(|l| Some(l.row.received_direct as f64)).collect(),
            },
        ],
    );
    let chart_on_time = charts::percent_line(
        "bieu-do-dung-han",
        "Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng",
        "Biểu đồ đường: tỷ lệ phần trăm hồ sơ giải quyết trước hạn và đúng hạn trên tổng số hồ sơ đã giải quyết trong từng tháng; tháng không có hồ sơ giải quyết thì bỏ trống. Số liệu chi tiết ở bảng ngay sau biểu đồ.",
        &month_names,
        &Series {
            name: "Tỷ lệ đúng hạn (trước hạn và đúng hạn)",
            color: ON_TIME_COLOR,
            values: months.lines.iter().map(|l| on_time_rate(&l.row)).collect(),
        },
    );
    let month_lines = months
        .lines
        .iter()
        .map(|l| MonthLine {
            label: l.label.clone(),
            online: group_thousands(l.row.received_online),
            direct: group_thousands(l.row.received_direct),
            resolved: group_thousands(l.row.resolved_total),
            on_time: percent(on_time_rate(&l.row)),
        })
        .collect();

    // By agency (the ten that received most) and by level.
    let mut by_agency: Vec<&stats::ReportLine> =
        reports["agency"].lines.iter().filter(|l| l.row.received_total > 0 || l.row.resolved_total > 0).collect();
    let agencies_shown_of = by_agency.len();
    by_agency.sort_by(|a, b| b.row.received_total.cmp(&a.row.received_total).then(a.label.cmp(&b.label)));
    by_agency.truncate(10);
    let chart_agencies = breakdown_chart(
        "bieu-do-don-vi",
        "Hồ sơ tiếp nhận theo đơn vị (10 đơn vị nhiều nhất)",
        "Biểu đồ thanh ngang: mỗi đơn vị một thanh, gồm phần tiếp nhận trực tuyến và phần trực tiếp, bưu chính; con số cuối thanh là tổng số hồ sơ tiếp nhận trong kỳ (kể cả từ kỳ trước chuyển sang không được tính). Số liệu chi tiết ở bảng ngay sau biểu đồ.",
        &by_agency.iter().map(|l| (l.label.clone(), &l.row)).collect::<Vec<_>>(),
    );
    let mut by_level: Vec<&stats::ReportLine> = reports["level"].lines.iter().collect();
    by_level.sort_by_key(|l| LEVELS.iter().position(|x| *x == l.key).unwrap_or(LEVELS.len()));
    let level_lines: Vec<(String, &ReportRow)> =
        by_level.iter().map(|l| (level_label(&l.key).to_string(), &l.row)).collect();
    let chart_levels = breakdown_chart(
        "bieu-do-cap",
        "Hồ sơ tiếp nhận theo cấp",
        "Biểu đồ thanh ngang: mỗi cấp hành chính một thanh, gồm phần tiếp nhận trực tuyến và phần trực tiếp, bưu chính; con số cuối thanh là tổng. Số liệu chi tiết ở bảng ngay sau biểu đồ.",
        &level_lines,
    );

    // The official report, grouped as chosen.
    let table = &reports[picker.group_by.as_str()];
    let report_rows = table
        .lines
        .iter()
        .map(|l| ReportLine {
            label: if picker.group_by == "level" { level_label(&l.key).to_string() } else { l.label.clone() },
            cells: cells(&l.row),
        })
        .collect();
    let only = if picker.agency_only { "&agency_only=true" } else { "" };
    let api_query = format!(
        "from={from}&to={to}&agency={}{only}&group_by={}&hierarchy={}&counted_at={}",
        percent_encode(&picker.agency),
        percent_encode(&picker.group_by),
        percent_encode(&picker.hierarchy),
        percent_encode(&picker.counted_at)
    );
    let kpi_query = format!(
        "from={from}&to={to}&agency={}{only}&plan={}&hierarchy={}&counted_at={}",
        percent_encode(&picker.agency),
        percent_encode(&picker.plan),
        percent_encode(&picker.hierarchy),
        percent_encode(&picker.counted_at)
    );
    // The national indexes of the agency and of each agency below it (issue 16 item 4).
    let index_query = format!(
        "from={from}&to={to}&agency={}{only}&group_by=agency&hierarchy={}&counted_at={}",
        percent_encode(&picker.agency),
        percent_encode(&picker.hierarchy),
        percent_encode(&picker.counted_at)
    );
    let anomaly_query = format!("from={from}&to={to}");
    let anomalies = Anomalies {
        rules: anomalies.totals.iter().map(|(r, n)| (r.id(), r.name(), group_thousands(*n))).collect(),
        lines: anomalies
            .agencies
            .iter()
            .map(|a| AnomalyLine {
                code: a.agency_code.clone(),
                label: a.agency_name.clone(),
                counts: a.counts.iter().map(|n| group_thousands(*n)).collect(),
                href: format!(
                    "{}?{anomaly_query}&agency={}&agency_only=1",
                    super::anomalies::PATH,
                    percent_encode(&a.agency_code)
                ),
            })
            .collect(),
        href: format!("{}?{anomaly_query}&agency={}{only}", super::anomalies::PATH, percent_encode(&picker.agency)),
        api_href: format!(
            "/api/v1/oversight/anomalies?{anomaly_query}&agency={}{only}",
            percent_encode(&picker.agency)
        ),
    };
    let plan_title = kpis
        .plan
        .as_ref()
        .map(|p| match &p.document {
            Some(d) => format!("{d} — {}", p.title),
            None => p.title.clone(),
        })
        .unwrap_or_default();
    Data {
        agency_name: kpis.selection.agency.name.clone(),
        agency_code: kpis.selection.agency.code.clone(),
        agency_only: picker.agency_only,
        period: format!("{} – {}", vn_day(from), vn_day(to)),
        previous_period: match previous {
            Some(p) => format!("{} – {}", vn_day(p.from()), vn_day(p.to())),
            None => "(không có: kỳ đó bắt đầu trước 01/01/2000)".to_string(),
        },
        has_plan: kpis.plan.is_some(),
        plan_title,
        cards,
        indicators,
        intake: intake(&waiting, &reports["agency"]),
        delay: delay(&reports["agency"]),
        anomalies,
        feedback: feedback_figures,
        chart_months,
        chart_on_time,
        chart_agencies,
        chart_levels,
        months: month_lines,
        agencies: by_agency.iter().map(|l| breakdown_line(l.label.clone(), &l.row)).collect(),
        agencies_shown_of,
        levels: level_lines.iter().map(|(label, row)| breakdown_line(label.clone(), row)).collect(),
        report_headers: REPORT_HEADERS.to_vec(),
        report_group: GROUPINGS.iter().find(|(v, _)| *v == picker.group_by).map(|(_, l)| *l).unwrap_or_default(),
        report_rows,
        report_total: cells(&table.total),
        downloads: vec![
            Link { label: "Tải Biểu II.06a (CSV)", href: format!("/api/v1/stats/report?{api_query}&format=csv") },
            Link {
                label: "Tải Biểu II.06a (Excel XLSX)",
                href: format!("/api/v1/stats/report?{api_query}&format=xlsx"),
            },
            Link {
                label: "Tải bảng chỉ tiêu (CSV)", href: format!("/api/v1/stats/kpis?{kpi_query}&format=csv")
            },
            Link {
                label: "Tải bảng chỉ tiêu (Excel XLSX)",
                href: format!("/api/v1/stats/kpis?{kpi_query}&format=xlsx"),
            },
            Link {
                label: "Đánh giá giải quyết TTHC theo TT 01/2018 (JSON)",
                href: format!("/api/v1/stats/evaluation?{index_query}"),
            },
            Link {
                label: "Bộ chỉ số QĐ 766 và chỉ số theo NĐ 224 (JSON)",
                href: format!("/api/v1/stats/index766?{index_query}"),
            },
        ],
    }
}

/// Office minutes as hours, one decimal: `1020` → `17 giờ`, `90` → `1,5 giờ`.
fn hours(minutes: i64) -> String {
    format!("{} giờ", vn_number((minutes as f64 / 6.0).round() / 10.0))
}

/// `n (x%)` of `whole`, or `n` alone when there is nothing to divide by.
fn count_of(n: i64, whole: i64) -> String {
    match rate(n, whole) {
        Some(r) => format!("{} ({})", group_thousands(n), percent(Some(r))),
        None => group_thousands(n),
    }
}

/// The agencies with submissions waiting that the page lists, those waiting longest first (the
/// totals count all; the API lists all).
const WAITING_SHOWN: usize = 20;

/// The online intake section: the submissions waiting now (whatever the period), and the period's
/// wait for receipt in total and by agency (from the counters, with Biểu II.06a).
fn intake(waiting: &IntakeWaiting, by_agency: &Report) -> Intake {
    let total = &by_agency.total;
    let (waiting_total, past_rule_total) = waiting.totals();
    let average = |r: &ReportRow| match r.average_intake_wait_hours() {
        Some(h) => format!("{} giờ", vn_number(h)),
        None => "—".into(),
    };
    let mut lines: Vec<&stats::ReportLine> = by_agency.lines.iter().filter(|l| l.row.intake_timed > 0).collect();
    lines.sort_by(|a, b| b.row.intake_late.cmp(&a.row.intake_late).then(a.label.cmp(&b.label)));
    Intake {
        at: to_vietnam(waiting.now).format("%H:%M ngày %d/%m/%Y").to_string(),
        waiting_total: group_thousands(waiting_total),
        past_rule_total: group_thousands(past_rule_total),
        waiting_agencies: waiting.agencies.len(),
        waiting: waiting
            .agencies
            .iter()
            .take(WAITING_SHOWN)
            .map(|a| WaitingLine {
                code: a.agency_code.clone(),
                label: a.agency_name.clone(),
                waiting: group_thousands(a.waiting),
                past_rule: group_thousands(a.past_rule),
                oldest: to_vietnam(a.oldest_submitted_at).format("%H:%M %d/%m/%Y").to_string(),
                waited: hours(a.oldest_waited_minutes),
                standing: match a.oldest_working_days_past_rule {
                    0 => format!("Còn trong hạn (tiếp nhận đến hết {})", vn_day(a.oldest_receipt_due_day)),
                    n => format!("Quá hạn {n} ngày làm việc (hạn {})", vn_day(a.oldest_receipt_due_day)),
                },
            })
            .collect(),
        timed: group_thousands(total.intake_timed),
        average: average(total),
        late: count_of(total.intake_late, total.intake_timed),
        by_agency: lines
            .into_iter()
            .map(|l| IntakeLine {
                label: l.label.clone(),
                timed: group_thousands(l.row.intake_timed),
                average: average(&l.row),
                late: count_of(l.row.intake_late, l.row.intake_timed),
            })
            .collect(),
    }
}

/// Late hours caused (issue 16 item 1): the stays at route steps that ended in the period, per
/// agency that held them, those over the step's budget first, by the office hours over it (from
/// the counters written when a step ends).
fn delay(by_agency: &Report) -> Delay {
    let total = &by_agency.total;
    let mut lines: Vec<&stats::ReportLine> = by_agency.lines.iter().filter(|l| l.row.steps_ended > 0).collect();
    lines.sort_by(|a, b| {
        (b.row.step_late_minutes, b.row.steps_late)
            .cmp(&(a.row.step_late_minutes, a.row.steps_late))
            .then(a.label.cmp(&b.label))
    });
    Delay {
        ended: group_thousands(total.steps_ended),
        late: count_of(total.steps_late, total.steps_ended),
        late_hours: hours(total.step_late_minutes),
        by_agency: lines
            .into_iter()
            .map(|l| DelayLine {
                code: l.key.clone(),
                label: l.label.clone(),
                ended: group_thousands(l.row.steps_ended),
                late: count_of(l.row.steps_late, l.row.steps_ended),
                late_hours: hours(l.row.step_late_minutes),
            })
            .collect(),
    }
}

/// `2026-03` → `03/26` (the axis label; the table says `Tháng 03/2026`).
fn month_short(key: &str) -> String {
    match key.split_once('-') {
        Some((y, m)) => format!("{m}/{}", y.get(2..).unwrap_or(y)),
        None => key.to_string(),
    }
}

fn cells(row: &ReportRow) -> Vec<ReportCell> {
    COLUMN_KEYS
        .into_iter()
        .zip(&REPORT_HEADERS[1..])
        .zip(report_columns(row).iter())
        .map(|((key, label), n)| ReportCell { key, label, value: group_thousands(*n) })
        .collect()
}

fn breakdown_line(label: String, row: &ReportRow) -> BreakdownLine {
    BreakdownLine {
        label,
        online: group_thousands(row.received_online),
        direct: group_thousands(row.received_direct),
        total: group_thousands(row.received_online + row.received_direct),
        on_time: percent(on_time_rate(row)),
    }
}

fn breakdown_chart(id: &str, title: &str, desc: &str, lines: &[(String, &ReportRow)]) -> String {
    charts::stacked_rows(
        id,
        title,
        desc,
        &lines.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>(),
        &[
            Series {
                name: "Trực tuyến",
                color: ONLINE_COLOR,
                values: lines.iter().map(|(_, r)| Some(r.received_online as f64)).collect(),
            },
            Series {
                name: "Trực tiếp, bưu chính",
                color: DIRECT_COLOR,
                values: lines.iter().map(|(_, r)| Some(r.received_direct as f64)).collect(),
            },
        ],
    )
}

/// The name under which an indicator answers a target (the level-4 share follows the target's variant).
fn indicator_for(name: &str, variant: Option<&str>) -> String {
    if name == "dossiers_online_level4_pct" && variant == Some("all_resolved") {
        "dossiers_online_level4_pct_of_resolved".into()
    } else {
        name.into()
    }
}

fn find<'a>(k: &'a Kpis, name: &str, level: Option<&str>) -> Option<&'a stats::Indicator> {
    k.indicators.iter().find(|i| i.name == name && (i.level.is_none() || i.level.as_deref() == level))
}

fn cards(kpis: &Kpis, before: Option<&Kpis>) -> (Vec<Card>, Vec<IndicatorLine>) {
    let cards = kpis
        .targets
        .iter()
        .map(|t| {
            let name = indicator_for(&t.indicator, t.variant.as_deref());
            let now = find(kpis, &name, t.level.as_deref());
            let prev = before.and_then(|b| find(b, &name, t.level.as_deref())).and_then(|i| i.value);
            let (status, status_class) = match (t.target, t.gap, now.and_then(|i| i.value)) {
                (_, Some(g), _) if g >= 0.0 => ("Đạt", "met"),
                (_, Some(_), _) => ("Chưa đạt", "unmet"),
                (_, None, None) if now.is_some_and(|i| i.numerator.is_none()) => ("Hệ thống chưa đo được", "none"),
                (None, None, _) => ("Chỉ số theo dõi", "none"),
                _ => ("Chưa có số liệu", "none"),
            };
            Card {
                title: indicator_label(&name).to_string(),
                level: t.level.as_deref().map(level_label).unwrap_or_default().to_string(),
                actual: percent(t.actual),
                fraction: now
                    .and_then(|i| {
                        Some(format!("{} / {}", group_thousands(i.numerator?), group_thousands(i.denominator?)))
                    })
                    .unwrap_or_default(),
                target: match t.target {
                    Some(v) => percent(Some(v)),
                    None => "Chưa công bố".into(),
                },
                gap: match t.gap {
                    Some(g) => format!("{}{} điểm %", if g > 0.0 { "+" } else { "" }, vn_number(g)),
                    None => "—".into(),
                },
                status,
                status_class,
                deadline: t.deadline.map(vn_day).unwrap_or_else(|| "Văn bản không ghi".into()),
                wording: t.wording.clone(),
                source_line: t.source_line.clone(),
                note: t.note.clone().unwrap_or_default(),
                previous: percent(prev),
                trend: trend(t.actual, prev),
            }
        })
        .collect();
    let lines = kpis
        .indicators
        .iter()
        .map(|i| {
            let prev = before.and_then(|b| find(b, &i.name, i.level.as_deref())).and_then(|p| p.value);
            let mut label = indicator_label(&i.name).to_string();
            if let Some(l) = &i.level {
                label = format!("{label} — {}", level_label(l).to_lowercase());
            }
            IndicatorLine {
                label,
                key: match &i.level {
                    Some(l) => format!("{}.{l}", i.name),
                    None => i.name.clone(),
                },
                numerator: count(i.numerator),
                denominator: count(i.denominator),
                value: percent(i.value),
                previous: percent(prev),
                trend: trend(i.value, prev),
            }
        })
        .collect();
    (cards, lines)
}
