//! Notices owed to the applicant (ND 61/2018 Điều 16, 19; TT 01/2018): which state changes owe one,
//! and their texts — email in Vietnamese with diacritics, SMS without (as gateways expect).
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

/// How the applicant wants to be told, chosen at intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    Email,
    Sms,
    Both,
    None,
}

impl Preference {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            "both" => Some(Self::Both),
            "none" => Some(Self::None),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Both => "both",
            Self::None => "none",
        }
    }
    pub fn wants_email(self) -> bool {
        matches!(self, Self::Email | Self::Both)
    }
    pub fn wants_sms(self) -> bool {
        matches!(self, Self::Sms | Self::Both)
    }
}

/// The moments the decrees require the applicant to be told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Received, with the code and the due date (ND 61/2018 Điều 16.3, Giấy tiếp nhận).
    Received,
    /// A supplement is needed, listing everything missing (Điều 16.2, 19.4).
    SupplementRequested,
    /// Refused after appraisal, with the reasons: Phiếu từ chối giải quyết hồ sơ
    /// (ND 61/2018 Điều 19 khoản 8).
    Refused,
    /// Not received at intake (not eligible, or the wrong agency), with the reasons and where to
    /// turn instead: Phiếu từ chối tiếp nhận (TT 01/2018 Mẫu 03; ND 61/2018 Điều 17: for online
    /// dossiers the notice goes out by email/SMS).
    NotReceived,
    /// Withdrawn at the applicant's request (status 7): the applicant is told it is done, so a
    /// withdrawal the applicant did not ask for does not go unnoticed.
    Withdrawn,
    /// It will be late: apology and new date (Điều 19.9).
    Delayed,
    /// The result is ready at the counter (Điều 20).
    ResultReady,
    /// Processing was stopped, with the reasons (status 8, dừng xử lý: the applicant is told why).
    Stopped,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::SupplementRequested => "supplement_requested",
            Self::Refused => "refused",
            Self::NotReceived => "not_received",
            Self::Withdrawn => "withdrawn",
            Self::Delayed => "delayed",
            Self::ResultReady => "result_ready",
            Self::Stopped => "stopped",
        }
    }

    /// Which notice an action owes, if any (`refused_decision`: the dossier's decision is a refusal;
    /// `not_received`: the action left it refused at intake, status 3).
    pub fn for_action(action: &str, refused_decision: bool, not_received: bool) -> Option<Self> {
        match action {
            "intake_received" | "receive" => Some(Self::Received),
            "request_supplement" => Some(Self::SupplementRequested),
            "refuse" if not_received => Some(Self::NotReceived),
            "refuse" => Some(Self::Refused),
            "withdraw" => Some(Self::Withdrawn),
            "extend" => Some(Self::Delayed),
            "finish" if !refused_decision => Some(Self::ResultReady),
            "stop" => Some(Self::Stopped),
            _ => None,
        }
    }
}

/// What a notice says.
#[derive(Debug, Clone, Default)]
pub struct NoticeFacts {
    /// The dossier code; before receipt (TT 01/2018 Điều 19: the code is issued at receipt) the
    /// submission's reference.
    pub code: String,
    pub procedure: String,
    pub agency: String,
    pub received: Option<String>,
    pub due: Option<String>,
    pub lookup_url: String,
    pub missing: Vec<String>,
    pub reason: Option<String>,
    pub new_due: Option<NaiveDate>,
}

/// Removes Vietnamese diacritics, keeping case (`Đ` → `D`).
pub fn without_diacritics(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// Hides most of an address or number: administrators see which notice failed, not whose contact it was.
pub fn mask(recipient: &str) -> String {
    match recipient.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().take(2).collect::<String>()),
        None => {
            let n = recipient.chars().count();
            recipient.chars().enumerate().map(|(i, c)| if i < 3 || i + 3 >= n { c } else { '*' }).collect()
        }
    }
}

