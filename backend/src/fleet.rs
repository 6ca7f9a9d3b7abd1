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
}

impl Fleet {
    /// This process as a new replica on `db`, alive from now on (its liveness lease taken, so
    /// no change it records is taken for one of a replica that is gone).
    pub async fn join(db: Db) -> anyhow::Result<Self> {
        let replica = format!("{}-{}", std::process::id(), crate::random::random_hex(4));
        let fleet = Self {
            db,
            replica: replica.into(),
            led: Arc::default(),
        };
        leases::take(&fleet.db, ALIVE, &fleet.replica, &fleet.replica, LEASE).await?;
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
        let mut every = renewal();
        loop {
            every.tick().await;
            if let Err(e) = leases::take(&self.db, ALIVE, &self.replica, &self.replica, LEASE).await
            {
                tracing::warn!("cannot renew this replica's liveness: {e}");
            }
        }
    }

    /// Runs `work` while this replica leads `job` on `cluster`: tries for the lease every
    /// [`RENEW`], starts the work when it has it, and drops the work at once when the lease is
    /// lost or cannot be renewed (the next leader starts it afresh from the database).
    pub(crate) async fn lead<W, F>(self, job: &'static str, cluster: String, mut work: W)
    where
        W: FnMut() -> F,
        F: Future<Output = ()>,
    {
        let key = (job.to_owned(), cluster.clone());
        self.mark(&key, false);
        let mut every = renewal();
        loop {
            every.tick().await;
            if !self.holds(job, &cluster).await {
                continue;
            }
            self.mark(&key, true);
            tracing::info!(job, cluster, replica = &*self.replica, "leading");
            let running = work();
            tokio::pin!(running);
            loop {
                tokio::select! {
                    () = &mut running => break,
                    _ = every.tick() => {
                        if !self.holds(job, &cluster).await {
                            break;
                        }
                    }
                }
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
        match leases::take(&self.db, job, cluster, &self.replica, LEASE).await {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(job, cluster, "cannot take or renew a lease: {e}");
                false
            }
        }
    }

    fn mark(&self, key: &(String, String), leads: bool) {
        let mut led = self.led.lock().expect("never poisoned");
        led.insert(key.clone(), leads);
    }
}

/// A ticker every [`RENEW`], its first tick at once, that never bunches missed ticks.
fn renewal() -> tokio::time::Interval {
    let mut every = tokio::time::interval(RENEW);
    every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    every
}
