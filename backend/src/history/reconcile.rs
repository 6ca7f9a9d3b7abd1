//! Rows left `pending` by a replica that stopped between the call and its answer become
//! `unknown` once that replica is gone (settled by whichever replica leads the job), and are
//! then compared with the live config: when the connector now has the config that was asked
//! for, the change evidently went through.

use api_types::Outcome;

use plugboard_connect::{ClusterClient, ConnectorName};

use super::{History, store};

pub(super) async fn reconcile(history: &History, clients: &[ClusterClient]) -> anyhow::Result<()> {
    let interrupted = store::mark_interrupted(history.db()).await?;
    for event in interrupted {
        tracing::warn!(
            event = event.id,
            action = event.action.as_str(),
            "a change was interrupted by a stop; reconciling"
        );
        let (Some(name), Some(intended)) = (&event.connector, &event.config_after) else {
            continue;
        };
        let Some(client) = clients.iter().find(|c| c.id() == event.cluster) else {
            continue;
        };
        let Ok(name) = ConnectorName::new(name) else {
            continue;
        };
        let Some(live) = client.live_config(&name).await else {
            let message =
                "Plugboard stopped before Connect answered; the connector has no config now";
            store::set_message(history.db(), event.id, Outcome::Unknown, message).await?;
            continue;
        };
        let secrets = client.declared_secret_keys(&live).await;
        let live_json = history.redacted_json(&live, &secrets);
        let intended_json = serde_json::to_string(intended)?;
        let (outcome, message) = if live_json == intended_json {
            (
                Outcome::Success,
                "reconciled after the stop: the live config is the one that was asked for",
            )
        } else {
            (
                Outcome::Unknown,
                "reconciled after the stop: the live config differs from the one asked for",
            )
        };
        store::set_message(history.db(), event.id, outcome, message).await?;
    }
    Ok(())
}
