//! MirrorMaker 2 replication: every flow between Kafka clusters that a Connect cluster runs,
//! drawn as a graph, then flow by flow: its three connectors and their states, how old its
//! newest heartbeat and checkpoint are, its topic and group patterns, each replicated topic
//! with its name on the target, its lag and throughput (per partition on demand), and each
//! group as it would fail over.

mod failover;
mod flow_form;
mod graph;

use std::collections::HashSet;
use std::time::Duration;

use api_types::{
    Action as ChangeAction, FlowConnector, MirrorRole, ReplicatedTopic, Replication,
    ReplicationFlow,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::{ColumnHeads, StateBadge, duration_text};
use crate::failure::Failure;
use crate::links;
use crate::live::live;
use crate::session;
use failover::{FailingOver, Failover, FailoverPanel};
use flow_form::{Drafting, FlowForm, OpenForm, form_name};
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
    // Outside the flows, which each refresh draws anew: an open failover stays open.
    let FailingOver(failing_over) = FailingOver::provide();
    let OpenForm(drafting) = OpenForm::provide();
    let may_create = session::may_somewhere(ChangeAction::Create.role());
    // A Memo: the list rarely changes, so the page's refreshes do not redraw an open form.
    let kafka_clusters = Memo::new(move |_| {
        answer.with(|a| {
            a.as_ref()
                .map(|a| a.kafka_clusters.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <div class="title-row">
            <h1>"Replication"</h1><span class="muted">"MirrorMaker 2 flows between Kafka clusters"</span>
            <span class="spacer"></span>
            {may_create.then(|| view! {
                <button type="button" class="primary" data-testid="new-flow" on:click=move |_| drafting.set(Some(Drafting::New))>"New flow"</button>
            })}
        </div>
        {move || drafting.get().map(|open| view! { <FlowForm drafting=open kafka_clusters /> })}
        {move || failing_over.get().map(|chosen| view! { <FailoverPanel chosen /> })}
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
    let now_ms = answer.now_ms;
    view! {
        {unreachable}
        <section class="card"><FlowGraph flows=answer.flows.clone() /></section>
        {answer.flows.into_iter().map(|flow| view! { <FlowCard flow now_ms /> }).collect_view()}
    }
    .into_any()
}

/// How long before `now_ms` the time `at_ms` was, for people, and in whole seconds.
pub(super) fn age(now_ms: i64, at_ms: i64) -> (String, i64) {
    let seconds = (now_ms - at_ms).max(0) / 1000;
    (duration_text(seconds as f64), seconds)
}

/// The flow's newest heartbeat and checkpoint, and how old they are.
#[component]
fn Liveness(flow: ReplicationFlow, now_ms: i64) -> impl IntoView {
    let beats = flow.heartbeats;
    let has_checkpoints = flow
        .connectors
        .iter()
        .any(|c| c.role == MirrorRole::Checkpoint);
    let (heartbeat, heartbeat_title) = match (beats.newest_replicated_ms, beats.newest_emitted_ms) {
        (Some(at), _) => (
            Some(at),
            format!(
                "the newest heartbeat of the source in {}: how far behind replication is",
                beats.replicated_topic
            ),
        ),
        (None, Some(at)) => (
            Some(at),
            format!(
                "the heartbeat connector's own on the target: the source emits none, so {} does not show replication",
                beats.replicated_topic
            ),
        ),
        (None, None) => (None, "no heartbeat read on the target yet".to_owned()),
    };
    let shown = |at: Option<i64>| {
        at.map_or_else(
            || ("none yet".to_owned(), String::new()),
            |at| {
                let (text, seconds) = age(now_ms, at);
                (format!("{text} ago"), seconds.to_string())
            },
        )
    };
    let (heartbeat_text, heartbeat_seconds) = shown(heartbeat);
    let (checkpoint_text, checkpoint_seconds) = shown(flow.newest_checkpoint_ms);
    let emitted_only = beats.newest_replicated_ms.is_none() && beats.newest_emitted_ms.is_some();
    view! {
        <p class="flow-liveness">
            <span title=heartbeat_title>"Heartbeat "
                <strong data-testid="flow-heartbeat-age" data-seconds=heartbeat_seconds>{heartbeat_text}</strong>
                {emitted_only.then_some(" (emitted, not replicated)")}
            </span>
            {has_checkpoints.then(|| view! {
                " · " <span>"Checkpoint "
                    <strong data-testid="flow-checkpoint-age" data-seconds=checkpoint_seconds>{checkpoint_text}</strong>
                </span>
            })}
        </p>
    }
}

#[component]
fn FlowCard(flow: ReplicationFlow, now_ms: i64) -> impl IntoView {
    let heading = format!("{} → {}", node_name(&flow.source), node_name(&flow.target));
    let aliases = format!(
        "aliases {} → {} · run by Connect cluster {}",
        flow.source.alias, flow.target.alias, flow.connect_cluster
    );
    let lag = flow_lag(&flow).map_or_else(|| "unknown".to_owned(), |lag| lag.to_string());
    let cluster = flow.connect_cluster.clone();
    let replicates = flow.connectors.iter().any(|c| c.role == MirrorRole::Source);
    let OpenForm(drafting) = expect_context();
    let editable = form_name(&flow).is_some()
        && session::may(ChangeAction::Update.role(), Some(&flow.connect_cluster));
    let edited = StoredValue::new(flow.clone());
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
                {replicates.then(|| view! { <span>"Lag " <strong data-testid="flow-lag">{lag}</strong></span> })}
                {editable.then(|| view! {
                    <button type="button" data-testid="edit-flow" on:click=move |_| drafting.set(Some(Drafting::Edit(Box::new(edited.get_value()))))>"Edit flow"</button>
                })}
            </div>
            <Liveness flow=flow.clone() now_ms />
            <ul class="flow-connectors">
                {flow.connectors.into_iter().map(|connector| view! { <ConnectorItem cluster=cluster.clone() connector /> }).collect_view()}
            </ul>
            {flow.notes.into_iter().map(|note| view! { <p class="warning" data-testid="flow-note">{note}</p> }).collect_view()}
            {if replicates {
                view! { <FlowTopics flow_key topics=flow.topics topics_pattern=flow.topics_pattern groups_pattern=flow.groups_pattern /> }.into_any()
            } else {
                view! { <p class="muted small" data-testid="heartbeats-only">"Heartbeats only: no source connector, so no topic is replicated this way."</p> }.into_any()
            }}
            {(!flow.groups.is_empty()).then(|| {
                let (source, target) = (flow.source.alias.clone(), flow.target.alias.clone());
                view! { <Failover cluster=flow.connect_cluster source target groups=flow.groups now_ms /> }
            })}
        </section>
    }
}

/// The flow's topic and group patterns, and each replicated topic.
#[component]
fn FlowTopics(
    flow_key: String,
    topics: Vec<ReplicatedTopic>,
    topics_pattern: Option<String>,
    groups_pattern: Option<String>,
) -> impl IntoView {
    view! {
        <p class="muted small">
            "Topics " <code>{topics_pattern.unwrap_or_else(|| ".* (every topic)".into())}</code>
            " · groups " <code>{groups_pattern.unwrap_or_else(|| ".* (every group)".into())}</code>
        </p>
        <div class="table-scroll">
            <table data-testid="flow-topics">
                <ColumnHeads columns=&["Topic", "On the target", "Partitions", "Lag (records)", "Throughput"] />
                <tbody>
                    {topics.into_iter().map(|topic| view! { <TopicRow flow_key=flow_key.clone() topic /> }).collect_view()}
                </tbody>
            </table>
        </div>
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
    let throughput = topic
        .records_per_second
        .map_or_else(|| "—".to_owned(), |rate| format!("{rate:.1} records/s"));
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
            <td class="number" data-testid="topic-throughput">{throughput}</td>
        </tr>
        <Show when=open>
            <tr class="details"><td colspan="5">
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
