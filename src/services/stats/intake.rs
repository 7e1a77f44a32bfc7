//! Online submissions waiting for a clerk now, per agency (issue 15 item 7): how many, the oldest,
//! how long it has waited and how many are past the receipt rule (`domain::intake_latency`). The
//! period's figures (average wait, received late) come from the counters with the report.
use chrono::{DateTime, NaiveDate, Utc};

use super::{select, StatsQuery};
use crate::auth::Caller;
use crate::domain::calendar::to_vietnam;
use crate::domain::intake_latency;
use crate::error::AppError;
use crate::storage::agencies::AgencyRow;
use crate::storage::stats::{Hierarchy, Scope};
use crate::storage::AnyConnection;

/// Which agency's waiting submissions to read, as it arrives from outside.
#[derive(Debug, Clone, Default)]
pub struct IntakeWaitingQuery {
    /// An agency code; default the caller's own. Its subtree unless `agency_only`.
    pub agency: Option<String>,
    pub agency_only: bool,
}

/// One agency's online submissions waiting for a clerk.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyWaiting {
    pub agency_code: String,
    pub agency_name: String,
    /// Online dossiers at national status 1 that this agency is to receive.
    pub waiting: i64,
    /// Those whose receipt day has passed.
    pub past_rule: i64,
    pub oldest_submitted_at: DateTime<Utc>,
    /// The last day the oldest could be received in time.
    pub oldest_receipt_due_day: NaiveDate,
    /// Office minutes the oldest has waited so far.
    pub oldest_waited_minutes: i64,
    /// Working days from the oldest's receipt day to today (0: still in time).
    pub oldest_working_days_past_rule: u32,
}

/// The online submissions waiting for a clerk in a scope, at `now`: the agencies with any, the
/// oldest first.
#[derive(Debug, Clone)]
pub struct IntakeWaiting {
    pub agency: AgencyRow,
    pub scope: Scope,
    pub now: DateTime<Utc>,
    pub agencies: Vec<AgencyWaiting>,
}

impl IntakeWaiting {
    /// Waiting in the whole scope, and past the rule.
    pub fn totals(&self) -> (i64, i64) {
        self.agencies.iter().fold((0, 0), |(w, p), a| (w + a.waiting, p + a.past_rule))
    }

    /// The agency whose oldest submission has waited longest, if any waits.
    pub fn oldest(&self) -> Option<&AgencyWaiting> {
        self.agencies.first()
    }
}

/// `GET /api/v1/stats/intake-waiting`: the scope checks of the report (a leader or administrator,
/// their agency's subtree; an agency that has ended holds nothing now: `agency_ended_as_is`).
pub fn intake_waiting_on(
    conn: &mut AnyConnection,
    caller: &Caller,
    q: IntakeWaitingQuery,
    now: DateTime<Utc>,
) -> Result<IntakeWaiting, AppError> {
    // The report's checks take a period: today's (no counter is read here, only the scope).
    let today = to_vietnam(now).date_naive().to_string();
    let selection = select(
        conn,
        caller,
        &StatsQuery {
            from: Some(today.clone()),
            to: Some(today),
            agency: q.agency,
            agency_only: q.agency_only,
            group_by: None,
            hierarchy: Some(Hierarchy::AsIs.as_str().into()),
            counted_at: None,
        },
    )?;
    let agencies = waiting_in(conn, &selection.scope, now)?;
    Ok(IntakeWaiting { agency: selection.agency, scope: selection.scope, now, agencies })
}

/// The agencies of `scope` with online submissions waiting at `now`, in two statements: the
/// working calendar (a small table, read whole: the oldest wait may be long) and the waiting counts.
pub(super) fn waiting_in(
    conn: &mut AnyConnection,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<Vec<AgencyWaiting>, AppError> {
    let calendar = crate::storage::calendar::working_calendar(conn)?;
    waiting_with(conn, &calendar, scope, now)
}

/// [`waiting_in`] with the working calendar already read: one statement.
pub(super) fn waiting_with(
    conn: &mut AnyConnection,
    calendar: &crate::domain::calendar::WorkingCalendar,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<Vec<AgencyWaiting>, AppError> {
    let cutoff = intake_latency::past_rule_if_submitted_before(calendar, now);
    let rows = crate::storage::stats::intake_waiting(conn, scope, cutoff.naive_utc())?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let oldest = r.oldest_submitted_at.and_utc();
            AgencyWaiting {
                agency_code: r.agency_code,
                agency_name: r.agency_name,
                waiting: r.waiting,
                past_rule: r.past_rule,
                oldest_submitted_at: oldest,
                oldest_receipt_due_day: intake_latency::receipt_due_day(calendar, oldest),
                oldest_waited_minutes: calendar.office_minutes_between(to_vietnam(oldest), to_vietnam(now)),
                oldest_working_days_past_rule: intake_latency::working_days_past_rule(calendar, oldest, now),
            }
        })
        .collect())
}
