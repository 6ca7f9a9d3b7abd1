//! A Connect-compatible passthrough: `/api/v1/clusters/{cluster}/connect/...` answers exactly as
//! a worker's REST API would, so curl scripts and Connect clients work unchanged against it.
//!
//! Each request is parsed once, by the access guard before routing, into a [`ConnectCall`]
//! ([`crate::access::passthrough`]); its role, read-only refusal, history record, secret masking and the exact
//! path sent to the worker all come from that one value. Spellings that could be read as
//! another path are refused, and so are worker-to-worker endpoints and anything Connect does
//! not document. OPTIONS is answered here, without calling Connect. Secret config values read
//! as a placeholder, and a config sent back with the placeholder keeps the stored value (see
//! [`crate::secrets`]).

mod intent;

use std::collections::BTreeMap;

use api_types::{Action, Me};
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Extension, Router};
use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use super::relay_masked;
use crate::access::passthrough::{Asked, Passthrough};
use crate::error::ApiError;
use crate::error::MAX_BODY_BYTES;
use crate::secrets;
use crate::state::AppState;
use plugboard_connect::{ClusterClient, ConnectCall, ConnectorName, UpstreamRequest};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/clusters/{cluster}/connect", any(forward_to_connect))
        .route("/clusters/{cluster}/connect/", any(forward_to_connect))
        .route(
            "/clusters/{cluster}/connect/{*rest}",
            any(forward_to_connect),
        )
}

async fn forward_to_connect(
    State(state): State<AppState>,
    Extension(passthrough): Extension<Passthrough>,
    me: Option<Extension<Me>>,
    body: Body,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&passthrough.cluster)?;
    let call = match passthrough.asked {
        Asked::Call(call) => call,
        Asked::Options(allow) => {
            return Ok((StatusCode::NO_CONTENT, [(header::ALLOW, allow)]).into_response());
        }
    };
    if client.cluster().read_only && call.changes() {
        return Err(ApiError::ReadOnlyCluster(passthrough.cluster));
    }
    client.check_exists(&call).await?;
    let me = me.map(|Extension(me)| me);
    let body = read_json_body(body).await?;
    let body = prepare_body(client, &call, body, me.as_ref()).await?;
    let intent = intent::intent_of(&call, &body).map(|intent| crate::history::Intent {
        actor: me.map(|me| me.name),
        ..intent
    });
    let request = UpstreamRequest::new(&call, (!body.is_empty()).then_some(body));
    let response = match intent {
        Some(intent) => state.history.perform(client, intent, request).await?,
        None => client.send(request).await?,
    };
    Ok(relay_masked(client, &call, response).await)
}

/// The body as forwarded: a config gets its placeholders' stored values back (validation
/// only for callers who may edit the connector named), and a new connector's name is checked.
async fn prepare_body(
    client: &ClusterClient,
    call: &ConnectCall,
    body: Bytes,
    me: Option<&Me>,
) -> Result<Bytes, ApiError> {
    if !call.carries_config() || body.is_empty() {
        return Ok(body);
    }
    let mut parsed: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("the request body is not valid JSON: {e}")))?;
    let named = |value: &Value| value.as_str().map(ConnectorName::new).transpose();
    let (name, config) = match call {
        ConnectCall::CreateConnector => {
            named(&parsed["name"])?;
            (None, parsed.get_mut("config"))
        }
        ConnectCall::ValidateConfig(..) => (named(&parsed["name"])?, Some(&mut parsed)),
        _ => (call.connector().cloned(), Some(&mut parsed)),
    };
    let Some(config) = config.and_then(Value::as_object_mut) else {
        return Ok(body);
    };
    let restores = secrets::holds_placeholder(config.values().filter_map(Value::as_str));
    if restores && matches!(call, ConnectCall::ValidateConfig(..)) {
        let may_edit = me.is_some_and(|me| me.may(Action::Update.role(), Some(client.id())));
        if !may_edit {
            return Err(ApiError::Forbidden(
                "validating with the placeholder of a stored secret needs the right to edit the connector".into(),
            ));
        }
    }
    restore_json(client, name.as_ref(), config).await?;
    Ok(Bytes::from(parsed.to_string()))
}

/// [`secrets::restore_stored`] for a config given as JSON; values that are not strings (a
/// patch's `null`s) are left as they are.
async fn restore_json(
    client: &ClusterClient,
    name: Option<&ConnectorName>,
    config: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let mut strings: BTreeMap<String, String> = config
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect();
    secrets::restore_stored(client, name, strings.iter_mut().collect()).await?;
    for (key, value) in strings {
        config.insert(key, Value::String(value));
    }
    Ok(())
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
