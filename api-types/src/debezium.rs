//! A Debezium source connector as the console shows it: the database it reads (for PostgreSQL
//! its replication slot, publication and decoding plugin), the tables it captures, the topics
//! it talks through (notifications, signals, heartbeats), and what in its config makes it hard
//! to run.

use serde::{Deserialize, Serialize};

/// The package of Debezium's connectors (its JDBC sink lives there too).
const DEBEZIUM_CONNECTORS: &str = "io.debezium.connector.";

/// The database a Debezium source connector class reads ("PostgreSQL", "MySQL", ...), or
/// `None` when the class is no Debezium source connector (its JDBC sink is none).
pub fn debezium_database(class: &str) -> Option<&'static str> {
    let package = class.strip_prefix(DEBEZIUM_CONNECTORS)?.split('.').next()?;
    Some(match package {
        "postgresql" => "PostgreSQL",
        "mysql" => "MySQL",
        "mariadb" => "MariaDB",
        "sqlserver" => "SQL Server",
        "oracle" => "Oracle",
        "db2" => "Db2",
        "mongodb" => "MongoDB",
        "informix" => "Informix",
        "spanner" => "Spanner",
        "vitess" => "Vitess",
        _ => return None,
    })
}

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

/// The snapshots a Debezium connector reported on its notification topic, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebeziumSnapshots {
    /// The notification topic read; none when notifications do not go to Kafka.
    pub topic: Option<String>,
    /// Plugboard's clock when it answered, ms.
    pub now_ms: i64,
    /// Newest first; the last [`SNAPSHOTS_KEPT`] at most.
    pub snapshots: Vec<SnapshotRun>,
}

/// How many past snapshots an answer lists at most.
pub const SNAPSHOTS_KEPT: usize = 20;

/// One initial or incremental snapshot, as its notifications tell it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotRun {
    pub kind: SnapshotKind,
    pub state: SnapshotState,
    /// An incremental snapshot's id: the id of the signal that started it.
    pub id: Option<String>,
    /// When its first notification was sent, ms since the epoch.
    pub started_ms: i64,
    /// When its latest notification was sent.
    pub last_event_ms: i64,
    /// Its tables in the order they were read, with their progress.
    pub tables: Vec<TableProgress>,
    /// How many tables it reads in all, as far as its notifications said.
    pub tables_total: usize,
    pub rows_scanned: u64,
    /// Rows scanned per second between its first and latest notification.
    pub rows_per_second: Option<f64>,
    /// Running, but no notification came for longer than Debezium's progress should take.
    pub stalled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableProgress {
    pub table: String,
    /// Rows read, once the table is done.
    pub rows_scanned: Option<u64>,
    /// Chunks (incremental) or progress notifications (initial) seen for it.
    pub chunks: u32,
    pub done: bool,
    /// How its scan ended (`SUCCEEDED`, ...), once done.
    pub status: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SnapshotKind {
    Initial,
    Incremental,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SnapshotState {
    Running,
    Paused,
    Completed,
    Aborted,
    /// Not taken, as `snapshot.mode` said (an initial snapshot with `no_data`, say).
    Skipped,
}

/// A signal to a Debezium connector, sent to its Kafka signal topic: start, stop, pause or
/// resume an incremental snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DebeziumSignal {
    pub kind: SignalKind,
    /// The tables (`schema.table`) to snapshot, or to stop snapshotting (none: the whole
    /// snapshot); pause and resume take none.
    #[serde(default)]
    pub tables: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    ExecuteSnapshot,
    StopSnapshot,
    PauseSnapshot,
    ResumeSnapshot,
}

impl SignalKind {
    /// The signal's `type` as Debezium reads it.
    pub fn debezium_type(self) -> &'static str {
        match self {
            SignalKind::ExecuteSnapshot => "execute-snapshot",
            SignalKind::StopSnapshot => "stop-snapshot",
            SignalKind::PauseSnapshot => "pause-snapshot",
            SignalKind::ResumeSnapshot => "resume-snapshot",
        }
    }
}

/// A signal sent: its new id (an incremental snapshot it starts carries it in every
/// notification), and where it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignalSent {
    pub id: String,
    pub topic: String,
    /// The record's key: the connector's `topic.prefix`, which Debezium matches.
    pub key: String,
}
