//! A procedure's templates (tờ khai, mẫu đơn): the blank forms a citizen downloads from the
//! procedure's page, attached by administrators to a procedure version. What is accepted: a title,
//! the form's own code if it has one, and a file of a kind office software opens, whose first bytes
//! match its extension (a renamed executable is refused, as for dossier files).
//!
//! That a published procedure offers its forms is what citizens and offices expect (issue 17 item 5);
//! the article of law requiring it is not in our reference documents, so none is cited here. The
//! kinds, sizes and the limit per version below are this product's choice, not the law's.
use super::attachment::{self, AttachmentError, MAX_FILE_BYTES};

/// Most templates one procedure version carries.
pub const MAX_TEMPLATES_PER_VERSION: usize = 20;
/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest form code, e.g. "Mẫu số 01/ĐK" (characters).
pub const MAX_FORM_CODE_CHARS: usize = 50;

/// The accepted kinds: what offices send forms as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    Pdf,
    Doc,
    Docx,
    Xls,
    Xlsx,
    Odt,
    Ods,
}

/// The signature of a ZIP container (DOCX, XLSX, ODT, ODS).
const ZIP: &[u8] = b"PK\x03\x04";
/// The signature of an OLE compound file (DOC, XLS).
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl TemplateKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Doc => "application/msword",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xls => "application/vnd.ms-excel",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// What the pages call the kind ("PDF", "Word", …).
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Doc | Self::Docx => "Word",
            Self::Xls | Self::Xlsx => "Excel",
            Self::Odt => "OpenDocument văn bản",
            Self::Ods => "OpenDocument bảng tính",
        }
    }

    pub fn from_content_type(t: &str) -> Option<Self> {
        ALL.into_iter().find(|k| k.content_type() == t)
    }

    fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(Self::Pdf),
            "doc" => Some(Self::Doc),
            "docx" => Some(Self::Docx),
            "xls" => Some(Self::Xls),
            "xlsx" => Some(Self::Xlsx),
            "odt" => Some(Self::Odt),
            "ods" => Some(Self::Ods),
            _ => None,
        }
    }

    fn matches(self, content: &[u8]) -> bool {
        match self {
            Self::Pdf => content.starts_with(b"%PDF-"),
            Self::Doc | Self::Xls => content.starts_with(OLE),
            Self::Docx | Self::Xlsx | Self::Odt | Self::Ods => content.starts_with(ZIP),
        }
    }
}

const ALL: [TemplateKind; 7] = [
    TemplateKind::Pdf,
    TemplateKind::Doc,
    TemplateKind::Docx,
    TemplateKind::Xls,
    TemplateKind::Xlsx,
    TemplateKind::Odt,
    TemplateKind::Ods,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the title must be 1–200 characters without control characters")]
    Title,
    #[error("the form code has at most 50 characters without control characters")]
    FormCode,
    #[error("a template is a PDF, Word, Excel or OpenDocument file (.pdf, .doc, .docx, .xls, .xlsx, .odt, .ods)")]
    Kind,
    #[error(transparent)]
    File(#[from] AttachmentError),
}

/// A template checked and ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTemplate {
    pub title: String,
    pub form_code: Option<String>,
    pub kind: TemplateKind,
}

