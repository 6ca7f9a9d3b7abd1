//! The HTTP client for Kafka Connect workers' REST API.
//!
//! One shared `reqwest::Client` with a per-call timeout; cluster credentials are attached here
//! and nowhere else, so they never reach the browser.

use std::time::Duration;

use api_types::{ClusterOverview, WorkerInfo, WorkerProbe};
use futures::future::join_all;
use reqwest::RequestBuilder;

use crate::config::{Cluster, ClusterAuth};

/// Talks to Connect workers; cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct ConnectClient {
    http: reqwest::Client,
    timeout: Duration,
}

impl ConnectClient {
    /// A client whose every call gives up after `timeout`.
    pub fn new(timeout: Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("plugboard/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { http, timeout })
    }

    /// Probes every worker of `cluster` at once.
    pub async fn overview(&self, cluster: &Cluster) -> ClusterOverview {
        let probes = cluster
            .urls
            .iter()
            .map(|url| self.probe_worker(cluster, url));
        ClusterOverview {
            id: cluster.id.clone(),
            name: cluster.name.clone(),
            read_only: cluster.read_only,
            workers: join_all(probes).await,
        }
    }

    /// Calls `GET /` on one worker and reports what it said, or why it said nothing useful.
    pub async fn probe_worker(&self, cluster: &Cluster, url: &str) -> WorkerProbe {
        let request = authorize(self.http.get(format!("{url}/")), cluster.auth.as_ref());
        let outcome = match request.send().await {
            Ok(response) if response.status().is_success() => response
                .json::<WorkerInfo>()
                .await
                .map_err(|e| format!("answered GET / with an unexpected body: {}", root_cause(&e))),
            Ok(response) => Err(format!("answered GET / with HTTP {}", response.status())),
            Err(e) => Err(self.describe(&e)),
        };
        WorkerProbe {
            url: url.to_owned(),
            info: outcome.as_ref().ok().cloned(),
            error: outcome.err(),
        }
    }

    /// A short sentence for a failed call: timeout, refused connection, and so on.
    fn describe(&self, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            format!("timed out after {} ms", self.timeout.as_millis())
        } else if error.is_connect() {
            format!("cannot connect: {}", root_cause(error))
        } else {
            root_cause(error)
        }
    }
}

fn authorize(request: RequestBuilder, auth: Option<&ClusterAuth>) -> RequestBuilder {
    match auth {
        Some(ClusterAuth::Basic { username, password }) => {
            request.basic_auth(username, Some(password))
        }
        Some(ClusterAuth::Bearer { token }) => request.bearer_auth(token),
        None => request,
    }
}

/// The innermost error message, which is the one that says what actually went wrong.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}
