//! Why an action on a dossier is refused, with a stable code for each reason.

/// Why an action is refused. Each has a stable code (mapped in `crate::error::mapping`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{action} is not allowed while the dossier is {status}")]
    NotAllowedNow { action: &'static str, status: &'static str },
    #[error("{0}")]
    Forbidden(String),
    #[error("ND 61/2018 Điều 16, 19.4: a supplement may be requested only once at intake and once in appraisal, listing everything missing at once")]
    SupplementAlreadyRequested,
    #[error("ND 61/2018 Điều 19.4: a supplement found in appraisal must be requested within 3 working days of receipt ({days} have passed)")]
    SupplementTooLate { days: u32 },
    #[error("ND 61/2018 Điều 19.9: the apology and new date may be issued only once")]
    AlreadyExtended,
    #[error("ND 61/2018 Điều 19.9: the apology must be issued at least 1 working day before the due date")]
    ExtensionTooLate,
    #[error("the new date must be a working day after the current due date")]
    InvalidNewDate,
    #[error("the dossier is at the last processing step: approve and finish it instead of transferring")]
    NoNextStep,
    #[error("the dossier needs a decision (approve or refuse) before it is finished")]
    NoDecision,
    #[error("a decision has already been made on this dossier")]
    AlreadyDecided,
    #[error("ND 118/2025 Điều 17.3: the dossier waits to be handed to the competent agency; only the handover (transfer) or a withdrawal is possible until then")]
    AwaitingHandover,
    #[error("the dossier is already in that department")]
    AlreadyInDepartment,
    #[error("{0}")]
    Invalid(String),
}

impl RuleError {
    /// Forbidden is about the caller; everything else about the dossier's state or the input.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Self::Forbidden(_))
    }
}
