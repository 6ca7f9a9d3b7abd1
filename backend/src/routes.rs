//! The HTTP routes, one module per resource, merged into one router.

mod access;
mod alerts;
mod bulk;
mod clusters;
mod connector_actions;
mod connectors;
mod health;
mod history;
mod kafka;
mod loggers;
mod metrics;
mod offsets;
mod passthrough;
mod plugins;

use std::convert::Infallible;

use api_types::Me;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, Uri, header};
use axum::response::Response;
use serde_json::Value;

use crate::AppState;
use crate::access::policy::{Need, Scope};
use crate::connect::{ClusterClient, UpstreamRequest, UpstreamResponse};
use crate::error::ApiError;
use crate::history::{Intent, Source};

/// Every API and health route. Unknown `/api/...` paths get a JSON 404, not the browser app.
pub fn router() -> Router<AppState> {
    let api = Router::new()
        .merge(clusters::router())
        .merge(connectors::router())
        .merge(connector_actions::router())
        .merge(offsets::router())
        .merge(plugins::router())
        .merge(loggers::router())
        .merge(bulk::router())
        .merge(passthrough::router())
        .merge(history::router())
        .merge(kafka::router())
        .merge(alerts::router())
        .merge(access::router())
        .fallback(|uri: Uri| async move { ApiError::NoSuchEndpoint(format!("/api/v1{uri}")) })
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            ApiError::NoSuchEndpoint(format!("{method} /api/v1{uri}"))
        });
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .nest("/api/v1", api)
}

/// Connect's answer as it is: the same status and the same JSON body.
fn relay(response: UpstreamResponse) -> Response {
    let mut builder = Response::builder().status(response.status);
    if !response.body.is_empty() {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    builder
        .body(Body::from(response.body))
        .expect("a status and a content type always make a valid response")
}

/// The shape of Connect's answers to create, update and patch (the connector's info), for
/// [`relay_masked`].
const INFO_ANSWER: (&Method, &[&str]) = (&Method::POST, &["connectors"]);

/// Connect's answer to `method` on the worker path `segments`, with its secrets hidden (see
/// [`crate::secrets`]); error answers and bodies that are not JSON are passed on as they are.
async fn relay_masked(
    state: &AppState,
    client: &ClusterClient,
    (method, segments): (&Method, &[&str]),
    response: UpstreamResponse,
) -> Response {
    let parsed = response
        .status
        .is_success()
        .then(|| serde_json::from_slice::<Value>(&response.body).ok())
        .flatten();
    let Some(mut body) = parsed else {
        return relay(response);
    };
    crate::secrets::mask_answer(&state.history, client, method, segments, &mut body).await;
    relay(UpstreamResponse {
        status: response.status,
        body: Bytes::from(body.to_string()),
    })
}

/// Where a change came from and why, from the request's headers: `X-Plugboard-Source: console`
/// marks the console's calls, `X-Plugboard-Reason` carries a reason the user typed.
pub struct ChangeOrigin {
    source: Source,
    reason: Option<String>,
    /// The caller the access guard recognised.
    caller: Option<Me>,
}

impl<S: Send + Sync> FromRequestParts<S> for ChangeOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let source = match header("x-plugboard-source") {
            Some("console") => Source::Console,
            _ => Source::Api,
        };
        let reason = header("x-plugboard-reason").map(str::to_owned);
        let caller = parts.extensions.get::<Me>().cloned();
        Ok(Self {
            source,
            reason,
            caller,
        })
    }
}

impl ChangeOrigin {
    fn intent(&self, connector: Option<&str>, action: &str, detail: Option<Value>) -> Intent {
        Intent {
            source: self.source,
            connector: connector.map(str::to_owned),
            action: action.to_owned(),
            detail,
            config: None,
            reason: self.reason.clone(),
            actor: self.caller.as_ref().map(|me| me.name.clone()),
        }
    }

    /// The caller holds `role` on `cluster`, or the 403 saying why not (for requests that name
    /// clusters in their body, which the access guard cannot see).
    fn require(&self, role: api_types::Role, cluster: &str) -> Result<(), ApiError> {
        let need = Need::Role(role, Scope::Cluster(cluster.to_owned()));
        match &self.caller {
            Some(me) => need.check(me),
            None => Err(ApiError::Forbidden("nobody is signed in".into())),
        }
    }
}

/// Makes a change through the history; Connect's error answers become [`ApiError`]s.
async fn change(
    state: &AppState,
    client: &ClusterClient,
    intent: Intent,
    (method, path): (Method, String),
    body: Option<&Value>,
) -> Result<UpstreamResponse, ApiError> {
    let body = body.map(|b| Bytes::from(b.to_string()));
    let request = UpstreamRequest { method, path, body };
    let response = state.history.perform(client, intent, request).await?;
    if response.status.is_success() {
        Ok(response)
    } else {
        Err(ApiError::from_connect(&response))
    }
}
