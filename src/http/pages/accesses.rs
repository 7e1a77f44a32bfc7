//! The section "Ai đã xem hồ sơ của tôi" (issue 17 item 2) on the owner's pages: the citizen's
//! dossier page and the lookup with a proof. Rendered by `templates/_accesses.html`, which a page
//! includes with a field `accesses: Option<AccessesSection>`.
use super::fmt;
use crate::services::accesses::OwnerAccesses;

/// One read, as the table shows it.
pub struct AccessRow {
    pub at: String,
    pub agency: String,
    pub department: String,
    pub role: String,
    pub what: String,
    pub name: String,
}

/// The reads of one dossier, newest first, with how many there are in all.
pub struct AccessesSection {
    pub rows: Vec<AccessRow>,
    pub total: i64,
    /// How many rows are shown (fewer than `total` past the cap).
    pub shown: i64,
    /// Whether the policy shows the staff's names (the table then has the column).
    pub show_names: bool,
}

impl AccessesSection {
    /// The section of `a`, shown under the policy `privacy.show_staff_names_to_owner`.
    pub fn new(a: OwnerAccesses, show_names: bool) -> Self {
        let a = a.under_policy(show_names);
        let rows: Vec<AccessRow> = a
            .lines
            .into_iter()
            .map(|l| AccessRow {
                at: fmt::time(l.at),
                agency: l.agency,
                department: l.department.unwrap_or_default(),
                role: l.role_label,
                what: l.what,
                name: l.staff_name.unwrap_or_default(),
            })
            .collect();
        Self { shown: rows.len() as i64, rows, total: a.total, show_names }
    }
}
