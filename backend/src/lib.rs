//! Plugboard's backend: an axum server that fronts one or many Kafka Connect clusters.
//!
//! Layout:
//! - [`access`]: who is calling (session, API token, trusted proxy) and what their role allows.
//! - [`alerts`]: alert rules judged on a loop, incidents, webhooks and automatic restarts.
//! - [`background`]: the loops beside the server, started from one place and stopped together.
//! - [`client_context`]: what the server gives its Connect clients (request ids, secrets, timings).
//! - [`cli`]: the command line: the server's flags, and the subcommands that run instead.
//! - [`clock`]: the wall clock as Unix milliseconds.
//! - [`config`]: command-line flags, environment and the TOML cluster file, validated into [`config::Settings`].
//! - [`connector_rows`]: a cluster's connectors as the console shows them (lag, drift).
//! - [`connect`]: the typed HTTP client for Connect workers' REST API (the `plugboard-connect`
//!   crate, `connect-client/`).
//! - [`db`]: Plugboard's own database, SQLite or PostgreSQL, and its migrations
//!   (`migrations/` at the repository root).
//! - [`error`]: the one [`error::ApiError`] type every handler returns, rendered as `{"error": {...}}`.
//! - [`headers`]: security headers on every answer.
//! - [`fleet`]: several replicas on one database: one leader per background job, by leases.
//! - [`history`]: the change history in the database (every mutation, secrets fingerprinted).
//! - [`kafka`]: lag and partition health read from Kafka with librdkafka, and the lag history.
//! - [`live`]: each cluster's connector list read once per period while pages watch it, and
//!   pushed to them as server-sent events.
//! - [`metrics`]: the histograms behind `/metrics`: answers by route, Connect calls by cluster.
//! - [`random`]: random hex strings (session ids, tokens, request ids).
//! - [`records`]: the record browser, dead letter queues and their replay.
//! - [`replication`]: MirrorMaker 2 flows, their topics and their lag.
//! - [`requests`]: each request's id (answered, sent to Connect, kept in the history) and
//!   its access log line.
//! - [`routes`]: one module per resource, each exposing `router()`.
//! - [`secrets`]: secret config values hidden from every answer, and kept on edits.
//! - [`serve`]: the HTTP server: a connection cap, header-read and keep-alive timeouts.
//! - [`spa`]: serves the browser app (embedded in release builds).
//! - [`specs`]: connectors as code: export, plan, apply and drift.
//! - [`state`]: the [`AppState`] handed to every handler.
//! - [`telemetry`]: structured logging with `tracing`.
//! - [`tls`]: serving HTTPS with rustls.

pub mod access;
mod alerts;
pub mod background;
#[doc(hidden)]
pub mod bench_support;
pub mod cli;
mod client_context;
mod clock;
pub mod config;
mod connector_rows;
pub mod db;
mod debezium;
mod error;
pub mod fleet;
mod headers;
mod history;
mod kafka;
mod live;
mod metrics;
mod random;
mod records;
mod replication;
mod requests;
mod routes;
pub mod secrets;
mod serve;
mod spa;
mod specs;
mod state;
pub mod telemetry;
#[cfg(test)]
mod test_support;
mod tls;
mod ttl_cache;

use std::future::Future;

use axum::{Router, middleware};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;

pub use plugboard_connect as connect;
pub use state::AppState;

pub use error::MAX_BODY_BYTES;

/// The whole HTTP application: API routes, health checks and the browser app, behind the
/// access guard, with known secrets scrubbed from every answer, security headers on each, and
/// each request's id and access log line.
pub fn app(state: AppState) -> Router {
    let (routes, needs) = routes::router();
    let guard = access::Guard {
        settings: state.settings.clone(),
        access: state.access.clone(),
        db: state.db.clone(),
        routes: std::sync::Arc::new(needs),
    };
    Router::new()
        .merge(routes)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            routes::time_requests,
        ))
        .fallback(spa::serve_asset)
        .layer(middleware::from_fn_with_state(guard, access::guard))
        .layer(middleware::from_fn(secrets::layer::scrub_answers))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::add_security_headers,
        ))
        .layer(CatchPanicLayer::custom(error::panicked))
        .layer(middleware::from_fn(requests::track))
        .with_state(state)
}

/// Serves [`app`] on `listener` (over TLS when the settings name a certificate) until
/// `shutdown` completes, then drains in-flight requests.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let tls = state.settings.tls.clone();
    let limits = state.settings.limits;
    // Open event streams end first, or the graceful shutdown would wait for them forever.
    let live = state.live.clone();
    let shutdown = async move {
        shutdown.await;
        live.close();
    };
    let app = app(state);
    match tls {
        Some(files) => {
            let listener = tls::TlsListener::new(listener, &files, limits.max_connections)?;
            serve::serve(listener, app, limits, shutdown).await;
        }
        None => serve::serve(listener, app, limits, shutdown).await,
    }
    Ok(())
}
