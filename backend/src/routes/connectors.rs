//! Reading connectors: the list across clusters (one upstream call per cluster) and the detail.

use api_types::{ClusterFailure, ConnectorDetail, ConnectorList, Me};
use axum::extract::State;
use axum::{Extension, Json};
use futures::future::join_all;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ConnectorPath;
use super::{ApiPath, ApiQuery};
use crate::access::guard::sees;
use crate::error::ApiError;
use crate::state::AppState;
use plugboard_connect::{ClusterClient, Freshness};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_connectors))
        .routes(routes!(list_cluster_connectors))
        .routes(routes!(get_connector))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ListQuery {
    /// Only this cluster.
    pub(super) cluster: Option<String>,
}

/// Every connector of every cluster the caller has a role on (or of `?cluster=`). A cluster
/// that does not answer is listed in `unreachable` with the reason, never silently left out.
#[utoipa::path(get, path = "/connectors", params(ListQuery), responses((status = 200, body = api_types::ConnectorList), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn list_connectors(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<ConnectorList>, ApiError> {
    let clients = listed_clients(&state, &me, query.cluster.as_deref())?;
    let mut list = list_of(&clients, Freshness::Cached).await;
    state.kafka.fill_lag(&mut list.connectors);
    crate::specs::drift::mark(&state, &mut list.connectors).await;
    Ok(Json(list))
}

/// The connectors of one cluster; an unreachable cluster is an error naming it.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors", params(("cluster" = String, Path, description = "The cluster's id")), responses((status = 200, body = api_types::ConnectorList), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_cluster_connectors(
    State(state): State<AppState>,
    ApiPath(cluster_id): ApiPath<String>,
) -> Result<Json<ConnectorList>, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let connectors = crate::connector_rows::cluster_rows(&state, client).await?;
    Ok(Json(ConnectorList {
        connectors,
        unreachable: Vec::new(),
    }))
}

#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 200, body = api_types::ConnectorDetail), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_connector(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
) -> Result<Json<ConnectorDetail>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let mut detail = client.connector_detail(&name).await?;
    let declared = client.declared_secret_keys(&detail.config).await;
    crate::secrets::learn_config(&detail.config, &declared);
    crate::secrets::mask(&mut detail.config, &declared);
    Ok(Json(detail))
}

/// The cluster `only` (403 when the caller has no role on it), or every cluster the caller
/// has a role on.
pub(super) fn listed_clients<'a>(
    state: &'a AppState,
    me: &Me,
    only: Option<&str>,
) -> Result<Vec<&'a ClusterClient>, ApiError> {
    match only {
        Some(id) if !sees(me, id) => Err(ApiError::Forbidden(format!(
            "{} has no role on cluster `{id}`",
            me.name
        ))),
        Some(id) => Ok(vec![state.clusters.get(id)?]),
        None => Ok(state
            .clusters
            .all()
            .iter()
            .filter(|client| sees(me, client.id()))
            .collect()),
    }
}

/// The connector list of these clusters, asked at once.
pub(super) async fn list_of(clients: &[&ClusterClient], freshness: Freshness) -> ConnectorList {
    let answers = join_all(clients.iter().map(|c| c.connector_summaries(freshness))).await;
    let mut list = ConnectorList {
        connectors: Vec::new(),
        unreachable: Vec::new(),
    };
    for (client, answer) in clients.iter().zip(answers) {
        match answer {
            Ok(connectors) => list.connectors.extend(connectors),
            Err(error) => list.unreachable.push(ClusterFailure {
                cluster: client.id().to_owned(),
                message: error.to_string(),
            }),
        }
    }
    list
}
