//! Where a dossier stands and how it came: channels, statuses, decisions, supplement stages,
//! each with the code it is stored and exchanged under. Their Vietnamese names are in
//! `crate::domain::labels`.

/// How a dossier was submitted (national field `KenhThucHien`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// 1: in person at the counter (trực tiếp).
    Direct,
    /// 2: online (trực tuyến).
    Online,
    /// 3: public postal service (bưu chính công ích).
    Postal,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Self::Direct, Self::Online, Self::Postal];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Online => "online",
            Self::Postal => "postal",
        }
    }
    pub fn national_code(self) -> i32 {
        match self {
            Self::Direct => 1,
            Self::Online => 2,
            Self::Postal => 3,
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a dossier stands. Each maps to one national status code (`TrangThaiHoSo`, DOMAIN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 1: registered online, not yet received by a clerk.
    Submitted,
    /// 2: received at the counter, at its first step.
    Received,
    /// 3: not received (refused at intake).
    NotReceived,
    /// 4: being processed at a step of the route.
    Processing,
    /// 5: waiting for the applicant's supplement.
    AwaitingSupplement,
    /// 7: withdrawn at the applicant's request.
    Withdrawn,
    /// 8: processing stopped.
    Stopped,
    /// 9: processed, result (or refusal) back at the receiving counter.
    ResultReady,
    /// 10: result handed to the applicant.
    Returned,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Self::Submitted,
        Self::Received,
        Self::NotReceived,
        Self::Processing,
        Self::AwaitingSupplement,
        Self::Withdrawn,
        Self::Stopped,
        Self::ResultReady,
        Self::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Received => "received",
            Self::NotReceived => "not_received",
            Self::Processing => "processing",
            Self::AwaitingSupplement => "awaiting_supplement",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::ResultReady => "result_ready",
            Self::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The national portal's status code 1–10 (6, waiting for a fee, is not modelled yet).
    pub fn national_code(self) -> i32 {
        match self {
            Self::Submitted => 1,
            Self::Received => 2,
            Self::NotReceived => 3,
            Self::Processing => 4,
            Self::AwaitingSupplement => 5,
            Self::Withdrawn => 7,
            Self::Stopped => 8,
            Self::ResultReady => 9,
            Self::Returned => 10,
        }
    }

    /// The status a national status code names, if this system models it (6, waiting for a fee, is not).
    pub fn from_national_code(code: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.national_code() == code)
    }

    /// Open: still to be handled or handed back (not refused at intake, withdrawn, stopped or returned).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::NotReceived | Self::Withdrawn | Self::Stopped | Self::Returned)
    }

    /// Finished for statistics: result ready or returned, refused at intake, withdrawn or stopped.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::NotReceived | Self::Withdrawn | Self::Stopped | Self::ResultReady | Self::Returned)
    }
}

/// The decision of the competent agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approved,
    Refused,
}

impl Decision {
    pub const ALL: [Decision; 2] = [Self::Approved, Self::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approved" => Some(Self::Approved),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }
}

/// The stage a supplement was requested at: intake (ND 61/2018 Điều 16) or appraisal (Điều 19.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplementStage {
    Intake,
    Appraisal,
}

impl SupplementStage {
    pub const ALL: [SupplementStage; 2] = [Self::Intake, Self::Appraisal];

    /// The stored name (`dossiers.supplement_stage`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Intake => "intake",
            Self::Appraisal => "appraisal",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_name_and_national_code_reads_back_as_its_value() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(Status::from_national_code(s.national_code()), Some(s));
        }
        assert_eq!(Status::from_national_code(6), None, "waiting for a fee is not modelled");
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::ALL.map(Channel::national_code), [1, 2, 3]);
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        for s in SupplementStage::ALL {
            assert_eq!(SupplementStage::parse(s.as_str()), Some(s));
        }
        assert_eq!((Status::parse("late"), Channel::parse(""), Decision::parse("Approved")), (None, None, None));
    }
}
