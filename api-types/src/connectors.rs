//! Connectors as Plugboard's own API presents them: state, computed health, task counts, detail.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Whether a connector reads into Kafka or writes out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConnectorKind {
    Source,
    Sink,
    Unknown,
}

/// The state Connect reports for a connector or a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum ConnectorState {
    Unassigned,
    Running,
    Paused,
    /// KIP-875: stopped, with no tasks.
    Stopped,
    Failed,
    Restarting,
    /// A state this version of Plugboard does not know (a newer Connect's).
    #[serde(other)]
    Unknown,
}

impl ConnectorState {
    pub const ALL: [ConnectorState; 7] = [
        ConnectorState::Unassigned,
        ConnectorState::Running,
        ConnectorState::Paused,
        ConnectorState::Stopped,
        ConnectorState::Failed,
        ConnectorState::Restarting,
        ConnectorState::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorState::Unassigned => "UNASSIGNED",
            ConnectorState::Running => "RUNNING",
            ConnectorState::Paused => "PAUSED",
            ConnectorState::Stopped => "STOPPED",
            ConnectorState::Failed => "FAILED",
            ConnectorState::Restarting => "RESTARTING",
            ConnectorState::Unknown => "UNKNOWN",
        }
    }

    /// The state Connect's word names; an unknown word is [`ConnectorState::Unknown`].
    pub fn parse(text: &str) -> ConnectorState {
        ConnectorState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or(ConnectorState::Unknown)
    }
}

impl std::fmt::Display for ConnectorState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One word for how a connector is doing, computed from its own state and its tasks' states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// The connector failed, all its tasks failed, or it runs with no task at all.
    Unhealthy,
    /// Some tasks failed or are unassigned while others run.
    Degraded,
    Restarting,
    Unassigned,
    Paused,
    Stopped,
    Healthy,
}

/// How many of a connector's tasks are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskCounts {
    pub total: u32,
    pub running: u32,
    pub failed: u32,
    pub paused: u32,
    pub restarting: u32,
    pub unassigned: u32,
}

/// A row of the connector list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorSummary {
    pub cluster: String,
    pub name: String,
    pub kind: ConnectorKind,
    /// `connector.class` from the config.
    pub class: String,
    /// Connect's state of the connector itself.
    pub state: ConnectorState,
    pub worker_id: Option<String>,
    /// The plugin version the connector runs (Connect 4.1 and newer, KIP-891).
    #[serde(default)]
    pub version: Option<String>,
    pub health: Health,
    pub tasks: TaskCounts,
    /// The first "Caused by" line of the connector's or a task's trace, else its first line.
    pub first_cause: Option<String>,
    /// For sinks: the consumer group whose lag belongs to this connector.
    pub consumer_group: Option<String>,
    /// Topics the config names: a sink's `topics` or `topics.regex` (as written), a source's
    /// `topic` or `kafka.topic`. Empty when the config names none.
    #[serde(default)]
    pub topics: Vec<String>,
    /// A sink's lag summed over its group's partitions, from the latest Kafka snapshot.
    #[serde(default)]
    pub lag: Option<u64>,
    /// Against the specs last applied to the cluster; `None` when none were.
    #[serde(default)]
    pub drift: Option<crate::DriftStatus>,
    /// A sink's dead letter topic (`errors.deadletterqueue.topic.name`).
    #[serde(default)]
    pub dead_letter_topic: Option<String>,
}

/// The connector list across clusters, with a reason for each cluster that did not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorList {
    pub connectors: Vec<ConnectorSummary>,
    pub unreachable: Vec<ClusterFailure>,
}

/// A cluster that could not be asked, and why (the message names the worker URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterFailure {
    pub cluster: String,
    pub message: String,
}

/// The line of a Java stack trace to read first: its first "Caused by" line, else its first line.
pub fn trace_headline(trace: &str) -> Option<String> {
    trace
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("Caused by:"))
        .or_else(|| trace.lines().next().map(str::trim))
        .map(str::to_owned)
}

/// A plain explanation of a failure whose trace Connect words for its own developers, or
/// `None`. Shown beside the trace on the connector page.
pub fn failure_explained(trace: &str) -> Option<String> {
    if !trace.contains("TooManyTasksException") {
        return None;
    }
    let counts = trace
        .split_once("has generated ")
        .and_then(|(_, rest)| rest.split_once(" tasks, which is greater than "))
        .and_then(|(made, rest)| Some((made.parse::<u32>().ok()?, rest.split_once(',')?.0)))
        .and_then(|(made, max)| Some((made, max.parse::<u32>().ok()?)));
    let what = match counts {
        Some((made, max)) => format!(
            "The connector made {made} tasks while its tasks.max is {max}. Raise tasks.max to {made} or more, or have the plugin fixed."
        ),
        None => "The connector made more tasks than its tasks.max allows. Raise tasks.max, or have the plugin fixed.".to_owned(),
    };
    Some(format!(
        "{what} Since Connect 3.8 (KIP-1004), a connector that makes more tasks than tasks.max is failed instead of run; tasks.max.enforce=false lets it run for now, but that setting is deprecated and will go."
    ))
}

/// One task with its full trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskDetail {
    pub id: u32,
    pub state: ConnectorState,
    pub worker_id: Option<String>,
    pub trace: Option<String>,
    /// The plugin version the task runs (Connect 4.1 and newer, KIP-891).
    #[serde(default)]
    pub version: Option<String>,
}

/// Everything the connector page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorDetail {
    pub summary: ConnectorSummary,
    pub config: BTreeMap<String, String>,
    /// The connector's own trace when it failed.
    pub trace: Option<String>,
    pub tasks: Vec<TaskDetail>,
    /// Topics the connector used (KIP-558), or why Connect could not say.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub topics: Result<Vec<String>, String>,
    /// Connect's `/offsets` answer (KIP-875) as it is, or why Connect could not give it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub offsets: Result<serde_json::Value, String>,
}

/// The body of a create call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewConnector {
    pub name: String,
    pub config: BTreeMap<String, String>,
    /// The state it starts in (KIP-980): RUNNING when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_state: Option<InitialState>,
}

/// The state a new connector starts in (KIP-980).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum InitialState {
    Running,
    Paused,
    Stopped,
}

/// Which parts of a connector a restart touches (KIP-745).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestartScope {
    #[serde(default)]
    pub include_tasks: bool,
    #[serde(default)]
    pub only_failed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_tasks_is_explained_with_its_counts() {
        let trace = "org.apache.kafka.connect.runtime.TooManyTasksException: The connector s has \
            generated 3 tasks, which is greater than 2, the maximum number of tasks it is \
            configured to create.\n\tat org.apache.kafka.connect.runtime.Worker...";
        let explained = failure_explained(trace).unwrap();
        assert!(
            explained.starts_with("The connector made 3 tasks while its tasks.max is 2."),
            "{explained}"
        );
        assert!(explained.contains("KIP-1004"));
        let unworded = failure_explained("org.apache.kafka.connect.runtime.TooManyTasksException");
        assert!(
            unworded
                .unwrap()
                .contains("more tasks than its tasks.max allows")
        );
        assert_eq!(
            failure_explained("java.io.FileNotFoundException: /nope"),
            None
        );
    }
}
