//! Drift: a managed cluster's live connectors against the specs last applied to it, from the
//! cached connector list (no call per connector). A connector is in sync, drifted (with the
//! keys that differ, the state, and who changed it according to the history), or unmanaged.

use std::collections::{BTreeMap, BTreeSet};

use api_types::{
    ClusterDrift, ConfigChange, ConnectorDrift, ConnectorSummary, DriftStatus, StateChange,
};

use super::compare::differences;
use super::export::desired;
use super::store::{self, Applied, AppliedConnector};
use crate::error::ApiError;
use crate::secrets::keys::masked;
use crate::state::AppState;
use plugboard_connect::{ClusterClient, Freshness, LiveConnector};

/// Every connector of `client`'s cluster against its applied specs; `only` limits the answer
/// to one connector.
pub(crate) async fn cluster_drift(
    state: &AppState,
    client: &ClusterClient,
    only: Option<&str>,
) -> Result<ClusterDrift, ApiError> {
    let db = state.history.db();
    let applied = store::applied(db, client.id()).await?;
    let Some(applied) = applied else {
        return Ok(ClusterDrift {
            cluster: client.id().to_owned(),
            applied: None,
            connectors: Vec::new(),
        });
    };
    let live = client.live_connectors(Freshness::Cached).await?;
    let mut connectors = statuses(state, client, &applied, &live);
    connectors.retain(|c| only.is_none_or(|name| c.name == name));
    for drifted in connectors
        .iter_mut()
        .filter(|c| c.status == DriftStatus::Drifted)
    {
        drifted.changed_by =
            store::changes_since(db, client.id(), &drifted.name, &applied.specs.at).await?;
    }
    Ok(ClusterDrift {
        cluster: client.id().to_owned(),
        applied: Some(applied.specs),
        connectors,
    })
}

/// Marks each connector of a managed cluster in `connectors` with its drift status, from the
/// cached list (no call to Connect beyond what the list itself cost).
pub(crate) async fn mark(state: &AppState, connectors: &mut [ConnectorSummary]) {
    let clusters: BTreeSet<String> = connectors.iter().map(|c| c.cluster.clone()).collect();
    for cluster in clusters {
        let (Ok(client), Ok(Some(applied))) = (
            state.clusters.get(&cluster),
            store::applied(state.history.db(), &cluster).await,
        ) else {
            continue;
        };
        let Ok(live) = client.live_connectors(Freshness::Cached).await else {
            continue;
        };
        let statuses: BTreeMap<String, DriftStatus> = statuses(state, client, &applied, &live)
            .into_iter()
            .map(|d| (d.name, d.status))
            .collect();
        for connector in connectors.iter_mut().filter(|c| c.cluster == cluster) {
            connector.drift = statuses.get(&connector.name).copied();
        }
    }
}

/// Each managed connector's drift, then each unmanaged one, by name.
fn statuses(
    state: &AppState,
    client: &ClusterClient,
    applied: &Applied,
    live: &BTreeMap<String, LiveConnector>,
) -> Vec<ConnectorDrift> {
    let mut drifts: Vec<ConnectorDrift> = applied
        .connectors
        .iter()
        .map(|(name, spec)| one(state, client, name, spec, live.get(name)))
        .collect();
    drifts.extend(
        live.keys()
            .filter(|name| !applied.connectors.contains_key(*name))
            .map(|name| ConnectorDrift {
                name: name.clone(),
                status: DriftStatus::Unmanaged,
                missing: false,
                diff: Vec::new(),
                state: None,
                changed_by: Vec::new(),
            }),
    );
    drifts.sort_by(|a, b| a.name.cmp(&b.name));
    drifts
}

fn one(
    state: &AppState,
    client: &ClusterClient,
    name: &str,
    applied: &AppliedConnector,
    live: Option<&LiveConnector>,
) -> ConnectorDrift {
    let spec = &applied.spec;
    let (diff, state_change, missing) = match live {
        None => {
            let diff: Vec<ConfigChange> = spec
                .config
                .iter()
                .map(|(key, value)| ConfigChange {
                    key: key.clone(),
                    before: Some(value.clone()),
                    after: None,
                })
                .collect();
            (diff, None, true)
        }
        Some(live) => {
            let declared = client.known_secret_keys(&live.config);
            let shown =
                |key: &str, value: &str| masked(key, value, &declared).unwrap_or(value.to_owned());
            let fingerprint = |value: &str| state.history.fingerprint(value);
            // `differences` puts the live value first; drift reads from the spec to the live.
            let diff = differences(&applied.expected, &live.config, shown, fingerprint)
                .into_iter()
                .map(|c| ConfigChange {
                    key: c.key,
                    before: c.after,
                    after: c.before,
                })
                .collect();
            let now = desired(live.state);
            let state_change = (now != spec.state).then_some(StateChange {
                from: Some(spec.state),
                to: now,
            });
            (diff, state_change, false)
        }
    };
    let in_sync = diff.is_empty() && state_change.is_none() && !missing;
    ConnectorDrift {
        name: name.to_owned(),
        status: if in_sync {
            DriftStatus::InSync
        } else {
            DriftStatus::Drifted
        },
        missing,
        diff,
        state: state_change,
        changed_by: Vec::new(),
    }
}
