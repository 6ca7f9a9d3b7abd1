//! Kafka records: a bounded record browser for any topic, a sink's dead letter queue with its
//! errors grouped by cause, and replaying dead letters. Reading contents is a permission of its
//! own (the `[access]` setting `read_records_role`), and every read and replay is recorded in
//! the history.
//!
//! - [`read`]: reading records by partition from the newest, an offset or a time, bounded.
//! - [`dlq`]: a dead letter queue's size, rate and causes.
//! - [`replay`]: producing dead letters again.

pub mod dlq;
pub mod read;
pub mod replay;

use rdkafka::ClientConfig;

use crate::config::Cluster;
use crate::error::ApiError;

/// A client config for the cluster's Kafka, or why there is none.
pub fn kafka_config(cluster: &Cluster) -> Result<ClientConfig, ApiError> {
    let servers = cluster
        .bootstrap_servers
        .as_deref()
        .ok_or_else(|| ApiError::KafkaNotConfigured(cluster.id.clone()))?;
    Ok(crate::kafka::rdkafka_source::client_config(
        servers,
        &cluster.kafka_properties,
    ))
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
