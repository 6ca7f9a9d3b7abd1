//! Connect's JSON bodies as Plugboard reads them, and the summaries computed from them.

use std::collections::BTreeMap;

use api_types::{ConnectorKind, ConnectorState, ConnectorSummary, TaskDetail};
use serde::Deserialize;

use super::Cluster;

mod health;

pub use health::{first_cause, health, task_counts};

/// Every error in Connect's answer to a config validation, as `key: message`.
pub fn validation_errors(answer: &serde_json::Value) -> Vec<String> {
    answer["configs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            let key = c["value"]["name"].as_str().unwrap_or_default().to_owned();
            let messages = c["value"]["errors"].as_array().cloned().unwrap_or_default();
            messages
                .into_iter()
                .map(move |m| format!("{key}: {}", m.as_str().unwrap_or_default()))
        })
        .collect()
}

/// One entry of `GET /connectors?expand=status&expand=info`.
#[derive(Debug, Deserialize)]
pub struct ExpandedConnector {
    pub info: Option<ConnectorInfo>,
    pub status: Option<ConnectorStatus>,
}

/// `GET /connectors/{name}`.
#[derive(Debug, Deserialize)]
pub struct ConnectorInfo {
    pub config: BTreeMap<String, String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `GET /connectors/{name}/status`.
#[derive(Debug, Deserialize)]
pub struct ConnectorStatus {
    pub connector: StateEntry,
    #[serde(default)]
    pub tasks: Vec<TaskState>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// The state of the connector itself.
#[derive(Debug, Deserialize)]
pub struct StateEntry {
    pub state: ConnectorState,
    pub worker_id: Option<String>,
    pub trace: Option<String>,
    /// The plugin version running (Connect 4.1 and newer).
    #[serde(default)]
    pub version: Option<String>,
}

/// The state of one task.
#[derive(Debug, Clone, Deserialize)]
pub struct TaskState {
    pub id: u32,
    pub state: ConnectorState,
    pub worker_id: Option<String>,
    pub trace: Option<String>,
    /// The plugin version running (Connect 4.1 and newer).
    #[serde(default)]
    pub version: Option<String>,
}

impl From<TaskState> for TaskDetail {
    fn from(task: TaskState) -> Self {
        Self {
            id: task.id,
            state: task.state,
            worker_id: task.worker_id,
            trace: task.trace,
            version: task.version,
        }
    }
}

/// The list row of connector `name` of `cluster`, from whatever Connect said about it.
pub fn summarize(
    cluster: &Cluster,
    name: &str,
    info: Option<&ConnectorInfo>,
    status: Option<&ConnectorStatus>,
) -> ConnectorSummary {
    let config = info.map(|i| &i.config);
    let kind_word = status
        .and_then(|s| s.kind.as_deref())
        .or_else(|| info.and_then(|i| i.kind.as_deref()));
    let kind = match kind_word {
        Some("source") => ConnectorKind::Source,
        Some("sink") => ConnectorKind::Sink,
        _ => ConnectorKind::Unknown,
    };
    let consumer_group = (kind == ConnectorKind::Sink).then(|| {
        config
            .and_then(|c| c.get("consumer.override.group.id").cloned())
            .unwrap_or_else(|| cluster.sink_group(name))
    });
    ConnectorSummary {
        cluster: cluster.id.clone(),
        name: name.to_owned(),
        kind,
        class: config
            .and_then(|c| c.get("connector.class").cloned())
            .unwrap_or_default(),
        state: status.map_or(ConnectorState::Unassigned, |s| s.connector.state),
        worker_id: status.and_then(|s| s.connector.worker_id.clone()),
        version: status.and_then(|s| s.connector.version.clone()),
        health: health(status),
        tasks: task_counts(status.map_or(&[], |s| &s.tasks)),
        first_cause: status.and_then(first_cause),
        consumer_group,
        topics: config
            .map(|c| configured_topics(kind, c))
            .unwrap_or_default(),
        lag: None,
        drift: None,
        dead_letter_topic: config
            .and_then(|c| c.get("errors.deadletterqueue.topic.name"))
            .filter(|t| kind == ConnectorKind::Sink && !t.trim().is_empty())
            .cloned(),
    }
}

/// A comma-separated config value (a topic list) as its trimmed, non-empty items.
pub fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The topics a connector's config names, without asking Connect: a list is split at commas,
/// a sink's `topics.regex` is kept whole.
fn configured_topics(kind: ConnectorKind, config: &BTreeMap<String, String>) -> Vec<String> {
    let list_key = match kind {
        ConnectorKind::Sink => "topics",
        _ if config.contains_key("topic") => "topic",
        _ => "kafka.topic",
    };
    if let Some(list) = config.get(list_key) {
        return split_list(list);
    }
    match (kind, config.get("topics.regex")) {
        (ConnectorKind::Sink, Some(regex)) => vec![regex.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::config;

    #[test]
    fn a_sink_names_each_topic_of_its_comma_separated_list() {
        let sink = config(&[("topics", "orders, payments,,refunds")]);
        assert_eq!(
            configured_topics(ConnectorKind::Sink, &sink),
            ["orders", "payments", "refunds"]
        );
    }

    #[test]
    fn a_sink_with_a_topic_regex_shows_the_regex_as_written() {
        let sink = config(&[("topics.regex", "orders-.*,x")]);
        assert_eq!(
            configured_topics(ConnectorKind::Sink, &sink),
            ["orders-.*,x"]
        );
    }

    #[test]
    fn a_source_names_its_topic_or_kafka_topic_and_ignores_sink_keys() {
        let file_source = config(&[("topic", "lines"), ("topics", "ignored")]);
        let other = config(&[("kafka.topic", "events")]);
        assert_eq!(
            configured_topics(ConnectorKind::Source, &file_source),
            ["lines"]
        );
        assert_eq!(configured_topics(ConnectorKind::Source, &other), ["events"]);
        assert!(configured_topics(ConnectorKind::Source, &config(&[])).is_empty());
    }
}
