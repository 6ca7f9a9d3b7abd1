//! Planning: each spec is resolved, checked (no secret in clear, Connect's validation passes)
//! and compared with the live connector; with `prune`, connectors the cluster's last apply
//! managed that are no longer in the specs are to be deleted. Nothing is changed here.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use api_types::{
    ChangeKind, ConfigChange, ConnectorSpec, DesiredState, Plan, PlanRequest, PlannedChange,
    StateChange,
};
use futures::stream::{self, StreamExt};
use serde_json::{Value, json};

use super::compare::{Definitions, Expected, Wanted, differences};
use super::export::desired;
use super::references::{references_in, substitute};
use super::store;
use crate::error::ApiError;
use crate::secrets::keys::{masked, secret_parts};
use crate::state::AppState;
use plugboard_connect::model::validation_errors;
use plugboard_connect::{
    ClusterClient, ConnectCall, ConnectorName, Freshness, LiveConnector, PluginName,
};

/// How many specs are validated by Connect at once, per plan.
const VALIDATIONS_AT_ONCE: usize = 4;
/// The most specs one plan takes (each costs a validation by Connect).
pub(crate) const MAX_SPECS: usize = 500;

/// One spec, resolved and compared.
pub(crate) struct Prepared {
    pub spec: ConnectorSpec,
    /// The config with every reference replaced by its value: what is sent to Connect.
    pub resolved: BTreeMap<String, String>,
    /// What drift compares with later: referenced values by fingerprint only.
    pub expected: Expected,
    /// `None` when the connector is as specified.
    pub change: Option<PlannedChange>,
    /// The keys whose stored secret was compared with the spec's value.
    pub compared_secrets: Vec<String>,
}

/// A plan and what carrying it out needs.
pub(crate) struct Planned {
    pub plan: Plan,
    pub prepared: Vec<Prepared>,
    /// Connectors to delete, as `(cluster, name)`.
    pub deletes: Vec<(String, ConnectorName)>,
}

/// Compares `request`'s specs with the live clusters. Any spec that cannot be applied (an
/// unknown cluster, a bad name, a reference without a value, a secret in clear, a config
/// Connect refuses) fails the whole plan with every problem named.
pub(crate) async fn plan(state: &AppState, request: &PlanRequest) -> Result<Planned, ApiError> {
    check_size(request)?;
    crate::secrets::known::note_for_request(request.values.values().map(String::as_str));
    let clusters = clusters_of(state, &request.specs)?;
    let mut prepared = Vec::new();
    let mut deletes = Vec::new();
    let mut problems = Vec::new();
    for (cluster, specs) in clusters {
        let client = state.clusters.get(&cluster)?;
        let live = client.live_connectors(Freshness::Now).await?;
        let preparing: Vec<_> = specs
            .iter()
            .map(|spec| prepare(state, client, spec, &request.values, live.get(&spec.name)))
            .collect();
        let results: Vec<Result<Prepared, String>> = stream::iter(preparing)
            .buffered(VALIDATIONS_AT_ONCE)
            .collect()
            .await;
        for result in results {
            match result {
                Ok(one) => prepared.push(one),
                Err(problem) => problems.push(problem),
            }
        }
        if request.prune {
            let named: HashSet<&str> = request
                .specs
                .iter()
                .filter(|s| s.cluster == cluster)
                .map(|s| s.name.as_str())
                .collect();
            let applied = store::applied(state.history.db(), &cluster).await?;
            for name in applied.into_iter().flat_map(|a| a.connectors.into_keys()) {
                if !named.contains(name.as_str()) && live.contains_key(&name) {
                    deletes.push((cluster.clone(), ConnectorName::new(&name)?));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::BadRequest(format!(
            "{} spec(s) cannot be applied, so nothing was changed: {}",
            problems.len(),
            problems.join("; ")
        )));
    }
    let mut changes: Vec<PlannedChange> =
        prepared.iter().filter_map(|p| p.change.clone()).collect();
    changes.extend(deletes.iter().map(|(cluster, name)| PlannedChange {
        cluster: cluster.clone(),
        name: name.as_str().to_owned(),
        kind: ChangeKind::Delete,
        diff: Vec::new(),
        state: None,
    }));
    let unchanged = prepared.iter().filter(|p| p.change.is_none()).count();
    Ok(Planned {
        plan: Plan { changes, unchanged },
        prepared,
        deletes,
    })
}

/// At most [`MAX_SPECS`] specs in one plan.
pub(crate) fn check_size(request: &PlanRequest) -> Result<(), ApiError> {
    if request.specs.len() > MAX_SPECS {
        return Err(ApiError::BadRequest(format!(
            "{} specs in one plan; at most {MAX_SPECS} are taken: split them by cluster",
            request.specs.len()
        )));
    }
    Ok(())
}

/// The specs by cluster, each cluster known and each name valid and named once.
fn clusters_of<'s>(
    state: &AppState,
    specs: &'s [ConnectorSpec],
) -> Result<BTreeMap<String, Vec<&'s ConnectorSpec>>, ApiError> {
    let mut by_cluster: BTreeMap<String, Vec<&ConnectorSpec>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for spec in specs {
        state.clusters.get(&spec.cluster)?;
        ConnectorName::new(&spec.name)?;
        if !seen.insert((&spec.cluster, &spec.name)) {
            return Err(ApiError::BadRequest(format!(
                "connector `{}` on cluster `{}` has two specs",
                spec.name, spec.cluster
            )));
        }
        by_cluster
            .entry(spec.cluster.clone())
            .or_default()
            .push(spec);
    }
    Ok(by_cluster)
}

