//! One call to Connect's REST API as a typed value: which endpoint, with its decoded connector,
//! task, plugin or logger and its query. Everything Plugboard decides about a call is derived
//! from this one value: the role it needs, whether it changes anything, what the history
//! records, where secrets sit in the answer, and the exact path sent to the worker. The
//! passthrough parses requests into it ([`parse`]); Plugboard's own API builds it directly.
//!
//! - [`names`]: connector, plugin and logger names, decoded and checked; percent-encoding.
//! - [`parse`]: a request's raw path and query into a call, or a clear refusal.
//! - [`query`]: the query's parameters, typed, with nothing left over.

pub mod names;
pub mod parse;
mod query;
#[cfg(test)]
mod tests;

use api_types::{Action, ConnectorAction, RestartScope, Role};
use reqwest::Method;
use serde_json::{Value, json};

pub use names::{ConnectorName, LoggerName, PluginName, PluginVersion, segment};

/// Which parts `GET /connectors` expands (`?expand=status&expand=info`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expand {
    Status,
    Info,
}

/// Where a logger change applies (KIP-976): the worker asked, or every worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoggerScope {
    Worker,
    Cluster,
}

/// Every documented endpoint of Connect's REST API that a client may call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectCall {
    ServerInfo,
    Health,
    ListConnectors {
        expand: Vec<Expand>,
    },
    CreateConnector,
    GetConnector(ConnectorName),
    DeleteConnector(ConnectorName),
    GetConfig(ConnectorName),
    PutConfig(ConnectorName),
    PatchConfig(ConnectorName),
    GetStatus(ConnectorName),
    Restart(ConnectorName, RestartScope),
    Pause(ConnectorName),
    Resume(ConnectorName),
    Stop(ConnectorName),
    GetTasks(ConnectorName),
    GetTasksConfig(ConnectorName),
    GetTaskStatus(ConnectorName, u32),
    RestartTask(ConnectorName, u32),
    GetTopics(ConnectorName),
    ResetTopics(ConnectorName),
    GetOffsets(ConnectorName),
    AlterOffsets(ConnectorName),
    ResetOffsets(ConnectorName),
    ListPlugins {
        connectors_only: Option<bool>,
    },
    /// A plugin's config definitions; of one version or range of them on Connect 4.1+.
    GetPluginConfig(PluginName, Option<PluginVersion>),
    ValidateConfig(PluginName, Option<PluginVersion>),
    ListLoggers,
    GetLogger(LoggerName),
    SetLogger(LoggerName, Option<LoggerScope>),
}

impl ConnectCall {
    /// The call that does `action` to connector `name`.
    pub fn for_action(action: ConnectorAction, name: ConnectorName) -> Self {
        match action {
            ConnectorAction::Pause => Self::Pause(name),
            ConnectorAction::Resume => Self::Resume(name),
            ConnectorAction::Stop => Self::Stop(name),
            ConnectorAction::Restart(scope) => Self::Restart(name, scope),
            ConnectorAction::Delete => Self::DeleteConnector(name),
        }
    }

    pub fn method(&self) -> Method {
        use ConnectCall::*;
        match self {
            CreateConnector | Restart(..) | RestartTask(..) => Method::POST,
            PutConfig(_) | Pause(_) | Resume(_) | Stop(_) | ResetTopics(_) => Method::PUT,
            ValidateConfig(..) | SetLogger(..) => Method::PUT,
            PatchConfig(_) | AlterOffsets(_) => Method::PATCH,
            DeleteConnector(_) | ResetOffsets(_) => Method::DELETE,
            _ => Method::GET,
        }
    }

    /// The path and query sent to the worker, every name percent-encoded as one segment.
    pub fn path(&self) -> String {
        use ConnectCall::*;
        let connector = |name: &ConnectorName, rest: &str| {
            format!("/connectors/{}{rest}", segment(name.as_str()))
        };
        match self {
            ServerInfo => "/".into(),
            Health => "/health".into(),
            ListConnectors { expand } => {
                let words: Vec<&str> = expand
                    .iter()
                    .map(|e| match e {
                        Expand::Status => "expand=status",
                        Expand::Info => "expand=info",
                    })
                    .collect();
                with_query("/connectors", &words.join("&"))
            }
            CreateConnector => "/connectors".into(),
            GetConnector(n) | DeleteConnector(n) => connector(n, ""),
            GetConfig(n) | PutConfig(n) | PatchConfig(n) => connector(n, "/config"),
            GetStatus(n) => connector(n, "/status"),
            Restart(n, scope) => format!(
                "{}?includeTasks={}&onlyFailed={}",
                connector(n, "/restart"),
                scope.include_tasks,
                scope.only_failed
            ),
            Pause(n) => connector(n, "/pause"),
            Resume(n) => connector(n, "/resume"),
            Stop(n) => connector(n, "/stop"),
            GetTasks(n) => connector(n, "/tasks"),
            GetTasksConfig(n) => connector(n, "/tasks-config"),
            GetTaskStatus(n, task) => connector(n, &format!("/tasks/{task}/status")),
            RestartTask(n, task) => connector(n, &format!("/tasks/{task}/restart")),
            GetTopics(n) => connector(n, "/topics"),
            ResetTopics(n) => connector(n, "/topics/reset"),
            GetOffsets(n) | AlterOffsets(n) | ResetOffsets(n) => connector(n, "/offsets"),
            ListPlugins { connectors_only } => match connectors_only {
                Some(only) => format!("/connector-plugins?connectorsOnly={only}"),
                None => "/connector-plugins".into(),
            },
            GetPluginConfig(p, version) => with_version(
                format!("/connector-plugins/{}/config", segment(p.as_str())),
                version,
            ),
            ValidateConfig(p, version) => with_version(
                format!("/connector-plugins/{}/config/validate", segment(p.as_str())),
                version,
            ),
            ListLoggers => "/admin/loggers".into(),
            GetLogger(l) => format!("/admin/loggers/{}", segment(l.as_str())),
            SetLogger(l, scope) => {
                let path = format!("/admin/loggers/{}", segment(l.as_str()));
                match scope {
                    Some(LoggerScope::Worker) => with_query(&path, "scope=worker"),
                    Some(LoggerScope::Cluster) => with_query(&path, "scope=cluster"),
                    None => path,
                }
            }
        }
    }

