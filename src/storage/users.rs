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
    /// Set by an administrator: the account can no longer sign in and its tokens are refused.
    pub disabled_at: Option<chrono::NaiveDateTime>,
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

/// At most this many accounts in one list (filter by agency or role to narrow it).
pub const LIST_LIMIT: i64 = 1000;

/// Accounts, by username, optionally of one agency and/or one role; at most [`LIST_LIMIT`].
pub fn list(conn: &mut AnyConnection, agency: Option<&str>, role: Option<&str>) -> QueryResult<Vec<UserRow>> {
    let mut q = users::table.select(UserRow::as_select()).order(users::username.asc()).limit(LIST_LIMIT).into_boxed();
    if let Some(a) = agency {
        q = q.filter(users::agency_code.eq(a.to_string()));
    }
    if let Some(r) = role {
        q = q.filter(users::role.eq(r.to_string()));
    }
    q.load(conn)
}

/// Sets or clears `disabled_at`; false when no account has this username.
pub fn set_disabled(conn: &mut AnyConnection, username: &str, at: Option<chrono::NaiveDateTime>) -> QueryResult<bool> {
    diesel::update(users::table.filter(users::username.eq(username)))
        .set(users::disabled_at.eq(at))
        .execute(conn)
        .map(|n| n == 1)
}

/// Whether the account with this id exists and is not disabled (checked on every authenticated request).
pub fn is_active(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    users::table
        .filter(users::id.eq(id))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result::<i64>(conn)
        .map(|n| n == 1)
}
