//! Pieces of the Kafka views: the snapshot's freshness (or why Kafka cannot be read), a table
//! of partitions with replication problems highlighted.

use api_types::{KafkaStatus, PartitionInfo, PartitionProblem};
use leptos::prelude::*;

use super::readable_time;

/// A Unix time in ms as the history shows times ("2026-11-22 06:40:08 UTC").
pub(crate) fn time_of_ms(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    readable_time(&String::from(date.to_iso_string()))
}

/// "4 s", "3 min", "2 h 5 min": a duration for people.
pub(crate) fn duration_text(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// When the snapshot shown was read, or since when Kafka cannot be read and why.
#[component]
pub(crate) fn KafkaFreshness(status: KafkaStatus) -> impl IntoView {
    match (status.unreachable_since_ms, status.taken_at_ms) {
        (Some(since), taken) => view! {
            <p class="warning" role="alert" data-testid="kafka-unreachable">
                {format!("Kafka unreachable since {}", time_of_ms(since))}
                {taken.map(|t| format!(
                    ", showing the snapshot of {} ({} old)",
                    time_of_ms(t),
                    duration_text((js_sys::Date::now() - t as f64) / 1000.0)
                ))}
                {status.error.map(|e| view! { <br /><span class="small">{e}</span> })}
            </p>
        }
        .into_any(),
        (None, Some(taken)) => view! {
            <p class="muted small" data-testid="kafka-fresh">
                {format!("Read from Kafka at {}", time_of_ms(taken))}
                {status.cycle_ms.map(|ms| format!(" in {ms} ms"))}
            </p>
        }
        .into_any(),
        (None, None) => view! { <p class="muted">"Kafka has not been read yet."</p> }.into_any(),
    }
}

fn problem_text(problem: PartitionProblem) -> &'static str {
    match problem {
        PartitionProblem::Offline => "offline (no leader)",
        PartitionProblem::UnderMinIsr => "under min ISR",
        PartitionProblem::UnderReplicated => "under-replicated",
    }
}

fn ids(list: &[i32]) -> String {
    list.iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each partition's leader, replicas, ISR and log end; unhealthy rows are highlighted.
#[component]
pub(crate) fn PartitionTable(partitions: Vec<PartitionInfo>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="partitions" data-testid="partitions">
                <thead><tr>
                    <th scope="col">"Partition"</th><th scope="col">"Leader"</th><th scope="col">"Replicas"</th>
                    <th scope="col">"In sync"</th><th scope="col">"Log end"</th><th scope="col">"Health"</th>
                </tr></thead>
                <tbody>
                    {partitions.into_iter().map(|p| {
                        let healthy = p.problems.is_empty();
                        let problems = p.problems.iter().map(|&x| problem_text(x)).collect::<Vec<_>>().join(", ");
                        view! {
                            <tr class:problem=!healthy data-testid="partition-row">
                                <td>{p.partition}</td>
                                <td>{p.leader.map_or_else(|| "none".to_owned(), |l| l.to_string())}</td>
                                <td>{ids(&p.replicas)}
                                    {(!p.offline_replicas.is_empty()).then(|| view! { <span class="muted small">{format!(" (offline: {})", ids(&p.offline_replicas))}</span> })}
                                </td>
                                <td>{ids(&p.isr)}</td>
                                <td>{p.log_end.map_or_else(|| "—".to_owned(), |e| e.to_string())}</td>
                                <td>{if healthy { view! { <span class="badge ok">"healthy"</span> }.into_any() } else { view! { <span class="badge bad">{problems}</span> }.into_any() }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
