//! Applying a plan through the same change path as the console: every call is recorded in the
//! history (source `apply`, the actor, the git commit), in a safe order: new connectors (in
//! their asked state, KIP-980), then config updates, then state changes, then deletions. The
//! first failure stops the rest. The specs are then recorded as the cluster's managed set.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use api_types::{
    Action, AppliedSpecs, AppliedStep, ApplyReport, ApplyRequest, ChangeKind, DesiredState, Outcome,
};
use serde_json::{Value, json};

use super::plan::{Planned, Prepared, initial_state, plan, secrets_compared};
use super::store::{self, AppliedConnector};
use crate::error::ApiError;
use crate::history::{Intent, Source};
use crate::state::AppState;
use plugboard_connect::{ConnectCall, ConnectError, ConnectorName, Freshness, UpstreamRequest};

/// One call of an apply.
struct Step {
    cluster: String,
    name: ConnectorName,
    call: ConnectCall,
    body: Option<Value>,
    config: Option<BTreeMap<String, String>>,
}

/// Plans `request` and, unless it is a dry run, carries the plan out as `actor`.
pub(crate) async fn apply(
    state: &AppState,
    request: &ApplyRequest,
    actor: Option<String>,
) -> Result<ApplyReport, ApiError> {
    for spec in &request.plan.specs {
        state.writable_cluster(&spec.cluster)?;
    }
    let planned = plan(state, &request.plan).await?;
    record_compared(state, &planned, actor.clone()).await?;
    let mut report = ApplyReport {
        plan: planned.plan.clone(),
        dry_run: request.dry_run,
        steps: Vec::new(),
    };
    if request.dry_run {
        return Ok(report);
    }
    for step in steps(&planned) {
        let done = perform(state, step, request.commit.as_deref(), actor.clone()).await?;
        let failed = done.outcome != Outcome::Success;
        report.steps.push(done);
        if failed {
            break;
        }
    }
    record(state, request, &planned.prepared, actor).await?;
    settle(state, &report.steps).await;
    Ok(report)
}

/// Records which stored secrets the plan compared, per cluster (see [`secrets_compared`]).
async fn record_compared(
    state: &AppState,
    planned: &Planned,
    actor: Option<String>,
) -> Result<(), ApiError> {
    for (cluster, detail) in secrets_compared(planned) {
        let intent = Intent {
            source: Source::Apply,
            connector: None,
            action: Action::SecretsCompared,
            detail: Some(detail),
            config: None,
            reason: None,
            actor: actor.clone(),
        };
        state
            .history
            .record_done(&cluster, intent, Outcome::Success, None)
            .await?;
    }
    Ok(())
}

/// How long an apply waits for Connect's connector list to show what it created and deleted.
const SETTLE_WITHIN: Duration = Duration::from_secs(10);

