//! The real [`KafkaSource`]: one librdkafka client per cluster, asked with a timeout on every
//! call, a second that follows `__consumer_offsets` for the committed offsets
//! ([`super::offsets_topic`]) and a third that follows MirrorMaker 2's heartbeats and
//! checkpoints ([`super::mirror_records`]). Requests per cycle: one Metadata, one
//! DescribeConfigs, one ListGroups per broker, one ListOffsets per leader broker for the log-end
//! offsets of every partition at once, and the two readers' fetches.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{ClientConfig, ClientContext, Offset, TopicPartitionList};
use serde::Deserialize;

use super::mirror_records::MirrorRecordsReader;
use super::native;
use super::observation::{
    BrokerMeta, GroupMeta, KafkaSource, Observation, PartitionMeta, TopicMeta,
};
use super::offsets_topic::{CommittedOffsets, OFFSETS_TOPIC};

/// A librdkafka client's config for `bootstrap_servers`, with the cluster's extra client
/// `properties` (security settings, say).
pub(crate) fn client_config(
    bootstrap_servers: &str,
    properties: &BTreeMap<String, String>,
) -> ClientConfig {
    let mut config = ClientConfig::new();
    for (key, value) in properties {
        config.set(key, value);
    }
    config.set("bootstrap.servers", bootstrap_servers);
    config
}

/// More than the statistics events of a minute-long interval: each poll serves one event.
const STATISTICS_EVENTS_SERVED: usize = 64;

/// Reads a cluster through librdkafka consumers that never join a group.
pub(crate) struct RdKafkaSource {
    consumer: BaseConsumer<ClientEvents>,
    offsets: CommittedOffsets<ClientEvents>,
    mirror: MirrorRecordsReader<ClientEvents>,
    timeout: Duration,
}

impl RdKafkaSource {
    /// A client for `bootstrap_servers`, with the cluster's extra client `properties`
    /// (security settings, say). Connecting happens lazily, in the first cycle.
    pub(crate) fn new(
        bootstrap_servers: &str,
        properties: &BTreeMap<String, String>,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let mut config = client_config(bootstrap_servers, properties);
        config
            .set("client.id", "plugboard-snapshot")
            // Lag is measured against the high watermark, as consumers of Connect see it.
            .set("isolation.level", "read_uncommitted")
            .set("enable.auto.commit", "false")
            // Statistics carry the count of requests sent; they are read once per cycle.
            .set("statistics.interval.ms", "1000")
            .set("socket.timeout.ms", timeout.as_millis().to_string())
            .set("log_level", "3");
        let consumer = config
            .create_with_context(ClientEvents::default())
            .map_err(|e| anyhow::anyhow!("cannot create the Kafka client: {e}"))?;
        config.set("client.id", "plugboard-mirror");
        let mirror = MirrorRecordsReader::new(config.clone(), ClientEvents::default())
            .map_err(anyhow::Error::msg)?;
        config.set("client.id", "plugboard-offsets");
        let offsets =
            CommittedOffsets::new(config, ClientEvents::default()).map_err(anyhow::Error::msg)?;
        Ok(Self {
            consumer,
            offsets,
            mirror,
            timeout,
        })
    }

    /// Serves the events librdkafka queued since the last cycle: statistics (one per second,
    /// carrying the request count) and logged failures, one per poll.
    fn serve_events(&self) {
        for _ in 0..STATISTICS_EVENTS_SERVED {
            let _ = self.consumer.poll(Duration::ZERO);
        }
    }

    fn metadata(&self) -> Result<(Vec<BrokerMeta>, Vec<TopicMeta>), String> {
        let metadata = self
            .consumer
            .fetch_metadata(None, self.timeout)
            .map_err(|e| {
                // The client's own log of why (SASL refused, TLS not trusted) is served by polls.
                self.serve_events();
                let why = self.consumer.context().take_failure();
                let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
                format!("cannot read the cluster metadata: {e}{why}")
            })?;
        let brokers = metadata
            .brokers()
            .iter()
            .map(|b| BrokerMeta {
                id: b.id(),
                host: b.host().to_owned(),
                port: b.port(),
            })
            .collect();
        let topics = metadata
            .topics()
            .iter()
            .filter(|t| t.error().is_none())
            .map(|t| TopicMeta {
                name: t.name().to_owned(),
                partitions: t
                    .partitions()
                    .iter()
                    .map(|p| PartitionMeta {
                        id: p.id(),
                        leader: p.leader(),
                        replicas: p.replicas().to_vec(),
                        isr: p.isr().to_vec(),
                    })
                    .collect(),
                min_insync_replicas: None,
            })
            .collect();
        Ok((brokers, topics))
    }

    /// Each partition of the offsets topic with its low and high watermark.
    fn offsets_topic_ends(
        &self,
        topics: &[TopicMeta],
        log_end: &HashMap<(String, i32), i64>,
    ) -> Result<HashMap<i32, (i64, i64)>, String> {
        let Some(offsets_topic) = topics.iter().find(|t| t.name == OFFSETS_TOPIC) else {
            return Ok(HashMap::new());
        };
        let mut list = TopicPartitionList::new();
        for partition in &offsets_topic.partitions {
            list.add_partition_offset(OFFSETS_TOPIC, partition.id, Offset::Beginning)
                .map_err(|e| e.to_string())?;
        }
        let lows = self
            .consumer
            .offsets_for_times(list, self.timeout)
            .map_err(|e| format!("cannot read the start of {OFFSETS_TOPIC}: {e}"))?;
        Ok(offsets_topic
            .partitions
            .iter()
            .map(|p| {
                let high = log_end.get(&(OFFSETS_TOPIC.to_owned(), p.id)).copied();
                let low = lows
                    .find_partition(OFFSETS_TOPIC, p.id)
                    .and_then(|e| match e.offset() {
                        Offset::Offset(low) => Some(low),
                        _ => None,
                    });
                // Unknown watermarks: read what comes, as if the partition were empty.
                (p.id, (low.unwrap_or(0), high.unwrap_or(0)))
            })
            .collect())
    }

