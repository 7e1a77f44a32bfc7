//! The demo's last working days before a reorganisation: dossiers received at the units of the
//! time by their demo accounts, through the same use cases (intake, then each step by a demo
//! account allowed to take it), the earliest finished before the plan's date and the rest still
//! open at it. Made at the first start on the seeding connection, just before the plan is applied,
//! so applying it moves the open ones to the successors (one "reorganise" row in each history) and
//! the statistics have a period to show as is and as was. A few dozen dossiers: well under a
//! second, so the first start stays fast (the months after the plan are the background history's).
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{caller, in_office_hours, office_time, staffed_route, Dice, FAMILY, GIVEN};
use crate::auth::extractor::Caller;
use crate::domain::dossier::Status;
use crate::domain::user::Role;
use crate::error::AppError;
use crate::services::dossiers::{
    act_on, check_action, intake_on, ActionInput, DossierRecord, Intake, IntakeInput, Links, SubmissionPolicy,
};
use crate::storage::agencies::{self as agency_store, AgencyFilter};
use crate::storage::procedures::{self as procedure_store, ProcedureFilter};
use crate::storage::{users, AnyConnection};

/// How many working days before the plan's date the window opens.
const WINDOW_DAYS: usize = 8;

/// What the window made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CutoverReport {
    pub dossiers: usize,
    pub finished: usize,
    /// Received and not finished when the plan's date came (those at units it ends, it moves).
    pub open: usize,
    /// Their codes.
    pub open_codes: Vec<String>,
}

/// Makes the window before `effective_on` (00:00 Vietnam time that day is the end: nothing in it
/// happens later). Refused steps are part of life and leave the dossier where it is.
pub fn before_on(conn: &mut AnyConnection, links: &Links, effective_on: NaiveDate) -> Result<CutoverReport, AppError> {
    let cal = crate::storage::calendar::working_calendar(conn)?;
    let end = office_time(effective_on, 0) - Duration::hours(8);
    let staff = demo_staff(conn)?;
    let procedures = procedure_store::list_current(conn, &ProcedureFilter::default())?;
    let tree = agency_store::list(conn, &AgencyFilter::default())?
        .into_iter()
        .map(|a| (a.code, (a.level, a.parent_code)))
        .collect();
    // The window's working days, oldest first.
    let mut days = Vec::new();
    let mut day = effective_on;
    while days.len() < WINDOW_DAYS {
        day = day.pred_opt().expect("a date after 2000");
        if cal.is_working_day(day) {
            days.push(day);
        }
    }
    days.reverse();

    let mut dice = Dice(0x6375_746f_7665_7225);
    let mut report = CutoverReport::default();
    let clerks: Vec<&Caller> = staff.iter().filter(|c| c.role == Role::Clerk).collect();
    for (i, day) in days.iter().enumerate() {
        for clerk in clerks.iter().flat_map(|c| [c, c]) {
            let receiving = clerk.agency.as_ref().map(|a| a.to_string()).unwrap_or_default();
            // Two a day at each counter, of procedures its staff can take to the end.
            let Some(p) = (0..8)
                .map(|_| &procedures[dice.below(procedures.len() as u64) as usize])
                .find(|p| staffed_route(p, &receiving, &tree, &staff))
            else {
                continue;
            };
            let input = IntakeInput {
                procedure_code: p.procedure.code.clone(),
                channel: "direct".into(),
                agency_code: Some(receiving.clone()),
                name: format!("{} {}", FAMILY[dice.below(8) as usize], GIVEN[dice.below(8) as usize]),
                id_number: format!("0921900{:05}", dice.below(100_000)),
                phone: format!("09{:08}", dice.below(100_000_000)),
                email: None,
                address: "Thành phố Cần Thơ".into(),
                documents: Vec::new(),
                notify_by: Some("none".into()),
            };
            let at = office_time(*day, dice.below(420));
            let Ok(record) = Intake::parse(clerk, input).and_then(|intake| {
                crate::storage::transaction(conn, |c| {
                    intake_on(c, links, SubmissionPolicy::default(), clerk, intake, at)
                })
            }) else {
                continue;
            };
            report.dossiers += 1;
            // Steps hours apart on the first day, a day apart on the last: the first finish, the last do not.
            let step = Duration::hours(2 + dice.below(6) as i64 + 3 * i as i64);
            let current = record.row.current_agency.to_string();
            let code = record.row.code_or_reference().to_string();
            let finished = advance(conn, links, &staff, &cal, (&code, current), at, step, end);
            if finished {
                report.finished += 1;
            } else {
                report.open += 1;
                report.open_codes.push(code);
            }
        }
    }
    Ok(report)
}

