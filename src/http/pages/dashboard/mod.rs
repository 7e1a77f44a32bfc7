//! The leader dashboard, `/lanh-dao`: the plan's indicators as cards (actual, target, gap, trend
//! against the previous period of the same length), charts by month, agency and level (SVG drawn on
//! the server, each with a text alternative and the same numbers in a table), and Biểu II.06a
//! (TT 01/2020/TT-VPCP) with its CSV/XLSX downloads. Leaders and administrators only, within their
//! agency's subtree (the services check the scope again).
//!
//! This module reads the pickers and renders the page; `figures` computes what it shows and
//! `charts` draws the SVG.
pub mod anomalies;
mod charts;
mod figures;

use crate::http::context::AppContext;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Deserialize;

use super::{percent_encode, render, Layout, PageError, PageSession, DASHBOARD_PATH};
use crate::domain::labels::level_label_vi as level_label;
use crate::domain::period::PeriodError;
use crate::domain::stats::ReportRow;
use crate::domain::Role;
use crate::services::stats;
use charts::{group_thousands, vn_number};

/// The plan picker's value for "compare with no plan" (the API's `plan=none`).
const NO_PLAN: &str = "none";
/// Agency levels from the top.
const LEVELS: [&str; 4] = ["ministry", "province", "district", "commune"];
const GROUPINGS: [(&str, &str); 5] = [
    ("agency", "Theo đơn vị"),
    ("level", "Theo cấp"),
    ("field", "Theo lĩnh vực"),
    ("month", "Theo tháng"),
    ("none", "Chỉ dòng tổng cộng"),
];
const HIERARCHIES: [(&str, &str); 2] =
    [("as_is", "Theo đơn vị hiện nay"), ("as_was", "Theo đơn vị tại thời điểm tiếp nhận hồ sơ")];

const COUNTINGS: [(&str, &str); 2] =
    [("receiving", "Đơn vị tiếp nhận hồ sơ"), ("deciding", "Đơn vị có thẩm quyền giải quyết")];

/// The query string as it arrives; empty values count as absent.
#[derive(Debug, Default, Deserialize)]
struct Params {
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
    plan: Option<String>,
    group_by: Option<String>,
    /// Present (any value but `0`/`false`): the agency itself, without the agencies below it.
    agency_only: Option<String>,
    /// `as_is` (default) or `as_was`.
    hierarchy: Option<String>,
    /// `receiving` (default) or `deciding`.
    counted_at: Option<String>,
}

/// What the pickers show (the raw input, so a wrong value can be corrected).
struct Picker {
    from: String,
    to: String,
    agency: String,
    plan: String,
    group_by: String,
    agency_only: bool,
    hierarchy: String,
    counted_at: String,
}

