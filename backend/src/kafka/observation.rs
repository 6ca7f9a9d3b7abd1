//! What one snapshot cycle reads from Kafka, as plain data, and the source that reads it.
//!
//! The real source is [`super::RdKafkaSource`].

use std::collections::HashMap;

use super::mirror_records::MirrorRecords;

/// Everything read from Kafka in one cycle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    pub brokers: Vec<BrokerMeta>,
    pub topics: Vec<TopicMeta>,
    pub groups: Vec<GroupMeta>,
    /// High watermark of each partition that could be read, by (topic, partition).
    pub log_end: HashMap<(String, i32), i64>,
    /// MirrorMaker 2's newest heartbeats and checkpoints on this cluster.
    pub mirror: MirrorRecords,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerMeta {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMeta {
    pub name: String,
    pub partitions: Vec<PartitionMeta>,
    /// `min.insync.replicas` of the topic, when its config could be read.
    pub min_insync_replicas: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionMeta {
    pub id: i32,
    /// -1 when the partition has no leader.
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMeta {
    pub name: String,
    /// Stable, Empty, PreparingRebalance, Dead, ... as the coordinator says.
    pub state: String,
    /// Committed offsets: (topic, partition, offset).
    pub committed: Vec<(String, i32, i64)>,
}

/// Reads one [`Observation`]; called on a thread of its own, so it may block (with timeouts).
pub(crate) trait KafkaSource: Send + 'static {
    fn observe(&mut self) -> Result<Observation, String>;

    /// Requests sent to brokers so far, when the source counts them.
    fn requests_sent(&self) -> Option<u64> {
        None
    }
}