/// After the plan: the demo staff (the successors' where the plan moved them) take the dossiers
/// left open at the cutover (their codes) on from
/// the plan's first working day, a step every few hours, so the demo shows them finished by the
/// units that took them over; nothing happens at or after `now`.
pub fn after_on(
    conn: &mut AnyConnection,
    links: &Links,
    effective_on: NaiveDate,
    codes: &[String],
    now: DateTime<Utc>,
) -> Result<CutoverReport, AppError> {
    let cal = crate::storage::calendar::working_calendar(conn)?;
    let staff = demo_staff(conn)?;
    let mut dice = Dice(0x6166_7465_7232_3032);
    let mut report = CutoverReport::default();
    let first = if cal.is_working_day(effective_on) { effective_on } else { cal.next_working_day(effective_on) };
    for code in codes {
        let Some(row) = crate::storage::dossiers::find_by_code(conn, code)? else { continue };
        report.dossiers += 1;
        let at = office_time(first, dice.below(300));
        let step = Duration::hours(3 + dice.below(20) as i64);
        let current = row.current_agency.to_string();
        if advance(conn, links, &staff, &cal, (code, current), at, step, now) {
            report.finished += 1;
        } else {
            report.open += 1;
        }
    }
    Ok(report)
}

/// The demo's staff accounts (enabled), as they are now.
fn demo_staff(conn: &mut AnyConnection) -> Result<Vec<Caller>, AppError> {
    Ok(users::list(conn, None, None)?
        .iter()
        .filter(|u| u.is_demo && u.disabled_at.is_none())
        .filter_map(caller)
        .filter(|c| c.role != Role::Citizen)
        .collect())
}

/// Moves a dossier (code, the agency holding it) along its route a step at a time from `at`
/// (in office hours), until it is returned (true) or the next step would come at or after `end`
/// or nobody may take one (false).
#[allow(clippy::too_many_arguments)]
fn advance(
    conn: &mut AnyConnection,
    links: &Links,
    staff: &[Caller],
    cal: &crate::domain::calendar::WorkingCalendar,
    (code, mut current): (&str, String),
    mut at: DateTime<Utc>,
    step: Duration,
    end: DateTime<Utc>,
) -> bool {
    'steps: for _ in 0..12 {
        at = in_office_hours(at + step, cal);
        if at >= end {
            return false;
        }
        for action in ["transfer", "approve", "finish", "return_result"] {
            if let Some(after) = act_by_anyone(conn, links, staff, &current, code, action, at) {
                if after.row.status == Status::Returned {
                    return true;
                }
                current = after.row.current_agency.to_string();
                continue 'steps;
            }
        }
        return false;
    }
    false
}

/// Takes `action` on the dossier as the first demo account allowed to (staff of the agency
/// holding it first), each try in its own transaction; None if nobody may.
fn act_by_anyone(
    conn: &mut AnyConnection,
    links: &Links,
    staff: &[Caller],
    current: &str,
    code: &str,
    action: &str,
    at: DateTime<Utc>,
) -> Option<DossierRecord> {
    let (key, action, note) =
        check_action(code, ActionInput { action: action.to_string(), ..Default::default() }).ok()?;
    let here = |c: &&Caller| c.agency.as_ref().is_some_and(|a| a.as_str() == current);
    let (mut order, others): (Vec<&Caller>, Vec<&Caller>) = staff.iter().partition(here);
    order.extend(others);
    order.into_iter().find_map(|who| {
        crate::storage::transaction(conn, |c| act_on(c, links, who, &key, action.clone(), note.clone(), at)).ok()
    })
}
