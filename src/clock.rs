//! Where "now" comes from: the system clock, or a clock the tests set and move.
use std::sync::{Arc, Mutex};

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// The application's clock, passed explicitly (app data), never a global.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    /// A clock under a test's control: it stands still until set or advanced.
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self::Manual(Arc::new(Mutex::new(start)))
    }

    /// The current instant, truncated to microseconds so both databases store it alike.
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self {
            Self::System => Utc::now(),
            Self::Manual(t) => *t.lock().expect("clock lock"),
        };
        t.duration_trunc(TimeDelta::microseconds(1)).expect("truncation cannot overflow")
    }

    pub fn set(&self, to: DateTime<Utc>) {
        if let Self::Manual(t) = self {
            *t.lock().expect("clock lock") = to;
        }
    }

    pub fn advance(&self, by: TimeDelta) {
        if let Self::Manual(t) = self {
            *t.lock().expect("clock lock") += by;
        }
    }
}
