//! A Debezium source connector's card, snapshots and signals.

use api_types::{DebeziumCard, DebeziumSignal, DebeziumSnapshots, SignalSent, SlotHealth};

use super::{ApiResult, Change, change_json, connector_path, get_json};

pub(crate) async fn debezium_card(cluster: String, name: String) -> ApiResult<DebeziumCard> {
    get_json(&format!("{}/debezium", connector_path(&cluster, &name))).await
}

pub(crate) async fn debezium_snapshots(
    cluster: String,
    name: String,
) -> ApiResult<DebeziumSnapshots> {
    get_json(&format!(
        "{}/debezium/snapshots",
        connector_path(&cluster, &name)
    ))
    .await
}

/// Sends a signal to the connector's Kafka signal topic; answers its new id.
pub(crate) async fn send_debezium_signal(
    cluster: &str,
    name: &str,
    signal: &DebeziumSignal,
) -> ApiResult<SignalSent> {
    let path = format!("{}/debezium/signals", connector_path(cluster, name));
    change_json(Change::Post, &path, signal, None).await
}

/// The connector's replication slot, publication and stored offset, as its database shows them.
pub(crate) async fn debezium_slot(cluster: String, name: String) -> ApiResult<SlotHealth> {
    get_json(&format!(
        "{}/debezium/slot",
        connector_path(&cluster, &name)
    ))
    .await
}
