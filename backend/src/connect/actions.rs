//! The actions Plugboard performs on a connector, as Connect REST calls.

use api_types::{BulkAction, RestartScope};
use axum::http::Method;

use super::paths;

/// One state-changing operation on one connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorAction {
    Pause,
    Resume,
    Stop,
    Restart(RestartScope),
    RestartTask(u32),
    ResetTopics,
    Delete,
}

impl ConnectorAction {
    /// The action's name in the history.
    pub fn history_name(self) -> &'static str {
        match self {
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Stop => "stop",
            Self::Restart(_) => "restart",
            Self::RestartTask(_) => "task_restart",
            Self::ResetTopics => "topics_reset",
            Self::Delete => "delete",
        }
    }

    /// The action's parameters as the history keeps them.
    pub fn history_detail(self) -> Option<serde_json::Value> {
        match self {
            Self::Restart(scope) => Some(serde_json::json!({
                "include_tasks": scope.include_tasks,
                "only_failed": scope.only_failed,
            })),
            Self::RestartTask(task) => Some(serde_json::json!({ "task": task })),
            _ => None,
        }
    }

    /// The method and path of the Connect call that performs this action on `name`.
    pub fn request(self, name: &str) -> (Method, String) {
        match self {
            Self::Pause => (Method::PUT, paths::connector(name, &["pause"])),
            Self::Resume => (Method::PUT, paths::connector(name, &["resume"])),
            Self::Stop => (Method::PUT, paths::connector(name, &["stop"])),
            Self::Restart(scope) => (
                Method::POST,
                format!(
                    "{}?includeTasks={}&onlyFailed={}",
                    paths::connector(name, &["restart"]),
                    scope.include_tasks,
                    scope.only_failed
                ),
            ),
            Self::RestartTask(task) => (
                Method::POST,
                paths::connector(name, &["tasks", &task.to_string(), "restart"]),
            ),
            Self::ResetTopics => (Method::PUT, paths::connector(name, &["topics", "reset"])),
            Self::Delete => (Method::DELETE, paths::connector(name, &[])),
        }
    }
}

impl From<BulkAction> for ConnectorAction {
    fn from(action: BulkAction) -> Self {
        match action {
            BulkAction::Pause => Self::Pause,
            BulkAction::Resume => Self::Resume,
            BulkAction::Stop => Self::Stop,
            BulkAction::Restart(scope) => Self::Restart(scope),
            BulkAction::Delete => Self::Delete,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_carries_both_kip_745_flags() {
        let scope = RestartScope {
            include_tasks: true,
            only_failed: true,
        };
        assert_eq!(
            ConnectorAction::Restart(scope).request("a b"),
            (
                Method::POST,
                "/connectors/a%20b/restart?includeTasks=true&onlyFailed=true".to_owned()
            )
        );
    }

    #[test]
    fn task_restart_and_topic_reset_use_connects_paths() {
        assert_eq!(
            ConnectorAction::RestartTask(3).request("s").1,
            "/connectors/s/tasks/3/restart"
        );
        assert_eq!(
            ConnectorAction::ResetTopics.request("s"),
            (Method::PUT, "/connectors/s/topics/reset".to_owned())
        );
    }
}
