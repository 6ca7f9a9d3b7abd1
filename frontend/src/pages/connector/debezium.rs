//! The Debezium card of a Debezium source connector: the database it reads, its slot and
//! publication, the tables it captures, the topics it talks through (notifications, signals,
//! heartbeats), and the lints of its config. Shown only for Debezium's source connectors.

use std::time::Duration;

use api_types::DebeziumCard;
use leptos::prelude::*;

use crate::api;
use crate::live::live;

/// A config changes rarely, and the card reads only the config and a topic's partitions.
const REFRESH_EVERY: Duration = Duration::from_secs(30);

#[component]
pub(crate) fn DebeziumPanel(cluster: String, name: String) -> impl IntoView {
    let card = live(
        REFRESH_EVERY,
        || (),
        move |()| api::debezium_card(cluster.clone(), name.clone()),
    );
    move || {
        card.ok_map(Clone::clone)
            .map(|card| view! { <DebeziumFacts card /> })
    }
}

#[component]
fn DebeziumFacts(card: DebeziumCard) -> impl IntoView {
    let fact = |label: &'static str, testid: &'static str, value: Option<String>| {
        value.map(|value| view! { <div><dt>{label}</dt><dd><code data-testid=testid>{value}</code></dd></div> })
    };
    let tables = if card.tables.is_empty() {
        "every table".to_owned()
    } else {
        card.tables.join(", ")
    };
    let heartbeat = card
        .heartbeat_topic
        .map(|topic| match card.heartbeat_interval_ms {
            Some(ms) => format!("{topic} (every {} s)", ms as f64 / 1000.0),
            None => topic,
        });
    view! {
        <section class="card" data-testid="debezium-card">
            <h2>{format!("Debezium: {}", card.database)}</h2>
            <dl class="facts">
                {fact("Topic prefix", "debezium-prefix", card.topic_prefix)}
                {fact("Slot", "debezium-slot", card.slot)}
                {fact("Publication", "debezium-publication", card.publication)}
                {fact("Decoder", "debezium-decoder", card.decoder)}
                {fact("Tables", "debezium-tables", Some(tables))}
                {fact("Notifications", "debezium-notifications", card.notifications_topic)}
                {fact("Signal topic", "debezium-signal-topic", card.signal_topic)}
                {fact("Signal table", "debezium-signal-table", card.signal_table)}
                {fact("Heartbeats", "debezium-heartbeat", heartbeat)}
            </dl>
            <ul class="lints" data-testid="debezium-lints">
                {card.lints.into_iter().map(|lint| {
                    let kind = format!("{:?}", lint.kind);
                    view! { <li class="warning" data-lint=kind>{lint.message}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}
