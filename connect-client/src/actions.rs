//! The actions a bulk call or an automatic restart performs on a connector, as Connect calls.

use api_types::{BulkAction, RestartScope};

use super::{ConnectCall, ConnectorName};

/// One state-changing operation that needs nothing but the connector's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorAction {
    Pause,
    Resume,
    Stop,
    Restart(RestartScope),
    Delete,
}

impl ConnectorAction {
    /// The Connect call that performs this action on `name`.
    pub fn call(self, name: ConnectorName) -> ConnectCall {
        match self {
            Self::Pause => ConnectCall::Pause(name),
            Self::Resume => ConnectCall::Resume(name),
            Self::Stop => ConnectCall::Stop(name),
            Self::Restart(scope) => ConnectCall::Restart(name, scope),
            Self::Delete => ConnectCall::DeleteConnector(name),
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
        let name = ConnectorName::new("a b").unwrap();
        assert_eq!(
            ConnectorAction::Restart(scope).call(name).path(),
            "/connectors/a%20b/restart?includeTasks=true&onlyFailed=true"
        );
    }
}
