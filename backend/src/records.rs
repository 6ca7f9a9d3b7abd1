//! Kafka records: a bounded record browser for any topic, a sink's dead letter queue with its
//! errors grouped by cause, and replaying dead letters. Reading contents is a permission of its
//! own (the `[access]` setting `read_records_role`), and every read and replay is recorded in
//! the history.
//!
//! - [`read`]: reading records by partition from the newest, an offset or a time, bounded.
//! - [`gate`]: how many reads run at once per cluster.
//! - [`internal`]: Connect's own topics, known by name and recognised by content.
//! - [`masked`]: the masked view of Connect's own topics.
//! - [`dlq`]: a dead letter queue's size, rate and causes.
//! - [`replay`]: producing dead letters again, never into Connect's or compacted topics.

pub(crate) mod dlq;
pub(crate) mod gate;
pub(crate) mod internal;
pub(crate) mod masked;
pub(crate) mod read;
pub(crate) mod replay;

use std::time::Duration;

use api_types::DlqSummary;
use rdkafka::ClientConfig;

use crate::config::Cluster;
use crate::error::ApiError;
use crate::ttl_cache::TtlCache;

/// A client config for the cluster's Kafka, or why there is none.
pub(crate) fn kafka_config(cluster: &Cluster) -> Result<ClientConfig, ApiError> {
    let servers = cluster
        .bootstrap_servers
        .as_deref()
        .ok_or_else(|| ApiError::KafkaNotConfigured(cluster.id.clone()))?;
    Ok(crate::kafka::rdkafka_source::client_config(
        servers,
        &cluster.kafka_properties,
    ))
}

/// How long a dead letter summary is reused: every open page of a sink polls it, and they share
/// one read of Kafka in that time.
const SUMMARY_TTL: Duration = Duration::from_secs(5);
const SUMMARIES_KEPT: usize = 1_000;

/// Cluster, topic, and whether the summary holds the groups.
type SummaryKey = (String, String, bool);

/// Dead letter summaries by [`SummaryKey`]; cheap to clone.
#[derive(Clone)]
pub struct SummaryCache(TtlCache<SummaryKey, DlqSummary>);

impl Default for SummaryCache {
    fn default() -> Self {
        Self(TtlCache::new(SUMMARY_TTL, SUMMARIES_KEPT))
    }
}

impl SummaryCache {
    pub fn get(&self, cluster: &str, topic: &str, groups: bool) -> Option<DlqSummary> {
        self.0.get(&(cluster.to_owned(), topic.to_owned(), groups))
    }

    pub fn put(&self, cluster: &str, topic: &str, groups: bool, summary: DlqSummary) {
        self.0
            .put((cluster.to_owned(), topic.to_owned(), groups), summary);
    }

    /// Forgets `topic`'s summaries (after a replay changed what they say).
    pub fn forget(&self, cluster: &str, topic: &str) {
        self.0.forget(|(c, t, _)| c == cluster && t == topic);
    }
}

impl From<read::ReadError> for ApiError {
    fn from(error: read::ReadError) -> Self {
        match error {
            read::ReadError::NoSuchTopic(_) | read::ReadError::NoSuchPartition(..) => {
                ApiError::NotFound(error.to_string())
            }
            read::ReadError::Kafka(message) => ApiError::KafkaUnavailable(message),
        }
    }
}

impl From<replay::ReplayError> for ApiError {
    fn from(error: replay::ReplayError) -> Self {
        match error {
            replay::ReplayError::Read(read) => read.into(),
            replay::ReplayError::Refused(message) => ApiError::BadRequest(message),
        }
    }
}
