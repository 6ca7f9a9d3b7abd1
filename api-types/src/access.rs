//! Who may do what: roles, the grants that give them (optionally for some clusters only), the
//! signed-in user as the console sees it, users and API tokens.

use serde::{Deserialize, Serialize};

/// What a role allows; each role allows everything the ones before it do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read everything but secrets.
    Viewer,
    /// Pause, resume, stop and restart connectors and tasks.
    Operator,
    /// Create, update and delete connectors, change offsets, roll back.
    Editor,
    /// Users, tokens, alert rules and logger levels.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A role on every cluster (`clusters` empty) or on the clusters named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grant {
    pub role: Role,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<String>,
}

impl Grant {
    /// Whether this grant applies to `cluster`; `None` asks about every cluster at once (for
    /// what belongs to no cluster, such as users and alert rules).
    pub fn covers(&self, cluster: Option<&str>) -> bool {
        match cluster {
            _ if self.clusters.is_empty() => true,
            Some(id) => self.clusters.iter().any(|c| c == id),
            None => false,
        }
    }
}

impl Grant {
    /// `editor` (every cluster) or `editor@dev,staging` (those clusters), as the `plugboard
    /// user` subcommand and the users page write grants.
    pub fn parse(spec: &str) -> Result<Grant, String> {
        let (role, clusters) = spec.trim().split_once('@').unwrap_or((spec.trim(), ""));
        let role = Role::parse(role).ok_or_else(|| {
            format!("unknown role `{role}`: use viewer, operator, editor or admin")
        })?;
        let clusters = clusters
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(Grant { role, clusters })
    }

    /// Grants separated by spaces (`viewer editor@dev`).
    pub fn parse_all(text: &str) -> Result<Vec<Grant>, String> {
        text.split_whitespace().map(Grant::parse).collect()
    }

    /// The grant as [`Grant::parse`] reads it.
    pub fn describe(&self) -> String {
        match self.clusters.as_slice() {
            [] => self.role.as_str().to_owned(),
            clusters => format!("{}@{}", self.role.as_str(), clusters.join(",")),
        }
    }
}

/// The highest role `grants` give on `cluster` (see [`Grant::covers`]).
pub fn role_on(grants: &[Grant], cluster: Option<&str>) -> Option<Role> {
    grants
        .iter()
        .filter(|g| g.covers(cluster))
        .map(|g| g.role)
        .max()
}

/// How the caller was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignedInVia {
    /// No login: Plugboard listens on loopback only and everyone local is an admin.
    Open,
    Session,
    Token,
    /// A header set by the configured reverse proxy.
    Proxy,
}

/// `GET /api/v1/auth/me`: who the console is acting as, and the token its changes must carry
/// in `X-CSRF-Token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub name: String,
    pub grants: Vec<Grant>,
    pub via: SignedInVia,
    pub csrf_token: Option<String>,
}

impl Me {
    pub fn role_on(&self, cluster: Option<&str>) -> Option<Role> {
        role_on(&self.grants, cluster)
    }

    /// Whether the user may do what needs `role` on `cluster`.
    pub fn may(&self, role: Role, cluster: Option<&str>) -> bool {
        self.role_on(cluster).is_some_and(|r| r >= role)
    }
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Login {
    pub name: String,
    pub password: String,
}

/// `POST /api/v1/auth/password`: a signed-in user's own new password. Every session of the
/// user ends, this one too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// A built-in user as admins see it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub name: String,
    pub grants: Vec<Grant>,
    pub created_at: String,
}

/// `POST /api/v1/users` and `PUT /api/v1/users/{name}`; a password left out stays as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserChange {
    #[serde(default)]
    pub name: String,
    pub grants: Vec<Grant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// An API token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The user whose grants the token carries.
    pub user: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// `POST /api/v1/tokens`: a token for `user` (default: the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewToken {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The answer to [`NewToken`]: the only time the token is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub token: String,
    pub info: ApiToken,
}
