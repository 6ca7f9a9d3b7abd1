//! The configured Connect clusters and the live state of their workers.

use api_types::{ClusterOverview, Me};
use axum::extract::State;
use axum::{Extension, Json};
use futures::future::join_all;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiPath;
use crate::access::guard::sees;
use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_clusters))
        .routes(routes!(get_cluster))
}

/// Every cluster the caller has a role on, each with a probe of each worker; all probes run
/// at once.
#[utoipa::path(get, path = "/clusters", responses((status = 200, body = Vec<api_types::ClusterOverview>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn list_clusters(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> Json<Vec<ClusterOverview>> {
    let overviews = state
        .clusters
        .all()
        .iter()
        .filter(|client| sees(&me, client.id()))
        .map(plugboard_connect::ClusterClient::overview);
    let mut overviews = join_all(overviews).await;
    for overview in &mut overviews {
        overview.led_here = led_here(&state, &overview.id);
    }
    Json(overviews)
}

#[utoipa::path(get, path = "/clusters/{cluster}", params(("cluster" = String, Path, description = "The cluster's id")), responses((status = 200, body = api_types::ClusterOverview), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_cluster(
    State(state): State<AppState>,
    ApiPath(cluster_id): ApiPath<String>,
) -> Result<Json<ClusterOverview>, ApiError> {
    let mut overview = state.clusters.get(&cluster_id)?.overview().await;
    overview.led_here = led_here(&state, &cluster_id);
    Ok(Json(overview))
}

/// The jobs on `cluster`, or on all clusters, that this replica leads.
fn led_here(state: &AppState, cluster: &str) -> Vec<String> {
    let jobs = state.fleet.leading().into_iter();
    jobs.filter(|(_, on, leads)| *leads && (on == cluster || on == crate::fleet::ALL_CLUSTERS))
        .map(|(job, _, _)| job)
        .collect()
}
