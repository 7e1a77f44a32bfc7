//! Vietnamese text helpers.
use unicode_normalization::UnicodeNormalization;

/// Folds Vietnamese text for search: lower case, diacritics removed, `đ` → `d`,
/// runs of whitespace collapsed. "Đăng ký khai sinh" and "dang ky  KHAI sinh" fold alike.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if unicode_normalization::char::is_combining_mark(c) => continue,
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A text input holding a control character: the field it was found in and which character.
/// PostgreSQL `text` cannot hold U+0000 at all, and no field of a dossier has a use for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlCharacter {
    pub field: String,
    pub code_point: u32,
}

impl std::fmt::Display for ControlCharacter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let allowed = if matches!(self.code_point, 0x09 | 0x0A | 0x0D) {
            "; tabs and line breaks belong only in notes, reasons and lists"
        } else {
            ""
        };
        write!(
            f,
            "{} holds a control character (U+{:04X}): remove it{allowed}",
            field_label(&self.field),
            self.code_point
        )
    }
}

/// The field as a message may name it: a name made of letters, digits, `_`, `.` and `[n]`
/// (`applicant.name`, `missing[2]`), else a neutral phrase (a field name sent by the client could carry anything).
fn field_label(field: &str) -> String {
    let plain = !field.is_empty()
        && field.len() <= 80
        && field.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'));
    if plain {
        format!("the field `{field}`")
    } else {
        "a field".to_string()
    }
}

/// Every text input passes this at the boundary: no control characters (C0, DEL, C1), except tab and
/// line breaks in multi-line text (notes, reasons, the list of missing documents).
pub fn check_text(field: &str, s: &str, multiline: bool) -> Result<(), ControlCharacter> {
    let bad = s.chars().find(|&c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')));
    match bad {
        None => Ok(()),
        Some(c) => Err(ControlCharacter { field: field.to_string(), code_point: c as u32 }),
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{check_text, fold};

    #[test]
    fn control_characters_are_refused_but_notes_keep_tabs_and_line_breaks() {
        assert_eq!(check_text("applicant.name", "Nguyễn Thị Hoa", false), Ok(()));
        let e = check_text("applicant.name", "Nguyễn\u{0}Hoa", false).unwrap_err();
        assert_eq!(e.code_point, 0);
        assert_eq!(e.to_string(), "the field `applicant.name` holds a control character (U+0000): remove it");
        assert!(!e.to_string().contains("Hoa"), "the value is never quoted");
        for c in ['\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            assert!(check_text("note", &format!("a{c}b"), true).is_err(), "{:?}", c);
        }
        assert_eq!(check_text("note", "dòng 1\n\tdòng 2\r\n", true), Ok(()));
        assert!(check_text("name", "dòng 1\ndòng 2", false).unwrap_err().to_string().contains("line breaks"));
        assert_eq!(
            check_text("Nguyễn Bí Mật", "\u{0}", false).unwrap_err().to_string(),
            "a field holds a control character (U+0000): remove it"
        );
    }

    #[test]
    fn folding_removes_vietnamese_diacritics_and_case() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("  Cấp   GIẤY phép  "), "cap giay phep");
        assert_eq!(fold("Thủ tục hành chính"), "thu tuc hanh chinh");
        assert_eq!(fold("Ô Môn"), "o mon");
    }
}
