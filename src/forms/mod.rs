//! Printable forms as self-contained HTML pages, rendered by the askama templates under
//! `templates/forms/` (see `views`). Which form a number names, and its title, is the dossier's
//! regime (`domain::regime`: TT 01/2018 Mẫu số 01–06 for dossiers received until 30/06/2025, TT
//! 03/2025 Mẫu số 01–07 from 01/07/2025). Every value is escaped; pages print on A5 (the tracking
//! book on A4 landscape).
//!
//! The layouts follow the fields seen in implementations of TT 01/2018's annex (regulations.md
//! §3.6; the annexes themselves were not in the references, as each regime file's `gaps` says):
//! every form heads with the issuing unit under the unit above it, the national motto and the
//! place and date; the receipt adds its number "Số: …/TNHS", the documents with original or copy
//! and the number of each, the statutory time limit, the receipt and return times to the minute,
//! where the result is collected, the fee, the tracking-book volume and number, and both
//! signatures with the receiving clerk's name. A regime whose `form_fields` say so adds the
//! applicant's personal identification number and a place for the head of unit's digital signature.
use std::collections::HashMap;

use askama::Template;
use chrono::{Datelike, NaiveDateTime, Timelike};

use crate::domain::calendar::to_vietnam;
use crate::domain::intake_boundary::ResultDelivery;
use crate::domain::labels::{action_label_vi, committee_name, timeliness_label_vi};
use crate::domain::user::Role;
use crate::services::dossiers::DossierRecord;
use crate::storage::agencies::Letterhead;
use crate::storage::dossiers::EventRow;

mod delay;
mod views;

pub use delay::{delay_lines, DelayLine};

use crate::domain::regime::{self, FormKind, Regime};
pub use crate::domain::text::escape_html;
use views::{
    Apology, ApplicantFacts, BookRow, ControlSheet, DocLine, DossierFacts, HandoverFacts, Head, Receipt, Refusal,
    SheetRow, Signature, StopNotice, Supplement, Text, TrackingBook,
};

/// What the forms print besides the dossier's record (`services::dossiers::print_facts`).
#[derive(Debug, Clone, Default)]
pub struct PrintFacts {
    /// Agency code → its letterhead, for the agencies the dossier met.
    pub letterheads: HashMap<String, Letterhead>,
    /// Account id → full name, for the staff who acted on the dossier.
    pub staff: HashMap<String, String>,
    /// (year, number): the dossier's line in its receiving agency's tracking book.
    pub book: Option<(i32, i64)>,
    /// The procedure's fee, as printed.
    pub fee: String,
    /// The procedure's documents: (name, copies, original).
    pub required: Vec<(String, i32, bool)>,
}

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

/// "09 giờ 05 phút, ngày 01/03/2027", as the receipt writes a time (Vietnam time).
pub fn vn_clock_phrase(t: NaiveDateTime) -> String {
    let v = to_vietnam(t.and_utc());
    format!("{:02} giờ {:02} phút, ngày {}", v.hour(), v.minute(), v.format("%d/%m/%Y"))
}

/// "ngày 05 tháng 02 năm 2027", "ngày 15 tháng 3 năm 2027": the date line of an administrative
/// document (days below 10 and the months January and February written with a leading zero, as
/// ND 30/2020/NĐ-CP Phụ lục I writes them; that decree is not in the reference files).
pub fn vn_date_phrase(t: NaiveDateTime) -> String {
    let v = to_vietnam(t.and_utc());
    let month = if v.month() < 3 { format!("{:02}", v.month()) } else { v.month().to_string() };
    format!("ngày {:02} tháng {month} năm {}", v.day(), v.year())
}

/// Renders a form. The templates are checked at compile time and write only to a `String`, so
/// rendering cannot fail; should it ever, the page says so rather than printing half a form.
fn render(form: &impl Template) -> String {
    form.render()
        .unwrap_or_else(|e| format!("<!DOCTYPE html><p>Không in được biểu mẫu: {}</p>", escape_html(&e.to_string())))
}

/// Who issues a form: the unit above (upper line) and the unit itself (bold line).
struct Issuer {
    above: String,
    unit: String,
    /// The province, for the place of the date line.
    place: String,
}

