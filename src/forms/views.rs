//! What each printable form shows, as askama templates under `templates/forms/` (one per form,
//! all extending `forms/page.html`: motto, issuing agency, number and title).
//!
//! Escaping is askama's: every value goes through its HTML auto-escaping. Text that comes from
//! people (names, addresses, reasons, notes, codes) is wrapped in `Text`, which askama treats as
//! already safe because it escapes itself with `escape_html`, the same named entities (`&lt;`,
//! `&amp;`, `&#39;`) the forms have always printed; anything not wrapped is escaped by askama's
//! own escaper, so forgetting the wrapper changes only the entity style, never the safety.
use std::fmt;

use askama::Template;

use crate::domain::text::escape_html;

/// Text from outside, printed with named HTML entities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
}

impl Text {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self(s.to_string())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_html(&self.0))
    }
}

/// `Display` escapes every character that is special in HTML text and attributes.
impl askama::filters::HtmlSafe for Text {}

/// The heading every form shares: the issuing unit under the unit above it (left), the national
/// motto and the place and date (right), the form's number and title.
pub struct Head {
    /// The unit above the issuer, in capitals ("UBND THÀNH PHỐ CẦN THƠ"); may be empty.
    pub above: Text,
    /// The issuing unit, in capitals ("BỘ PHẬN MỘT CỬA", "SỞ TƯ PHÁP").
    pub issuer: Text,
    /// The document's number ("Số: 12/TNHS"), where the form has one.
    pub number_line: Option<Text>,
    /// "Cần Thơ, ngày 01 tháng 3 năm 2027"; empty for the tracking book.
    pub place_date: String,
    /// The form's number in its regime ("01" … "07").
    pub number: String,
    pub title: String,
    /// The circular the number belongs to ("Thông tư 03/2025/TT-VPCP").
    pub circular: String,
    /// CSS `@page` size: A5 for forms 01–06, A4 landscape for the book (TT 01/2018 Điều 10).
    pub size: &'static str,
    /// A place for the head of unit's digital signature (the regime's `form_fields`).
    pub digital_signature: bool,
}

/// A signature block: the signer's title and, under the space to sign, their name.
pub struct Signature {
    pub title: &'static str,
    pub name: Text,
}

/// The applicant as the forms name them.
pub struct ApplicantFacts {
    pub name: Text,
    /// The personal identification number, where the regime's electronic forms carry it.
    pub id_number: Option<Text>,
    pub address: Text,
    pub phone: Text,
    pub email: Option<Text>,
}

/// The dossier as the forms name it.
pub struct DossierFacts {
    pub code: Text,
    pub procedure_name: Text,
    pub procedure_code: Text,
    pub applicant: ApplicantFacts,
}

/// A document handed in, as the receipt lists it.
pub struct DocLine {
    pub name: Text,
    /// "Bản chính", "Bản sao", or empty when the procedure does not list the document.
    pub kind: &'static str,
    pub copies: String,
}

/// Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
#[derive(Template)]
#[template(path = "forms/receipt.html")]
pub struct Receipt {
    pub head: Head,
    pub d: DossierFacts,
    pub documents: Vec<DocLine>,
    /// Number of sets ("01").
    pub sets: String,
    /// The statutory time limit ("15 ngày làm việc").
    pub time_limit: String,
    pub received: String,
    pub due: String,
    pub return_place: Text,
    pub fee: Text,
    /// "Quyển số: 01/2027, Số thứ tự: 12".
    pub book: String,
    /// The receiving clerk's signature block.
    pub sign: Signature,
    pub pin: Text,
    /// The QR code of the public lookup, an SVG drawn here from the address (no outside text).
    pub qr_svg: String,
    pub lookup_url: Text,
}

/// Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
#[derive(Template)]
#[template(path = "forms/supplement.html")]
pub struct Supplement {
    pub head: Head,
    pub d: DossierFacts,
    pub requested_on: String,
    pub missing: Vec<Text>,
    pub reason: Text,
    /// Whom to ask while completing the dossier.
    pub contact: Text,
    pub sign: Signature,
}

/// Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ.
#[derive(Template)]
#[template(path = "forms/refusal.html")]
pub struct Refusal {
    pub head: Head,
    pub d: DossierFacts,
    pub refused_on: String,
    pub agency: Text,
    pub reason: Text,
    pub sign: Signature,
}

