//! "Who viewed my dossier" (issue 17 item 2, after Estonia's registries): every read of a dossier's
//! personal data by staff is recorded, and the owner sees the record. This module names the kinds
//! of read; `services::accesses` records and shows them.

/// How staff read a dossier's personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessKind {
    /// `GET /api/v1/dossiers/{code}`: the dossier with its applicant.
    Detail,
    /// `/can-bo/ho-so/{code}`: the staff page of the dossier.
    Page,
    /// A printable form of the dossier (its number and title recorded beside it).
    Form,
    /// An attached file downloaded (its name recorded beside it).
    File,
    /// A list that carries the applicant's name and contact out of the system: the tracking book.
    Export,
    /// A search of the inbox (API or page) that returned the dossier; the search text is not kept.
    Search,
}

impl AccessKind {
    pub const ALL: [AccessKind; 6] = [Self::Detail, Self::Page, Self::Form, Self::File, Self::Export, Self::Search];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Detail => "detail",
            Self::Page => "page",
            Self::Form => "form",
            Self::File => "file",
            Self::Export => "export",
            Self::Search => "search",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What was read, as the owner reads it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Detail => "Xem chi tiết hồ sơ (API)",
            Self::Page => "Mở trang hồ sơ",
            Self::Form => "In biểu mẫu",
            Self::File => "Tải tệp đính kèm",
            Self::Export => "Sổ theo dõi hồ sơ",
            Self::Search => "Tìm kiếm trả về hồ sơ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for k in AccessKind::ALL {
            assert_eq!(AccessKind::parse(k.as_str()), Some(k));
            assert!(!k.label_vi().is_empty());
        }
        assert_eq!(AccessKind::parse("update"), None);
    }
}
