//! What each request needs, by method and path, in one table: nothing (sign-in, health checks,
//! the browser app), any signed-in caller, or a role on the cluster in the path, on some
//! cluster, or on every cluster (for what belongs to none: users, alert rules). Changes to
//! connectors need the role of their [`Action`], the table the console's buttons read too. The
//! passthrough is judged by the Connect call it parses into, so it needs what the same action
//! needs in the console.

use api_types::{Action, Me, Role, role_on};
use axum::http::Method;

use super::passthrough::{self, Passthrough, Refused};
use crate::connect::call::names::decode;
use crate::error::ApiError;

/// Where a role must be held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Cluster(String),
    /// On at least one cluster (lists that are then cut to the caller's clusters).
    AnyCluster,
    /// On every cluster: a grant without a cluster list.
    Everywhere,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    Nothing,
    SignedIn,
    Role(Role, Scope),
}

impl Need {
    pub fn allows(&self, me: &Me) -> bool {
        match self {
            Need::Nothing | Need::SignedIn => true,
            Need::Role(role, Scope::Cluster(id)) => me.may(*role, Some(id)),
            Need::Role(role, Scope::Everywhere) => me.may(*role, None),
            Need::Role(role, Scope::AnyCluster) => me.grants.iter().any(|g| g.role >= *role),
        }
    }

    /// `me` may go on, or the 403 saying why not.
    pub fn check(&self, me: &Me) -> Result<(), ApiError> {
        if self.allows(me) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(self.refusal(me)))
        }
    }

    /// Why [`Need::allows`] said no, for the 403's message.
    pub fn refusal(&self, me: &Me) -> String {
        let Need::Role(role, scope) = self else {
            return "sign in first".into();
        };
        let place = match scope {
            Scope::Cluster(id) => format!("on cluster `{id}`"),
            Scope::AnyCluster => "on some cluster".into(),
            Scope::Everywhere => "on every cluster".into(),
        };
        let has = match scope {
            Scope::Cluster(id) => role_on(&me.grants, Some(id)),
            _ => role_on(&me.grants, None),
        };
        let has = has.map_or("no role".into(), |r| format!("role {}", r.as_str()));
        format!(
            "{} has {has} there; this needs role {} {place}",
            me.name,
            role.as_str()
        )
    }
}

/// GET and HEAD: the methods that change nothing.
pub fn is_read(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// A request judged once: what it needs, and for the passthrough the Connect call it makes
/// (or why it is refused), which the handler then uses as it is.
pub struct Judged {
    pub need: Need,
    pub passthrough: Option<Result<Passthrough, Refused>>,
}

/// What `method` on `path` with `query` (as requested, still percent-encoded) needs.
pub fn judge(method: &Method, path: &str, query: Option<&str>) -> Judged {
    let passthrough = passthrough::recognise(method, path, query);
    let need = match &passthrough {
        Some(Ok(asked)) => Need::Role(asked.role(), Scope::Cluster(asked.cluster.clone())),
        // Refused anyway; who may hear why is whoever may read the cluster.
        Some(Err(refused)) => Need::Role(Role::Viewer, Scope::Cluster(refused.cluster.clone())),
        None => need(method, path),
    };
    Judged { need, passthrough }
}

/// What `method` on `path` (as requested, still percent-encoded) needs, outside the
/// passthrough.
fn need(method: &Method, path: &str) -> Need {
    if path == "/metrics" {
        return Need::Role(Role::Viewer, Scope::AnyCluster);
    }
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return Need::Nothing;
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let read = is_read(method);
    let on = |role, cluster: &str| {
        let cluster = decode(cluster).unwrap_or_else(|_| cluster.to_owned());
        Need::Role(role, Scope::Cluster(cluster))
    };
    match segments.as_slice() {
        ["auth", "password"] => Need::SignedIn,
        ["auth", ..] => Need::Nothing,
        ["tokens", ..] => Need::SignedIn,
        ["users", ..] => Need::Role(Role::Admin, Scope::Everywhere),
        ["alerts", "rules", ..] if !read => Need::Role(Role::Admin, Scope::Everywhere),
        ["alerts", "incidents", _, _] if !read => Need::Role(Role::Operator, Scope::AnyCluster),
        // Each connector of a bulk action is checked by the action itself.
        ["connectors", "bulk"] => Need::Role(Role::Operator, Scope::AnyCluster),
        // Plan and apply name their clusters in the body; the handler checks each.
        ["specs", "plan" | "apply"] => Need::Role(Role::Editor, Scope::AnyCluster),
        ["clusters", cluster, ..] if read => on(Role::Viewer, cluster),
        // Restoring a stored secret in validation needs an editor, which the handler checks.
        ["clusters", cluster, "plugins", _, "validate"] => on(Role::Viewer, cluster),
        ["clusters", cluster, "loggers", ..] => on(Action::LoggerChange.role(), cluster),
        ["clusters", cluster, "connectors", _, action] => {
            let action = match *action {
                "pause" => Action::Pause,
                "resume" => Action::Resume,
                "stop" => Action::Stop,
                "restart" => Action::Restart,
                "rollback" => Action::Rollback,
                _ => Action::Update,
            };
            on(action.role(), cluster)
        }
        ["clusters", cluster, "connectors", _, "tasks", _, "restart"] => {
            on(Action::TaskRestart.role(), cluster)
        }
        ["clusters", cluster, ..] => on(Role::Editor, cluster),
        _ if read => Need::Role(Role::Viewer, Scope::AnyCluster),
        // A change Plugboard does not know: the strictest need (it then answers 404).
        _ => Need::Role(Role::Admin, Scope::Everywhere),
    }
}

#[cfg(test)]
mod tests;
