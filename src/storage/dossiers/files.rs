//! Files attached to dossiers (their content lives in the database).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::schema::dossier_files;
use super::super::AnyConnection;

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
