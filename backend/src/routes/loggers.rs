//! Logger levels of a cluster's workers (KIP-495), changed on one worker or, with
//! `scope = "cluster"`, on all of them (KIP-976).

use std::collections::BTreeMap;

use api_types::{LoggerChange, LoggerLevel, WorkerLoggers};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery, ChangeOrigin, change, relay, worker_json};
use crate::error::ApiError;
use crate::state::AppState;
use plugboard_connect::call::LoggerScope;
use plugboard_connect::{ConnectCall, LoggerName, UpstreamRequest, UpstreamResponse};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_loggers))
        .routes(routes!(list_worker_loggers))
        .routes(routes!(get_logger_level))
        .routes(routes!(set_logger_level))
}

#[utoipa::path(get, path = "/clusters/{cluster}/loggers", params(("cluster" = String, Path, description = "The cluster's id")), responses((status = 200, description = "Connect's answer: each logger's level", body = Object), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_loggers(
    State(state): State<AppState>,
    ApiPath(cluster_id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    Ok(relay(client.call(&ConnectCall::ListLoggers, None).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct WorkerLoggersQuery {
    /// One logger's level on each worker, instead of the loggers each lists.
    logger: Option<String>,
}

/// Each worker's own answer: levels differ between workers after a change made on one.
#[utoipa::path(get, path = "/clusters/{cluster}/workers/loggers", params(("cluster" = String, Path, description = "The cluster's id"), WorkerLoggersQuery), responses((status = 200, body = Vec<api_types::WorkerLoggers>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn list_worker_loggers(
    State(state): State<AppState>,
    ApiPath(cluster_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<WorkerLoggersQuery>,
) -> Result<Json<Vec<WorkerLoggers>>, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let call = match &query.logger {
        Some(logger) => ConnectCall::GetLogger(LoggerName::new(logger)?),
        None => ConnectCall::ListLoggers,
    };
    let request = UpstreamRequest::new(&call, None);
    let answers = client.send_to_each_worker(&request).await;
    let logger = query.logger.as_deref();
    Ok(Json(
        answers
            .into_iter()
            .map(|(worker, answer)| worker_loggers(worker, answer, logger))
            .collect(),
    ))
}

/// One worker's answer read as its loggers (one logger when `logger` was asked), or the reason.
fn worker_loggers(
    worker: String,
    answer: Result<UpstreamResponse, String>,
    logger: Option<&str>,
) -> WorkerLoggers {
    let loggers = match logger {
        Some(logger) => worker_json::<LoggerLevel>(answer)
            .map(|level| BTreeMap::from([(logger.to_owned(), level)])),
        None => worker_json(answer),
    };
    WorkerLoggers {
        worker,
        error: loggers.as_ref().err().cloned(),
        loggers: loggers.ok(),
    }
}

#[utoipa::path(get, path = "/clusters/{cluster}/loggers/{logger}", params(("cluster" = String, Path, description = "The cluster's id"), ("logger" = String, Path)), responses((status = 200, body = api_types::LoggerLevel), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_logger_level(
    State(state): State<AppState>,
    ApiPath((cluster_id, logger)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster_id)?;
    let call = ConnectCall::GetLogger(LoggerName::new(&logger)?);
    Ok(relay(client.call(&call, None).await?))
}

#[utoipa::path(put, path = "/clusters/{cluster}/loggers/{logger}", params(("cluster" = String, Path, description = "The cluster's id"), ("logger" = String, Path)), request_body = api_types::LoggerChange, responses((status = 200, description = "Connect's answer: the loggers changed on the worker", body = Object), (status = 204, description = "Every worker will change it"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("logger_change on cluster"))))]
async fn set_logger_level(
    State(state): State<AppState>,
    ApiPath((cluster_id, logger)): ApiPath<(String, String)>,
    origin: ChangeOrigin,
    ApiJson(level): ApiJson<LoggerChange>,
) -> Result<Response, ApiError> {
    let client = state.writable_cluster(&cluster_id)?;
    if level.level.trim().is_empty() {
        // Connect 4 answers an empty level with a 500 ("Illegal null or empty Level name").
        return Err(ApiError::BadRequest(
            "`level` is empty: name a level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF)".into(),
        ));
    }
    let scope = match level.scope.as_deref() {
        None => None,
        Some("worker") => Some(LoggerScope::Worker),
        Some("cluster") => Some(LoggerScope::Cluster),
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "`scope` is worker or cluster, not {other:?}"
            )));
        }
    };
    let call = ConnectCall::SetLogger(LoggerName::new(&logger)?, scope);
    let mut intent = origin.intent(&call);
    if let Some(serde_json::Value::Object(detail)) = &mut intent.detail {
        detail.insert("level".into(), json!(level.level));
    }
    let body = json!({ "level": level.level });
    Ok(relay(
        change(&state, client, intent, &call, Some(&body)).await?,
    ))
}
