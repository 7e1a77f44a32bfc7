//! Staff and citizen accounts.
use std::fmt;
use std::str::FromStr;

/// What a user may do (DOMAIN.md §1, §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Citizen,
    Clerk,
    Specialist,
    Leader,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Self::Citizen, Self::Clerk, Self::Specialist, Self::Leader, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Clerk => "clerk",
            Self::Specialist => "specialist",
            Self::Leader => "leader",
            Self::Admin => "admin",
        }
    }

    /// Staff roles act for an agency and must belong to one; citizens belong to none.
    pub fn is_staff(self) -> bool {
        !matches!(self, Self::Citizen)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`: expected citizen, clerk, specialist, leader or admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.chars().take(40).collect()))
    }
}

/// A login name: 3–64 characters of lower-case ASCII letters, digits, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("username must be 3–64 characters of lower-case letters a–z, digits, '.', '_' or '-'")]
pub struct UsernameError;

impl Username {
    pub fn parse(s: &str) -> Result<Self, UsernameError> {
        let ok = (3..=64).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        ok.then(|| Self(s.to_string())).ok_or(UsernameError)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The smallest password length accepted for a new account.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Checks a new account's shape: staff belong to an agency, citizens to none.
pub fn check_account(role: Role, has_agency: bool) -> Result<(), &'static str> {
    match (role.is_staff(), has_agency) {
        (true, false) => Err("a staff account (clerk, specialist, leader, admin) needs an agency"),
        (false, true) => Err("a citizen account does not belong to an agency"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn usernames_are_plain_ascii() {
        assert!(Username::parse("clerk.ninhkieu").is_ok());
        for bad in ["ab", "Clerk", "nguyễn", "a b c", ""] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn staff_need_an_agency_and_citizens_have_none() {
        assert!(check_account(Role::Clerk, true).is_ok());
        assert!(check_account(Role::Clerk, false).is_err());
        assert!(check_account(Role::Citizen, false).is_ok());
        assert!(check_account(Role::Citizen, true).is_err());
    }
}
