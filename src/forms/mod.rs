//! Printable forms as self-contained HTML pages, rendered by the askama templates under
//! `templates/forms/` (see `views`). Which form a number names, and its title, is the dossier's
//! regime (`domain::regime`: TT 01/2018 Mẫu số 01–06 for dossiers received until 30/06/2025, TT
//! 03/2025 Mẫu số 01–07 from 01/07/2025). Every value is escaped; pages print on A5 (the tracking
//! book on A4 landscape).
use askama::Template;
use chrono::NaiveDateTime;

use crate::domain::calendar::to_vietnam;
use crate::domain::labels::timeliness_label_vi;
use crate::services::dossiers::DossierRecord;
use crate::storage::dossiers::EventRow;

mod views;

use crate::domain::regime::{self, FormKind, Regime};
pub use crate::domain::text::escape_html;
use views::{
    Apology, ApplicantFacts, BookRow, ControlSheet, DossierFacts, HandoverFacts, Head, Receipt, Refusal, SheetRow,
    StopNotice, Supplement, Text, TrackingBook,
};

/// The last day of `year` (clamped to the years chrono holds).
fn year_end(year: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(chrono::NaiveDate::MAX)
}

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

fn opt_date(t: Option<NaiveDateTime>) -> String {
    t.map(vn_date).unwrap_or_default()
}

/// Renders a form. The templates are checked at compile time and write only to a `String`, so
/// rendering cannot fail; should it ever, the page says so rather than printing half a form.
fn render(form: &impl Template) -> String {
    form.render()
        .unwrap_or_else(|e| format!("<!DOCTYPE html><p>Không in được biểu mẫu: {}</p>", escape_html(&e.to_string())))
}

/// The heading of the form of `kind` under `regime`, issued by `agency`.
fn head_in(regime: &Regime, agency: String, kind: FormKind, size: &'static str) -> Head {
    let (number, title) = match regime.form_of(kind) {
        Some(f) => (f.number.clone(), f.title.clone()),
        None => (String::new(), String::new()),
    };
    Head { agency: Text::new(agency), number, title, circular: regime.circular.clone(), size }
}

/// The heading of one of the dossier's forms, under the dossier's regime.
fn head(r: &DossierRecord, agency: String, kind: FormKind) -> Head {
    head_in(r.row.to_domain().regime(), agency, kind, "A5")
}

fn agency_name(r: &DossierRecord, code: &str) -> String {
    r.agency_names.get(code).cloned().unwrap_or_else(|| code.to_string())
}

fn receiving_name(r: &DossierRecord) -> String {
    agency_name(r, r.row.receiving_agency.as_str())
}

fn documents(r: &DossierRecord) -> Vec<Text> {
    serde_json::from_str::<Vec<String>>(&r.row.documents).unwrap_or_default().into_iter().map(Text::new).collect()
}

fn last_event<'a>(r: &'a DossierRecord, action: &str) -> Option<&'a EventRow> {
    r.events.iter().rev().find(|e| e.action == action)
}

fn details(e: &EventRow) -> serde_json::Value {
    e.details.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default()
}

/// What forms 01–05 print of the dossier and its applicant.
fn facts(r: &DossierRecord) -> DossierFacts {
    let a = &r.applicant;
    DossierFacts {
        code: Text::from(r.row.code_or_reference()),
        procedure_name: Text::from(r.procedure_name.as_str()),
        procedure_code: Text::from(r.row.procedure_code.as_str()),
        applicant: ApplicantFacts {
            name: Text::from(a.name.as_str()),
            address: Text::from(a.address.as_str()),
            phone: Text::from(a.phone.as_str()),
            email: a.email.as_deref().map(Text::from),
        },
    }
}

/// Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the QR code of the public lookup.
pub fn receipt(r: &DossierRecord, lookup_url: &str) -> String {
    let qr_svg = qrcode::QrCode::new(lookup_url.as_bytes())
        .map(|c| c.render::<qrcode::render::svg::Color>().min_dimensions(120, 120).build())
        .unwrap_or_default();
    let due = r.row.promised_due_at();
    render(&Receipt {
        head: head(r, receiving_name(r), FormKind::Receipt),
        d: facts(r),
        documents: documents(r),
        received: opt_time(r.row.received_at.or(Some(r.row.submitted_at))),
        due: match (due, r.row.handover_due_at) {
            (Some(due), _) => vn_date(due),
            // Boundary-free intake: the time limit runs from the competent agency's receipt
            // (ND 118/2025 Điều 17.3 as amended).
            (None, Some(handover)) => format!(
                "(tính từ khi cơ quan có thẩm quyền tiếp nhận hồ sơ; hạn bàn giao hồ sơ: {})",
                vn_time(handover)
            ),
            (None, None) => "(sau khi hồ sơ được tiếp nhận)".into(),
        },
        pin: Text::from(r.row.pin.as_str()),
        qr_svg,
        lookup_url: Text::from(lookup_url),
    })
}

/// Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — everything missing, listed once.
pub fn supplement(r: &DossierRecord) -> Option<String> {
    let e = last_event(r, "request_supplement")?;
    let missing: Vec<Text> = details(e)["missing"]
        .as_array()
        .map(|v| v.iter().filter_map(|x| x.as_str().map(Text::from)).collect())
        .unwrap_or_default();
    Some(render(&Supplement {
        head: head(r, receiving_name(r), FormKind::SupplementRequest),
        d: facts(r),
        requested_on: vn_date(e.at),
        missing,
        reason: Text::from(e.note.as_deref().unwrap_or("Hồ sơ chưa đầy đủ, hợp lệ")),
    }))
}

/// Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reasons.
pub fn refusal(r: &DossierRecord) -> Option<String> {
    let e = last_event(r, "refuse")?;
    Some(render(&Refusal {
        head: head(r, receiving_name(r), FormKind::Refusal),
        d: facts(r),
        refused_on: vn_date(e.at),
        reason: Text::from(details(e)["reason"].as_str().unwrap_or_default()),
    }))
}

/// Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả, issued by the agency that will be late.
pub fn apology(r: &DossierRecord) -> Option<String> {
    let e = last_event(r, "extend")?;
    let d = details(e);
    let new_due = d["new_due_date"]
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(|x| x.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    Some(render(&Apology {
        head: head(r, agency_name(r, e.from_agency.as_str()), FormKind::Apology),
        d: facts(r),
        first_due: opt_date(r.row.due_at),
        reason: Text::from(d["reason"].as_str().unwrap_or_default()),
        new_due: Text::new(new_due),
    }))
}

/// TT 03/2025 Mẫu số 05: Thông báo dừng giải quyết hồ sơ — for a dossier stopped (at the
/// applicant's request, a withdrawal, or by the agency). TT 01/2018 has no such form.
pub fn stop_notice(r: &DossierRecord) -> Option<String> {
    let e = r.events.iter().rev().find(|e| e.action == "withdraw" || e.action == "stop")?;
    let reason = match e.action.as_str() {
        "withdraw" => "Theo đề nghị của tổ chức, cá nhân nộp hồ sơ (rút hồ sơ).".to_string(),
        _ => details(e)["reason"].as_str().unwrap_or_default().to_string(),
    };
    Some(render(&StopNotice {
        head: head(r, receiving_name(r), FormKind::StopNotice),
        d: facts(r),
        stopped_on: vn_date(e.at),
        reason: Text::new(reason),
    }))
}

/// Why a form cannot be printed for a dossier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("the dossier's regime ({circular}) has no form {number}: its forms are {numbers}")]
    NotInRegime { number: String, circular: String, numbers: String },
    #[error("form {0} is the agency's tracking book: GET /api/v1/agencies/{{code}}/tracking-book")]
    TrackingBook(String),
    #[error("form {0} does not apply: this dossier has no {1}")]
    DoesNotApply(String, &'static str),
}

/// The dossier's form that its regime numbers `number`.
pub fn by_number(r: &DossierRecord, number: &str, lookup_url: &str) -> Result<String, FormError> {
    let regime = r.row.to_domain().regime();
    let form = regime.form(number).ok_or_else(|| FormError::NotInRegime {
        number: number.chars().take(4).collect(),
        circular: regime.circular.clone(),
        numbers: regime.dossier_form_numbers().join(", "),
    })?;
    let missing = |what| FormError::DoesNotApply(form.number.clone(), what);
    match form.kind {
        FormKind::Receipt => Ok(receipt(r, lookup_url)),
        FormKind::SupplementRequest => supplement(r).ok_or_else(|| missing("supplement request")),
        FormKind::Refusal => refusal(r).ok_or_else(|| missing("refusal")),
        FormKind::Apology => apology(r).ok_or_else(|| missing("apology")),
        FormKind::StopNotice => stop_notice(r).ok_or_else(|| missing("stop or withdrawal")),
        FormKind::ControlSheet => Ok(control_sheet(r)),
        FormKind::TrackingBook => Err(FormError::TrackingBook(form.number.clone())),
    }
}

/// The control sheet (TT 01/2018 Mẫu số 05, TT 03/2025 Mẫu số 06) — one row per handover.
pub fn control_sheet(r: &DossierRecord) -> String {
    let rows = r
        .events
        .iter()
        .map(|e| SheetRow {
            seq: e.seq,
            from: Text::new(agency_name(r, e.from_agency.as_str())),
            to: Text::new(agency_name(r, e.to_agency.as_str())),
            at: vn_time(e.at),
            step_due: opt_time(e.step_due_at),
            timeliness: timeliness_label_vi(e.step_timeliness),
            note: Text::new(format!("{} {}", e.action, e.note.as_deref().unwrap_or(""))),
        })
        .collect();
    let handover = r.row.competent_agency.as_ref().map(|c| HandoverFacts {
        receiving: Text::new(receiving_name(r)),
        competent: Text::new(agency_name(r, c.as_str())),
        due: opt_time(r.row.handover_due_at),
        received: opt_time(r.row.competent_received_at),
        met: match r.handover_late {
            Some(true) => "Quá hạn",
            Some(false) if r.row.competent_received_at.is_some() => "Đúng hạn",
            _ => "",
        },
    });
    render(&ControlSheet {
        head: head(r, receiving_name(r), FormKind::ControlSheet),
        d: facts(r),
        due: r.row.due_at.map(vn_date).unwrap_or_else(|| "(tính từ khi cơ quan có thẩm quyền tiếp nhận hồ sơ)".into()),
        handover,
        delivery: r.row.result_delivery.label_vi(),
        rows,
    })
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
    pub timeliness: Option<crate::domain::calendar::Timeliness>,
}

/// The tracking book (TT 01/2018 Mẫu số 06, TT 03/2025 Mẫu số 07) — the agency's dossiers of a
/// year, numbered continuously; numbered as the regime in force at the year's end numbers it
/// (2025's book is TT 03/2025's Mẫu số 07, its first half received under TT 01/2018).
pub fn tracking_book(agency: &str, year: i32, lines: &[BookLine]) -> String {
    let rows = lines
        .iter()
        .map(|l| BookRow {
            code: Text::from(l.code.as_str()),
            procedure_name: Text::from(l.procedure_name.as_str()),
            applicant_name: Text::from(l.applicant_name.as_str()),
            received: opt_time(l.received_at),
            due: opt_date(l.due_at),
            transferred_to: Text::new(l.transferred_to.join("; ")),
            finished: opt_date(l.finished_at),
            status: Text::from(l.status_label.as_str()),
            timeliness: timeliness_label_vi(l.timeliness),
        })
        .collect();
    render(&TrackingBook {
        head: head_in(regime::on(year_end(year)), agency.to_string(), FormKind::TrackingBook, "A4 landscape"),
        year,
        rows,
    })
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
