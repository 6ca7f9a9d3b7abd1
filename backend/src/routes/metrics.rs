//! `/metrics` in Prometheus' text format.

use std::fmt::Write;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(get_metrics))
}

async fn get_metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut text = String::from(
        "# HELP plugboard_upstream_requests_total HTTP requests sent to Connect workers.\n\
         # TYPE plugboard_upstream_requests_total counter\n",
    );
    for client in state.clusters.all() {
        let _ = writeln!(
            text,
            "plugboard_upstream_requests_total{{cluster=\"{}\"}} {}",
            client.id(),
            client.upstream_requests()
        );
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