/// The one-stop counter of an agency issues the intake forms: a public administration service
/// centre under its People's Committee, or the "Bộ phận Một cửa" of any other agency.
fn counter_issuer(l: &Letterhead) -> Issuer {
    let place = crate::domain::labels::place_name(&l.root_name);
    match l.kind.as_str() {
        "service_centre" => Issuer {
            above: l.parent_name.clone().unwrap_or_else(|| l.root_name.clone()).to_uppercase(),
            unit: l.name.to_uppercase(),
            place,
        },
        _ => Issuer { above: committee_name(&l.name).to_uppercase(), unit: "BỘ PHẬN MỘT CỬA".into(), place },
    }
}

/// The one-stop counter of the agency `code` (see [`counter_issuer`]).
fn one_stop(p: &PrintFacts, r: &DossierRecord, code: &str) -> Issuer {
    p.letterheads.get(code).map(counter_issuer).unwrap_or_else(|| unknown_issuer(r, code))
}

/// An agency without a letterhead (none is missing unless the data is): its name alone.
fn unknown_issuer(r: &DossierRecord, code: &str) -> Issuer {
    Issuer { above: String::new(), unit: agency_name(r, code).to_uppercase(), place: String::new() }
}

/// An agency issues its own letters (the apology, a stop by the agency): a department or unit under
/// the unit above it, a People's Committee under none.
fn agency_issuer(p: &PrintFacts, r: &DossierRecord, code: &str) -> Issuer {
    match p.letterheads.get(code) {
        Some(l) => Issuer {
            above: match l.kind.as_str() {
                "people_committee" => String::new(),
                _ => l.parent_name.as_deref().map(committee_name).unwrap_or_default().to_uppercase(),
            },
            unit: committee_name(&l.name).to_uppercase(),
            place: crate::domain::labels::place_name(&l.root_name),
        },
        None => unknown_issuer(r, code),
    }
}

/// The heading of the form of `kind` under `regime`.
fn head_in(regime: &Regime, issuer: Issuer, kind: FormKind, dated: Option<NaiveDateTime>, size: &'static str) -> Head {
    let (number, title) = match regime.form_of(kind) {
        Some(f) => (f.number.clone(), f.title.clone()),
        None => (String::new(), String::new()),
    };
    let place_date = match (dated, issuer.place.is_empty()) {
        (Some(t), false) => format!("{}, {}", issuer.place, vn_date_phrase(t)),
        (Some(t), true) => capitalise(&vn_date_phrase(t)),
        (None, _) => String::new(),
    };
    Head {
        above: Text::new(issuer.above),
        issuer: Text::new(issuer.unit),
        number_line: None,
        place_date,
        number,
        title,
        circular: regime.circular.clone(),
        size,
        digital_signature: regime.form_fields.digital_signature.value && kind != FormKind::TrackingBook,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The heading of one of the dossier's forms, under the dossier's regime.
fn head(r: &DossierRecord, issuer: Issuer, kind: FormKind, dated: Option<NaiveDateTime>) -> Head {
    head_in(r.row.regime(), issuer, kind, dated, "A5")
}

fn agency_name(r: &DossierRecord, code: &str) -> String {
    r.agency_names.get(code).cloned().unwrap_or_else(|| code.to_string())
}

fn receiving_name(r: &DossierRecord) -> String {
    agency_name(r, r.row.receiving_agency.as_str())
}

fn documents(r: &DossierRecord) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(&r.row.documents).unwrap_or_default()
}

fn last_event<'a>(r: &'a DossierRecord, actions: &[&str]) -> Option<&'a EventRow> {
    r.events.iter().rev().find(|e| actions.contains(&e.action.as_str()))
}

fn details(e: &EventRow) -> serde_json::Value {
    e.details.as_deref().and_then(|d| serde_json::from_str(d).ok()).unwrap_or_default()
}

/// Who acted in `e`, by name (empty for a citizen or the system).
fn actor_name(p: &PrintFacts, e: &EventRow) -> String {
    match e.actor_role {
        Role::Citizen => String::new(),
        _ => e.actor_user_id.as_ref().and_then(|id| p.staff.get(id)).cloned().unwrap_or_default(),
    }
}

