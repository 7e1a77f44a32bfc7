//! Feedback and complaints (phản ánh, kiến nghị; issue 17 item 6): the rows, and one query per
//! reader (staff in scope, the submitter, the PIN holder, the public list, the dashboard).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{agencies as a, dossiers as d, feedback as f};
use super::stats::Scope;
use super::AnyConnection;
use crate::domain::feedback::{FeedbackKind, FeedbackStatus};

/// One submission as stored. `contact` is personal data: never published, never logged.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = f)]
pub struct FeedbackRow {
    pub id: String,
    #[diesel(deserialize_as = String)]
    pub kind: FeedbackKind,
    pub dossier_id: Option<String>,
    /// The agency concerned, which answers.
    pub agency_code: String,
    pub agency_path: String,
    pub content: String,
    /// The citizen account that sent it (None: sent with a dossier's PIN).
    pub submitted_by: Option<String>,
    pub with_pin: bool,
    pub contact: Option<String>,
    pub publish_consent: bool,
    #[diesel(deserialize_as = String)]
    pub status: FeedbackStatus,
    pub due_at: NaiveDateTime,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A new submission, as written (received, not answered).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = f)]
pub struct NewFeedback {
    pub id: String,
    pub kind: &'static str,
    pub dossier_id: Option<String>,
    pub agency_code: String,
    pub agency_path: String,
    pub content: String,
    pub submitted_by: Option<String>,
    pub with_pin: bool,
    pub contact: Option<String>,
    pub publish_consent: bool,
    pub status: &'static str,
    pub due_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl NewFeedback {
    /// The row as it reads back.
    pub fn stored(&self) -> FeedbackRow {
        FeedbackRow {
            id: self.id.clone(),
            kind: FeedbackKind::parse(self.kind).expect("written from a kind"),
            dossier_id: self.dossier_id.clone(),
            agency_code: self.agency_code.clone(),
            agency_path: self.agency_path.clone(),
            content: self.content.clone(),
            submitted_by: self.submitted_by.clone(),
            with_pin: self.with_pin,
            contact: self.contact.clone(),
            publish_consent: self.publish_consent,
            status: FeedbackStatus::Received,
            due_at: self.due_at,
            answer: None,
            answered_at: None,
            answered_by: None,
            created_at: self.created_at,
        }
    }
}

/// A submission with the agency's name and the dossier's code (or reference), for the staff and the
/// submitter.
#[derive(Debug, Clone)]
pub struct FeedbackLine {
    pub row: FeedbackRow,
    pub agency_name: String,
    pub dossier: Option<String>,
}

/// A published answer: only what the public may read (no dossier, account, contact, nor id).
#[derive(Debug, Clone, Queryable)]
pub struct PublishedRow {
    #[diesel(deserialize_as = String)]
    pub kind: FeedbackKind,
    pub content: String,
    pub answer: Option<String>,
    pub agency_name: String,
    pub created_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut AnyConnection, row: &NewFeedback) -> QueryResult<()> {
    diesel::insert_into(f::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<FeedbackRow>> {
    f::table.find(id).select(FeedbackRow::as_select()).first(conn).optional()
}

type Joined = (FeedbackRow, String, Option<String>, Option<String>);

fn lines(rows: Vec<Joined>) -> Vec<FeedbackLine> {
    rows.into_iter()
        .map(|(row, agency_name, code, reference)| FeedbackLine { row, agency_name, dossier: code.or(reference) })
        .collect()
}

/// Who reads: an agency (and, for a subtree, every agency below it), a submitter, or a dossier.
#[derive(Debug, Clone)]
pub enum Reader<'a> {
    Agency { code: &'a str, subtree_path: Option<&'a str> },
    Submitter(&'a str),
    Dossier(&'a str),
}

/// The submissions a reader sees, with the agency's name and the dossier's code: for an agency,
/// unanswered first, nearest deadline first; otherwise newest first. At most `limit`.
pub fn lines_for(conn: &mut AnyConnection, reader: &Reader, limit: i64) -> QueryResult<Vec<FeedbackLine>> {
    let mut q = f::table
        .inner_join(a::table)
        .left_join(d::table.on(f::dossier_id.eq(d::id.nullable())))
        .select((FeedbackRow::as_select(), a::name, d::code.nullable(), d::reference.nullable()))
        .into_boxed();
    q = match reader {
        Reader::Agency { code, subtree_path: None } => {
            q.filter(f::agency_code.eq(code.to_string())).order((f::status.desc(), f::due_at.asc(), f::id.asc()))
        }
        Reader::Agency { code, subtree_path: Some(path) } => q
            .filter(
                f::agency_code
                    .eq(code.to_string())
                    .or(f::agency_path.eq(path.to_string()))
                    .or(f::agency_path.like(format!("{path}/%"))),
            )
            .order((f::status.desc(), f::due_at.asc(), f::id.asc())),
        Reader::Submitter(user) => q.filter(f::submitted_by.eq(user.to_string())).order(f::id.desc()),
        Reader::Dossier(dossier) => q.filter(f::dossier_id.eq(dossier.to_string())).order(f::id.desc()),
    };
    Ok(lines(q.limit(limit).load(conn)?))
}

/// Records the answer of a submission still waiting for one: the rows changed (0 when it was
/// answered meanwhile).
pub fn answer(conn: &mut AnyConnection, id: &str, answer: &str, at: NaiveDateTime, by: &str) -> QueryResult<usize> {
    diesel::update(f::table.filter(f::id.eq(id)).filter(f::status.eq(FeedbackStatus::Received.stored())))
        .set((
            f::status.eq(FeedbackStatus::Answered.stored()),
            f::answer.eq(Some(answer)),
            f::answered_at.eq(Some(at)),
            f::answered_by.eq(Some(by)),
        ))
        .execute(conn)
}

/// The published answers (answered, with the submitter's consent), newest answer first, at most `limit`.
pub fn published(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<PublishedRow>> {
    f::table
        .inner_join(a::table)
        .filter(f::publish_consent.eq(true))
        .filter(f::answered_at.is_not_null())
        .order((f::answered_at.desc(), f::id.desc()))
        .select((f::kind, f::content, f::answer, a::name, f::created_at, f::answered_at))
        .limit(limit)
        .load(conn)
}

/// `(created_at, due_at, answered_at)` of the submissions that a period `[from, to)` can count in
/// `scope`: created before its end and not answered before its start. One statement.
pub fn for_figures(
    conn: &mut AnyConnection,
    scope: &Scope,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>)>> {
    let mut q = f::table
        .filter(f::created_at.lt(to))
        .filter(f::answered_at.is_null().or(f::answered_at.ge(from)))
        .select((f::created_at, f::due_at, f::answered_at))
        .into_boxed();
    q = match scope {
        Scope::Province => q,
        Scope::Agency(code) => q.filter(f::agency_code.eq(code.clone())),
        Scope::Subtree(path) => q.filter(f::agency_path.eq(path.clone()).or(f::agency_path.like(format!("{path}/%")))),
    };
    q.load(conn)
}
