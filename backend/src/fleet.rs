//! Several replicas on one database: this process's replica id, and one leader per background
//! job chosen by leases in the database (see [`leases`]). A lease lasts [`LEASE`] and its
//! holder renews it every [`RENEW`]; another replica takes it only once it has expired by the
//! database's own clock, so a leader that dies or loses its database is replaced within
//! `LEASE + RENEW` (20 s), and a leader that cannot renew gives its job up at once. On SQLite
//! (one process) the same leases are simply always this replica's.

mod leases;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::MissedTickBehavior;

use crate::db::Db;

/// How long a lease holds without renewal.
pub const LEASE: Duration = Duration::from_secs(15);
/// How often a holder renews its leases, and a follower tries for them.
pub const RENEW: Duration = Duration::from_secs(5);
/// The cluster of a job that works on every cluster at once.
pub const ALL_CLUSTERS: &str = "*";
/// The job whose lease (cluster: the replica's id) says a replica is alive.
const ALIVE: &str = "replica";

/// This process among the replicas sharing its database; cheap to clone.
#[derive(Clone)]
pub struct Fleet {
    db: Db,
    replica: Arc<str>,
    /// Whether this replica leads each (job, cluster) it runs.
    led: Arc<Mutex<BTreeMap<(String, String), bool>>>,
    /// [`LEASE`] and [`RENEW`], shorter in tests.
    lease: Duration,
    renew: Duration,
}

impl Fleet {
    /// This process as a new replica on `db`, alive from now on (its liveness lease taken, so
    /// no change it records is taken for one of a replica that is gone).
    pub async fn join(db: Db) -> anyhow::Result<Self> {
        Self::join_timed(db, LEASE, RENEW).await
    }

    async fn join_timed(db: Db, lease: Duration, renew: Duration) -> anyhow::Result<Self> {
        let replica = format!("{}-{}", std::process::id(), crate::random::random_hex(4));
        let fleet = Self {
            db,
            replica: replica.into(),
            led: Arc::default(),
            lease,
            renew,
        };
        leases::take(&fleet.db, ALIVE, &fleet.replica, &fleet.replica, lease).await?;
        Ok(fleet)
    }

    /// This replica's id, unique per start.
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// Each (job, cluster) this replica runs, and whether it leads it now.
    pub fn leading(&self) -> Vec<(String, String, bool)> {
        let led = self.led.lock().expect("never poisoned");
        led.iter()
            .map(|((job, cluster), leads)| (job.clone(), cluster.clone(), *leads))
            .collect()
    }

    /// Keeps this replica's liveness lease for the life of the process.
    pub(crate) async fn stay_alive(self) {
        let mut every = self.renewal();
        loop {
            every.tick().await;
            if let Err(e) =
                leases::take(&self.db, ALIVE, &self.replica, &self.replica, self.lease).await
            {
                tracing::warn!("cannot renew this replica's liveness: {e}");
            }
        }
    }

    /// Runs `work` while this replica leads `job` on `cluster`: tries for the lease every
    /// [`RENEW`], starts the work when it has it, and drops the work at once when the lease is
    /// lost or cannot be renewed (the next leader starts it afresh from the database). The
    /// renewals run beside the work, never instead of it: on SQLite a renewal waits for the
    /// write lock, which the work may hold in a transaction it can only finish when polled.
    pub(crate) async fn lead<W, F>(self, job: &'static str, cluster: String, mut work: W)
    where
        W: FnMut() -> F,
        F: Future<Output = ()>,
    {
        let key = (job.to_owned(), cluster.clone());
        self.mark(&key, false);
        let mut every = self.renewal();
        loop {
            every.tick().await;
            if !self.holds(job, &cluster).await {
                continue;
            }
            self.mark(&key, true);
            tracing::info!(job, cluster, replica = &*self.replica, "leading");
            let renewing = async {
                loop {
                    every.tick().await;
                    if !self.holds(job, &cluster).await {
                        break;
                    }
                }
            };
            tokio::select! {
                () = work() => {}
                () = renewing => {}
            }
            self.mark(&key, false);
            tracing::info!(job, cluster, replica = &*self.replica, "no longer leading");
        }
    }

    /// Gives up every lease of this replica (at a clean stop: the others take over at once).
    pub async fn release(&self) {
        if let Err(e) = leases::release(&self.db, &self.replica).await {
            tracing::warn!("cannot give up this replica's leases: {e}");
        }
        self.led.lock().expect("never poisoned").clear();
    }

    async fn holds(&self, job: &str, cluster: &str) -> bool {
        match leases::take(&self.db, job, cluster, &self.replica, self.lease).await {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(job, cluster, "cannot take or renew a lease: {e}");
                false
            }
        }
    }

    /// A ticker every renewal period, its first tick at once, that never bunches missed ticks.
    fn renewal(&self) -> tokio::time::Interval {
        let mut every = tokio::time::interval(self.renew);
        every.set_missed_tick_behavior(MissedTickBehavior::Delay);
        every
    }

    fn mark(&self, key: &(String, String), leads: bool) {
        let mut led = self.led.lock().expect("never poisoned");
        led.insert(key.clone(), leads);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::on_db;
    use crate::test_support::scratch_db;

    /// Two rows written in one transaction, half a second apart.
    async fn two_rows_apart(db: &Db) -> sqlx::Result<()> {
        let sql = "insert into lag_points (cluster_id, consumer_group, resolution_s, at_ms, lag) \
                   values ('c1', 'g', 0, $1, 0)";
        on_db!(db, pool => {
            let mut transaction = pool.begin().await?;
            sqlx::query(sql).bind(1).execute(&mut *transaction).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            sqlx::query(sql).bind(2).execute(&mut *transaction).await?;
            transaction.commit().await
        })
    }

    /// On SQLite a renewal waits for the write lock: one that stopped the job from being polled
    /// while the job held that lock in a transaction stalled both until the database gave up,
    /// and the job was dropped (the change a request wrote meanwhile failed too).
    #[tokio::test]
    async fn a_job_whose_transaction_spans_renewals_commits_it_and_keeps_its_lead() {
        let db = scratch_db("fleet").await;
        let renew = Duration::from_millis(100);
        let fleet = Fleet::join_timed(db.clone(), Duration::from_secs(5), renew)
            .await
            .unwrap();
        let (done, committed) = tokio::sync::oneshot::channel();
        let mut done = Some(done);
        let job_db = db.clone();
        tokio::spawn(fleet.clone().lead("test", "c1".to_owned(), move || {
            let (db, done) = (job_db.clone(), done.take());
            async move {
                let written = two_rows_apart(&db).await;
                if let Some(done) = done {
                    let _ = done.send(written);
                }
                std::future::pending::<()>().await;
            }
        }));

        let written = committed
            .await
            .expect("the job was dropped before it committed");
        written.unwrap();
        let rows: i64 = on_db!(&db, pool => sqlx::query_scalar("select count(*) from lag_points")
            .fetch_one(pool)
            .await)
        .unwrap();
        assert_eq!(rows, 2);
        let job = ("test".to_owned(), "c1".to_owned(), true);
        assert!(fleet.leading().contains(&job), "{:?}", fleet.leading());
    }
}
