//! `/metrics` in Prometheus' text format: calls to Connect (counted and timed) and connectors
//! and tasks by state, per cluster; Plugboard's answers timed by route; alert rounds; the
//! build; and per cluster the Kafka snapshot's health, each group's lag (in all and per
//! partition) and each topic's partitions in trouble ([`kafka`]). Per-cluster series are those
//! of the clusters the caller may see (a scraper's token names its clusters, or none for all).

use std::fmt::Write;
use std::time::Instant;

use api_types::Me;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

use api_types::ConnectorState;

use crate::access::guard::sees;
use crate::metrics::label;
use crate::state::AppState;
use plugboard_connect::{ClusterClient, Freshness};

mod kafka;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(get_metrics))
}

/// A per-cluster counter of the Connect client.
type Count = fn(&ClusterClient) -> u64;

async fn get_metrics(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> impl IntoResponse {
    let visible: Vec<&ClusterClient> = state
        .clusters
        .all()
        .iter()
        .filter(|client| sees(&me, client.id()))
        .collect();
    let mut text = String::new();
    let counters: [(&str, &str, Count); 2] = [
        (
            "plugboard_upstream_requests_total",
            "HTTP requests sent to Connect workers.",
            ClusterClient::upstream_requests,
        ),
        (
            "plugboard_upstream_refused_total",
            "Calls to Connect refused (429) because the cluster's request budget was spent.",
            ClusterClient::refused_calls,
        ),
    ];
    for (name, about, count) in counters {
        help(&mut text, name, "counter", about);
        for client in &visible {
            let cluster = label(client.id());
            let _ = writeln!(text, "{name}{{cluster=\"{cluster}\"}} {}", count(client));
        }
    }
    help(
        &mut text,
        "plugboard_alert_rounds_total",
        "counter",
        "Rounds of alert evaluation done.",
    );
    let rounds = state
        .alert_rounds
        .load(std::sync::atomic::Ordering::Relaxed);
    let _ = writeln!(text, "plugboard_alert_rounds_total {rounds}");
    leader_metrics(&state, &|cluster| sees(&me, cluster), &mut text);
    connect_metrics(&state, &visible, &mut text).await;
    kafka::kafka_metrics(&state, &|cluster| sees(&me, cluster), &mut text);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

/// This replica's id, and which background jobs it leads (1) or follows (0), by job and cluster
/// (`*`: a job of all clusters).
fn leader_metrics(state: &AppState, sees: &dyn Fn(&str) -> bool, text: &mut String) {
    help(
        text,
        "plugboard_replica_info",
        "gauge",
        "This replica's id (new at each start).",
    );
    let replica = label(state.fleet.replica());
    let _ = writeln!(text, "plugboard_replica_info{{replica=\"{replica}\"}} 1");
    help(
        text,
        "plugboard_leader",
        "gauge",
        "Whether this replica leads a background job (1) or another replica does (0).",
    );
    for (job, cluster, leads) in state.fleet.leading() {
        if cluster != crate::fleet::ALL_CLUSTERS && !sees(&cluster) {
            continue;
        }
        let (job, cluster, leads) = (label(&job), label(&cluster), u8::from(leads));
        let _ = writeln!(
            text,
            "plugboard_leader{{job=\"{job}\",cluster=\"{cluster}\"}} {leads}"
        );
    }
}

/// Connectors and tasks by state per cluster (from the cached list: no extra call within its
/// time to live), how long calls to Connect took, how long Plugboard's answers took, and the
/// build.
async fn connect_metrics(state: &AppState, visible: &[&ClusterClient], text: &mut String) {
    let mut connectors = String::new();
    let mut tasks = String::new();
    for client in visible {
        let Ok(list) = client.connector_summaries(Freshness::Cached).await else {
            continue;
        };
        let cluster = label(client.id());
        for word in ConnectorState::ALL {
            let count = list.iter().filter(|c| c.state == word).count();
            let _ = writeln!(
                connectors,
                "plugboard_connectors{{cluster=\"{cluster}\",state=\"{word}\"}} {count}"
            );
        }
        let counts = list.iter().fold([0u32; 5], |mut sum, c| {
            let t = &c.tasks;
            for (s, n) in
                sum.iter_mut()
                    .zip([t.running, t.failed, t.paused, t.restarting, t.unassigned])
            {
                *s += n;
            }
            sum
        });
        let words = ["RUNNING", "FAILED", "PAUSED", "RESTARTING", "UNASSIGNED"];
        for (word, count) in words.iter().zip(counts) {
            let _ = writeln!(
                tasks,
                "plugboard_tasks{{cluster=\"{cluster}\",state=\"{word}\"}} {count}"
            );
        }
    }
    help(
        text,
        "plugboard_connectors",
        "gauge",
        "Connectors by cluster and state.",
    );
    text.push_str(&connectors);
    help(
        text,
        "plugboard_tasks",
        "gauge",
        "Tasks by cluster and state.",
    );
    text.push_str(&tasks);
    let name = "plugboard_upstream_request_duration_seconds";
    help(
        text,
        name,
        "histogram",
        "How long HTTP requests to Connect workers took.",
    );
    for client in visible {
        if let Some(durations) = state.upstream_durations.get(client.id()) {
            durations.series(name, text);
        }
    }
    state.http_durations.render(
        "plugboard_http_request_duration_seconds",
        "How long Plugboard took to answer, by route, method and status.",
        text,
    );
    help(
        text,
        "plugboard_build_info",
        "gauge",
        "The running build; always 1.",
    );
    let _ = writeln!(
        text,
        "plugboard_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
}

fn help(text: &mut String, name: &str, kind: &str, about: &str) {
    let _ = writeln!(text, "# HELP {name} {about}\n# TYPE {name} {kind}");
}

/// Times every routed request, labelled by its route's template (never the caller's path, so
/// the number of series stays bounded), method and status.
pub(crate) async fn time_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = format!(
        "route=\"{}\",method=\"{method}\",status=\"{}\"",
        label(&route),
        response.status().as_u16()
    );
    state
        .http_durations
        .observe(labels, started.elapsed().as_secs_f64());
    response
}
