//! Alert rules, the incidents they open, and the console's count of open incidents.

use serde::{Deserialize, Serialize};

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The connector or one of its tasks is not RUNNING (paused and stopped count).
    NotRunning,
    /// The connector or one of its tasks is FAILED.
    Failed,
    /// A sink's lag is above `threshold` records.
    LagAbove,
    /// A sink's lag trend over the last `samples` snapshots is not OK (Burrow's judgement).
    LagTrend,
    /// A sink is more than `threshold` seconds behind.
    TimeLagAbove,
    /// A connector's topics have under-replicated, under-min-ISR or offline partitions.
    TopicsUnhealthy,
    /// The Connect cluster or its Kafka cannot be reached.
    Unreachable,
    /// A connector of a cluster managed as code differs from the specs last applied to it.
    Drifted,
    /// A sink's dead letter queue received more than `threshold` records over the last
    /// `samples` Kafka snapshots.
    DlqGrowth,
    /// A MirrorMaker 2 flow (named by its source connector) has more than `threshold` records
    /// written on its source and not yet replicated, over its topics.
    ReplicationLagAbove,
    /// A MirrorMaker 2 flow's newest heartbeat on the target is older than `threshold`
    /// seconds: the source's replicated heartbeats when it emits any (replication itself has
    /// stalled), else the heartbeat connector's own (named by the flow's source connector, or
    /// its heartbeat connector when it has none).
    ReplicationHeartbeatOlderThan,
    /// A consumer group has committed on a MirrorMaker 2 flow's source since its newest
    /// checkpoint, and that checkpoint is older than `threshold` seconds: a failover now would
    /// resume it from stale offsets (named by the flow's checkpoint connector).
    ReplicationCheckpointsOlderThan,
    /// A Debezium PostgreSQL source's replication slot retains more than `threshold` MiB of
    /// WAL (read from its configured source database).
    SlotWalAbove,
    /// A Debezium PostgreSQL source runs, but nothing reads its slot (or it has none).
    SlotInactive,
    /// A Debezium PostgreSQL source is paused or stopped while its slot holds WAL back.
    SlotHeldWhileStopped,
    /// A Debezium source with heartbeats on whose heartbeat topic has had no new record for
    /// three of its heartbeat intervals (counted over Kafka snapshots).
    DebeziumHeartbeatStale,
    /// A Debezium source's newest snapshot runs, but its notifications have been quiet for
    /// more than `threshold` seconds.
    DebeziumSnapshotStalled,
}

impl RuleKind {
    pub const ALL: [RuleKind; 17] = [
        RuleKind::NotRunning,
        RuleKind::Failed,
        RuleKind::LagAbove,
        RuleKind::LagTrend,
        RuleKind::TimeLagAbove,
        RuleKind::TopicsUnhealthy,
        RuleKind::Unreachable,
        RuleKind::Drifted,
        RuleKind::DlqGrowth,
        RuleKind::ReplicationLagAbove,
        RuleKind::ReplicationHeartbeatOlderThan,
        RuleKind::ReplicationCheckpointsOlderThan,
        RuleKind::SlotWalAbove,
        RuleKind::SlotInactive,
        RuleKind::SlotHeldWhileStopped,
        RuleKind::DebeziumHeartbeatStale,
        RuleKind::DebeziumSnapshotStalled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::NotRunning => "not_running",
            RuleKind::Failed => "failed",
            RuleKind::LagAbove => "lag_above",
            RuleKind::LagTrend => "lag_trend",
            RuleKind::TimeLagAbove => "time_lag_above",
            RuleKind::TopicsUnhealthy => "topics_unhealthy",
            RuleKind::Unreachable => "unreachable",
            RuleKind::Drifted => "drifted",
            RuleKind::DlqGrowth => "dlq_growth",
            RuleKind::ReplicationLagAbove => "replication_lag_above",
            RuleKind::ReplicationHeartbeatOlderThan => "replication_heartbeat_older_than",
            RuleKind::ReplicationCheckpointsOlderThan => "replication_checkpoints_older_than",
            RuleKind::SlotWalAbove => "slot_wal_above",
            RuleKind::SlotInactive => "slot_inactive",
            RuleKind::SlotHeldWhileStopped => "slot_held_while_stopped",
            RuleKind::DebeziumHeartbeatStale => "debezium_heartbeat_stale",
            RuleKind::DebeziumSnapshotStalled => "debezium_snapshot_stalled",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// Whether the rule needs a `threshold`.
    pub fn needs_threshold(self) -> bool {
        matches!(
            self,
            RuleKind::LagAbove
                | RuleKind::TimeLagAbove
                | RuleKind::DlqGrowth
                | RuleKind::ReplicationLagAbove
                | RuleKind::ReplicationHeartbeatOlderThan
                | RuleKind::ReplicationCheckpointsOlderThan
                | RuleKind::SlotWalAbove
                | RuleKind::DebeziumSnapshotStalled
        )
    }

    /// How long a condition of this kind must hold at the least, whatever the rule's
    /// `for_seconds`: a stop or a task's restart lets go of a slot for a moment, and the
    /// connector list may be a few seconds older than the slot's reading.
    pub fn settle_seconds(self) -> u32 {
        match self {
            RuleKind::SlotInactive => 15,
            _ => 0,
        }
    }

    /// Whether the rule judges Debezium's replication slots.
    pub fn judges_slots(self) -> bool {
        matches!(
            self,
            RuleKind::SlotWalAbove | RuleKind::SlotInactive | RuleKind::SlotHeldWhileStopped
        )
    }

    /// Whether the rule judges Debezium's sources (their slots or heartbeats).
    pub fn judges_debezium(self) -> bool {
        self.judges_slots()
            || matches!(
                self,
                RuleKind::DebeziumHeartbeatStale | RuleKind::DebeziumSnapshotStalled
            )
    }

    /// Whether the rule judges MirrorMaker 2 flows.
    pub fn judges_flows(self) -> bool {
        matches!(
            self,
            RuleKind::ReplicationLagAbove
                | RuleKind::ReplicationHeartbeatOlderThan
                | RuleKind::ReplicationCheckpointsOlderThan
        )
    }
}

/// How a webhook's body is shaped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// `{"event", "incident", "rule"}`.
    #[default]
    Json,
    /// `{"text": "..."}`, which Slack's incoming webhooks (and Mattermost, Teams' Slack mode) take.
    Slack,
}

