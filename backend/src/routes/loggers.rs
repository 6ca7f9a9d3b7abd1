//! Logger levels of a cluster's workers (KIP-495), changed on one worker or, with
//! `scope = "cluster"`, on all of them (KIP-976).

use api_types::LoggerChange;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::{ChangeOrigin, change, relay};
use crate::AppState;
use crate::connect::paths;
use crate::error::ApiError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clusters/{cluster}/loggers", get(list_loggers))
        .route(
            "/clusters/{cluster}/loggers/{logger}",
            get(get_logger_level).put(set_logger_level),
        )
}

async fn list_loggers(
    State(state): State<AppState>,
    Path(cluster_id): Path<String>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    Ok(relay(
        client
            .call(Method::GET, "/admin/loggers".into(), None)
            .await?,
    ))
}

async fn get_logger_level(
    State(state): State<AppState>,
    Path((cluster_id, logger)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let path = format!("/admin/loggers/{}", paths::segment(&logger));
    Ok(relay(client.call(Method::GET, path, None).await?))
}

async fn set_logger_level(
    State(state): State<AppState>,
    Path((cluster_id, logger)): Path<(String, String)>,
    origin: ChangeOrigin,
    body: Result<Json<LoggerChange>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(level) = body?;
    let client = state.writable_cluster(&cluster_id)?;
    let mut path = format!("/admin/loggers/{}", paths::segment(&logger));
    if let Some(scope) = &level.scope {
        path = format!("{path}?scope={}", paths::segment(scope));
    }
    let detail = json!({ "logger": logger, "level": level.level, "scope": level.scope });
    let intent = origin.intent(None, "logger_change", Some(detail));
    let body = json!({ "level": level.level });
    Ok(relay(
        change(&state, client, intent, (Method::PUT, path), Some(&body)).await?,
    ))
}
