//! Wire types shared by the backend and the browser app.
//!
//! Everything here is plain serde data so that it compiles both natively and for
//! `wasm32-unknown-unknown`. The backend serialises these; the frontend deserialises them.

mod access;
mod actions;
mod alerts;
mod changes;
mod clusters;
mod connectors;
mod debezium;
mod errors;
mod history;
mod kafka;
mod live;
mod plugins;
mod records;
mod replication;
mod slots;
mod specs;

pub use access::{
    ApiToken, CreatedToken, Grant, Login, Me, NewToken, PasswordChange, Role, SignedInVia, User,
    UserChange, role_on,
};
pub use actions::{
    BulkOutcome, BulkRequest, ConnectorAction, ConnectorFilter, ConnectorRef, LoggerChange,
    LoggerLevel, OffsetsChange, OffsetsOutcome, WorkerLoggers,
};
pub use alerts::{
    AlertRule, AlertSummary, Incident, RuleKind, RuleSpec, SilenceRequest, WebhookFormat,
    name_matches,
};
pub use changes::{Action, Outcome, Source};
pub use clusters::{ClusterOverview, WorkerInfo, WorkerProbe};
pub use connectors::{
    ClusterFailure, ConnectorDetail, ConnectorKind, ConnectorList, ConnectorState,
    ConnectorSummary, Health, InitialState, NewConnector, RestartScope, TaskCounts, TaskDetail,
    failure_explained, trace_headline,
};
pub use debezium::{
    DebeziumCard, DebeziumLint, DebeziumLintKind, DebeziumSignal, DebeziumSnapshots,
    SNAPSHOTS_KEPT, SignalKind, SignalSent, SnapshotKind, SnapshotRun, SnapshotState,
    TableProgress, debezium_database,
};
pub use errors::{ErrorBody, ErrorDetail};
pub use history::{ConfigChange, HistoryEvent, HistoryPage, RollbackRequest, StateTransition};
pub use kafka::{
    Broker, ConnectorKafka, GroupDetail, GroupSummary, KafkaGroups, KafkaStatus, KafkaTopics,
    LagPoint, LagRange, PartitionInfo, PartitionLag, PartitionProblem, TopicDetail, TopicLag,
    TopicSummary,
};
pub use live::{CHANGES_EVENT, ClusterRows, ListChange, RECONNECT_EVENT, SNAPSHOT_EVENT};
pub use plugins::{InstalledPlugin, PluginInfo, WorkerPlugins, plugins_by_version};
pub use records::{
    DeadLetters, DlqSummary, ErrorGroup, KafkaRecord, OriginRange, PartitionRange, Payload,
    RecordHeader, RecordPage, RecordRef, RefusedTarget, ReplayReport, ReplayRequest,
};
pub use replication::{
    CheckpointedOffset, DraftedConnector, FailoverOffset, FailoverReport, FailoverRequest,
    FlowCheck, FlowConnector, FlowDraft, FlowEnd, FlowHeartbeats, GroupFailover, KafkaClusterRef,
    MirrorRole, PartitionFailover, PartitionReplication, ReplicatedTopic, Replication,
    ReplicationFlow,
};
pub use slots::{
    DatabaseAccess, GuardVerdict, OffsetPosition, OrphanedSlot, PublicationCheck, ResumeGuard,
    SlotHealth, SlotSample, SlotStatus,
};
pub use specs::{
    AppliedSpecs, AppliedStep, ApplyReport, ApplyRequest, ChangeKind, ClusterDrift, ConnectorDrift,
    ConnectorSpec, DesiredState, DriftStatus, Plan, PlanRequest, PlannedChange, RecordedChange,
    StateChange,
};
