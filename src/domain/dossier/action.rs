//! What can be done to a dossier (DOMAIN.md §8) and who does it.
use chrono::NaiveDate;

use crate::domain::agency::AgencyCode;
use crate::domain::department::DepartmentKey;
use crate::domain::user::Role;

/// The actions of DOMAIN.md §8.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Receive,
    RequestSupplement {
        missing: Vec<String>,
    },
    SubmitSupplement,
    Refuse {
        reason: String,
    },
    Transfer,
    /// Hands the dossier to a department inside the agency holding it (issue 13 item 6).
    Assign {
        department: DepartmentKey,
    },
    Approve,
    Finish,
    ReturnResult,
    Extend {
        new_due_day: NaiveDate,
        reason: String,
    },
    Withdraw,
    Stop {
        reason: String,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::RequestSupplement { .. } => "request_supplement",
            Self::SubmitSupplement => "submit_supplement",
            Self::Refuse { .. } => "refuse",
            Self::Transfer => "transfer",
            Self::Assign { .. } => "assign",
            Self::Approve => "approve",
            Self::Finish => "finish",
            Self::ReturnResult => "return_result",
            Self::Extend { .. } => "extend",
            Self::Withdraw => "withdraw",
            Self::Stop { .. } => "stop",
        }
    }

    /// Every action name, for validation messages.
    pub const NAMES: [&'static str; 12] = [
        "receive",
        "request_supplement",
        "submit_supplement",
        "refuse",
        "transfer",
        "assign",
        "approve",
        "finish",
        "return_result",
        "extend",
        "withdraw",
        "stop",
    ];
}

/// Who acts: role, agency, and whether they are the applicant who owns the dossier.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub role: Role,
    pub agency: Option<AgencyCode>,
    pub is_owner: bool,
}