    /// Log-end offsets of every partition, batched by librdkafka into one request per leader.
    fn log_end_offsets(&self, topics: &[TopicMeta]) -> Result<HashMap<(String, i32), i64>, String> {
        let mut list = TopicPartitionList::new();
        for topic in topics {
            for partition in &topic.partitions {
                list.add_partition_offset(&topic.name, partition.id, Offset::End)
                    .map_err(|e| e.to_string())?;
            }
        }
        if list.count() == 0 {
            return Ok(HashMap::new());
        }
        let answered = self
            .consumer
            .offsets_for_times(list, self.timeout)
            .map_err(|e| format!("cannot read log-end offsets: {e}"))?;
        Ok(answered
            .elements()
            .iter()
            .filter(|e| e.error().is_ok())
            .filter_map(|e| match e.offset() {
                Offset::Offset(end) => Some(((e.topic().to_owned(), e.partition()), end)),
                _ => None,
            })
            .collect())
    }

    /// Every group with its state, and the offsets it committed as the offsets topic has them
    /// (read to the high watermarks `log_end` has for it, within the timeout).
    fn groups(
        &mut self,
        topics: &[TopicMeta],
        log_end: &HashMap<(String, i32), i64>,
    ) -> Result<Vec<GroupMeta>, String> {
        let listed = native::list_groups(&self.consumer, self.timeout)
            .map_err(|e| format!("cannot list consumer groups: {e}"))?;
        let ends = self.offsets_topic_ends(topics, log_end)?;
        if let Err(e) = self.offsets.catch_up(&ends, self.timeout) {
            // The reader's own log of why (an authorization failure, say).
            let why = self.offsets.consumer().context().take_failure();
            let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
            return Err(format!("cannot read committed offsets: {e}{why}"));
        }
        Ok(listed
            .into_iter()
            .map(|(name, state)| GroupMeta {
                committed: self.offsets.of_group(&name),
                name,
                state,
            })
            .collect())
    }
}

impl KafkaSource for RdKafkaSource {
    fn observe(&mut self) -> Result<Observation, String> {
        self.serve_events();
        let (brokers, mut topics) = self.metadata()?;
        let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
        match native::topic_config_values(
            &self.consumer,
            &names,
            "min.insync.replicas",
            self.timeout,
        ) {
            Ok(values) => {
                for topic in &mut topics {
                    topic.min_insync_replicas = values
                        .get(&topic.name)
                        .and_then(Option::as_deref)
                        .and_then(|v| v.parse().ok());
                }
            }
            Err(e) => tracing::warn!("cannot read min.insync.replicas of topics: {e}"),
        }
        let log_end = self.log_end_offsets(&topics)?;
        let groups = self.groups(&topics, &log_end)?;
        // What is not read this cycle is read in the next: MirrorMaker 2's records never fail
        // the snapshot.
        if let Err(e) = self.mirror.catch_up(&log_end, self.timeout / 2) {
            tracing::warn!("cannot read MirrorMaker 2's heartbeats and checkpoints: {e}");
        }
        Ok(Observation {
            brokers,
            topics,
            groups,
            log_end,
            mirror: self.mirror.records().clone(),
        })
    }

    fn requests_sent(&self) -> Option<u64> {
        let total = [
            self.consumer.context(),
            self.offsets.consumer().context(),
            self.mirror.consumer().context(),
        ]
        .iter()
        .map(|c| c.total.load(Ordering::Relaxed))
        .sum::<u64>();
        (total > 0).then_some(total)
    }
}

/// What librdkafka tells the client on the side: the number of requests it has sent, summed
/// over its brokers, and the last failure it logged (a refused SASL login or TLS handshake,
/// which the failed call itself reports only as a transport failure).
#[derive(Default)]
struct ClientEvents {
    total: Arc<AtomicU64>,
    last_failure: Mutex<Option<String>>,
}

impl ClientEvents {
    /// The last failure librdkafka logged, taken (so an old one is not reported again).
    fn take_failure(&self) -> Option<String> {
        self.last_failure.lock().expect("failure lock").take()
    }
}

#[derive(Deserialize)]
struct Statistics {
    brokers: HashMap<String, BrokerStatistics>,
}

#[derive(Deserialize)]
struct BrokerStatistics {
    /// Requests sent to this broker since the client started.
    tx: u64,
}

impl ClientContext for ClientEvents {
    fn stats_raw(&self, statistics: &[u8]) {
        if let Ok(statistics) = serde_json::from_slice::<Statistics>(statistics) {
            let total = statistics.brokers.values().map(|b| b.tx).sum();
            self.total.store(total, Ordering::Relaxed);
        }
    }

    fn log(&self, level: RDKafkaLogLevel, _facility: &str, message: &str) {
        let failure = matches!(
            level,
            RDKafkaLogLevel::Emerg
                | RDKafkaLogLevel::Alert
                | RDKafkaLogLevel::Critical
                | RDKafkaLogLevel::Error
        );
        if failure {
            *self.last_failure.lock().expect("failure lock") = Some(message.to_owned());
        }
    }

    /// A global error ("all brokers are down") says less than the failure logged before it.
    fn error(&self, error: KafkaError, reason: &str) {
        let mut last = self.last_failure.lock().expect("failure lock");
        last.get_or_insert_with(|| format!("{error}: {reason}"));
    }
}

impl rdkafka::consumer::ConsumerContext for ClientEvents {}
