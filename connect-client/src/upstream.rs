//! One call to a Connect cluster: try the workers in turn on connection errors, retry while the
//! cluster rebalances (bounded back-off), and give up after the configured timeout.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use super::call::Settle;
use super::{ClusterAuth, REQUEST_ID};
use super::{ClusterClient, ConnectCall};

/// Back-off before each retry of a rebalance answer; its length bounds the retries (about 12 s
/// in all, the length of a slow rebalance of a busy cluster).
const REBALANCE_BACKOFF: [Duration; 6] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(4),
];

/// A request for a cluster, whichever worker ends up answering it; always made from a
/// [`ConnectCall`], so what is sent is what was judged.
#[derive(Debug, Clone)]
pub struct UpstreamRequest {
    pub method: Method,
    /// Path and query, already percent-encoded, starting with `/`.
    pub path: String,
    /// A JSON body.
    pub body: Option<Bytes>,
    /// Only the leader may make it: sent with `forward=false` to each worker until the leader
    /// takes it, since Connect's own forwarding would garble the connector's name.
    pub leader_only: bool,
    /// What every worker must show once the call is answered 2xx (read-your-writes).
    pub settle: Option<Settle>,
}

impl UpstreamRequest {
    pub fn new(call: &ConnectCall, body: Option<Bytes>) -> Self {
        let leader_only = call.leader_only();
        let mut path = call.path();
        if leader_only {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str("forward=false");
        }
        Self {
            method: call.method(),
            settle: Settle::of(call, body.as_deref()),
            path,
            body,
            leader_only,
        }
    }
}

/// A worker's answer, whatever its status.
#[derive(Debug, Clone)]
pub struct UpstreamResponse {
    pub status: StatusCode,
    pub body: Bytes,
}

/// Why no worker of a cluster gave an answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UpstreamError {
    #[error("cluster `{cluster}` is unreachable: {details}")]
    Unreachable { cluster: String, details: String },
    #[error("cluster `{cluster}`: {url} did not answer within {millis} ms")]
    Timeout {
        cluster: String,
        url: String,
        millis: u128,
    },
    /// Plugboard's own limit on calls to the cluster is spent for longer than a caller waits.
    #[error(
        "cluster `{cluster}` is answering as many calls as Plugboard allows it; try again in \
         {retry_after_s} s"
    )]
    OverBudget { cluster: String, retry_after_s: u64 },
    #[error("cluster `{cluster}`: the call to {url} failed: {reason}")]
    Failed {
        cluster: String,
        url: String,
        reason: String,
    },
}

impl ClusterClient {
    /// Sends `request`, retrying while Connect answers that it is rebalancing.
    pub(super) async fn send_uncached(
        &self,
        request: &UpstreamRequest,
    ) -> Result<UpstreamResponse, UpstreamError> {
        self.send_through_rebalances(request).await
    }

    /// Sends `request` to every worker at once; each answers for itself (no failover, no
    /// retry). For what differs between workers, such as logger levels.
    pub async fn send_to_each_worker(
        &self,
        request: &UpstreamRequest,
    ) -> Vec<(String, Result<UpstreamResponse, String>)> {
        let calls = self.0.cluster.urls.iter().map(|url| async move {
            let answer = match self.admit().await {
                Ok(_turn) => self.send_to_worker(url, request).await,
                Err(over) => return (url.clone(), Err(over.to_string())),
            };
            (url.clone(), answer.map_err(|e| root_cause(&e)))
        });
        futures::future::join_all(calls).await
    }

    /// A leader-only request offered to each worker in turn: a worker that is not the leader
    /// refuses it (409, "conflicting operation") without acting, since `forward=false` forbids
    /// it to forward; the leader makes it. If every worker refuses, the cluster is between
    /// leaders, and the refusal is retried like any rebalance.
    async fn send_to_leader(
        &self,
        request: &UpstreamRequest,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let mut refusal = None;
        for _ in &self.0.cluster.urls {
            let response = self.send_to_any_worker(request).await?;
            if !is_not_leader(&response) {
                return Ok(response);
            }
            let urls = self.0.cluster.urls.len();
            let next = (self.0.preferred_worker.load(Ordering::Relaxed) + 1) % urls;
            self.0.preferred_worker.store(next, Ordering::Relaxed);
            refusal = Some(response);
        }
        Ok(refusal.expect("a cluster has at least one worker"))
    }

    async fn send_through_rebalances(
        &self,
        request: &UpstreamRequest,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let mut backoff = REBALANCE_BACKOFF.iter();
        loop {
            let response = if request.leader_only {
                self.send_to_leader(request).await?
            } else {
                self.send_to_any_worker(request).await?
            };
            match backoff.next() {
                Some(delay) if is_rebalance(&response) => {
                    tracing::info!(cluster = self.id(), path = %request.path, status = %response.status,
                        "Connect is rebalancing; retrying in {} ms", delay.as_millis());
                    tokio::time::sleep(*delay).await;
                }
                _ => return Ok(response),
            }
        }
    }

