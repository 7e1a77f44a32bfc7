//! The days a client may name, and a period of them (statistics, off-system counts, the dashboard).
//!
//! Bounds: 1 January 2000 to 31 December 2100, the years the administrators' calendar accepts.
//! Every date computed from a bounded one (the day before a period, its previous period, a due date
//! months later) stays far inside what chrono and PostgreSQL hold (PostgreSQL has no year 0, and
//! chrono's `NaiveDate` reaches year −262143, so an unbounded date either panics on arithmetic or
//! fails the statement). The seeded holiday table covers 2016–2027; outside it the calendar knows
//! only weekends.
use chrono::NaiveDate;

use super::calendar::parse_iso_date;

/// The first day a client may name.
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("a real date"),
};
/// The last day a client may name.
pub const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => panic!("a real date"),
};
/// A period covers at most ten years (3,660 days).
pub const MAX_DAYS: i64 = 366 * 10;

/// What is wrong with a date or a period; the field is `from`, `to` or the name of the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    Missing(&'static str),
    NotADate(&'static str),
    OutOfBounds(&'static str),
    Reversed,
    TooLong,
}

impl std::error::Error for PeriodError {}

impl std::fmt::Display for PeriodError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing(name) => write!(f, "`{name}` is required (YYYY-MM-DD)"),
            Self::NotADate(name) => write!(f, "`{name}` must be a real date written YYYY-MM-DD"),
            Self::OutOfBounds(name) => write!(f, "`{name}` must be between {FIRST_DAY} and {LAST_DAY}"),
            Self::Reversed => f.write_str("`from` is after `to`"),
            Self::TooLong => f.write_str("a period is at most ten years"),
        }
    }
}

/// A day written `YYYY-MM-DD` within [`FIRST_DAY`]..=[`LAST_DAY`].
pub fn parse_day(name: &'static str, raw: &str) -> Result<NaiveDate, PeriodError> {
    let day = parse_iso_date(raw.trim()).ok_or(PeriodError::NotADate(name))?;
    if !in_bounds(day) {
        return Err(PeriodError::OutOfBounds(name));
    }
    Ok(day)
}

/// Whether a day is one a client may name.
pub fn in_bounds(day: NaiveDate) -> bool {
    (FIRST_DAY..=LAST_DAY).contains(&day)
}

/// A period of whole days, both ends included: bounded, `from` ≤ `to`, at most ten years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    /// Parses `from` and `to` as a client sends them.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self, PeriodError> {
        let from = parse_day("from", from.ok_or(PeriodError::Missing("from"))?)?;
        let to = parse_day("to", to.ok_or(PeriodError::Missing("to"))?)?;
        Self::new(from, to)
    }

    /// A period of two days, checked as [`Period::parse`] does.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if !in_bounds(from) {
            return Err(PeriodError::OutOfBounds("from"));
        }
        if !in_bounds(to) {
            return Err(PeriodError::OutOfBounds("to"));
        }
        if from > to {
            return Err(PeriodError::Reversed);
        }
        if (to - from).num_days() > MAX_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Self { from, to })
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The period of the same length just before this one (for trends), when it is within bounds.
    pub fn previous(&self) -> Option<Self> {
        let to = self.from.pred_opt()?;
        let from = to.checked_sub_days(chrono::Days::new((self.to - self.from).num_days().unsigned_abs()))?;
        Self::new(from, to).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_is_bounded_ordered_and_at_most_ten_years() {
        let p = Period::parse(Some("2026-01-01"), Some("2026-12-31")).unwrap();
        assert_eq!((p.from(), p.to()), (d("2026-01-01"), d("2026-12-31")));
        assert_eq!(Period::parse(Some("2000-01-01"), Some("2000-01-01")).map(|p| p.to()), Ok(d("2000-01-01")));
        for (from, to, e) in [
            ("-262143-01-01", "-262143-12-31", PeriodError::NotADate("from")),
            ("0000-01-01", "2026-01-01", PeriodError::OutOfBounds("from")),
            ("9999-01-01", "9999-12-31", PeriodError::OutOfBounds("from")),
            ("2026-01-01", "+10000-01-01", PeriodError::NotADate("to")),
            ("2026-02-30", "2026-03-01", PeriodError::NotADate("from")),
            ("1999-12-31", "2000-01-01", PeriodError::OutOfBounds("from")),
            ("2100-12-31", "2101-01-01", PeriodError::OutOfBounds("to")),
            ("2026-12-31", "2026-01-01", PeriodError::Reversed),
            ("2000-01-01", "2026-01-01", PeriodError::TooLong),
        ] {
            assert_eq!(Period::parse(Some(from), Some(to)), Err(e), "{from}..{to}");
        }
        assert_eq!(Period::parse(None, Some("2026-01-01")), Err(PeriodError::Missing("from")));
    }

    #[test]
    fn the_previous_period_has_the_same_length_or_is_none_before_the_bounds() {
        let p = Period::parse(Some("2026-04-01"), Some("2026-06-30")).unwrap();
        let before = p.previous().unwrap();
        assert_eq!((before.from(), before.to()), (d("2025-12-31"), d("2026-03-31")));
        assert_eq!(Period::parse(Some("2000-01-01"), Some("2000-12-31")).unwrap().previous(), None);
    }
}
