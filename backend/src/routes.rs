//! The HTTP routes, one module per resource, merged into one router.

mod access;
mod alerts;
mod bulk;
mod clusters;
mod connector_actions;
mod connectors;
mod debezium;
mod events;
mod extract;
mod health;
mod history;
mod kafka;
mod loggers;
mod metrics;
mod offsets;
mod openapi;
pub(crate) mod passthrough;
mod plugins;
mod records;
mod replication;
mod specs;

use std::convert::Infallible;

use api_types::Me;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, Uri, header};
use axum::response::Response;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;

pub(crate) use extract::{ApiJson, ApiPath, ApiQuery, ConnectorPath};
pub(crate) use metrics::time_requests;

use crate::access::policy::{Need, RouteNeeds, Scope};
use crate::error::ApiError;
use crate::history::{Intent, Source};
use crate::state::AppState;
use plugboard_connect::{
    ClusterClient, ConnectCall, ConnectError, UpstreamRequest, UpstreamResponse,
};

/// Every API and health route. Each documented route is declared once, by its handler's
/// `#[utoipa::path]`, which gives both the router and the OpenAPI document its path. Unknown
/// `/api/...` paths get a JSON 404, not the browser app.
/// Also gives what each documented route needs, which its handler declares beside its path.
pub(crate) fn router() -> (Router<AppState>, RouteNeeds) {
    let (documented, document) = OpenApiRouter::with_openapi(openapi::described())
        .merge(clusters::router())
        .merge(connectors::router())
        .merge(events::router())
        .merge(connector_actions::router())
        .merge(offsets::router())
        .merge(plugins::router())
        .merge(loggers::router())
        .merge(bulk::router())
        .merge(history::router())
        .merge(kafka::router())
        .merge(alerts::router())
        .merge(access::router())
        .merge(specs::router())
        .merge(records::router())
        .merge(replication::router())
        .merge(debezium::router())
        .split_for_parts();
    let needs = RouteNeeds::from_document(&document)
        .unwrap_or_else(|missing| panic!("every route declares what it needs: {missing}"));
    let api = documented
        .merge(passthrough::router())
        .merge(openapi::router(document))
        .fallback(|uri: Uri| async move { ApiError::NoSuchEndpoint(format!("/api/v1{uri}")) })
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            ApiError::NoSuchEndpoint(format!("{method} /api/v1{uri}"))
        });
    let router = Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .nest("/api/v1", api);
    (router, needs)
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

/// Connect's answer to `call`, with its secrets hidden (see [`crate::secrets`]); error answers
/// and bodies that are not JSON are passed on as they are (values known to be secret are
/// scrubbed from every answer on the way out).
async fn relay_masked(
    client: &ClusterClient,
    call: &ConnectCall,
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
    crate::secrets::mask_answer(client, call, &mut body).await;
    relay(UpstreamResponse {
        status: response.status,
        body: Bytes::from(body.to_string()),
    })
}

/// Where a change came from and why, from the request's headers: `X-Plugboard-Source: console`
/// marks the console's calls, `X-Plugboard-Reason` carries a reason the user typed.
pub(crate) struct ChangeOrigin {
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
    /// The history's intent of `call`, which must be a change.
    fn intent(&self, call: &ConnectCall) -> Intent {
        let intent = Intent::of(call, self.source).expect("only changes are recorded");
        Intent {
            reason: self.reason.clone(),
            actor: self.actor(),
            ..intent
        }
    }

    /// The history's intent of something Plugboard does itself (no call to Connect).
    fn local_intent(
        &self,
        action: api_types::Action,
        connector: Option<String>,
        detail: Value,
    ) -> Intent {
        Intent {
            source: self.source,
            connector,
            action,
            detail: Some(detail),
            config: None,
            reason: self.reason.clone(),
            actor: self.actor(),
        }
    }

    /// Who asked, for the history; `None` is Plugboard's configured actor.
    fn actor(&self) -> Option<String> {
        self.caller.as_ref().map(|me| me.name.clone())
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

/// One worker's own answer (from [`ClusterClient::send_to_each_worker`]) read as `T`, or why
/// it could not be: the worker's error, Connect's refusal, or a body of another shape.
fn worker_json<T: serde::de::DeserializeOwned>(
    answer: Result<UpstreamResponse, String>,
) -> Result<T, String> {
    let response = answer?;
    if !response.status.is_success() {
        return Err(ConnectError::from_answer(&response).to_string());
    }
    serde_json::from_slice(&response.body).map_err(|e| format!("unexpected answer: {e}"))
}

/// Makes a change through the history; Connect's error answers become [`ApiError`]s. A config
/// pinned to a plugin version the cluster lacks is refused first, saying which it has.
async fn change(
    state: &AppState,
    client: &ClusterClient,
    intent: Intent,
    call: &ConnectCall,
    body: Option<&Value>,
) -> Result<UpstreamResponse, ApiError> {
    if let Some(config) = &intent.config {
        let set = config
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)));
        client.check_pinned_version(&set.collect()).await?;
    }
    let body = body.map(|b| Bytes::from(b.to_string()));
    let request = UpstreamRequest::new(call, body);
    let response = state.history.perform(client, intent, request).await?;
    if response.status.is_success() {
        Ok(response)
    } else {
        Err(ConnectError::from_answer(&response).into())
    }
}

#[cfg(test)]
mod tests;
