//! The plans' indicators (DOMAIN.md §6.2) beside their targets, as JSON, CSV or XLSX.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::extractor::Unverified;
use crate::error::AppError;
use crate::services::stats::{self, StatsQuery};
use crate::storage::{self};

use super::{csv_field, xlsx_error, Export};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
    pub agency_only: Option<bool>,
    /// A plan id from seeds/plans, e.g. cantho-131-2016: adds its targets beside the actual values.
    /// Absent (or empty): the plan in force today (its period contains today's date, Vietnam time;
    /// of several, the latest issued), or none when no plan is in force (`plan_basis` says which).
    /// `none`: no plan.
    pub plan: Option<String>,
    /// json (default), csv or xlsx.
    pub format: Option<String>,
    /// `as_is` (default): every period's dossiers under today's units (a unit that has ended counts
    /// under the unit holding its work); `as_was`: under the units that existed then.
    pub hierarchy: Option<String>,
    /// `receiving` (default): each dossier counts at the agency that received it (Biểu II.06a);
    /// `deciding`: at the agency competent to decide it (differs for dossiers received at one
    /// agency for another: boundary-free intake). Same province total.
    pub counted_at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub value: Option<f64>,
    pub level: Option<String>,
    pub note: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TargetView {
    pub indicator: String,
    pub level: Option<String>,
    pub variant: Option<String>,
    /// null: a tracked metric, for which the sources give no target value (never invented).
    pub target: Option<f64>,
    pub actual: Option<f64>,
    /// actual − target, in percentage points.
    pub gap: Option<f64>,
    /// YYYY-MM-DD; null when the source sets no deadline.
    pub deadline: Option<String>,
    pub wording: String,
    pub source_line: String,
    /// The metric as its source names it (tracked metrics).
    pub description: Option<String>,
    /// How the source was read, and how motcua measures it.
    pub note: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KpiView {
    pub from: String,
    pub to: String,
    pub agency_code: String,
    pub agency_name: String,
    /// as_is or as_was.
    pub hierarchy: String,
    /// receiving or deciding.
    pub counted_at: String,
    /// Indicators by name; per-level ones are named `agencies_using_pct.<level>`.
    #[schema(value_type = Object)]
    pub indicators: std::collections::BTreeMap<String, IndicatorView>,
    /// The plan whose targets are listed, or null.
    pub plan: Option<String>,
    /// Why: `requested` (named by `plan`), `in_force` (none named: the plan in force today),
    /// `none_in_force` (none named, and no plan's period contains today), `not_requested` (`plan=none`).
    pub plan_basis: String,
    /// The plan's period, YYYY-MM-DD (`plan_period_to` null: open-ended).
    pub plan_period_from: Option<String>,
    pub plan_period_to: Option<String>,
    /// Whether the plan's period contains today (Vietnam time, by the server's clock).
    pub plan_in_force: Option<bool>,
    /// Today's date, by which the plan in force is chosen.
    pub today: String,
    pub targets: Vec<TargetView>,
}

/// The Vietnamese names of the indicators, for exports.
pub fn indicator_label(name: &str) -> &'static str {
    match name {
        "procedures_level3_pct" => "Tỷ lệ TTHC cung cấp trực tuyến mức độ 3",
        "procedures_level4_pct" => "Tỷ lệ TTHC cung cấp trực tuyến mức độ 4",
        "procedures_level3plus_pct" => "Tỷ lệ TTHC cung cấp trực tuyến mức độ 3 trở lên",
        "dossiers_online_pct" => "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "dossiers_online_level4_pct" => "Tỷ lệ hồ sơ xử lý trực tuyến mức độ 4 (trên tổng hồ sơ tiếp nhận)",
        "dossiers_online_level4_pct_of_resolved" => {
            "Tỷ lệ hồ sơ xử lý trực tuyến mức độ 4 (trên tổng hồ sơ đã giải quyết)"
        }
        "dossiers_in_system_pct" => "Tỷ lệ hồ sơ xử lý trên hệ thống một cửa điện tử",
        "agencies_using_pct" => "Tỷ lệ cơ quan sử dụng hệ thống một cửa điện tử",
        "on_time_pct" => "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "online_received_late_pct" => "Tỷ lệ hồ sơ trực tuyến tiếp nhận muộn (sau ngày làm việc tiếp theo ngày nộp)",
        "satisfaction_pct" => "Tỷ lệ hài lòng",
        "online_payment_pct" => "Tỷ lệ thanh toán trực tuyến",
        "electronic_result_pct" => "Tỷ lệ trả kết quả điện tử",
        "procedures_boundary_free_pct" => "Tỷ lệ TTHC tiếp nhận không phụ thuộc địa giới hành chính trong tỉnh",
        "process_automation_pct" => "Mức độ tự động hóa quy trình",
        "processing_time_days" => "Thời gian giải quyết",
        _ => "",
    }
}

fn indicator_key(i: &stats::Indicator) -> String {
    match &i.level {
        Some(l) => format!("{}.{l}", i.name),
        None => i.name.clone(),
    }
}

fn opt_num<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The indicators (and targets) as CSV with Vietnamese headers.
pub fn kpis_csv(k: &stats::Kpis) -> String {
    let mut out = String::from(
        "\u{feff}Chỉ tiêu,Mã chỉ tiêu,Cấp,Tử số,Mẫu số,Giá trị (%),Mục tiêu (%),Chênh lệch (điểm %),Thời hạn\r\n",
    );
    for i in &k.indicators {
        let target = k.targets.iter().find(|t| t.indicator == i.name && (i.level.is_none() || i.level == t.level));
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\r\n",
            csv_field(indicator_label(&i.name)),
            i.name,
            i.level.clone().unwrap_or_default(),
            opt_num(i.numerator),
            opt_num(i.denominator),
            opt_num(i.value),
            opt_num(target.and_then(|t| t.target)),
            opt_num(target.and_then(|t| t.gap)),
            opt_num(target.and_then(|t| t.deadline)),
        ));
    }
    out
}

