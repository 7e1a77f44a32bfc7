//! Dossiers, applicants, the control sheet (append-only), code sequences, files, ratings.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{agencies, dossier_applicants, dossier_events, dossier_ratings, dossier_sequences, dossiers};
use super::AnyConnection;
use crate::domain::calendar::Timeliness;
use crate::domain::department::DepartmentKey;
use crate::domain::dossier::{Channel, Decision, Status, SupplementStage};
use crate::domain::intake_boundary::ResultDelivery;
use crate::domain::{AgencyCode, TimeUnit};

mod consultations;
mod events;
mod files;
mod mapping;
pub use consultations::{
    answer_consultation, consultations, insert_consultation, move_pending_consultations, ConsultationRow,
};
pub use events::{events, events_with_names, insert_event, EventRow, NewEvent};
pub use files::{file, files, insert_file, FileInfo, FileRow};
pub use mapping::{BadColumn, OptText, StoredRoute};

/// A stored dossier, its columns read as domain values (see [`mapping`]).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = dossiers)]
pub struct DossierRow {
    pub id: String,
    /// The dossier code, issued at receipt (TT 01/2018 Điều 19); None until a clerk receives it.
    pub code: Option<String>,
    /// The submission's reference, given at submission and kept for life.
    pub reference: String,
    pub procedure_id: String,
    pub procedure_code: String,
    #[diesel(deserialize_as = String)]
    pub receiving_agency: AgencyCode,
    #[diesel(deserialize_as = String)]
    pub current_agency: AgencyCode,
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    /// The national code of `status`, stored beside it for the national portal's queries.
    pub status_code: i32,
    pub current_step: i32,
    #[diesel(deserialize_as = String)]
    pub route: StoredRoute,
    pub limit_value: i32,
    #[diesel(deserialize_as = String)]
    pub limit_unit: TimeUnit,
    /// JSON array of the documents handed in.
    pub documents: String,
    pub citizen_user_id: Option<String>,
    /// Printed on the receipt; proves ownership at the public lookup.
    pub pin: String,
    pub submitted_at: NaiveDateTime,
    pub received_at: Option<NaiveDateTime>,
    pub clock_started_at: Option<NaiveDateTime>,
    /// The statutory due date (statistics judge against it); see `promised_due_at`.
    pub due_at: Option<NaiveDateTime>,
    pub extended_due_at: Option<NaiveDateTime>,
    pub step_started_at: Option<NaiveDateTime>,
    pub step_due_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = OptText)]
    pub supplement_stage: Option<SupplementStage>,
    pub intake_supplements: i32,
    pub appraisal_supplements: i32,
    pub extensions: i32,
    #[diesel(deserialize_as = OptText)]
    pub decision: Option<Decision>,
    pub finished_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = OptText)]
    pub timeliness: Option<Timeliness>,
    pub returned_at: Option<NaiveDateTime>,
    /// Incremented by every change; equals the number of control-sheet rows.
    pub row_version: i32,
    /// Boundary-free intake: the agency competent to decide, when not the receiving one.
    #[diesel(deserialize_as = OptText)]
    pub competent_agency: Option<AgencyCode>,
    /// The receiving centre's deadline for handing the dossier over.
    pub handover_due_at: Option<NaiveDateTime>,
    /// When the competent agency received it (the statutory clock starts then).
    pub competent_received_at: Option<NaiveDateTime>,
    /// How the applicant takes the result.
    #[diesel(deserialize_as = String)]
    pub result_delivery: ResultDelivery,
    /// The department holding the dossier inside `current_agency`; None: the agency as a whole.
    #[diesel(deserialize_as = OptText)]
    pub current_department: Option<DepartmentKey>,
    /// `motcua`, `portal` or `ministry:<system>` (see [`DossierRow::handled_elsewhere`]).
    pub source: String,
}

/// The prefix of the source of a dossier imported from a ministry's system (`ministry:<system>`).
pub const MINISTRY_SOURCE: &str = "ministry:";

