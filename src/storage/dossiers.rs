//! Dossiers, applicants, the control sheet (append-only), code sequences, files, ratings.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    agencies, dossier_applicants, dossier_events, dossier_files, dossier_ratings, dossier_sequences, dossiers,
};
use super::AnyConnection;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = dossiers)]
pub struct DossierRow {
    pub id: String,
    /// The dossier code, issued at receipt (TT 01/2018 Điều 19); None until a clerk receives it.
    pub code: Option<String>,
    /// The submission's reference, given at submission and kept for life.
    pub reference: String,
    pub procedure_id: String,
    pub procedure_code: String,
    pub receiving_agency: String,
    pub current_agency: String,
    pub channel: String,
    pub status: String,
    pub status_code: i32,
    pub current_step: i32,
    /// `agency:share` per step, comma-separated.
    pub route: String,
    pub limit_value: i32,
    pub limit_unit: String,
    /// JSON array of the documents handed in.
    pub documents: String,
    pub citizen_user_id: Option<String>,
    /// Printed on the receipt; proves ownership at the public lookup.
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
    /// Incremented by every change; equals the number of control-sheet rows.
    pub row_version: i32,
}

impl DossierRow {
    /// What people call the dossier by: its code once received, else its submission reference.
    pub fn code_or_reference(&self) -> &str {
        self.code.as_deref().unwrap_or(&self.reference)
    }
}

/// The fields an action may change.
#[derive(Debug, Clone, AsChangeset)]
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
#[diesel(table_name = dossier_events)]
pub struct EventRow {
    pub dossier_id: String,
    pub seq: i32,
    pub at: NaiveDateTime,
    pub action: String,
    pub actor_user_id: Option<String>,
    pub actor_role: String,
    pub from_agency: String,
    pub to_agency: String,
    pub status: String,
    pub status_code: i32,
    pub step_due_at: Option<NaiveDateTime>,
    pub step_timeliness: Option<String>,
    pub note: Option<String>,
    /// JSON with the action's particulars (missing documents, reasons, new date).
    pub details: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = dossier_files)]
pub struct FileRow {
    pub id: String,
    pub dossier_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content: Vec<u8>,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: String,
}

/// A file without its content, for listings.
#[derive(Debug, Clone, Queryable)]
pub struct FileInfo {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = dossier_ratings)]
pub struct RatingRow {
    pub dossier_id: String,
    pub score: i32,
    pub comment: Option<String>,
    pub rated_at: NaiveDateTime,
}

/// The next number of `agency`'s daily sequence, inside the caller's transaction.
///
/// The first statement is a write, so SQLite takes its write lock (waiting on `busy_timeout`)
/// and PostgreSQL locks only this agency's row for this day: intake at other agencies never
/// waits, and a rolled-back intake gives its number back, so codes stay gap-free.
pub fn next_sequence(conn: &mut AnyConnection, agency: &str, day: &str) -> QueryResult<i32> {
    loop {
        let bumped: Option<i32> = diesel::update(
            dossier_sequences::table
                .filter(dossier_sequences::agency_code.eq(agency))
                .filter(dossier_sequences::day.eq(day)),
        )
        .set(dossier_sequences::last_value.eq(dossier_sequences::last_value + 1))
        .returning(dossier_sequences::last_value)
        .get_result(conn)
        .optional()?;
        if let Some(v) = bumped {
            return Ok(v);
        }
        // First dossier of the day: insert in a savepoint; if another instance inserted it
        // meanwhile, the unique key refuses ours and the loop bumps theirs.
        let inserted = conn.transaction(|c| {
            diesel::insert_into(dossier_sequences::table)
                .values((
                    dossier_sequences::agency_code.eq(agency),
                    dossier_sequences::day.eq(day),
                    dossier_sequences::last_value.eq(1),
                ))
                .execute(c)
        });
        match inserted {
            Ok(_) => return Ok(1),
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                continue
            }
            Err(e) => return Err(e),
        }
    }
}

pub fn insert(conn: &mut AnyConnection, row: &DossierRow, applicant: &ApplicantRow) -> QueryResult<()> {
    diesel::insert_into(dossiers::table).values(row).execute(conn)?;
    let folded = dossier_applicants::name_folded.eq(crate::domain::text::fold(&applicant.name));
    diesel::insert_into(dossier_applicants::table).values((applicant, folded)).execute(conn)?;
    Ok(())
}

pub fn insert_event(conn: &mut AnyConnection, event: &EventRow) -> QueryResult<()> {
    diesel::insert_into(dossier_events::table).values(event).execute(conn).map(|_| ())
}

/// How many dossiers there are (any state).
pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    dossiers::table.count().get_result(conn)
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
        .filter(dossiers::status_code.eq_any([1, 5]))
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

