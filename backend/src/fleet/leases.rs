//! The SQL of leases: take or renew one, judged by the database's clock, and give them all up.

use std::time::Duration;

use crate::db::{Db, on_db, with_db_clock};

/// Takes the lease of `job` on `cluster` for `holder` (or renews it) unless another holder's
/// lease has not expired; says whether `holder` has it now.
pub(super) async fn take(
    db: &Db,
    job: &str,
    cluster: &str,
    holder: &str,
    lease: Duration,
) -> sqlx::Result<bool> {
    macro_rules! take_sql {
        ($now:literal) => {
            concat!(
                "insert into leases (job, cluster_id, holder, expires_at_ms) ",
                "values ($1, $2, $3, ",
                $now,
                " + $4) on conflict (job, cluster_id) do update ",
                "set holder = excluded.holder, expires_at_ms = excluded.expires_at_ms ",
                "where leases.holder = excluded.holder or leases.expires_at_ms < ",
                $now,
                " returning holder"
            )
        };
    }
    let sql = with_db_clock!(db, take_sql);
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    let taken: Option<String> = on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(job)
        .bind(cluster)
        .bind(holder)
        .bind(lease_ms)
        .fetch_optional(pool)
        .await)?;
    Ok(taken.is_some())
}

/// Gives up every lease `holder` has.
pub(super) async fn release(db: &Db, holder: &str) -> sqlx::Result<()> {
    let sql = "delete from leases where holder = $1";
    on_db!(db, pool => sqlx::query(sql).bind(holder).execute(pool).await.map(drop))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::scratch_db;

    #[tokio::test]
    async fn a_lease_is_one_holders_until_it_expires_or_is_given_up() {
        let db = scratch_db("leases").await;
        let long = Duration::from_secs(60);

        assert!(take(&db, "alerts", "*", "a", long).await.unwrap());
        assert!(
            !take(&db, "alerts", "*", "b", long).await.unwrap(),
            "b waits"
        );
        assert!(
            take(&db, "alerts", "*", "a", long).await.unwrap(),
            "a renews"
        );
        assert!(
            take(&db, "states", "c1", "b", long).await.unwrap(),
            "another job is free"
        );

        // a's lease runs out (a lease of no time has expired at once): b takes it over.
        assert!(take(&db, "alerts", "*", "a", Duration::ZERO).await.unwrap());
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(
            take(&db, "alerts", "*", "b", long).await.unwrap(),
            "expired: b's now"
        );
        assert!(
            !take(&db, "alerts", "*", "a", long).await.unwrap(),
            "a lost it"
        );

        release(&db, "b").await.unwrap();
        assert!(
            take(&db, "states", "c1", "a", long).await.unwrap(),
            "given up: a's now"
        );
    }
}
