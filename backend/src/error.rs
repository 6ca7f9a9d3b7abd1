//! The one error type of the HTTP API, rendered as `{"error": {"code", "message"}}`.

use api_types::{ErrorBody, ErrorDetail};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::StoreError;
use plugboard_connect::{ConnectError, UpstreamError};

/// Largest request body accepted anywhere, in bytes; a larger one is
/// [`ApiError::PayloadTooLarge`].
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Every way a Plugboard endpoint can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("unknown cluster `{0}`")]
    UnknownCluster(String),
    #[error("no such endpoint: {0}")]
    NoSuchEndpoint(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the request body is larger than {MAX_BODY_BYTES} bytes")]
    PayloadTooLarge,
    #[error("cluster `{0}` is read-only: Plugboard refuses changes to it")]
    ReadOnlyCluster(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("the database is not available")]
    DatabaseUnavailable,
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// Connect answered with an error status; its message is passed on.
    #[error("{message}")]
    Connect { status: StatusCode, message: String },
    #[error("{0}")]
    BadGateway(String),
    #[error("cluster `{0}` has no bootstrap_servers: Plugboard does not read its Kafka")]
    KafkaNotConfigured(String),
    /// No snapshot of the cluster's Kafka yet; the message says why.
    #[error("{0}")]
    KafkaUnavailable(String),
    #[error("{0}")]
    NotFound(String),
    /// No caller is known: sign in or send a token.
    #[error("{0}")]
    Unauthenticated(String),
    /// A change without its CSRF token, or sent from another site.
    #[error("{0}")]
    CsrfRefused(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many failed sign-ins; try again in {retry_after_s} s")]
    TooManyAttempts { retry_after_s: u64 },
    /// Too many requests of one kind at once or in a while; the caller should wait.
    #[error("{message}")]
    RateLimited { message: String, retry_after_s: u64 },
    /// Too many sign-ins are being checked at once; the caller should try again shortly.
    #[error("too many sign-ins at once; try again in a moment")]
    Busy,
    /// A documented path called with a method it does not have; `allow` lists the ones it has.
    #[error("{message}")]
    MethodNotAllowed { allow: String, message: String },
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::UnknownCluster(_)
            | Self::NoSuchEndpoint(_)
            | Self::NotFound(_)
            | Self::KafkaNotConfigured(_) => StatusCode::NOT_FOUND,
            Self::KafkaUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::ReadOnlyCluster(_) | Self::Forbidden(_) | Self::CsrfRefused(_) => {
                StatusCode::FORBIDDEN
            }
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyAttempts { .. } | Self::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream(UpstreamError::Timeout { .. }) => StatusCode::GATEWAY_TIMEOUT,
            Self::Upstream(UpstreamError::OverBudget { .. }) => StatusCode::TOO_MANY_REQUESTS,
            Self::Upstream(_) | Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            // A worker's own failure is a bad gateway from the caller's point of view.
            Self::Connect { status, .. } if status.is_server_error() => StatusCode::BAD_GATEWAY,
            Self::Connect { status, .. } => *status,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::UnknownCluster(_) => "unknown_cluster",
            Self::NoSuchEndpoint(_) | Self::NotFound(_) => "not_found",
            Self::KafkaNotConfigured(_) => "kafka_not_configured",
            Self::KafkaUnavailable(_) => "kafka_unavailable",
            Self::BadRequest(_) => "bad_request",
            Self::PayloadTooLarge => "payload_too_large",
            Self::ReadOnlyCluster(_) => "read_only_cluster",
            Self::Forbidden(_) => "forbidden",
            Self::CsrfRefused(_) => "csrf_refused",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::Conflict(_) => "conflict",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::RateLimited { .. } => "rate_limited",
            Self::Busy => "busy",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::DatabaseUnavailable => "database_unavailable",
            Self::Upstream(UpstreamError::Timeout { .. }) => "upstream_timeout",
            Self::Upstream(UpstreamError::OverBudget { .. }) => "over_budget",
            Self::Upstream(_) => "upstream_unreachable",
            Self::BadGateway(_) => "bad_gateway",
            Self::Connect { status, .. } => match *status {
                StatusCode::NOT_FOUND => "not_found",
                StatusCode::CONFLICT => "conflict",
                StatusCode::BAD_REQUEST => "bad_request",
                _ => "connect_error",
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            Self::TooManyAttempts { retry_after_s } | Self::RateLimited { retry_after_s, .. } => {
                Some(*retry_after_s)
            }
            Self::Busy => Some(1),
            Self::Upstream(UpstreamError::OverBudget { retry_after_s, .. }) => Some(*retry_after_s),
            _ => None,
        };
        let allow = match &self {
            Self::MethodNotAllowed { allow, .. } => header::HeaderValue::from_str(allow).ok(),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let Some(retry_after_s) = retry_after {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_s),
            );
        }
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }
}

/// A handler that panicked answers 500 in the one error shape (the connection stays up), and
/// the panic is logged.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the shape tower-http's CatchPanicLayer calls"
)]
pub(crate) fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!("a request handler panicked: {what}");
    let body = ErrorBody {
        error: ErrorDetail {
            code: "internal".to_owned(),
            message: "Plugboard failed to answer this request; the log says why".to_owned(),
        },
    };
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

/// A query that failed: logged once, with its cause, here; answered as the database being
/// unavailable (the cause is not the caller's business).
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!("database query failed: {error}");
        Self::DatabaseUnavailable
    }
}

/// A call to Connect that failed, as Plugboard answers it.
impl From<ConnectError> for ApiError {
    fn from(error: ConnectError) -> Self {
        match error {
            ConnectError::Refused(message) => Self::BadRequest(message),
            ConnectError::WorkerOnly(message) => Self::Forbidden(message),
            ConnectError::MethodNotAllowed { allow, message } => {
                Self::MethodNotAllowed { allow, message }
            }
            ConnectError::NotInThisVersion(message) => Self::NotFound(message),
            ConnectError::UnknownCluster(id) => Self::UnknownCluster(id),
            ConnectError::Upstream(error) => Self::Upstream(error),
            ConnectError::Answer { status, message } => Self::Connect { status, message },
            ConnectError::Unreadable(message) => Self::BadGateway(message),
        }
    }
}

/// A store's refusal, as Plugboard answers it; a failed query as in `From<sqlx::Error>`.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(message) => Self::NotFound(message),
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Invalid(message) => Self::BadRequest(message),
            StoreError::Database(error) => Self::from(error),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::PayloadTooLarge
        } else {
            Self::BadRequest(rejection.body_text())
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}
