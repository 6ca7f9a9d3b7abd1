//! A request's raw path and query (as sent, still percent-encoded) into a [`ConnectCall`], or a
//! clear refusal. Every spelling that a client, a proxy or a worker could read as another path
//! is refused rather than normalised: dot segments however encoded, backslashes, empty segments,
//! `%` not followed by two hex digits, encoded text that is not UTF-8. Literal parts of a path
//! must be spelled exactly as Connect documents them. One trailing slash is accepted, as
//! Connect accepts it.

use api_types::RestartScope;
use reqwest::Method;

use super::names::decode;
use super::query::Query;
use super::{ConnectCall, ConnectorName, LoggerName, PluginName};
use crate::ConnectError;

/// The shape of a documented path, before the method picks the endpoint.
enum Shape {
    Root,
    Health,
    Connectors,
    Connector(ConnectorName, ConnectorPart),
    Plugins,
    PluginConfig(PluginName),
    Validate(PluginName),
    Loggers,
    Logger(LoggerName),
}

/// What follows `/connectors/{name}`.
#[derive(Clone, Copy)]
enum ConnectorPart {
    Itself,
    Config,
    Status,
    Restart,
    Pause,
    Resume,
    Stop,
    Tasks,
    TasksConfig,
    Fence,
    TaskStatus(u32),
    TaskRestart(u32),
    Topics,
    TopicsReset,
    Offsets,
}

/// The call `method` on `raw_path` (what follows the Connect root, e.g. `/connectors/a%2Fb`)
/// with `raw_query` makes. HEAD is read as GET.
pub fn parse(
    method: &Method,
    raw_path: &str,
    raw_query: Option<&str>,
) -> Result<ConnectCall, ConnectError> {
    let shape = shape(raw_path)?;
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    let allowed = allowed_methods(&shape);
    if !allowed.contains(method) {
        return Err(ConnectError::MethodNotAllowed {
            allow: allow_header(&allowed),
            message: format!("{method} is not a method of {raw_path:?} in Connect's REST API"),
        });
    }
    let mut query = Query::parse(raw_query.unwrap_or_default())?;
    let call = endpoint(shape, method, &mut query)?;
    query.finish()?;
    Ok(call)
}

/// The methods `raw_path` answers to, as an `Allow` header value (for OPTIONS).
pub fn allowed(raw_path: &str) -> Result<String, ConnectError> {
    Ok(allow_header(&allowed_methods(&shape(raw_path)?)))
}

fn allow_header(methods: &[Method]) -> String {
    let mut words: Vec<&str> = methods.iter().map(Method::as_str).collect();
    if methods.contains(&Method::GET) {
        words.push("HEAD");
    }
    words.push("OPTIONS");
    words.join(", ")
}

fn allowed_methods(shape: &Shape) -> Vec<Method> {
    use ConnectorPart::*;
    let (get, post, put, patch, delete) = (
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    );
    match shape {
        Shape::Connectors => vec![get, post],
        Shape::Connector(_, Itself) => vec![get, delete],
        Shape::Connector(_, Config) => vec![get, put, patch],
        Shape::Connector(_, Restart | TaskRestart(_)) => vec![post],
        Shape::Connector(_, Pause | Resume | Stop | TopicsReset | Fence) => vec![put],
        Shape::Connector(_, Tasks) => vec![get, post],
        Shape::Connector(_, Offsets) => vec![get, patch, delete],
        Shape::Validate(_) => vec![put],
        Shape::Logger(_) => vec![get, put],
        _ => vec![get],
    }
}

