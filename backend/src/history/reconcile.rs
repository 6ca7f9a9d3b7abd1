//! Rows left `pending` by a Plugboard that stopped between the call and its answer become
//! `unknown` at the next start, and are then compared with the live config: when the connector
//! now has the config that was asked for, the change evidently went through.

use crate::connect::ClusterClient;

use super::{History, live_config, store};

pub async fn reconcile(history: &History, clients: &[ClusterClient]) -> anyhow::Result<()> {
    let interrupted = store::mark_interrupted(history.db()).await?;
    for event in interrupted {
        tracing::warn!(event = event.id, action = %event.action, "a change was interrupted by a stop; reconciling");
        let (Some(name), Some(intended)) = (&event.connector, &event.config_after) else {
            continue;
        };
        let Some(client) = clients.iter().find(|c| c.id() == event.cluster) else {
            continue;
        };
        let Some(live) = live_config(client, name).await else {
            let message =
                "Plugboard stopped before Connect answered; the connector has no config now";
            store::set_message(history.db(), event.id, "unknown", message).await?;
            continue;
        };
        let class = live.get("connector.class").map(String::as_str);
        let secrets = history.password_keys(client, class).await;
        let live_json = history.redacted_json(&live, &secrets);
        let intended_json = serde_json::to_string(intended)?;
        let (outcome, message) = if live_json == intended_json {
            (
                "success",
                "reconciled at start: the live config is the one that was asked for",
            )
        } else {
            (
                "unknown",
                "reconciled at start: the live config differs from the one asked for",
            )
        };
        store::set_message(history.db(), event.id, outcome, message).await?;
    }
    Ok(())
}
