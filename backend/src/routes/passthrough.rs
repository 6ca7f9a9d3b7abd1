//! A Connect-compatible passthrough: `/api/v1/clusters/{cluster}/connect/...` answers exactly as
//! a worker's REST API would, so curl scripts and Connect clients work unchanged against it.
//!
//! Paths are forwarded still percent-encoded, so connector names with `/`, `%`, spaces or
//! unicode reach the worker intact. Worker-to-worker endpoints are refused, and so is every
//! change to a read-only cluster. Secret config values read as a placeholder, and a config
//! sent back with the placeholder keeps the stored value (see [`crate::secrets`]).

use api_types::Me;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Path, State};
use axum::http::{Method, Uri};
use axum::response::Response;
use axum::routing::any;
use axum::{Extension, Router};
use serde::de::IgnoredAny;

mod intent;

use serde_json::Value;

use super::relay_masked;
use crate::connect::{ClusterClient, UpstreamRequest, paths};
use crate::error::ApiError;
use crate::secrets::{self, PLACEHOLDER};
use crate::{AppState, MAX_BODY_BYTES};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clusters/{cluster}/connect", any(forward_to_connect))
        .route(
            "/clusters/{cluster}/connect/{*rest}",
            any(forward_to_connect),
        )
}

async fn forward_to_connect(
    State(state): State<AppState>,
    Path(params): Path<Vec<(String, String)>>,
    method: Method,
    uri: Uri,
    me: Option<Extension<Me>>,
    body: Body,
) -> Result<Response, ApiError> {
    let cluster_id = &params[0].1;
    let client = state.clusters.get(cluster_id)?;
    let upstream_path = upstream_path(&uri, cluster_id);
    let (path, query) = upstream_path
        .split_once('?')
        .unwrap_or((&upstream_path, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if is_internal_endpoint(&method, &segments) {
        return Err(ApiError::Forbidden(format!(
            "{method} {upstream_path} is internal to Connect's workers and is not forwarded"
        )));
    }
    let changes = changes_state(&method, &segments);
    if client.cluster().read_only && changes {
        return Err(ApiError::ReadOnlyCluster(cluster_id.clone()));
    }
    let body = restore_secrets(client, &method, &segments, read_json_body(body).await?).await?;
    let intent = changes.then(|| crate::history::Intent {
        actor: me.map(|Extension(me)| me.name),
        ..intent::intent_of(&method, &segments, query, &body)
    });
    let request = UpstreamRequest {
        method: method.clone(),
        path: upstream_path.clone(),
        body: (!body.is_empty()).then_some(body),
    };
    let response = match intent {
        Some(intent) => state.history.perform(client, intent, request).await?,
        None => client.send(request).await?,
    };
    Ok(relay_masked(&state, client, (&method, &segments), response).await)
}

/// A config sent to create, update, patch or validate with placeholders of secrets (as the
/// passthrough answers them) gets the stored values back; see [`crate::secrets`].
async fn restore_secrets(
    client: &ClusterClient,
    method: &Method,
    segments: &[&str],
    body: Bytes,
) -> Result<Bytes, ApiError> {
    let carries_config = matches!(
        (method, segments),
        (&Method::POST, ["connectors"])
            | (&Method::PUT | &Method::PATCH, ["connectors", _, "config"])
            | (&Method::PUT, ["connector-plugins", _, "config", "validate"])
    );
    let has_placeholder = body
        .windows(PLACEHOLDER.len())
        .any(|w| w == PLACEHOLDER.as_bytes());
    if !carries_config || !has_placeholder {
        return Ok(body);
    }
    let Ok(mut parsed) = serde_json::from_slice::<Value>(&body) else {
        return Ok(body);
    };
    let name = match segments {
        ["connectors", name, "config"] => Some(paths::decode_segment(name)),
        _ => parsed["name"].as_str().map(str::to_owned),
    };
    // Creating, the new connector's config is under `config`; otherwise the body is the config.
    let created = segments == ["connectors"];
    let config = if created {
        parsed.get_mut("config")
    } else {
        Some(&mut parsed)
    };
    if let Some(config) = config.and_then(Value::as_object_mut) {
        let stored_under = if created { None } else { name.as_deref() };
        secrets::restore_live_json(client, stored_under, config).await?;
    }
    Ok(Bytes::from(parsed.to_string()))
}

/// The body, at most [`MAX_BODY_BYTES`], refused unless empty or valid JSON: Connect would
/// answer a malformed body with a 500.
async fn read_json_body(body: Body) -> Result<Bytes, ApiError> {
    let body = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    if !body.is_empty() {
        serde_json::from_slice::<IgnoredAny>(&body).map_err(|e| {
            ApiError::BadRequest(format!("the request body is not valid JSON: {e}"))
        })?;
    }
    Ok(body)
}

/// The worker path and query: what follows `/clusters/{cluster}/connect`, still encoded.
fn upstream_path(uri: &Uri, cluster_id: &str) -> String {
    let prefix = format!("/clusters/{cluster_id}/connect");
    let path = uri.path().strip_prefix(&prefix).unwrap_or_default();
    let path = if path.is_empty() { "/" } else { path };
    match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    }
}

/// `POST /connectors/{c}/tasks` (task configs) and `PUT /connectors/{c}/fence` (zombie fencing)
/// are how workers talk to each other, never for clients.
fn is_internal_endpoint(method: &Method, segments: &[&str]) -> bool {
    matches!(
        (method, segments),
        (&Method::POST, ["connectors", _, "tasks"]) | (&Method::PUT, ["connectors", _, "fence"])
    )
}

/// Everything but reads and config validation changes something.
fn changes_state(method: &Method, segments: &[&str]) -> bool {
    let is_validation = matches!(segments, ["connector-plugins", _, "config", "validate"]);
    !(method == Method::GET || method == Method::HEAD || is_validation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upstream_path_keeps_encoding_and_query() {
        let uri: Uri = "/clusters/prod/connect/connectors/a%2Fb%20c/status?x=1"
            .parse()
            .unwrap();
        assert_eq!(
            upstream_path(&uri, "prod"),
            "/connectors/a%2Fb%20c/status?x=1"
        );
        let root: Uri = "/clusters/prod/connect".parse().unwrap();
        assert_eq!(upstream_path(&root, "prod"), "/");
    }

    #[test]
    fn worker_to_worker_endpoints_are_internal() {
        assert!(is_internal_endpoint(
            &Method::POST,
            &["connectors", "a", "tasks"]
        ));
        assert!(is_internal_endpoint(
            &Method::PUT,
            &["connectors", "a", "fence"]
        ));
        assert!(!is_internal_endpoint(
            &Method::GET,
            &["connectors", "a", "tasks"]
        ));
        assert!(!is_internal_endpoint(
            &Method::POST,
            &["connectors", "a", "tasks", "0", "restart"]
        ));
    }

    #[test]
    fn validation_does_not_count_as_a_change() {
        assert!(!changes_state(
            &Method::PUT,
            &["connector-plugins", "X", "config", "validate"]
        ));
        assert!(changes_state(&Method::PUT, &["connectors", "a", "pause"]));
        assert!(!changes_state(&Method::GET, &["connectors"]));
    }
}
