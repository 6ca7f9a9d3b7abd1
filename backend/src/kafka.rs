//! Kafka itself, read with librdkafka: a snapshot loop per cluster (brokers, partitions with
//! replicas and ISR, `min.insync.replicas`, consumer groups, committed and log-end offsets),
//! lag derived from it, and the lag history kept in SQLite.
//!
//! - [`observation`]: the raw data of one cycle, and the [`KafkaSource`] that reads it.
//! - [`rdkafka_source`]: the real source; [`native`] holds its two calls into librdkafka's C API.
//! - [`offsets_topic`]: committed offsets, read from `__consumer_offsets`.
//! - [`monitor`]: the loop on a thread of its own, publishing the latest [`KafkaView`].
//! - [`snapshot`]: answers derived from a snapshot (topic health, group lag, rates).
//! - [`lag_history`]: lag over time in SQLite, folded per minute after a day.
//! - [`linking`]: which group and topics belong to a connector.

pub mod lag_history;
pub mod linking;
pub mod monitor;
mod native;
pub mod observation;
pub mod offsets_topic;
pub mod rdkafka_source;
pub mod snapshot;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use api_types::{ConnectorSummary, KafkaStatus};
use sqlx::SqlitePool;
use tokio::sync::watch;

use crate::config::Settings;
pub use monitor::KafkaView;
pub use native::topic_config_values;
pub use observation::{KafkaSource, Observation};
pub use rdkafka_source::RdKafkaSource;
pub use snapshot::Snapshot;

/// The snapshot loops of every cluster that has `bootstrap_servers`; cheap to clone.
#[derive(Clone, Default)]
pub struct KafkaMonitors {
    views: Arc<HashMap<String, watch::Receiver<Arc<KafkaView>>>>,
}

impl KafkaMonitors {
    /// Starts a loop (and its lag history writer) for each cluster with bootstrap servers.
    pub fn start(settings: &Settings, db: &SqlitePool) -> anyhow::Result<Self> {
        let mut sources: Vec<(String, Box<dyn KafkaSource>)> = Vec::new();
        for cluster in &settings.clusters {
            if let Some(servers) = &cluster.bootstrap_servers {
                let source =
                    RdKafkaSource::new(servers, &cluster.kafka_properties, settings.kafka_timeout)?;
                sources.push((cluster.id.clone(), Box::new(source)));
            }
        }
        Ok(Self::with_sources(sources, settings.kafka_poll, db))
    }

    /// Loops over the given sources, one per cluster id (tests give fakes here).
    pub fn with_sources(
        sources: Vec<(String, Box<dyn KafkaSource>)>,
        interval: Duration,
        db: &SqlitePool,
    ) -> Self {
        let views = sources
            .into_iter()
            .map(|(cluster, source)| {
                let views = monitor::spawn(cluster.clone(), source, interval);
                tokio::spawn(lag_history::record_snapshots(
                    db.clone(),
                    cluster.clone(),
                    views.clone(),
                ));
                (cluster, views)
            })
            .collect();
        Self {
            views: Arc::new(views),
        }
    }

    /// The current view of `cluster`; none when the cluster has no Kafka configured.
    pub fn view(&self, cluster: &str) -> Option<Arc<KafkaView>> {
        self.views.get(cluster).map(|v| v.borrow().clone())
    }

    /// The latest good snapshot of `cluster`, if any.
    pub fn snapshot(&self, cluster: &str) -> Option<Arc<Snapshot>> {
        self.view(cluster).and_then(|v| v.snapshot.clone())
    }

    pub fn status(&self, cluster: &str) -> KafkaStatus {
        match self.view(cluster) {
            Some(view) => view.status(cluster),
            None => KafkaStatus {
                cluster: cluster.to_owned(),
                ..KafkaStatus::default()
            },
        }
    }

    /// Sets each sink's `lag` from its cluster's latest snapshot (left empty without one, or
    /// when the group committed nothing).
    pub fn fill_lag(&self, summaries: &mut [ConnectorSummary]) {
        let mut snapshots: HashMap<String, Option<Arc<Snapshot>>> = HashMap::new();
        for summary in summaries {
            let snapshot = snapshots
                .entry(summary.cluster.clone())
                .or_insert_with(|| self.snapshot(&summary.cluster));
            summary.lag = summary
                .consumer_group
                .as_deref()
                .zip(snapshot.as_ref())
                .and_then(|(group, snapshot)| snapshot.group_lag(group));
        }
    }

    /// Every cluster with a loop, with its view.
    pub fn all(&self) -> Vec<(String, Arc<KafkaView>)> {
        let mut all: Vec<_> = self
            .views
            .iter()
            .map(|(id, v)| (id.clone(), v.borrow().clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}