fn endpoint(shape: Shape, method: &Method, query: &mut Query) -> Result<ConnectCall, ConnectError> {
    use ConnectorPart::*;
    let get = method == Method::GET;
    Ok(match shape {
        Shape::Root => ConnectCall::ServerInfo,
        Shape::Health => ConnectCall::Health,
        Shape::Connectors if get => ConnectCall::ListConnectors {
            expand: query.expand()?,
        },
        Shape::Connectors => ConnectCall::CreateConnector,
        Shape::Connector(name, part) => match (part, method.as_str()) {
            (Itself, "GET") => ConnectCall::GetConnector(name),
            (Itself, _) => ConnectCall::DeleteConnector(name),
            (Config, "GET") => ConnectCall::GetConfig(name),
            (Config, "PUT") => ConnectCall::PutConfig(name),
            (Config, _) => ConnectCall::PatchConfig(name),
            (Status, _) => ConnectCall::GetStatus(name),
            (Restart, _) => {
                let scope = RestartScope {
                    include_tasks: query.flag("includeTasks")?.unwrap_or(false),
                    only_failed: query.flag("onlyFailed")?.unwrap_or(false),
                };
                ConnectCall::Restart(name, scope)
            }
            (Pause, _) => ConnectCall::Pause(name),
            (Resume, _) => ConnectCall::Resume(name),
            (Stop, _) => ConnectCall::Stop(name),
            (Tasks, "GET") => ConnectCall::GetTasks(name),
            (Tasks | Fence, _) => {
                return Err(ConnectError::WorkerOnly(format!(
                    "{method} of a connector's {} is internal to Connect's workers and is not forwarded",
                    if matches!(part, Fence) {
                        "fence"
                    } else {
                        "tasks"
                    }
                )));
            }
            (TasksConfig, _) => ConnectCall::GetTasksConfig(name),
            (TaskStatus(task), _) => ConnectCall::GetTaskStatus(name, task),
            (TaskRestart(task), _) => ConnectCall::RestartTask(name, task),
            (Topics, _) => ConnectCall::GetTopics(name),
            (TopicsReset, _) => ConnectCall::ResetTopics(name),
            (Offsets, "GET") => ConnectCall::GetOffsets(name),
            (Offsets, "PATCH") => ConnectCall::AlterOffsets(name),
            (Offsets, _) => ConnectCall::ResetOffsets(name),
        },
        Shape::Plugins => ConnectCall::ListPlugins {
            connectors_only: query.flag("connectorsOnly")?,
        },
        Shape::PluginConfig(plugin) => ConnectCall::GetPluginConfig(plugin, query.version()?),
        Shape::Validate(plugin) => ConnectCall::ValidateConfig(plugin, query.version()?),
        Shape::Loggers => ConnectCall::ListLoggers,
        Shape::Logger(logger) if get => ConnectCall::GetLogger(logger),
        Shape::Logger(logger) => ConnectCall::SetLogger(logger, query.scope()?),
    })
}

/// The path's shape, with its names decoded and checked.
fn shape(raw_path: &str) -> Result<Shape, ConnectError> {
    use ConnectorPart::*;
    let segments = segments(raw_path)?;
    let literal: Vec<&str> = segments.iter().map(|(raw, _)| *raw).collect();
    let decoded = |i: usize| segments[i].1.as_str();
    let connector = || ConnectorName::new(decoded(1));
    let part = match literal.as_slice() {
        [] => return Ok(Shape::Root),
        ["health"] => return Ok(Shape::Health),
        ["connectors"] => return Ok(Shape::Connectors),
        ["connector-plugins"] => return Ok(Shape::Plugins),
        ["connector-plugins", _, "config"] => {
            return Ok(Shape::PluginConfig(PluginName::new(decoded(1))?));
        }
        ["connector-plugins", _, "config", "validate"] => {
            return Ok(Shape::Validate(PluginName::new(decoded(1))?));
        }
        ["admin", "loggers"] => return Ok(Shape::Loggers),
        ["admin", "loggers", _] => return Ok(Shape::Logger(LoggerName::new(decoded(2))?)),
        ["connectors", _] => Itself,
        ["connectors", _, "config"] => Config,
        ["connectors", _, "status"] => Status,
        ["connectors", _, "restart"] => Restart,
        ["connectors", _, "pause"] => Pause,
        ["connectors", _, "resume"] => Resume,
        ["connectors", _, "stop"] => Stop,
        ["connectors", _, "tasks"] => Tasks,
        ["connectors", _, "tasks-config"] => TasksConfig,
        ["connectors", _, "fence"] => Fence,
        ["connectors", _, "tasks", task, "status"] => TaskStatus(task_id(task)?),
        ["connectors", _, "tasks", task, "restart"] => TaskRestart(task_id(task)?),
        ["connectors", _, "topics"] => Topics,
        ["connectors", _, "topics", "reset"] => TopicsReset,
        ["connectors", _, "offsets"] => Offsets,
        _ => {
            return Err(ConnectError::Refused(format!(
                "{raw_path:?} is not an endpoint of Connect's REST API"
            )));
        }
    };
    Ok(Shape::Connector(connector()?, part))
}

/// The path's segments, each as sent and decoded; refuses what could be read as another path.
fn segments(raw_path: &str) -> Result<Vec<(&str, String)>, ConnectError> {
    let refuse = |why: &str| {
        Err(ConnectError::Refused(format!(
            "path {raw_path:?} is refused: {why}"
        )))
    };
    if raw_path.contains('\\') {
        return refuse("it holds a backslash");
    }
    let Some(path) = raw_path.strip_prefix('/') else {
        return if raw_path.is_empty() {
            Ok(Vec::new())
        } else {
            refuse("it does not start with `/`")
        };
    };
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let mut segments = Vec::new();
    for raw in path.split('/') {
        if raw.is_empty() {
            return refuse("it has an empty segment (`//`)");
        }
        let decoded = decode(raw)?;
        if decoded == "." || decoded == ".." {
            return refuse("it has a `.` or `..` segment");
        }
        if decoded.contains('\\') {
            return refuse("it holds an encoded backslash");
        }
        segments.push((raw, decoded));
    }
    Ok(segments)
}

fn task_id(raw: &str) -> Result<u32, ConnectError> {
    raw.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| raw.parse().ok())
        .flatten()
        .ok_or_else(|| ConnectError::Refused(format!("task id `{raw}` is not a number")))
}
