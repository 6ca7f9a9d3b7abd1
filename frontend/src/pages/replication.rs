//! MirrorMaker 2 replication: every flow between Kafka clusters that a Connect cluster runs,
//! drawn as a graph, then flow by flow: its three connectors and their states, its topic and
//! group patterns, and each replicated topic with its name on the target and its lag, per
//! partition on demand.

mod graph;

use std::collections::HashSet;
use std::time::Duration;

use api_types::{
    FlowConnector, GroupFailover, MirrorRole, ReplicatedTopic, Replication, ReplicationFlow,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::{ColumnHeads, StateBadge};
use crate::failure::Failure;
use crate::links;
use crate::live::live;
use graph::{FlowGraph, flow_lag, node_name};

const REFRESH_EVERY: Duration = Duration::from_secs(5);

/// The topics whose partitions are shown, by flow and topic: kept across refreshes, which
/// draw the flows anew.
#[derive(Clone, Copy)]
struct ExpandedTopics(RwSignal<HashSet<String>>);

#[component]
pub(crate) fn ReplicationPage() -> impl IntoView {
    let replication = live(REFRESH_EVERY, || (), |()| api::replication());
    let answer: Memo<Option<Replication>> = Memo::new(move |_| replication.ok_map(Clone::clone));
    provide_context(ExpandedTopics(RwSignal::new(HashSet::new())));
    view! {
        <div class="title-row"><h1>"Replication"</h1><span class="muted">"MirrorMaker 2 flows between Kafka clusters"</span></div>
        {move || replication.error().map(|error| view! { <Failure error /> })}
        {move || answer.get().map(|answer| view! { <Flows answer /> })}
    }
}

#[component]
fn Flows(answer: Replication) -> impl IntoView {
    let unreachable = answer.unreachable.into_iter().map(|failure| view! {
        <p class="warning" data-testid="replication-unreachable">
            {format!("Connect cluster {} did not answer: {}", failure.cluster, failure.message)}
        </p>
    }).collect_view();
    if answer.flows.is_empty() {
        return view! {
            {unreachable}
            <div class="card empty" data-testid="no-flows">
                <p>"No MirrorMaker 2 flow runs on these Connect clusters."</p>
                <p class="muted">"A flow is MirrorSourceConnector, MirrorCheckpointConnector and MirrorHeartbeatConnector on the Connect cluster of the target Kafka."</p>
            </div>
        }
        .into_any();
    }
    view! {
        {unreachable}
        <section class="card"><FlowGraph flows=answer.flows.clone() /></section>
        {answer.flows.into_iter().map(|flow| view! { <FlowCard flow /> }).collect_view()}
    }
    .into_any()
}

#[component]
fn FlowCard(flow: ReplicationFlow) -> impl IntoView {
    let heading = format!("{} → {}", node_name(&flow.source), node_name(&flow.target));
    let aliases = format!(
        "aliases {} → {} · run by Connect cluster {}",
        flow.source.alias, flow.target.alias, flow.connect_cluster
    );
    let lag = flow_lag(&flow).map_or_else(|| "unknown".to_owned(), |lag| lag.to_string());
    let cluster = flow.connect_cluster.clone();
    let flow_key = format!(
        "{}/{}/{}",
        flow.connect_cluster, flow.source.alias, flow.target.alias
    );
    view! {
        <section class="card" data-testid="flow" data-source=flow.source.alias.clone() data-target=flow.target.alias>
            <div class="title-row">
                <h2>{heading}</h2>
                <span class="muted small">{aliases}</span>
                <span class="spacer"></span>
                <span>"Lag " <strong data-testid="flow-lag">{lag}</strong></span>
            </div>
            <ul class="flow-connectors">
                {flow.connectors.into_iter().map(|connector| view! { <ConnectorItem cluster=cluster.clone() connector /> }).collect_view()}
            </ul>
            <p class="muted small">
                "Topics " <code>{flow.topics_pattern.unwrap_or_else(|| ".* (every topic)".into())}</code>
                " · groups " <code>{flow.groups_pattern.unwrap_or_else(|| ".* (every group)".into())}</code>
            </p>
            {flow.notes.into_iter().map(|note| view! { <p class="warning" data-testid="flow-note">{note}</p> }).collect_view()}
            <div class="table-scroll">
                <table data-testid="flow-topics">
                    <ColumnHeads columns=&["Topic", "On the target", "Partitions", "Lag (records)"] />
                    <tbody>
                        {flow.topics.into_iter().map(|topic| view! { <TopicRow flow_key=flow_key.clone() topic /> }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!flow.groups.is_empty()).then(|| view! { <Failover groups=flow.groups /> })}
        </section>
    }
}

#[component]
fn ConnectorItem(cluster: String, connector: FlowConnector) -> impl IntoView {
    let role = match connector.role {
        MirrorRole::Source => "records",
        MirrorRole::Checkpoint => "checkpoints",
        MirrorRole::Heartbeat => "heartbeats",
    };
    let href = links::href(&links::connector(&cluster, &connector.name));
    let tasks = match (connector.role, connector.tasks.total) {
        (MirrorRole::Checkpoint, 0) => "no tasks: no consumer group to checkpoint yet".to_owned(),
        (_, total) => format!("{} of {total} tasks running", connector.tasks.running),
    };
    view! {
        <li data-testid="flow-connector" data-role=role data-state=connector.state.as_str()>
            <span class="muted small">{role}</span> " "
            <A href=href>{connector.name}</A> " "
            <StateBadge state=connector.state /> " "
            <span class="muted small">{tasks}</span>
        </li>
    }
}

#[component]
fn TopicRow(flow_key: String, topic: ReplicatedTopic) -> impl IntoView {
    let ExpandedTopics(expanded) = expect_context();
    let key = StoredValue::new(format!("{flow_key}/{}", topic.topic));
    let open = move || expanded.with(|e| key.with_value(|k| e.contains(k)));
    let toggle = move |_| {
        expanded.update(|e| {
            let k = key.get_value();
            if !e.remove(&k) {
                e.insert(k);
            }
        });
    };
    let on_target = match topic.on_target {
        Some(true) => topic.remote.clone(),
        Some(false) => format!("{} (not created yet)", topic.remote),
        None => format!("{} (target not read)", topic.remote),
    };
    let lag = topic
        .lag
        .map_or_else(|| "?".to_owned(), |lag| lag.to_string());
    let partitions = topic.partitions.len();
    let details = topic.partitions.clone();
    view! {
        <tr data-testid="flow-topic" data-topic=topic.topic.clone() class:problem=topic.lag.is_some_and(|l| l > 0)>
            <td><code>{topic.topic.clone()}</code></td>
            <td data-testid="remote-topic"><code>{on_target}</code></td>
            <td>
                <button type="button" class="link" aria-expanded=move || open().to_string() on:click=toggle>
                    {format!("{partitions} partitions")}
                </button>
            </td>
            <td class="number" data-testid="topic-lag">{lag}</td>
        </tr>
        <Show when=open>
            <tr class="details"><td colspan="4">
                <table class="small" data-testid="partition-replication" data-topic=topic.topic.clone()>
                    <ColumnHeads columns=&["Partition", "Source end", "Target end", "Replicated to", "Lag"] />
                    <tbody>
                        {details.iter().map(|p| {
                            let text = |v: Option<i64>| v.map_or_else(|| "—".to_owned(), |v| v.to_string());
                            view! {
                                <tr data-testid="partition-row">
                                    <td>{p.partition}</td>
                                    <td>{text(p.source_end)}</td>
                                    <td>{text(p.target_end)}</td>
                                    <td>{text(p.replicated_to)}</td>
                                    <td>{p.lag.map_or_else(|| "?".to_owned(), |l| l.to_string())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </td></tr>
        </Show>
    }
}

/// The groups the flow checkpoints, as they would fail over to the target now.
#[component]
fn Failover(groups: Vec<GroupFailover>) -> impl IntoView {
    view! {
        <h3>"Consumer groups on failover"</h3>
        <p class="muted small">"Where each group would resume on the target now: its offsets there, translated by MirrorMaker 2, and what it would have left to read."</p>
        <div class="table-scroll">
            <table data-testid="flow-groups">
                <ColumnHeads columns=&["Group", "Committed on the source → resumes on the target", "Lag on the target"] />
                <tbody>
                    {groups.into_iter().map(|group| {
                        let lines = group.partitions.iter().map(|p| {
                            let at = p.translated.map_or_else(|| "not translated yet".to_owned(), |t| t.to_string());
                            view! { <div><code>{format!("{}-{}", p.topic, p.partition)}</code> " " {p.source_committed} " → " <code>{format!("{}-{}", p.remote, p.partition)}</code> " " {at}</div> }
                        }).collect_view();
                        view! {
                            <tr data-testid="flow-group" data-group=group.group>
                                <td><code>{group.group.clone()}</code></td>
                                <td class="small">{lines}</td>
                                <td class="number" data-testid="group-target-lag">{group.target_lag.map_or_else(|| "?".to_owned(), |l| l.to_string())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