pub fn applicant(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<ApplicantRow> {
    dossier_applicants::table.find(dossier_id).select(ApplicantRow::as_select()).first(conn)
}

pub fn events(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Vec<EventRow>> {
    dossier_events::table
        .filter(dossier_events::dossier_id.eq(dossier_id))
        .order(dossier_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)
}

/// Writes an action's changes only if nobody changed the dossier since `expected_version`
/// was read; false means a concurrent action won.
pub fn update_if_unchanged(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i32,
    changes: &DossierChanges,
) -> QueryResult<bool> {
    let n =
        diesel::update(dossiers::table.filter(dossiers::id.eq(id)).filter(dossiers::row_version.eq(expected_version)))
            .set(changes)
            .execute(conn)?;
    Ok(n == 1)
}

/// Gives a dossier its code at receipt (TT 01/2018 Điều 19), in the receipt's transaction; false if
/// it already had one (a code, once issued, never changes).
pub fn issue_code(conn: &mut AnyConnection, id: &str, code: &str) -> QueryResult<bool> {
    let n = diesel::update(dossiers::table.filter(dossiers::id.eq(id)).filter(dossiers::code.is_null()))
        .set(dossiers::code.eq(code))
        .execute(conn)?;
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

/// Open dossiers at `agency`, the nearest due first.
pub fn inbox(conn: &mut AnyConnection, agency: &str, limit: i64) -> QueryResult<Vec<DossierRow>> {
    dossiers::table
        .filter(dossiers::current_agency.eq(agency))
        .filter(dossiers::status_code.eq_any([1, 2, 4, 5, 9]))
        .order((dossiers::step_due_at.asc(), dossiers::due_at.asc(), dossiers::code.asc(), dossiers::reference.asc()))
        .limit(limit)
        .select(DossierRow::as_select())
        .load(conn)
}

/// A citizen's own dossiers, newest first.
pub fn of_citizen(conn: &mut AnyConnection, user_id: &str) -> QueryResult<Vec<DossierRow>> {
    dossiers::table
        .filter(dossiers::citizen_user_id.eq(user_id))
        .order(dossiers::submitted_at.desc())
        .select(DossierRow::as_select())
        .load(conn)
}

pub fn rating(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Option<RatingRow>> {
    dossier_ratings::table.find(dossier_id).select(RatingRow::as_select()).first(conn).optional()
}

pub fn insert_rating(conn: &mut AnyConnection, row: &RatingRow) -> QueryResult<()> {
    diesel::insert_into(dossier_ratings::table).values(row).execute(conn).map(|_| ())
}

pub fn insert_file(conn: &mut AnyConnection, row: &FileRow) -> QueryResult<()> {
    diesel::insert_into(dossier_files::table).values(row).execute(conn).map(|_| ())
}

pub fn files(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Vec<FileInfo>> {
    dossier_files::table
        .filter(dossier_files::dossier_id.eq(dossier_id))
        .order(dossier_files::uploaded_at.asc())
        .select((
            dossier_files::id,
            dossier_files::file_name,
            dossier_files::content_type,
            dossier_files::size_bytes,
            dossier_files::sha256,
            dossier_files::uploaded_at,
        ))
        .load(conn)
}

pub fn file(conn: &mut AnyConnection, dossier_id: &str, file_id: &str) -> QueryResult<Option<FileRow>> {
    dossier_files::table
        .filter(dossier_files::dossier_id.eq(dossier_id))
        .filter(dossier_files::id.eq(file_id))
        .select(FileRow::as_select())
        .first(conn)
        .optional()
}

/// Dossiers received at `agency` in a year, in receipt order (the tracking book, form 06).
pub fn received_between(
    conn: &mut AnyConnection,
    agency: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<DossierRow>> {
    dossiers::table
        .filter(dossiers::receiving_agency.eq(agency))
        .filter(dossiers::received_at.ge(from))
        .filter(dossiers::received_at.lt(to))
        .order((dossiers::received_at.asc(), dossiers::code.asc()))
        .select(DossierRow::as_select())
        .load(conn)
}

/// A same-level consultation (liên thông cùng cấp): an agency asked for its opinion, with a deadline.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::dossier_consultations)]
pub struct ConsultationRow {
    pub dossier_id: String,
    pub position: i32,
    pub agency_code: String,
    pub task: String,
    pub requested_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
    pub opinion: Option<String>,
    pub timeliness: Option<String>,
}

pub fn consultations(conn: &mut AnyConnection, dossier_id: &str) -> QueryResult<Vec<ConsultationRow>> {
    use super::schema::dossier_consultations as c;
    c::table
        .filter(c::dossier_id.eq(dossier_id))
        .order(c::position.asc())
        .select(ConsultationRow::as_select())
        .load(conn)
}

pub fn insert_consultation(conn: &mut AnyConnection, row: &ConsultationRow) -> QueryResult<()> {
    diesel::insert_into(super::schema::dossier_consultations::table).values(row).execute(conn).map(|_| ())
}

pub fn answer_consultation(
    conn: &mut AnyConnection,
    dossier_id: &str,
    position: i32,
    at: NaiveDateTime,
    opinion: &str,
    timeliness: &str,
) -> QueryResult<bool> {
    use super::schema::dossier_consultations as c;
    let n = diesel::update(
        c::table.filter(c::dossier_id.eq(dossier_id)).filter(c::position.eq(position)).filter(c::answered_at.is_null()),
    )
    .set((c::answered_at.eq(at), c::opinion.eq(opinion), c::timeliness.eq(timeliness)))
    .execute(conn)?;
    Ok(n == 1)
}
