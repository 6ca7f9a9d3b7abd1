//! A Debezium source connector's card: the database it reads, its slot and publication, the
//! topics it talks through, and what in its config makes it hard to run.

use api_types::DebeziumCard;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ConnectorPath;
use crate::debezium::card::card;
use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_debezium_card))
}

/// The card of a Debezium source connector, from its config and (for its signal topic's
/// partitions) the cluster's Kafka when Plugboard reads it. Not found for other connectors.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}/debezium", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 200, body = api_types::DebeziumCard), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_debezium_card(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
) -> Result<Json<DebeziumCard>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let (_, config, _) = client.connector_links(&name).await?;
    let snapshot = state.kafka.snapshot(&cluster);
    let partitions = |topic: &str| Some(snapshot.as_deref()?.topic(topic)?.partitions.len());
    card(&config, partitions)
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("`{name}` is not a Debezium source connector")))
}