/// A dossier as inserted (columns in their stored encoding), made from a [`DossierRow`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = dossiers)]
pub struct NewDossier {
    pub id: String,
    pub code: Option<String>,
    pub reference: String,
    pub procedure_id: String,
    pub procedure_code: String,
    pub receiving_agency: String,
    pub current_agency: String,
    pub channel: String,
    pub status: String,
    pub status_code: i32,
    pub current_step: i32,
    pub route: String,
    pub limit_value: i32,
    pub limit_unit: String,
    pub documents: String,
    pub citizen_user_id: Option<String>,
    pub pin: String,
    pub submitted_at: NaiveDateTime,
    pub received_at: Option<NaiveDateTime>,
    pub clock_started_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    pub extended_due_at: Option<NaiveDateTime>,
    pub step_started_at: Option<NaiveDateTime>,
    pub step_due_at: Option<NaiveDateTime>,
    pub supplement_stage: Option<String>,
    pub intake_supplements: i32,
    pub appraisal_supplements: i32,
    pub extensions: i32,
    pub decision: Option<String>,
    pub finished_at: Option<NaiveDateTime>,
    pub timeliness: Option<String>,
    pub returned_at: Option<NaiveDateTime>,
    pub row_version: i32,
    pub competent_agency: Option<String>,
    pub handover_due_at: Option<NaiveDateTime>,
    pub competent_received_at: Option<NaiveDateTime>,
    pub result_delivery: String,
    pub current_department: Option<String>,
    pub source: String,
}

impl DossierRow {
    /// Handled on a ministry's system and imported for the statistics: never processed here.
    pub fn handled_elsewhere(&self) -> bool {
        self.source.starts_with(MINISTRY_SOURCE)
    }

    /// The name the dossier's regime (by its receipt day) gives its status.
    pub fn status_label(&self) -> &'static str {
        self.regime().status_name(self.status)
    }

    /// The dossier's regime: by the day it was received (or submitted, until then), Vietnam time.
    pub fn regime(&self) -> &'static crate::domain::regime::Regime {
        crate::domain::regime::of_receipt(self.received_at, self.submitted_at)
    }
    /// What people call the dossier by: its code once received, else its submission reference.
    pub fn code_or_reference(&self) -> &str {
        self.code.as_deref().unwrap_or(&self.reference)
    }
}

/// The fields an action may change.
#[derive(Debug, Clone, PartialEq, AsChangeset)]
#[diesel(table_name = dossiers, treat_none_as_null = true)]
pub struct DossierChanges {
    pub current_agency: String,
    pub status: String,
    pub status_code: i32,
    pub current_step: i32,
    pub received_at: Option<NaiveDateTime>,
    pub clock_started_at: Option<NaiveDateTime>,
    pub due_at: Option<NaiveDateTime>,
    pub extended_due_at: Option<NaiveDateTime>,
    pub step_started_at: Option<NaiveDateTime>,
    pub step_due_at: Option<NaiveDateTime>,
    pub supplement_stage: Option<String>,
    pub intake_supplements: i32,
    pub appraisal_supplements: i32,
    pub extensions: i32,
    pub decision: Option<String>,
    pub finished_at: Option<NaiveDateTime>,
    pub timeliness: Option<String>,
    pub returned_at: Option<NaiveDateTime>,
    pub handover_due_at: Option<NaiveDateTime>,
    pub competent_received_at: Option<NaiveDateTime>,
    pub current_department: Option<String>,
    pub row_version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = dossier_applicants)]
pub struct ApplicantRow {
    pub dossier_id: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    /// email, sms, both or none.
    pub notify_by: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = dossier_ratings)]
pub struct RatingRow {
    pub dossier_id: String,
    pub score: i32,
    pub comment: Option<String>,
    pub rated_at: NaiveDateTime,
}

/// The next number of `agency`'s daily sequence, inside the caller's transaction: one upsert
/// (the day's first dossier starts the sequence at 1, later ones add 1).
///
/// It is a write, so SQLite takes its write lock (waiting on `busy_timeout`) and PostgreSQL
/// locks only this agency's row for this day: intake at other agencies never waits, and a
/// rolled-back intake gives its number back, so codes stay gap-free.
pub fn next_sequence(conn: &mut AnyConnection, agency: &str, day: &str) -> QueryResult<i32> {
    use dossier_sequences::dsl as s;
    let query = diesel::insert_into(s::dossier_sequences)
        .values((s::agency_code.eq(agency), s::day.eq(day), s::last_value.eq(1)))
        .on_conflict((s::agency_code, s::day))
        .do_update()
        .set(s::last_value.eq(s::last_value + 1))
        .returning(s::last_value);
    // diesel's upsert does not compile over the multi-backend connection: run it on the backend's own.
    match conn {
        AnyConnection::Postgresql(c) => query.get_result(c),
        AnyConnection::Sqlite(c) => query.get_result(c),
    }
}

