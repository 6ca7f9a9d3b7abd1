//! The Kafka views the replicas share. The replica that leads a Kafka cluster's snapshots (job
//! `kafka`) lets its loop read Kafka and writes each new view to the database; every other
//! replica reads the view from there once per cycle. So Kafka is read once per cycle for the
//! whole fleet, and every replica answers from the same snapshot. On SQLite (one process)
//! nothing is shared.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::monitor::KafkaView;
use super::snapshot::Snapshot;
use crate::clock::now_ms;
use crate::db::{Db, on_db};

/// A view as it is written to the database.
#[derive(Serialize, Deserialize)]
struct Stored {
    snapshot: Option<Snapshot>,
    error: Option<String>,
    unreachable_since_ms: Option<i64>,
}

/// While this replica leads `cluster`'s snapshots: lets its loop read Kafka (`reading`) and
/// writes each new view to the database. The loop stops reading when this ends (leadership
/// lost).
pub(crate) async fn publish(
    db: Db,
    cluster: String,
    mut views: watch::Receiver<Arc<KafkaView>>,
    reading: Arc<AtomicBool>,
) {
    let _reading = Reading::start(reading);
    while views.changed().await.is_ok() {
        let view = views.borrow_and_update().clone();
        if !shared(&db) {
            continue;
        }
        if let Err(e) = write(&db, &cluster, &view).await {
            tracing::error!(cluster, "cannot share the Kafka view: {e}");
        }
    }
}

/// Whether views are shared through `db`: on SQLite, Plugboard is one process with no other
/// replica to share them with, and a view (several MB with many topics) is not written for
/// nothing every cycle.
fn shared(db: &Db) -> bool {
    matches!(db, Db::Postgres(_))
}

/// While this replica does not read Kafka itself: takes the view the leader shares, every
/// `every`, and publishes it to this replica's pages and jobs when it has changed.
pub(crate) async fn follow(
    db: Db,
    cluster: String,
    views: watch::Sender<Arc<KafkaView>>,
    reading: Arc<AtomicBool>,
    every: Duration,
) {
    if !shared(&db) {
        return;
    }
    let mut ticker = tokio::time::interval(every);
    let mut seen = None;
    loop {
        ticker.tick().await;
        if reading.load(Ordering::Acquire) {
            continue;
        }
        match read(&db, &cluster, seen).await {
            Ok(Some((written_at, view))) => {
                seen = Some(written_at);
                views.send_replace(Arc::new(view));
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(cluster, "cannot read the shared Kafka view: {e}"),
        }
    }
}

async fn write(db: &Db, cluster: &str, view: &KafkaView) -> anyhow::Result<()> {
    let stored = Stored {
        snapshot: view.snapshot.as_deref().cloned(),
        error: view.error.clone(),
        unreachable_since_ms: view.unreachable_since_ms,
    };
    let text = serde_json::to_string(&stored)?;
    let sql = "insert into kafka_views (cluster_id, written_at_ms, view) values ($1, $2, $3) \
               on conflict (cluster_id) do update \
               set written_at_ms = excluded.written_at_ms, view = excluded.view";
    on_db!(db, pool => sqlx::query(sql)
        .bind(cluster)
        .bind(now_ms())
        .bind(&text)
        .execute(pool)
        .await
        .map(drop))?;
    Ok(())
}

/// The shared view of `cluster` with when it was written, unless it is the one written at
/// `seen`.
async fn read(
    db: &Db,
    cluster: &str,
    seen: Option<i64>,
) -> anyhow::Result<Option<(i64, KafkaView)>> {
    let sql = "select written_at_ms, view from kafka_views \
               where cluster_id = $1 and written_at_ms <> $2";
    let row: Option<(i64, String)> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(cluster)
        .bind(seen.unwrap_or(i64::MIN))
        .fetch_optional(pool)
        .await)?;
    let Some((written_at, text)) = row else {
        return Ok(None);
    };
    let stored: Stored = serde_json::from_str(&text)?;
    let view = KafkaView {
        snapshot: stored.snapshot.map(Arc::new),
        error: stored.error,
        unreachable_since_ms: stored.unreachable_since_ms,
    };
    Ok(Some((written_at, view)))
}

/// The loop's `reading` flag, up from its start until it is dropped.
struct Reading(Arc<AtomicBool>);

impl Reading {
    fn start(flag: Arc<AtomicBool>) -> Self {
        flag.store(true, Ordering::Release);
        Self(flag)
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::observation::{BrokerMeta, Observation};
    use crate::test_support::scratch_db;

    #[tokio::test]
    async fn a_view_written_by_the_leader_is_read_back_whole_once_until_it_changes() {
        let db = scratch_db("kafka-views").await;
        let mut observation = Observation::default();
        observation.brokers.push(BrokerMeta {
            id: 1,
            host: "broker-1".into(),
            port: 9092,
        });
        observation.log_end.insert(("orders".into(), 3), 42);
        let snapshot = Snapshot {
            observation: observation.clone(),
            taken_at_ms: 1_000,
            ..Snapshot::default()
        };
        let view = KafkaView {
            snapshot: Some(Arc::new(snapshot)),
            error: Some("a broker is down".into()),
            unreachable_since_ms: None,
        };

        assert!(
            read(&db, "main", None).await.unwrap().is_none(),
            "nothing yet"
        );
        write(&db, "main", &view).await.unwrap();
        let (written_at, shared) = read(&db, "main", None).await.unwrap().unwrap();

        let snapshot = shared.snapshot.unwrap();
        assert_eq!(snapshot.observation, observation);
        assert_eq!(snapshot.taken_at_ms, 1_000);
        assert_eq!(shared.error.as_deref(), Some("a broker is down"));
        assert!(
            read(&db, "main", Some(written_at)).await.unwrap().is_none(),
            "seen"
        );
        assert!(read(&db, "other", None).await.unwrap().is_none());
    }
}
