//! Reading a dossier within scope (the detail every view shows), and the tracking book.
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{actor, find_readable, parse_code};
use crate::auth::Caller;
use crate::domain::access::AccessKind;
use crate::domain::calendar::{to_vietnam, WorkingCalendar};
use crate::domain::delay_attribution::{self, DelayAttribution, Move};
use crate::domain::department::DepartmentKey;
use crate::domain::dossier::{Action, DossierKey};
use crate::domain::AgencyCode;
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers::{self as store, ApplicantRow, DossierContext, DossierRow, EventRow};
use crate::storage::{self, agencies, calendar, departments, AnyConnection, Pool};

/// A dossier with everything staff in scope may see.
#[derive(Debug, Clone)]
pub struct DossierRecord {
    pub row: DossierRow,
    pub procedure_name: String,
    pub applicant: ApplicantRow,
    pub events: Vec<EventRow>,
    pub files: Vec<store::FileInfo>,
    pub rating: Option<store::RatingRow>,
    pub consultations: Vec<store::ConsultationRow>,
    /// Agency code → name for every agency in the history.
    pub agency_names: HashMap<String, String>,
    /// Username → full name of the staff who acted in the history (for staff's pages and forms).
    pub staff_names: HashMap<String, String>,
    pub allowed_actions: Vec<&'static str>,
    /// Boundary-free intake: whether the receiving centre's handover missed its deadline (handed
    /// over after it, or still not handed over after it); None without a handover.
    pub handover_late: Option<bool>,
    /// The department holding the dossier inside its current agency: (key, name).
    pub current_department: Option<(String, String)>,
    /// When the caller may assign the dossier: the holding agency's other open departments (key, name).
    pub assignable: Vec<(String, String)>,
    /// Where the dossier's working time went, step by step, at the time of reading (issue 16 item 1).
    pub delay_attribution: DelayAttribution,
    /// Every event that set, paused, restarted or moved the due date, and why (issue 17 item 1).
    pub ledger: Vec<crate::domain::ledger::LedgerEntry>,
}

/// The working calendar a computation about `row` at `at` needs: from the earlier of its
/// submission and `at` on (one day before, for the Vietnam/UTC date boundary).
pub(super) fn calendar_for(
    conn: &mut AnyConnection,
    row: &DossierRow,
    at: DateTime<Utc>,
) -> Result<WorkingCalendar, AppError> {
    calendar_from(conn, row.submitted_at.and_utc().min(at))
}

/// The working calendar from the day of `from` on (see [`calendar::working_calendar_from`]).
pub(crate) fn calendar_from(conn: &mut AnyConnection, from: DateTime<Utc>) -> Result<WorkingCalendar, AppError> {
    let day = from.date_naive().pred_opt().unwrap_or(from.date_naive());
    Ok(calendar::working_calendar_from(conn, day)?)
}

/// What a dossier shows beside its row that an action does not change: its history with the
/// agencies' names, its files and its consultations.
pub(super) struct Surroundings {
    pub events: Vec<EventRow>,
    pub names: HashMap<String, String>,
    pub files: Vec<store::FileInfo>,
    pub consultations: Vec<store::ConsultationRow>,
    /// User id → username of everyone who acted in the history.
    pub usernames: HashMap<String, String>,
    /// Username → full name of the staff who acted in the history (read with it, no statement more).
    pub staff_names: HashMap<String, String>,
}

