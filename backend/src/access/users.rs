//! Built-in users in SQLite: name, argon2 hash and grants. Managed by admins through the API
//! and by the `plugboard user` subcommand.

use api_types::{Grant, User, UserChange};
use sqlx::{FromRow, SqlitePool};

use super::passwords;
use crate::error::ApiError;

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

fn check_name(name: &str) -> Result<(), ApiError> {
    let fine = !name.is_empty()
        && name.chars().count() <= 64
        && !name.chars().any(|c| c.is_whitespace() || c.is_control());
    if fine {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "user name `{name}` must be 1 to 64 characters without spaces"
        )))
    }
}

fn check_grants(grants: &[Grant]) -> Result<(), ApiError> {
    if grants.is_empty() {
        return Err(ApiError::BadRequest(
            "a user needs at least one grant (a role)".into(),
        ));
    }
    Ok(())
}

pub async fn list(db: &SqlitePool) -> Result<Vec<User>, ApiError> {
    let rows: Vec<UserRow> =
        sqlx::query_as("select name, grants, created_at from users order by name")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(UserRow::into_user).collect())
}

pub async fn get(db: &SqlitePool, name: &str) -> Result<Option<User>, ApiError> {
    let row: Option<UserRow> =
        sqlx::query_as("select name, grants, created_at from users where name = ?")
            .bind(name)
            .fetch_optional(db)
            .await?;
    Ok(row.map(UserRow::into_user))
}

/// The stored hash of `name`'s password, if the user exists.
pub async fn password_hash(db: &SqlitePool, name: &str) -> Result<Option<String>, ApiError> {
    sqlx::query_scalar("select password_hash from users where name = ?")
        .bind(name)
        .fetch_optional(db)
        .await
        .map_err(ApiError::from)
}

pub async fn create(db: &SqlitePool, change: UserChange) -> Result<User, ApiError> {
    check_name(&change.name)?;
    check_grants(&change.grants)?;
    let password = change
        .password
        .ok_or_else(|| ApiError::BadRequest("a new user needs a password".into()))?;
    let hash = passwords::hash(password).await?;
    let inserted = sqlx::query(
        "insert into users (name, password_hash, grants, created_at) \
         values (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) on conflict do nothing",
    )
    .bind(&change.name)
    .bind(hash)
    .bind(serde_json::to_string(&change.grants).expect("grants serialise"))
    .execute(db)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!(
            "user `{}` already exists",
            change.name
        )));
    }
    get(db, &change.name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no user `{}`", change.name)))
}

/// Sets `name`'s grants, and its password when one is given; ends its sessions when the
/// password changes.
pub async fn update(db: &SqlitePool, name: &str, change: UserChange) -> Result<User, ApiError> {
    check_grants(&change.grants)?;
    let updated = sqlx::query("update users set grants = ? where name = ?")
        .bind(serde_json::to_string(&change.grants).expect("grants serialise"))
        .bind(name)
        .execute(db)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!("no user `{name}`")));
    }
    if let Some(password) = change.password {
        let hash = passwords::hash(password).await?;
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
        .ok_or_else(|| ApiError::NotFound(format!("no user `{name}`")))
}

/// Removes `name` with its sessions and tokens.
pub async fn delete(db: &SqlitePool, name: &str) -> Result<(), ApiError> {
    let deleted = sqlx::query("delete from users where name = ?")
        .bind(name)
        .execute(db)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!("no user `{name}`")));
    }
    Ok(())
}