pub fn insert(conn: &mut AnyConnection, row: &DossierRow, applicant: &ApplicantRow) -> QueryResult<()> {
    diesel::insert_into(dossiers::table).values(NewDossier::from(row)).execute(conn)?;
    let folded = dossier_applicants::name_folded.eq(crate::domain::text::fold(&applicant.name));
    diesel::insert_into(dossier_applicants::table).values((applicant, folded)).execute(conn)?;
    Ok(())
}

/// A dossier with what every view of it shows beside it, read in one query: its procedure's
/// name (and what statistics count it by), its applicant and its rating.
#[derive(Debug, Clone)]
pub struct DossierContext {
    pub row: DossierRow,
    pub procedure_name: String,
    /// The procedure's field and online level (statistics group and count by them).
    pub procedure_field: String,
    pub online_level: i32,
    /// A nationwide centralised service (its dossiers take TT 04/2025 Điều 23's code).
    pub nationwide_centralised: bool,
    pub applicant: ApplicantRow,
    pub rating: Option<RatingRow>,
    /// How many files and consultations it has (so that reading none costs no query).
    pub file_count: i64,
    pub consultation_count: i64,
}

/// How a dossier is named: its code, or the reference of its submission.
#[derive(Debug, Clone, Copy)]
pub enum Named<'a> {
    Code(&'a str),
    Reference(&'a str),
    /// Its row id (the system's own name for it: workers, never people).
    Id(&'a str),
}

type RatingColumns = (Option<String>, Option<i32>, Option<String>, Option<NaiveDateTime>);

/// The dossier named, with its [`DossierContext`].
pub fn find_with_context(conn: &mut AnyConnection, name: Named<'_>) -> QueryResult<Option<DossierContext>> {
    use super::schema::procedures;
    let q = dossiers::table
        .inner_join(procedures::table)
        .inner_join(dossier_applicants::table)
        .left_join(dossier_ratings::table)
        .select((
            DossierRow::as_select(),
            procedures::name,
            procedures::field,
            procedures::online_level,
            procedures::nationwide_centralised,
            ApplicantRow::as_select(),
            (
                dossier_ratings::dossier_id.nullable(),
                dossier_ratings::score.nullable(),
                dossier_ratings::comment.nullable(),
                dossier_ratings::rated_at.nullable(),
            ),
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT COUNT(*) FROM dossier_files f WHERE f.dossier_id = dossiers.id)",
            ),
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT COUNT(*) FROM dossier_consultations c WHERE c.dossier_id = dossiers.id)",
            ),
        ))
        .into_boxed();
    let q = match name {
        Named::Code(c) => q.filter(dossiers::code.eq(c.to_string())),
        Named::Reference(r) => q.filter(dossiers::reference.eq(r.to_string())),
        Named::Id(id) => q.filter(dossiers::id.eq(id.to_string())),
    };
    type Found = (DossierRow, String, String, i32, bool, ApplicantRow, RatingColumns, i64, i64);
    let found: Option<Found> = q.first(conn).optional()?;
    Ok(found.map(
        |(row, procedure_name, procedure_field, online_level, nationwide, applicant, rating, files, consultations)| {
            DossierContext {
                file_count: files,
                consultation_count: consultations,
                rating: match rating {
                    (Some(dossier_id), Some(score), comment, Some(rated_at)) => {
                        Some(RatingRow { dossier_id, score, comment, rated_at })
                    }
                    _ => None,
                },
                row,
                procedure_name,
                procedure_field,
                online_level,
                nationwide_centralised: nationwide,
                applicant,
            }
        },
    ))
}

/// How many dossiers there are (any state).
pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    dossiers::table.count().get_result(conn)
}

/// Dossiers submitted at or after `since`.
pub fn count_submitted_since(conn: &mut AnyConnection, since: chrono::NaiveDateTime) -> QueryResult<i64> {
    dossiers::table.filter(dossiers::submitted_at.ge(since)).count().get_result(conn)
}

