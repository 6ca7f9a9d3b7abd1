//! Lag history in the database: each group's lag at every snapshot, folded to one point per minute
//! after a day and dropped after a week; read back as at most [`MAX_POINTS`] points per chart.

use std::sync::Arc;

use api_types::{LagPoint, LagRange};
use tokio::sync::watch;

use super::monitor::KafkaView;
use super::snapshot::Snapshot;
use crate::clock::now_ms;
use crate::db::{Db, on_db};

/// Raw points (one per snapshot) are kept this long.
const RAW_KEPT_MS: i64 = 24 * 3_600_000;
/// Per-minute points are kept this long.
const MINUTES_KEPT_MS: i64 = 7 * 24 * 3_600_000;
/// A chart gets at most this many points: the range is cut into this many buckets.
pub(crate) const MAX_POINTS: i64 = 360;
/// Old points are folded this often.
const FOLD_EVERY_MS: i64 = 600_000;

/// Writes each new snapshot of Kafka cluster `cluster` (the Connect cluster's own id when its
/// Kafka is inline) while the monitor runs, and folds old points every
/// ten minutes.
pub(crate) async fn record_snapshots(
    db: Db,
    cluster: String,
    mut views: watch::Receiver<Arc<KafkaView>>,
) {
    let mut last_written = None;
    let mut last_folded = 0;
    while views.changed().await.is_ok() {
        let snapshot = views.borrow_and_update().snapshot.clone();
        let Some(snapshot) = snapshot else { continue };
        if last_written == Some(snapshot.taken_at_ms) {
            continue;
        }
        last_written = Some(snapshot.taken_at_ms);
        if let Err(e) = insert(&db, &cluster, &snapshot).await {
            tracing::error!(cluster, "cannot store lag history: {e}");
        }
        if snapshot.taken_at_ms - last_folded > FOLD_EVERY_MS {
            last_folded = snapshot.taken_at_ms;
            if let Err(e) = fold(&db, snapshot.taken_at_ms).await {
                tracing::error!("cannot fold lag history: {e}");
            }
        }
    }
}

