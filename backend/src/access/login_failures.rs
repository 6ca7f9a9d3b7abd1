//! Sign-in attempts counted in the database, so the login rate limit holds across the replicas
//! that share it: [`super::limiter`]'s rules (ten wrong passwords per name, a hundred per
//! address, within its window), judged from every replica's attempts.
//!
//! An attempt is counted before it is judged and forgotten if its password was right (or it
//! was refused), as in memory. It is judged by the attempts that began before it, in the order
//! the database numbered them: of a burst on several replicas, the first ten pass and the rest
//! are refused (an attempt another replica is still writing may be missed, so a burst at the
//! edge can pass one or two more on PostgreSQL, never a second ten). Like the limiter in
//! memory, it remembers at most [`MAX_KEYS`] attempts' rows, forgetting the oldest first, so
//! names sprayed from many addresses cannot grow the table without bound.

use super::limiter::{Counted, MAX_KEYS, WINDOW};
use crate::db::{Db, StoreError, on_db};
use crate::random::random_hex;

/// Begins an attempt at `now_ms`: `Ok(Err(seconds to wait))` when any of `keys` has used up
/// its failures, else the attempt's id, already counted against each key.
pub async fn begin(
    db: &Db,
    keys: &[Counted],
    now_ms: i64,
) -> Result<Result<String, u64>, StoreError> {
    let window_ms = i64::try_from(WINDOW.as_millis()).unwrap_or(i64::MAX);
    let since = now_ms - window_ms;
    let attempt = random_hex(16);
    let count = "insert into login_failures (key, attempt, at_ms) values ($1, $2, $3) returning id";
    // The attempts of the key in the window that began before this one (by the order of ids).
    let look = "select count(*), min(at_ms) from login_failures \
                where key = $1 and at_ms > $2 and id <= $3";
    forget_old(db, since, MAX_KEYS).await?;
    let mut wait = None;
    for (key, max) in keys {
        let id: i64 = on_db!(db, pool => sqlx::query_scalar(count)
            .bind(key)
            .bind(&attempt)
            .bind(now_ms)
            .fetch_one(pool)
            .await)?;
        let (counted, oldest): (i64, Option<i64>) = on_db!(db, pool => sqlx::query_as(look)
            .bind(key)
            .bind(since)
            .bind(id)
            .fetch_one(pool)
            .await)?;
        if usize::try_from(counted).unwrap_or(usize::MAX) > *max {
            let left_ms = oldest.unwrap_or(now_ms) + window_ms - now_ms;
            let left_s = u64::try_from((left_ms + 999) / 1000).unwrap_or(1).max(1);
            wait = wait.max(Some(left_s));
        }
    }
    match wait {
        Some(wait) => {
            forgive(db, &attempt).await?;
            Ok(Err(wait))
        }
        None => Ok(Ok(attempt)),
    }
}

/// Forgets the rows of attempts made before `since` and all but the newest `kept` rows.
async fn forget_old(db: &Db, since: i64, kept: usize) -> Result<(), StoreError> {
    let sql = "delete from login_failures where at_ms <= $1 \
               or id <= (select max(id) from login_failures) - $2";
    let kept = i64::try_from(kept).unwrap_or(i64::MAX);
    on_db!(db, pool => sqlx::query(sql).bind(since).bind(kept).execute(pool).await.map(drop))?;
    Ok(())
}

/// The attempt's password was right (or it was refused): it does not count.
pub async fn forgive(db: &Db, attempt: &str) -> Result<(), StoreError> {
    let sql = "delete from login_failures where attempt = $1";
    on_db!(db, pool => sqlx::query(sql).bind(attempt).execute(pool).await.map(drop))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::scratch_db;

    #[tokio::test]
    async fn the_eleventh_failure_in_the_window_is_refused_and_a_right_password_does_not_count() {
        let db = scratch_db("login-failures").await;
        let keys = [
            ("user:ada".to_owned(), 10),
            ("addr:10.0.0.1".to_owned(), 100),
        ];
        let right = begin(&db, &keys, 1_000).await.unwrap().unwrap();
        forgive(&db, &right).await.unwrap();
        for n in 0..10 {
            assert!(
                begin(&db, &keys, 1_000 + n).await.unwrap().is_ok(),
                "attempt {n}"
            );
        }

        let refused = begin(&db, &keys, 2_000).await.unwrap();
        let other_name = [
            ("user:bob".to_owned(), 10),
            ("addr:10.0.0.1".to_owned(), 100),
        ];
        let bob = begin(&db, &other_name, 2_000).await.unwrap();
        let later = begin(&db, &keys, 1_000 + 60_000).await.unwrap();

        assert_eq!(
            refused,
            Err(59),
            "the oldest failure leaves the window in 59 s"
        );
        assert!(bob.is_ok(), "another name is not limited by ada's failures");
        assert!(later.is_ok(), "a minute on, the window has moved");
    }

    #[tokio::test]
    async fn past_the_cap_the_oldest_attempts_are_forgotten() {
        let db = scratch_db("login-failures-cap").await;
        for n in 0..8 {
            let keys = [(format!("user:sprayed-{n}"), 10)];
            begin(&db, &keys, 1_000 + n).await.unwrap().unwrap();
        }

        forget_old(&db, 0, 3).await.unwrap();

        let sql = "select key from login_failures order by id";
        let left: Vec<String> =
            on_db!(&db, pool => sqlx::query_scalar(sql).fetch_all(pool).await).unwrap();
        assert_eq!(left, ["user:sprayed-5", "user:sprayed-6", "user:sprayed-7"]);
    }
}
