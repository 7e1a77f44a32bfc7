use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::domain::stats::ReportRow;
use crate::error::AppError;
use crate::services::stats::{self, Report, StatsQuery};
use crate::storage::Pool;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// First day of the period, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last day of the period (inclusive), YYYY-MM-DD.
    pub to: Option<String>,
    /// An agency code; default your own. Its subtree is included unless `agency_only=true`.
    pub agency: Option<String>,
    pub agency_only: Option<bool>,
    /// none (default), agency, level, field or month.
    pub group_by: Option<String>,
    /// json (default), csv or xlsx.
    pub format: Option<String>,
}

/// Columns 3–13 of Biểu II.06a (TT 01/2020/TT-VPCP).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportColumns {
    pub received_total: i64,
    pub received_online: i64,
    pub received_direct: i64,
    pub carried_over: i64,
    pub resolved_total: i64,
    pub resolved_early: i64,
    pub resolved_on_time: i64,
    pub resolved_late: i64,
    pub pending_total: i64,
    pub pending_in_time: i64,
    pub pending_overdue: i64,
}

impl From<&ReportRow> for ReportColumns {
    fn from(r: &ReportRow) -> Self {
        Self {
            received_total: r.received_total,
            received_online: r.received_online,
            received_direct: r.received_direct,
            carried_over: r.carried_over,
            resolved_total: r.resolved_total,
            resolved_early: r.resolved_early,
            resolved_on_time: r.resolved_on_time,
            resolved_late: r.resolved_late,
            pending_total: r.pending_total,
            pending_in_time: r.pending_in_time,
            pending_overdue: r.pending_overdue,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportLineView {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub columns: ReportColumns,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub from: String,
    pub to: String,
    pub agency_code: String,
    pub agency_name: String,
    /// subtree or agency.
    pub scope: String,
    pub group_by: String,
    pub rows: Vec<ReportLineView>,
    pub total: ReportColumns,
}

/// The Vietnamese headers of Biểu II.06a, in column order 2–13.
pub const REPORT_HEADERS: [&str; 12] = [
    "Đơn vị / Lĩnh vực / Kỳ (2)",
    "Tổng số hồ sơ tiếp nhận (3)",
    "Tiếp nhận trong kỳ: trực tuyến (4)",
    "Tiếp nhận trong kỳ: trực tiếp, dịch vụ bưu chính (5)",
    "Từ kỳ trước chuyển sang (6)",
    "Tổng số hồ sơ đã giải quyết (7)",
    "Đã giải quyết: trước hạn (8)",
    "Đã giải quyết: đúng hạn (9)",
    "Đã giải quyết: quá hạn (10)",
    "Tổng số hồ sơ đang giải quyết (11)",
    "Đang giải quyết: trong hạn (12)",
    "Đang giải quyết: quá hạn (13)",
];

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV (UTF-8 with BOM so spreadsheet programs read the diacritics).
pub fn report_csv(r: &Report) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&REPORT_HEADERS.map(csv_field).join(","));
    out.push_str("\r\n");
    let mut line = |label: &str, row: &ReportRow| {
        let cells: Vec<String> = crate::domain::stats::report_columns(row).iter().map(|n| n.to_string()).collect();
        out.push_str(&format!("{},{}\r\n", csv_field(label), cells.join(",")));
    };
    for l in &r.lines {
        line(&l.label, &l.row);
    }
    line("Tổng cộng", &r.total);
    out
}

/// How a statistics answer is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Export {
    Json,
    Csv,
    Xlsx,
}

impl Export {
    fn parse(format: Option<&str>) -> Result<Self, AppError> {
        match format.unwrap_or("json") {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(AppError::bad_request("invalid_format", "format is json, csv or xlsx")),
        }
    }

    /// The file download for CSV and XLSX (named `name.csv` / `name.xlsx`); None for JSON.
    fn download(
        self,
        name: &str,
        csv: impl FnOnce() -> String,
        xlsx: impl FnOnce() -> Result<Vec<u8>, AppError>,
    ) -> Option<Result<HttpResponse, AppError>> {
        let (content_type, ext, body) = match self {
            Self::Json => return None,
            Self::Csv => ("text/csv; charset=utf-8", "csv", Ok(csv().into_bytes())),
            Self::Xlsx => (XLSX, "xlsx", xlsx()),
        };
        Some(body.map(|b| {
            HttpResponse::Ok()
                .content_type(content_type)
                .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}.{ext}\"")))
                .body(b)
        }))
    }
}

