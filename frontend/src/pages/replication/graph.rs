//! The flows drawn as a graph of Kafka clusters: one node per cluster (by the configured Kafka
//! cluster it is, else its alias), one arrow per flow, so one-way replication, active-active
//! pairs and hub-and-spoke show as the shapes they are. An arrow is red and dashed while a
//! connector or task of its flow does not run, and is labelled with the flow's lag.

use std::f64::consts::PI;

use api_types::{FlowEnd, MirrorRole, ReplicationFlow};
use leptos::prelude::*;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const RADIUS: f64 = 34.0;

/// Where a flow end is drawn: the configured Kafka cluster it is, else its alias.
pub(super) fn node_name(end: &FlowEnd) -> String {
    end.kafka.clone().unwrap_or_else(|| end.alias.clone())
}

/// Whether every connector of the flow runs and none of its tasks is failed or paused (a
/// checkpoint connector without tasks, no group to checkpoint yet, runs as it should).
pub(super) fn flowing(flow: &ReplicationFlow) -> bool {
    flow.connectors
        .iter()
        .all(|c| c.state == api_types::ConnectorState::Running && c.tasks.running == c.tasks.total)
}

/// Records not yet replicated over the flow's topics, when known for any.
pub(super) fn flow_lag(flow: &ReplicationFlow) -> Option<u64> {
    let known: Vec<u64> = flow.topics.iter().filter_map(|t| t.lag).collect();
    (!known.is_empty()).then(|| known.iter().sum())
}

#[component]
pub(super) fn FlowGraph(flows: Vec<ReplicationFlow>) -> impl IntoView {
    let mut nodes: Vec<String> = Vec::new();
    for flow in &flows {
        for end in [&flow.source, &flow.target] {
            let name = node_name(end);
            if !nodes.contains(&name) {
                nodes.push(name);
            }
        }
    }
    let count = nodes.len().max(1);
    let at = |i: usize| {
        // Around an ellipse, the first on the left, so that two clusters face each other.
        let angle = PI + 2.0 * PI * i as f64 / count as f64;
        (
            WIDTH / 2.0 + (WIDTH / 2.0 - RADIUS - 70.0) * angle.cos(),
            HEIGHT / 2.0 + (HEIGHT / 2.0 - RADIUS - 10.0) * angle.sin(),
        )
    };
    let position = |name: &str| at(nodes.iter().position(|n| n == name).unwrap_or(0));
    let edges = flows
        .iter()
        .map(|flow| {
            let (from, to) = (position(&node_name(&flow.source)), position(&node_name(&flow.target)));
            let (dx, dy) = (to.0 - from.0, to.1 - from.1);
            let length = dx.hypot(dy).max(1.0);
            let (ux, uy) = (dx / length, dy / length);
            // Bent to its left, so a flow back the other way takes the other side.
            let bend = 0.18 * length;
            let control = (from.0 + dx / 2.0 + uy * bend, from.1 + dy / 2.0 - ux * bend);
            let start = (from.0 + ux * RADIUS, from.1 + uy * RADIUS);
            let end = (to.0 - ux * (RADIUS + 6.0), to.1 - uy * (RADIUS + 6.0));
            let path = format!(
                "M {:.1} {:.1} Q {:.1} {:.1} {:.1} {:.1}",
                start.0, start.1, control.0, control.1, end.0, end.1
            );
            let replicates = flow.connectors.iter().any(|c| c.role == MirrorRole::Source);
            let label = match flow_lag(flow) {
                _ if !replicates => "heartbeats".to_owned(),
                Some(lag) => format!("lag {lag}"),
                None => "lag ?".to_owned(),
            };
            let (lx, ly) = (
                (start.0 + 2.0 * control.0 + end.0) / 4.0,
                (start.1 + 2.0 * control.1 + end.1) / 4.0,
            );
            let ok = flowing(flow);
            view! {
                <g data-testid="graph-edge" data-source=flow.source.alias.clone() data-target=flow.target.alias.clone()>
                    <path d=path class="edge" class:bad=!ok marker-end="url(#arrow)" />
                    <text x=format!("{lx:.1}") y=format!("{ly:.1}") class="edge-label">{label}</text>
                </g>
            }
        })
        .collect_view();
    let circles = nodes
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (x, y) = at(i);
            view! {
                <g data-testid="graph-node" data-name=name.clone()>
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r=RADIUS.to_string() class="node" />
                    <text x=format!("{x:.1}") y=format!("{:.1}", y + 4.0) class="node-label">{name.clone()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="flow-graph" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label="Replication between Kafka clusters" data-testid="replication-graph">
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                </marker>
            </defs>
            {edges}
            {circles}
        </svg>
    }
}
