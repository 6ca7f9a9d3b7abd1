//! Changing connectors: create, update (full or patch), delete, pause, resume, stop, restart,
//! task restart and topic reset. Each is recorded in the history and answers with Connect's
//! own status and body.

use std::collections::BTreeMap;

use api_types::{NewConnector, RestartScope};
use axum::extract::State;
use axum::response::Response;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery, ChangeOrigin, ConnectorPath, change, relay, relay_masked};
use crate::error::ApiError;
use crate::secrets;
use crate::state::AppState;
use plugboard_connect::{ConnectCall, ConnectorName};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_connector))
        .routes(routes!(replace_connector_config))
        .routes(routes!(patch_connector_config))
        .routes(routes!(delete_connector))
        .routes(routes!(pause_connector))
        .routes(routes!(resume_connector))
        .routes(routes!(stop_connector))
        .routes(routes!(restart_connector))
        .routes(routes!(restart_task))
        .routes(routes!(reset_connector_topics))
}

fn every_key_set(config: BTreeMap<String, String>) -> BTreeMap<String, Option<String>> {
    config.into_iter().map(|(k, v)| (k, Some(v))).collect()
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors", params(("cluster" = String, Path, description = "The cluster's id")), request_body = api_types::NewConnector, responses((status = 201, description = "Connect's answer: the new connector's info, secrets hidden", body = Object), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("create on cluster"))))]
async fn create_connector(
    State(state): State<AppState>,
    ApiPath(cluster_id): ApiPath<String>,
    origin: ChangeOrigin,
    ApiJson(mut new): ApiJson<NewConnector>,
) -> Result<Response, ApiError> {
    ConnectorName::new(&new.name)?;
    let client = state.writable_cluster(&cluster_id)?;
    // A new connector has no stored secret for a placeholder to stand for.
    secrets::restore(new.config.iter_mut().collect(), None)?;
    let mut body = json!({ "name": new.name, "config": new.config });
    if let Some(initial_state) = new.initial_state {
        body["initial_state"] = json!(initial_state);
    }
    let call = ConnectCall::CreateConnector;
    let mut intent = origin.intent(&call);
    intent.connector = Some(new.name.clone());
    intent.config = Some(every_key_set(new.config));
    let response = change(&state, client, intent, &call, Some(&body)).await?;
    Ok(relay_masked(client, &call, response).await)
}

#[utoipa::path(put, path = "/clusters/{cluster}/connectors/{name}/config", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), request_body = std::collections::BTreeMap<String, String>, responses((status = 200, description = "Connect's answer: the connector's info, secrets hidden", body = Object), (status = 201, description = "Created by the update", body = Object), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("update on cluster"))))]
async fn replace_connector_config(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
    origin: ChangeOrigin,
    ApiJson(mut config): ApiJson<BTreeMap<String, String>>,
) -> Result<Response, ApiError> {
    let client = state.writable_cluster(&cluster)?;
    secrets::restore_live(client, &name, config.iter_mut().collect()).await?;
    let body = json!(config);
    let call = ConnectCall::PutConfig(name);
    let mut intent = origin.intent(&call);
    intent.config = Some(every_key_set(config));
    let response = change(&state, client, intent, &call, Some(&body)).await?;
    Ok(relay_masked(client, &call, response).await)
}

/// KIP-477 patch: keys with a string value are set, keys with `null` are removed.
#[utoipa::path(patch, path = "/clusters/{cluster}/connectors/{name}/config", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), request_body = std::collections::BTreeMap<String, Option<String>>, responses((status = 200, description = "Connect's answer: the connector's info, secrets hidden", body = Object), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("patch on cluster"))))]
async fn patch_connector_config(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
    origin: ChangeOrigin,
    ApiJson(mut patch): ApiJson<BTreeMap<String, Option<String>>>,
) -> Result<Response, ApiError> {
    let client = state.writable_cluster(&cluster)?;
    let set_values = patch.iter_mut().filter_map(|(k, v)| Some((k, v.as_mut()?)));
    secrets::restore_live(client, &name, set_values.collect()).await?;
    let body = json!(patch);
    let call = ConnectCall::PatchConfig(name);
    let mut intent = origin.intent(&call);
    intent.config = Some(patch);
    let response = change(&state, client, intent, &call, Some(&body)).await?;
    Ok(relay_masked(client, &call, response).await)
}

#[utoipa::path(delete, path = "/clusters/{cluster}/connectors/{name}", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 204, description = "Deleted"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("delete on cluster"))))]
async fn delete_connector(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
) -> Result<Response, ApiError> {
    act(
        state,
        origin,
        ConnectCall::DeleteConnector(path.name.clone()),
        path,
    )
    .await
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/pause", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 202, description = "Connect will pause it"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("pause on cluster"))))]
async fn pause_connector(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
) -> Result<Response, ApiError> {
    act(state, origin, ConnectCall::Pause(path.name.clone()), path).await
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/resume", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 202, description = "Connect will resume it"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("resume on cluster"))))]
async fn resume_connector(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
) -> Result<Response, ApiError> {
    act(state, origin, ConnectCall::Resume(path.name.clone()), path).await
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/stop", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 204, description = "Connect will stop it"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("stop on cluster"))))]
async fn stop_connector(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
) -> Result<Response, ApiError> {
    act(state, origin, ConnectCall::Stop(path.name.clone()), path).await
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/topics/reset", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 202, description = "Connect forgets the active topics"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("topics_reset on cluster"))))]
async fn reset_connector_topics(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
) -> Result<Response, ApiError> {
    act(
        state,
        origin,
        ConnectCall::ResetTopics(path.name.clone()),
        path,
    )
    .await
}

/// `?include_tasks=true&only_failed=true` as in KIP-745; both default to false.
#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/restart", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name"), ("include_tasks" = Option<bool>, Query), ("only_failed" = Option<bool>, Query)), responses((status = 202, description = "Connect restarts what the scope names", body = Object), (status = 204, description = "Connect restarted the connector"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("restart on cluster"))))]
async fn restart_connector(
    state: State<AppState>,
    path: ConnectorPath,
    origin: ChangeOrigin,
    ApiQuery(scope): ApiQuery<RestartScope>,
) -> Result<Response, ApiError> {
    act(
        state,
        origin,
        ConnectCall::Restart(path.name.clone(), scope),
        path,
    )
    .await
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/tasks/{task}/restart", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name"), ("task" = u32, Path)), responses((status = 204, description = "Restarted"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("task_restart on cluster"))))]
async fn restart_task(
    state: State<AppState>,
    path: ConnectorPath,
    ApiPath(params): ApiPath<Vec<(String, String)>>,
    origin: ChangeOrigin,
) -> Result<Response, ApiError> {
    let task = &params[2].1;
    let task = task
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("task id `{task}` is not a number")))?;
    act(
        state,
        origin,
        ConnectCall::RestartTask(path.name.clone(), task),
        path,
    )
    .await
}

async fn act(
    State(state): State<AppState>,
    origin: ChangeOrigin,
    call: ConnectCall,
    path: ConnectorPath,
) -> Result<Response, ApiError> {
    let client = state.writable_cluster(&path.cluster)?;
    let intent = origin.intent(&call);
    Ok(relay(change(&state, client, intent, &call, None).await?))
}
