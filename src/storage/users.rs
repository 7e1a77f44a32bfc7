//! Users table.
use diesel::prelude::*;

use super::schema::users;
use super::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub agency_code: Option<String>,
    pub full_name: String,
    /// Created from `seeds/demo`; production refuses to start while any exist.
    pub is_demo: bool,
    pub created_at: chrono::NaiveDateTime,
}

pub fn find_by_username(conn: &mut AnyConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table.filter(users::username.eq(username)).select(UserRow::as_select()).first(conn).optional()
}

pub fn insert(conn: &mut AnyConnection, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table).values(row).execute(conn).map(|_| ())
}

pub fn count_demo(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.filter(users::is_demo.eq(true)).count().get_result(conn)
}