async fn insert(db: &Db, cluster: &str, snapshot: &Snapshot) -> sqlx::Result<()> {
    let sql = "insert into lag_points (cluster_id, consumer_group, resolution_s, at_ms, lag) \
               values ($1, $2, 0, $3, $4)";
    on_db!(db, pool => {
        let mut transaction = pool.begin().await?;
        for group in &snapshot.observation.groups {
            let Some(lag) = snapshot.group_lag(&group.name) else {
                continue;
            };
            sqlx::query(sql)
                .bind(cluster)
                .bind(&group.name)
                .bind(snapshot.taken_at_ms)
                .bind(i64::try_from(lag).unwrap_or(i64::MAX))
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await
    })
}

/// Folds raw points older than a day into per-minute maxima and drops per-minute points older
/// than a week. The cut-off is on a minute boundary, so no minute is folded twice.
pub(crate) async fn fold(db: &Db, now_ms: i64) -> sqlx::Result<()> {
    let raw_cutoff = (now_ms - RAW_KEPT_MS).div_euclid(60_000) * 60_000;
    let folded = "insert into lag_points (cluster_id, consumer_group, resolution_s, at_ms, lag) \
                  select cluster_id, consumer_group, 60, (at_ms / 60000) * 60000, max(lag) \
                  from lag_points where resolution_s = 0 and at_ms < $1 \
                  group by cluster_id, consumer_group, at_ms / 60000";
    let raw = "delete from lag_points where resolution_s = 0 and at_ms < $1";
    let minutes = "delete from lag_points where resolution_s = 60 and at_ms < $1";
    on_db!(db, pool => {
        let mut transaction = pool.begin().await?;
        sqlx::query(folded).bind(raw_cutoff).execute(&mut *transaction).await?;
        sqlx::query(raw).bind(raw_cutoff).execute(&mut *transaction).await?;
        sqlx::query(minutes)
            .bind(now_ms - MINUTES_KEPT_MS)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await
    })
}

/// The lag of `group` over `range` up to now: the highest lag of each of [`MAX_POINTS`] buckets
/// that has any point.
pub(crate) async fn points(
    db: &Db,
    cluster: &str,
    group: &str,
    range: LagRange,
) -> sqlx::Result<Vec<LagPoint>> {
    points_until(db, cluster, group, range, now_ms()).await
}

async fn points_until(
    db: &Db,
    cluster: &str,
    group: &str,
    range: LagRange,
    now_ms: i64,
) -> sqlx::Result<Vec<LagPoint>> {
    let bucket = range.millis() / MAX_POINTS;
    let sql = "select (at_ms / $1) * $1 as bucket, max(lag) from lag_points \
               where cluster_id = $2 and consumer_group = $3 and at_ms >= $4 \
               group by bucket order by bucket";
    let rows: Vec<(i64, i64)> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(bucket)
        .bind(cluster)
        .bind(group)
        .bind(now_ms - range.millis())
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(at_ms, lag)| LagPoint {
            at_ms,
            lag: u64::try_from(lag).unwrap_or(0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::scratch_db;

    const MINUTE: i64 = 60_000;

    async fn add(db: &Db, group: &str, at_ms: i64, lag: i64) {
        let sql = "insert into lag_points (cluster_id, consumer_group, resolution_s, at_ms, lag) \
                   values ('c', $1, 0, $2, $3)";
        on_db!(db, pool => sqlx::query(sql)
            .bind(group)
            .bind(at_ms)
            .bind(lag)
            .execute(pool)
            .await
            .map(drop)
            .unwrap());
    }

    async fn count(db: &Db, resolution: i64) -> i64 {
        let sql = "select count(*) from lag_points where resolution_s = $1";
        on_db!(db, pool => sqlx::query_scalar(sql).bind(resolution).fetch_one(pool).await.unwrap())
    }

    #[tokio::test]
    async fn points_older_than_a_day_fold_into_the_highest_lag_of_each_minute() {
        let db = scratch_db("lag-fold").await;
        let now = 10 * RAW_KEPT_MS;
        let old_minute = now - RAW_KEPT_MS - 10 * MINUTE;
        for (second, lag) in [(0, 5), (10, 40), (20, 7)] {
            add(&db, "g", old_minute + second * 1000, lag).await;
        }
        add(&db, "g", now - MINUTE, 3).await;

        fold(&db, now).await.unwrap();

        assert_eq!(count(&db, 0).await, 1, "the recent raw point stays");
        let week = points_until(&db, "c", "g", LagRange::Week, now)
            .await
            .unwrap();
        assert_eq!(week.iter().map(|p| p.lag).collect::<Vec<_>>(), [40, 3]);
    }

    #[tokio::test]
    async fn folded_points_older_than_a_week_are_dropped() {
        let db = scratch_db("lag-drop").await;
        let now = 10 * MINUTES_KEPT_MS;
        add(&db, "g", now - MINUTES_KEPT_MS - MINUTE, 9).await;
        fold(&db, now).await.unwrap();
        assert_eq!(count(&db, 60).await, 0);
        assert_eq!(count(&db, 0).await, 0);
    }

    #[tokio::test]
    async fn a_chart_has_at_most_max_points_and_only_its_group_and_range() {
        let db = scratch_db("lag-points").await;
        let now = 100 * RAW_KEPT_MS;
        for second in 0..3_600 {
            add(&db, "g", now - second * 1000, second).await;
        }
        add(&db, "other", now, 1).await;
        add(&db, "g", now - 2 * 3_600_000, 77).await;

        let hour = points_until(&db, "c", "g", LagRange::Hour, now)
            .await
            .unwrap();

        assert_eq!(
            hour.len() as i64,
            MAX_POINTS + 1,
            "360 buckets, the last one partly"
        );
        assert!(hour.iter().all(|p| p.lag != 77 && p.lag < 3_600));
        assert!(hour.windows(2).all(|w| w[0].at_ms < w[1].at_ms));
    }
}
