//! Departments inside agencies (phòng, ban, bộ phận; DOMAIN.md §2): where work is routed inside an
//! agency. A department is known by a short key, unique inside its agency (`VHXH`, `KT`, `DKKD`);
//! a key once used always means the same department, so a rename is a new department that takes
//! the old one's work, as for agencies (issue 13 item 1).
//!
//! The law fixes which specialised units an agency has (for the communes since 01/07/2025, ND
//! 150/2025/NĐ-CP), not how a one-stop system names them: the keys are ours, the names the
//! agency's. Staff act for their agency; the department says whose queue a dossier is in.
use std::fmt;

use chrono::NaiveDate;

/// A department's key inside its agency: 1 to 16 upper-case ASCII letters, digits or `_`,
/// starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DepartmentKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("department key `{0}` is not 1 to 16 upper-case letters, digits or `_` starting with a letter (e.g. VHXH)")]
pub struct DepartmentKeyError(pub String);

impl DepartmentKey {
    pub const MAX_CHARS: usize = 16;

    pub fn parse(input: &str) -> Result<Self, DepartmentKeyError> {
        let b = input.as_bytes();
        let ok = (1..=Self::MAX_CHARS).contains(&b.len())
            && b[0].is_ascii_uppercase()
            && b.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_');
        if ok {
            Ok(Self(input.to_string()))
        } else {
            Err(DepartmentKeyError(input.chars().take(40).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DepartmentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One department of an agency, with its validity and, once closed, the department that took its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub key: DepartmentKey,
    pub name: String,
    pub valid_from: NaiveDate,
    /// The last day it existed.
    pub valid_to: Option<NaiveDate>,
    pub held_by: Option<DepartmentKey>,
}

impl Department {
    /// Whether it exists on `day`.
    pub fn exists_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// The department that does the work of `key` on `day`, among one agency's departments: `key`
/// itself while it exists, else the department that took its work, followed until one exists that
/// day. None when the agency never had `key`, or its work went nowhere that exists on `day` (a
/// route naming it then reaches the agency as a whole).
pub fn resolve<'a>(departments: &'a [Department], key: &DepartmentKey, day: NaiveDate) -> Option<&'a Department> {
    let mut current = departments.iter().find(|d| &d.key == key)?;
    // A chain of renames is at most as long as the agency's list; a longer walk is a cycle.
    for _ in 0..=departments.len() {
        if current.exists_on(day) {
            return Some(current);
        }
        let next = current.held_by.as_ref()?;
        current = departments.iter().find(|d| &d.key == next)?;
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepartmentChangeError {
    #[error("the agency already has (or had) a department `{0}`; a key is never given twice")]
    KeyUsed(DepartmentKey),
    #[error("the agency has no department `{0}` that exists today")]
    Unknown(DepartmentKey),
    #[error("a department cannot hand its work to itself")]
    SelfSuccessor,
    #[error("a department's name is 1 to 200 characters")]
    BadName,
}

/// Checks a new department: a key the agency never used and a name.
pub fn check_new(existing: &[Department], key: &DepartmentKey, name: &str) -> Result<(), DepartmentChangeError> {
    if existing.iter().any(|d| &d.key == key) {
        return Err(DepartmentChangeError::KeyUsed(key.clone()));
    }
    check_name(name)
}

/// A department's name: not blank, at most 200 characters, no control characters.
pub fn check_name(name: &str) -> Result<(), DepartmentChangeError> {
    let n = name.trim().chars().count();
    if n == 0 || n > 200 || name.chars().any(char::is_control) {
        return Err(DepartmentChangeError::BadName);
    }
    Ok(())
}

/// Checks closing `key` on `day` with its work going to `successor`: both exist that day, and differ.
pub fn check_close(
    existing: &[Department],
    key: &DepartmentKey,
    successor: &DepartmentKey,
    day: NaiveDate,
) -> Result<(), DepartmentChangeError> {
    if key == successor {
        return Err(DepartmentChangeError::SelfSuccessor);
    }
    for k in [key, successor] {
        if !existing.iter().any(|d| &d.key == k && d.exists_on(day)) {
            return Err(DepartmentChangeError::Unknown(k.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn key(s: &str) -> DepartmentKey {
        DepartmentKey::parse(s).unwrap()
    }

    fn dept(k: &str, from: NaiveDate, to: Option<NaiveDate>, held_by: Option<&str>) -> Department {
        Department {
            key: key(k),
            name: format!("Phòng {k}"),
            valid_from: from,
            valid_to: to,
            held_by: held_by.map(key),
        }
    }

    #[test]
    fn keys_are_short_upper_case_words() {
        for ok in ["VHXH", "KT", "DKKD", "P1", "TP_HT", "ABCDEFGHIJKLMNOP"] {
            assert!(DepartmentKey::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "vhxh", "1KT", "_KT", "KT-1", "Phòng", "ABCDEFGHIJKLMNOPQ", "K T"] {
            assert!(DepartmentKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_closed_department_resolves_to_the_one_that_took_its_work_on_that_day() {
        let list = [
            dept("TP", day(2020, 1, 1), Some(day(2025, 6, 30)), Some("VHXH")),
            dept("VHXH", day(2025, 7, 1), Some(day(2026, 3, 31)), Some("VHXH2")),
            dept("VHXH2", day(2026, 4, 1), None, None),
            dept("CU", day(2020, 1, 1), Some(day(2021, 1, 1)), None),
        ];
        assert_eq!(resolve(&list, &key("TP"), day(2024, 5, 1)).map(|d| d.key.as_str()), Some("TP"));
        assert_eq!(resolve(&list, &key("TP"), day(2025, 8, 1)).map(|d| d.key.as_str()), Some("VHXH"));
        assert_eq!(resolve(&list, &key("TP"), day(2026, 12, 2)).map(|d| d.key.as_str()), Some("VHXH2"));
        // Closed with no successor, never had, not yet created: the agency as a whole.
        assert_eq!(resolve(&list, &key("CU"), day(2026, 12, 2)), None);
        assert_eq!(resolve(&list, &key("XX"), day(2026, 12, 2)), None);
        assert_eq!(resolve(&list, &key("VHXH2"), day(2025, 8, 1)), None);
    }

    #[test]
    fn a_cycle_of_successors_resolves_to_nothing_instead_of_looping() {
        let list = [
            dept("A", day(2020, 1, 1), Some(day(2021, 1, 1)), Some("B")),
            dept("B", day(2020, 1, 1), Some(day(2021, 1, 1)), Some("A")),
        ];
        assert_eq!(resolve(&list, &key("A"), day(2026, 1, 1)), None);
    }

    #[test]
    fn changes_are_checked_against_the_agencys_list() {
        let list =
            [dept("KT", day(2025, 7, 1), None, None), dept("OLD", day(2020, 1, 1), Some(day(2025, 6, 30)), None)];
        assert_eq!(check_new(&list, &key("OLD"), "Phòng mới"), Err(DepartmentChangeError::KeyUsed(key("OLD"))));
        assert_eq!(check_new(&list, &key("VHXH"), "  "), Err(DepartmentChangeError::BadName));
        assert_eq!(check_new(&list, &key("VHXH"), "Phòng Văn hóa - Xã hội"), Ok(()));
        let today = day(2026, 12, 2);
        assert_eq!(check_close(&list, &key("KT"), &key("KT"), today), Err(DepartmentChangeError::SelfSuccessor));
        assert_eq!(check_close(&list, &key("KT"), &key("OLD"), today), Err(DepartmentChangeError::Unknown(key("OLD"))));
        assert_eq!(check_close(&list, &key("NO"), &key("KT"), today), Err(DepartmentChangeError::Unknown(key("NO"))));
    }
}
