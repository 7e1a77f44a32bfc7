//! Printable forms of TT 01/2018/TT-VPCP (Mẫu số 01–06) as self-contained HTML pages.
//! Every value is escaped; pages print on A5 (the tracking book on A4 landscape).
use chrono::NaiveDateTime;

use crate::domain::calendar::to_vietnam;
use crate::services::dossiers::DossierRecord;
use crate::storage::dossiers::EventRow;

pub use crate::domain::text::escape_html;

/// `dd/mm/yyyy HH:MM` in Vietnam time.
pub fn vn_time(t: NaiveDateTime) -> String {
    to_vietnam(t.and_utc()).format("%d/%m/%Y %H:%M").to_string()
}

/// `dd/mm/yyyy` in Vietnam time.
pub fn vn_date(t: NaiveDateTime) -> String {
    to_vietnam(t.and_utc()).format("%d/%m/%Y").to_string()
}

fn opt_time(t: Option<NaiveDateTime>) -> String {
    t.map(vn_time).unwrap_or_default()
}

fn timeliness_vi(t: Option<&str>) -> &'static str {
    match t {
        Some("early") => "Trước hạn",
        Some("on_time") => "Đúng hạn",
        Some("late") => "Quá hạn",
        _ => "",
    }
}

/// A complete page: national motto, the issuing agency, the form's number and title, then `body`.
fn page(agency: &str, number: &str, title: &str, size: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_e}</title>
<style>
@page {{ size: {size}; margin: 12mm }}
body {{ font-family: "Times New Roman", serif; font-size: 13px; color: #000; max-width: 190mm; margin: 0 auto; }}
.head {{ display: flex; justify-content: space-between; text-align: center; }}
.head div {{ width: 48%; }}
h1 {{ font-size: 16px; text-align: center; margin: 14px 0 4px; text-transform: uppercase; }}
.form-no {{ text-align: right; font-style: italic; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #000; padding: 3px 5px; vertical-align: top; }}
.sign {{ display: flex; justify-content: space-between; margin-top: 24px; text-align: center; }}
@media print {{ .no-print {{ display: none }} }}
</style></head>
<body>
<p class="form-no">Mẫu số {number} (Thông tư 01/2018/TT-VPCP)</p>
<div class="head"><div><strong>{agency_e}</strong></div>
<div><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br><strong>Độc lập - Tự do - Hạnh phúc</strong></div></div>
<h1>{title_e}</h1>
{body}
<p class="no-print"><button type="button" onclick="window.print()">In phiếu</button></p>
</body></html>"#,
        title_e = escape_html(title),
        agency_e = escape_html(agency),
    )
}

fn receiving_name(r: &DossierRecord) -> String {
    let code = r.row.receiving_agency.as_str();
    r.agency_names.get(code).cloned().unwrap_or_else(|| code.to_string())
}

fn documents(r: &DossierRecord) -> Vec<String> {
    serde_json::from_str(&r.row.documents).unwrap_or_default()
}

fn list(items: &[String]) -> String {
    let lis: String = items.iter().map(|i| format!("<li>{}</li>", escape_html(i))).collect();
    format!("<ol>{lis}</ol>")
}

fn last_event<'a>(r: &'a DossierRecord, action: &str) -> Option<&'a EventRow> {
    r.events.iter().rev().find(|e| e.action == action)
}

fn details(e: &EventRow) -> serde_json::Value {
    e.details.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default()
}

fn applicant_block(r: &DossierRecord) -> String {
    let a = &r.applicant;
    format!(
        "<p>Họ và tên người nộp: <strong>{}</strong><br>Địa chỉ: {}<br>Số điện thoại: {}{}</p>",
        escape_html(&a.name),
        escape_html(&a.address),
        escape_html(&a.phone),
        a.email.as_deref().map(|e| format!("<br>Thư điện tử: {}", escape_html(e))).unwrap_or_default()
    )
}

fn dossier_block(r: &DossierRecord) -> String {
    format!(
        "<p>Mã hồ sơ: <strong>{}</strong><br>Thủ tục: {} ({})</p>",
        escape_html(r.row.code_or_reference()),
        escape_html(&r.procedure_name),
        escape_html(&r.row.procedure_code)
    )
}

/// Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the QR code of the public lookup.
pub fn receipt(r: &DossierRecord, lookup_url: &str) -> String {
    let qr = qrcode::QrCode::new(lookup_url.as_bytes())
        .map(|c| c.render::<qrcode::render::svg::Color>().min_dimensions(120, 120).build())
        .unwrap_or_default();
    let due = r.row.promised_due_at();
    let body = format!(
        "{dossier}{applicant}<p>Thành phần hồ sơ đã nhận:</p>{docs}
<p>Thời gian nhận hồ sơ: <strong>{received}</strong><br>Thời gian trả kết quả: <strong>{due}</strong><br>
Mã tra cứu (PIN): <strong>{pin}</strong></p>
<div style=\"display:flex;gap:12px;align-items:center\"><div>{qr}</div><p>Quét mã để tra cứu tình trạng hồ sơ:<br>{url}</p></div>
<div class=\"sign\"><div>NGƯỜI NỘP HỒ SƠ<br><br><br>{name}</div><div>NGƯỜI TIẾP NHẬN HỒ SƠ</div></div>",
        dossier = dossier_block(r),
        applicant = applicant_block(r),
        docs = list(&documents(r)),
        received = opt_time(r.row.received_at.or(Some(r.row.submitted_at))),
        due = due.map(vn_date).unwrap_or_else(|| "(sau khi hồ sơ được tiếp nhận)".into()),
        pin = escape_html(&r.row.pin),
        url = escape_html(lookup_url),
        name = escape_html(&r.applicant.name),
    );
    page(&receiving_name(r), "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5", &body)
}

/// Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — everything missing, listed once.
pub fn supplement(r: &DossierRecord) -> Option<String> {
    let e = last_event(r, "request_supplement")?;
    let missing: Vec<String> = details(e)["missing"]
        .as_array()
        .map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let body = format!(
        "{}{}<p>Ngày {}, hồ sơ cần được bổ sung, hoàn thiện các nội dung sau:</p>{}<p>Lý do: {}</p>
<div class=\"sign\"><div></div><div>NGƯỜI HƯỚNG DẪN</div></div>",
        dossier_block(r),
        applicant_block(r),
        vn_date(e.at),
        list(&missing),
        escape_html(e.note.as_deref().unwrap_or("Hồ sơ chưa đầy đủ, hợp lệ"))
    );
    Some(page(&receiving_name(r), "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5", &body))
}

/// Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reasons.
pub fn refusal(r: &DossierRecord) -> Option<String> {
    let e = last_event(r, "refuse")?;
    let reason = details(e)["reason"].as_str().unwrap_or_default().to_string();
    let body = format!(
        "{}{}<p>Ngày {}, cơ quan từ chối tiếp nhận, giải quyết hồ sơ với lý do:</p><p><strong>{}</strong></p>
<div class=\"sign\"><div></div><div>NGƯỜI TIẾP NHẬN HỒ SƠ</div></div>",
        dossier_block(r),
        applicant_block(r),
        vn_date(e.at),
        escape_html(&reason)
    );
    Some(page(&receiving_name(r), "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5", &body))
}

/// Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.
pub fn apology(r: &DossierRecord) -> Option<String> {
    let e = last_event(r, "extend")?;
    let d = details(e);
    let new_date = d["new_due_date"]
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(|x| x.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let agency = r.agency_names.get(&e.from_agency).cloned().unwrap_or_else(|| e.from_agency.clone());
    let body = format!(
        "{}{}<p>Ngày hẹn trả kết quả ban đầu: {}.</p><p>Lý do chậm: {}</p>
<p>{} xin lỗi ông/bà vì sự chậm trễ này và hẹn trả kết quả vào ngày <strong>{}</strong>.</p>
<div class=\"sign\"><div></div><div>THỦ TRƯỞNG CƠ QUAN</div></div>",
        dossier_block(r),
        applicant_block(r),
        r.row.due_at.map(vn_date).unwrap_or_default(),
        escape_html(d["reason"].as_str().unwrap_or_default()),
        escape_html(&agency),
        escape_html(&new_date)
    );
    Some(page(&agency, "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "A5", &body))
}

/// Mẫu số 05: Phiếu kiểm soát quá trình giải quyết hồ sơ — one row per handover.
pub fn control_sheet(r: &DossierRecord) -> String {
    let name = |c: &str| r.agency_names.get(c).cloned().unwrap_or_else(|| c.to_string());
    let rows: String = r
        .events
        .iter()
        .map(|e| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e.seq,
                escape_html(&name(&e.from_agency)),
                escape_html(&name(&e.to_agency)),
                vn_time(e.at),
                opt_time(e.step_due_at),
                timeliness_vi(e.step_timeliness.as_deref()),
                escape_html(&format!("{} {}", e.action, e.note.as_deref().unwrap_or(""))),
            )
        })
        .collect();
    let body = format!(
        "{}<p>Ngày hẹn trả kết quả: {}</p><table><thead><tr><th>STT</th><th>Bên giao</th><th>Bên nhận</th>\
<th>Thời gian giao, nhận</th><th>Hạn xử lý bước</th><th>Kết quả xử lý</th><th>Ghi chú</th></tr></thead>\
<tbody>{rows}</tbody></table>",
        dossier_block(r),
        r.row.due_at.map(vn_date).unwrap_or_default()
    );
    page(&receiving_name(r), "05", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5", &body)
}

/// One line of the tracking book.
pub struct BookLine {
    pub code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub received_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    pub transferred_to: Vec<String>,
    pub finished_at: Option<NaiveDateTime>,
    pub status_label: String,
    pub timeliness: Option<String>,
}

/// Mẫu số 06: Sổ theo dõi hồ sơ — the agency's dossiers of a year, numbered continuously.
pub fn tracking_book(agency: &str, year: i32, lines: &[BookLine]) -> String {
    let rows: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                i + 1,
                escape_html(&l.code),
                escape_html(&l.procedure_name),
                escape_html(&l.applicant_name),
                opt_time(l.received_at),
                l.due_at.map(vn_date).unwrap_or_default(),
                escape_html(&l.transferred_to.join("; ")),
                l.finished_at.map(vn_date).unwrap_or_default(),
                escape_html(&l.status_label),
                timeliness_vi(l.timeliness.as_deref()),
            )
        })
        .collect();
    let body = format!(
        "<p>Năm {year}</p><table><thead><tr><th>STT</th><th>Mã hồ sơ</th><th>Tên thủ tục</th><th>Người nộp</th>\
<th>Ngày nhận</th><th>Ngày hẹn trả</th><th>Chuyển cơ quan</th><th>Ngày có kết quả</th><th>Tình trạng</th>\
<th>Đánh giá</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    page(agency, "06", "Sổ theo dõi hồ sơ", "A4 landscape", &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_is_escaped() {
        assert_eq!(
            super::escape_html("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(super::escape_html("Nguyễn Văn Ấn"), "Nguyễn Văn Ấn");
    }
}
