//! Plugboard's client of Kafka Connect's REST API, one [`ClusterClient`] per configured
//! cluster. It knows nothing of the server around it: what it needs from there comes through
//! [`ClientContext`], and its errors are its own ([`ConnectError`]).
//!
//! - [`call`]: every Connect endpoint as a typed value, parsed from requests or built directly.
//! - [`listing`]: the connector list (one call per cluster) and one connector in detail.
//! - [`upstream`]: one call to a cluster: worker failover, rebalance retries, timeouts.
//! - [`settle`]: read-your-writes: a change answered once every worker shows it.
//! - [`budget`]: the most calls in flight and per second to one cluster, from every caller.
//! - [`cache`]: concurrent identical GETs share one call; list and status answers live briefly.
//! - [`model`]: Connect's JSON bodies, and the summaries Plugboard computes from them.
//! - [`probe`]: `GET /` of each worker for the cluster overview.
//! - [`tls`]: the HTTP client of a cluster, with its CA and client certificate.
//! - [`versions`]: the Connect version a cluster runs, and the calls that exist in it.
//! - [`declared`]: the PASSWORD-type keys of the plugins a config uses, asked of Connect.
//! - [`error`]: the client's own errors.
//!
//! Cluster credentials are attached here and nowhere else, so they never reach the browser.

mod budget;
mod cache;
pub mod call;
mod cluster;
pub mod declared;
mod error;
mod listing;
pub mod model;
mod probe;
mod settle;
#[cfg(test)]
mod test_support;
mod tls;
mod upstream;
mod versions;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use reqwest::{Method, StatusCode, header::HeaderName};
use serde::de::DeserializeOwned;

use cache::GetCache;
pub use call::{ConnectCall, ConnectorName, LoggerName, PluginName, PluginVersion};
pub use cluster::{Cluster, ClusterAuth, ClusterTls, InternalTopics, RequestBudget};
use declared::DeclaredKeys;
pub use error::ConnectError;
pub use listing::{Freshness, LiveConnector};
pub use upstream::{UpstreamError, UpstreamRequest, UpstreamResponse};
pub use versions::ConnectVersion;

/// Talks to one Connect cluster; cheap to clone.
#[derive(Clone)]
pub struct ClusterClient(Arc<ClusterClientInner>);

struct ClusterClientInner {
    cluster: Cluster,
    http: reqwest::Client,
    timeout: Duration,
    cache: GetCache,
    /// The last overview of the workers and when it was probed (see [`probe`]).
    overview: tokio::sync::Mutex<Option<(std::time::Instant, api_types::ClusterOverview)>>,
    /// Woken by every change sent through this client, so live pages look again at once.
    changed: tokio::sync::Notify,
    /// The rows of the last connector list and the answer they were read from (see
    /// [`listing`]): a list answered from the cache is not parsed again.
    summaries: listing::SummaryMemo,
    /// Every call to a worker waits for its turn here.
    budget: budget::Budget,
    /// Index of the worker URL that answered last; calls start there.
    preferred_worker: AtomicUsize,
    /// Every HTTP request sent to a worker of this cluster, for `/metrics` and benchmarks.
    upstream_requests: AtomicU64,
    /// Calls refused because the cluster's request budget was spent, for `/metrics`.
    refused_calls: AtomicU64,
    /// The PASSWORD-type keys of this cluster's plugins, asked once per plugin.
    declared_keys: DeclaredKeys,
    /// The Connect version the cluster runs, as last read.
    version: versions::VersionMemo,
    /// The program this client runs in.
    context: Arc<dyn ClientContext>,
}

/// The header that carries the id of the request a call is made for.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How a client calls its workers.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// How long one call to a worker may take.
    pub timeout: Duration,
    /// How long list and status answers are reused.
    pub cache_ttl: Duration,
}

/// What a client learns from, and tells, the program it runs in: the id of the request being
/// served (sent to Connect with each call), the secrets it meets (so that the program can
/// scrub them from whatever else might carry them), and how long its calls take.
pub trait ClientContext: Send + Sync {
    /// The id of the request being served, if any.
    fn request_id(&self) -> Option<String>;
    /// A live config the client read, with the keys its plugins declare as PASSWORD type (as
    /// far as known).
    fn live_config(&self, config: &BTreeMap<String, String>, declared: &HashSet<String>);
    /// Keys Connect declared as PASSWORD type for the plugins of a config.
    fn declared_keys(&self, keys: &HashSet<String>);
    /// One call to a worker of `cluster` took `seconds`.
    fn call_took(&self, cluster: &str, seconds: f64);
    /// When the request being served began, if any: its calls together wait for the request
    /// budget no longer than one call may, from then.
    fn request_began(&self) -> Option<std::time::Instant> {
        None
    }
}

