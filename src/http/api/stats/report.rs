//! Biểu II.06a (TT 01/2020/TT-VPCP): the report by period, scope and grouping, as JSON, CSV or XLSX.
use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::extractor::Unverified;
use crate::domain::stats::ReportRow;
use crate::error::AppError;
use crate::services::stats::{self, Report, StatsQuery};
use crate::storage::{self};

use super::{csv_field, xlsx_error, Export};

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
    /// `as_is` (default): every period's dossiers under today's units (a unit that has ended counts
    /// under the unit holding its work); `as_was`: under the units that existed then.
    pub hierarchy: Option<String>,
    /// `receiving` (default): each dossier counts at the agency that received it (Biểu II.06a);
    /// `deciding`: at the agency competent to decide it (differs for dossiers received at one
    /// agency for another: boundary-free intake). Same province total.
    pub counted_at: Option<String>,
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

/// How long the online dossiers received in the period waited for the counter to receive them
/// (issue 15 item 7, `domain::intake_latency`): beside Biểu II.06a, not one of its columns, so
/// not in its CSV or XLSX.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OnlineIntakeView {
    /// Online dossiers received in the period whose wait is recorded (every one received since
    /// the counters kept it, migration 2026-12-08-000002).
    pub timed: i64,
    /// The office minutes (07:30–11:30 and 13:30–17:30 of working days) they waited from their
    /// submission (`NgayNopHoSo`) to their receipt, in all.
    pub wait_working_minutes: i64,
    /// Their average wait in office hours, one decimal; null when none was timed.
    pub average_wait_working_hours: Option<f64>,
    /// Those received after the working day following the day they were submitted (a reading of
    /// the issue: no legal source for the rule was found).
    pub received_late: i64,
}

impl From<&ReportRow> for OnlineIntakeView {
    fn from(r: &ReportRow) -> Self {
        Self {
            timed: r.intake_timed,
            wait_working_minutes: r.intake_wait_minutes,
            average_wait_working_hours: r.average_intake_wait_hours(),
            received_late: r.intake_late,
        }
    }
}

/// Late hours caused (issue 16 item 1, `domain::delay_attribution`): the stays at a step of a
/// dossier's route that ended in the period, counted at the agency that held the dossier (not the
/// one that received it), against the step's share of the time limit in office hours. Beside
/// Biểu II.06a, not one of its columns. No rule apportions a late dossier between agencies: the
/// reading is the product's.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StepDelayView {
    /// Stays that ended in the period (every one ended since migration 2026-12-09-000003).
    pub steps_ended: i64,
    /// Those shorter than the step's budget.
    pub steps_early: i64,
    /// Those longer than the step's budget.
    pub steps_late: i64,
    /// The office minutes those went over their budgets, in all.
    pub late_working_minutes: i64,
}

