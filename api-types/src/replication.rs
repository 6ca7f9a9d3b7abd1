//! MirrorMaker 2 replication as the console shows it: each flow between two Kafka clusters that
//! a Connect cluster runs, its three connectors, and how far each replicated partition is.

use serde::{Deserialize, Serialize};

use crate::{ClusterFailure, ConnectorState, Health, TaskCounts};

/// Every MirrorMaker 2 flow on the Connect clusters the caller sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Replication {
    pub flows: Vec<ReplicationFlow>,
    /// Connect clusters that did not answer: their flows are not known.
    pub unreachable: Vec<ClusterFailure>,
    /// Plugboard's clock when it answered, ms: the ages of heartbeats and checkpoints are
    /// counted to it.
    #[serde(default)]
    pub now_ms: i64,
    /// The configured Kafka clusters, which a new flow can run between.
    #[serde(default)]
    pub kafka_clusters: Vec<KafkaClusterRef>,
}

/// Replication from one Kafka cluster alias to another, run by one Connect cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplicationFlow {
    /// The Connect cluster that runs the flow's connectors.
    pub connect_cluster: String,
    pub source: FlowEnd,
    pub target: FlowEnd,
    /// The flow's connectors: its source, checkpoint and heartbeat connectors, those it has.
    pub connectors: Vec<FlowConnector>,
    /// The source connector's `topics` (regular expressions, comma-separated) as written.
    pub topics_pattern: Option<String>,
    /// The checkpoint connector's `groups` as written.
    pub groups_pattern: Option<String>,
    /// The source connector's `topics.exclude` as written.
    #[serde(default)]
    pub topics_exclude: Option<String>,
    /// The checkpoint connector's `groups.exclude` as written.
    #[serde(default)]
    pub groups_exclude: Option<String>,
    /// The checkpoint connector's `sync.group.offsets.enabled` (false when not set).
    #[serde(default)]
    pub sync_group_offsets: bool,
    /// Each source topic the flow replicates, with its name on the target.
    pub topics: Vec<ReplicatedTopic>,
    /// Each consumer group the flow checkpoints, with where it would resume on the target.
    #[serde(default)]
    pub groups: Vec<GroupFailover>,
    /// What the target holds of the flow's heartbeats.
    #[serde(default)]
    pub heartbeats: FlowHeartbeats,
    /// When the newest of the flow's checkpoints was written on the target
    /// (`<source>.checkpoints.internal`), ms.
    #[serde(default)]
    pub newest_checkpoint_ms: Option<i64>,
    /// Why topics or lag are missing (a Kafka cluster that is not configured or not read yet).
    pub notes: Vec<String>,
}

/// A flow's heartbeats as the target's Kafka holds them. MirrorMaker 2 replicates every
/// heartbeats topic of the source, so the newest heartbeat in the source's replica on the
/// target (`<source>.heartbeats`) tells how far behind the flow's replication is in time; the
/// heartbeat connector's own heartbeats (`heartbeats`, keyed by the flow's two aliases) tell
/// only that it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowHeartbeats {
    /// The name of the source's replicated heartbeats topic on the target.
    pub replicated_topic: String,
    /// When the newest heartbeat that came through the flow was emitted on the source, ms;
    /// none when the source emits no heartbeats (no flow runs a heartbeat connector into it).
    pub newest_replicated_ms: Option<i64>,
    /// When the flow's heartbeat connector last emitted one on the target, ms.
    pub newest_emitted_ms: Option<i64>,
}

/// One end of a flow: the alias the flow's connectors use, and the configured Kafka cluster it
/// is, when Plugboard knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowEnd {
    pub alias: String,
    /// The id of the `[[kafka_clusters]]` (or Connect cluster's) Kafka it matched.
    pub kafka: Option<String>,
}

/// Which of MirrorMaker 2's three connectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MirrorRole {
    /// `MirrorSourceConnector`: records and topic configs.
    Source,
    /// `MirrorCheckpointConnector`: consumer group offsets, translated.
    Checkpoint,
    /// `MirrorHeartbeatConnector`: heartbeats.
    Heartbeat,
}

impl MirrorRole {
    /// The role of a connector of class `class`, if it is one of MirrorMaker 2's.
    pub fn of_class(class: &str) -> Option<Self> {
        match class.rsplit('.').next()? {
            "MirrorSourceConnector" => Some(Self::Source),
            "MirrorCheckpointConnector" => Some(Self::Checkpoint),
            "MirrorHeartbeatConnector" => Some(Self::Heartbeat),
            _ => None,
        }
    }
}

/// One of a flow's connectors and how it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowConnector {
    pub role: MirrorRole,
    pub name: String,
    pub state: ConnectorState,
    pub health: Health,
    pub tasks: TaskCounts,
}

/// A replicated topic: its name on the source and on the target, and each partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplicatedTopic {
    pub topic: String,
    /// Its name on the target under the flow's replication policy (`main.orders`).
    pub remote: String,
    /// Whether the remote topic exists on the target (when the target's Kafka is read).
    pub on_target: Option<bool>,
    pub partitions: Vec<PartitionReplication>,
    /// Records not yet replicated, summed over the partitions whose lag is known.
    pub lag: Option<u64>,
    /// Records per second arriving on the remote topic over the last minutes.
    #[serde(default)]
    pub records_per_second: Option<f64>,
}

