//! Same-level consultations of dossiers.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::AnyConnection;

/// A same-level consultation (liên thông cùng cấp): an agency asked for its opinion, with a deadline.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::super::schema::dossier_consultations)]
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
    use super::super::schema::dossier_consultations as c;
    c::table
        .filter(c::dossier_id.eq(dossier_id))
        .order(c::position.asc())
        .select(ConsultationRow::as_select())
        .load(conn)
}

pub fn insert_consultation(conn: &mut AnyConnection, row: &ConsultationRow) -> QueryResult<()> {
    diesel::insert_into(super::super::schema::dossier_consultations::table).values(row).execute(conn).map(|_| ())
}

/// Moves the unanswered consultations of `from` to `to` (a reorganisation's holder).
pub fn move_pending_consultations(conn: &mut AnyConnection, from: &str, to: &str) -> QueryResult<usize> {
    use super::super::schema::dossier_consultations as c;
    diesel::update(c::table.filter(c::agency_code.eq(from)).filter(c::answered_at.is_null()))
        .set(c::agency_code.eq(to))
        .execute(conn)
}

pub fn answer_consultation(
    conn: &mut AnyConnection,
    dossier_id: &str,
    position: i32,
    at: NaiveDateTime,
    opinion: &str,
    timeliness: &str,
) -> QueryResult<bool> {
    use super::super::schema::dossier_consultations as c;
    let n = diesel::update(
        c::table.filter(c::dossier_id.eq(dossier_id)).filter(c::position.eq(position)).filter(c::answered_at.is_null()),
    )
    .set((c::answered_at.eq(at), c::opinion.eq(opinion), c::timeliness.eq(timeliness)))
    .execute(conn)?;
    Ok(n == 1)
}