impl Surroundings {
    /// The history (with the names of the agencies it went to), then files and consultations
    /// when it has any: one to three queries.
    pub fn read(conn: &mut AnyConnection, ctx: &DossierContext) -> Result<Self, AppError> {
        let dossier_id = ctx.row.id.as_str();
        let mut names = HashMap::new();
        let mut usernames = HashMap::new();
        let mut staff_names = HashMap::new();
        let events = store::events_with_names(conn, dossier_id)?
            .into_iter()
            .map(|(e, name, username, full_name)| {
                if let Some(n) = name {
                    names.insert(e.to_agency.to_string(), n);
                }
                if let (Some(id), Some(u)) = (&e.actor_user_id, username) {
                    if let (false, Some(f)) = (e.actor_role == crate::domain::Role::Citizen, full_name) {
                        staff_names.insert(u.clone(), f);
                    }
                    usernames.insert(id.clone(), u);
                }
                e
            })
            .collect();
        let files = if ctx.file_count > 0 { store::files(conn, dossier_id)? } else { vec![] };
        let consultations = if ctx.consultation_count > 0 { store::consultations(conn, dossier_id)? } else { vec![] };
        Ok(Self { events, names, files, consultations, usernames, staff_names })
    }

    /// The name of an agency the dossier met, reading the names it does not know yet (a
    /// transfer to an agency it never went to) in one query.
    pub fn name_of(&mut self, conn: &mut AnyConnection, code: &AgencyCode) -> Result<String, AppError> {
        self.complete_names(conn, &[code.to_string()])?;
        Ok(self.names.get(code.as_str()).cloned().unwrap_or_default())
    }

    fn complete_names(&mut self, conn: &mut AnyConnection, extra: &[String]) -> Result<(), AppError> {
        let mut missing: Vec<String> = self
            .events
            .iter()
            .flat_map(|e| [e.from_agency.as_str(), e.to_agency.as_str()])
            .chain(self.consultations.iter().map(|c| c.agency_code.as_str()))
            .chain(extra.iter().map(String::as_str))
            .filter(|c| !self.names.contains_key(*c))
            .map(str::to_string)
            .collect();
        missing.sort();
        missing.dedup();
        if !missing.is_empty() {
            self.names.extend(agencies::describe(conn, &missing)?.into_iter().map(|(c, _, n)| (c, n)));
        }
        Ok(())
    }

    /// The record of `ctx` with these surroundings, as `caller` sees it at `at`.
    pub fn into_record(
        mut self,
        conn: &mut AnyConnection,
        ctx: DossierContext,
        caller: &Caller,
        cal: &WorkingCalendar,
        at: DateTime<Utc>,
    ) -> Result<DossierRecord, AppError> {
        let mut known = vec![ctx.row.receiving_agency.to_string(), ctx.row.current_agency.to_string()];
        known.extend(ctx.row.competent_agency.as_ref().map(|c| c.to_string()));
        self.complete_names(conn, &known)?;
        let mut allowed_actions = allowed_actions(&ctx.row, caller, cal, at);
        // Assigning needs a department to assign to: one read, only when the rules allow it.
        let assignable: Vec<(String, String)> = match allowed_actions.contains(&"assign") {
            true => departments::open_of(conn, &[ctx.row.current_agency.to_string()])?
                .into_iter()
                .filter(|d| ctx.row.current_department.as_ref().is_none_or(|k| k.as_str() != d.key))
                .map(|d| (d.key, d.name))
                .collect(),
            false => vec![],
        };
        if assignable.is_empty() {
            allowed_actions.retain(|a| *a != "assign");
        }
        let dossier = ctx.row.to_domain();
        let handover_late = dossier.handover_late(at);
        self.usernames.insert(caller.user_id.clone(), caller.username.clone());
        let mut delay_attribution = attribution(&self.events, &self.usernames, &dossier, cal, at);
        // The owner reads where the time went by agency and department, not by the staff member
        // who held it: a username is staff data (not opened by `privacy.show_staff_names_to_owner`,
        // which is about the names in "who viewed my dossier").
        if caller.role == crate::domain::Role::Citizen {
            delay_attribution.steps.iter_mut().for_each(|s| s.handlers.clear());
        }
        let ledger = crate::services::lookup::ledger_of(&ctx.row, &self.events.iter().collect::<Vec<_>>(), cal);
        // One read, only when a department holds it.
        let current_department = match &ctx.row.current_department {
            Some(key) => {
                let row = departments::find(conn, ctx.row.current_agency.as_str(), key.as_str())?;
                Some((key.to_string(), row.map(|d| d.name).unwrap_or_default()))
            }
            None => None,
        };
        Ok(DossierRecord {
            row: ctx.row,
            procedure_name: ctx.procedure_name,
            applicant: ctx.applicant,
            events: self.events,
            files: self.files,
            rating: ctx.rating,
            consultations: self.consultations,
            agency_names: self.names,
            staff_names: self.staff_names,
            allowed_actions,
            handover_late,
            current_department,
            assignable,
            delay_attribution,
            ledger,
        })
    }
}

