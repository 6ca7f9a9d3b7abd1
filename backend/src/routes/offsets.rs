//! KIP-875 offsets as one operation: stop the connector if it runs, alter or reset its offsets,
//! and resume it if asked, answering with each step taken.

use std::time::Duration;

use api_types::{ConnectorState, OffsetsChange, OffsetsOutcome};
use axum::Json;
use axum::extract::State;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ChangeOrigin, ConnectorPath, change};
use crate::error::ApiError;
use crate::state::AppState;
use plugboard_connect::{ClusterClient, ConnectCall, ConnectorName};

/// How long a connector may take to reach STOPPED before the flow gives up.
const STOP_WAIT: Duration = Duration::from_secs(30);
const STOP_POLL: Duration = Duration::from_millis(250);

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(alter_connector_offsets))
        .routes(routes!(reset_connector_offsets))
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/offsets/alter", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), request_body = api_types::OffsetsChange, responses((status = 200, body = api_types::OffsetsOutcome), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("offsets_alter on cluster"))))]
async fn alter_connector_offsets(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
    ApiJson(change): ApiJson<OffsetsChange>,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let offsets = change
        .offsets
        .clone()
        .ok_or_else(|| ApiError::BadRequest("`offsets` is required to alter offsets".into()))?;
    let flow = Flow {
        call: ConnectCall::AlterOffsets(path.name.clone()),
        body: Some(offsets),
        resume_after: change.resume_after,
    };
    run_flow(state, path, origin, flow).await
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/offsets/reset", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), request_body = api_types::OffsetsChange, responses((status = 200, body = api_types::OffsetsOutcome), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("offsets_reset on cluster"))))]
async fn reset_connector_offsets(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
    ApiJson(change): ApiJson<OffsetsChange>,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let flow = Flow {
        call: ConnectCall::ResetOffsets(path.name.clone()),
        body: None,
        resume_after: change.resume_after,
    };
    run_flow(state, path, origin, flow).await
}

/// The offsets call of a flow and whether to resume after it.
struct Flow {
    call: ConnectCall,
    body: Option<Value>,
    resume_after: bool,
}

/// Each Connect call of the flow (stop, alter or reset, resume) is its own history event.
async fn run_flow(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
    origin: ChangeOrigin,
    flow: Flow,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let client = state.writable_cluster(&cluster)?;
    let mut steps = Vec::new();
    if client.fresh_state(&name).await? != ConnectorState::Stopped {
        let stop = ConnectCall::Stop(name.clone());
        change(&state, client, origin.intent(&stop), &stop, None).await?;
        wait_until_stopped(client, &name).await?;
        steps.push("stopped the connector".to_owned());
    }
    let mut intent = origin.intent(&flow.call);
    intent.detail = flow.body.clone();
    let result: Value = change(&state, client, intent, &flow.call, flow.body.as_ref())
        .await?
        .json()?;
    let done = match flow.call {
        ConnectCall::ResetOffsets(_) => "reset the offsets",
        _ => "altered the offsets",
    };
    steps.push(done.to_owned());
    if flow.resume_after {
        let resume = ConnectCall::Resume(name.clone());
        change(&state, client, origin.intent(&resume), &resume, None).await?;
        steps.push("resumed the connector".to_owned());
    }
    Ok(Json(OffsetsOutcome { steps, result }))
}

async fn wait_until_stopped(client: &ClusterClient, name: &ConnectorName) -> Result<(), ApiError> {
    let deadline = tokio::time::Instant::now() + STOP_WAIT;
    loop {
        let state = client.fresh_state(name).await?;
        if state == ConnectorState::Stopped {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::Conflict(format!(
                "connector {name} did not reach STOPPED within {} s (it is {state}); offsets unchanged",
                STOP_WAIT.as_secs()
            )));
        }
        tokio::time::sleep(STOP_POLL).await;
    }
}
