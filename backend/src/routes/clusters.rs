//! The configured Connect clusters and the live state of their workers.

use api_types::{ClusterOverview, Me};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use futures::future::join_all;

use crate::AppState;
use crate::access::guard::sees;
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clusters", get(list_clusters))
        .route("/clusters/{cluster}", get(get_cluster))
}

/// Every cluster the caller has a role on, each with a probe of each worker; all probes run
/// at once.
async fn list_clusters(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> Json<Vec<ClusterOverview>> {
    let overviews = state
        .clusters
        .all()
        .iter()
        .filter(|client| sees(&me, client.id()))
        .map(|client| client.overview());
    Json(join_all(overviews).await)
}

async fn get_cluster(
    State(state): State<AppState>,
    Path(cluster_id): Path<String>,
) -> Result<Json<ClusterOverview>, ApiError> {
    Ok(Json(state.clusters.get(&cluster_id)?.overview().await))
}
