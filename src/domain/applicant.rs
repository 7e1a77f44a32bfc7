//! The applicant's particulars, validated at the boundary. Personal data: never logged.

/// Validated applicant data (người nộp hồ sơ).
#[derive(Clone, PartialEq, Eq)]
pub struct Applicant {
    pub name: String,
    pub id_number: String,
    /// Normalised to the domestic form `0XXXXXXXXX`.
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
}

impl std::fmt::Debug for Applicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Applicant { .. }")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicantError {
    #[error("the applicant's name is empty or longer than 200 characters")]
    Name,
    #[error("the id number must be 12 digits (citizen identity card) or 9 digits (old identity card)")]
    IdNumber,
    #[error("the phone number must be a Vietnamese number: 10 digits starting with 0, or +84 and 9 digits")]
    Phone,
    #[error("the email address is not valid")]
    Email,
    #[error("the address is empty or longer than 500 characters")]
    Address,
}

/// Luật Căn cước 2023 Điều 12: the personal identification number is 12 digits; identity
/// cards issued before (CMND) carry 9 digits and stay valid until they expire.
pub fn parse_id_number(s: &str) -> Result<String, ApplicantError> {
    let s = s.trim();
    let ok = (s.len() == 12 || s.len() == 9) && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.to_string()).ok_or(ApplicantError::IdNumber)
}

/// Vietnamese numbers: `0` and 9 digits, or `+84`/`84` and 9 digits; spaces, dots and dashes ignored.
pub fn parse_phone(s: &str) -> Result<String, ApplicantError> {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let national = if let Some(rest) = digits.strip_prefix("+84") {
        format!("0{rest}")
    } else if digits.len() == 11 && digits.starts_with("84") {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    let ok = national.len() == 10 && national.starts_with('0') && national.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(national).ok_or(ApplicantError::Phone)
}

pub fn parse_email(s: &str) -> Result<String, ApplicantError> {
    let s = s.trim();
    let (local, domain) = s.split_once('@').ok_or(ApplicantError::Email)?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && s.len() <= 254
        && !s.contains(char::is_whitespace)
        && !domain.contains('@');
    ok.then(|| s.to_string()).ok_or(ApplicantError::Email)
}

impl Applicant {
    pub fn parse(
        name: &str,
        id_number: &str,
        phone: &str,
        email: Option<&str>,
        address: &str,
    ) -> Result<Self, ApplicantError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ApplicantError::Name);
        }
        let address = address.trim();
        if address.is_empty() || address.chars().count() > 500 {
            return Err(ApplicantError::Address);
        }
        Ok(Self {
            name: name.to_string(),
            id_number: parse_id_number(id_number)?,
            phone: parse_phone(phone)?,
            email: email.map(str::trim).filter(|e| !e.is_empty()).map(parse_email).transpose()?,
            address: address.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_nine_or_twelve_digits() {
        assert!(parse_id_number("092201001234").is_ok());
        assert!(parse_id_number("361234567").is_ok());
        for bad in ["", "1234567890", "09220100123a", "0922010012345"] {
            assert!(parse_id_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_normalise_to_the_domestic_form() {
        assert_eq!(parse_phone("0912 345 678").unwrap(), "0912345678");
        assert_eq!(parse_phone("+84912345678").unwrap(), "0912345678");
        assert_eq!(parse_phone("84-912-345-678").unwrap(), "0912345678");
        for bad in ["", "912345678", "09123456789", "+1 555 0100", "09123x5678"] {
            assert!(parse_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_and_the_debug_form_hides_personal_data() {
        assert!(parse_email("an.nguyen@example.vn").is_ok());
        for bad in ["an", "an@", "@x.vn", "a b@x.vn", "a@x", "a@@x.vn"] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
        let a = Applicant::parse("Nguyễn Văn An", "092201001234", "0912345678", None, "Cần Thơ").unwrap();
        assert_eq!(format!("{a:?}"), "Applicant { .. }");
        assert_eq!(Applicant::parse(" ", "092201001234", "0912345678", None, "x"), Err(ApplicantError::Name));
    }
}