/// A delivery error as it may be logged and stored: a server's answer can quote the recipient
/// (`550 <hoa@example.vn>: no such user`, `451 <hoa.nguyen>: greylisted`), so every address in it
/// is replaced whole (`***@***`), the recipient's local part and number wherever they still appear,
/// and every phone-like run of 9 or more digits (`***`). Nothing of the address is kept: even a
/// local part like `greylist.victim` names a person.
pub fn redact(error: &str, recipient: &str) -> String {
    static ADDRESS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"[^\s<>()\[\]",;:@]+@[^\s<>()\[\]",;:@]+"#).expect("a valid pattern")
    });
    static PHONE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\+?\d{9,}").expect("a valid pattern"));
    let mut out = ADDRESS.replace_all(error, "***@***").into_owned();
    let own = recipient.split_once('@').map_or(recipient, |(local, _)| local).trim();
    // A part shorter than 3 characters would mask ordinary words; it names nobody on its own.
    if own.chars().count() >= 3 {
        out = replace_ignoring_case(&out, own, "***");
    }
    PHONE.replace_all(&out, "***").into_owned()
}

/// `text` with every occurrence of `needle` replaced, ignoring case (exact matching where
/// lower-casing would move byte offsets, i.e. for non-ASCII text).
fn replace_ignoring_case(text: &str, needle: &str, with: &str) -> String {
    let (lower, needle_lower) = (text.to_lowercase(), needle.to_lowercase());
    if lower.len() != text.len() || needle_lower.len() != needle.len() {
        return text.replace(needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in lower.match_indices(&needle_lower) {
        out.push_str(&text[rest..at]);
        out.push_str(with);
        rest = at + needle_lower.len();
    }
    out.push_str(&text[rest..]);
    out
}

/// The email: subject, plain text and HTML (values escaped).
pub fn email(kind: NoticeKind, f: &NoticeFacts) -> (String, String, String) {
    let (subject, lines): (String, Vec<String>) = match kind {
        NoticeKind::Received => (
            format!("Hồ sơ {} đã được tiếp nhận", f.code),
            vec![
                format!("{} đã tiếp nhận hồ sơ {} của ông/bà.", f.agency, f.code),
                format!("Thủ tục: {}.", f.procedure),
                format!("Ngày tiếp nhận: {}.", f.received.clone().unwrap_or_default()),
                format!("Ngày hẹn trả kết quả: {}.", f.due.clone().unwrap_or_default()),
            ],
        ),
        NoticeKind::SupplementRequested => (
            format!("Hồ sơ {} cần bổ sung, hoàn thiện", f.code),
            std::iter::once(format!("Hồ sơ {} ({}) cần bổ sung, hoàn thiện các nội dung sau:", f.code, f.procedure))
                .chain(f.missing.iter().enumerate().map(|(i, m)| format!("{}. {m}", i + 1)))
                .chain(std::iter::once(format!("Xin mời ông/bà liên hệ {} để bổ sung.", f.agency)))
                .collect(),
        ),
        NoticeKind::Refused => (
            format!("Hồ sơ {} không được giải quyết", f.code),
            vec![
                format!("{} từ chối giải quyết hồ sơ {} ({}).", f.agency, f.code, f.procedure),
                format!("Lý do: {}.", f.reason.clone().unwrap_or_default()),
            ],
        ),
        NoticeKind::NotReceived => (
            format!("Hồ sơ {} không được tiếp nhận", f.code),
            vec![
                format!("{} không tiếp nhận hồ sơ {} ({}).", f.agency, f.code, f.procedure),
                format!("Lý do: {}.", f.reason.clone().unwrap_or_default()),
                "Ông/bà có thể nộp lại hồ sơ khi đủ điều kiện, hoặc tại cơ quan có thẩm quyền.".to_string(),
            ],
        ),
        NoticeKind::Withdrawn => (
            format!("Hồ sơ {} đã được rút", f.code),
            vec![
                format!("Theo đề nghị của ông/bà, hồ sơ {} ({}) đã được rút và dừng giải quyết.", f.code, f.procedure),
                format!("Nếu ông/bà không đề nghị rút hồ sơ, xin liên hệ ngay {}.", f.agency),
            ],
        ),
        NoticeKind::Delayed => (
            format!("Xin lỗi: hồ sơ {} được hẹn lại ngày trả kết quả", f.code),
            vec![
                format!("{} xin lỗi ông/bà vì hồ sơ {} ({}) chậm so với ngày hẹn.", f.agency, f.code, f.procedure),
                format!("Lý do: {}.", f.reason.clone().unwrap_or_default()),
                format!(
                    "Ngày hẹn trả kết quả mới: {}.",
                    f.new_due.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
                ),
            ],
        ),
        NoticeKind::Stopped => (
            format!("Hồ sơ {} đã bị dừng xử lý", f.code),
            vec![
                format!("{} dừng xử lý hồ sơ {} ({}).", f.agency, f.code, f.procedure),
                format!("Lý do: {}.", f.reason.clone().unwrap_or_default()),
            ],
        ),
        NoticeKind::ResultReady => (
            format!("Hồ sơ {} đã có kết quả", f.code),
            vec![
                format!("Hồ sơ {} ({}) đã có kết quả.", f.code, f.procedure),
                format!("Xin mời ông/bà đến {} để nhận kết quả.", f.agency),
            ],
        ),
    };
    let footer = format!("Tra cứu hồ sơ: {}", f.lookup_url);
    let text = format!("Kính gửi ông/bà,\n\n{}\n\n{footer}\n", lines.join("\n"));
    let esc = crate::domain::text::escape_html;
    let html = format!(
        "<!DOCTYPE html><html lang=\"vi\"><body><p>Kính gửi ông/bà,</p>{}<p>Tra cứu hồ sơ: <a href=\"{}\">{}</a></p></body></html>",
        lines.iter().map(|l| format!("<p>{}</p>", esc(l))).collect::<String>(),
        esc(&f.lookup_url),
        esc(&f.lookup_url)
    );
    (subject, text, html)
}

/// The SMS: short, without diacritics, with the lookup link.
pub fn sms(kind: NoticeKind, f: &NoticeFacts) -> String {
    let text = match kind {
        NoticeKind::Received => {
            format!("Ho so {} da duoc tiep nhan. Hen tra: {}.", f.code, f.due.clone().unwrap_or_default())
        }
        NoticeKind::SupplementRequested => {
            format!("Ho so {} can bo sung {} giay to. Lien he {}.", f.code, f.missing.len(), f.agency)
        }
        NoticeKind::Refused => {
            format!("Ho so {} khong duoc giai quyet. Ly do: {}.", f.code, f.reason.clone().unwrap_or_default())
        }
        NoticeKind::NotReceived => {
            format!("Ho so {} khong duoc tiep nhan. Ly do: {}.", f.code, f.reason.clone().unwrap_or_default())
        }
        NoticeKind::Withdrawn => {
            format!("Ho so {} da duoc rut theo de nghi. Neu khong phai ong/ba de nghi, lien he {}.", f.code, f.agency)
        }
        NoticeKind::Delayed => format!(
            "Xin loi: ho so {} hen lai ngay tra {}.",
            f.code,
            f.new_due.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
        ),
        NoticeKind::ResultReady => format!("Ho so {} da co ket qua. Moi nhan tai {}.", f.code, f.agency),
        NoticeKind::Stopped => {
            format!("Ho so {} da bi dung xu ly. Ly do: {}.", f.code, f.reason.clone().unwrap_or_default())
        }
    };
    format!("{} Tra cuu: {}", without_diacritics(&text), f.lookup_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NoticeFacts {
        NoticeFacts {
            code: "000.01.31.H12-270301-0001".into(),
            procedure: "Đăng ký khai sinh".into(),
            agency: "UBND Phường Tân An".into(),
            received: Some("01/03/2027 09:00".into()),
            due: Some("15/03/2027".into()),
            lookup_url: "https://motcua.example/tra-cuu/000.01.31.H12-270301-0001".into(),
            missing: vec!["Giấy chứng sinh".into(), "<b>Tờ khai</b>".into()],
            reason: Some("Thiếu giấy tờ".into()),
            new_due: NaiveDate::from_ymd_opt(2027, 3, 20),
        }
    }

    #[test]
    fn the_decrees_moments_owe_notices_and_others_do_not() {
        assert_eq!(NoticeKind::for_action("receive", false, false), Some(NoticeKind::Received));
        assert_eq!(NoticeKind::for_action("finish", false, false), Some(NoticeKind::ResultReady));
        assert_eq!(NoticeKind::for_action("stop", false, false), Some(NoticeKind::Stopped));
        assert_eq!(NoticeKind::for_action("finish", true, false), None, "a refusal was already notified");
        assert_eq!(NoticeKind::for_action("refuse", true, false), Some(NoticeKind::Refused));
        assert_eq!(NoticeKind::for_action("refuse", false, true), Some(NoticeKind::NotReceived));
        assert_eq!(NoticeKind::for_action("withdraw", false, false), Some(NoticeKind::Withdrawn));
        assert_eq!(NoticeKind::for_action("transfer", false, false), None);
        assert_eq!(NoticeKind::for_action("approve", false, false), None);
        assert_eq!(NoticeKind::for_action("submit_supplement", false, false), None);
    }

    #[test]
    fn recipients_are_masked_and_redacted_from_errors() {
        assert_eq!(mask("hoa.nguyen@example.vn"), "ho***@example.vn");
        assert_eq!(mask("0912345678"), "091****678");
        assert_eq!(
            redact("SMTP: permanent error (550): <Hoa.Nguyen@Example.vn> no such user", "hoa.nguyen@example.vn"),
            "SMTP: permanent error (550): <***@***> no such user"
        );
        assert_eq!(redact("number 0912345678 blocked", "0912345678"), "number *** blocked");
        assert_eq!(redact("rejected +84912345678: opted out", "0912345678"), "rejected ***: opted out");
        assert_eq!(redact("timed out", "0912345678"), "timed out");
    }

    #[test]
    fn a_server_reply_keeps_nothing_of_any_address() {
        let to = "greylist.victim@example.com";
        for reply in [
            "451 4.7.1 <greylist.victim@example.com>: try again later",
            "451 4.7.1 <greylist.victim>: try again later",
            "450 mailbox GREYLIST.VICTIM busy",
            "550 5.1.1 other.person@example.org, greylist.victim@example.com: unknown",
        ] {
            let r = redact(reply, to);
            assert!(!r.to_lowercase().contains("victim"), "{r}");
            assert!(!r.contains("example.com") && !r.contains("other.person") && !r.contains("example.org"), "{r}");
            assert!(r.starts_with("45") || r.starts_with("55"), "the status stays readable: {r}");
        }
        assert_eq!(redact("451 4.7.1 <greylist.victim>: greylisted", to), "451 4.7.1 <***>: greylisted");
    }

    #[test]
    fn sms_has_no_diacritics_and_carries_the_link() {
        for kind in [
            NoticeKind::Received,
            NoticeKind::SupplementRequested,
            NoticeKind::Refused,
            NoticeKind::NotReceived,
            NoticeKind::Withdrawn,
            NoticeKind::Delayed,
            NoticeKind::ResultReady,
            NoticeKind::Stopped,
        ] {
            let s = sms(kind, &facts());
            assert!(s.is_ascii(), "{s}");
            assert!(
                s.contains("000.01.31.H12-270301-0001") && s.ends_with("/tra-cuu/000.01.31.H12-270301-0001"),
                "{s}"
            );
        }
        assert_eq!(without_diacritics("Đăng ký Ấp Ồ"), "Dang ky Ap O");
    }

    #[test]
    fn emails_say_it_in_vietnamese_and_escape_html() {
        let (subject, text, html) = email(NoticeKind::SupplementRequested, &facts());
        assert_eq!(subject, "Hồ sơ 000.01.31.H12-270301-0001 cần bổ sung, hoàn thiện");
        assert!(text.contains("1. Giấy chứng sinh") && text.contains("2. <b>Tờ khai</b>"));
        assert!(html.contains("&lt;b&gt;Tờ khai&lt;/b&gt;") && !html.contains("<b>Tờ khai"));
        let (_, text, _) = email(NoticeKind::Delayed, &facts());
        assert!(text.contains("20/03/2027"));
    }
}
