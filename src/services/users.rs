//! Accounts.
use crate::auth::password;
use crate::domain::user::{check_account, MIN_PASSWORD_LEN};
use crate::domain::{AgencyCode, Role, Username};
use crate::storage::{self, agencies, users, AnyConnection};

/// What `motcua user add` asks for.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: String,
    pub agency_code: Option<String>,
    pub full_name: String,
    pub is_demo: bool,
}

/// Validates and creates an account in one transaction; returns its id.
pub fn add(conn: &mut AnyConnection, new: NewUser) -> anyhow::Result<String> {
    use diesel::Connection;
    let username = Username::parse(&new.username)?;
    let role: Role = new.role.parse()?;
    let agency = new.agency_code.as_deref().map(AgencyCode::parse).transpose()?;
    check_account(role, agency.is_some()).map_err(anyhow::Error::msg)?;
    anyhow::ensure!(
        new.password.chars().count() >= MIN_PASSWORD_LEN,
        "the password must have at least {MIN_PASSWORD_LEN} characters"
    );
    anyhow::ensure!(!new.full_name.trim().is_empty(), "the full name is empty");
    let hash = password::hash(&new.password)?;
    conn.transaction(|conn| {
        if let Some(code) = &agency {
            anyhow::ensure!(
                agencies::find(conn, code.as_str())?.is_some(),
                "agency {code} does not exist: list agencies with GET /api/v1/agencies"
            );
        }
        anyhow::ensure!(
            users::find_by_username(conn, username.as_str())?.is_none(),
            "username {} is taken",
            username.as_str()
        );
        let id = uuid::Uuid::now_v7().to_string();
        users::insert(
            conn,
            &users::UserRow {
                id: id.clone(),
                username: username.as_str().to_string(),
                password_hash: hash,
                role: role.as_str().to_string(),
                agency_code: agency.map(|a| a.to_string()),
                full_name: new.full_name.trim().to_string(),
                is_demo: new.is_demo,
                created_at: storage::now_utc(),
            },
        )?;
        Ok(id)
    })
}
