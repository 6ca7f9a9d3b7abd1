//! Kafka records as the console shows them (any topic), a connector's dead letter queue with its
//! errors grouped by cause, and replaying dead letters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A key, value or header value: its text when it is UTF-8, else its bytes in hex, cut at a
/// bound with the full size kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payload {
    /// The size in bytes of the whole value.
    pub size: u64,
    /// Only the first bytes are here.
    pub truncated: bool,
    pub text: Option<String>,
    /// Lower-case hex, when the bytes are not UTF-8.
    pub hex: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordHeader {
    pub key: String,
    pub value: Option<Payload>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KafkaRecord {
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: Option<i64>,
    pub key: Option<Payload>,
    pub value: Option<Payload>,
    pub headers: Vec<RecordHeader>,
}

/// One partition's first and next offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartitionRange {
    pub partition: i32,
    pub low: i64,
    pub high: i64,
}

/// Records of a topic, by partition then offset, with why the read stopped early (a bound on
/// records, bytes or time), if it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordPage {
    pub topic: String,
    pub partitions: Vec<PartitionRange>,
    pub records: Vec<KafkaRecord>,
    pub stopped_early: Option<String>,
}

/// A record by its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRef {
    pub partition: i32,
    pub offset: i64,
}

/// Offsets of the original records of an error group, in one partition of one topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginRange {
    pub topic: String,
    pub partition: i32,
    pub first_offset: i64,
    pub last_offset: i64,
}

/// Dead letters with the same cause: the exception class and the first line of its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorGroup {
    /// Names the group in a replay request.
    pub key: String,
    pub exception: String,
    pub message: String,
    pub stage: Option<String>,
    pub class_name: Option<String>,
    pub count: u64,
    pub first_seen_ms: Option<i64>,
    pub last_seen_ms: Option<i64>,
    pub origins: Vec<OriginRange>,
    /// The dead letters themselves (in the dead letter topic).
    pub records: Vec<RecordRef>,
}

/// A sink's dead letter queue: how full, how fast, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DlqSummary {
    pub topic: String,
    /// Records in the topic now (after retention).
    pub total: u64,
    pub last_hour: Option<u64>,
    pub per_minute: Option<f64>,
    pub newest_ms: Option<i64>,
    /// The connector says healthy while its dead letter queue received records in the last hour.
    pub failing_quietly: bool,
    /// `errors.deadletterqueue.context.headers.enable`: without it there are no causes to group.
    pub context_headers: bool,
    /// The latest dead letters grouped by cause, most frequent first; `None` for callers who
    /// may not read record contents.
    pub groups: Option<Vec<ErrorGroup>>,
    /// How many of the latest dead letters the groups cover.
    pub scanned: u64,
}

/// Where a connector's failed records go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadLetters {
    /// `errors.tolerance=all`: failed records are skipped rather than failing the task.
    pub tolerates_errors: bool,
    pub dlq: Option<DlqSummary>,
}

/// Which dead letters to send again, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplayRequest {
    /// These dead letters...
    #[serde(default)]
    pub records: Vec<RecordRef>,
    /// ...or every one of this error group (its `key`).
    pub group: Option<String>,
    /// Another topic; by default each record goes back to the topic it came from.
    pub target: Option<String>,
    /// Only say how many records and where.
    #[serde(default)]
    pub dry_run: bool,
    /// Without `target`, the topics named by the records' headers that the caller confirmed
    /// after a dry run; a replay goes to no other.
    #[serde(default)]
    pub confirmed_targets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplayReport {
    pub dry_run: bool,
    pub selected: u64,
    /// Records per target topic.
    pub targets: BTreeMap<String, u64>,
    /// The targets come from the records' `__connect.errors.topic` headers, which anyone who
    /// can write to the sink's topics can forge: a replay must confirm them.
    #[serde(default)]
    pub from_headers: bool,
    /// Records that are not replayed, by the topic their header names, and why.
    #[serde(default)]
    pub refused: Vec<RefusedTarget>,
    pub produced: u64,
    pub failed: u64,
}

/// A topic no replay goes to (Connect's own, compacted, internal or missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedTarget {
    pub topic: String,
    pub records: u64,
    pub reason: String,
}
