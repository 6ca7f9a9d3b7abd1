//! One async function per backend endpoint the app uses; errors become readable sentences.
//!
//! Changes carry `X-Plugboard-Source: console` so the history says they came from the console,
//! and the session's CSRF token in `X-CSRF-Token`. An answer saying nobody is signed in comes
//! back as [`ApiError::SignedOut`], a value like any other failure: the console acts on it where
//! it shows failures ([`crate::failure`]), not here.

mod access;
mod alerts;
mod connectors;
mod debezium;
mod history;
mod kafka;
mod plugins;
mod records;
mod specs;

use api_types::{ClusterOverview, ErrorBody};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) use access::*;
pub(crate) use alerts::*;
pub(crate) use connectors::*;
pub(crate) use debezium::*;
pub(crate) use history::*;
pub(crate) use kafka::*;
pub(crate) use plugins::*;
pub(crate) use records::*;
pub(crate) use specs::*;

/// A call's answer, or why it failed.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// Why a call failed; shown to the user as its message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ApiError {
    /// Nobody is signed in, or the session ended: the console goes back to the sign-in form.
    SignedOut(String),
    /// Plugboard answered with an error: its status and the message of its error body.
    Refused { status: u16, message: String },
    /// Plugboard did not answer, or answered something the console cannot read.
    Unreadable(String),
}

impl std::error::Error for ApiError {}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignedOut(message) | Self::Unreadable(message) => f.write_str(message),
            Self::Refused { message, .. } => f.write_str(message),
        }
    }
}

/// `GET /api/v1/clusters`: every configured cluster with a probe of each worker.
pub(crate) async fn list_clusters() -> ApiResult<Vec<ClusterOverview>> {
    get_json("/api/v1/clusters").await
}

/// A path segment as the browser sends it: `/`, `%`, spaces and unicode percent-encoded (what
/// `encodeURIComponent` keeps is kept; done here, as a call into JavaScript per link would cost
/// a table of rows more than the rows themselves).
pub(crate) fn encode(segment: &str) -> String {
    const KEPT: &[u8] = b"-_.!~*'()";
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(segment.len());
    for &byte in segment.as_bytes() {
        if byte.is_ascii_alphanumeric() || KEPT.contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    encoded
}

/// `/api/v1/clusters/{cluster}/{rest}`, the cluster encoded.
fn cluster_path(cluster: &str, rest: &str) -> String {
    format!("/api/v1/clusters/{}/{rest}", encode(cluster))
}

/// `key=value` pairs joined with `&`, values encoded; empty values are left out.
pub(crate) fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn get_json<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    read_json(answer(Request::get(path)).await?).await
}

/// The methods of the calls that change something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Post,
    Put,
    Delete,
}

/// Sends a change with a JSON body and reads the JSON answer; `reason` goes to the history.
async fn change_json<T: DeserializeOwned>(
    method: Change,
    path: &str,
    body: &impl Serialize,
    reason: Option<String>,
) -> ApiResult<T> {
    read_json(send_change(method, path, Some(body), reason).await?).await
}

/// Sends a change without a body, whose answer body does not matter (Connect's 202 and 204).
async fn change_only(method: Change, path: &str) -> ApiResult<()> {
    send_change(method, path, None::<&()>, None).await.map(drop)
}

async fn send_change(
    method: Change,
    path: &str,
    body: Option<&impl Serialize>,
    reason: Option<String>,
) -> ApiResult<Response> {
    let mut builder = match method {
        Change::Post => Request::post(path),
        Change::Put => Request::put(path),
        Change::Delete => Request::delete(path),
    }
    .header("X-Plugboard-Source", "console");
    if let Some(token) = crate::session::csrf_token() {
        builder = builder.header("X-CSRF-Token", &token);
    }
    if let Some(reason) = reason {
        builder = builder.header("X-Plugboard-Reason", &reason);
    }
    match body {
        Some(body) => {
            let request = builder
                .json(body)
                .map_err(|e| ApiError::Unreadable(e.to_string()))?;
            checked(request.send().await).await
        }
        None => answer(builder).await,
    }
}

async fn answer(builder: RequestBuilder) -> ApiResult<Response> {
    checked(builder.send().await).await
}

/// Turns a transport failure or an error status into an [`ApiError`] with the sentence
/// Plugboard's error body holds.
async fn checked(sent: Result<Response, gloo_net::Error>) -> ApiResult<Response> {
    let response =
        sent.map_err(|e| ApiError::Unreadable(format!("Plugboard did not answer: {e}")))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let message = match response.json::<ErrorBody>().await {
        Ok(body) => body.error.message,
        Err(_) => format!("Plugboard answered HTTP {status}"),
    };
    if status == 401 {
        return Err(ApiError::SignedOut(message));
    }
    Err(ApiError::Refused { status, message })
}

/// Reads the answer as JSON; an empty body (Connect's 204) reads as `null`.
async fn read_json<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    let unreadable = |e: &dyn std::fmt::Display| {
        ApiError::Unreadable(format!("unexpected answer from Plugboard: {e}"))
    };
    // Read as bytes and checked as UTF-8 here: as text, a large list would go through a
    // JavaScript string copied into wasm character by character.
    let bytes = response.binary().await.map_err(|e| unreadable(&e))?;
    let text = String::from_utf8(bytes).map_err(|e| unreadable(&e))?;
    let text = if text.is_empty() { "null" } else { &text };
    serde_json::from_str(text).map_err(|e| unreadable(&e))
}
