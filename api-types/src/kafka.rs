//! What Plugboard reads from Kafka itself: brokers, partitions with their replicas and ISR,
//! consumer groups with committed offsets and lag, and the lag history behind the charts.

use serde::{Deserialize, Serialize};

/// How fresh a cluster's Kafka snapshot is, and why it is not fresher.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KafkaStatus {
    pub cluster: String,
    /// False when the cluster has no `bootstrap_servers`: nothing below is read then.
    pub configured: bool,
    /// When the snapshot shown was taken (Unix ms); none before the first good one.
    pub taken_at_ms: Option<i64>,
    /// Since when every attempt failed (Unix ms); none while Kafka answers.
    pub unreachable_since_ms: Option<i64>,
    /// The last attempt's error, while Kafka cannot be read.
    pub error: Option<String>,
    /// How long the last good snapshot took to read, in ms.
    pub cycle_ms: Option<u64>,
    /// Requests sent to brokers between the last two snapshots, as librdkafka counts them.
    pub requests_per_cycle: Option<u64>,
}

/// A broker from the cluster metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Broker {
    pub id: i32,
    pub host: String,
    pub port: i32,
    /// Partitions this broker leads.
    pub leader_of: u32,
}

/// What is wrong with a partition's replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartitionProblem {
    /// No leader: nobody can read or write it.
    Offline,
    /// Fewer in-sync replicas than `min.insync.replicas`: `acks=all` writes fail.
    UnderMinIsr,
    /// Fewer in-sync replicas than replicas.
    UnderReplicated,
}

/// One partition's placement and health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartitionInfo {
    pub partition: i32,
    /// None when the partition has no leader.
    pub leader: Option<i32>,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// Replicas on brokers missing from the metadata.
    pub offline_replicas: Vec<i32>,
    /// The high watermark (read_uncommitted), when it could be read.
    pub log_end: Option<i64>,
    pub problems: Vec<PartitionProblem>,
}

/// A topic with its health counted over its partitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicSummary {
    pub name: String,
    pub internal: bool,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: Option<u32>,
    pub under_replicated: u32,
    pub under_min_isr: u32,
    pub offline: u32,
    /// Sum of the partitions' log-end offsets.
    pub log_end_total: i64,
}

impl TopicSummary {
    pub fn healthy(&self) -> bool {
        self.under_replicated == 0 && self.under_min_isr == 0 && self.offline == 0
    }
}

/// A topic with each of its partitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicDetail {
    pub summary: TopicSummary,
    pub partitions: Vec<PartitionInfo>,
}

/// Brokers and topics of one cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KafkaTopics {
    pub status: KafkaStatus,
    pub brokers: Vec<Broker>,
    pub topics: Vec<TopicSummary>,
}

/// A consumer group with its lag summed over the partitions it committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupSummary {
    pub name: String,
    /// Stable, Empty, PreparingRebalance, Dead, ... as the coordinator says.
    pub state: String,
    pub topics: Vec<String>,
    pub partitions: u32,
    pub lag: u64,
    /// Records committed per second over the last minutes; none until two snapshots exist.
    pub consume_rate: Option<f64>,
    /// Lag divided by the consume rate; none when unknown or when nothing is consumed.
    pub time_lag_seconds: Option<f64>,
    /// The connector of this cluster whose group this is, if any.
    pub connector: Option<String>,
}

/// Consumer groups of one cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KafkaGroups {
    pub status: KafkaStatus,
    pub groups: Vec<GroupSummary>,
}

/// One partition of a group: where it committed, where the log ends, and the difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartitionLag {
    pub topic: String,
    pub partition: i32,
    pub committed: i64,
    pub log_end: Option<i64>,
    pub lag: Option<u64>,
}

/// Lag of a group summed per topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicLag {
    pub topic: String,
    pub lag: u64,
}

/// A group with its lag per partition and per topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupDetail {
    pub summary: GroupSummary,
    pub topics: Vec<TopicLag>,
    pub partitions: Vec<PartitionLag>,
}

/// Everything Kafka says about one connector: a sink's group lag, and its topics' health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorKafka {
    pub status: KafkaStatus,
    /// The sink's consumer group (none for a source).
    pub group_name: Option<String>,
    /// The group's lag; none when the group has committed nothing yet.
    pub group: Option<GroupDetail>,
    /// The connector's topics, with their partitions.
    pub topics: Vec<TopicDetail>,
    /// Topics the connector names that Kafka does not have.
    pub missing_topics: Vec<String>,
}

impl ConnectorKafka {
    /// Whether every topic of the connector exists and is fully replicated with a leader.
    pub fn topics_healthy(&self) -> bool {
        self.missing_topics.is_empty() && self.topics.iter().all(|t| t.summary.healthy())
    }
}

/// One point of a group's lag history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LagPoint {
    pub at_ms: i64,
    pub lag: u64,
}

/// How far back a lag chart reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LagRange {
    Hour,
    Day,
    Week,
}

impl LagRange {
    pub const ALL: [LagRange; 3] = [LagRange::Hour, LagRange::Day, LagRange::Week];

    pub fn millis(self) -> i64 {
        match self {
            LagRange::Hour => 3_600_000,
            LagRange::Day => 86_400_000,
            LagRange::Week => 7 * 86_400_000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LagRange::Hour => "hour",
            LagRange::Day => "day",
            LagRange::Week => "week",
        }
    }
}
