//! The HTTP routes, one module per resource, merged into one router.

mod clusters;
mod health;

use axum::Router;
use axum::http::Uri;

use crate::AppState;
use crate::error::ApiError;

/// Every API and health route. Unknown `/api/...` paths get a JSON 404, not the browser app.
pub fn router() -> Router<AppState> {
    Router::new().merge(health::router()).nest(
        "/api/v1",
        clusters::router()
            .fallback(|uri: Uri| async move { ApiError::NoSuchEndpoint(format!("/api/v1{uri}")) }),
    )
}
