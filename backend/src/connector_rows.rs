//! A cluster's connectors as the console shows them: Connect's list (through the cache), each
//! row with its lag from the Kafka snapshot and its drift from the specs applied.

use api_types::ConnectorSummary;

use crate::state::AppState;
use plugboard_connect::{ClusterClient, ConnectError, Freshness};

/// `client`'s connectors with lag and drift filled in.
pub(crate) async fn cluster_rows(
    state: &AppState,
    client: &ClusterClient,
) -> Result<Vec<ConnectorSummary>, ConnectError> {
    let mut rows = client.connector_summaries(Freshness::Cached).await?;
    state.kafka.fill_lag(&mut rows);
    crate::specs::drift::mark(state, &mut rows).await;
    Ok(rows)
}
