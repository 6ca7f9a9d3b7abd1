//! KIP-875 offsets as one operation: stop the connector if it runs, alter or reset its offsets,
//! and resume it if asked, answering with each step taken.

use std::time::Duration;

use api_types::{OffsetsChange, OffsetsOutcome};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

use super::{ChangeOrigin, change};
use crate::AppState;
use crate::connect::{ClusterClient, ConnectorAction, paths};
use crate::error::ApiError;

/// How long a connector may take to reach STOPPED before the flow gives up.
const STOP_WAIT: Duration = Duration::from_secs(30);
const STOP_POLL: Duration = Duration::from_millis(250);

pub fn router() -> Router<AppState> {
    let offsets = "/clusters/{cluster}/connectors/{name}/offsets";
    Router::new()
        .route(&format!("{offsets}/alter"), post(alter_connector_offsets))
        .route(&format!("{offsets}/reset"), post(reset_connector_offsets))
}

async fn alter_connector_offsets(
    state: State<AppState>,
    path: Path<(String, String)>,
    origin: ChangeOrigin,
    body: Result<Json<OffsetsChange>, JsonRejection>,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let Json(change) = body?;
    let offsets = change
        .offsets
        .clone()
        .ok_or_else(|| ApiError::BadRequest("`offsets` is required to alter offsets".into()))?;
    let flow = Flow {
        method: Method::PATCH,
        action: "offsets_alter",
        body: Some(offsets),
        resume_after: change.resume_after,
    };
    run_flow(state, path, origin, flow).await
}

async fn reset_connector_offsets(
    state: State<AppState>,
    path: Path<(String, String)>,
    origin: ChangeOrigin,
    body: Result<Json<OffsetsChange>, JsonRejection>,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let Json(change) = body?;
    let flow = Flow {
        method: Method::DELETE,
        action: "offsets_reset",
        body: None,
        resume_after: change.resume_after,
    };
    run_flow(state, path, origin, flow).await
}

/// The offsets call of a flow and whether to resume after it.
struct Flow {
    method: Method,
    action: &'static str,
    body: Option<Value>,
    resume_after: bool,
}

/// Each Connect call of the flow (stop, alter or reset, resume) is its own history event.
async fn run_flow(
    State(state): State<AppState>,
    Path((cluster_id, name)): Path<(String, String)>,
    origin: ChangeOrigin,
    flow: Flow,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let client = state.writable_cluster(&cluster_id)?;
    let mut steps = Vec::new();
    if client.fresh_state(&name).await? != "STOPPED" {
        let stop = ConnectorAction::Stop;
        let intent = origin.intent(Some(&name), stop.history_name(), None);
        change(&state, client, intent, stop.request(&name), None).await?;
        wait_until_stopped(client, &name).await?;
        steps.push("stopped the connector".to_owned());
    }
    let intent = origin.intent(Some(&name), flow.action, flow.body.clone());
    let request = (flow.method.clone(), paths::connector(&name, &["offsets"]));
    let result: Value = change(&state, client, intent, request, flow.body.as_ref())
        .await?
        .json()?;
    let done = if flow.method == Method::DELETE {
        "reset the offsets"
    } else {
        "altered the offsets"
    };
    steps.push(done.to_owned());
    if flow.resume_after {
        let resume = ConnectorAction::Resume;
        let intent = origin.intent(Some(&name), resume.history_name(), None);
        change(&state, client, intent, resume.request(&name), None).await?;
        steps.push("resumed the connector".to_owned());
    }
    Ok(Json(OffsetsOutcome { steps, result }))
}

async fn wait_until_stopped(client: &ClusterClient, name: &str) -> Result<(), ApiError> {
    let deadline = tokio::time::Instant::now() + STOP_WAIT;
    loop {
        let state = client.fresh_state(name).await?;
        if state == "STOPPED" {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::Connect {
                status: axum::http::StatusCode::CONFLICT,
                message: format!(
                    "connector {name} did not reach STOPPED within {} s (it is {state}); offsets unchanged",
                    STOP_WAIT.as_secs()
                ),
            });
        }
        tokio::time::sleep(STOP_POLL).await;
    }
}
