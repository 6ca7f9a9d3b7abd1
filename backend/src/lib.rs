//! Plugboard's backend: an axum server that fronts one or many Kafka Connect clusters.
//!
//! Layout:
//! - [`alerts`]: alert rules judged on a loop, incidents, webhooks and automatic restarts.
//! - [`config`]: command-line flags, environment and the TOML cluster file, validated into [`config::Settings`].
//! - [`error`]: the one [`error::ApiError`] type every handler returns, rendered as `{"error": {...}}`.
//! - [`db`]: the SQLite pool and its migrations (`migrations/` at the repository root).
//! - [`connect`]: the typed HTTP client for Connect workers' REST API.
//! - [`history`]: the change history in SQLite (every mutation, secrets fingerprinted).
//! - [`kafka`]: lag and partition health read from Kafka with librdkafka, and the lag history.
//! - [`routes`]: one module per resource, each exposing `router()`.
//! - [`spa`]: serves the browser app (embedded in release builds).
//! - [`telemetry`]: structured logging with `tracing`.

pub mod alerts;
pub mod config;
pub mod connect;
pub mod db;
pub mod error;
pub mod history;
pub mod kafka;
pub mod routes;
pub mod spa;
pub mod state;
pub mod telemetry;
#[cfg(test)]
mod test_support;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use state::AppState;

/// Largest request body accepted anywhere, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole HTTP application: API routes, health checks and the browser app.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::router())
        .fallback(spa::serve_asset)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves [`app`] on `listener` until `shutdown` completes, then drains in-flight requests.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
