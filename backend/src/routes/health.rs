//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(get_health))
        .route("/readyz", get(get_readiness))
}

async fn get_health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn get_readiness(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    if state.db.is_ready().await {
        Ok(Json(json!({ "status": "ready" })))
    } else {
        Err(ApiError::DatabaseUnavailable)
    }
}