    /// The change this call makes, as the history names it; `None` for reads and validation.
    pub fn action(&self) -> Option<Action> {
        use ConnectCall::*;
        Some(match self {
            CreateConnector => Action::Create,
            PutConfig(_) => Action::Update,
            PatchConfig(_) => Action::Patch,
            DeleteConnector(_) => Action::Delete,
            Pause(_) => Action::Pause,
            Resume(_) => Action::Resume,
            Stop(_) => Action::Stop,
            Restart(..) => Action::Restart,
            RestartTask(..) => Action::TaskRestart,
            ResetTopics(_) => Action::TopicsReset,
            AlterOffsets(_) => Action::OffsetsAlter,
            ResetOffsets(_) => Action::OffsetsReset,
            SetLogger(..) => Action::LoggerChange,
            _ => return None,
        })
    }

    /// Whether the call changes anything on the cluster (validation does not).
    pub fn changes(&self) -> bool {
        self.action().is_some()
    }

    /// The role the call needs on its cluster: a change needs its action's role, anything else
    /// (reads and validation) a viewer's.
    pub fn role(&self) -> Role {
        self.action().map_or(Role::Viewer, Action::role)
    }

    /// The connector the call is about, when the path names one.
    pub fn connector(&self) -> Option<&ConnectorName> {
        use ConnectCall::*;
        match self {
            GetConnector(n)
            | DeleteConnector(n)
            | GetConfig(n)
            | PutConfig(n)
            | PatchConfig(n)
            | GetStatus(n)
            | Restart(n, _)
            | Pause(n)
            | Resume(n)
            | Stop(n)
            | GetTasks(n)
            | GetTasksConfig(n)
            | GetTaskStatus(n, _)
            | RestartTask(n, _)
            | GetTopics(n)
            | ResetTopics(n)
            | GetOffsets(n)
            | AlterOffsets(n)
            | ResetOffsets(n) => Some(n),
            _ => None,
        }
    }

    /// The parameters the history keeps with the change (the body is added by the caller
    /// where it is the parameter, as for offsets).
    pub fn detail(&self) -> Option<Value> {
        use ConnectCall::*;
        match self {
            Restart(_, scope) => Some(json!({
                "include_tasks": scope.include_tasks,
                "only_failed": scope.only_failed,
            })),
            RestartTask(_, task) => Some(json!({ "task": task })),
            SetLogger(logger, scope) => Some(json!({
                "logger": logger.as_str(),
                "scope": scope.map(|s| match s {
                    LoggerScope::Worker => "worker",
                    LoggerScope::Cluster => "cluster",
                }),
            })),
            _ => None,
        }
    }

    /// Whether the request body is a connector config (or, creating, holds one under `config`).
    pub fn carries_config(&self) -> bool {
        use ConnectCall::*;
        matches!(
            self,
            CreateConnector | PutConfig(_) | PatchConfig(_) | ValidateConfig(..)
        )
    }

    /// Whether a change must be made by the leader directly, because Connect's own forwarding
    /// to the leader would garble the connector's name (see
    /// [`ConnectorName::garbled_by_forwarding`]).
    pub fn leader_only(&self) -> bool {
        self.changes()
            && self
                .connector()
                .is_some_and(ConnectorName::garbled_by_forwarding)
    }
}

fn with_version(path: String, version: &Option<PluginVersion>) -> String {
    match version {
        Some(version) => format!("{path}?version={}", segment(version.as_str())),
        None => path,
    }
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// What every worker must show once a change is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// The connector's config, as the answer gave it (create, config change).
    Config(ConnectorName),
    /// No such connector (delete).
    Gone(ConnectorName),
}

impl Settle {
    /// What `call` must settle, if it changes a connector's existence or config.
    pub fn of(call: &ConnectCall, body: Option<&[u8]>) -> Option<Self> {
        match call {
            ConnectCall::CreateConnector => {
                let body: Value = serde_json::from_slice(body?).ok()?;
                Some(Self::Config(
                    ConnectorName::new(body["name"].as_str()?).ok()?,
                ))
            }
            ConnectCall::PutConfig(name) | ConnectCall::PatchConfig(name) => {
                Some(Self::Config(name.clone()))
            }
            ConnectCall::DeleteConnector(name) => Some(Self::Gone(name.clone())),
            _ => None,
        }
    }
}
