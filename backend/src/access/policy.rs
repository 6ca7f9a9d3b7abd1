//! What each request needs: nothing (sign-in, health checks, the browser app), any signed-in
//! caller, or a role on the cluster in the path, on some cluster, or on every cluster (for what
//! belongs to none: users, alert rules). Each documented route declares its need beside its
//! path ([`NEEDS_EXTENSION`]); changes to connectors name their [`Action`], whose role the
//! console's buttons read too. The passthrough is judged by the Connect call it parses into, so
//! it needs what the same action needs in the console.

use api_types::{Action, Me, Role, role_on};
use axum::http::Method;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::{Operation, PathItem};

use super::passthrough::{self, Passthrough, Refused};
use crate::error::ApiError;
use plugboard_connect::call::names::decode;

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

/// What `method` on `path` with `query` (as requested, still percent-encoded) needs: the
/// passthrough by its Connect call, a documented route by what it declares (`routes`), and
/// anything else by whether it changes something.
pub fn judge(routes: &RouteNeeds, method: &Method, path: &str, query: Option<&str>) -> Judged {
    let passthrough = passthrough::recognise(method, path, query);
    let need = match &passthrough {
        Some(Ok(asked)) => Need::Role(asked.role(), Scope::Cluster(asked.cluster.clone())),
        // Refused anyway; who may hear why is whoever may read the cluster.
        Some(Err(refused)) => Need::Role(Role::Viewer, Scope::Cluster(refused.cluster.clone())),
        None => need(routes, method, path),
    };
    Judged { need, passthrough }
}

/// What `method` on `path` (as requested, still percent-encoded) needs, outside the
/// passthrough.
fn need(routes: &RouteNeeds, method: &Method, path: &str) -> Need {
    if path == "/metrics" {
        return Need::Role(Role::Viewer, Scope::AnyCluster);
    }
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return Need::Nothing;
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    // The router answers HEAD with the GET route (its body dropped): it needs what GET needs.
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    match (routes.find(method, &segments), segments.as_slice()) {
        (Some(need), _) => need,
        // No declared route matches as written (it answers 404, unless a spelling the table
        // does not know reaches one): a reader of the cluster in the path may hear that, or a
        // reader of any cluster outside clusters; a change needs the most.
        (None, ["clusters", cluster, ..]) if is_read(method) => {
            let cluster = decode(cluster).unwrap_or_else(|_| (*cluster).to_owned());
            Need::Role(Role::Viewer, Scope::Cluster(cluster))
        }
        (None, _) if is_read(method) => Need::Role(Role::Viewer, Scope::AnyCluster),
        (None, _) => Need::Role(Role::Admin, Scope::Everywhere),
    }
}

/// The OpenAPI extension in which each operation declares what it needs, beside its path in
/// its `#[utoipa::path]`: `anyone`, `signed in`, or a role (`viewer`, `operator`, `editor`,
/// `admin`) or an action (whose role [`Action::role`] gives) `on cluster` (the one in the path),
/// `on any cluster` (lists then cut to the caller's clusters), or `everywhere`.
pub const NEEDS_EXTENSION: &str = "x-plugboard-needs";

/// What each documented operation needs, read from its [`NEEDS_EXTENSION`].
#[derive(Debug, Default)]
pub struct RouteNeeds(Vec<RouteNeed>);

#[derive(Debug)]
struct RouteNeed {
    method: Method,
    /// The route's segments below `/api/v1`: a literal, or `None` for a parameter.
    segments: Vec<Option<String>>,
    /// Which segment is `{cluster}`, for a need on the cluster in the path.
    cluster_at: Option<usize>,
    declared: Declared,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Declared {
    Anyone,
    SignedIn,
    Role(Role, Place),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    Cluster,
    AnyCluster,
    Everywhere,
}

impl Declared {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "anyone" => return Some(Self::Anyone),
            "signed in" => return Some(Self::SignedIn),
            _ => {}
        }
        let places = [
            (" on any cluster", Place::AnyCluster),
            (" on cluster", Place::Cluster),
            (" everywhere", Place::Everywhere),
        ];
        let (who, place) = places
            .into_iter()
            .find_map(|(suffix, place)| Some((text.strip_suffix(suffix)?, place)))?;
        let role = Role::parse(who).or_else(|| Action::parse(who).map(Action::role))?;
        Some(Self::Role(role, place))
    }
}

impl RouteNeeds {
    /// The need of every operation of `document` (paths below `/api/v1`), or which operation
    /// declares none that can be read.
    pub fn from_document(document: &OpenApi) -> Result<Self, String> {
        let mut needs = Vec::new();
        for (path, item) in &document.paths.paths {
            for (method, operation) in operations(item) {
                let declared = operation
                    .extensions
                    .as_ref()
                    .and_then(|e| e.get(NEEDS_EXTENSION)?.as_str())
                    .and_then(Declared::parse)
                    .ok_or_else(|| format!("{method} {path} declares no {NEEDS_EXTENSION}"))?;
                let template: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
                let cluster_at = template.iter().position(|s| *s == "{cluster}");
                if matches!(declared, Declared::Role(_, Place::Cluster)) && cluster_at.is_none() {
                    return Err(format!(
                        "{method} {path} needs a role on a cluster it lacks"
                    ));
                }
                let segments = template
                    .iter()
                    .map(|s| (!s.starts_with('{')).then(|| (*s).to_owned()))
                    .collect();
                needs.push(RouteNeed {
                    method,
                    segments,
                    cluster_at,
                    declared,
                });
            }
        }
        Ok(Self(needs))
    }

    /// The need of the operation `method` on `segments` reaches: the most specific route, as
    /// the router picks it (a literal segment wins over a parameter).
    fn find(&self, method: &Method, segments: &[&str]) -> Option<Need> {
        let route = self
            .0
            .iter()
            .filter(|r| r.method == *method && r.segments.len() == segments.len())
            .filter(|r| {
                (r.segments.iter().zip(segments)).all(|(t, s)| t.as_deref().is_none_or(|t| t == *s))
            })
            .max_by_key(|r| r.segments.iter().map(Option::is_some).collect::<Vec<_>>())?;
        Some(match route.declared {
            Declared::Anyone => Need::Nothing,
            Declared::SignedIn => Need::SignedIn,
            Declared::Role(role, Place::Cluster) => {
                let raw = segments[route.cluster_at?];
                let cluster = decode(raw).unwrap_or_else(|_| raw.to_owned());
                Need::Role(role, Scope::Cluster(cluster))
            }
            Declared::Role(role, Place::AnyCluster) => Need::Role(role, Scope::AnyCluster),
            Declared::Role(role, Place::Everywhere) => Need::Role(role, Scope::Everywhere),
        })
    }
}

/// The operations of a path, with their methods.
fn operations(item: &PathItem) -> impl Iterator<Item = (Method, &Operation)> {
    [
        (Method::GET, &item.get),
        (Method::PUT, &item.put),
        (Method::POST, &item.post),
        (Method::DELETE, &item.delete),
        (Method::PATCH, &item.patch),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation.as_ref()?)))
}

#[cfg(test)]
mod tests;
