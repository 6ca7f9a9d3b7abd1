//! Bulk actions: pause, resume, stop, restart or delete a list of connectors, or every connector
//! matching a filter, with one result per connector.

use std::collections::HashSet;

use api_types::{BulkOutcome, BulkRequest, ConnectorAction, ConnectorRef};
use axum::Json;
use axum::extract::State;
use futures::StreamExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::connectors::list_of;
use super::{ApiJson, ChangeOrigin, change};
use crate::error::ApiError;
use crate::state::AppState;
use plugboard_connect::{ClusterClient, ConnectCall, ConnectorName, Freshness};

/// How many connectors are acted on at once.
const CONCURRENCY: usize = 8;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(run_bulk_action))
}

#[utoipa::path(post, path = "/connectors/bulk", request_body = api_types::BulkRequest, responses((status = 200, body = Vec<api_types::BulkOutcome>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("operator on any cluster"))))]
async fn run_bulk_action(
    State(state): State<AppState>,
    origin: ChangeOrigin,
    ApiJson(request): ApiJson<BulkRequest>,
) -> Result<Json<Vec<BulkOutcome>>, ApiError> {
    let targets = select_targets(&state, &request).await?;
    let action = request.action;
    let outcomes = futures::stream::iter(targets)
        .map(|target| perform(&state, &origin, target, action))
        .buffered(CONCURRENCY)
        .collect()
        .await;
    Ok(Json(outcomes))
}

/// The named connectors plus those matching the filter, each once, in order.
async fn select_targets(
    state: &AppState,
    request: &BulkRequest,
) -> Result<Vec<ConnectorRef>, ApiError> {
    let mut targets = request.connectors.clone();
    match &request.filter {
        None if targets.is_empty() => {
            return Err(ApiError::BadRequest(
                "name the connectors in `connectors` or select them with a `filter`".into(),
            ));
        }
        None => {}
        Some(filter) => {
            let clients: Vec<&ClusterClient> = match &filter.cluster {
                Some(id) => vec![state.clusters.get(id)?],
                None => state.clusters.all().iter().collect(),
            };
            // Asked now, not from the cache: a change must not act on a stale selection.
            let list = list_of(&clients, Freshness::Now).await;
            // Acting on a partial selection would be a surprise: refuse instead. It is the
            // selection that cannot be made now (409), not Plugboard failing (a 5xx).
            if let Some(failure) = list.unreachable.first() {
                return Err(ApiError::Conflict(format!(
                    "cannot select connectors by filter while a cluster does not answer ({}); \
                     name the cluster in the filter, or the connectors",
                    failure.message
                )));
            }
            targets.extend(
                list.connectors
                    .iter()
                    .filter(|c| filter.matches(c))
                    .map(|c| ConnectorRef {
                        cluster: c.cluster.clone(),
                        name: c.name.clone(),
                    }),
            );
        }
    }
    let mut seen = HashSet::new();
    targets.retain(|target| seen.insert(target.clone()));
    Ok(targets)
}

async fn perform(
    state: &AppState,
    origin: &ChangeOrigin,
    target: ConnectorRef,
    action: ConnectorAction,
) -> BulkOutcome {
    let result = async {
        let call = ConnectCall::for_action(action, ConnectorName::new(&target.name)?);
        // Each connector needs what the single action needs on its cluster.
        origin.require(call.role(), &target.cluster)?;
        let client = state.writable_cluster(&target.cluster)?;
        change(state, client, origin.intent(&call), &call, None).await
    }
    .await;
    let (ok, status, message) = match result {
        Ok(response) => (true, Some(response.status.as_u16()), None),
        Err(ApiError::Connect { status, message }) => (false, Some(status.as_u16()), Some(message)),
        Err(error) => (false, None, Some(error.to_string())),
    };
    BulkOutcome {
        cluster: target.cluster,
        name: target.name,
        ok,
        status,
        message,
    }
}