/// Waits (up to [`SETTLE_WITHIN`]) until each cluster's connector list shows the connectors
/// this apply created and no longer shows those it deleted. A worker answers a create before
/// its herder lists the connector, and a plan made right after an apply must not propose the
/// same changes again.
async fn settle(state: &AppState, steps: &[AppliedStep]) {
    let done = |action| {
        steps
            .iter()
            .filter(move |s| s.action == action && s.outcome == Outcome::Success)
    };
    let deadline = tokio::time::Instant::now() + SETTLE_WITHIN;
    for cluster in steps
        .iter()
        .map(|s| s.cluster.as_str())
        .collect::<HashSet<_>>()
    {
        let Ok(client) = state.clusters.get(cluster) else {
            continue;
        };
        while tokio::time::Instant::now() < deadline {
            let Ok(live) = client.live_connectors(Freshness::Now).await else {
                break;
            };
            let shown = done(Action::Create)
                .filter(|s| s.cluster == cluster)
                .all(|s| live.contains_key(&s.name))
                && done(Action::Delete)
                    .filter(|s| s.cluster == cluster)
                    .all(|s| !live.contains_key(&s.name));
            if shown {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The calls of a plan, in the order they are safe to make.
fn steps(planned: &Planned) -> Vec<Step> {
    let changed = || {
        planned
            .prepared
            .iter()
            .filter_map(|p| Some((p, p.change.as_ref()?)))
    };
    let name = |p: &Prepared| ConnectorName::new(&p.spec.name).expect("checked when planned");
    let mut steps = Vec::new();
    for (prepared, _) in changed().filter(|(_, c)| c.kind == ChangeKind::Create) {
        let mut body = json!({ "name": prepared.spec.name, "config": prepared.resolved });
        if prepared.spec.state != DesiredState::Running {
            body["initial_state"] = json!(initial_state(prepared.spec.state));
        }
        steps.push(Step {
            cluster: prepared.spec.cluster.clone(),
            name: name(prepared),
            call: ConnectCall::CreateConnector,
            body: Some(body),
            config: Some(prepared.resolved.clone()),
        });
    }
    for (prepared, _) in changed().filter(|(_, c)| c.kind == ChangeKind::Update) {
        steps.push(Step {
            cluster: prepared.spec.cluster.clone(),
            name: name(prepared),
            call: ConnectCall::PutConfig(name(prepared)),
            body: Some(json!(prepared.resolved)),
            config: Some(prepared.resolved.clone()),
        });
    }
    for (prepared, change) in changed().filter(|(_, c)| c.kind != ChangeKind::Create) {
        let Some(to) = change.state.as_ref().map(|s| s.to) else {
            continue;
        };
        let call = match to {
            DesiredState::Running => ConnectCall::Resume(name(prepared)),
            DesiredState::Paused => ConnectCall::Pause(name(prepared)),
            DesiredState::Stopped => ConnectCall::Stop(name(prepared)),
        };
        steps.push(Step {
            cluster: prepared.spec.cluster.clone(),
            name: name(prepared),
            call,
            body: None,
            config: None,
        });
    }
    for (cluster, name) in &planned.deletes {
        steps.push(Step {
            cluster: cluster.clone(),
            name: name.clone(),
            call: ConnectCall::DeleteConnector(name.clone()),
            body: None,
            config: None,
        });
    }
    steps
}

async fn perform(
    state: &AppState,
    step: Step,
    commit: Option<&str>,
    actor: Option<String>,
) -> Result<AppliedStep, ApiError> {
    let client = state.writable_cluster(&step.cluster)?;
    let action = step.call.action().unwrap_or(Action::Update);
    let mut detail = step.call.detail().unwrap_or_else(|| json!({}));
    if let Some(commit) = commit {
        detail["commit"] = json!(commit);
    }
    let intent = Intent {
        source: Source::Apply,
        connector: Some(step.name.as_str().to_owned()),
        action,
        detail: Some(detail),
        config: step
            .config
            .map(|c| c.into_iter().map(|(k, v)| (k, Some(v))).collect()),
        reason: None,
        actor,
    };
    let body = step.body.map(|b| b.to_string().into());
    let request = UpstreamRequest::new(&step.call, body);
    let (outcome, message) = match state.history.perform(client, intent, request).await {
        Ok(response) if response.status.is_success() => (Outcome::Success, None),
        Ok(response) => (
            Outcome::Failure,
            Some(ConnectError::from_answer(&response).to_string()),
        ),
        Err(error) => (Outcome::Failure, Some(error.to_string())),
    };
    Ok(AppliedStep {
        cluster: step.cluster,
        name: step.name.as_str().to_owned(),
        action,
        outcome,
        message,
    })
}

/// Records the specs as each named cluster's managed set, and its strictness.
async fn record(
    state: &AppState,
    request: &ApplyRequest,
    prepared: &[Prepared],
    actor: Option<String>,
) -> Result<(), ApiError> {
    let mut by_cluster: BTreeMap<&str, Vec<AppliedConnector>> = BTreeMap::new();
    for one in prepared {
        by_cluster
            .entry(one.spec.cluster.as_str())
            .or_default()
            .push(AppliedConnector {
                spec: one.spec.clone(),
                expected: one.expected.clone(),
            });
    }
    let specs = AppliedSpecs {
        at: String::new(),
        by: actor.unwrap_or_else(|| state.settings.actor.clone()),
        commit: request.commit.clone(),
        strict: request.strict,
    };
    for (cluster, connectors) in by_cluster {
        store::record(state.history.db(), cluster, &specs, &connectors).await?;
    }
    Ok(())
}
