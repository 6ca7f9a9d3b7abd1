//! API tokens for scripts and the passthrough: `pbt_` and 32 random bytes in hex, shown once,
//! stored only as a SHA-256 hash (the token is random, so no slow hash is needed), revocable,
//! and stamped with when each was last used. A token acts with its user's grants.

use api_types::{ApiToken, CreatedToken};
use sqlx::FromRow;

use super::sha256_hex;
use crate::clock::now_iso_seconds;
use crate::db::{Db, StoreError, on_db};
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

pub async fn create(db: &Db, name: &str, user: &str) -> Result<CreatedToken, StoreError> {
    if name.trim().is_empty() {
        return Err(StoreError::Invalid("a token needs a name".into()));
    }
    let token = format!("{PREFIX}{}", random_hex(32));
    let sql = "insert into api_tokens (name, user_name, token_hash, created_at) \
               values ($1, $2, $3, $4) returning id";
    let id: i64 = on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(name)
        .bind(user)
        .bind(sha256_hex(&token))
        .bind(now_iso_seconds())
        .fetch_one(pool)
        .await)?;
    let info = get(db, id).await?;
    Ok(CreatedToken { token, info })
}

pub async fn get(db: &Db, id: i64) -> Result<ApiToken, StoreError> {
    let sql = select_tokens!("where id = $1");
    let row: Option<TokenRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
    row.map(Into::into)
        .ok_or_else(|| StoreError::NotFound(format!("no token {id}")))
}

/// Every token, or those of `user`, newest first.
pub async fn list(db: &Db, user: Option<&str>) -> Result<Vec<ApiToken>, StoreError> {
    let sql = select_tokens!("where $1 is null or user_name = $1 order by id desc");
    let rows: Vec<TokenRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(user).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn revoke(db: &Db, id: i64) -> Result<ApiToken, StoreError> {
    let sql = "update api_tokens set revoked_at = $1 where id = $2 and revoked_at is null";
    on_db!(db, pool => sqlx::query(sql)
        .bind(now_iso_seconds())
        .bind(id)
        .execute(pool)
        .await
        .map(drop))?;
    get(db, id).await
}

/// The user a live token belongs to, stamping its last use; `None` for an unknown or revoked
/// token.
pub async fn user_of(db: &Db, token: &str) -> Result<Option<String>, StoreError> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let sql = "update api_tokens set last_used_at = $1 \
               where token_hash = $2 and revoked_at is null returning user_name";
    on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(now_iso_seconds())
        .bind(sha256_hex(token))
        .fetch_optional(pool)
        .await)
    .map_err(StoreError::from)
}
