//! Record contents: a topic's records, a connector's dead letters, and replaying them.

use api_types::{DeadLetters, RecordPage, ReplayReport, ReplayRequest};

use super::{ApiResult, Change, change_json, cluster_path, encode, get_json};
use crate::api::connector_path;

/// Records of `topic`; `query` is the record browser's query string (partition, offset,
/// since_ms, limit), already encoded.
pub(crate) async fn read_records(
    cluster: String,
    topic: String,
    query: String,
) -> ApiResult<RecordPage> {
    let path = cluster_path(
        &cluster,
        &format!("topics/{}/records?{query}", encode(&topic)),
    );
    get_json(&path).await
}

pub(crate) async fn dead_letters(cluster: String, name: String) -> ApiResult<DeadLetters> {
    get_json(&format!("{}/dead-letters", connector_path(&cluster, &name))).await
}

pub(crate) async fn replay_dead_letters(
    cluster: &str,
    name: &str,
    request: &ReplayRequest,
) -> ApiResult<ReplayReport> {
    let path = format!("{}/dead-letters/replay", connector_path(cluster, name));
    change_json(Change::Post, &path, request, None).await
}
