//! The one place where the domain's refusals (which know nothing of HTTP) get their stable code.
use super::{AppError, ErrorCode};
use crate::domain::applicant::ApplicantError;
use crate::domain::attachment::AttachmentError;
use crate::domain::calendar::CalendarRuleError;
use crate::domain::dossier::RuleError;
use crate::domain::template::TemplateError;

impl From<RuleError> for AppError {
    /// Forbidden is about the caller (403); bad input 400; everything else the dossier's state (409).
    fn from(e: RuleError) -> Self {
        let code = match e {
            RuleError::NotAllowedNow { .. } => ErrorCode::ActionNotAllowed,
            RuleError::Forbidden(_) => ErrorCode::NotYourDossier,
            RuleError::SupplementAlreadyRequested => ErrorCode::SupplementAlreadyRequested,
            RuleError::SupplementTooLate { .. } => ErrorCode::SupplementTooLate,
            RuleError::AlreadyExtended => ErrorCode::AlreadyExtended,
            RuleError::ExtensionTooLate => ErrorCode::ExtensionTooLate,
            RuleError::InvalidNewDate => ErrorCode::InvalidNewDate,
            RuleError::NoNextStep => ErrorCode::NoNextStep,
            RuleError::NoDecision => ErrorCode::DecisionMissing,
            RuleError::AlreadyDecided => ErrorCode::AlreadyDecided,
            RuleError::AwaitingHandover => ErrorCode::AwaitingHandover,
            RuleError::AlreadyInDepartment => ErrorCode::AlreadyInDepartment,
            RuleError::Invalid(_) => ErrorCode::InvalidAction,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<ApplicantError> for AppError {
    fn from(e: ApplicantError) -> Self {
        let code = match e {
            ApplicantError::Name => ErrorCode::InvalidApplicantName,
            ApplicantError::IdNumber => ErrorCode::InvalidIdNumber,
            ApplicantError::Phone => ErrorCode::InvalidPhone,
            ApplicantError::Email => ErrorCode::InvalidEmail,
            ApplicantError::Address => ErrorCode::InvalidAddress,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<AttachmentError> for AppError {
    fn from(e: AttachmentError) -> Self {
        let code = match e {
            AttachmentError::BadName => ErrorCode::InvalidFileName,
            AttachmentError::BadType => ErrorCode::UnsupportedFileType,
            AttachmentError::TypeMismatch(_) => ErrorCode::ContentTypeMismatch,
            AttachmentError::ContentMismatch(_) => ErrorCode::ContentMismatch,
            AttachmentError::Empty => ErrorCode::EmptyFile,
            AttachmentError::TooLarge => return AppError::PayloadTooLarge(e.to_string()),
        };
        AppError::new(code, e.to_string())
    }
}

impl From<TemplateError> for AppError {
    fn from(e: TemplateError) -> Self {
        let code = match e {
            TemplateError::Title | TemplateError::FormCode => ErrorCode::InvalidTemplateTitle,
            TemplateError::Kind => ErrorCode::UnsupportedTemplateType,
            TemplateError::File(f) => return f.into(),
        };
        AppError::new(code, e.to_string())
    }
}

impl From<CalendarRuleError> for AppError {
    fn from(e: CalendarRuleError) -> Self {
        let code = match e {
            CalendarRuleError::HolidayOnWeekend => ErrorCode::HolidayOnWeekend,
            CalendarRuleError::WorkingDayOnWeekday => ErrorCode::WorkingDayOnWeekday,
        };
        AppError::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::StatusCode;

    #[test]
    fn rule_errors_keep_their_codes_and_statuses() {
        let cases = [
            (RuleError::NotAllowedNow { action: "a", status: "s" }, 409, "action_not_allowed"),
            (RuleError::Forbidden("x".into()), 403, "not_your_dossier"),
            (RuleError::SupplementAlreadyRequested, 409, "supplement_already_requested"),
            (RuleError::SupplementTooLate { days: 4 }, 409, "supplement_too_late"),
            (RuleError::AlreadyExtended, 409, "already_extended"),
            (RuleError::ExtensionTooLate, 409, "extension_too_late"),
            (RuleError::InvalidNewDate, 400, "invalid_new_date"),
            (RuleError::NoNextStep, 409, "no_next_step"),
            (RuleError::NoDecision, 409, "decision_missing"),
            (RuleError::AlreadyDecided, 409, "already_decided"),
            (RuleError::AwaitingHandover, 409, "awaiting_handover"),
            (RuleError::AlreadyInDepartment, 409, "already_in_department"),
            (RuleError::Invalid("x".into()), 400, "invalid_action"),
        ];
        for (e, status, code) in cases {
            let (s, c) = AppError::from(e).status_and_code();
            assert_eq!((s.as_u16(), c), (status, code));
        }
    }

    #[test]
    fn an_oversized_file_is_413_and_other_file_problems_400() {
        assert_eq!(
            AppError::from(AttachmentError::TooLarge).status_and_code(),
            (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large")
        );
        assert_eq!(AppError::from(AttachmentError::Empty).status_and_code(), (StatusCode::BAD_REQUEST, "empty_file"));
        assert_eq!(AppError::from(ApplicantError::Phone).status_and_code(), (StatusCode::BAD_REQUEST, "invalid_phone"));
        assert_eq!(
            AppError::from(CalendarRuleError::HolidayOnWeekend).status_and_code(),
            (StatusCode::BAD_REQUEST, "holiday_on_weekend")
        );
    }
}