impl ClusterClient {
    pub fn new(
        cluster: Cluster,
        options: ClientOptions,
        context: Arc<dyn ClientContext>,
    ) -> anyhow::Result<Self> {
        let http = tls::http_client(&cluster, options.timeout)?;
        Ok(Self(Arc::new(ClusterClientInner {
            budget: budget::Budget::new(cluster.budget),
            cluster,
            http,
            timeout: options.timeout,
            cache: GetCache::new(options.cache_ttl),
            changed: tokio::sync::Notify::new(),
            overview: tokio::sync::Mutex::default(),
            summaries: listing::SummaryMemo::default(),
            preferred_worker: AtomicUsize::new(0),
            upstream_requests: AtomicU64::new(0),
            refused_calls: AtomicU64::new(0),
            declared_keys: DeclaredKeys::default(),
            version: versions::VersionMemo::default(),
            context,
        })))
    }

    pub fn cluster(&self) -> &Cluster {
        &self.0.cluster
    }

    pub fn id(&self) -> &str {
        &self.0.cluster.id
    }

    pub(crate) fn declared_keys(&self) -> &DeclaredKeys {
        &self.0.declared_keys
    }

    /// The program this client runs in.
    fn context(&self) -> &dyn ClientContext {
        self.0.context.as_ref()
    }

    /// How many HTTP requests Plugboard has sent to this cluster's workers.
    pub fn upstream_requests(&self) -> u64 {
        self.0.upstream_requests.load(Ordering::Relaxed)
    }

    /// Resolves after the next change sent through this client (at once if one was sent since
    /// the last wait ended).
    pub async fn changed(&self) {
        self.0.changed.notified().await;
    }

    /// How many calls the cluster's request budget refused.
    pub fn refused_calls(&self) -> u64 {
        self.0.refused_calls.load(Ordering::Relaxed)
    }

    /// Sends a request: GETs are coalesced and, for lists, statuses and a connector's own reads,
    /// cached; anything else goes straight to a worker, then invalidates the cache and wakes
    /// whoever waits on [`ClusterClient::changed`].
    pub async fn send(&self, request: UpstreamRequest) -> Result<UpstreamResponse, UpstreamError> {
        if request.method == Method::GET {
            let key = request.path.clone();
            let cacheable = cache::is_cacheable(&key);
            let client = self.clone();
            let fetch = async move { client.send_uncached(&request).await };
            self.0.cache.get_or_fetch(key, cacheable, fetch).await
        } else {
            let response = self.send_uncached(&request).await;
            self.0.cache.invalidate();
            if let (Ok(answer), Some(settle)) = (&response, &request.settle)
                && answer.status.is_success()
            {
                self.settle(settle, answer).await;
                // Reads cached while the workers caught up may hold the old state.
                self.0.cache.invalidate();
            }
            self.0.changed.notify_one();
            response
        }
    }

    /// Makes `call` (with a JSON body) and turns any non-2xx answer of Connect into an
    /// [`ConnectError`].
    pub async fn call(
        &self,
        call: &ConnectCall,
        body: Option<&serde_json::Value>,
    ) -> Result<UpstreamResponse, ConnectError> {
        let body = body.map(|b| Bytes::from(b.to_string()));
        let response = self.send(UpstreamRequest::new(call, body)).await?;
        if response.status.is_success() {
            Ok(response)
        } else {
            Err(ConnectError::from_answer(&response))
        }
    }

    /// A read, its answer parsed as `T`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        call: ConnectCall,
    ) -> Result<T, ConnectError> {
        self.call(&call, None).await?.json()
    }
}

impl UpstreamResponse {
    /// The body parsed as `T`; a body Connect should never send is a bad gateway.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ConnectError> {
        if self.status == StatusCode::NO_CONTENT || self.body.is_empty() {
            return serde_json::from_str("null")
                .map_err(|e| ConnectError::Unreadable(e.to_string()));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ConnectError::Unreadable(format!("unexpected answer from Connect: {e}")))
    }
}

/// Every configured cluster, in configuration order.
#[derive(Clone)]
pub struct Clusters(Arc<Vec<ClusterClient>>);

impl Clusters {
    /// A client per cluster, all in `context`.
    pub fn new(
        clusters: &[Cluster],
        options: ClientOptions,
        context: &Arc<dyn ClientContext>,
    ) -> anyhow::Result<Self> {
        let clients = clusters
            .iter()
            .map(|cluster| ClusterClient::new(cluster.clone(), options, context.clone()))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self(Arc::new(clients)))
    }

    pub fn all(&self) -> &[ClusterClient] {
        &self.0
    }

    /// The cluster with this id, or a 404 naming it.
    pub fn get(&self, id: &str) -> Result<&ClusterClient, ConnectError> {
        self.0
            .iter()
            .find(|client| client.id() == id)
            .ok_or_else(|| ConnectError::UnknownCluster(id.to_owned()))
    }
}
