//! Kafka itself, read with librdkafka: a snapshot loop per cluster (brokers, partitions with
//! replicas and ISR, `min.insync.replicas`, consumer groups, committed and log-end offsets),
//! lag derived from it, and the lag history kept in the database.
//!
//! - [`observation`]: the raw data of one cycle, and the [`KafkaSource`] that reads it.
//! - [`rdkafka_source`]: the real source; [`native`] holds its two calls into librdkafka's C API.
//! - [`offsets_topic`]: committed offsets, read from `__consumer_offsets`.
//! - [`mirror_records`]: MirrorMaker 2's heartbeats and checkpoints; [`wire`] reads the
//!   protocol types both are written in.
//! - [`monitor`]: the loop on a thread of its own, publishing the latest [`KafkaView`].
//! - [`shared`]: the views the replicas share: one reads Kafka, the others read the database.
//! - [`snapshot`]: answers derived from a snapshot (topic health, group lag, rates).
//! - [`lag_history`]: lag over time in the database, folded per minute after a day.
//! - [`linking`]: which group and topics belong to a connector.

pub(crate) mod lag_history;
pub(crate) mod linking;
pub(crate) mod mirror_records;
pub(crate) mod monitor;
mod native;
pub(crate) mod observation;
pub(crate) mod offsets_topic;
pub(crate) mod rdkafka_source;
pub(crate) mod shared;
pub(crate) mod snapshot;
mod wire;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api_types::{ConnectorSummary, KafkaStatus};
use tokio::sync::{oneshot, watch};
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
pub(crate) use monitor::KafkaView;
pub(crate) use native::topic_config_values;
pub(crate) use observation::KafkaSource;
pub(crate) use rdkafka_source::RdKafkaSource;
pub(crate) use snapshot::Snapshot;

/// A source per Kafka cluster id.
type Sources = Vec<(String, Box<dyn KafkaSource>)>;

/// The latest view of each Kafka cluster Plugboard reads (one loop per Kafka cluster, however
/// many Connect clusters run on it), and the snapshot loops that keep them fresh once
/// [`KafkaMonitors::start_loops`] started them; cheap to clone.
#[derive(Clone, Default)]
pub struct KafkaMonitors {
    /// By Kafka cluster id.
    views: Arc<HashMap<String, watch::Sender<Arc<KafkaView>>>>,
    /// Connect cluster id to the id of the Kafka cluster it runs on.
    connect: Arc<HashMap<String, String>>,
    /// Each Kafka cluster's source, until its loop starts.
    waiting: Arc<Mutex<Sources>>,
    interval: Duration,
}

impl KafkaMonitors {
    /// An empty view and a source for each Kafka cluster; reads nothing yet.
    pub fn new(settings: &Settings) -> anyhow::Result<Self> {
        let mut views = HashMap::new();
        let mut waiting: Sources = Vec::new();
        for kafka in &settings.kafka.clusters {
            let source = RdKafkaSource::new(
                &kafka.bootstrap_servers,
                &kafka.properties,
                settings.kafka_timeout,
            )?;
            waiting.push((kafka.id.clone(), Box::new(source)));
            let (sender, _) = watch::channel(Arc::new(KafkaView::default()));
            views.insert(kafka.id.clone(), sender);
        }
        let connect = settings
            .kafka
            .connect_ids()
            .map(|(connect, kafka)| (connect.to_owned(), kafka.to_owned()))
            .collect();
        Ok(Self {
            views: Arc::new(views),
            connect: Arc::new(connect),
            waiting: Arc::new(Mutex::new(waiting)),
            interval: settings.kafka_poll,
        })
    }

    /// Starts each cluster's loop on a thread of its own, until `stop`; once only (later calls
    /// start nothing). Gives, per cluster, its receiver of views and what ends with its loop.
    pub fn start_loops(&self, stop: &CancellationToken) -> Vec<StartedLoop> {
        let waiting = std::mem::take(
            &mut *self
                .waiting
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        waiting
            .into_iter()
            .filter_map(|(cluster, source)| {
                let sender = self.views.get(&cluster)?.clone();
                let views = sender.subscribe();
                let reading = Arc::new(AtomicBool::new(false));
                let (interval, publish) = (self.interval, sender.clone());
                let ended = monitor::spawn(
                    cluster.clone(),
                    source,
                    interval,
                    publish,
                    reading.clone(),
                    stop,
                );
                Some(StartedLoop {
                    cluster,
                    views,
                    sender,
                    reading,
                    interval,
                    ended,
                })
            })
            .collect()
    }

    /// The current view of the Kafka that Connect cluster `cluster` runs on; none when the
    /// cluster has no Kafka configured.
    pub fn view(&self, cluster: &str) -> Option<Arc<KafkaView>> {
        self.kafka_view(self.connect.get(cluster)?)
    }

    /// The current view of Kafka cluster `kafka_id`.
    pub fn kafka_view(&self, kafka_id: &str) -> Option<Arc<KafkaView>> {
        self.views.get(kafka_id).map(|v| v.borrow().clone())
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

    /// Every Connect cluster whose Kafka is read, with the view of that Kafka.
    pub fn all(&self) -> Vec<(String, Arc<KafkaView>)> {
        let mut all: Vec<_> = self
            .connect
            .keys()
            .filter_map(|id| Some((id.clone(), self.view(id)?)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// A snapshot loop just started.
pub struct StartedLoop {
    /// The Kafka cluster's id.
    pub cluster: String,
    /// Each new view of the cluster.
    pub views: watch::Receiver<Arc<KafkaView>>,
    /// Where views read by another replica are published here.
    pub sender: watch::Sender<Arc<KafkaView>>,
    /// Whether the loop reads Kafka (up while this replica leads the cluster's snapshots).
    pub reading: Arc<AtomicBool>,
    /// How often the loop reads.
    pub interval: Duration,
    /// Resolves when the loop's thread has ended.
    pub ended: oneshot::Receiver<()>,
}

#[cfg(test)]
mod tests {
    use super::KafkaMonitors;
    use crate::config::{ConfigFile, ServerFlags, Settings};

    #[test]
    fn connect_clusters_on_one_kafka_share_its_loop_and_its_view() {
        let text = "[[kafka_clusters]]\nid = \"main\"\nbootstrap_servers = \"127.0.0.1:9\"\n\
                    [[kafka_clusters]]\nid = \"mirror\"\nbootstrap_servers = \"127.0.0.1:10\"\n\
                    [[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\nkafka = \"main\"\n\
                    [[clusters]]\nid = \"b\"\nurls = [\"http://y\"]\nkafka = \"main\"\n\
                    [[clusters]]\nid = \"c\"\nurls = [\"http://z\"]";
        let file: ConfigFile = toml::from_str(text).unwrap();
        let settings = Settings::merge(ServerFlags::default(), file).unwrap();
        let monitors = KafkaMonitors::new(&settings).unwrap();
        let waiting = monitors.waiting.lock().unwrap();
        let loops: Vec<&str> = waiting.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(loops, ["main", "mirror"], "one loop per Kafka cluster");
        drop(waiting);
        let (a, b) = (monitors.view("a").unwrap(), monitors.view("b").unwrap());
        assert!(std::sync::Arc::ptr_eq(&a, &b), "a and b read the same view");
        assert!(monitors.view("c").is_none(), "c has no Kafka");
        assert!(
            monitors.view("main").is_none(),
            "a Kafka id is not a Connect cluster"
        );
        assert!(monitors.kafka_view("mirror").is_some());
        let listed: Vec<String> = monitors.all().into_iter().map(|(id, _)| id).collect();
        assert_eq!(listed, ["a", "b"]);
    }
}
