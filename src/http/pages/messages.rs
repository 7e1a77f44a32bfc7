//! Vietnamese messages for the errors the services answer with (the texts live with the codes in
//! [`ErrorCode`]; the JSON API keeps the English messages; pages show these).
use actix_web::http::StatusCode;

use crate::error::{AppError, ErrorCode};

/// The heading of an error page for a status.
pub fn heading(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Thông tin chưa hợp lệ",
        401 => "Cần đăng nhập",
        403 => "Không có quyền thực hiện",
        404 => "Không tìm thấy",
        409 => "Không thực hiện được lúc này",
        413 => "Tệp quá lớn",
        429 => "Thử lại sau ít phút",
        503 => "Hệ thống đang bận",
        _ => "Đã xảy ra lỗi",
    }
}

/// A message a person can act on, in Vietnamese: the code's text (see [`ErrorCode::vi`]), and when
/// a throttle refused, how long to wait.
pub fn vi(e: &AppError) -> String {
    let text = e.code().vi();
    if let Some(secs) = e.retry_after_secs() {
        let wait = if secs < 60 { format!("{secs} giây") } else { format!("{} phút", secs.div_ceil(60)) };
        format!("{text} Vui lòng thử lại sau {wait}.")
    } else {
        text.to_string()
    }
}

/// The form field an error is about (to mark it `aria-invalid` and focus it), or "".
pub fn field_of(e: &AppError) -> &'static str {
    use ErrorCode::*;
    match e.code() {
        InvalidApplicantName => "name",
        InvalidIdNumber => "id_number",
        InvalidPhone => "phone",
        InvalidEmail | EmailRequired => "email",
        InvalidAddress => "address",
        InvalidNotifyBy => "notify_by",
        InvalidAgencyCode | AgencyRequired | WrongReceivingLevel | AgencyNotFound => "agency_code",
        InvalidDocuments => "other_documents",
        ApplicantCommuneRequired | InvalidApplicantCommune => "applicant_commune",
        InvalidResultDelivery => "result_delivery",
        InvalidFileName | UnsupportedFileType | ContentTypeMismatch | ContentMismatch | EmptyFile | FileTooLarge
        | TooManyFiles | TooManyFilesAtOnce => "files",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_message_is_the_codes_text_plus_how_long_to_wait_when_throttled() {
        let e = AppError::new(ErrorCode::InvalidLimit, "limit must be a whole number from 1 to 200");
        assert_eq!(vi(&e), ErrorCode::InvalidLimit.vi());
        let e = AppError::Throttled { code: ErrorCode::TooManyLookups, message: "wait".into(), retry_after_secs: 90 };
        assert_eq!(vi(&e), format!("{} Vui lòng thử lại sau 2 phút.", ErrorCode::TooManyLookups.vi()));
    }

    #[test]
    fn file_errors_point_at_the_files_field() {
        for code in [ErrorCode::TooManyFilesAtOnce, ErrorCode::TooManyFiles, ErrorCode::EmptyFile] {
            assert_eq!(field_of(&AppError::new(code, "x")), "files", "{code}");
        }
        assert_eq!(field_of(&AppError::PayloadTooLarge("big".into())), "files");
        assert_eq!(field_of(&AppError::new(ErrorCode::InvalidPhone, "x")), "phone");
        assert_eq!(field_of(&AppError::new(ErrorCode::DailyLimitReached, "x")), "");
    }
}
