//! One Connect cluster: how many workers answer, and what each says (version, commit, Kafka id).

use api_types::{ClusterOverview, WorkerProbe};
use leptos::prelude::*;

#[component]
pub(crate) fn ClusterCard(cluster: ClusterOverview) -> impl IntoView {
    let reachable = cluster.reachable_workers();
    let total = cluster.workers.len();
    let health = if reachable == total {
        "badge ok"
    } else if reachable == 0 {
        "badge bad"
    } else {
        "badge warn"
    };
    let warning = disagreement(&cluster);
    let id_if_not_name = (cluster.id != cluster.name).then(|| cluster.id.clone());
    view! {
        <section class="card" data-testid="cluster-card" data-cluster=cluster.id>
            <header class="card-header">
                <h2>{cluster.name.clone()}</h2>
                {id_if_not_name.map(|id| view! { <code class="muted">{id}</code> })}
                <span class=health data-testid="reachable-count">
                    {format!("{reachable}/{total} workers reachable")}
                </span>
                {cluster.read_only.then(|| view! { <span class="badge">"read-only"</span> })}
            </header>
            {warning.map(|text| view! { <p class="warning" role="status">{text}</p> })}
            <p class="muted" data-testid="led-here">{leadership(&cluster.led_here)}</p>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Worker"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Version"</th>
                            <th scope="col">"Commit"</th>
                            <th scope="col">"Kafka cluster id"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {cluster
                            .workers
                            .into_iter()
                            .map(|worker| view! { <WorkerRow worker /> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn WorkerRow(worker: WorkerProbe) -> impl IntoView {
    let cells = match worker.info {
        Some(info) => view! {
            <td><span class="badge ok">"reachable"</span></td>
            <td data-testid="worker-version">{info.version}</td>
            <td><code>{info.commit}</code></td>
            <td><code data-testid="worker-kafka-id">{info.kafka_cluster_id}</code></td>
        }
        .into_any(),
        None => view! {
            <td><span class="badge bad">"unreachable"</span></td>
            <td colspan="3" class="error">{worker.error.unwrap_or_default()}</td>
        }
        .into_any(),
    };
    view! {
        <tr data-testid="worker-row">
            <td><code>{worker.url}</code></td>
            {cells}
        </tr>
    }
}

/// Which background jobs the replica of Plugboard that answered leads, as a sentence.
fn leadership(jobs: &[String]) -> String {
    if jobs.is_empty() {
        "Another replica of Plugboard leads this cluster's background jobs.".into()
    } else {
        format!("This replica of Plugboard leads: {}.", jobs.join(", "))
    }
}

/// A sentence when the reachable workers disagree on version or Kafka cluster (a split cluster).
fn disagreement(cluster: &ClusterOverview) -> Option<String> {
    let infos: Vec<_> = cluster
        .workers
        .iter()
        .filter_map(|w| w.info.as_ref())
        .collect();
    let first = infos.first()?;
    if infos
        .iter()
        .any(|i| i.kafka_cluster_id != first.kafka_cluster_id)
    {
        Some("The workers report different Kafka clusters: check their bootstrap.servers.".into())
    } else if infos.iter().any(|i| i.version != first.version) {
        Some("The workers run different Connect versions (a rolling upgrade?).".into())
    } else {
        None
    }
}