/// TT 03/2025 Mẫu số 05: Thông báo dừng giải quyết hồ sơ.
#[derive(Template)]
#[template(path = "forms/stop_notice.html")]
pub struct StopNotice {
    pub head: Head,
    pub d: DossierFacts,
    pub received: String,
    pub stopped_on: String,
    pub agency: Text,
    pub reason: Text,
    pub sign: Signature,
}

/// Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.
#[derive(Template)]
#[template(path = "forms/apology.html")]
pub struct Apology {
    pub head: Head,
    pub d: DossierFacts,
    pub received: String,
    pub time_limit: String,
    pub first_due: String,
    pub reason: Text,
    pub new_due: Text,
    pub agency: Text,
    pub sign: Signature,
}

/// One handover on the control sheet.
pub struct SheetRow {
    pub seq: i32,
    pub from: Text,
    pub to: Text,
    pub at: String,
    /// Who gave it and who took it (empty: to sign by hand).
    pub giver: Text,
    pub taker: Text,
    pub step_due: String,
    pub timeliness: &'static str,
    pub action: &'static str,
    pub note: Text,
}

/// The two clocks of a dossier received at a centre for a competent agency elsewhere
/// (boundary-free intake, ND 118/2025 Điều 17.3 as amended), as the control sheet prints them.
pub struct HandoverFacts {
    pub receiving: Text,
    pub competent: Text,
    /// The receiving centre's deadline for handing the dossier over.
    pub due: String,
    /// When the competent agency received it; empty while waiting ("chờ bàn giao").
    pub received: String,
    /// Đúng hạn / Quá hạn, or empty while waiting within the deadline.
    pub met: &'static str,
}

/// Mẫu số 05 (TT 01/2018) / 06 (TT 03/2025): Phiếu kiểm soát quá trình giải quyết hồ sơ.
#[derive(Template)]
#[template(path = "forms/control_sheet.html")]
pub struct ControlSheet {
    pub head: Head,
    pub d: DossierFacts,
    /// The receipt it goes with ("12/TNHS"); empty before receipt.
    pub receipt_number: String,
    /// The agency that decides, and those consulted.
    pub deciding: Text,
    pub consulted: Text,
    pub due: String,
    pub handover: Option<HandoverFacts>,
    /// How the applicant takes the result.
    pub delivery: &'static str,
    pub rows: Vec<SheetRow>,
    /// The office hours each step held the dossier against its budget (issue 16 item 1).
    pub delay: Vec<super::DelayLine>,
    /// The whole time limit in office hours ("240 h").
    pub limit_hours: String,
}

/// One line of the tracking book as printed.
pub struct BookRow {
    pub code: Text,
    pub procedure_name: Text,
    pub applicant_name: Text,
    pub applicant_contact: Text,
    pub deciding: Text,
    pub received: String,
    pub due: String,
    pub transferred_to: Text,
    pub finished: String,
    pub returned: String,
    pub status: Text,
    pub timeliness: &'static str,
}

/// Mẫu số 06 (TT 01/2018) / 07 (TT 03/2025): Sổ theo dõi hồ sơ.
#[derive(Template)]
#[template(path = "forms/tracking_book.html")]
pub struct TrackingBook {
    pub head: Head,
    pub year: i32,
    pub rows: Vec<BookRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_outside_is_escaped_with_named_entities_and_askama_does_not_escape_it_twice() {
        let t = Text::from("<b>Lê & 'Lý' \"Hòa\"</b>");
        let html = t.to_string();
        assert_eq!(html, "&lt;b&gt;Lê &amp; &#39;Lý&#39; &quot;Hòa&quot;&lt;/b&gt;");
        let book = TrackingBook {
            head: Head {
                above: Text::from("UBND <xã>"),
                issuer: Text::from("BỘ PHẬN MỘT CỬA"),
                number_line: None,
                place_date: String::new(),
                number: "06".into(),
                title: "Sổ theo dõi hồ sơ".into(),
                circular: "Thông tư 01/2018/TT-VPCP".into(),
                size: "A4",
                digital_signature: false,
            },
            year: 2027,
            rows: vec![],
        };
        let page = book.render().unwrap();
        assert!(page.contains("UBND &lt;xã&gt;"), "{page}");
        assert!(!page.contains("&amp;lt;") && !page.contains("<xã>"));
    }
}