/// Biểu II.06a for a period and scope, optionally grouped (DOMAIN.md §6.1).
#[utoipa::path(get, path = "/api/v1/stats/report", tag = "statistics", params(ReportParams), security(("bearer" = [])),
    responses((status = 200, body = ReportView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn report(
    pool: web::Data<Pool>,
    caller: Caller,
    params: web::Query<ReportParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let format = Export::parse(p.format.as_deref())?;
    let q = StatsQuery {
        from: p.from,
        to: p.to,
        agency: p.agency,
        agency_only: p.agency_only.unwrap_or(false),
        group_by: p.group_by,
    };
    let r = stats::report(&pool, caller, q).await?;
    if let Some(download) = format.download("bieu-II.06a", || report_csv(&r), || report_xlsx(&r)) {
        return download;
    }
    let s = &r.selection;
    Ok(HttpResponse::Ok().json(ReportView {
        from: s.from.to_string(),
        to: s.to.to_string(),
        agency_code: s.agency.code.clone(),
        agency_name: s.agency.name.clone(),
        scope: match s.scope {
            crate::storage::stats::Scope::Agency(_) => "agency".into(),
            _ => "subtree".into(),
        },
        group_by: s.grouping.as_str().into(),
        rows: r
            .lines
            .iter()
            .map(|l| ReportLineView { key: l.key.clone(), label: l.label.clone(), columns: (&l.row).into() })
            .collect(),
        total: (&r.total).into(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct KpiParams {
    pub from: Option<String>,
    pub to: Option<String>,
    pub agency: Option<String>,
    pub agency_only: Option<bool>,
    /// A plan id from seeds/plans, e.g. cantho-131-2016: adds its targets beside the actual values.
    pub plan: Option<String>,
    /// json (default), csv or xlsx.
    pub format: Option<String>,
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
    pub target: f64,
    pub actual: Option<f64>,
    /// actual − target, in percentage points.
    pub gap: Option<f64>,
    pub deadline: String,
    pub wording: String,
    pub source_line: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KpiView {
    pub from: String,
    pub to: String,
    pub agency_code: String,
    pub agency_name: String,
    /// Indicators by name; per-level ones are named `agencies_using_pct.<level>`.
    #[schema(value_type = Object)]
    pub indicators: std::collections::BTreeMap<String, IndicatorView>,
    pub plan: Option<String>,
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
        "satisfaction_pct" => "Tỷ lệ hài lòng",
        "online_payment_pct" => "Tỷ lệ thanh toán trực tuyến",
        "electronic_result_pct" => "Tỷ lệ trả kết quả điện tử",
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
            opt_num(target.map(|t| t.target)),
            opt_num(target.and_then(|t| t.gap)),
            target.map(|t| t.deadline.to_string()).unwrap_or_default(),
        ));
    }
    out
}

/// The plans' indicators (DOMAIN.md §6.2) for a period and scope; with `plan`, its targets beside them.
#[utoipa::path(get, path = "/api/v1/stats/kpis", tag = "statistics", params(KpiParams), security(("bearer" = [])),
    responses((status = 200, body = KpiView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn kpis(
    pool: web::Data<Pool>,
    caller: Caller,
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
    };
    let k = stats::kpis(&pool, caller, q, p.plan).await?;
    if let Some(download) = format.download("chi-tieu", || kpis_csv(&k), || kpis_xlsx(&k)) {
        return download;
    }
    Ok(HttpResponse::Ok().json(KpiView {
        from: k.selection.from.to_string(),
        to: k.selection.to.to_string(),
        agency_code: k.selection.agency.code.clone(),
        agency_name: k.selection.agency.name.clone(),
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
                deadline: t.deadline.to_string(),
                wording: t.wording.clone(),
                source_line: t.source_line.clone(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OffSystemRequest {
    pub agency_code: String,
    pub from: String,
    pub to: String,
    /// Dossiers the agency handled outside motcua in that period.
    pub dossiers: i64,
}

/// Enter an agency's off-system dossier count for a period (for dossiers_in_system_pct).
#[utoipa::path(put, path = "/api/v1/stats/off-system", tag = "statistics", request_body = OffSystemRequest,
    security(("bearer" = [])),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn off_system(
    pool: web::Data<Pool>,
    clock: web::Data<crate::clock::Clock>,
    caller: Caller,
    body: web::Json<OffSystemRequest>,
) -> Result<HttpResponse, AppError> {
    let b = body.into_inner();
    stats::set_off_system(&pool, caller, b.agency_code, Some(b.from), Some(b.to), b.dossiers, clock.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("cannot build the workbook: {e}"))
}

/// Biểu II.06a as an XLSX workbook: title, period, the official column headers, one row per line and the total.
pub fn report_xlsx(r: &Report) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Biểu II.06a").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let s = &r.selection;
    ws.write_string_with_format(
        0,
        0,
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (Biểu II.06a, TT 01/2020/TT-VPCP)",
        &bold,
    )
    .map_err(xlsx_error)?;
    ws.write_string(
        1,
        0,
        format!(
            "Đơn vị: {} ({}) — Kỳ báo cáo: {} đến {}",
            s.agency.name,
            s.agency.code,
            s.from.format("%d/%m/%Y"),
            s.to.format("%d/%m/%Y")
        ),
    )
    .map_err(xlsx_error)?;
    for (c, h) in REPORT_HEADERS.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &header).map_err(xlsx_error)?;
    }
    ws.set_row_height(3, 60).map_err(xlsx_error)?;
    ws.set_column_width(0, 36).map_err(xlsx_error)?;
    let mut row = 4u32;
    let mut put = |label: &str, cells: [i64; 11], format: Option<&Format>| -> Result<(), AppError> {
        match format {
            Some(f) => ws.write_string_with_format(row, 0, label, f),
            None => ws.write_string(row, 0, label),
        }
        .map_err(xlsx_error)?;
        for (c, n) in cells.iter().enumerate() {
            ws.write_number(row, c as u16 + 1, *n as f64).map_err(xlsx_error)?;
        }
        row += 1;
        Ok(())
    };
    for l in &r.lines {
        put(&l.label, crate::domain::stats::report_columns(&l.row), None)?;
    }
    put("Tổng cộng", crate::domain::stats::report_columns(&r.total), Some(&bold))?;
    wb.save_to_buffer().map_err(xlsx_error)
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
            ws.write_number(r, 6, t.target).map_err(xlsx_error)?;
            if let Some(g) = t.gap {
                ws.write_number(r, 7, g).map_err(xlsx_error)?;
            }
            ws.write_string(r, 8, t.deadline.format("%d/%m/%Y").to_string()).map_err(xlsx_error)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_error)
}