pub fn find_by_code(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<DossierRow>> {
    dossiers::table.filter(dossiers::code.eq(code)).select(DossierRow::as_select()).first(conn).optional()
}

pub fn find_by_reference(conn: &mut AnyConnection, reference: &str) -> QueryResult<Option<DossierRow>> {
    dossiers::table.filter(dossiers::reference.eq(reference)).select(DossierRow::as_select()).first(conn).optional()
}

/// How many of a citizen's online submissions wait for a clerk: not received yet and still open
/// (submitted, or sent back for a supplement at intake).
pub fn count_pending_submissions(conn: &mut AnyConnection, citizen_user_id: &str) -> QueryResult<i64> {
    dossiers::table
        .filter(dossiers::citizen_user_id.eq(citizen_user_id))
        .filter(dossiers::received_at.is_null())
        .filter(
            dossiers::status_code.eq_any([Status::Submitted, Status::AwaitingSupplement].map(Status::national_code)),
        )
        .count()
        .get_result(conn)
}

/// Takes the row lock of a user with a write that changes nothing, so that what follows in the
/// transaction (counting the account's pending submissions, then adding one) cannot interleave
/// with the same account's other submissions, on any instance. False if there is no such user.
pub fn lock_user(conn: &mut AnyConnection, user_id: &str) -> QueryResult<bool> {
    use super::schema::users;
    let n = diesel::update(users::table.filter(users::id.eq(user_id))).set(users::id.eq(users::id)).execute(conn)?;
    Ok(n == 1)
}

/// What the citizen entered on their newest submission: the applicant, the receiving agency and
/// how they took the result.
#[derive(Debug, Clone)]
pub struct LastSubmission {
    pub applicant: ApplicantRow,
    pub receiving_agency: String,
    pub result_delivery: String,
}

/// What the online form is prefilled with for a citizen account (issue 17 item 5): the account's
/// name, and what the newest dossier it submitted held, if any. Two statements.
pub fn applicant_for_form(
    conn: &mut AnyConnection,
    citizen_user_id: &str,
) -> QueryResult<(Option<String>, Option<LastSubmission>)> {
    use super::schema::users;
    let name = users::table.find(citizen_user_id).select(users::full_name).first(conn).optional()?;
    let last = dossier_applicants::table
        .inner_join(dossiers::table.on(dossiers::id.eq(dossier_applicants::dossier_id)))
        .filter(dossiers::citizen_user_id.eq(citizen_user_id))
        .order(dossiers::submitted_at.desc())
        .select((ApplicantRow::as_select(), dossiers::receiving_agency, dossiers::result_delivery))
        .first::<(ApplicantRow, String, String)>(conn)
        .optional()?
        .map(|(applicant, receiving_agency, result_delivery)| LastSubmission {
            applicant,
            receiving_agency,
            result_delivery,
        });
    Ok((name, last))
}

pub fn applicant(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<ApplicantRow> {
    dossier_applicants::table.find(dossier_id).select(ApplicantRow::as_select()).first(conn)
}

/// Writes an action's changes only if nobody changed the dossier since `expected_version`
/// was read; false means a concurrent action won. With `new_code`, the dossier also gets its
/// code (TT 01/2018 Điều 19: at receipt), and only if it had none (a code never changes).
/// The open dossiers (national status codes `open`) that `agency` holds now or that its route
/// still names (a later step, or the counter that returns the result).
pub fn open_touching(conn: &mut AnyConnection, agency: &str, open: &[i32]) -> QueryResult<Vec<DossierRow>> {
    dossiers::table
        .filter(dossiers::status_code.eq_any(open.to_vec()))
        .filter(dossiers::current_agency.eq(agency).or(dossiers::route.like(format!("%{agency}:%"))))
        .order(dossiers::id.asc())
        .select(DossierRow::as_select())
        .load(conn)
}

/// Moves a dossier (a reorganisation): where it is, its route and its competent agency (for a
/// dossier received boundary-free), if no one changed it since `expected_version` was read; the
/// version goes up by one, like any change.
pub fn reassign(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i32,
    current_agency: &str,
    current_department: Option<&str>,
    route: &str,
    competent_agency: Option<&str>,
) -> QueryResult<bool> {
    let n =
        diesel::update(dossiers::table.filter(dossiers::id.eq(id)).filter(dossiers::row_version.eq(expected_version)))
            .set((
                dossiers::current_agency.eq(current_agency),
                dossiers::current_department.eq(current_department),
                dossiers::route.eq(route),
                dossiers::competent_agency.eq(competent_agency),
                dossiers::row_version.eq(expected_version + 1),
            ))
            .execute(conn)?;
    Ok(n == 1)
}

pub fn update_if_unchanged(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i32,
    changes: &DossierChanges,
    new_code: Option<&str>,
) -> QueryResult<bool> {
    let target = dossiers::table.filter(dossiers::id.eq(id)).filter(dossiers::row_version.eq(expected_version));
    let n = match new_code {
        None => diesel::update(target).set(changes).execute(conn)?,
        Some(code) => diesel::update(target.filter(dossiers::code.is_null()))
            .set((changes, dossiers::code.eq(code)))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// True when the dossier was received at, is at, or was ever handed to or from `agency`.
pub fn has_passed_through(conn: &mut AnyConnection, dossier_id: &str, agency: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        dossier_events::table
            .filter(dossier_events::dossier_id.eq(dossier_id))
            .filter(dossier_events::to_agency.eq(agency).or(dossier_events::from_agency.eq(agency))),
    ))
    .get_result(conn)
}

/// True when some agency the dossier passed through lies in the subtree whose path is `root_path`.
pub fn has_passed_through_subtree(conn: &mut AnyConnection, dossier_id: &str, root_path: &str) -> QueryResult<bool> {
    let under = format!("{root_path}/%");
    diesel::select(diesel::dsl::exists(
        dossier_events::table
            .inner_join(agencies::table.on(agencies::code.eq(dossier_events::to_agency)))
            .filter(dossier_events::dossier_id.eq(dossier_id))
            .filter(agencies::path.eq(root_path).or(agencies::path.like(under))),
    ))
    .get_result(conn)
}

/// The national codes of the open statuses ([`Status::is_open`]).
pub fn open_status_codes() -> Vec<i32> {
    Status::ALL.into_iter().filter(|s| s.is_open()).map(Status::national_code).collect()
}

pub fn rating(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Option<RatingRow>> {
    dossier_ratings::table.find(dossier_id).select(RatingRow::as_select()).first(conn).optional()
}

pub fn insert_rating(conn: &mut AnyConnection, row: &RatingRow) -> QueryResult<()> {
    diesel::insert_into(dossier_ratings::table).values(row).execute(conn).map(|_| ())
}

/// A line of the tracking book: a dossier, its procedure's and applicant's names, and the
/// agencies it went to, in order.
#[derive(Debug, Clone)]
pub struct BookEntry {
    pub row: DossierRow,
    pub procedure_name: String,
    pub applicant_name: String,
    pub applicant_address: String,
    pub applicant_phone: String,
    pub went_to: Vec<String>,
}

/// The dossier's number in its receiving agency's tracking book that begins at `from`: how many
/// dossiers were received there from `from` up to it, in the book's order (receipt time, then code).
pub fn book_number(
    conn: &mut AnyConnection,
    agency: &str,
    from: NaiveDateTime,
    received_at: NaiveDateTime,
    code: &str,
) -> QueryResult<i64> {
    dossiers::table
        .filter(dossiers::receiving_agency.eq(agency))
        .filter(dossiers::received_at.ge(from))
        .filter(
            dossiers::received_at
                .lt(received_at)
                .or(dossiers::received_at.eq(received_at).and(dossiers::code.le(code))),
        )
        .count()
        .get_result(conn)
}

/// Dossiers received at `agency` in `[from, to)`, in receipt order (the tracking book, form 06):
/// two queries whatever the number of dossiers.
pub fn tracking_book(
    conn: &mut AnyConnection,
    agency: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<BookEntry>> {
    use super::schema::procedures;
    let received = || {
        dossiers::table
            .filter(dossiers::receiving_agency.eq(agency.to_string()))
            .filter(dossiers::received_at.ge(from))
            .filter(dossiers::received_at.lt(to))
    };
    let rows: Vec<(DossierRow, String, (String, String, String))> = received()
        .inner_join(procedures::table)
        .inner_join(dossier_applicants::table)
        .order((dossiers::received_at.asc(), dossiers::code.asc()))
        .select((
            DossierRow::as_select(),
            procedures::name,
            (dossier_applicants::name, dossier_applicants::address, dossier_applicants::phone),
        ))
        .load(conn)?;
    let moves: Vec<(String, String)> = dossier_events::table
        .filter(dossier_events::dossier_id.eq_any(received().select(dossiers::id)))
        .order((dossier_events::dossier_id.asc(), dossier_events::seq.asc()))
        .select((dossier_events::dossier_id, dossier_events::to_agency))
        .load(conn)?;
    let mut went: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for (id, to) in moves {
        went.entry(id).or_default().push(to);
    }
    Ok(rows
        .into_iter()
        .map(|(row, procedure_name, (applicant_name, applicant_address, applicant_phone))| BookEntry {
            went_to: went.remove(&row.id).unwrap_or_default(),
            row,
            procedure_name,
            applicant_name,
            applicant_address,
            applicant_phone,
        })
        .collect())
}