/// The delay attribution of `dossier` from its control sheet (no statement: the rows, the route
/// and the calendar are already read).
pub(super) fn attribution(
    events: &[EventRow],
    usernames: &HashMap<String, String>,
    dossier: &crate::domain::dossier::Dossier,
    cal: &WorkingCalendar,
    at: DateTime<Utc>,
) -> DelayAttribution {
    let moves: Vec<Move> = events
        .iter()
        .map(|e| Move {
            at: e.at.and_utc(),
            action: e.action.clone(),
            to_agency: e.to_agency.clone(),
            department: e
                .details
                .as_deref()
                .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                .and_then(|d| d.get("department").and_then(|k| k.as_str()).map(str::to_string)),
            status: e.status,
            actor: e.actor_user_id.as_ref().and_then(|id| usernames.get(id)).cloned(),
        })
        .collect();
    delay_attribution::attribute(cal, &dossier.route, dossier.limit, &moves, at)
}

/// The dossier a key names, if the caller may read it, as they see it at `at`.
pub fn load_record(
    conn: &mut AnyConnection,
    caller: &Caller,
    key: &DossierKey,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let ctx = find_readable(conn, caller, key)?;
    let cal = calendar_for(conn, &ctx.row, at)?;
    Surroundings::read(conn, &ctx)?.into_record(conn, ctx, caller, &cal, at)
}

/// The actions the caller could take now (for forms and pages: only these are offered).
fn allowed_actions(row: &DossierRow, caller: &Caller, cal: &WorkingCalendar, at: DateTime<Utc>) -> Vec<&'static str> {
    let d = row.to_domain();
    let who = actor(caller, row);
    let later = d.promised_due_at().map(|t| to_vietnam(t).date_naive()).unwrap_or_else(|| to_vietnam(at).date_naive());
    let samples = [
        Action::Receive,
        Action::RequestSupplement { missing: vec!["x".into()] },
        Action::SubmitSupplement,
        Action::Refuse { reason: "x".into() },
        Action::Transfer,
        // A key no agency uses: whether the caller may assign at all (the page offers the list).
        Action::Assign { department: DepartmentKey::parse("ZZZZZZZZZZZZZZZZ").expect("a valid key") },
        Action::Approve,
        Action::Finish,
        Action::ReturnResult,
        Action::Extend { new_due_day: cal.add_working_days(later, 5), reason: "x".into() },
        Action::Withdraw,
        Action::Stop { reason: "x".into() },
    ];
    samples.iter().filter(|a| d.apply(a, &who, at, cal).is_ok()).map(|a| a.name()).collect()
}

/// A dossier, for staff in scope and its owner: a staff read is recorded (`services::accesses`,
/// kind `detail`) on the same check-out.
pub async fn get(
    pool: &Pool,
    caller: impl Into<crate::auth::extractor::Who>,
    code: String,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let key = parse_code(&code)?;
    storage::run_as(pool, caller, move |conn, caller| {
        let r = load_record(conn, &caller, &key, at)?;
        crate::services::accesses::record_one(conn, &caller, &r.row.id, AccessKind::Detail, None, at)?;
        Ok(r)
    })
    .await
}

/// [`get`] without recording a read: for the demo history's simulated staff, who only ask which
/// actions the rules allow (no person reads anything).
pub async fn get_simulated(
    pool: &Pool,
    caller: impl Into<crate::auth::extractor::Who>,
    code: String,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let key = parse_code(&code)?;
    storage::run_as(pool, caller, move |conn, caller| load_record(conn, &caller, &key, at)).await
}

