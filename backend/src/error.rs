//! The one error type of the HTTP API, rendered as `{"error": {"code", "message"}}`.

use api_types::{ErrorBody, ErrorDetail};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Every way a Plugboard endpoint can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("unknown cluster `{0}`")]
    UnknownCluster(String),
    #[error("no such endpoint: {0}")]
    NoSuchEndpoint(String),
    #[error("the database is not available")]
    DatabaseUnavailable,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::UnknownCluster(_) | Self::NoSuchEndpoint(_) => StatusCode::NOT_FOUND,
            Self::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::UnknownCluster(_) => "unknown_cluster",
            Self::NoSuchEndpoint(_) => "not_found",
            Self::DatabaseUnavailable => "database_unavailable",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        };
        (self.status(), Json(body)).into_response()
    }
}
