//! History endpoints: the feed (filtered, paged), its export, and rollback.

use api_types::{HistoryPage, RollbackRequest, StateTransition};
use serde_json::Value;

use super::{ApiResult, Change, change_json, get_json};
use crate::api::connector_path;

pub(crate) async fn list_history(query: String) -> ApiResult<HistoryPage> {
    get_json(&format!("/api/v1/history?{query}")).await
}

pub(crate) fn history_export_url(query: &str) -> String {
    format!("/api/v1/history/export?{query}")
}

/// Restores the config a history event left; Connect validates it first.
pub(crate) async fn roll_back(
    cluster: &str,
    name: &str,
    request: &RollbackRequest,
) -> ApiResult<Value> {
    let path = format!("{}/rollback", connector_path(cluster, name));
    change_json(Change::Post, &path, request, None).await
}

/// State changes of a connector and its tasks seen by polling, newest first.
pub(crate) async fn connector_timeline(
    cluster: String,
    name: String,
) -> ApiResult<Vec<StateTransition>> {
    get_json(&format!(
        "{}/timeline?limit=50",
        connector_path(&cluster, &name)
    ))
    .await
}
