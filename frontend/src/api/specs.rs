//! Connectors as code: a connector's drift from the specs last applied to its cluster, and
//! where to download specs.

use api_types::ClusterDrift;

use super::{ApiResult, cluster_path, encode, get_json};

/// The drift of one connector (the cluster's apply, and the connector's entry when managed).
pub(crate) async fn connector_drift(cluster: String, name: String) -> ApiResult<ClusterDrift> {
    get_json(&cluster_path(
        &cluster,
        &format!("drift?connector={}", encode(&name)),
    ))
    .await
}

/// The address that downloads the specs of a cluster, or of one of its connectors.
pub(crate) fn specs_download(cluster: &str, name: Option<&str>) -> String {
    let only = name
        .map(|n| format!("&connector={}", encode(n)))
        .unwrap_or_default();
    cluster_path(cluster, &format!("specs?download=true{only}"))
}
