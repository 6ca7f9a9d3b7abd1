//! The Connect client's own errors: a call refused before anything is sent, a worker that did
//! not answer, Connect's own error answer, or an answer that cannot be read. The server turns
//! each into its answer at the edge (Plugboard's `From<ConnectError>` for its API error).

use reqwest::StatusCode;
use serde::Deserialize;

use super::upstream::{UpstreamError, UpstreamResponse};

/// Every way a call to a Connect cluster can fail.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A name, path, query or parameter refused before anything is sent; the message says why.
    #[error("{0}")]
    Refused(String),
    /// An endpoint Connect keeps for its workers' own use, never forwarded.
    #[error("{0}")]
    WorkerOnly(String),
    /// A documented path called with a method it does not have; `allow` lists the ones it has.
    #[error("{message}")]
    MethodNotAllowed { allow: String, message: String },
    /// An endpoint the cluster's Connect version no longer has.
    #[error("{0}")]
    NotInThisVersion(String),
    #[error("unknown cluster `{0}`")]
    UnknownCluster(String),
    #[error(transparent)]
    Upstream(#[from] UpstreamError),
    /// Connect answered with an error status; its message is kept.
    #[error("{message}")]
    Answer { status: StatusCode, message: String },
    /// An answer of a shape Connect should never send.
    #[error("{0}")]
    Unreadable(String),
}

/// Connect's error body: `{"error_code": 404, "message": "..."}`.
#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

impl ConnectError {
    /// The error of a non-2xx answer of Connect, keeping its status and message. Connect
    /// answers some refusals of bad input with a 500 (an unknown plugin, a body it cannot read,
    /// a BadRequestException it wrapped); those are the caller's errors, so they are 400s.
    pub fn from_answer(response: &UpstreamResponse) -> Self {
        let message = serde_json::from_slice::<ErrorBody>(&response.body).map_or_else(
            |_| String::from_utf8_lossy(&response.body).into_owned(),
            |b| b.message,
        );
        let bad_input = [
            "Failed to find any class that implements",
            "BadRequestException",
            "Cannot construct instance of",
            "Cannot deserialize value of type",
        ];
        let status = if response.status == StatusCode::INTERNAL_SERVER_ERROR
            && bad_input.iter().any(|words| message.contains(words))
        {
            StatusCode::BAD_REQUEST
        } else {
            response.status
        };
        Self::Answer { status, message }
    }
}