/// A rule as it is created or replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSpec {
    pub name: String,
    pub kind: RuleKind,
    /// Only this cluster; every cluster when absent.
    #[serde(default)]
    pub cluster: Option<String>,
    /// Only connectors whose name matches, `*` standing for any run of characters.
    #[serde(default)]
    pub connector_pattern: Option<String>,
    #[serde(default)]
    pub threshold: Option<f64>,
    /// How long the condition must hold before an incident opens.
    #[serde(default)]
    pub for_seconds: u32,
    /// `lag_trend`: how many recent snapshots are judged (default 5).
    #[serde(default)]
    pub samples: Option<u32>,
    /// `lag_trend`: lag at or below this is always OK.
    #[serde(default)]
    pub allowed_lag: Option<u64>,
    #[serde(default)]
    pub webhook_url: Option<String>,
    #[serde(default)]
    pub webhook_format: WebhookFormat,
    /// Post again every this many seconds while the incident is open and not acknowledged.
    #[serde(default)]
    pub repeat_seconds: Option<u32>,
    /// `failed` and `not_running`: restart the connector's failed parts, with growing back-off.
    #[serde(default)]
    pub auto_restart: bool,
    #[serde(default = "default_max_restarts")]
    pub max_restarts: u32,
}

impl RuleSpec {
    /// Whether the rule applies to `cluster` and (for connector rules) `connector`.
    pub fn covers(&self, cluster: &str, connector: Option<&str>) -> bool {
        let cluster_ok = self.cluster.as_deref().is_none_or(|c| c == cluster);
        let connector_ok = match (&self.connector_pattern, connector) {
            (Some(pattern), Some(name)) => name_matches(pattern, name),
            _ => true,
        };
        cluster_ok && connector_ok
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let mut parts: Vec<&str> = parts.collect();
    let Some(last) = parts.pop() else {
        return rest.is_empty();
    };
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn default_max_restarts() -> u32 {
    3
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertRule {
    pub id: i64,
    #[serde(flatten)]
    pub spec: RuleSpec,
    pub created_at: String,
}

/// A rule's condition held for a subject (a connector, or a cluster for `unreachable`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Incident {
    pub id: i64,
    pub rule_id: i64,
    pub rule_name: String,
    pub kind: RuleKind,
    pub cluster: String,
    pub subject: String,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    /// What the evaluation that opened it saw.
    pub opening: String,
    pub worst_value: Option<f64>,
    pub acknowledged_at: Option<String>,
    pub silenced_until: Option<String>,
    pub restart_attempts: u32,
    /// Why automatic restarts stopped, once they did.
    pub restart_note: Option<String>,
}

/// The console's banner: incidents open now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertSummary {
    pub open: u32,
    pub unacknowledged: u32,
}

/// Silence an incident's notifications for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SilenceRequest {
    pub minutes: u32,
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn star_patterns_match_any_run_of_characters() {
        assert!(name_matches("orders-*", "orders-sink"));
        assert!(name_matches("*-sink", "orders-sink"));
        assert!(name_matches("o*s*k", "orders-sink"));
        assert!(name_matches("exact", "exact"));
        assert!(!name_matches("exact", "exact-not"));
        assert!(!name_matches("orders-*", "payments-sink"));
        assert!(!name_matches("a*a", "a"));
    }
}
