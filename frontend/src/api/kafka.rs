//! What Plugboard reads from Kafka: a connector's group lag and topics, a group's lag history,
//! a cluster's topics, brokers and consumer groups, and MirrorMaker 2 replication.

use api_types::{
    ConnectorKafka, FailoverReport, FailoverRequest, FlowCheck, FlowDraft, KafkaGroups,
    KafkaTopics, LagPoint, LagRange, Replication, TopicDetail,
};

use super::{ApiResult, Change, change_json, cluster_path, connector_path, encode, get_json};

pub(crate) async fn connector_kafka(cluster: String, name: String) -> ApiResult<ConnectorKafka> {
    get_json(&format!("{}/kafka", connector_path(&cluster, &name))).await
}

pub(crate) async fn lag_history(
    cluster: String,
    group: String,
    range: LagRange,
) -> ApiResult<Vec<LagPoint>> {
    let rest = format!(
        "kafka/groups/{}/lag?range={}",
        encode(&group),
        range.as_str()
    );
    get_json(&cluster_path(&cluster, &rest)).await
}

pub(crate) async fn kafka_topics(cluster: String) -> ApiResult<KafkaTopics> {
    get_json(&cluster_path(&cluster, "kafka/topics")).await
}

pub(crate) async fn kafka_topic(cluster: String, topic: String) -> ApiResult<TopicDetail> {
    get_json(&cluster_path(
        &cluster,
        &format!("kafka/topics/{}", encode(&topic)),
    ))
    .await
}

pub(crate) async fn kafka_groups(cluster: String) -> ApiResult<KafkaGroups> {
    get_json(&cluster_path(&cluster, "kafka/groups")).await
}

/// Every MirrorMaker 2 flow on the Connect clusters the user sees.
pub(crate) async fn replication() -> ApiResult<Replication> {
    get_json("/api/v1/replication").await
}

/// A group's failover to the target of a flow `cluster` runs (or, `dry_run`, what it would
/// set); `reason` goes to the history.
pub(crate) async fn fail_over(
    cluster: &str,
    request: &FailoverRequest,
    reason: Option<String>,
) -> ApiResult<FailoverReport> {
    let path = cluster_path(cluster, "replication/failover");
    change_json(Change::Post, &path, request, reason).await
}

/// Connect's validation of the three connectors a drafted flow makes on `cluster`.
pub(crate) async fn check_flow(cluster: &str, draft: &FlowDraft) -> ApiResult<FlowCheck> {
    let path = cluster_path(cluster, "replication/flows/check");
    change_json(Change::Post, &path, draft, None).await
}

/// Creates the drafted flow on `cluster`, or updates its connectors that exist.
pub(crate) async fn apply_flow(cluster: &str, draft: &FlowDraft) -> ApiResult<FlowCheck> {
    let path = cluster_path(cluster, "replication/flows");
    change_json(Change::Put, &path, draft, None).await
}