/// Checks a template: its title and form code (trimmed; an empty form code is none), its file's
/// name, declared type (none, `application/octet-stream` or the kind's own), size and signature.
pub fn check(
    title: &str,
    form_code: Option<&str>,
    file_name: &str,
    content_type: &str,
    content: &[u8],
) -> Result<CheckedTemplate, TemplateError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS || title.chars().any(char::is_control) {
        return Err(TemplateError::Title);
    }
    let form_code = form_code.map(str::trim).filter(|c| !c.is_empty());
    if form_code.is_some_and(|c| c.chars().count() > MAX_FORM_CODE_CHARS || c.chars().any(char::is_control)) {
        return Err(TemplateError::FormCode);
    }
    let ext = attachment::extension(file_name)?.ok_or(TemplateError::Kind)?;
    let kind = TemplateKind::from_extension(ext).ok_or(TemplateError::Kind)?;
    let declared = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !(declared.is_empty() || declared == "application/octet-stream" || declared == kind.content_type()) {
        return Err(AttachmentError::TypeMismatch(declared.chars().take(60).collect()).into());
    }
    if content.is_empty() {
        return Err(AttachmentError::Empty.into());
    }
    if content.len() > MAX_FILE_BYTES {
        return Err(AttachmentError::TooLarge.into());
    }
    if !kind.matches(content) {
        return Err(AttachmentError::ContentMismatch(kind.content_type()).into());
    }
    Ok(CheckedTemplate { title: title.to_string(), form_code: form_code.map(str::to_string), kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCX: &[u8] = b"PK\x03\x04\x14\x00\x06\x00";

    #[test]
    fn each_kind_is_known_by_its_extension_and_its_first_bytes() {
        let ole = [OLE, b"...."].concat();
        for (name, content, kind) in [
            ("To khai.PDF", &b"%PDF-1.4 x"[..], TemplateKind::Pdf),
            ("Mẫu 01.docx", DOCX, TemplateKind::Docx),
            ("Mẫu 01.doc", &ole[..], TemplateKind::Doc),
            ("Bảng kê.xls", &ole[..], TemplateKind::Xls),
            ("Bảng kê.xlsx", DOCX, TemplateKind::Xlsx),
            ("Đơn.odt", DOCX, TemplateKind::Odt),
            ("Bảng.ods", DOCX, TemplateKind::Ods),
        ] {
            let t = check("Tờ khai", None, name, "", content).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(t.kind, kind, "{name}");
            assert_eq!(TemplateKind::from_content_type(kind.content_type()), Some(kind));
        }
    }

    #[test]
    fn a_renamed_executable_or_a_wrong_kind_is_refused() {
        assert_eq!(
            check("Tờ khai", None, "to-khai.pdf", "application/pdf", b"MZ\x90\x00"),
            Err(TemplateError::File(AttachmentError::ContentMismatch("application/pdf")))
        );
        assert_eq!(
            check("Tờ khai", None, "to-khai.docx", "", b"%PDF-1.4"),
            Err(TemplateError::File(AttachmentError::ContentMismatch(TemplateKind::Docx.content_type())))
        );
        assert_eq!(check("Tờ khai", None, "to-khai.exe", "", b"MZ"), Err(TemplateError::Kind));
        assert_eq!(check("Tờ khai", None, "to-khai", "", b"%PDF-"), Err(TemplateError::Kind));
        assert_eq!(
            check("Tờ khai", None, "../to-khai.pdf", "", b"%PDF-"),
            Err(TemplateError::File(AttachmentError::BadName))
        );
        assert!(matches!(
            check("Tờ khai", None, "a.pdf", "image/png", b"%PDF-"),
            Err(TemplateError::File(AttachmentError::TypeMismatch(_)))
        ));
        assert_eq!(check("Tờ khai", None, "a.pdf", "", b""), Err(TemplateError::File(AttachmentError::Empty)));
        let big = [b"%PDF-".as_slice(), &vec![b' '; MAX_FILE_BYTES]].concat();
        assert_eq!(check("Tờ khai", None, "a.pdf", "", &big), Err(TemplateError::File(AttachmentError::TooLarge)));
    }

    #[test]
    fn declared_types_a_browser_sends_are_accepted() {
        for declared in ["", "application/octet-stream", "application/pdf", "application/PDF; charset=binary"] {
            assert!(check("Tờ khai", None, "a.pdf", declared, b"%PDF-1.7").is_ok(), "{declared}");
        }
    }

    #[test]
    fn titles_and_form_codes_are_bounded_and_trimmed() {
        let ok = check("  Tờ khai đăng ký khai sinh ", Some(" Mẫu số 01 "), "a.pdf", "", b"%PDF-").unwrap();
        assert_eq!((ok.title.as_str(), ok.form_code.as_deref()), ("Tờ khai đăng ký khai sinh", Some("Mẫu số 01")));
        assert_eq!(check("x", Some("  "), "a.pdf", "", b"%PDF-").unwrap().form_code, None);
        for bad in ["", "   ", "a\u{7}b"] {
            assert_eq!(check(bad, None, "a.pdf", "", b"%PDF-"), Err(TemplateError::Title), "{bad:?}");
        }
        assert_eq!(check(&"á".repeat(201), None, "a.pdf", "", b"%PDF-"), Err(TemplateError::Title));
        assert!(check(&"á".repeat(200), None, "a.pdf", "", b"%PDF-").is_ok());
        assert_eq!(check("x", Some(&"1".repeat(51)), "a.pdf", "", b"%PDF-"), Err(TemplateError::FormCode));
        assert_eq!(check("x", Some("a\nb"), "a.pdf", "", b"%PDF-"), Err(TemplateError::FormCode));
    }
}