impl From<&ReportRow> for StepDelayView {
    fn from(r: &ReportRow) -> Self {
        Self {
            steps_ended: r.steps_ended,
            steps_early: r.steps_early,
            steps_late: r.steps_late,
            late_working_minutes: r.step_late_minutes,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportLineView {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub columns: ReportColumns,
    pub online_intake: OnlineIntakeView,
    pub step_delay: StepDelayView,
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
    /// as_is or as_was.
    pub hierarchy: String,
    /// receiving or deciding.
    pub counted_at: String,
    pub rows: Vec<ReportLineView>,
    pub total: ReportColumns,
    /// Of these dossiers, those from elsewhere, by source: `portal` (submitted on the national
    /// portal, processed here) and `ministry:<system>` (handled on a ministry's system, imported).
    pub sources: Vec<crate::storage::stats::SourceCount>,
    /// The online dossiers' wait for the counter, in total.
    pub online_intake: OnlineIntakeView,
    /// The stays at route steps that ended in the period, in total.
    pub step_delay: StepDelayView,
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

/// Biểu II.06a for a period and scope, optionally grouped (DOMAIN.md §6.1).
#[utoipa::path(get, path = "/api/v1/stats/report", tag = "statistics", params(ReportParams), security(("bearer" = [])),
    responses((status = 200, body = ReportView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn report(
    ctx: web::Data<AppContext>,
    caller: Unverified,
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
        hierarchy: p.hierarchy,
        counted_at: p.counted_at,
    };
    let r = storage::run_as(&ctx.pool, caller, move |conn, caller| stats::report_on(conn, &caller, q)).await?;
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
        hierarchy: s.hierarchy.as_str().into(),
        counted_at: s.counting.as_str().into(),
        rows: r
            .lines
            .iter()
            .map(|l| ReportLineView {
                key: l.key.clone(),
                label: l.label.clone(),
                columns: (&l.row).into(),
                online_intake: (&l.row).into(),
                step_delay: (&l.row).into(),
            })
            .collect(),
        total: (&r.total).into(),
        sources: r.sources.clone(),
        online_intake: (&r.total).into(),
        step_delay: (&r.total).into(),
    }))
}

/// The row of the XLSX report where its data starts (after the heading, the two header rows and
/// the row of column numbers).
pub const XLSX_FIRST_DATA_ROW: u32 = 9;

/// Biểu II.06a as the official XLSX (TT 01/2020/TT-VPCP, layout in regulations.md §4): the form's
/// number and the reporting unit, the title and the period, the unit of count, the two-level merged
/// header (receipt / results: resolved and pending) with the column numbers (1)–(13), a serial
/// number per line, the total, and the signature block.
pub fn report_xlsx(r: &Report) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Biểu II.06a").map_err(xlsx_error)?;
    let center = Format::new().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let bold = Format::new().set_bold();
    let title = center.clone().set_bold().set_font_size(13);
    let italic = center.clone().set_italic();
    let header = center.clone().set_bold().set_text_wrap().set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let number = cell.clone().set_align(FormatAlign::Center);
    let total = cell.clone().set_bold();
    let s = &r.selection;
    let e = xlsx_error;
    ws.merge_range(0, 0, 0, 3, "Biểu số II.06a/VPCP/KSTT", &bold).map_err(e)?;
    ws.merge_range(0, 8, 0, 12, &format!("Đơn vị báo cáo: {} ({})", s.agency.name, s.agency.code), &bold).map_err(e)?;
    ws.merge_range(1, 8, 1, 12, "Đơn vị nhận báo cáo: ……………………", &Format::new()).map_err(e)?;
    ws.merge_range(2, 0, 2, 12, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ", &title)
        .map_err(e)?;
    let period = format!("Kỳ báo cáo: từ ngày {} đến ngày {}", s.from.format("%d/%m/%Y"), s.to.format("%d/%m/%Y"));
    ws.merge_range(3, 0, 3, 12, &period, &italic).map_err(e)?;
    ws.merge_range(4, 10, 4, 12, "Đơn vị tính: Số hồ sơ TTHC", &italic).map_err(e)?;
    // Two header rows: the groups, then the columns; then the column numbers.
    let (top, sub, numbers) = (5u32, 7u32, 8u32);
    ws.merge_range(top, 0, sub, 0, "TT", &header).map_err(e)?;
    ws.merge_range(top, 1, sub, 1, "Lĩnh vực, đơn vị giải quyết", &header).map_err(e)?;
    ws.merge_range(top, 2, top, 5, "Số hồ sơ nhận giải quyết", &header).map_err(e)?;
    ws.merge_range(top, 6, top, 12, "Kết quả giải quyết", &header).map_err(e)?;
    ws.merge_range(top + 1, 2, sub, 2, "Tổng số", &header).map_err(e)?;
    ws.merge_range(top + 1, 3, top + 1, 4, "Trong kỳ", &header).map_err(e)?;
    ws.merge_range(top + 1, 5, sub, 5, "Từ kỳ trước", &header).map_err(e)?;
    ws.merge_range(top + 1, 6, top + 1, 9, "Số hồ sơ đã giải quyết", &header).map_err(e)?;
    ws.merge_range(top + 1, 10, top + 1, 12, "Số hồ sơ đang giải quyết", &header).map_err(e)?;
    let columns = [
        (3, "Trực tuyến"),
        (4, "Trực tiếp, dịch vụ bưu chính"),
        (6, "Tổng số"),
        (7, "Trước hạn"),
        (8, "Đúng hạn"),
        (9, "Quá hạn"),
        (10, "Tổng số"),
        (11, "Trong hạn"),
        (12, "Quá hạn"),
    ];
    for (c, h) in columns {
        ws.write_string_with_format(sub, c, h, &header).map_err(e)?;
    }
    for c in 0..13u16 {
        ws.write_string_with_format(numbers, c, format!("({})", c + 1), &italic.clone().set_border(FormatBorder::Thin))
            .map_err(e)?;
    }
    ws.set_row_height(sub, 45).map_err(e)?;
    ws.set_column_width(0, 5).map_err(e)?;
    ws.set_column_width(1, 36).map_err(e)?;
    for c in 2..13u16 {
        ws.set_column_width(c, 11).map_err(e)?;
    }
    let mut row = XLSX_FIRST_DATA_ROW;
    let mut put = |serial: &str, label: &str, cells: [i64; 11], f: &Format| -> Result<(), AppError> {
        ws.write_string_with_format(row, 0, serial, f).map_err(e)?;
        ws.write_string_with_format(row, 1, label, f).map_err(e)?;
        for (c, n) in cells.iter().enumerate() {
            ws.write_number_with_format(row, c as u16 + 2, *n as f64, &number).map_err(e)?;
        }
        row += 1;
        Ok(())
    };
    for (i, l) in r.lines.iter().enumerate() {
        put(&(i + 1).to_string(), &l.label, crate::domain::stats::report_columns(&l.row), &cell)?;
    }
    put("", "Tổng cộng", crate::domain::stats::report_columns(&r.total), &total)?;
    // The signature block: who drew it up, the head of the unit, the place and date to fill in.
    let sign = row + 1;
    ws.merge_range(sign, 8, sign, 12, "……, ngày … tháng … năm ……", &italic).map_err(e)?;
    ws.merge_range(sign + 1, 0, sign + 1, 4, "NGƯỜI LẬP BIỂU", &center.clone().set_bold()).map_err(e)?;
    ws.merge_range(sign + 1, 8, sign + 1, 12, "THỦ TRƯỞNG ĐƠN VỊ", &center.clone().set_bold()).map_err(e)?;
    ws.merge_range(sign + 2, 0, sign + 2, 4, "(Ký, ghi rõ họ tên)", &italic).map_err(e)?;
    ws.merge_range(sign + 2, 8, sign + 2, 12, "(Ký, ghi rõ họ tên, đóng dấu)", &italic).map_err(e)?;
    wb.save_to_buffer().map_err(xlsx_error)
}
