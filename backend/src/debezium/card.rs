//! The Debezium card of a source connector, from its config alone (and the partitions of its
//! signal topic, from Kafka). Values the config leaves out are Debezium's defaults, as its
//! connectors declare them (3.x): slot `debezium`, publication `dbz_publication`, decoder
//! `decoderbufs`, signals from the signal table only, no notifications, no heartbeat, heartbeat
//! topics `__debezium-heartbeat.<topic.prefix>`, Kafka signals on `<topic.prefix>-signal`.

use std::collections::BTreeMap;

use api_types::{DebeziumCard, DebeziumLint, DebeziumLintKind, debezium_database};
use plugboard_connect::model::split_list;

/// The replication slot of the Debezium PostgreSQL source configured by `config` (its
/// `slot.name`, or Debezium's default); `None` for any other connector.
pub(crate) fn postgres_slot(config: &BTreeMap<String, String>) -> Option<String> {
    let database = debezium_database(config.get("connector.class")?)?;
    (database == "PostgreSQL").then(|| {
        config
            .get("slot.name")
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .unwrap_or(DEFAULT_SLOT)
            .to_owned()
    })
}

/// Debezium's slot name when the config gives none.
const DEFAULT_SLOT: &str = "debezium";

/// The card of the Debezium source connector configured by `config`; `signal_partitions`
/// answers how many partitions a topic has, when Kafka is known. `None` for any other
/// connector.
pub(crate) fn card(
    config: &BTreeMap<String, String>,
    signal_partitions: impl Fn(&str) -> Option<usize>,
) -> Option<DebeziumCard> {
    let database = debezium_database(config.get("connector.class")?)?;
    let set = |key: &str| {
        config
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let listed = |key: &str| split_list(config.get(key).map_or("", String::as_str));
    let postgres = database == "PostgreSQL";
    let or_default =
        |key: &str, default: &str| postgres.then(|| set(key).unwrap_or_else(|| default.to_owned()));
    let topic_prefix = set("topic.prefix");
    let prefix = topic_prefix.as_deref().unwrap_or("");
    let signal_channels = set("signal.enabled.channels")
        .map_or_else(|| vec!["source".to_owned()], |v| split_list(&v));
    let kafka_signals = signal_channels.iter().any(|c| c == "kafka");
    let signal_topic = kafka_signals
        .then(|| set("signal.kafka.topic").unwrap_or_else(|| format!("{prefix}-signal")));
    let notifications = listed("notification.enabled.channels")
        .iter()
        .any(|c| c == "sink");
    let notifications_topic = set("notification.sink.topic.name").filter(|_| notifications);
    let heartbeat_interval_ms = set("heartbeat.interval.ms")
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0);
    let heartbeat_topic = heartbeat_interval_ms.map(|_| {
        let topics =
            set("heartbeat.topics.prefix").unwrap_or_else(|| "__debezium-heartbeat".to_owned());
        format!("{topics}.{prefix}")
    });
    let signal_table = set("signal.data.collection");
    let read_only = set("read.only").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut lints = Vec::new();
    let mut lint = |kind, message: String| lints.push(DebeziumLint { kind, message });
    if notifications_topic.is_none() {
        lint(
            DebeziumLintKind::NotificationsOff,
            "Notifications are off: the progress of snapshots shows only in the worker's logs. \
             Set notification.enabled.channels=sink and notification.sink.topic.name."
                .to_owned(),
        );
    }
    if let Some(topic) = &signal_topic {
        if let Some(partitions) = signal_partitions(topic).filter(|p| *p > 1) {
            lint(
                DebeziumLintKind::SignalTopicPartitions,
                format!(
                    "The signal topic {topic} has {partitions} partitions: Debezium reads only \
                     partition 0, so signals sent to the others are lost. Use a topic of one \
                     partition."
                ),
            );
        }
        if signal_table.is_none() && !read_only {
            lint(
                DebeziumLintKind::KafkaSignalsWithoutWatermarks,
                "Signals come from Kafka, but there is no signal table and read.only is not \
                 set: an incremental snapshot has nowhere to write its watermarks. Set \
                 signal.data.collection (a table in the publication), or read.only=true."
                    .to_owned(),
            );
        }
    }
    if heartbeat_interval_ms.is_none() && postgres {
        lint(
            DebeziumLintKind::NoHeartbeat,
            "No heartbeat: while the captured tables are idle, the connector confirms nothing \
             to its slot, which holds back PostgreSQL's WAL for every other write. Set \
             heartbeat.interval.ms (and heartbeat.action.query on a database with little \
             traffic)."
                .to_owned(),
        );
    }
    Some(DebeziumCard {
        database: database.to_owned(),
        topic_prefix,
        slot: or_default("slot.name", DEFAULT_SLOT),
        publication: or_default("publication.name", "dbz_publication"),
        decoder: or_default("plugin.name", "decoderbufs"),
        tables: listed("table.include.list"),
        notifications_topic,
        signal_topic,
        signal_table,
        heartbeat_topic,
        heartbeat_interval_ms,
        lints,
    })
}

#[cfg(test)]
mod tests;
