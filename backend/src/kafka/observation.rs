//! What one snapshot cycle reads from Kafka, as plain data, and the source that reads it.
//!
//! The real source is [`super::RdKafkaSource`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::mirror_records::MirrorRecords;

/// Everything read from Kafka in one cycle.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub brokers: Vec<BrokerMeta>,
    pub topics: Vec<TopicMeta>,
    pub groups: Vec<GroupMeta>,
    /// High watermark of each partition that could be read, by (topic, partition).
    #[serde(with = "entries")]
    pub log_end: HashMap<(String, i32), i64>,
    /// MirrorMaker 2's newest heartbeats and checkpoints on this cluster.
    pub mirror: MirrorRecords,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerMeta {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMeta {
    pub name: String,
    pub partitions: Vec<PartitionMeta>,
    /// `min.insync.replicas` of the topic, when its config could be read.
    pub min_insync_replicas: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionMeta {
    pub id: i32,
    /// -1 when the partition has no leader.
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMeta {
    pub name: String,
    /// Stable, Empty, PreparingRebalance, Dead, ... as the coordinator says.
    pub state: String,
    /// Committed offsets: (topic, partition, offset).
    pub committed: Vec<(String, i32, i64)>,
}

/// A map with keys JSON cannot have (tuples) written as a list of `[key, value]` entries.
pub(crate) mod entries {
    use std::collections::HashMap;
    use std::hash::Hash;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S, K, V>(map: &HashMap<K, V>, to: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        K: Serialize,
        V: Serialize,
    {
        to.collect_seq(map.iter())
    }

    pub(crate) fn deserialize<'de, D, K, V>(from: D) -> Result<HashMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(from)?.into_iter().collect())
    }
}

/// Reads one [`Observation`]; called on a thread of its own, so it may block (with timeouts).
pub(crate) trait KafkaSource: Send + 'static {
    fn observe(&mut self) -> Result<Observation, String>;

    /// Requests sent to brokers so far, when the source counts them.
    fn requests_sent(&self) -> Option<u64> {
        None
    }
}
