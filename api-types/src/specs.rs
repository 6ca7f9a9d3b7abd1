//! Connectors as code: a connector's spec as kept in git, a plan that compares specs with the
//! live clusters, the report of applying one, and drift between a managed cluster and its specs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Action, ConfigChange, Outcome, Source};

/// One connector as code. Secret values are never written in clear: they are `${env:NAME}` or
/// `${file:PATH}` references (resolved where the specs are read) or a Connect config provider's
/// `${provider:path:key}` (resolved by the workers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConnectorSpec {
    pub cluster: String,
    pub name: String,
    #[serde(default)]
    pub state: DesiredState,
    /// Free-form labels such as `owner`, `team` and `description`; never sent to Connect.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub config: BTreeMap<String, String>,
}

/// The state a spec asks a connector to be in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DesiredState {
    #[default]
    #[serde(alias = "RUNNING")]
    Running,
    #[serde(alias = "PAUSED")]
    Paused,
    #[serde(alias = "STOPPED")]
    Stopped,
}

impl DesiredState {
    pub fn as_str(self) -> &'static str {
        match self {
            DesiredState::Running => "running",
            DesiredState::Paused => "paused",
            DesiredState::Stopped => "stopped",
        }
    }
}

/// What `plan` and `apply` are given: the specs, the values of the `${env:...}` and
/// `${file:...}` references they hold (resolved by whoever read the files), and whether
/// managed connectors left out of the specs are to be deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRequest {
    pub specs: Vec<ConnectorSpec>,
    /// Reference as written (`${env:PG_PASSWORD}`) → its value.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub prune: bool,
}

/// `apply`: a plan request, carried out unless `dry_run`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplyRequest {
    #[serde(flatten)]
    pub plan: PlanRequest,
    #[serde(default)]
    pub dry_run: bool,
    /// The git commit the specs come from, recorded with every change.
    #[serde(default)]
    pub commit: Option<String>,
    /// Refuse edits of the applied connectors made anywhere else than `apply`.
    #[serde(default)]
    pub strict: bool,
}

/// What would change, connector by connector; connectors already as specified are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub changes: Vec<PlannedChange>,
    /// How many connectors were compared and found as specified.
    pub unchanged: usize,
}

/// One connector's difference from its spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedChange {
    pub cluster: String,
    pub name: String,
    pub kind: ChangeKind,
    /// Keys that differ, secrets shown as `[hidden]` or as the reference the spec holds.
    pub diff: Vec<ConfigChange>,
    /// The state now (`None` for a new connector) and the state asked for, when they differ.
    pub state: Option<StateChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Update,
    /// Only the state differs.
    State,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateChange {
    pub from: Option<DesiredState>,
    pub to: DesiredState,
}

/// What `apply` did: the plan, and each call it made with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplyReport {
    pub plan: Plan,
    pub dry_run: bool,
    pub steps: Vec<AppliedStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedStep {
    pub cluster: String,
    pub name: String,
    pub action: Action,
    pub outcome: Outcome,
    pub message: Option<String>,
}

/// Where a connector stands against its cluster's applied specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DriftStatus {
    InSync,
    Drifted,
    /// On a managed cluster, but in no applied spec.
    Unmanaged,
}

/// One managed cluster's connectors against the specs last applied to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterDrift {
    pub cluster: String,
    /// `None` when no specs were ever applied to the cluster (nothing is managed).
    pub applied: Option<AppliedSpecs>,
    pub connectors: Vec<ConnectorDrift>,
}

/// When the cluster's specs were last applied, by whom, from which commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedSpecs {
    /// RFC 3339, UTC.
    pub at: String,
    pub by: String,
    pub commit: Option<String>,
    pub strict: bool,
}

/// One connector's drift: what differs from its spec, and the recorded changes since the apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectorDrift {
    pub name: String,
    pub status: DriftStatus,
    /// The spec is managed but the connector is gone from the cluster.
    pub missing: bool,
    /// `before` is the spec, `after` the live value.
    pub diff: Vec<ConfigChange>,
    pub state: Option<StateChange>,
    /// Changes recorded in the history since the apply, newest first (empty when the change was
    /// made on a worker directly).
    pub changed_by: Vec<RecordedChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedChange {
    pub event: i64,
    pub at: String,
    pub actor: String,
    pub source: Source,
    pub action: Action,
}