/// How far one partition is replicated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartitionReplication {
    pub partition: i32,
    /// The source partition's log-end offset.
    pub source_end: Option<i64>,
    /// The remote partition's log-end offset on the target.
    pub target_end: Option<i64>,
    /// The next source offset the flow has still to replicate, from the offsets the source
    /// connector stored in Connect.
    pub replicated_to: Option<i64>,
    /// `source_end - replicated_to`: records written on the source and not yet replicated.
    pub lag: Option<u64>,
}

/// A consumer group of the source as it would fail over to the target now: for each partition
/// of a replicated topic it committed, the offset MirrorMaker 2 translated that to on the
/// target (and synced to the group there, `sync.group.offsets.enabled`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupFailover {
    pub group: String,
    pub partitions: Vec<PartitionFailover>,
    /// Records the group would have left to read on the target, over the partitions whose
    /// translated offset is known.
    pub target_lag: Option<u64>,
    /// When MirrorMaker 2 last wrote a checkpoint of the group, ms.
    #[serde(default)]
    pub newest_checkpoint_ms: Option<i64>,
    /// The group's state on the target (`Empty`, `Stable`, ...), when it is there: Kafka takes
    /// offsets for a group only while it has no member.
    #[serde(default)]
    pub target_state: Option<String>,
}

/// One partition of a group's failover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartitionFailover {
    pub topic: String,
    /// The topic's name on the target.
    pub remote: String,
    pub partition: i32,
    /// The group's committed offset on the source.
    pub source_committed: i64,
    /// The offset it resumes from on the target, as the group's committed offset there.
    pub translated: Option<i64>,
    /// The offset MirrorMaker 2's newest checkpoint translated the group's offset to (what a
    /// failover sets, `sync.group.offsets.enabled` or not), with the source offset it is for.
    #[serde(default)]
    pub checkpoint: Option<CheckpointedOffset>,
    /// The remote partition's log-end offset less where the group resumes (`translated`, else
    /// the checkpoint's).
    pub target_lag: Option<u64>,
}

/// One checkpoint: a group's offset on the source and where MirrorMaker 2 translated it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckpointedOffset {
    pub upstream: i64,
    pub downstream: i64,
    pub written_ms: i64,
}

/// A failover of one consumer group of a flow: its offsets on the target set to MirrorMaker 2's
/// newest checkpoints of them (what `RemoteClusterUtils.translateOffsets` gives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailoverRequest {
    /// The flow's source alias.
    pub source: String,
    /// The flow's target alias.
    pub target: String,
    pub group: String,
    /// Only say what would be set.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a failover sets (or, in a dry run, would set) on the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailoverReport {
    pub group: String,
    /// The id of the target's Kafka cluster.
    pub target_kafka: String,
    pub dry_run: bool,
    /// Each partition of a remote topic the group resumes from.
    pub offsets: Vec<FailoverOffset>,
    /// The group's partitions with no checkpoint yet: left as they are.
    pub untranslated: Vec<String>,
    /// Why it cannot be done now (the group has members on the target, or no checkpoint).
    pub blocked: Option<String>,
}

/// One partition of a failover: the group's offset on the target before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailoverOffset {
    /// The remote topic on the target.
    pub topic: String,
    pub partition: i32,
    /// The group's committed offset there now, if any.
    pub before: Option<i64>,
    /// The checkpoint's offset it is set to.
    pub offset: i64,
    /// The group's offset on the source the checkpoint is for.
    pub upstream: i64,
}

/// A configured Kafka cluster a flow can run between, as the flow form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KafkaClusterRef {
    pub id: String,
    pub name: String,
    /// The alias a flow gives it by default: its first `mirror_aliases`, else its id.
    pub alias: String,
}

/// A flow as the form describes it: its three connectors are built from it, with the two Kafka
/// clusters' servers and client settings (secrets too, which stay on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowDraft {
    /// The connectors are `<name>-source`, `<name>-checkpoint` and `<name>-heartbeat`.
    pub name: String,
    /// The ids of the configured Kafka clusters it replicates from and to.
    pub source_kafka: String,
    pub target_kafka: String,
    pub source_alias: String,
    pub target_alias: String,
    /// Regular expressions, comma-separated, as MirrorMaker 2 takes them.
    pub topics: String,
    #[serde(default)]
    pub topics_exclude: Option<String>,
    pub groups: String,
    #[serde(default)]
    pub groups_exclude: Option<String>,
    /// `sync.group.offsets.enabled`: translated offsets written to the groups on the target.
    #[serde(default)]
    pub sync_group_offsets: bool,
    /// The replication factor of the remote topics and of MirrorMaker 2's own topics; when
    /// absent, what the connectors have (the target's default for new ones).
    #[serde(default)]
    pub replication_factor: Option<u16>,
}

/// A drafted flow's connectors, each as Connect validated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowCheck {
    pub connectors: Vec<DraftedConnector>,
    /// Whether Connect found no error in any of them.
    pub valid: bool,
    /// What the draft did on its own (a producer pointed at the target, say).
    pub notes: Vec<String>,
}

/// One of a drafted flow's connectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftedConnector {
    pub role: MirrorRole,
    pub name: String,
    /// Whether it exists (and is updated) or is created.
    pub exists: bool,
    /// Its config, secrets hidden.
    pub config: std::collections::BTreeMap<String, String>,
    /// Connect's errors by key.
    pub errors: std::collections::BTreeMap<String, Vec<String>>,
}
