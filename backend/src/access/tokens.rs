//! API tokens for scripts and the passthrough: `pbt_` and 32 random bytes in hex, shown once,
//! stored only as a SHA-256 hash (the token is random, so no slow hash is needed), revocable,
//! and stamped with when each was last used. A token acts with its user's grants.

use api_types::{ApiToken, CreatedToken};
use sqlx::{FromRow, SqlitePool};

use super::sha256_hex;
use crate::db::StoreError;
use crate::random::random_hex;

/// What every token starts with, so a leaked one is easy to recognise in a scan.
pub const PREFIX: &str = "pbt_";

#[derive(FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    user_name: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl From<TokenRow> for ApiToken {
    fn from(row: TokenRow) -> Self {
        ApiToken {
            id: row.id,
            name: row.name,
            user: row.user_name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// The listing query with `$rest` after it (sqlx takes only literal SQL).
macro_rules! select_tokens {
    ($rest:literal) => {
        concat!(
            "select id, name, user_name, created_at, last_used_at, revoked_at from api_tokens ",
            $rest
        )
    };
}

pub async fn create(db: &SqlitePool, name: &str, user: &str) -> Result<CreatedToken, StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::Invalid("a token needs a name".into()));
    }
    let token = format!("{PREFIX}{}", random_hex(32));
    let id: i64 = sqlx::query_scalar(
        "insert into api_tokens (name, user_name, token_hash, created_at) \
         values (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) returning id",
    )
    .bind(name)
    .bind(user)
    .bind(sha256_hex(&token))
    .fetch_one(db)
    .await?;
    let info = get(db, id).await?;
    Ok(CreatedToken { token, info })
}

pub async fn get(db: &SqlitePool, id: i64) -> Result<ApiToken, StoreError> {
    let row: Option<TokenRow> = sqlx::query_as(select_tokens!("where id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(Into::into)
        .ok_or_else(|| StoreError::NotFound(format!("no token {id}")))
}

/// Every token, or those of `user`, newest first.
pub async fn list(db: &SqlitePool, user: Option<&str>) -> Result<Vec<ApiToken>, StoreError> {
    let rows: Vec<TokenRow> = sqlx::query_as(select_tokens!(
        "where ?1 is null or user_name = ?1 order by id desc"
    ))
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn revoke(db: &SqlitePool, id: i64) -> Result<ApiToken, StoreError> {
    sqlx::query(
        "update api_tokens set revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') \
         where id = ? and revoked_at is null",
    )
    .bind(id)
    .execute(db)
    .await?;
    get(db, id).await
}

/// The user a live token belongs to, stamping its last use; `None` for an unknown or revoked
/// token.
pub async fn user_of(db: &SqlitePool, token: &str) -> Result<Option<String>, StoreError> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    sqlx::query_scalar(
        "update api_tokens set last_used_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') \
         where token_hash = ? and revoked_at is null returning user_name",
    )
    .bind(sha256_hex(token))
    .fetch_optional(db)
    .await
    .map_err(StoreError::from)
}
