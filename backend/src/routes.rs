//! The HTTP routes, one module per resource, merged into one router.

mod bulk;
mod clusters;
mod connector_actions;
mod connectors;
mod health;
mod loggers;
mod metrics;
mod offsets;
mod passthrough;
mod plugins;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Uri, header};
use axum::response::Response;

use crate::AppState;
use crate::connect::UpstreamResponse;
use crate::error::ApiError;

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
