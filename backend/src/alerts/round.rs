//! What one alert round knows of a cluster, and what a rule made of it: the data the judges
//! (`evaluate`, `replication_lag`, `replication_age`) read and the verdicts they give.

use std::collections::HashMap;

use api_types::{AlertRule, ConnectorState, ConnectorSummary, ReplicationFlow, SnapshotRun};

use super::incidents::Finding;
use super::trend::Sample;
use crate::debezium::slot_watch::LatestSlots;
use crate::kafka::KafkaView;

/// What is known of one cluster in this round.
pub(crate) struct ClusterData<'a> {
    pub cluster: &'a str,
    /// The connector list, or why Connect did not answer.
    pub connectors: Result<&'a [ConnectorSummary], &'a str>,
    /// None when the cluster has no Kafka configured.
    pub kafka: Option<&'a KafkaView>,
    /// Recent samples of each group, oldest first.
    pub samples: &'a HashMap<String, Vec<Sample>>,
    /// Recent totals of records in each dead letter topic, oldest first.
    pub dead_letter_totals: &'a HashMap<String, Vec<i64>>,
    /// The Debezium PostgreSQL sources on a watched database, by connector name (empty unless
    /// a rule judges slots).
    pub slots: &'a HashMap<String, SourceSlot>,
    /// The Debezium sources with heartbeats on, by connector name (empty unless a rule judges
    /// heartbeats).
    pub heartbeats: &'a HashMap<String, HeartbeatWatch>,
    /// The snapshots of the Debezium sources that notify to Kafka, newest first, by connector
    /// name (empty unless a rule judges them).
    pub snapshot_runs: &'a HashMap<String, Vec<SnapshotRun>>,
    /// The MirrorMaker 2 flows the cluster runs (empty unless a rule judges them).
    pub flows: &'a [ReplicationFlow],
    /// The round's clock, ms: what ages are counted to.
    pub now_ms: i64,
}

/// What a rule made of one cluster's subjects this round.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Verdicts {
    /// Subjects whose condition holds.
    pub holding: Vec<Finding>,
    /// Subjects in the middle of a change (a task restarting or not yet assigned), which are
    /// neither failing nor shown to have recovered: their incidents neither open nor resolve.
    pub unsure: Vec<String>,
}

/// The connectors in `rule`'s scope on this cluster that `of` has an entry for, with it.
pub(crate) fn covered<'c, T>(
    rule: &'c AlertRule,
    data: &'c ClusterData<'_>,
    connectors: &'c [ConnectorSummary],
    of: &'c HashMap<String, T>,
) -> impl Iterator<Item = (&'c ConnectorSummary, &'c T)> {
    connectors
        .iter()
        .filter(|c| rule.spec.covers(data.cluster, Some(&c.name)))
        .filter_map(|c| Some((c, of.get(&c.name)?)))
}

/// A Debezium PostgreSQL source's slot and its database's latest reading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SourceSlot {
    pub slot_name: String,
    /// `None` until the slot watch has read the database.
    pub reading: Option<LatestSlots>,
}

/// A Debezium source's heartbeat topic as the Kafka snapshots have seen it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeartbeatWatch {
    pub topic: String,
    pub interval_ms: u64,
    /// The snapshot time (ms) since which the topic's records stand still: when it last grew,
    /// or when it was first seen. `None` when no snapshot has been taken since the source
    /// was seen.
    pub still_since_ms: Option<i64>,
}

/// A connector or task being restarted or waiting for a worker: right after a restart of a
/// failed task, this is what Connect shows until the task runs or fails again.
pub(crate) fn in_transition(c: &ConnectorSummary) -> bool {
    matches!(
        c.state,
        ConnectorState::Restarting | ConnectorState::Unassigned
    ) || c.tasks.restarting > 0
        || c.tasks.unassigned > 0
}
