//! The connector's Kafka side: a sink's consumer lag (per partition, per topic, in all, with
//! the time it is behind and a chart over the last hour, day or week), and the health of its
//! topics' partitions. Source connectors show their position in the Offsets section instead.

use api_types::{ConnectorKafka, GroupDetail, LagRange, Role, RuleKind, TopicDetail};
use leptos::prelude::*;

use super::REFRESH_EVERY;
use crate::api;
use crate::components::{KafkaFreshness, LagChart, PartitionTable, Threshold, duration_text};
use crate::failure::Failure;
use crate::live::live;
use crate::pages::alerts::NewRuleForm;
use crate::session;

#[component]
pub(crate) fn KafkaPanels(cluster: String, name: String) -> impl IntoView {
    let kafka = {
        let (cluster, name) = (cluster.clone(), name.clone());
        live(
            REFRESH_EVERY,
            || (),
            move |()| api::connector_kafka(cluster.clone(), name.clone()),
        )
    };
    let answer: Memo<Option<ConnectorKafka>> = Memo::new(move |_| kafka.ok_map(Clone::clone));
    let group_name =
        Memo::new(move |_| answer.with(|a| a.as_ref().and_then(|k| k.group_name.clone())));
    let rule_preset = (RuleKind::LagAbove, cluster.clone(), name.clone());
    view! {
        {move || kafka.error().map(|error| view! { <section class="card"><h2>"Kafka"</h2><Failure error quiet=true testid="kafka-error" /></section> })}
        {move || answer.get().map(|k| view! {
            <section class="card" data-testid="lag-panel">
                <h2>"Consumer lag"</h2>
                <KafkaFreshness status=k.status.clone() />
                {match (&k.group_name, k.group.clone()) {
                    (None, _) => view! { <p class="muted">"A source connector has no consumer group: its position is under Offsets."</p> }.into_any(),
                    (Some(g), None) => view! { <p class="muted">{format!("Group {g} has committed no offsets yet.")}</p> }.into_any(),
                    (Some(_), Some(group)) => view! { <GroupLag group /> }.into_any(),
                }}
                {(k.group_name.is_some() && session::may(Role::Admin, None)).then(|| view! {
                    <details class="rule-shortcut" data-testid="lag-rule">
                        <summary>"Alert on lag…"</summary>
                        <NewRuleForm on_created=Callback::new(|()| ()) preset=rule_preset.clone() />
                    </details>
                })}
            </section>
        })}
        {move || group_name.get().map(|group| view! { <LagHistory cluster=cluster.clone() connector=name.clone() group /> })}
        {move || answer.get().map(|k| view! { <TopicHealth topics=k.topics.clone() missing=k.missing_topics /> })}
    }
}

#[component]
fn GroupLag(group: GroupDetail) -> impl IntoView {
    let summary = group.summary;
    let behind = match (summary.time_lag_seconds, summary.consume_rate) {
        (Some(seconds), _) => format!("about {} behind", duration_text(seconds)),
        (None, Some(_)) => "not consuming".to_owned(),
        (None, None) => "time behind not known yet".to_owned(),
    };
    view! {
        <p>
            <code data-testid="group-name">{summary.name.clone()}</code> " · "
            <strong data-testid="total-lag">{summary.lag}</strong> " records · " {behind}
            {summary.consume_rate.map(|r| format!(" · {r:.1} records/s"))}
        </p>
        <ul class="chips">{group.topics.into_iter().map(|t| view! { <li><code>{t.topic}</code> " " {t.lag}</li> }).collect_view()}</ul>
        <div class="table-scroll">
            <table data-testid="partition-lag">
                <thead><tr><th scope="col">"Topic"</th><th scope="col">"Partition"</th><th scope="col">"Committed"</th><th scope="col">"Log end"</th><th scope="col">"Lag"</th></tr></thead>
                <tbody>
                    {group.partitions.into_iter().map(|p| view! {
                        <tr data-testid="lag-row" data-partition=p.partition>
                            <td><code>{p.topic}</code></td><td>{p.partition}</td><td>{p.committed}</td>
                            <td>{p.log_end.map_or_else(|| "—".to_owned(), |e| e.to_string())}</td>
                            <td data-testid="lag">{p.lag.map_or_else(|| "—".to_owned(), |l| l.to_string())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn LagHistory(cluster: String, connector: String, group: String) -> impl IntoView {
    let range = RwSignal::new(LagRange::Hour);
    let thresholds = lag_thresholds(cluster.clone(), connector);
    let points = live(
        REFRESH_EVERY,
        move || range.get(),
        move |r| api::lag_history(cluster.clone(), group.clone(), r),
    );
    view! {
        <section class="card">
            <div class="title-row">
                <h2>"Lag over time"</h2>
                <span class="spacer"></span>
                <div class="segmented" role="group" aria-label="Range">
                    {LagRange::ALL.into_iter().map(|r| view! {
                        <button type="button" aria-pressed=move || (range.get() == r).to_string()
                            on:click=move |_| range.set(r)>{format!("Last {}", r.as_str())}</button>
                    }).collect_view()}
                </div>
            </div>
            {move || points.error().map(|error| view! { <Failure error /> })}
            {move || points.ok_map(Clone::clone).map(|p| view! {
                <LagChart points=p span_ms=range.get_untracked().millis() thresholds=thresholds.get().unwrap_or_default() />
            })}
        </section>
    }
}

/// The thresholds of the `lag_above` rules that cover `connector` on `cluster`, asked once.
fn lag_thresholds(cluster: String, connector: String) -> LocalResource<Vec<Threshold>> {
    LocalResource::new(move || {
        let (cluster, connector) = (cluster.clone(), connector.clone());
        async move {
            let rules = api::list_rules().await.unwrap_or_default();
            rules
                .into_iter()
                .filter(|r| r.spec.kind == RuleKind::LagAbove)
                .filter(|r| r.spec.covers(&cluster, Some(&connector)))
                .filter_map(|r| {
                    Some(Threshold {
                        records: r.spec.threshold?,
                        rule: r.spec.name,
                    })
                })
                .collect()
        }
    })
}

#[component]
fn TopicHealth(topics: Vec<TopicDetail>, missing: Vec<String>) -> impl IntoView {
    view! {
        <section class="card" data-testid="topic-health">
            <h2>"Topic partitions"</h2>
            {(!missing.is_empty()).then(|| view! { <p class="warning">{format!("Kafka has no topic {}", missing.join(", "))}</p> })}
            {topics.is_empty().then(|| view! { <p class="muted">"No topics known for this connector yet."</p> })}
            {topics.into_iter().map(|t| {
                let s = &t.summary;
                let facts = format!(
                    "{} partitions · replication {} · min ISR {}",
                    s.partitions, s.replication_factor,
                    s.min_insync_replicas.map_or_else(|| "?".to_owned(), |m| m.to_string())
                );
                let state = if s.healthy() { "all in sync".to_owned() } else {
                    format!("{} under-replicated, {} under min ISR, {} offline", s.under_replicated, s.under_min_isr, s.offline)
                };
                view! {
                    <h3><code>{s.name.clone()}</code></h3>
                    <p class="muted small">{facts} " · " <span class:error=!s.healthy()>{state}</span></p>
                    <PartitionTable partitions=t.partitions />
                }
            }).collect_view()}
        </section>
    }
}
