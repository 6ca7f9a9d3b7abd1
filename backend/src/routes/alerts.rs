//! Alert rules (create, read, replace, delete), incidents (open or all, acknowledge, silence),
//! and the count of open incidents for the console's banner.

use api_types::{AlertRule, AlertSummary, Incident, RuleSpec, SilenceRequest};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::AppState;
use crate::alerts::{incidents, rules};
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alerts/rules", get(list_rules).post(create_rule))
        .route(
            "/alerts/rules/{id}",
            get(get_rule).put(replace_rule).delete(delete_rule),
        )
        .route("/alerts/incidents", get(list_incidents))
        .route("/alerts/incidents/{id}", get(get_incident))
        .route("/alerts/incidents/{id}/acknowledge", post(acknowledge))
        .route("/alerts/incidents/{id}/silence", post(silence))
        .route("/alerts/summary", get(summary))
}

async fn list_rules(State(state): State<AppState>) -> Result<Json<Vec<AlertRule>>, ApiError> {
    Ok(Json(rules::list(&state.db).await.map_err(rules::database)?))
}

async fn create_rule(
    State(state): State<AppState>,
    spec: Result<Json<RuleSpec>, JsonRejection>,
) -> Result<(StatusCode, Json<AlertRule>), ApiError> {
    let Json(spec) = spec?;
    check_cluster(&state, &spec)?;
    Ok((
        StatusCode::CREATED,
        Json(rules::save(&state.db, None, &spec).await?),
    ))
}

async fn get_rule(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<AlertRule>, ApiError> {
    Ok(Json(rules::get(&state.db, id).await?))
}

async fn replace_rule(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    spec: Result<Json<RuleSpec>, JsonRejection>,
) -> Result<Json<AlertRule>, ApiError> {
    let Json(spec) = spec?;
    check_cluster(&state, &spec)?;
    Ok(Json(rules::save(&state.db, Some(id), &spec).await?))
}

async fn delete_rule(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    rules::delete(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A rule naming a cluster must name a configured one.
fn check_cluster(state: &AppState, spec: &RuleSpec) -> Result<(), ApiError> {
    match &spec.cluster {
        Some(id) => state.clusters.get(id).map(drop),
        None => Ok(()),
    }
}

#[derive(Deserialize)]
struct IncidentQuery {
    #[serde(default)]
    open: bool,
    limit: Option<u32>,
}

async fn list_incidents(
    State(state): State<AppState>,
    query: Result<Query<IncidentQuery>, QueryRejection>,
) -> Result<Json<Vec<Incident>>, ApiError> {
    let Query(query) = query?;
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(incidents::list(&state.db, query.open, limit).await?))
}

async fn get_incident(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Incident>, ApiError> {
    Ok(Json(incidents::get(&state.db, id).await?))
}

async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Incident>, ApiError> {
    incidents::get(&state.db, id).await?;
    Ok(Json(incidents::acknowledge(&state.db, id).await?))
}

async fn silence(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Result<Json<SilenceRequest>, JsonRejection>,
) -> Result<Json<Incident>, ApiError> {
    let Json(request) = request?;
    if request.minutes == 0 || request.minutes > 7 * 24 * 60 {
        return Err(ApiError::BadRequest(
            "minutes must be between 1 and 10080 (a week)".into(),
        ));
    }
    incidents::get(&state.db, id).await?;
    Ok(Json(
        incidents::silence(&state.db, id, request.minutes).await?,
    ))
}

async fn summary(State(state): State<AppState>) -> Result<Json<AlertSummary>, ApiError> {
    Ok(Json(incidents::summary(&state.db).await?))
}