/// The signature block of the staff member who acted in `e`: the receiving clerk signs the
/// intake forms, a leader signs for the head of the agency.
fn signed_by(p: &PrintFacts, e: &EventRow) -> Signature {
    let title = match e.actor_role {
        Role::Clerk => "NGƯỜI TIẾP NHẬN HỒ SƠ",
        Role::Leader | Role::Admin => "THỦ TRƯỞNG CƠ QUAN",
        _ => "NGƯỜI XỬ LÝ HỒ SƠ",
    };
    Signature { title, name: Text::new(actor_name(p, e)) }
}

/// What forms 01–06 print of the dossier and its applicant (the personal identification number
/// only where the regime's electronic forms carry it).
fn facts(r: &DossierRecord) -> DossierFacts {
    let a = &r.applicant;
    let regime = r.row.regime();
    DossierFacts {
        code: Text::from(r.row.code_or_reference()),
        procedure_name: Text::from(r.procedure_name.as_str()),
        procedure_code: Text::from(r.row.procedure_code.as_str()),
        applicant: ApplicantFacts {
            name: Text::from(a.name.as_str()),
            id_number: regime.form_fields.personal_id.value.then(|| Text::from(a.id_number.as_str())),
            address: Text::from(a.address.as_str()),
            phone: Text::from(a.phone.as_str()),
            email: a.email.as_deref().map(Text::from),
        },
    }
}

/// The statutory time limit, as the receipt states it ("15 ngày làm việc").
fn time_limit(r: &DossierRecord) -> String {
    format!("{:02} {}", r.row.limit_value, r.row.limit_unit.label_vi())
}

/// Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, with the QR code of the public lookup.
pub fn receipt(r: &DossierRecord, p: &PrintFacts, lookup_url: &str) -> String {
    let qr_svg = qrcode::QrCode::new(lookup_url.as_bytes())
        .map(|c| c.render::<qrcode::render::svg::Color>().min_dimensions(120, 120).build())
        .unwrap_or_default();
    let received_at = r.row.received_at.unwrap_or(r.row.submitted_at);
    let received = last_event(r, &["receive", "intake"]);
    let mut head = head(r, one_stop(p, r, r.row.receiving_agency.as_str()), FormKind::Receipt, Some(received_at));
    head.number_line = Some(Text::new(match p.book {
        Some((_, n)) => format!("Số: {n}/TNHS"),
        None => "Số: ……/TNHS".to_string(),
    }));
    // Each document handed in, with what the procedure asks of it (original or copy, how many).
    let documents = documents(r)
        .into_iter()
        .map(|name| {
            let asked = p.required.iter().find(|(n, _, _)| n.trim().to_lowercase() == name.trim().to_lowercase());
            DocLine {
                kind: match asked {
                    Some((_, _, true)) => "Bản chính",
                    Some((_, _, false)) => "Bản sao",
                    None => "",
                },
                copies: format!("{:02}", asked.map(|(_, c, _)| *c).unwrap_or(1).max(1)),
                name: Text::new(name),
            }
        })
        .collect();
    let due = match (r.row.promised_due_at(), r.row.handover_due_at) {
        (Some(due), _) => vn_clock_phrase(due),
        // Boundary-free intake: the time limit runs from the competent agency's receipt
        // (ND 118/2025 Điều 17.3 as amended).
        (None, Some(handover)) => format!(
            "tính từ khi cơ quan có thẩm quyền tiếp nhận hồ sơ (hạn bàn giao hồ sơ: {})",
            vn_clock_phrase(handover)
        ),
        (None, None) => "tính từ khi hồ sơ được tiếp nhận".into(),
    };
    let return_place = match r.row.result_delivery {
        ResultDelivery::Counter => {
            format!("{}: {}", r.row.result_delivery.label_vi(), counter_sentence(p, r, r.row.receiving_agency.as_str()))
        }
        ResultDelivery::Post => format!("{}, đến địa chỉ: {}", r.row.result_delivery.label_vi(), r.applicant.address),
        ResultDelivery::Online => format!("{} (kết quả điện tử)", r.row.result_delivery.label_vi()),
    };
    render(&Receipt {
        head,
        d: facts(r),
        documents,
        sets: "01".into(),
        time_limit: time_limit(r),
        received: vn_clock_phrase(received_at),
        due,
        return_place: Text::new(return_place),
        fee: Text::new(p.fee.clone()),
        book: match p.book {
            Some((year, n)) => format!("Quyển số: 01/{year}, Số thứ tự: {n}"),
            None => "Quyển số: ……, Số thứ tự: ……".into(),
        },
        sign: Signature {
            title: "NGƯỜI TIẾP NHẬN HỒ SƠ",
            name: Text::new(received.map(|e| actor_name(p, e)).unwrap_or_default()),
        },
        pin: Text::from(r.row.pin.as_str()),
        qr_svg,
        lookup_url: Text::from(lookup_url),
    })
}

/// Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — everything missing, listed once.
pub fn supplement(r: &DossierRecord, p: &PrintFacts) -> Option<String> {
    let e = last_event(r, &["request_supplement"])?;
    let missing: Vec<Text> = details(e)["missing"]
        .as_array()
        .map(|v| v.iter().filter_map(|x| x.as_str().map(Text::from)).collect())
        .unwrap_or_default();
    let issuer = one_stop(p, r, e.from_agency.as_str());
    let guide = counter_sentence(p, r, e.from_agency.as_str());
    Some(render(&Supplement {
        head: head(r, issuer, FormKind::SupplementRequest, Some(e.at)),
        d: facts(r),
        requested_on: vn_date(e.at),
        missing,
        reason: Text::from(e.note.as_deref().unwrap_or("Hồ sơ chưa đầy đủ, hợp lệ")),
        contact: Text::new(guide),
        sign: Signature { title: "NGƯỜI HƯỚNG DẪN", name: Text::new(actor_name(p, e)) },
    }))
}

/// The one-stop counter of the agency `code` as a sentence names it ("Bộ phận Một cửa UBND
/// Phường Tân An", "Trung tâm Phục vụ hành chính công thành phố Cần Thơ").
fn counter_sentence(p: &PrintFacts, r: &DossierRecord, code: &str) -> String {
    match p.letterheads.get(code) {
        Some(l) if l.kind == "service_centre" => l.name.clone(),
        Some(l) => format!("Bộ phận Một cửa {}", committee_name(&l.name)),
        None => agency_name(r, code),
    }
}

/// The agency `code` as a sentence names it ("UBND Quận Ninh Kiều", "Sở Tư pháp").
fn agency_sentence(p: &PrintFacts, r: &DossierRecord, code: &str) -> String {
    p.letterheads.get(code).map(|l| committee_name(&l.name)).unwrap_or_else(|| agency_name(r, code))
}

/// Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reasons.
pub fn refusal(r: &DossierRecord, p: &PrintFacts) -> Option<String> {
    let e = last_event(r, &["refuse"])?;
    let by = e.from_agency.as_str();
    let (issuer, agency) = match e.actor_role {
        Role::Clerk => (one_stop(p, r, by), counter_sentence(p, r, by)),
        _ => (agency_issuer(p, r, by), agency_sentence(p, r, by)),
    };
    Some(render(&Refusal {
        head: head(r, issuer, FormKind::Refusal, Some(e.at)),
        d: facts(r),
        refused_on: vn_date(e.at),
        agency: Text::new(agency),
        reason: Text::from(details(e)["reason"].as_str().unwrap_or_default()),
        sign: signed_by(p, e),
    }))
}

/// Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả, issued by the agency that will be late.
pub fn apology(r: &DossierRecord, p: &PrintFacts) -> Option<String> {
    let e = last_event(r, &["extend"])?;
    let d = details(e);
    let new_due = d["new_due_date"]
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .map(|x| x.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let agency = agency_sentence(p, r, e.from_agency.as_str());
    Some(render(&Apology {
        head: head(r, agency_issuer(p, r, e.from_agency.as_str()), FormKind::Apology, Some(e.at)),
        d: facts(r),
        received: opt_date(r.row.received_at),
        time_limit: time_limit(r),
        first_due: opt_date(r.row.due_at),
        reason: Text::from(d["reason"].as_str().unwrap_or_default()),
        new_due: Text::new(new_due),
        agency: Text::new(agency),
        sign: Signature { title: "THỦ TRƯỞNG CƠ QUAN", name: Text::new(actor_name(p, e)) },
    }))
}

/// TT 03/2025 Mẫu số 05: Thông báo dừng giải quyết hồ sơ — for a dossier stopped (at the
/// applicant's request, a withdrawal, issued by the receiving one-stop counter as ND 118/2025 Điều
/// 21 has it; or by the agency). TT 01/2018 has no such form.
pub fn stop_notice(r: &DossierRecord, p: &PrintFacts) -> Option<String> {
    let e = last_event(r, &["withdraw", "stop"])?;
    let (issuer, reason) = match e.action.as_str() {
        "withdraw" => (
            one_stop(p, r, r.row.receiving_agency.as_str()),
            "Theo đề nghị của tổ chức, cá nhân nộp hồ sơ (rút hồ sơ).".to_string(),
        ),
        _ => {
            (agency_issuer(p, r, e.from_agency.as_str()), details(e)["reason"].as_str().unwrap_or_default().to_string())
        }
    };
    let agency = match e.action.as_str() {
        "withdraw" => counter_sentence(p, r, r.row.receiving_agency.as_str()),
        _ => agency_sentence(p, r, e.from_agency.as_str()),
    };
    Some(render(&StopNotice {
        head: head(r, issuer, FormKind::StopNotice, Some(e.at)),
        d: facts(r),
        received: opt_date(r.row.received_at),
        stopped_on: vn_date(e.at),
        agency: Text::new(agency),
        reason: Text::new(reason),
        sign: signed_by(p, e),
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

/// The form of the dossier's regime that `number` names, if it has one.
pub fn kind_of(r: &DossierRecord, number: &str) -> Result<FormKind, FormError> {
    let regime = r.row.regime();
    regime.form(number).map(|f| f.kind).ok_or_else(|| FormError::NotInRegime {
        number: number.chars().take(4).collect(),
        circular: regime.circular.clone(),
        numbers: regime.dossier_form_numbers().join(", "),
    })
}

/// The dossier's form that its regime numbers `number`.
pub fn by_number(r: &DossierRecord, p: &PrintFacts, number: &str, lookup_url: &str) -> Result<String, FormError> {
    let kind = kind_of(r, number)?;
    let missing = |what| FormError::DoesNotApply(number.to_string(), what);
    match kind {
        FormKind::Receipt => Ok(receipt(r, p, lookup_url)),
        FormKind::SupplementRequest => supplement(r, p).ok_or_else(|| missing("supplement request")),
        FormKind::Refusal => refusal(r, p).ok_or_else(|| missing("refusal")),
        FormKind::Apology => apology(r, p).ok_or_else(|| missing("apology")),
        FormKind::StopNotice => stop_notice(r, p).ok_or_else(|| missing("stop or withdrawal")),
        FormKind::ControlSheet => Ok(control_sheet(r, p)),
        FormKind::TrackingBook => Err(FormError::TrackingBook(number.to_string())),
    }
}

/// The control sheet (TT 01/2018 Mẫu số 05, TT 03/2025 Mẫu số 06) — one row per handover: who
/// gave it and who took it, when, the step's deadline and its result (Trước hạn / Đúng hạn / Quá
/// hạn), and what was done.
pub fn control_sheet(r: &DossierRecord, p: &PrintFacts) -> String {
    let rows = r
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            // Whoever acted next from the agency it went to took it.
            let taker = r.events[i + 1..].iter().find(|n| n.from_agency == e.to_agency).map(|n| actor_name(p, n));
            SheetRow {
                seq: e.seq,
                from: Text::new(agency_name(r, e.from_agency.as_str())),
                to: Text::new(agency_name(r, e.to_agency.as_str())),
                at: vn_clock_phrase(e.at),
                giver: Text::new(actor_name(p, e)),
                taker: Text::new(taker.unwrap_or_default()),
                step_due: opt_time(e.step_due_at),
                timeliness: timeliness_label_vi(e.step_timeliness),
                action: action_label_vi(&e.action),
                note: Text::new(e.note.clone().unwrap_or_default()),
            }
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
    let deciding = r.row.competent_agency.as_ref().unwrap_or(&r.row.current_agency);
    let mut consulted: Vec<String> = r.consultations.iter().map(|c| agency_name(r, c.agency_code.as_str())).collect();
    consulted.dedup();
    let received_at = r.row.received_at.unwrap_or(r.row.submitted_at);
    let (delay, limit_hours) = delay_lines(r);
    render(&ControlSheet {
        head: head(r, one_stop(p, r, r.row.receiving_agency.as_str()), FormKind::ControlSheet, Some(received_at)),
        d: facts(r),
        receipt_number: p.book.map(|(_, n)| format!("{n}/TNHS")).unwrap_or_default(),
        deciding: Text::new(agency_name(r, deciding.as_str())),
        consulted: Text::new(consulted.join("; ")),
        due: r.row.due_at.map(vn_date).unwrap_or_else(|| "(tính từ khi cơ quan có thẩm quyền tiếp nhận hồ sơ)".into()),
        handover,
        delivery: r.row.result_delivery.label_vi(),
        delay,
        limit_hours,
        rows,
    })
}

/// One line of the tracking book.
pub struct BookLine {
    pub code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub applicant_address: String,
    pub applicant_phone: String,
    /// The agency that decides (boundary-free intake: the competent agency).
    pub deciding: String,
    pub received_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    pub transferred_to: Vec<String>,
    pub finished_at: Option<NaiveDateTime>,
    pub returned_at: Option<NaiveDateTime>,
    pub status_label: String,
    pub timeliness: Option<crate::domain::calendar::Timeliness>,
}

/// The tracking book (TT 01/2018 Mẫu số 06, TT 03/2025 Mẫu số 07) — the agency's dossiers of a
/// year, numbered continuously; numbered as the regime in force at the year's end numbers it
/// (2025's book is TT 03/2025's Mẫu số 07, its first half received under TT 01/2018).
pub fn tracking_book(agency: &Letterhead, year: i32, lines: &[BookLine]) -> String {
    let rows = lines
        .iter()
        .map(|l| BookRow {
            code: Text::from(l.code.as_str()),
            procedure_name: Text::from(l.procedure_name.as_str()),
            applicant_name: Text::from(l.applicant_name.as_str()),
            applicant_contact: Text::new(format!("{}; {}", l.applicant_address, l.applicant_phone)),
            deciding: Text::from(l.deciding.as_str()),
            received: opt_time(l.received_at),
            due: opt_date(l.due_at),
            transferred_to: Text::new(l.transferred_to.join("; ")),
            finished: opt_date(l.finished_at),
            returned: opt_date(l.returned_at),
            status: Text::from(l.status_label.as_str()),
            timeliness: timeliness_label_vi(l.timeliness),
        })
        .collect();
    render(&TrackingBook {
        head: head_in(regime::on(year_end(year)), counter_issuer(agency), FormKind::TrackingBook, None, "A4 landscape"),
        year,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            super::escape_html("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(super::escape_html("Nguyễn Văn Ấn"), "Nguyễn Văn Ấn");
    }

    #[test]
    fn times_and_dates_read_as_an_administrative_document_writes_them() {
        // 02:05 UTC is 09:05 in Vietnam.
        let t = NaiveDate::from_ymd_opt(2027, 2, 5).unwrap().and_hms_opt(2, 5, 0).unwrap();
        assert_eq!(super::vn_clock_phrase(t), "09 giờ 05 phút, ngày 05/02/2027");
        assert_eq!(super::vn_date_phrase(t), "ngày 05 tháng 02 năm 2027");
        let t = NaiveDate::from_ymd_opt(2027, 3, 14).unwrap().and_hms_opt(18, 0, 0).unwrap();
        assert_eq!(super::vn_date_phrase(t), "ngày 15 tháng 3 năm 2027", "the Vietnam date, after midnight there");
    }
}
