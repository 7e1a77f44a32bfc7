//! Users table.
use diesel::prelude::*;

use super::schema::users;
use super::AnyConnection;

#[derive(Clone, Queryable, Selectable, Insertable)]
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
    /// The department of its agency the account works in (issue 13 item 6); None: the agency as a whole.
    pub department: Option<String>,
}

/// Prints `***` for the password hash (an argon2 hash can be attacked offline).
impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let Self {
            id,
            username,
            password_hash: _,
            role,
            agency_code,
            full_name,
            is_demo,
            created_at,
            disabled_at,
            department,
        } = self;
        f.debug_struct("UserRow")
            .field("id", id)
            .field("username", username)
            .field("password_hash", &"***")
            .field("role", role)
            .field("agency_code", agency_code)
            .field("full_name", full_name)
            .field("is_demo", is_demo)
            .field("created_at", created_at)
            .field("disabled_at", disabled_at)
            .field("department", department)
            .finish()
    }
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

/// Moves every account of `from` to `to` (a reorganisation's holder); their usernames.
pub fn move_agency(conn: &mut AnyConnection, from: &str, to: &str) -> QueryResult<Vec<String>> {
    let names: Vec<String> = users::table
        .filter(users::agency_code.eq(from))
        .order(users::username.asc())
        .select(users::username)
        .load(conn)?;
    if !names.is_empty() {
        // The departments are the old agency's: the account starts in the new one as a whole.
        diesel::update(users::table.filter(users::agency_code.eq(from)))
            .set((users::agency_code.eq(to), users::department.eq(None::<String>)))
            .execute(conn)?;
    }
    Ok(names)
}

/// Sets or clears the department an account works in; false when no account has this username.
pub fn set_department(conn: &mut AnyConnection, username: &str, department: Option<&str>) -> QueryResult<bool> {
    diesel::update(users::table.filter(users::username.eq(username)))
        .set(users::department.eq(department))
        .execute(conn)
        .map(|n| n == 1)
}

/// Disables the active accounts of an agency (at `at`) and returns their usernames, in order.
pub fn disable_at_agency(
    conn: &mut AnyConnection,
    agency: &str,
    at: chrono::NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let active = users::table.filter(users::agency_code.eq(agency)).filter(users::disabled_at.is_null());
    let names: Vec<String> = active.order(users::username.asc()).select(users::username).load(conn)?;
    if !names.is_empty() {
        diesel::update(active).set(users::disabled_at.eq(Some(at))).execute(conn)?;
    }
    Ok(names)
}

/// The agency of an active account (`Some(None)` for a citizen); None when the account is disabled
/// or gone. One primary-key read.
pub fn active_agency(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Option<String>>> {
    users::table
        .filter(users::id.eq(id))
        .filter(users::disabled_at.is_null())
        .select(users::agency_code)
        .first::<Option<String>>(conn)
        .optional()
}

/// The full names of the accounts `ids` (those that exist): who acted, as the forms sign them.
pub fn full_names(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<std::collections::HashMap<String, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids.to_vec()))
        .select((users::id, users::full_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::UserRow;

    #[test]
    fn debug_output_hides_the_password_hash() {
        let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$QmFkSGFzaEJhZEhhc2hCYWRIYXNo";
        let row = UserRow {
            id: "u-1".into(),
            username: "clerk.tanan".into(),
            password_hash: hash.into(),
            role: "clerk".into(),
            agency_code: Some("H01.01".into()),
            full_name: "Trần Văn Tiếp".into(),
            is_demo: true,
            created_at: chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap().and_hms_opt(9, 0, 0).unwrap(),
            disabled_at: None,
            department: Some("VHXH".into()),
        };
        for text in [format!("{row:?}"), format!("{row:#?}")] {
            assert!(!text.contains("argon2") && !text.contains("c2FsdHNhbHRzYWx0"), "the hash is printed: {text}");
            assert!(text.contains("password_hash: \"***\""), "{text}");
            assert!(text.contains("clerk.tanan") && text.contains("H01.01"), "the rest shows: {text}");
        }
    }
}
