//! The change history: one event per state-changing operation, failed attempts included.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One recorded change. Secret values in the configs are fingerprints, never the values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEvent {
    pub id: i64,
    pub request_id: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub actor: String,
    /// console, api, passthrough, rollback or auto_restart.
    pub source: String,
    pub cluster: String,
    pub connector: Option<String>,
    /// create, update, patch, delete, pause, resume, stop, restart, task_restart,
    /// offsets_alter, offsets_reset, topics_reset, logger_change or rollback.
    pub action: String,
    /// The action's parameters (restart flags, task id, logger, the event a rollback restored).
    pub detail: Option<serde_json::Value>,
    pub config_before: Option<BTreeMap<String, String>>,
    pub config_after: Option<BTreeMap<String, String>>,
    pub reason: Option<String>,
    /// pending (in flight), success, failure or unknown (Plugboard stopped in between).
    pub outcome: String,
    pub http_status: Option<u16>,
    pub message: Option<String>,
    pub duration_ms: Option<i64>,
}

/// A page of the history feed, newest first; `next_before` continues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub events: Vec<HistoryEvent>,
    pub next_before: Option<i64>,
}

/// One key that differs between two versions of a connector's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The body of a rollback: the history event whose resulting config is to be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackRequest {
    pub event_id: i64,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A change of state or worker of a connector or one of its tasks, seen by polling Connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateTransition {
    pub id: i64,
    /// RFC 3339, UTC.
    pub seen_at: String,
    /// `None` for the connector itself.
    pub task: Option<u32>,
    /// `None` the first time Plugboard saw it.
    pub state_before: Option<String>,
    pub state_after: String,
    pub worker_before: Option<String>,
    pub worker_after: Option<String>,
    pub cause: Option<String>,
}
