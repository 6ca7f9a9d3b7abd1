//! Connector plugins: the list, a plugin's config definitions, and validating a config.

use std::collections::BTreeMap;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::{relay, relay_masked};
use crate::AppState;
use crate::connect::paths;
use crate::error::ApiError;
use crate::secrets;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clusters/{cluster}/plugins", get(list_plugins))
        .route(
            "/clusters/{cluster}/plugins/{plugin}/config",
            get(get_plugin_config),
        )
        .route(
            "/clusters/{cluster}/plugins/{plugin}/validate",
            put(validate_config),
        )
}

#[derive(Deserialize)]
struct PluginsQuery {
    /// false (the default here) also lists transforms, converters and predicates.
    #[serde(default)]
    connectors_only: bool,
}

async fn list_plugins(
    State(state): State<AppState>,
    Path(cluster_id): Path<String>,
    query: Result<Query<PluginsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let client = state.clusters.get(&cluster_id)?;
    let path = format!(
        "/connector-plugins?connectorsOnly={}",
        query.connectors_only
    );
    Ok(relay(client.call(Method::GET, path, None).await?))
}

async fn get_plugin_config(
    State(state): State<AppState>,
    Path((cluster_id, plugin)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let path = format!("/connector-plugins/{}/config", paths::segment(&plugin));
    Ok(relay(client.call(Method::GET, path, None).await?))
}

/// Connect's validate answer (groups, definitions, values, errors) for `config`, its secrets
/// hidden; the plugin named in the path is filled in as `connector.class` when the config has
/// none. Placeholders of an existing connector's secrets (named by `name`) are validated as the
/// stored values.
async fn validate_config(
    State(state): State<AppState>,
    Path((cluster_id, plugin)): Path<(String, String)>,
    body: Result<Json<BTreeMap<String, String>>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(mut config) = body?;
    let client = state.clusters.get(&cluster_id)?;
    config
        .entry("connector.class".into())
        .or_insert_with(|| plugin.clone());
    if let Some(name) = config.get("name").cloned() {
        secrets::restore_live(client, &name, config.iter_mut().collect()).await?;
    }
    let path = format!(
        "/connector-plugins/{}/config/validate",
        paths::segment(&plugin)
    );
    let response = client.call(Method::PUT, path, Some(&json!(config))).await?;
    let segments = [
        "connector-plugins",
        &paths::segment(&plugin),
        "config",
        "validate",
    ];
    Ok(relay_masked(&state, client, (&Method::PUT, &segments), response).await)
}
