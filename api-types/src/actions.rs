//! Actions on connectors: bulk actions with a per-connector result, and offset flows.

use serde::{Deserialize, Serialize};

use crate::{ConnectorKind, Health, RestartScope};

/// Something done to a connector by its name alone: what a bulk call does to each connector it
/// selects, an automatic restart, and the connector page's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum ConnectorAction {
    Pause,
    Resume,
    Stop,
    Restart(RestartScope),
    Delete,
}

/// A connector named by its cluster and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorRef {
    pub cluster: String,
    pub name: String,
}

/// Selects connectors by their properties; every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorFilter {
    #[serde(default)]
    pub cluster: Option<String>,
    /// Case-insensitive substring of the name.
    #[serde(default)]
    pub name_contains: Option<String>,
    #[serde(default)]
    pub health: Option<Health>,
    #[serde(default)]
    pub kind: Option<ConnectorKind>,
    /// Case-insensitive substring of the connector class.
    #[serde(default)]
    pub class_contains: Option<String>,
}

/// A bulk call: the action, and either an explicit list or a filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRequest {
    #[serde(flatten)]
    pub action: ConnectorAction,
    #[serde(default)]
    pub connectors: Vec<ConnectorRef>,
    #[serde(default)]
    pub filter: Option<ConnectorFilter>,
}

/// What happened to one connector of a bulk call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkOutcome {
    pub cluster: String,
    pub name: String,
    pub ok: bool,
    /// The HTTP status Connect answered with, when it answered.
    pub status: Option<u16>,
    pub message: Option<String>,
}

/// Options of the offsets flows: the connector is stopped first when it is not, and optionally
/// resumed after.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OffsetsChange {
    /// For alter: Connect's `{"offsets": [...]}` body. Ignored by reset.
    #[serde(default)]
    pub offsets: Option<serde_json::Value>,
    #[serde(default)]
    pub resume_after: bool,
}

/// What an offsets flow did, step by step, and the answer of the alter or reset call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OffsetsOutcome {
    pub steps: Vec<String>,
    pub result: serde_json::Value,
}

/// A logger level change; `scope = "cluster"` applies it on every worker (KIP-976).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggerChange {
    pub level: String,
    #[serde(default)]
    pub scope: Option<String>,
}

/// A logger's level on one worker, as Connect's `/admin/loggers` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggerLevel {
    pub level: String,
    #[serde(default)]
    pub last_modified: Option<i64>,
}

/// The logger levels of one worker, or why it did not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerLoggers {
    pub worker: String,
    pub loggers: Option<std::collections::BTreeMap<String, LoggerLevel>>,
    pub error: Option<String>,
}

impl ConnectorFilter {
    /// Whether `connector` satisfies every criterion that is set.
    pub fn matches(&self, connector: &crate::ConnectorSummary) -> bool {
        let contains = |haystack: &str, needle: &Option<String>| {
            needle
                .as_ref()
                .is_none_or(|n| haystack.to_lowercase().contains(&n.to_lowercase()))
        };
        self.cluster
            .as_ref()
            .is_none_or(|c| c == &connector.cluster)
            && contains(&connector.name, &self.name_contains)
            && contains(&connector.class, &self.class_contains)
            && self.health.is_none_or(|h| h == connector.health)
            && self.kind.is_none_or(|k| k == connector.kind)
    }
}