/// Form 06 data: the dossiers received at an agency in a year, in receipt order (its own staff only).
pub async fn tracking_book(
    pool: &Pool,
    who: impl Into<crate::auth::extractor::Who>,
    agency: String,
    year: i32,
    at: DateTime<Utc>,
) -> Result<(crate::storage::agencies::Letterhead, Vec<crate::forms::BookLine>), AppError> {
    storage::run_as(pool, who, move |conn, caller| {
        let agency =
            AgencyCode::parse(&agency).map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::new(ErrorCode::InvalidYear, "year is between 2000 and 2100"));
        }
        if caller.agency.as_ref() != Some(&agency) {
            return Err(AppError::new(ErrorCode::OutOfScope, "the tracking book is kept by the agency's own staff"));
        }
        let letterhead = agencies::letterheads(conn, &[agency.to_string()])?
            .remove(agency.as_str())
            .ok_or_else(|| AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {agency}")))?;
        let start = super::print::vietnam_year_start;
        let book = store::tracking_book(conn, agency.as_str(), start(year), start(year + 1))?;
        // The book lists every applicant's name, address and phone: a read of each of its dossiers.
        let (from, to) = (start(year), start(year + 1));
        let detail = format!("năm {year}");
        crate::services::accesses::record_book(conn, &caller, agency.as_str(), (from, to), detail, at)?;
        // The agencies' names, in one query.
        let mut codes: Vec<String> = book
            .iter()
            .flat_map(|e| e.went_to.iter().cloned().chain(e.row.competent_agency.as_ref().map(|c| c.to_string())))
            .collect();
        codes.sort();
        codes.dedup();
        let names: HashMap<String, String> =
            agencies::describe(conn, &codes)?.into_iter().map(|(c, _, n)| (c, n)).collect();
        let name = |c: &str| names.get(c).cloned().unwrap_or_else(|| c.to_string());
        let lines = book
            .into_iter()
            .map(|e| {
                let r = e.row;
                let mut to: Vec<String> = e.went_to.into_iter().filter(|a| *a != r.receiving_agency.as_str()).collect();
                to.dedup();
                // The agency that decides: the competent one of a boundary-free dossier (ND 118/2025
                // Điều 17.3), else the last it went to, else the receiving agency itself.
                let deciding = r
                    .competent_agency
                    .as_ref()
                    .map(|c| c.to_string())
                    .or_else(|| to.last().cloned())
                    .unwrap_or_else(|| r.receiving_agency.to_string());
                let mut transferred_to: Vec<String> = to.iter().map(|c| name(c)).collect();
                // Boundary-free intake: the book says which agency decided and whether it has it yet.
                if let Some(c) = r.competent_agency.as_ref().map(|c| c.to_string()) {
                    match to.iter().position(|a| *a == c) {
                        Some(i) => transferred_to[i].push_str(" (cơ quan có thẩm quyền)"),
                        None => transferred_to.insert(0, format!("{} (cơ quan có thẩm quyền, chờ bàn giao)", name(&c))),
                    }
                }
                crate::forms::BookLine {
                    procedure_name: e.procedure_name,
                    applicant_name: e.applicant_name,
                    applicant_address: e.applicant_address,
                    applicant_phone: e.applicant_phone,
                    deciding: if deciding == r.receiving_agency.as_str() {
                        letterhead.name.clone()
                    } else {
                        name(&deciding)
                    },
                    received_at: r.received_at,
                    due_at: r.promised_due_at(),
                    transferred_to,
                    finished_at: r.finished_at,
                    returned_at: r.returned_at,
                    status_label: r.status_label().to_string(),
                    timeliness: r.timeliness,
                    code: r.code_or_reference().to_string(),
                }
            })
            .collect();
        Ok((letterhead, lines))
    })
    .await
}
