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
    body: Result<Json<OffsetsChange>, JsonRejection>,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let Json(change) = body?;
    let offsets = change
        .offsets
        .clone()
        .ok_or_else(|| ApiError::BadRequest("`offsets` is required to alter offsets".into()))?;
    run_flow(
        state,
        path,
        Method::PATCH,
        Some(offsets),
        change.resume_after,
    )
    .await
}

async fn reset_connector_offsets(
    state: State<AppState>,
    path: Path<(String, String)>,
    body: Result<Json<OffsetsChange>, JsonRejection>,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let Json(change) = body?;
    run_flow(state, path, Method::DELETE, None, change.resume_after).await
}

async fn run_flow(
    State(state): State<AppState>,
    Path((cluster_id, name)): Path<(String, String)>,
    method: Method,
    body: Option<Value>,
    resume_after: bool,
) -> Result<Json<OffsetsOutcome>, ApiError> {
    let client = state.writable_cluster(&cluster_id)?;
    let mut steps = Vec::new();
    if client.fresh_state(&name).await? != "STOPPED" {
        let (stop, path) = ConnectorAction::Stop.request(&name);
        client.call(stop, path, None).await?;
        wait_until_stopped(client, &name).await?;
        steps.push("stopped the connector".to_owned());
    }
    let path = paths::connector(&name, &["offsets"]);
    let result: Value = client
        .call(method.clone(), path, body.as_ref())
        .await?
        .json()?;
    steps.push(
        if method == Method::DELETE {
            "reset the offsets"
        } else {
            "altered the offsets"
        }
        .to_owned(),
    );
    if resume_after {
        let (resume, path) = ConnectorAction::Resume.request(&name);
        client.call(resume, path, None).await?;
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
