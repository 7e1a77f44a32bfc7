//! A procedure version's templates (tờ khai, mẫu đơn); their content lives in the database, so
//! every instance serves them.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{procedure_templates as t, procedures};
use super::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = t)]
pub struct TemplateRow {
    pub procedure_id: String,
    pub id: String,
    pub title: String,
    pub form_code: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content: Vec<u8>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// A template without its content, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = t)]
pub struct TemplateInfo {
    pub id: String,
    pub title: String,
    pub form_code: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &TemplateRow) -> QueryResult<()> {
    diesel::insert_into(t::table).values(row).execute(conn).map(|_| ())
}

/// The templates of a procedure version, oldest first.
pub fn list(conn: &mut AnyConnection, procedure_id: &str) -> QueryResult<Vec<TemplateInfo>> {
    t::table
        .filter(t::procedure_id.eq(procedure_id))
        .order((t::created_at.asc(), t::id.asc()))
        .select(TemplateInfo::as_select())
        .load(conn)
}

pub fn count(conn: &mut AnyConnection, procedure_id: &str) -> QueryResult<i64> {
    t::table.filter(t::procedure_id.eq(procedure_id)).count().get_result(conn)
}

/// One template of the procedure `code`, with its content: of the current version, or of a named one.
pub fn find(conn: &mut AnyConnection, code: &str, version: Option<i32>, id: &str) -> QueryResult<Option<TemplateRow>> {
    let q = t::table
        .inner_join(procedures::table)
        .filter(procedures::code.eq(code))
        .filter(t::id.eq(id))
        .select(TemplateRow::as_select())
        .into_boxed();
    match version {
        Some(v) => q.filter(procedures::version.eq(v)),
        None => q.filter(procedures::is_current.eq(true)),
    }
    .first(conn)
    .optional()
}

/// Removes a template from one version; false when it had none with that id.
pub fn delete(conn: &mut AnyConnection, procedure_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(t::table.filter(t::procedure_id.eq(procedure_id)).filter(t::id.eq(id))).execute(conn).map(|n| n > 0)
}

/// Copies a version's templates to a new version in one statement (the bytes never leave the
/// database); ids are kept, so links to a template keep working.
pub fn copy(conn: &mut AnyConnection, from: &str, to: &str) -> QueryResult<usize> {
    use diesel::sql_types::Text;
    diesel::insert_into(t::table)
        .values(t::table.filter(t::procedure_id.eq(from)).select((
            to.into_sql::<Text>(),
            t::id,
            t::title,
            t::form_code,
            t::file_name,
            t::content_type,
            t::size_bytes,
            t::sha256,
            t::content,
            t::created_at,
            t::created_by,
        )))
        .into_columns((
            t::procedure_id,
            t::id,
            t::title,
            t::form_code,
            t::file_name,
            t::content_type,
            t::size_bytes,
            t::sha256,
            t::content,
            t::created_at,
            t::created_by,
        ))
        .execute(conn)
}

/// Locks the procedure version for a change of its templates (a write, so two uploads are
/// serialised and a revision cannot interleave); false when it is no longer current.
pub fn lock_current(conn: &mut AnyConnection, procedure_id: &str) -> QueryResult<bool> {
    diesel::update(procedures::table.filter(procedures::id.eq(procedure_id)).filter(procedures::is_current.eq(true)))
        .set(procedures::is_current.eq(true))
        .execute(conn)
        .map(|n| n == 1)
}

/// The id and number of the current version of the procedure `code`.
pub fn current_version(conn: &mut AnyConnection, code: &str) -> QueryResult<Option<(String, i32)>> {
    procedures::table
        .filter(procedures::code.eq(code))
        .filter(procedures::is_current.eq(true))
        .select((procedures::id, procedures::version))
        .first(conn)
        .optional()
}
