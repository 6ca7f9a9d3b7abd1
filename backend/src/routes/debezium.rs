//! A Debezium source connector's card (the database it reads, its slot and publication, the
//! topics it talks through, and what in its config makes it hard to run), its snapshots, and
//! the signals that steer its incremental snapshots; for PostgreSQL, its slot ([`slot`]).

use api_types::{Action, DebeziumCard, DebeziumSignal, DebeziumSnapshots, Outcome, SignalSent};
use axum::Json;
use axum::extract::State;
use std::collections::BTreeMap;

use plugboard_connect::{ClusterClient, ConnectorName};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ChangeOrigin, ConnectorPath};
use crate::debezium::card::card;
use crate::debezium::signals::{destination, send, signal_value};
use crate::debezium::snapshots::{read_notifications, snapshots};
use crate::error::ApiError;
use crate::records::{internal, kafka_config};
use crate::state::AppState;

mod slot;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(slot::router())
        .routes(routes!(get_debezium_card))
        .routes(routes!(get_debezium_snapshots))
        .routes(routes!(send_debezium_signal))
}

/// The connector's config as a worker has it now (its secrets told to the masking).
async fn live_config(
    client: &ClusterClient,
    cluster: &str,
    name: &ConnectorName,
) -> Result<BTreeMap<String, String>, ApiError> {
    client
        .live_config(name)
        .await
        .ok_or_else(|| ApiError::NotFound(format!("no connector `{name}` on cluster `{cluster}`")))
}

/// Refuses a topic that is one of Connect's own (a connector's config names it, so an editor
/// could point notifications or signals there): its config topic holds secrets in clear, and
/// none of them is Plugboard's to read for a card or to write a signal into.
fn not_connects_own(state: &AppState, topic: &str) -> Result<(), ApiError> {
    match internal::by_name(&state.settings.clusters, topic) {
        Some(kind) => Err(ApiError::Forbidden(format!(
            "`{topic}` is a Kafka Connect {} topic: Plugboard neither reads it as notifications \
             nor writes signals into it",
            kind.as_str()
        ))),
        None => Ok(()),
    }
}

fn not_debezium(name: &ConnectorName) -> ApiError {
    ApiError::NotFound(format!("`{name}` is not a Debezium source connector"))
}

/// The card of a Debezium source connector, from its config and (for its signal topic's
/// partitions) the cluster's Kafka when Plugboard reads it. Not found for other connectors.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}/debezium", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 200, body = api_types::DebeziumCard), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_debezium_card(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
) -> Result<Json<DebeziumCard>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let config = live_config(client, &cluster, &name).await?;
    let snapshot = state.kafka.snapshot(&cluster);
    let partitions = |topic: &str| Some(snapshot.as_deref()?.topic(topic)?.partitions.len());
    card(&config, partitions)
        .map(Json)
        .ok_or_else(|| not_debezium(&name))
}

/// The initial and incremental snapshots of a Debezium source connector, newest first, from
/// its notification topic (the newest 5,000 notifications): per table rows scanned and chunks,
/// tables done of all, rate, and whether a running one has stalled. Shared by every open page
/// for a few seconds.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}/debezium/snapshots", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 200, body = api_types::DebeziumSnapshots), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_debezium_snapshots(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
) -> Result<Json<DebeziumSnapshots>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let config = live_config(client, &cluster, &name).await?;
    let card = card(&config, |_| None).ok_or_else(|| not_debezium(&name))?;
    let now_ms = crate::clock::now_ms();
    let Some(topic) = card.notifications_topic else {
        return Ok(Json(DebeziumSnapshots {
            topic: None,
            now_ms,
            snapshots: Vec::new(),
        }));
    };
    not_connects_own(&state, &topic)?;
    let prefix = card.topic_prefix.unwrap_or_default();
    let key = (cluster.clone(), topic.clone(), prefix.clone());
    let runs = match state.debezium_snapshots.get(&key) {
        Some(runs) => runs,
        None => {
            let kafka = kafka_config(client.cluster())?;
            let _permit = state.record_reads.enter(&cluster)?;
            let read_topic = topic.clone();
            let notifications =
                tokio::task::spawn_blocking(move || read_notifications(&kafka, &read_topic))
                    .await
                    .map_err(|e| ApiError::KafkaUnavailable(e.to_string()))??;
            let runs = snapshots(&notifications, &prefix, now_ms);
            state.debezium_snapshots.put(key, runs.clone());
            runs
        }
    };
    Ok(Json(DebeziumSnapshots {
        topic: Some(topic),
        now_ms,
        snapshots: runs,
    }))
}

/// Sends a signal to a Debezium source through its Kafka signal topic (on this cluster's
/// Kafka, partition 0, keyed by its `topic.prefix`), with a new id: start an incremental
/// snapshot of tables, stop it (or some of its tables), pause or resume it. Recorded in the
/// history, sent or not.
#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/debezium/signals", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), request_body = api_types::DebeziumSignal, responses((status = 200, body = api_types::SignalSent), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("debezium_signal on cluster"))))]
async fn send_debezium_signal(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
    origin: ChangeOrigin,
    ApiJson(signal): ApiJson<DebeziumSignal>,
) -> Result<Json<SignalSent>, ApiError> {
    let client = state.writable_cluster(&cluster)?;
    let config = live_config(client, &cluster, &name).await?;
    let card = card(&config, |_| None).ok_or_else(|| not_debezium(&name))?;
    let kafka = kafka_config(client.cluster())?;
    let cluster_servers = client
        .cluster()
        .bootstrap_servers
        .clone()
        .unwrap_or_default();
    let theirs = config
        .get("signal.kafka.bootstrap.servers")
        .map(String::as_str);
    let (topic, key) =
        destination(&card, theirs, &cluster_servers).map_err(ApiError::BadRequest)?;
    not_connects_own(&state, &topic)?;
    let id = format!("plugboard-{}", crate::random::random_hex(8));
    let value = signal_value(&id, &signal).map_err(ApiError::BadRequest)?;
    let (to, keyed, sent_value) = (topic.clone(), key.clone(), value.clone());
    // A producer per signal, so signals share the cluster's permits for Kafka reads and writes.
    let permit = state.record_reads.enter(&cluster)?;
    let sent = tokio::task::spawn_blocking(move || send(&kafka, &to, &keyed, &sent_value))
        .await
        .map_err(|e| ApiError::KafkaUnavailable(e.to_string()))?;
    drop(permit);
    let detail = json!({
        "topic": topic,
        "id": id,
        "signal": value["type"],
        "tables": value["data"]["data-collections"],
        "error": sent.as_ref().err(),
    });
    let outcome = if sent.is_ok() {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    let intent = origin.local_intent(
        Action::DebeziumSignal,
        Some(name.as_str().to_owned()),
        detail,
    );
    state
        .history
        .record_done(&cluster, intent, outcome, None)
        .await?;
    sent.map_err(ApiError::KafkaUnavailable)?;
    Ok(Json(SignalSent { id, topic, key }))
}