impl Picker {
    /// This page's address with the pickers' values and another period.
    fn href(&self, from: &str, to: &str) -> String {
        let mut q = format!("{DASHBOARD_PATH}?from={}&to={}", percent_encode(from), percent_encode(to));
        for (k, v) in [
            ("agency", self.agency.as_str()),
            ("plan", self.plan.as_str()),
            ("group_by", &self.group_by),
            ("hierarchy", &self.hierarchy),
            ("counted_at", &self.counted_at),
        ] {
            if !v.is_empty() {
                q.push_str(&format!("&{k}={}", percent_encode(v)));
            }
        }
        if self.agency_only {
            q.push_str("&agency_only=1");
        }
        q
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct ChoiceGroup {
    label: &'static str,
    choices: Vec<Choice>,
}

struct QuickLink {
    label: &'static str,
    href: String,
    current: bool,
}

struct Link {
    label: &'static str,
    href: String,
}

/// One indicator card: a plan target beside the actual value, the gap and the trend.
struct Card {
    title: String,
    level: String,
    actual: String,
    fraction: String,
    target: String,
    gap: String,
    status: &'static str,
    status_class: &'static str,
    deadline: String,
    wording: String,
    source_line: String,
    /// How the source was read and how motcua measures it (or why it cannot).
    note: String,
    previous: String,
    trend: Trend,
}

struct Trend {
    arrow: &'static str,
    text: &'static str,
    class: &'static str,
}

/// A row of the "all indicators" table.
struct IndicatorLine {
    label: String,
    key: String,
    numerator: String,
    denominator: String,
    value: String,
    previous: String,
    trend: Trend,
}

struct MonthLine {
    label: String,
    online: String,
    direct: String,
    resolved: String,
    on_time: String,
}

struct BreakdownLine {
    label: String,
    online: String,
    direct: String,
    total: String,
    on_time: String,
}

struct ReportLine {
    label: String,
    cells: Vec<ReportCell>,
}

/// One number of Biểu II.06a: its column (API name), its header (the label on a phone) and value.
struct ReportCell {
    key: &'static str,
    label: &'static str,
    value: String,
}

/// One agency's online submissions waiting for a clerk now.
struct WaitingLine {
    code: String,
    label: String,
    waiting: String,
    past_rule: String,
    oldest: String,
    waited: String,
    /// Whether the oldest is past its receipt day, in words.
    standing: String,
}

/// One agency's wait for receipt over the period.
struct IntakeLine {
    label: String,
    timed: String,
    average: String,
    late: String,
}

/// Online intake (issue 15 item 7): the submissions waiting now, and the period's wait.
struct Intake {
    /// The moment the waiting submissions are counted.
    at: String,
    waiting_total: String,
    past_rule_total: String,
    /// The agencies with submissions waiting, of which `waiting` lists the first.
    waiting_agencies: usize,
    waiting: Vec<WaitingLine>,
    timed: String,
    average: String,
    late: String,
    by_agency: Vec<IntakeLine>,
}

/// One agency's stays at route steps that ended in the period (issue 16 item 1).
struct DelayLine {
    code: String,
    label: String,
    ended: String,
    late: String,
    /// The office hours over the steps' budgets: "late hours caused".
    late_hours: String,
}

/// Delay attribution summed per agency: the agencies that caused the most late hours first.
struct Delay {
    ended: String,
    late: String,
    late_hours: String,
    by_agency: Vec<DelayLine>,
}

/// One agency's anomaly counts, in the order of `Anomalies::rules`.
struct AnomalyLine {
    code: String,
    label: String,
    counts: Vec<String>,
    /// The agency's flags with their dossiers (the JSON API; the session cookie signs it in).
    href: String,
}

/// Anomalies that suggest gaming (issue 16 item 3) in the period, per agency.
struct Anomalies {
    /// Each rule's id, Vietnamese name and count in the whole selection.
    rules: Vec<(&'static str, &'static str, String)>,
    lines: Vec<AnomalyLine>,
    /// Every rule's flags for the selection: the page, and the JSON API.
    href: String,
    api_href: String,
}

struct Data {
    agency_name: String,
    agency_code: String,
    agency_only: bool,
    period: String,
    previous_period: String,
    plan_title: String,
    /// A plan's targets are compared (false: the indicators alone).
    has_plan: bool,
    cards: Vec<Card>,
    indicators: Vec<IndicatorLine>,
    intake: Intake,
    delay: Delay,
    anomalies: Anomalies,
    /// Feedback and complaints of the period: received, answered, answered late, open past due.
    feedback: crate::domain::feedback::FeedbackFigures,
    chart_months: String,
    chart_on_time: String,
    chart_agencies: String,
    chart_levels: String,
    months: Vec<MonthLine>,
    agencies: Vec<BreakdownLine>,
    agencies_shown_of: usize,
    levels: Vec<BreakdownLine>,
    report_headers: Vec<&'static str>,
    report_group: &'static str,
    report_rows: Vec<ReportLine>,
    report_total: Vec<ReportCell>,
    downloads: Vec<Link>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    picker: Picker,
    agencies: Vec<ChoiceGroup>,
    plans: Vec<Choice>,
    groupings: Vec<Choice>,
    hierarchies: Vec<Choice>,
    countings: Vec<Choice>,
    quick: Vec<QuickLink>,
    errors: Vec<String>,
    /// Which plan the cards compare with and whether it is in force today (empty: nothing read).
    plan_notice: String,
    /// No plan is in force today.
    none_in_force: bool,
    data: Option<Data>,
}

/// 403 for a signed-in user who is not a leader or an administrator.
#[derive(Template)]
#[template(path = "dashboard_forbidden.html")]
struct ForbiddenPage {
    layout: Layout,
    role: String,
    hint: &'static str,
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

fn vn_day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn percent(v: Option<f64>) -> String {
    v.map(|v| format!("{}%", vn_number(v))).unwrap_or_else(|| "—".into())
}

fn count(v: Option<i64>) -> String {
    v.map(group_thousands).unwrap_or_else(|| "—".into())
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

fn on_time_rate(r: &ReportRow) -> Option<f64> {
    rate(r.resolved_early + r.resolved_on_time, r.resolved_total)
}

fn trend(now: Option<f64>, before: Option<f64>) -> Trend {
    match (now, before) {
        (Some(a), Some(b)) if a > b + 1e-9 => Trend { arrow: "▲", text: "tăng so với kỳ trước", class: "up" },
        (Some(a), Some(b)) if a < b - 1e-9 => {
            Trend { arrow: "▼", text: "giảm so với kỳ trước", class: "down" }
        }
        (Some(_), Some(_)) => Trend { arrow: "▬", text: "không đổi so với kỳ trước", class: "flat" },
        _ => Trend { arrow: "", text: "không so sánh được với kỳ trước", class: "flat" },
    }
}

/// The quick period choices, each ending today at the latest.
fn quick_periods(today: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let month_start = today.with_day(1).expect("day 1 exists");
    let last_month_end = month_start - Days::new(1);
    let last_month_start = last_month_end.with_day(1).expect("day 1 exists");
    let quarter_start = NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).expect("valid");
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("valid");
    let last_year_start = year_start - Months::new(12);
    let last_year_end = year_start - Days::new(1);
    vec![
        ("Tháng này", month_start, today),
        ("Tháng trước", last_month_start, last_month_end),
        ("Quý này", quarter_start, today),
        ("Năm nay", year_start, today),
        ("Năm trước", last_year_start, last_year_end),
    ]
}

fn parse_day(label: &str, raw: &str, errors: &mut Vec<String>) -> Option<NaiveDate> {
    // The same bounds as the API's periods (`domain::period`): 2000–2100.
    match crate::domain::period::parse_day("day", raw) {
        Ok(d) => Some(d),
        Err(PeriodError::OutOfBounds(_)) => {
            errors.push(format!("“{label}” phải là một ngày từ 01/01/2000 đến 31/12/2100 (“{}”).", short(raw)));
            None
        }
        Err(_) => {
            errors.push(format!(
                "“{label}” không phải một ngày hợp lệ (“{}”): chọn ngày trong lịch hoặc nhập theo dạng năm-tháng-ngày, ví dụ 2026-01-31.",
                short(raw)
            ));
            None
        }
    }
}

/// The leaders' pages refuse anyone else with a page that says where to go instead. The account
/// is checked all the same: a disabled one is sent to sign in.
async fn forbidden(ctx: &AppContext, req: &HttpRequest, session: PageSession) -> Result<HttpResponse, PageError> {
    let caller = session.run(&ctx.pool, |_, caller| Ok(caller)).await?;
    let layout = Layout::new(Some(&caller), req.path());
    let hint = match caller.role {
        Role::Citizen => "Bạn có thể theo dõi hồ sơ của mình ở mục “Hồ sơ của tôi”.",
        _ => "Bạn có thể xử lý hồ sơ ở mục “Hồ sơ cần xử lý”; số liệu thống kê do lãnh đạo đơn vị xem.",
    };
    let page = ForbiddenPage { layout, role: super::role_label(caller.role).to_lowercase(), hint };
    Ok(render(StatusCode::FORBIDDEN, &page))
}

/// GET /lanh-dao: the dashboard for leaders and administrators.
pub async fn dashboard(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    session: PageSession,
) -> Result<HttpResponse, PageError> {
    if !matches!(session.claimed().role, Role::Leader | Role::Admin) {
        return forbidden(&ctx, &req, session).await;
    }
    let now = ctx.clock.now();
    let today = crate::domain::calendar::to_vietnam(now).date_naive();
    let mut errors = Vec::new();
    let params = web::Query::<Params>::from_query(req.query_string()).map(|q| q.into_inner()).unwrap_or_else(|_| {
        errors.push("Địa chỉ trang có tham số không đọc được; các lựa chọn đã được đặt lại.".into());
        Params::default()
    });
    let own = session.claimed().agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
    let picker = Picker {
        from: non_empty(params.from).unwrap_or_else(|| format!("{:04}-01-01", today.year())),
        to: non_empty(params.to).unwrap_or_else(|| today.format("%Y-%m-%d").to_string()),
        agency: non_empty(params.agency).unwrap_or_else(|| own.clone()),
        // Empty: the plan in force today, chosen when the plans are read.
        plan: non_empty(params.plan).unwrap_or_default(),
        group_by: non_empty(params.group_by).unwrap_or_else(|| "agency".into()),
        agency_only: non_empty(params.agency_only).is_some_and(|v| v != "0" && v != "false"),
        hierarchy: non_empty(params.hierarchy).unwrap_or_else(|| "as_is".into()),
        counted_at: non_empty(params.counted_at).unwrap_or_else(|| "receiving".into()),
    };

    // Validate the pickers: readable messages, and the form shown again.
    let from = parse_day("Từ ngày", &picker.from, &mut errors);
    let to = parse_day("Đến ngày", &picker.to, &mut errors);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            errors.push("“Từ ngày” phải trước hoặc trùng “Đến ngày”.".into());
        } else if (t - f).num_days() > 366 * 10 {
            errors.push("Một kỳ báo cáo dài tối đa 10 năm.".into());
        }
    }
    let grouping_known = GROUPINGS.iter().any(|(v, _)| *v == picker.group_by);
    let hierarchy = crate::storage::stats::Hierarchy::parse(&picker.hierarchy);
    if hierarchy.is_none() {
        errors.push(format!("Cách xếp số liệu theo đơn vị “{}” không hợp lệ.", short(&picker.hierarchy)));
    }
    let counting = crate::storage::stats::Counting::parse(&picker.counted_at);
    if counting.is_none() {
        errors.push(format!("Cách tính hồ sơ theo đơn vị “{}” không hợp lệ.", short(&picker.counted_at)));
    }
    // One trip: the account, the pickers' lists and, when the pickers are valid so far, the figures.
    let query = stats::DashboardQuery {
        agency: picker.agency.clone(),
        agency_only: picker.agency_only,
        plan: match picker.plan.as_str() {
            "" => stats::PlanChoice::InForceOn(today),
            NO_PLAN => stats::PlanChoice::NoPlan,
            id => stats::PlanChoice::Named(id.to_string()),
        },
        period: match (errors.is_empty() && grouping_known, from, to) {
            (true, Some(from), Some(to)) => Some((from, to)),
            _ => None,
        },
        groupings: figures::groupings(&picker.group_by),
        hierarchy: hierarchy.unwrap_or_default(),
        counting: counting.unwrap_or_default(),
        now,
    };
    let (caller, read) = session
        .run(&ctx.pool, move |conn, caller| Ok((caller.clone(), stats::dashboard(conn, &caller, query)?)))
        .await?;
    let layout = Layout::new(Some(&caller), req.path());
    let in_scope = read.agencies;
    let plans = read.plans;
    let agency_row = in_scope.iter().find(|a| a.code == picker.agency);
    if agency_row.is_none() {
        errors.push(format!(
            "Đơn vị “{}” không có hoặc không thuộc phạm vi bạn được xem thống kê.",
            short(&picker.agency)
        ));
    }
    if read.plan_basis.is_none() {
        errors.push(format!("Không có kế hoạch “{}”.", short(&picker.plan)));
    }
    let chosen = read.plan.as_ref();
    let in_force = crate::storage::plans::in_force_on(&plans, today);
    let plan_notice = plan_notice(chosen, read.plan_basis, in_force, today);
    if !grouping_known {
        errors.push(format!("Cách nhóm số liệu “{}” không hợp lệ.", short(&picker.group_by)));
    }

    let agencies = choice_groups(&in_scope, &picker.agency);
    let mut plan_choices: Vec<Choice> = plans
        .iter()
        .map(|p| Choice {
            value: p.id.clone(),
            label: format!(
                "{} — {} ({}){}",
                p.document.clone().unwrap_or_else(|| p.id.clone()),
                p.province,
                plan_period(p),
                if p.in_force_on(today) { ", đang có hiệu lực" } else { "" }
            ),
            selected: chosen.is_some_and(|c| c.id == p.id),
        })
        .collect();
    plan_choices.push(Choice {
        value: NO_PLAN.into(),
        label: "Không so sánh với kế hoạch nào".into(),
        selected: chosen.is_none() && read.plan_basis.is_some(),
    });
    let groupings = GROUPINGS
        .iter()
        .map(|(v, l)| Choice { value: (*v).into(), label: (*l).into(), selected: *v == picker.group_by })
        .collect();
    let hierarchies = HIERARCHIES
        .iter()
        .map(|(v, l)| Choice { value: (*v).into(), label: (*l).into(), selected: *v == picker.hierarchy })
        .collect();
    let countings = COUNTINGS
        .iter()
        .map(|(v, l)| Choice { value: (*v).into(), label: (*l).into(), selected: *v == picker.counted_at })
        .collect();
    let quick = quick_periods(today)
        .into_iter()
        .map(|(label, f, t)| QuickLink {
            label,
            href: picker.href(&f.to_string(), &t.to_string()),
            current: from == Some(f) && to == Some(t),
        })
        .collect();

    let data = match (errors.is_empty(), from, to, read.figures) {
        (true, Some(from), Some(to), Some(read)) => Some(figures::build(read, &picker, from, to)),
        _ => None,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = DashboardPage {
        layout,
        picker,
        agencies,
        plans: plan_choices,
        groupings,
        hierarchies,
        countings,
        quick,
        errors,
        none_in_force: in_force.is_none(),
        plan_notice,
        data,
    };
    Ok(render(status, &page))
}

/// A plan's period in the page's words: `2016–2020`, `01/01/2016 – 31/12/2020` when not whole
/// years, `từ 16/11/2025` when open-ended.
fn plan_period(p: &crate::storage::plans::PlanRow) -> String {
    let whole_years = |f: NaiveDate, t: NaiveDate| f.month() == 1 && f.day() == 1 && t.month() == 12 && t.day() == 31;
    match (p.period_from, p.period_to) {
        (Some(f), Some(t)) if whole_years(f, t) && f.year() == t.year() => format!("năm {}", f.year()),
        (Some(f), Some(t)) if whole_years(f, t) => format!("{}–{}", f.year(), t.year()),
        (Some(f), Some(t)) => format!("{} – {}", vn_day(f), vn_day(t)),
        (Some(f), None) => format!("từ {}", vn_day(f)),
        (None, _) => "chưa ghi thời kỳ".into(),
    }
}

/// What the page says about the plan the cards compare with: the one in force today (by the
/// Clock, Vietnam time), one chosen outside its period, or none.
fn plan_notice(
    chosen: Option<&crate::storage::plans::PlanRow>,
    basis: Option<stats::PlanBasis>,
    in_force: Option<&crate::storage::plans::PlanRow>,
    today: NaiveDate,
) -> String {
    let name = |p: &crate::storage::plans::PlanRow| match &p.document {
        Some(d) => format!("{d} ({})", plan_period(p)),
        None => format!("{} ({})", p.title, plan_period(p)),
    };
    let day = vn_day(today);
    let in_force_text = match in_force {
        Some(p) => format!("Kế hoạch có hiệu lực hôm nay ({day}): {}.", name(p)),
        None => format!("Không có kế hoạch nào có hiệu lực hôm nay ({day})."),
    };
    match (basis, chosen) {
        (None, _) => in_force_text,
        (Some(stats::PlanBasis::InForce), Some(p)) => {
            format!("Chỉ tiêu so với kế hoạch có hiệu lực hôm nay ({day}): {} — chọn tự động.", name(p))
        }
        (Some(stats::PlanBasis::NoneInForce), _) => format!(
            "Không có kế hoạch nào có hiệu lực hôm nay ({day}): các chỉ số dưới đây không so với mục tiêu nào. \
             Có thể chọn một kế hoạch ở ô “Kế hoạch để so sánh chỉ tiêu”."
        ),
        (Some(_), Some(p)) if p.in_force_on(today) => {
            format!("Chỉ tiêu so với kế hoạch đã chọn: {}, có hiệu lực hôm nay ({day}).", name(p))
        }
        (Some(_), Some(p)) => format!(
            "Chỉ tiêu so với kế hoạch đã chọn: {}, không có hiệu lực hôm nay: thời kỳ và thời hạn của nó đã qua \
             hoặc chưa đến. {in_force_text}",
            name(p)
        ),
        (Some(_), None) => format!("Không so sánh với kế hoạch nào. {in_force_text}"),
    }
}

fn choice_groups(in_scope: &[crate::storage::agencies::AgencyRow], selected: &str) -> Vec<ChoiceGroup> {
    LEVELS
        .into_iter()
        .filter_map(|level| {
            let choices: Vec<Choice> = in_scope
                .iter()
                .filter(|a| a.level == level)
                .map(|a| Choice {
                    value: a.code.clone(),
                    label: match a.valid_to {
                        Some(end) => format!("{} (đến {})", a.name, end.format("%d/%m/%Y")),
                        None => a.name.clone(),
                    },
                    selected: a.code == selected,
                })
                .collect();
            (!choices.is_empty()).then_some(ChoiceGroup { label: level_label(level), choices })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_periods_end_today_or_before() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 15).unwrap();
        let q = quick_periods(today);
        let get = |l: &str| q.iter().find(|(n, _, _)| *n == l).map(|(_, f, t)| (f.to_string(), t.to_string())).unwrap();
        assert_eq!(get("Tháng này"), ("2026-05-01".into(), "2026-05-15".into()));
        assert_eq!(get("Tháng trước"), ("2026-04-01".into(), "2026-04-30".into()));
        assert_eq!(get("Quý này"), ("2026-04-01".into(), "2026-05-15".into()));
        assert_eq!(get("Năm nay"), ("2026-01-01".into(), "2026-05-15".into()));
        assert_eq!(get("Năm trước"), ("2025-01-01".into(), "2025-12-31".into()));
    }

    #[test]
    fn trends_say_up_down_or_flat() {
        assert_eq!(trend(Some(2.0), Some(1.0)).class, "up");
        assert_eq!(trend(Some(1.0), Some(2.0)).class, "down");
        assert_eq!(trend(Some(1.0), Some(1.0)).class, "flat");
        assert_eq!(trend(None, Some(1.0)).arrow, "");
    }

    #[test]
    fn bad_dates_get_a_readable_message() {
        let mut errors = vec![];
        assert!(parse_day("Từ ngày", "2026-13-45", &mut errors).is_none());
        assert!(errors[0].contains("Từ ngày") && errors[0].contains("2026-13-45"));
        assert_eq!(parse_day("x", "2026-02-28", &mut errors), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert!(parse_day("Đến ngày", "9999-12-31", &mut errors).is_none());
        assert!(errors[1].contains("01/01/2000 đến 31/12/2100"), "{errors:?}");
    }
}