/// The plans' indicators (DOMAIN.md §6.2) for a period and scope; with `plan`, its targets beside them.
#[utoipa::path(get, path = "/api/v1/stats/kpis", tag = "statistics", params(KpiParams), security(("bearer" = [])),
    responses((status = 200, body = KpiView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn kpis(
    ctx: web::Data<AppContext>,
    caller: Unverified,
    params: web::Query<KpiParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let format = Export::parse(p.format.as_deref())?;
    let q = StatsQuery {
        from: p.from,
        to: p.to,
        agency: p.agency,
        agency_only: p.agency_only.unwrap_or(false),
        group_by: None,
        hierarchy: p.hierarchy,
        counted_at: p.counted_at,
    };
    let today = crate::domain::calendar::to_vietnam(ctx.clock.now()).date_naive();
    let plan = match p.plan.as_deref().map(str::trim) {
        None | Some("") => stats::PlanChoice::InForceOn(today),
        Some("none") => stats::PlanChoice::NoPlan,
        Some(id) => stats::PlanChoice::Named(id.to_string()),
    };
    let k = storage::run_as(&ctx.pool, caller, move |conn, caller| stats::kpis_on(conn, &caller, q, plan)).await?;
    if let Some(download) = format.download("chi-tieu", || kpis_csv(&k), || kpis_xlsx(&k)) {
        return download;
    }
    Ok(HttpResponse::Ok().json(KpiView {
        from: k.selection.from.to_string(),
        to: k.selection.to.to_string(),
        agency_code: k.selection.agency.code.clone(),
        agency_name: k.selection.agency.name.clone(),
        hierarchy: k.selection.hierarchy.as_str().into(),
        counted_at: k.selection.counting.as_str().into(),
        indicators: k
            .indicators
            .iter()
            .map(|i| {
                (
                    indicator_key(i),
                    IndicatorView {
                        numerator: i.numerator,
                        denominator: i.denominator,
                        value: i.value,
                        level: i.level.clone(),
                        note: i.note.map(str::to_string),
                    },
                )
            })
            .collect(),
        plan: k.plan.as_ref().map(|p| p.id.clone()),
        plan_basis: k.plan_basis.as_str().into(),
        plan_period_from: k.plan.as_ref().and_then(|p| p.period_from).map(|d| d.to_string()),
        plan_period_to: k.plan.as_ref().and_then(|p| p.period_to).map(|d| d.to_string()),
        plan_in_force: k.plan.as_ref().map(|p| p.in_force_on(today)),
        today: today.to_string(),
        targets: k
            .targets
            .iter()
            .map(|t| TargetView {
                indicator: t.indicator.clone(),
                level: t.level.clone(),
                variant: t.variant.clone(),
                target: t.target,
                actual: t.actual,
                gap: t.gap,
                deadline: t.deadline.map(|d| d.to_string()),
                wording: t.wording.clone(),
                source_line: t.source_line.clone(),
                description: t.description.clone(),
                note: t.note.clone(),
            })
            .collect(),
    }))
}

/// The indicators and targets as an XLSX workbook.
pub fn kpis_xlsx(k: &stats::Kpis) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Chỉ tiêu").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let s = &k.selection;
    ws.write_string_with_format(0, 0, "CHỈ TIÊU MỘT CỬA ĐIỆN TỬ VÀ DỊCH VỤ CÔNG TRỰC TUYẾN", &bold)
        .map_err(xlsx_error)?;
    let plan = k
        .plan
        .as_ref()
        .map(|p| format!(" — Kế hoạch: {}", p.document.clone().unwrap_or_else(|| p.title.clone())))
        .unwrap_or_default();
    ws.write_string(
        1,
        0,
        format!("Đơn vị: {} — Kỳ: {} đến {}{plan}", s.agency.name, s.from.format("%d/%m/%Y"), s.to.format("%d/%m/%Y")),
    )
    .map_err(xlsx_error)?;
    let headers = [
        "Chỉ tiêu",
        "Mã chỉ tiêu",
        "Cấp",
        "Tử số",
        "Mẫu số",
        "Giá trị (%)",
        "Mục tiêu (%)",
        "Chênh lệch (điểm %)",
        "Thời hạn",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &bold).map_err(xlsx_error)?;
    }
    ws.set_column_width(0, 60).map_err(xlsx_error)?;
    for (i, ind) in k.indicators.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, indicator_label(&ind.name)).map_err(xlsx_error)?;
        ws.write_string(r, 1, &ind.name).map_err(xlsx_error)?;
        ws.write_string(r, 2, ind.level.clone().unwrap_or_default()).map_err(xlsx_error)?;
        for (c, v) in [(3u16, ind.numerator.map(|n| n as f64)), (4, ind.denominator.map(|n| n as f64)), (5, ind.value)]
        {
            if let Some(v) = v {
                ws.write_number(r, c, v).map_err(xlsx_error)?;
            }
        }
        if let Some(t) =
            k.targets.iter().find(|t| t.indicator == ind.name && (ind.level.is_none() || ind.level == t.level))
        {
            if let Some(v) = t.target {
                ws.write_number(r, 6, v).map_err(xlsx_error)?;
            }
            if let Some(g) = t.gap {
                ws.write_number(r, 7, g).map_err(xlsx_error)?;
            }
            if let Some(d) = t.deadline {
                ws.write_string(r, 8, d.format("%d/%m/%Y").to_string()).map_err(xlsx_error)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xlsx_error)
}
