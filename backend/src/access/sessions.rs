//! Console sessions: a random id in an HttpOnly, SameSite=Strict cookie (Secure under TLS),
//! kept in the database as a hash with its user, its CSRF token and its expiry; logout deletes it.

use super::sha256_hex;
use crate::clock::now_ms;
use crate::db::{Db, StoreError, on_db};
use crate::random::random_hex;

pub const COOKIE: &str = "plugboard_session";

/// A live session's user and the token its changes must carry.
pub struct Session {
    pub user: String,
    pub csrf_token: String,
}

/// Starts a session for `user`; returns the cookie's value and the CSRF token.
pub async fn start(db: &Db, user: &str, ttl_ms: i64) -> Result<(String, String), StoreError> {
    let (id, csrf_token) = (random_hex(32), random_hex(32));
    let now = now_ms();
    let expired = "delete from sessions where expires_at_ms <= $1";
    let insert = "insert into sessions (id_hash, user_name, csrf_token, created_at_ms, \
                  expires_at_ms) values ($1, $2, $3, $4, $5)";
    on_db!(db, pool => {
        sqlx::query(expired).bind(now).execute(pool).await?;
        sqlx::query(insert)
            .bind(sha256_hex(&id))
            .bind(user)
            .bind(&csrf_token)
            .bind(now)
            .bind(now.saturating_add(ttl_ms))
            .execute(pool)
            .await?;
    });
    Ok((id, csrf_token))
}

/// The live session whose cookie value is `id`.
pub async fn find(db: &Db, id: &str) -> Result<Option<Session>, StoreError> {
    let sql =
        "select user_name, csrf_token from sessions where id_hash = $1 and expires_at_ms > $2";
    let row: Option<(String, String)> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(sha256_hex(id))
        .bind(now_ms())
        .fetch_optional(pool)
        .await)?;
    Ok(row.map(|(user, csrf_token)| Session { user, csrf_token }))
}

pub async fn end(db: &Db, id: &str) -> Result<(), StoreError> {
    let sql = "delete from sessions where id_hash = $1";
    on_db!(db, pool => sqlx::query(sql).bind(sha256_hex(id)).execute(pool).await.map(drop))?;
    Ok(())
}

/// The `Set-Cookie` value that stores `id` for `max_age_s` seconds (0 deletes the cookie).
pub fn cookie(id: &str, max_age_s: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}")
}

/// The session id in a `Cookie` request header, if any.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others_and_set_with_its_protections() {
        let header = format!("theme=dark; {COOKIE}=abc123; other=1");
        assert_eq!(from_cookie_header(&header), Some("abc123"));
        assert_eq!(from_cookie_header("theme=dark"), None);
        let set = cookie("abc123", 60, true);
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Max-Age=60",
            "Path=/",
        ] {
            assert!(set.contains(part), "{set}");
        }
        assert!(!cookie("abc123", 60, false).contains("Secure"));
    }
}
