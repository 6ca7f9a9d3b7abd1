//! Built-in users in the database: name, argon2 hash and grants. Managed by admins through the API
//! and by the `plugboard user` subcommand.

use api_types::{Grant, User};
use sqlx::FromRow;

use crate::clock::now_iso_seconds;
use crate::db::{Db, StoreError, on_db};

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

pub async fn list(db: &Db) -> Result<Vec<User>, StoreError> {
    let sql = "select name, grants, created_at from users order by name";
    let rows: Vec<UserRow> = on_db!(db, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(UserRow::into_user).collect())
}

pub async fn get(db: &Db, name: &str) -> Result<Option<User>, StoreError> {
    let sql = "select name, grants, created_at from users where name = $1";
    let row: Option<UserRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(name).fetch_optional(pool).await)?;
    Ok(row.map(UserRow::into_user))
}

/// The stored hash of `name`'s password, if the user exists.
pub async fn password_hash(db: &Db, name: &str) -> Result<Option<String>, StoreError> {
    let sql = "select password_hash from users where name = $1";
    on_db!(db, pool => sqlx::query_scalar(sql).bind(name).fetch_optional(pool).await)
        .map_err(StoreError::from)
}

/// Adds user `name` with `grants` and the PHC string of its password (see
/// [`super::passwords::hash`]).
pub async fn create(
    db: &Db,
    name: &str,
    grants: &[Grant],
    password_hash: &str,
) -> Result<User, StoreError> {
    check_name(name)?;
    check_grants(grants)?;
    let sql = "insert into users (name, password_hash, grants, created_at) \
               values ($1, $2, $3, $4) on conflict do nothing";
    let inserted = on_db!(db, pool => sqlx::query(sql)
        .bind(name)
        .bind(password_hash)
        .bind(serde_json::to_string(grants).expect("grants serialise"))
        .bind(now_iso_seconds())
        .execute(pool)
        .await?
        .rows_affected());
    if inserted == 0 {
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
    db: &Db,
    name: &str,
    grants: &[Grant],
    password_hash: Option<&str>,
) -> Result<User, StoreError> {
    check_grants(grants)?;
    let sql = "update users set grants = $1 where name = $2";
    let updated = on_db!(db, pool => sqlx::query(sql)
        .bind(serde_json::to_string(grants).expect("grants serialise"))
        .bind(name)
        .execute(pool)
        .await?
        .rows_affected());
    if updated == 0 {
        return Err(StoreError::NotFound(format!("no user `{name}`")));
    }
    if let Some(hash) = password_hash {
        let set = "update users set password_hash = $1 where name = $2";
        let end_sessions = "delete from sessions where user_name = $1";
        on_db!(db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(set).bind(hash).bind(name).execute(&mut *tx).await?;
            sqlx::query(end_sessions).bind(name).execute(&mut *tx).await?;
            tx.commit().await?;
        });
    }
    get(db, name)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no user `{name}`")))
}

pub async fn delete(db: &Db, name: &str) -> Result<(), StoreError> {
    let sql = "delete from users where name = $1";
    let deleted =
        on_db!(db, pool => sqlx::query(sql).bind(name).execute(pool).await?.rows_affected());
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("no user `{name}`")));
    }
    Ok(())
}
