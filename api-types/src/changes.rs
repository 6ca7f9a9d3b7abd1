//! The words of a change, shared by the backend's history rows, its access policy and the
//! console's filters and buttons: what was done ([`Action`], with the role it needs), where the
//! change came from ([`Source`]) and how it ended ([`Outcome`]).

use serde::{Deserialize, Serialize};

use crate::Role;

/// Every kind of change Plugboard makes to a Connect cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Patch,
    Delete,
    Pause,
    Resume,
    Stop,
    Restart,
    TaskRestart,
    OffsetsAlter,
    OffsetsReset,
    TopicsReset,
    LoggerChange,
    Rollback,
    /// A passthrough change that versions before the typed model of Connect calls could not
    /// name; only rows they wrote carry it.
    Request,
    /// Dead letters produced again to a topic.
    Replay,
    /// Record contents of a topic read in the console (recorded, as data can be sensitive).
    RecordsRead,
    /// A plan of specs that compared stored secrets with the specs' values (which keys, never
    /// the values): recorded, since a plan tells whether a guessed secret is right.
    SecretsCompared,
    /// A consumer group's offsets on a MirrorMaker 2 flow's target set to its newest
    /// checkpoints (a failover), recorded under the flow's checkpoint connector.
    GroupFailover,
    /// A signal sent to a Debezium connector's signal topic (an incremental snapshot started,
    /// stopped, paused or resumed).
    DebeziumSignal,
}

impl Action {
    /// Every action, in the order the console lists them.
    pub const ALL: [Action; 20] = [
        Action::Create,
        Action::Update,
        Action::Patch,
        Action::Delete,
        Action::Pause,
        Action::Resume,
        Action::Stop,
        Action::Restart,
        Action::TaskRestart,
        Action::OffsetsAlter,
        Action::OffsetsReset,
        Action::TopicsReset,
        Action::LoggerChange,
        Action::Rollback,
        Action::Request,
        Action::Replay,
        Action::RecordsRead,
        Action::SecretsCompared,
        Action::GroupFailover,
        Action::DebeziumSignal,
    ];

    /// The role this action needs on the connector's cluster: the one table both the backend's
    /// access policy and the console's buttons read.
    pub fn role(self) -> Role {
        match self {
            Action::Pause | Action::Resume | Action::Stop | Action::Restart => Role::Operator,
            Action::TaskRestart | Action::DebeziumSignal => Role::Operator,
            Action::LoggerChange | Action::Request => Role::Admin,
            Action::Create | Action::Update | Action::Patch | Action::Delete => Role::Editor,
            Action::OffsetsAlter | Action::OffsetsReset | Action::TopicsReset => Role::Editor,
            Action::Rollback | Action::Replay | Action::SecretsCompared => Role::Editor,
            Action::GroupFailover => Role::Editor,
            // The least role that may; the `[access]` setting `read_records_role` decides.
            Action::RecordsRead => Role::Viewer,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Patch => "patch",
            Action::Delete => "delete",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::TaskRestart => "task_restart",
            Action::OffsetsAlter => "offsets_alter",
            Action::OffsetsReset => "offsets_reset",
            Action::TopicsReset => "topics_reset",
            Action::LoggerChange => "logger_change",
            Action::Rollback => "rollback",
            Action::Request => "request",
            Action::Replay => "replay",
            Action::RecordsRead => "records_read",
            Action::SecretsCompared => "secrets_compared",
            Action::GroupFailover => "group_failover",
            Action::DebeziumSignal => "debezium_signal",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// Whether the action sets a connector's config (so its row has the config it left).
    pub fn sets_config(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Update | Action::Patch | Action::Rollback
        )
    }
}

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Console,
    Api,
    Passthrough,
    Rollback,
    /// An alert rule's automatic restart.
    AutoRestart,
    /// `plugboard apply`: connectors as code.
    Apply,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Console,
        Source::Api,
        Source::Passthrough,
        Source::Rollback,
        Source::AutoRestart,
        Source::Apply,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Console => "console",
            Source::Api => "api",
            Source::Passthrough => "passthrough",
            Source::Rollback => "rollback",
            Source::AutoRestart => "auto_restart",
            Source::Apply => "apply",
        }
    }

    pub fn parse(text: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How a change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Sent, and Connect has not answered yet.
    Pending,
    Success,
    Failure,
    /// Plugboard stopped between the call and its answer.
    Unknown,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Pending,
        Outcome::Success,
        Outcome::Failure,
        Outcome::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_itself_in_text_and_json() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
        }
        for source in Source::ALL {
            assert_eq!(Source::parse(source.as_str()), Some(source));
            assert_eq!(
                serde_json::to_string(&source).unwrap(),
                format!("\"{}\"", source.as_str())
            );
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
            assert_eq!(
                serde_json::to_string(&outcome).unwrap(),
                format!("\"{}\"", outcome.as_str())
            );
        }
    }

    #[test]
    fn state_changes_need_operator_config_changes_editor_and_loggers_admin() {
        assert_eq!(Action::Pause.role(), Role::Operator);
        assert_eq!(Action::TaskRestart.role(), Role::Operator);
        assert_eq!(Action::Patch.role(), Role::Editor);
        assert_eq!(Action::OffsetsReset.role(), Role::Editor);
        assert_eq!(Action::LoggerChange.role(), Role::Admin);
    }
}
