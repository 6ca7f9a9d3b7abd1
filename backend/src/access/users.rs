//! Built-in users in SQLite: name, argon2 hash and grants. Managed by admins through the API
//! and by the `plugboard user` subcommand.

use api_types::{Grant, User};
use sqlx::{FromRow, SqlitePool};

use crate::db::StoreError;

#[derive(FromRow)]
struct UserRow {
    name: String,
    grants: String,
    created_at: String,
}

impl UserRow {
    fn into_user(self) -> User {
        User {
            grants: serde_json::from_str(&self.grants).unwrap_or_default(),
            name: self.name,
            created_at: self.created_at,
        }
    }
}

fn check_name(name: &str) -> Result<(), StoreError> {
    let fine = !name.is_empty()
        && name.chars().count() <= 64
        && !name.chars().any(|c| c.is_whitespace() || c.is_control());
    if fine {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "user name `{name}` must be 1 to 64 characters without spaces"
        )))
    }
}

fn check_grants(grants: &[Grant]) -> Result<(), StoreError> {
    if grants.is_empty() {
        return Err(StoreError::Invalid(
            "a user needs at least one grant (a role)".into(),
        ));
    }
    Ok(())
}

pub async fn list(db: &SqlitePool) -> Result<Vec<User>, StoreError> {
    let rows: Vec<UserRow> =
        sqlx::query_as("select name, grants, created_at from users order by name")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(UserRow::into_user).collect())
}

pub async fn get(db: &SqlitePool, name: &str) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> =
        sqlx::query_as("select name, grants, created_at from users where name = ?")
            .bind(name)
            .fetch_optional(db)
            .await?;
    Ok(row.map(UserRow::into_user))
}

/// The stored hash of `name`'s password, if the user exists.
pub async fn password_hash(db: &SqlitePool, name: &str) -> Result<Option<String>, StoreError> {
    sqlx::query_scalar("select password_hash from users where name = ?")
        .bind(name)
        .fetch_optional(db)
        .await
        .map_err(StoreError::from)
}

/// Adds user `name` with `grants` and the PHC string of its password (see
/// [`super::passwords::hash`]).
pub async fn create(
    db: &SqlitePool,
    name: &str,
    grants: &[Grant],
    password_hash: &str,
) -> Result<User, StoreError> {
    check_name(name)?;
    check_grants(grants)?;
    let inserted = sqlx::query(
        "insert into users (name, password_hash, grants, created_at) \
         values (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) on conflict do nothing",
    )
    .bind(name)
    .bind(password_hash)
    .bind(serde_json::to_string(grants).expect("grants serialise"))
    .execute(db)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "user `{name}` already exists"
        )));
    }
    get(db, name)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no user `{name}`")))
}

/// Sets the grants of user `name`, and with `password_hash` its password, which ends its
/// sessions.
pub async fn update(
    db: &SqlitePool,
    name: &str,
    grants: &[Grant],
    password_hash: Option<&str>,
) -> Result<User, StoreError> {
    check_grants(grants)?;
    let updated = sqlx::query("update users set grants = ? where name = ?")
        .bind(serde_json::to_string(grants).expect("grants serialise"))
        .bind(name)
        .execute(db)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("no user `{name}`")));
    }
    if let Some(hash) = password_hash {
        sqlx::query("update users set password_hash = ? where name = ?")
            .bind(hash)
            .bind(name)
            .execute(db)
            .await?;
        sqlx::query("delete from sessions where user_name = ?")
            .bind(name)
            .execute(db)
            .await?;
    }
    get(db, name)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no user `{name}`")))
}

pub async fn delete(db: &SqlitePool, name: &str) -> Result<(), StoreError> {
    let deleted = sqlx::query("delete from users where name = ?")
        .bind(name)
        .execute(db)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("no user `{name}`")));
    }
    Ok(())
}
