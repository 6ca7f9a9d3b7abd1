//! What the rules that judge Debezium's sources need of one cluster, from the same cached call
//! as its connector list: each PostgreSQL source's slot on a database the slot watch reads
//! (with the watch's latest reading of it), each source's heartbeat topic and interval, and
//! each source's notification topic.

use std::collections::HashMap;

use plugboard_connect::{ClusterClient, Freshness};

use super::round::SourceSlot;
use crate::config::DatabaseCredentials;
use crate::debezium::card::{card, postgres_slot};
use crate::state::AppState;

/// A cluster's Debezium sources as the rules see them, by connector name.
#[derive(Debug, Default)]
pub(crate) struct DebeziumSources {
    pub slots: HashMap<String, SourceSlot>,
    /// Each source with heartbeats on: its heartbeat topic and interval (ms).
    pub heartbeats: HashMap<String, (String, u64)>,
    /// Each source that notifies to Kafka: its notification topic and topic prefix.
    pub notifications: HashMap<String, (String, String)>,
}

impl DebeziumSources {
    /// Gathers `client`'s cluster's Debezium sources; `None` when Connect does not answer.
    pub(crate) async fn gather(state: &AppState, client: &ClusterClient) -> Option<Self> {
        let mut sources = Self::default();
        let connectors = client.live_connectors(Freshness::Cached).await.ok()?;
        for (name, connector) in connectors {
            let config = &connector.config;
            let Some(card) = card(config, |_| None) else {
                continue;
            };
            if let (Some(topic), Some(interval)) =
                (card.heartbeat_topic, card.heartbeat_interval_ms)
            {
                sources.heartbeats.insert(name.clone(), (topic, interval));
            }
            if let Some(topic) = card.notifications_topic {
                let prefix = card.topic_prefix.unwrap_or_default();
                sources.notifications.insert(name.clone(), (topic, prefix));
            }
            let watched = state
                .source_databases
                .of_connector(config)
                .filter(|d| matches!(d.credentials, DatabaseCredentials::Monitoring { .. }));
            if let (Some(slot_name), Some(database)) = (postgres_slot(config), watched) {
                let reading = state.slot_watch.latest(&database.id);
                sources
                    .slots
                    .insert(name, SourceSlot { slot_name, reading });
            }
        }
        Some(sources)
    }
}