    /// Tries each worker in turn, starting with the one that answered last, while they refuse
    /// connections. A timeout is not retried elsewhere: the first worker may still act on it.
    async fn send_to_any_worker(
        &self,
        request: &UpstreamRequest,
    ) -> Result<UpstreamResponse, UpstreamError> {
        let urls = &self.0.cluster.urls;
        let first = self.0.preferred_worker.load(Ordering::Relaxed);
        let mut refusals = Vec::new();
        for index in (0..urls.len()).map(|i| (first + i) % urls.len()) {
            let url = &urls[index];
            let _turn = self.admit().await?;
            match self.send_to_worker(url, request).await {
                Ok(response) => {
                    self.0.preferred_worker.store(index, Ordering::Relaxed);
                    return Ok(response);
                }
                Err(e) if e.is_connect() => {
                    tracing::warn!(
                        cluster = self.id(),
                        url,
                        "worker unreachable: {}",
                        root_cause(&e)
                    );
                    refusals.push(format!("{url}: {}", root_cause(&e)));
                }
                Err(e) if e.is_timeout() => {
                    return Err(UpstreamError::Timeout {
                        cluster: self.id().to_owned(),
                        url: url.clone(),
                        millis: self.0.timeout.as_millis(),
                    });
                }
                Err(e) => {
                    return Err(UpstreamError::Failed {
                        cluster: self.id().to_owned(),
                        url: url.clone(),
                        reason: root_cause(&e),
                    });
                }
            }
        }
        Err(UpstreamError::Unreachable {
            cluster: self.id().to_owned(),
            details: refusals.join("; "),
        })
    }

    /// Waits for a call's turn in the cluster's request budget (within what is left of its
    /// request's wait, if it serves one); the turn lasts as long as the permit is held.
    pub(super) async fn admit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, UpstreamError> {
        let until = self
            .context()
            .request_began()
            .map(crate::budget::wait_until);
        self.0.budget.admit(until).await.map_err(|over| {
            self.0.refused_calls.fetch_add(1, Ordering::Relaxed);
            UpstreamError::OverBudget {
                cluster: self.id().to_owned(),
                retry_after_s: over.retry_after_s,
            }
        })
    }

    /// One HTTP request to the worker at `base_url`, its turn in the budget already taken.
    pub(super) async fn send_to_worker(
        &self,
        base_url: &str,
        request: &UpstreamRequest,
    ) -> reqwest::Result<UpstreamResponse> {
        self.0.upstream_requests.fetch_add(1, Ordering::Relaxed);
        let mut builder = self
            .0
            .http
            .request(
                request.method.clone(),
                format!("{base_url}{}", request.path),
            )
            .header(ACCEPT, "application/json");
        if let Some(id) = self.context().request_id() {
            builder = builder.header(REQUEST_ID, id);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        builder = authorize(builder, self.0.cluster.auth.as_ref());
        let started = std::time::Instant::now();
        let answer = async {
            let response = builder.send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            Ok(UpstreamResponse { status, body })
        }
        .await;
        self.context()
            .call_took(self.id(), started.elapsed().as_secs_f64());
        answer
    }
}

/// Connect's answers that mean "try again once the group has rebalanced": 409 for a rebalance
/// or stale configuration (never for "already exists"), 500 when a rebalance is expected or
/// when a follower could not forward the request to a leader that was changing.
fn is_rebalance(response: &UpstreamResponse) -> bool {
    let text = String::from_utf8_lossy(&response.body).to_lowercase();
    match response.status {
        StatusCode::CONFLICT => {
            !text.contains("already exists")
                && (text.contains("rebalance")
                    || text.contains("stale configuration")
                    || text.contains("conflicting operation"))
        }
        StatusCode::INTERNAL_SERVER_ERROR => {
            text.contains("rebalance") || text.contains("forward rest request")
        }
        _ => false,
    }
}

/// A worker's refusal of a request sent with `forward=false` that only another worker (the
/// leader, or the one running the task) may serve.
fn is_not_leader(response: &UpstreamResponse) -> bool {
    response.status == StatusCode::CONFLICT
        && String::from_utf8_lossy(&response.body).contains("conflicting operation")
}

pub(super) fn authorize(
    request: reqwest::RequestBuilder,
    auth: Option<&ClusterAuth>,
) -> reqwest::RequestBuilder {
    match auth {
        Some(ClusterAuth::Basic { username, password }) => {
            request.basic_auth(username, Some(password))
        }
        Some(ClusterAuth::Bearer { token }) => request.bearer_auth(token),
        None => request,
    }
}

/// The innermost error message, which is the one that says what actually went wrong.
pub(super) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, message: &str) -> UpstreamResponse {
        UpstreamResponse {
            status: StatusCode::from_u16(status).unwrap(),
            body: Bytes::from(format!(
                r#"{{"error_code":{status},"message":"{message}"}}"#
            )),
        }
    }

    #[test]
    fn rebalance_answers_are_retried_and_already_exists_is_not() {
        assert!(is_rebalance(&answer(
            409,
            "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
        )));
        assert!(is_rebalance(&answer(
            409,
            "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"
        )));
        assert!(is_rebalance(&answer(
            500,
            "Request cannot be completed because a rebalance is expected"
        )));
        assert!(!is_rebalance(&answer(409, "Connector a already exists")));
        assert!(is_rebalance(&answer(
            500,
            "Error trying to forward REST request: Connection refused"
        )));
        assert!(!is_rebalance(&answer(500, "Unexpected character ('x')")));
        assert!(!is_rebalance(&answer(404, "Connector a not found")));
    }
}
