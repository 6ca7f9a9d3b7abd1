//! A Debezium source connector as the console shows it: the database it reads (for PostgreSQL
//! its replication slot, publication and decoding plugin), the tables it captures, the topics
//! it talks through (notifications, signals, heartbeats), and what in its config makes it hard
//! to run.

use serde::{Deserialize, Serialize};

/// What a Debezium connector's config says about where it reads and how it can be watched
/// and steered; values the config leaves out are Debezium's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebeziumCard {
    /// The database the connector reads, from its class: "PostgreSQL", "MySQL", ...
    pub database: String,
    /// `topic.prefix`: the first part of every topic the connector writes.
    pub topic_prefix: Option<String>,
    /// PostgreSQL: the replication slot the connector reads from.
    pub slot: Option<String>,
    /// PostgreSQL: the publication that names the tables the slot sends.
    pub publication: Option<String>,
    /// PostgreSQL: the logical decoding plugin (`pgoutput`, `decoderbufs`).
    pub decoder: Option<String>,
    /// `table.include.list` as written (regular expressions); empty: every table.
    pub tables: Vec<String>,
    /// Where snapshot progress is sent, when notifications go to Kafka.
    pub notifications_topic: Option<String>,
    /// Where the connector reads signals from Kafka, when it does.
    pub signal_topic: Option<String>,
    /// The signal table (`signal.data.collection`), when there is one.
    pub signal_table: Option<String>,
    /// The heartbeat topic, when heartbeats are on.
    pub heartbeat_topic: Option<String>,
    /// `heartbeat.interval.ms`, when heartbeats are on.
    pub heartbeat_interval_ms: Option<u64>,
    /// What in the config makes the connector hard to run, watch or steer.
    pub lints: Vec<DebeziumLint>,
}

/// One finding about a Debezium connector's config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebeziumLint {
    pub kind: DebeziumLintKind,
    /// What is wrong, what follows from it, and what to set.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DebeziumLintKind {
    /// Notifications are not sent to Kafka: snapshot progress shows only in the logs.
    NotificationsOff,
    /// The signal topic has more than one partition: Debezium reads only partition 0.
    SignalTopicPartitions,
    /// Signals come from Kafka but there is neither a signal table nor `read.only`:
    /// incremental snapshots have nowhere to write their watermarks.
    KafkaSignalsWithoutWatermarks,
    /// No heartbeat: while the captured tables are idle, the slot holds back WAL.
    NoHeartbeat,
}
