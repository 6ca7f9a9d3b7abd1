//! Live updates of the connector list, pushed on `/api/v1/events` as server-sent events: one
//! `snapshot` (a whole [`ConnectorList`]) when the stream opens, then a `changes` event
//! ([`ListChange`]) each time a cluster's list differs from what the stream sent last, and
//! `reconnect` when the server ends the stream and the page should open a new one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{ClusterFailure, ConnectorList, ConnectorSummary};

/// The event carrying the whole list, first on every stream.
pub const SNAPSHOT_EVENT: &str = "snapshot";
/// The event carrying one cluster's [`ListChange`].
pub const CHANGES_EVENT: &str = "changes";
/// The event saying the stream ends now and a new one should be opened at once.
pub const RECONNECT_EVENT: &str = "reconnect";

/// One cluster's list as last seen: its connectors, or why it did not answer.
pub type ClusterRows = Result<Vec<ConnectorSummary>, String>;

/// What changed in one cluster's connector list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListChange {
    pub cluster: String,
    /// Connectors that are new or differ, whole.
    pub upserted: Vec<ConnectorSummary>,
    /// Names of connectors that are gone.
    pub removed: Vec<String>,
    /// Why the cluster did not answer this time; `None` when it did.
    pub unreachable: Option<String>,
}

impl ListChange {
    /// What turns `before` into `after` for `cluster`, or `None` when they are the same. A
    /// cluster that stops answering loses its rows, as it does in the list.
    pub fn between(cluster: &str, before: &ClusterRows, after: &ClusterRows) -> Option<Self> {
        let empty = Vec::new();
        let old: BTreeMap<&str, &ConnectorSummary> = before
            .as_ref()
            .unwrap_or(&empty)
            .iter()
            .map(|c| (c.name.as_str(), c))
            .collect();
        let new = after.as_ref().unwrap_or(&empty);
        let upserted: Vec<ConnectorSummary> = new
            .iter()
            .filter(|c| old.get(c.name.as_str()) != Some(c))
            .cloned()
            .collect();
        let kept: std::collections::BTreeSet<&str> = new.iter().map(|c| c.name.as_str()).collect();
        let removed: Vec<String> = old
            .keys()
            .filter(|name| !kept.contains(*name))
            .map(|name| (*name).to_owned())
            .collect();
        let unreachable = after.as_ref().err().cloned();
        let same = upserted.is_empty()
            && removed.is_empty()
            && unreachable.as_ref() == before.as_ref().err();
        (!same).then(|| Self {
            cluster: cluster.to_owned(),
            upserted,
            removed,
            unreachable,
        })
    }

    /// Applies this change to `list`.
    pub fn apply(&self, list: &mut ConnectorList) {
        let touched = |c: &ConnectorSummary| {
            c.cluster == self.cluster
                && (self.removed.contains(&c.name)
                    || self.upserted.iter().any(|u| u.name == c.name))
        };
        list.connectors.retain(|c| !touched(c));
        list.connectors.extend(self.upserted.iter().cloned());
        list.unreachable.retain(|f| f.cluster != self.cluster);
        if let Some(message) = &self.unreachable {
            list.unreachable.push(ClusterFailure {
                cluster: self.cluster.clone(),
                message: message.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectorKind, ConnectorState, Health, TaskCounts};

    fn row(cluster: &str, name: &str, state: ConnectorState) -> ConnectorSummary {
        ConnectorSummary {
            cluster: cluster.into(),
            name: name.into(),
            kind: ConnectorKind::Sink,
            class: "FileStreamSink".into(),
            state,
            worker_id: None,
            version: None,
            health: Health::Healthy,
            tasks: TaskCounts::default(),
            first_cause: None,
            consumer_group: None,
            topics: Vec::new(),
            lag: None,
            drift: None,
            dead_letter_topic: None,
        }
    }

    fn list(rows: Vec<ConnectorSummary>) -> ConnectorList {
        ConnectorList {
            connectors: rows,
            unreachable: Vec::new(),
        }
    }

    #[test]
    fn an_unchanged_list_is_no_change() {
        let rows = Ok(vec![row("a", "x", ConnectorState::Running)]);
        assert_eq!(ListChange::between("a", &rows, &rows.clone()), None);
        let down: ClusterRows = Err("refused".into());
        assert_eq!(ListChange::between("a", &down, &down.clone()), None);
    }

    #[test]
    fn applying_the_change_between_two_lists_gives_the_second() {
        let before = vec![
            row("a", "kept", ConnectorState::Running),
            row("a", "paused", ConnectorState::Running),
            row("a", "gone", ConnectorState::Running),
        ];
        let after = vec![
            row("a", "kept", ConnectorState::Running),
            row("a", "paused", ConnectorState::Paused),
            row("a", "new", ConnectorState::Stopped),
        ];
        let other = row("b", "gone", ConnectorState::Running);
        let mut shown = list([before.clone(), vec![other.clone()]].concat());

        let change = ListChange::between("a", &Ok(before), &Ok(after.clone())).unwrap();
        change.apply(&mut shown);

        let names = |rows: &[ConnectorSummary]| {
            let mut names: Vec<_> = rows
                .iter()
                .map(|c| (c.cluster.clone(), c.name.clone(), c.state.as_str()))
                .collect();
            names.sort();
            names
        };
        assert_eq!(change.removed, vec!["gone".to_owned()]);
        assert_eq!(change.upserted.len(), 2, "only what differs is sent");
        assert_eq!(
            names(&shown.connectors),
            names(&[after, vec![other]].concat())
        );
    }

    #[test]
    fn a_cluster_going_down_and_back_replaces_its_rows_by_its_failure_and_back() {
        let rows = vec![row("a", "x", ConnectorState::Running)];
        let mut shown = list(rows.clone());
        let down: ClusterRows = Err("connection refused".into());

        ListChange::between("a", &Ok(rows.clone()), &down)
            .unwrap()
            .apply(&mut shown);
        assert!(shown.connectors.is_empty());
        assert_eq!(shown.unreachable[0].message, "connection refused");

        ListChange::between("a", &down, &Ok(rows.clone()))
            .unwrap()
            .apply(&mut shown);
        assert_eq!(shown, list(rows));
    }
}
