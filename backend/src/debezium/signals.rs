//! Signals to a Debezium connector through Kafka (`signal.enabled.channels` with `kafka`): a
//! record on its signal topic keyed by its `topic.prefix` (Debezium ignores any other key),
//! valued `{"id":..,"type":..,"data":{..}}`, on partition 0, the only one Debezium reads. Each
//! signal gets a new id; an incremental snapshot it starts carries that id in every
//! notification.

use std::time::Duration;

use api_types::{DebeziumCard, DebeziumSignal, SignalKind};
use rdkafka::ClientConfig;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use serde_json::{Value, json};

use crate::records::replay::Deliveries;

/// Tables one signal may name at most, and the longest name taken.
const MAX_TABLES: usize = 100;
const MAX_TABLE_NAME: usize = 256;
const DELIVER_WITHIN: Duration = Duration::from_secs(10);

/// Where a signal goes: the connector's signal topic and key, or why it cannot be sent.
pub(crate) fn destination(
    card: &DebeziumCard,
    connector_servers: Option<&str>,
    cluster_servers: &str,
) -> Result<(String, String), String> {
    let topic = card.signal_topic.clone().ok_or(
        "the connector reads no signals from Kafka: add kafka to signal.enabled.channels \
         (with signal.kafka.topic and signal.kafka.bootstrap.servers)",
    )?;
    let key = card
        .topic_prefix
        .clone()
        .ok_or("the connector has no topic.prefix, which Debezium matches a signal's key with")?;
    let servers = |list: &str| {
        let mut servers: Vec<String> = list
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        servers.sort();
        servers
    };
    if let Some(theirs) = connector_servers.filter(|s| servers(s) != servers(cluster_servers)) {
        return Err(format!(
            "the connector reads signals from the Kafka at {theirs}, not from this cluster's \
             Kafka ({cluster_servers}), where Plugboard would send them"
        ));
    }
    Ok((topic, key))
}

/// The signal's record value, with its new `id`; or why the signal is not valid.
pub(crate) fn signal_value(id: &str, signal: &DebeziumSignal) -> Result<Value, String> {
    let tables: Vec<&str> = signal.tables.iter().map(|t| t.trim()).collect();
    if tables.len() > MAX_TABLES {
        return Err(format!("a signal names {MAX_TABLES} tables at most"));
    }
    if let Some(bad) = tables
        .iter()
        .find(|t| t.is_empty() || t.len() > MAX_TABLE_NAME || t.chars().any(char::is_control))
    {
        return Err(format!(
            "`{bad}` is no table name (schema.table, at most {MAX_TABLE_NAME} characters)"
        ));
    }
    let data = match signal.kind {
        SignalKind::ExecuteSnapshot if tables.is_empty() => {
            return Err("an incremental snapshot needs at least one table".to_owned());
        }
        SignalKind::ExecuteSnapshot => {
            json!({"data-collections": tables, "type": "INCREMENTAL"})
        }
        SignalKind::StopSnapshot if tables.is_empty() => json!({"type": "INCREMENTAL"}),
        SignalKind::StopSnapshot => json!({"data-collections": tables, "type": "INCREMENTAL"}),
        SignalKind::PauseSnapshot | SignalKind::ResumeSnapshot if !tables.is_empty() => {
            return Err(
                "pause and resume act on the whole incremental snapshot: name no table".to_owned(),
            );
        }
        SignalKind::PauseSnapshot | SignalKind::ResumeSnapshot => json!({}),
    };
    Ok(json!({"id": id, "type": signal.kind.debezium_type(), "data": data}))
}

/// Sends the signal to partition 0 of `topic` and waits until Kafka has taken it. Blocking.
pub(crate) fn send(
    config: &ClientConfig,
    topic: &str,
    key: &str,
    value: &Value,
) -> Result<(), String> {
    let producer: BaseProducer<Deliveries> = config
        .clone()
        .set("client.id", "plugboard-signal")
        .create_with_context(Deliveries::default())
        .map_err(|e| e.to_string())?;
    let payload = value.to_string();
    producer
        .send(
            BaseRecord::to(topic)
                .partition(0)
                .key(key)
                .payload(&payload),
        )
        .map_err(|(e, _)| format!("Kafka refused the signal: {e}"))?;
    producer
        .flush(DELIVER_WITHIN)
        .map_err(|e| format!("Kafka did not take the signal in time: {e}"))?;
    if producer.context().failed() > 0 {
        return Err(format!("Kafka did not take the signal on topic {topic}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
