//! The change history: the feed with filters and pages, one event, an export as JSON lines,
//! the diff between two versions, rollback to an earlier version, and a connector's state
//! timeline.

use api_types::{ConfigChange, HistoryEvent, HistoryPage, Me, RollbackRequest, StateTransition};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery, ConnectorPath, relay_masked};
use crate::access::guard::{sees, visible_clusters};
use crate::error::ApiError;
use crate::history::store::{self, Filter};
use crate::history::{rollback, timeline};
use crate::state::AppState;
use plugboard_connect::ConnectCall;

const PAGE: u32 = 50;
const EXPORT_LIMIT: u32 = 100_000;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_history))
        .routes(routes!(export_history))
        .routes(routes!(diff_versions))
        .routes(routes!(get_history_event))
        .routes(routes!(roll_back_connector))
        .routes(routes!(list_state_transitions))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TimelineQuery {
    limit: Option<u32>,
}

/// The connector's and its tasks' state changes seen by polling, newest first.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}/timeline", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name"), TimelineQuery), responses((status = 200, body = Vec<api_types::StateTransition>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_state_transitions(
    State(state): State<AppState>,
    ApiPath((cluster_id, name)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<TimelineQuery>,
) -> Result<Json<Vec<StateTransition>>, ApiError> {
    state.clusters.get(&cluster_id)?;
    let limit = query.limit.unwrap_or(PAGE).clamp(1, 500);
    let transitions = timeline::list(&state.db, &cluster_id, &name, limit).await?;
    Ok(Json(transitions))
}

/// Newest first, `limit` (at most 500) at a time; `next_before` asks for the next page.
#[utoipa::path(get, path = "/history", params(crate::history::store::Filter), responses((status = 200, body = api_types::HistoryPage), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn list_history(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiQuery(mut filter): ApiQuery<Filter>,
) -> Result<Json<HistoryPage>, ApiError> {
    filter.only_clusters = visible_clusters(&me);
    let limit = filter.limit.unwrap_or(PAGE).clamp(1, 500);
    let events = store::list(&state.db, &filter, limit).await?;
    let full_page = events.len() == limit as usize;
    let next_before = full_page.then(|| events.last().map(|e| e.id)).flatten();
    Ok(Json(HistoryPage {
        events,
        next_before,
    }))
}

/// The events matching the filter as JSON lines, oldest last, for archiving or `jq`.
#[utoipa::path(get, path = "/history/export", params(crate::history::store::Filter), responses((status = 200, description = "One history event (JSON) per line", content_type = "application/x-ndjson", body = String), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn export_history(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiQuery(mut filter): ApiQuery<Filter>,
) -> Result<Response, ApiError> {
    filter.only_clusters = visible_clusters(&me);
    let events = store::list(&state.db, &filter, EXPORT_LIMIT).await?;
    let mut lines = String::new();
    for event in &events {
        lines.push_str(&serde_json::to_string(event).expect("events serialise"));
        lines.push('\n');
    }
    let headers = [
        (header::CONTENT_TYPE, "application/x-ndjson"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"plugboard-history.jsonl\"",
        ),
    ];
    Ok((headers, lines).into_response())
}

#[utoipa::path(get, path = "/history/{id}", params(("id" = i64, Path)), responses((status = 200, body = api_types::HistoryEvent), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn get_history_event(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<HistoryEvent>, ApiError> {
    Ok(Json(event(&state, &me, id).await?))
}

/// Event `id`, if it is of a cluster the caller may see.
async fn event(state: &AppState, me: &Me, id: i64) -> Result<HistoryEvent, ApiError> {
    store::get(&state.db, id)
        .await?
        .filter(|e| sees(me, &e.cluster))
        .ok_or_else(|| ApiError::NotFound(format!("no history event {id}")))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    from: i64,
    to: i64,
}

/// What changed between the configs that two events left the connector with.
#[utoipa::path(get, path = "/history/diff", params(DiffQuery), responses((status = 200, body = Vec<api_types::ConfigChange>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn diff_versions(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiQuery(query): ApiQuery<DiffQuery>,
) -> Result<Json<Vec<ConfigChange>>, ApiError> {
    let (from, to) = (
        event(&state, &me, query.from).await?,
        event(&state, &me, query.to).await?,
    );
    let empty = Default::default();
    let before = from.config_after.as_ref().unwrap_or(&empty);
    let after = to.config_after.as_ref().unwrap_or(&empty);
    Ok(Json(ConfigChange::between(before, after)))
}

#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/rollback", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), request_body = api_types::RollbackRequest, responses((status = 200, description = "Connect's answer: the connector's info, secrets hidden", body = Object), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("rollback on cluster"))))]
async fn roll_back_connector(
    State(state): State<AppState>,
    ConnectorPath {
        cluster: cluster_id,
        name,
    }: ConnectorPath,
    Extension(me): Extension<Me>,
    ApiJson(request): ApiJson<RollbackRequest>,
) -> Result<Response, ApiError> {
    let client = state.writable_cluster(&cluster_id)?;
    let version = event(&state, &me, request.event_id).await?;
    if version.cluster != cluster_id || version.connector.as_deref() != Some(name.as_str()) {
        return Err(ApiError::BadRequest(format!(
            "history event {} is not about connector {name} of cluster {cluster_id}",
            version.id
        )));
    }
    let origin = (Some(me.name), request.reason);
    let response = rollback::roll_back(&state.history, client, &name, &version, origin).await?;
    let put = ConnectCall::PutConfig(name);
    Ok(relay_masked(client, &put, response).await)
}
