//! Connector endpoints: the list, one connector, its actions, create and edit, bulk, offsets.

use std::collections::BTreeMap;

use api_types::{
    BulkOutcome, BulkRequest, ConnectorDetail, ConnectorList, ConnectorState, NewConnector,
    OffsetsChange, OffsetsOutcome, RestartScope,
};
use serde_json::Value;

use super::{ApiError, ApiResult, Change, change_json, change_only, encode, get_json};

/// `/api/v1/clusters/{cluster}/connectors/{name}` with both parts encoded.
pub(crate) fn connector_path(cluster: &str, name: &str) -> String {
    format!(
        "/api/v1/clusters/{}/connectors/{}",
        encode(cluster),
        encode(name)
    )
}

/// Every connector of every cluster (or of one), with the clusters that did not answer.
pub(crate) async fn list_connectors(cluster: Option<String>) -> ApiResult<ConnectorList> {
    match cluster {
        Some(id) => get_json(&format!("/api/v1/clusters/{}/connectors", encode(&id))).await,
        None => get_json("/api/v1/connectors").await,
    }
}

pub(crate) async fn get_connector(cluster: String, name: String) -> ApiResult<ConnectorDetail> {
    get_json(&connector_path(&cluster, &name)).await
}

/// The connector's own state, from its status alone (one call to Connect, where the detail
/// costs four).
pub(crate) async fn get_connector_state(cluster: &str, name: &str) -> ApiResult<ConnectorState> {
    let path = format!(
        "/api/v1/clusters/{}/connect/connectors/{}/status",
        encode(cluster),
        encode(name)
    );
    let status: Value = get_json(&path).await?;
    status["connector"]["state"]
        .as_str()
        .map(ConnectorState::parse)
        .ok_or_else(|| ApiError::Unreadable("Connect's status names no state".to_owned()))
}

/// A state change with no parameters: `pause`, `resume`, `stop` or `topics/reset`.
pub(crate) async fn act_on_connector(cluster: &str, name: &str, action: &str) -> ApiResult<()> {
    let path = format!("{}/{action}", connector_path(cluster, name));
    change_only(Change::Post, &path).await
}

pub(crate) async fn restart_connector(
    cluster: &str,
    name: &str,
    scope: RestartScope,
) -> ApiResult<()> {
    let path = format!(
        "{}/restart?include_tasks={}&only_failed={}",
        connector_path(cluster, name),
        scope.include_tasks,
        scope.only_failed
    );
    change_only(Change::Post, &path).await
}

pub(crate) async fn restart_task(cluster: &str, name: &str, task: u32) -> ApiResult<()> {
    let path = format!("{}/tasks/{task}/restart", connector_path(cluster, name));
    change_only(Change::Post, &path).await
}

pub(crate) async fn delete_connector(cluster: &str, name: &str) -> ApiResult<()> {
    change_only(Change::Delete, &connector_path(cluster, name)).await
}

pub(crate) async fn create_connector(
    cluster: &str,
    new: &NewConnector,
    reason: Option<String>,
) -> ApiResult<Value> {
    let path = format!("/api/v1/clusters/{}/connectors", encode(cluster));
    change_json(Change::Post, &path, new, reason).await
}

pub(crate) async fn replace_config(
    cluster: &str,
    name: &str,
    config: &BTreeMap<String, String>,
    reason: Option<String>,
) -> ApiResult<Value> {
    let path = format!("{}/config", connector_path(cluster, name));
    change_json(Change::Put, &path, config, reason).await
}

pub(crate) async fn run_bulk_action(request: &BulkRequest) -> ApiResult<Vec<BulkOutcome>> {
    change_json(Change::Post, "/api/v1/connectors/bulk", request, None).await
}

/// `reset` or `alter` of a connector's offsets as one flow (stop, change, optionally resume).
pub(crate) async fn change_offsets(
    cluster: &str,
    name: &str,
    flow: &str,
    change: &OffsetsChange,
) -> ApiResult<OffsetsOutcome> {
    let path = format!("{}/offsets/{flow}", connector_path(cluster, name));
    change_json(Change::Post, &path, change, None).await
}
