//! What Plugboard reads from Kafka: a cluster's snapshot status, brokers and topics with their
//! partitions' health, consumer groups with lag, a group's lag history, and one connector's
//! group lag and topics.

use std::collections::HashMap;
use std::sync::Arc;

use api_types::{
    ConnectorKafka, GroupDetail, KafkaGroups, KafkaStatus, KafkaTopics, LagPoint, LagRange,
    TopicDetail,
};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ConnectorPath;
use super::{ApiPath, ApiQuery};
use crate::error::ApiError;
use crate::kafka::{Snapshot, lag_history, linking};
use crate::state::AppState;
use plugboard_connect::Freshness;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_status))
        .routes(routes!(list_topics))
        .routes(routes!(get_topic))
        .routes(routes!(list_groups))
        .routes(routes!(get_group))
        .routes(routes!(get_lag_history))
        .routes(routes!(get_connector_kafka))
}

#[utoipa::path(get, path = "/clusters/{cluster}/kafka", params(("cluster" = String, Path, description = "The cluster's id")), responses((status = 200, body = api_types::KafkaStatus), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_status(
    State(state): State<AppState>,
    ApiPath(cluster): ApiPath<String>,
) -> Result<Json<KafkaStatus>, ApiError> {
    state.clusters.get(&cluster)?;
    Ok(Json(state.kafka.status(&cluster)))
}

#[utoipa::path(get, path = "/clusters/{cluster}/kafka/topics", params(("cluster" = String, Path, description = "The cluster's id")), responses((status = 200, body = api_types::KafkaTopics), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_topics(
    State(state): State<AppState>,
    ApiPath(cluster): ApiPath<String>,
) -> Result<Json<KafkaTopics>, ApiError> {
    let (status, snapshot) = snapshot(&state, &cluster)?;
    Ok(Json(KafkaTopics {
        status,
        brokers: snapshot.brokers(),
        topics: snapshot.topic_summaries(),
    }))
}

#[utoipa::path(get, path = "/clusters/{cluster}/kafka/topics/{topic}", params(("cluster" = String, Path, description = "The cluster's id"), ("topic" = String, Path)), responses((status = 200, body = api_types::TopicDetail), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_topic(
    State(state): State<AppState>,
    ApiPath((cluster, topic)): ApiPath<(String, String)>,
) -> Result<Json<TopicDetail>, ApiError> {
    let (_, snapshot) = snapshot(&state, &cluster)?;
    let detail = snapshot.topic_detail(&topic);
    detail
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("Kafka has no topic `{topic}`")))
}

#[utoipa::path(get, path = "/clusters/{cluster}/kafka/groups", params(("cluster" = String, Path, description = "The cluster's id")), responses((status = 200, body = api_types::KafkaGroups), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_groups(
    State(state): State<AppState>,
    ApiPath(cluster): ApiPath<String>,
) -> Result<Json<KafkaGroups>, ApiError> {
    let (status, snapshot) = snapshot(&state, &cluster)?;
    let connectors = connectors_by_group(&state, &cluster).await;
    Ok(Json(KafkaGroups {
        status,
        groups: snapshot.group_summaries(&connectors),
    }))
}

#[utoipa::path(get, path = "/clusters/{cluster}/kafka/groups/{group}", params(("cluster" = String, Path, description = "The cluster's id"), ("group" = String, Path)), responses((status = 200, body = api_types::GroupDetail), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_group(
    State(state): State<AppState>,
    ApiPath((cluster, group)): ApiPath<(String, String)>,
) -> Result<Json<GroupDetail>, ApiError> {
    let (_, snapshot) = snapshot(&state, &cluster)?;
    let connectors = connectors_by_group(&state, &cluster).await;
    snapshot
        .group_detail(&group, connectors.get(&group))
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("Kafka has no consumer group `{group}`")))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LagQuery {
    range: Option<LagRange>,
}

/// A group's lag over the last hour (default), day or week.
#[utoipa::path(get, path = "/clusters/{cluster}/kafka/groups/{group}/lag", params(("cluster" = String, Path, description = "The cluster's id"), ("group" = String, Path), LagQuery), responses((status = 200, body = Vec<api_types::LagPoint>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_lag_history(
    State(state): State<AppState>,
    ApiPath((cluster, group)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<LagQuery>,
) -> Result<Json<Vec<LagPoint>>, ApiError> {
    state.clusters.get(&cluster)?;
    let range = query.range.unwrap_or(LagRange::Hour);
    // The history is kept per Kafka cluster (see `lag_history::record_snapshots`).
    let kafka = state.settings.kafka.of_connect(&cluster);
    let kafka_id = kafka.map_or(cluster.as_str(), |k| k.id.as_str());
    let points = lag_history::points(&state.db, kafka_id, &group, range).await?;
    Ok(Json(points))
}

/// A sink's group lag and the health of a connector's topics. Answers (with the status saying
/// why) even when Kafka has not been read yet, so the connector page can show the reason.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}/kafka", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 200, body = api_types::ConnectorKafka), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_connector_kafka(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
) -> Result<Json<ConnectorKafka>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let status = state.kafka.status(&cluster);
    if !status.configured {
        return Err(ApiError::KafkaNotConfigured(cluster));
    }
    let (summary, config, active) = client.connector_links(&name).await?;
    let snapshot = state.kafka.snapshot(&cluster);
    let group = summary.consumer_group;
    let topics = linking::connector_topics(&active, &config, group.as_deref(), snapshot.as_deref());
    Ok(Json(linking::connector_kafka(
        status,
        snapshot.as_deref(),
        name.as_str(),
        group,
        &topics,
    )))
}

/// The status and latest snapshot of `cluster`'s Kafka, or why there is none.
fn snapshot(state: &AppState, cluster: &str) -> Result<(KafkaStatus, Arc<Snapshot>), ApiError> {
    state.clusters.get(cluster)?;
    let view = state
        .kafka
        .view(cluster)
        .ok_or_else(|| ApiError::KafkaNotConfigured(cluster.to_owned()))?;
    let snapshot = view.snapshot.clone().ok_or_else(|| {
        ApiError::KafkaUnavailable(match &view.error {
            Some(error) => format!("Kafka of cluster `{cluster}` cannot be read: {error}"),
            None => format!("Kafka of cluster `{cluster}` has not been read yet"),
        })
    })?;
    Ok((view.status(cluster), snapshot))
}

/// Connector names by group, from the cached connector list (empty when Connect is down).
async fn connectors_by_group(state: &AppState, cluster: &str) -> HashMap<String, String> {
    let Ok(client) = state.clusters.get(cluster) else {
        return HashMap::new();
    };
    match client.connector_summaries(Freshness::Cached).await {
        Ok(summaries) => linking::connectors_by_group(&summaries),
        Err(_) => HashMap::new(),
    }
}
