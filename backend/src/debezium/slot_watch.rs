//! The slot watch: every source database with a monitoring role read on a loop, each logical
//! slot's retained and unconsumed WAL kept in the database for its page's chart (a week of it), and
//! the latest reading of each database kept in memory for the alert rules that judge slots.
//! Databases read with connectors' own credentials are read only when a page asks.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::postgres::SourceDatabases;
use crate::clock::now_ms;
use crate::db::{Db, on_db};
use api_types::{SlotSample, SlotStatus};

/// Samples older than this are pruned.
const KEPT_MS: i64 = 7 * 24 * 3600 * 1000;
/// The most samples a page's chart shows (six hours at the default period).
const CHARTED: i64 = 720;

/// A database's latest reading: its logical slots, or why it could not be read.
pub(crate) type LatestSlots = Result<Vec<SlotStatus>, String>;

/// The latest reading of each watched database, by database id; cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct SlotWatch {
    latest: Arc<RwLock<HashMap<String, LatestSlots>>>,
}

impl SlotWatch {
    /// The latest reading of database `id`, when it was read since start.
    pub(crate) fn latest(&self, id: &str) -> Option<LatestSlots> {
        let latest = self.latest.read().expect("never poisoned");
        latest.get(id).cloned()
    }

    fn keep(&self, id: &str, reading: LatestSlots) {
        let mut latest = self.latest.write().expect("never poisoned");
        latest.insert(id.to_owned(), reading);
    }
}

/// Reads every database of `sources` with a monitoring role each `interval`, keeping the
/// samples in `db` and the latest readings in `watch`, until the background work stops.
pub(crate) async fn watch_forever(
    db: Db,
    sources: SourceDatabases,
    watch: SlotWatch,
    interval: Duration,
) {
    let databases: Vec<_> = sources.monitored().cloned().collect();
    if databases.is_empty() {
        return;
    }
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let none = BTreeMap::new();
    loop {
        ticker.tick().await;
        let at_ms = now_ms();
        for database in &databases {
            let reading = sources.read(database, &none, None).await;
            let slots = reading.map(|r| r.slots).map_err(|p| p.0);
            if let Ok(slots) = &slots
                && let Err(e) = record(&db, &database.id, at_ms, slots).await
            {
                tracing::error!("cannot record the slots of `{}`: {e}", database.id);
            }
            watch.keep(&database.id, slots);
        }
        let prune = "delete from slot_samples where at_ms < $1";
        let pruned = on_db!(&db, pool => sqlx::query(prune)
            .bind(at_ms - KEPT_MS)
            .execute(pool)
            .await
            .map(drop));
        if let Err(e) = pruned {
            tracing::error!("cannot prune slot samples: {e}");
        }
    }
}

async fn record(db: &Db, database_id: &str, at_ms: i64, slots: &[SlotStatus]) -> sqlx::Result<()> {
    let sql = "insert into slot_samples (database_id, slot, at_ms, retained_bytes, \
               unconsumed_bytes, active) values ($1, $2, $3, $4, $5, $6)";
    on_db!(db, pool => {
        let mut transaction = pool.begin().await?;
        for slot in slots {
            sqlx::query(sql)
                .bind(database_id)
                .bind(&slot.name)
                .bind(at_ms)
                .bind(slot.retained_bytes)
                .bind(slot.unconsumed_bytes)
                .bind(slot.active)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await
    })
}

/// The newest samples of `slot` in database `database_id`, oldest first.
pub(crate) async fn samples(
    db: &Db,
    database_id: &str,
    slot: &str,
) -> sqlx::Result<Vec<SlotSample>> {
    let sql = "select at_ms, retained_bytes, unconsumed_bytes, active from slot_samples \
               where database_id = $1 and slot = $2 order by at_ms desc limit $3";
    let rows: Vec<(i64, Option<i64>, Option<i64>, bool)> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(database_id)
        .bind(slot)
        .bind(CHARTED)
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .rev()
        .map(|(at_ms, retained, unconsumed, active)| SlotSample {
            at_ms,
            retained_bytes: retained,
            unconsumed_bytes: unconsumed,
            active,
        })
        .collect())
}
