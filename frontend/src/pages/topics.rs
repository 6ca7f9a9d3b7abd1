//! A cluster's brokers and topics from the latest Kafka snapshot, with under-replicated,
//! under-min-ISR and offline partitions counted; problems first. A topic opens to its
//! partitions.

use std::time::Duration;

use api_types::{KafkaTopics, TopicSummary};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::{ColumnHeads, KafkaFreshness, PartitionTable, SearchBox};
use crate::failure::Failure;
use crate::links;
use crate::live::live;

const REFRESH_EVERY: Duration = Duration::from_secs(10);

#[component]
pub(crate) fn TopicsPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = Memo::new(move |_| params.read().get("cluster").unwrap_or_default());
    let topics = live(REFRESH_EVERY, move || cluster.get(), api::kafka_topics);
    let search = RwSignal::new(String::new());
    let show_internal = RwSignal::new(false);
    let answer: Memo<Option<KafkaTopics>> = Memo::new(move |_| topics.ok_map(Clone::clone));
    view! {
        <div class="title-row"><h1>"Topics and brokers"</h1><span class="muted">{move || cluster.get()}</span></div>
        {move || topics.error().map(|error| view! { <Failure error /> })}
        {move || answer.get().map(|a| view! {
            <KafkaFreshness status=a.status.clone() />
            <section class="card">
                <h2>"Brokers"</h2>
                <ul class="chips" data-testid="brokers">
                    {a.brokers.iter().map(|b| view! { <li><strong>{b.id}</strong> " " <code>{format!("{}:{}", b.host, b.port)}</code> {format!(" leads {}", b.leader_of)}</li> }).collect_view()}
                </ul>
            </section>
            <p data-testid="topic-counts">{counts_text(&a.topics)}</p>
        })}
        <div class="filter-bar">
            <SearchBox label="Search topics" value=search />
            <label><input type="checkbox" prop:checked=move || show_internal.get()
                on:change=move |ev| show_internal.set(event_target_checked(&ev)) /> " Internal topics"</label>
        </div>
        <div class="table-scroll">
            <table data-testid="topics-table">
                <ColumnHeads columns=&["Topic", "Partitions", "Replication", "Min ISR", "Under-replicated", "Under min ISR", "Offline", "Records (log end)", "Contents"] />
                <tbody>
                    {move || {
                        let needle = search.get().to_lowercase();
                        let internal = show_internal.get();
                        let mut list: Vec<TopicSummary> = answer.get().map(|a| a.topics).unwrap_or_default()
                            .into_iter()
                            .filter(|t| (internal || !t.internal) && t.name.to_lowercase().contains(&needle))
                            .collect();
                        list.sort_by_key(api_types::TopicSummary::healthy);
                        list.into_iter().map(|t| view! { <TopicRow cluster=cluster.get_untracked() topic=t /> }).collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

fn counts_text(topics: &[TopicSummary]) -> String {
    let sum = |f: fn(&TopicSummary) -> u32| topics.iter().map(f).sum::<u32>();
    format!(
        "{} topics, {} partitions: {} under-replicated, {} under min ISR, {} offline",
        topics.len(),
        sum(|t| t.partitions),
        sum(|t| t.under_replicated),
        sum(|t| t.under_min_isr),
        sum(|t| t.offline)
    )
}

#[component]
fn TopicRow(cluster: String, topic: TopicSummary) -> impl IntoView {
    let open = RwSignal::new(false);
    let cluster_for_link = cluster.clone();
    let name = topic.name.clone();
    let partitions = LocalResource::new(move || {
        let (cluster, name, open) = (cluster.clone(), name.clone(), open.get());
        async move {
            if open {
                Some(api::kafka_topic(cluster, name).await)
            } else {
                None
            }
        }
    });
    let bad = |n: u32| if n > 0 { "error" } else { "" };
    let records_href = links::records(&cluster_for_link, &topic.name);
    view! {
        <tr data-testid="topic-row" data-topic=topic.name.clone() class:problem=!topic.healthy()>
            <td><button type="button" class="link" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)><code>{topic.name.clone()}</code></button></td>
            <td>{topic.partitions}</td>
            <td>{topic.replication_factor}</td>
            <td>{topic.min_insync_replicas.map_or_else(|| "?".to_owned(), |m| m.to_string())}</td>
            <td class=bad(topic.under_replicated) data-testid="under-replicated">{topic.under_replicated}</td>
            <td class=bad(topic.under_min_isr)>{topic.under_min_isr}</td>
            <td class=bad(topic.offline)>{topic.offline}</td>
            <td>{topic.log_end_total}</td>
            <td><A href=links::href(&records_href) attr:data-testid="topic-records">"Records"</A></td>
        </tr>
        {move || partitions.get().flatten().map(|answer| view! {
            <tr><td colspan="9">{match answer {
                Ok(detail) => view! { <PartitionTable partitions=detail.partitions /> }.into_any(),
                Err(error) => view! { <Failure error /> }.into_any(),
            }}</td></tr>
        })}
    }
}
