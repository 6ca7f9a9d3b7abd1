//! The change history: one event per state-changing operation, failed attempts included.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Action, ConnectorState, Outcome, Source};

/// One recorded change. Secret values in the configs are fingerprints, never the values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEvent {
    pub id: i64,
    pub request_id: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: Option<String>,
    pub actor: String,
    pub source: Source,
    pub cluster: String,
    pub connector: Option<String>,
    pub action: Action,
    /// The action's parameters (restart flags, task id, logger, the event a rollback restored).
    pub detail: Option<serde_json::Value>,
    pub config_before: Option<BTreeMap<String, String>>,
    pub config_after: Option<BTreeMap<String, String>>,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub message: Option<String>,
    pub duration_ms: Option<i64>,
}

/// A page of the history feed, newest first; `next_before` continues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    pub events: Vec<HistoryEvent>,
    pub next_before: Option<i64>,
}

/// One key that differs between two versions of a connector's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigChange {
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Keys Connect adds for its own bookkeeping; they are not part of what a user configured.
const INTERNAL_PREFIX: &str = "__internal.";

impl ConfigChange {
    /// Every key whose value differs, in key order, leaving out Connect's `__internal.*` keys.
    /// Equal fingerprints of a secret are equal strings, so an unchanged secret does not show.
    pub fn between(
        before: &BTreeMap<String, String>,
        after: &BTreeMap<String, String>,
    ) -> Vec<ConfigChange> {
        let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        keys.into_iter()
            .filter(|key| !key.starts_with(INTERNAL_PREFIX))
            .filter(|key| before.get(*key) != after.get(*key))
            .map(|key| ConfigChange {
                key: key.clone(),
                before: before.get(key).cloned(),
                after: after.get(key).cloned(),
            })
            .collect()
    }
}

/// The body of a rollback: the history event whose resulting config is to be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RollbackRequest {
    pub event_id: i64,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A change of state or worker of a connector or one of its tasks, seen by polling Connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateTransition {
    pub id: i64,
    /// RFC 3339, UTC.
    pub seen_at: String,
    /// `None` for the connector itself.
    pub task: Option<u32>,
    /// `None` the first time Plugboard saw it.
    pub state_before: Option<ConnectorState>,
    pub state_after: ConnectorState,
    pub worker_before: Option<String>,
    pub worker_after: Option<String>,
    pub cause: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn added_removed_and_changed_keys_show_and_the_rest_does_not() {
        let before = config(&[
            ("a", "1"),
            ("b", "2"),
            ("gone", "x"),
            ("__internal.v", "1"),
            ("pw", "fingerprint:aa"),
        ]);
        let after = config(&[
            ("a", "1"),
            ("b", "3"),
            ("new", "y"),
            ("__internal.v", "2"),
            ("pw", "fingerprint:aa"),
        ]);

        let changes = ConfigChange::between(&before, &after);

        let keys: Vec<_> = changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["b", "gone", "new"]);
        assert_eq!(changes[0].before.as_deref(), Some("2"));
        assert_eq!(changes[0].after.as_deref(), Some("3"));
        assert_eq!(changes[1].after, None);
        assert_eq!(changes[2].before, None);
    }
}