async fn prepare(
    state: &AppState,
    client: &ClusterClient,
    spec: &ConnectorSpec,
    values: &BTreeMap<String, String>,
    live: Option<&LiveConnector>,
) -> Result<Prepared, String> {
    let at = format!("`{}` on `{}`", spec.name, spec.cluster);
    let mut resolved = BTreeMap::new();
    for (key, written) in &spec.config {
        let value =
            substitute(written, values, &format!("{at}: `{key}`")).map_err(|e| e.to_string())?;
        resolved.insert(key.clone(), value);
    }
    let declared = client.declared_secret_keys(&resolved).await;
    for (key, written) in &spec.config {
        if secret_parts(key, written, &declared)
            .iter()
            .any(|part| !part.contains("${"))
        {
            return Err(format!(
                "{at}: `{key}` holds a secret in clear; write it as ${{env:NAME}} or ${{file:PATH}}"
            ));
        }
    }
    if let Some(version) = client.connect_version().await {
        let removed: Vec<String> = version
            .removed_keys(&spec.config)
            .into_iter()
            .map(|(old, new)| format!("`{old}` (now `{new}`)"))
            .collect();
        if !removed.is_empty() {
            return Err(format!(
                "{at}: Connect {} no longer reads {}: it would ignore them",
                version.reported(),
                removed.join(", ")
            ));
        }
    }
    client
        .check_pinned_version(&resolved)
        .await
        .map_err(|e| format!("{at}: {e}"))?;
    let definitions = validate(client, spec, &resolved)
        .await
        .map_err(|e| format!("{at}: {e}"))?;
    let expected = Expected {
        written: spec.config.clone(),
        wanted: resolved
            .iter()
            .map(|(k, v)| (k.clone(), Wanted::Value(v.clone())))
            .collect(),
        definitions,
    };
    let shown = |key: &str, value: &str| masked(key, value, &declared).unwrap_or(value.to_owned());
    let compared_secrets = match live {
        Some(_) => resolved
            .iter()
            .filter(|(key, value)| !secret_parts(key, value, &declared).is_empty())
            .map(|(key, _)| key.clone())
            .collect(),
        None => Vec::new(),
    };
    let change = match live {
        None => Some(PlannedChange {
            cluster: spec.cluster.clone(),
            name: spec.name.clone(),
            kind: ChangeKind::Create,
            diff: spec
                .config
                .iter()
                .map(|(key, value)| ConfigChange {
                    key: key.clone(),
                    before: None,
                    after: Some(value.clone()),
                })
                .collect(),
            state: Some(StateChange {
                from: None,
                to: spec.state,
            }),
        }),
        Some(live) => {
            let diff = differences(&expected, &live.config, shown, str::to_owned);
            let now = desired(live.state);
            let state = (now != spec.state).then_some(StateChange {
                from: Some(now),
                to: spec.state,
            });
            let kind = if diff.is_empty() {
                state.as_ref().map(|_| ChangeKind::State)
            } else {
                Some(ChangeKind::Update)
            };
            kind.map(|kind| PlannedChange {
                cluster: spec.cluster.clone(),
                name: spec.name.clone(),
                kind,
                diff,
                state,
            })
        }
    };
    let for_drift = Expected {
        wanted: resolved
            .iter()
            .map(|(key, value)| {
                let referenced = !references_in(&spec.config[key]).is_empty();
                let wanted = if referenced {
                    Wanted::Fingerprint(state.history.fingerprint(value))
                } else {
                    Wanted::Value(value.clone())
                };
                (key.clone(), wanted)
            })
            .collect(),
        ..expected
    };
    Ok(Prepared {
        spec: spec.clone(),
        resolved,
        expected: for_drift,
        change,
        compared_secrets,
    })
}

/// For each cluster, which connectors' stored secrets the plan compared and under which keys
/// (never the values), as a history event's detail.
pub(crate) fn secrets_compared(planned: &Planned) -> BTreeMap<String, Value> {
    let mut by_cluster: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for prepared in planned
        .prepared
        .iter()
        .filter(|p| !p.compared_secrets.is_empty())
    {
        by_cluster
            .entry(prepared.spec.cluster.clone())
            .or_default()
            .insert(
                prepared.spec.name.clone(),
                prepared.compared_secrets.clone(),
            );
    }
    by_cluster
        .into_iter()
        .map(|(cluster, connectors)| (cluster, json!({ "connectors": connectors })))
        .collect()
}

/// Connect's validation of the resolved config: its definitions, or every error it reports.
async fn validate(
    client: &ClusterClient,
    spec: &ConnectorSpec,
    resolved: &BTreeMap<String, String>,
) -> Result<Definitions, String> {
    let class = resolved
        .get("connector.class")
        .ok_or("the config has no connector.class")?;
    let plugin = PluginName::new(class).map_err(|e| e.to_string())?;
    let mut body = json!(resolved);
    body["name"] = json!(spec.name);
    let answer: Value = client
        .call(&ConnectCall::ValidateConfig(plugin, None), Some(&body))
        .await
        .and_then(|response| response.json())
        .map_err(|e| e.to_string())?;
    let errors = validation_errors(&answer);
    if errors.is_empty() {
        Ok(Definitions::from_validation(&answer))
    } else {
        Err(format!("Connect refuses the config: {}", errors.join(", ")))
    }
}

/// The state a connector is asked to reach, as Connect's initial state on create.
pub(crate) fn initial_state(state: DesiredState) -> api_types::InitialState {
    match state {
        DesiredState::Running => api_types::InitialState::Running,
        DesiredState::Paused => api_types::InitialState::Paused,
        DesiredState::Stopped => api_types::InitialState::Stopped,
    }
}
