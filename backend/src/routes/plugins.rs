//! Connector plugins: the list (the cluster's, and each worker's own), a plugin's config
//! definitions, and validating a config.

use std::collections::BTreeMap;

use api_types::{Action, PluginInfo, WorkerPlugins};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery, ChangeOrigin, relay, relay_masked, worker_json};
use crate::error::ApiError;
use crate::secrets;
use crate::state::AppState;
use plugboard_connect::{ConnectCall, ConnectorName, PluginName, PluginVersion, UpstreamRequest};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plugins))
        .routes(routes!(list_worker_plugins))
        .routes(routes!(get_plugin_config))
        .routes(routes!(validate_config))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PluginsQuery {
    /// false (the default here) also lists transforms, converters and predicates.
    #[serde(default)]
    connectors_only: bool,
}

/// Each worker's own list: while a plugin is installed or upgraded worker by worker, the
/// workers' lists differ, and Connect's own answer is only the worker asked.
#[utoipa::path(get, path = "/clusters/{cluster}/workers/plugins", params(("cluster" = String, Path, description = "The cluster's id"), PluginsQuery), responses((status = 200, body = Vec<api_types::WorkerPlugins>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_worker_plugins(
    State(state): State<AppState>,
    ApiPath(cluster_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PluginsQuery>,
) -> Result<Json<Vec<WorkerPlugins>>, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let call = ConnectCall::ListPlugins {
        connectors_only: Some(query.connectors_only),
    };
    let answers = client
        .send_to_each_worker(&UpstreamRequest::new(&call, None))
        .await;
    Ok(Json(
        answers
            .into_iter()
            .map(|(worker, answer)| {
                let plugins = worker_json::<Vec<PluginInfo>>(answer);
                WorkerPlugins {
                    worker,
                    error: plugins.as_ref().err().cloned(),
                    plugins: plugins.ok(),
                }
            })
            .collect(),
    ))
}

/// Which version of a plugin (KIP-891, Connect 4.1 and newer).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// An exact version or a Maven range (`[4.0,5.0)`); the newest installed when left out.
    version: Option<String>,
}

impl VersionQuery {
    fn version(self) -> Result<Option<PluginVersion>, ApiError> {
        self.version
            .as_deref()
            .map(PluginVersion::new)
            .transpose()
            .map_err(Into::into)
    }
}

#[utoipa::path(get, path = "/clusters/{cluster}/plugins", params(("cluster" = String, Path, description = "The cluster's id"), PluginsQuery), responses((status = 200, description = "Connect's answer: each plugin's class, type and version", body = Vec<Object>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_plugins(
    State(state): State<AppState>,
    ApiPath(cluster_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<PluginsQuery>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let call = ConnectCall::ListPlugins {
        connectors_only: Some(query.connectors_only),
    };
    Ok(relay(client.call(&call, None).await?))
}

#[utoipa::path(get, path = "/clusters/{cluster}/plugins/{plugin}/config", params(("cluster" = String, Path, description = "The cluster's id"), ("plugin" = String, Path), VersionQuery), responses((status = 200, description = "Connect's answer: the plugin's settings", body = Vec<Object>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_plugin_config(
    State(state): State<AppState>,
    ApiPath((cluster_id, plugin)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let call = ConnectCall::GetPluginConfig(PluginName::new(&plugin)?, query.version()?);
    client.check_exists(&call).await?;
    Ok(relay(client.call(&call, None).await?))
}

/// Connect's validate answer (groups, definitions, values, errors) for `config`, its secrets
/// hidden; the plugin named in the path is filled in as `connector.class` when the config has
/// none. Placeholders of an existing connector's secrets (named by `name`) are validated as the
/// stored values, for callers who may edit that connector.
#[utoipa::path(put, path = "/clusters/{cluster}/plugins/{plugin}/validate", params(("cluster" = String, Path, description = "The cluster's id"), ("plugin" = String, Path), VersionQuery), request_body = std::collections::BTreeMap<String, String>, responses((status = 200, description = "Connect's answer: groups, definitions, values and errors, secrets hidden", body = Object), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn validate_config(
    State(state): State<AppState>,
    ApiPath((cluster_id, plugin)): ApiPath<(String, String)>,
    origin: ChangeOrigin,
    ApiQuery(query): ApiQuery<VersionQuery>,
    ApiJson(mut config): ApiJson<BTreeMap<String, String>>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let plugin = PluginName::new(&plugin)?;
    config
        .entry("connector.class".into())
        .or_insert_with(|| plugin.as_str().to_owned());
    if secrets::holds_placeholder(config.values().map(String::as_str)) {
        origin.require(Action::Update.role(), &cluster_id)?;
        let name = config
            .get("name")
            .map(|n| ConnectorName::new(n))
            .transpose()?;
        secrets::restore_stored(client, name.as_ref(), config.iter_mut().collect()).await?;
    }
    let call = ConnectCall::ValidateConfig(plugin, query.version()?);
    client.check_exists(&call).await?;
    client.check_pinned_version(&config).await?;
    let response = client.call(&call, Some(&json!(config))).await?;
    Ok(relay_masked(client, &call, response).await)
}
