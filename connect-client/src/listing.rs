//! Reading connectors: the whole list in one call per cluster, and one connector in detail.

use std::collections::BTreeMap;
use std::sync::Arc;

use api_types::{ConnectorDetail, ConnectorState, ConnectorSummary};
use bytes::Bytes;
use serde::Deserialize;

use super::call::Expand;
use super::model::{ConnectorInfo, ConnectorStatus, ExpandedConnector, summarize};
use super::{ClusterClient, ConnectCall, ConnectorName, UpstreamRequest, UpstreamResponse};
use crate::ConnectError;

/// `GET /connectors/{name}/topics`: `{"name": {"topics": [...]}}`.
#[derive(Deserialize)]
struct ActiveTopics {
    topics: Vec<String>,
}

/// A connector's config and state as the list has them.
#[derive(Debug, Clone)]
pub struct LiveConnector {
    pub config: BTreeMap<String, String>,
    pub state: Option<ConnectorState>,
}

/// Whether an answer up to the cache's age will do, or only one asked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Cached,
    Now,
}

impl ClusterClient {
    /// Every connector with state, health and task counts, from one upstream call, sorted with
    /// the least healthy first. `Freshness::Now` skips the cache (to select targets of a change).
    ///
    /// The rows are kept with the answer they come from: while the cache serves the same answer,
    /// they are not read from it again (at 10,000 connectors that read is most of the cost).
    pub async fn connector_summaries(
        &self,
        freshness: Freshness,
    ) -> Result<Vec<ConnectorSummary>, ConnectError> {
        let answer = self.list_answer(freshness).await?;
        // Read again when a plugin's PASSWORD keys became known since: its connectors' secrets
        // are then learnt under those keys too.
        let read_with = (answer.body.clone(), self.plugins_with_known_keys());
        if let Some(rows) = self.0.summaries.rows_of(&read_with) {
            return Ok(rows);
        }
        let expanded: BTreeMap<String, ExpandedConnector> = answer.json()?;
        self.learn_secrets(&expanded);
        let mut summaries: Vec<_> = expanded
            .iter()
            .map(|(name, c)| summarize(self.cluster(), name, c.info.as_ref(), c.status.as_ref()))
            .collect();
        summaries.sort_by(|a, b| a.health.cmp(&b.health).then_with(|| a.name.cmp(&b.name)));
        self.0.summaries.keep(read_with, &summaries);
        Ok(summaries)
    }

    /// Remembers the secret values of every connector's live config, so they are scrubbed from
    /// wherever else they might turn up (Connect's messages, traces) even for connectors
    /// nobody opened. Costs no call to Connect: plugins not asked about yet count by key rules.
    fn learn_secrets(&self, expanded: &BTreeMap<String, ExpandedConnector>) {
        for info in expanded.values().filter_map(|c| c.info.as_ref()) {
            let declared = self.known_secret_keys(&info.config);
            self.context().live_config(&info.config, &declared);
        }
    }

    /// The connector's config as a worker has it now, or `None` (no such connector, or no
    /// answer); its secret values are told to the server like those of a listing.
    pub async fn live_config(&self, name: &ConnectorName) -> Option<BTreeMap<String, String>> {
        let request = UpstreamRequest::new(&ConnectCall::GetConfig(name.clone()), None);
        let response = self.send(request).await.ok()?;
        if !response.status.is_success() {
            return None;
        }
        let config: BTreeMap<String, String> = response.json().ok()?;
        let declared = self.declared_secret_keys(&config).await;
        self.context().live_config(&config, &declared);
        Some(config)
    }

    /// Every connector's live config and state, from the same call as the list.
    pub async fn live_connectors(
        &self,
        freshness: Freshness,
    ) -> Result<BTreeMap<String, LiveConnector>, ConnectError> {
        let expanded = self.expanded_connectors(freshness).await?;
        self.learn_secrets(&expanded);
        Ok(expanded
            .into_iter()
            .filter_map(|(name, c)| {
                let live = LiveConnector {
                    config: c.info?.config,
                    state: c.status.map(|s| s.connector.state),
                };
                Some((name, live))
            })
            .collect())
    }

    /// The status of every connector that has one, from the same (cached) call as the list.
    pub async fn connector_statuses(
        &self,
    ) -> Result<BTreeMap<String, ConnectorStatus>, ConnectError> {
        let expanded = self.expanded_connectors(Freshness::Cached).await?;
        Ok(expanded
            .into_iter()
            .filter_map(|(name, c)| c.status.map(|status| (name, status)))
            .collect())
    }

    async fn expanded_connectors(
        &self,
        freshness: Freshness,
    ) -> Result<BTreeMap<String, ExpandedConnector>, ConnectError> {
        self.list_answer(freshness).await?.json()
    }

    /// Connect's answer to the list with status and info, from the cache or asked now.
    async fn list_answer(&self, freshness: Freshness) -> Result<UpstreamResponse, ConnectError> {
        let call = ConnectCall::ListConnectors {
            expand: vec![Expand::Status, Expand::Info],
        };
        match freshness {
            Freshness::Cached => self.call(&call, None).await,
            Freshness::Now => self.answer_uncached(&call).await,
        }
    }

    /// Config, tasks with traces, topics and offsets of one connector, asked at once.
    pub async fn connector_detail(
        &self,
        connector: &ConnectorName,
    ) -> Result<ConnectorDetail, ConnectError> {
        let name = connector.as_str();
        let (info, status, topics, offsets) = tokio::join!(
            self.get_json::<ConnectorInfo>(ConnectCall::GetConnector(connector.clone())),
            self.get_json::<ConnectorStatus>(ConnectCall::GetStatus(connector.clone())),
            self.get_json::<BTreeMap<String, ActiveTopics>>(ConnectCall::GetTopics(
                connector.clone()
            )),
            self.get_json::<serde_json::Value>(ConnectCall::GetOffsets(connector.clone())),
        );
        let info = info?;
        let status = status.ok();
        Ok(ConnectorDetail {
            summary: summarize(self.cluster(), name, Some(&info), status.as_ref()),
            trace: status.as_ref().and_then(|s| s.connector.trace.clone()),
            tasks: status
                .map(|s| s.tasks.into_iter().map(Into::into).collect())
                .unwrap_or_default(),
            config: info.config,
            topics: topics
                .map(|t| t.into_values().flat_map(|a| a.topics).collect())
                .map_err(|e| e.to_string()),
            offsets: offsets.map_err(|e| e.to_string()),
        })
    }

    /// What links a connector to Kafka: its summary (kind, consumer group), its config and the
    /// topics Connect says it used (empty when Connect cannot say), in two calls.
    pub async fn connector_links(
        &self,
        connector: &ConnectorName,
    ) -> Result<(ConnectorSummary, BTreeMap<String, String>, Vec<String>), ConnectError> {
        let (info, topics) = tokio::join!(
            self.get_json::<ConnectorInfo>(ConnectCall::GetConnector(connector.clone())),
            self.get_json::<BTreeMap<String, ActiveTopics>>(ConnectCall::GetTopics(
                connector.clone()
            )),
        );
        let info = info?;
        let summary = summarize(self.cluster(), connector.as_str(), Some(&info), None);
        let topics = topics
            .map(|t| t.into_values().flat_map(|a| a.topics).collect())
            .unwrap_or_default();
        Ok((summary, info.config, topics))
    }

    /// The connector's state read from a worker now, bypassing the cache.
    pub async fn fresh_state(&self, name: &ConnectorName) -> Result<ConnectorState, ConnectError> {
        let status: ConnectorStatus = self
            .get_uncached(&ConnectCall::GetStatus(name.clone()))
            .await?;
        Ok(status.connector.state)
    }

    /// A read asked of a worker now, bypassing the cache, its answer parsed as `T`.
    async fn get_uncached<T: serde::de::DeserializeOwned>(
        &self,
        call: &ConnectCall,
    ) -> Result<T, ConnectError> {
        self.answer_uncached(call).await?.json()
    }

    /// A read asked of a worker now, bypassing the cache; an error answer is an error.
    async fn answer_uncached(&self, call: &ConnectCall) -> Result<UpstreamResponse, ConnectError> {
        let response = self
            .send_uncached(&UpstreamRequest::new(call, None))
            .await?;
        if !response.status.is_success() {
            return Err(ConnectError::from_answer(&response));
        }
        Ok(response)
    }
}

/// What a list was read from: the body of Connect's answer, and how many plugins' PASSWORD keys
/// were known then.
type ReadFrom = (Bytes, usize);

/// The rows of the last connector list, with what they were read from.
#[derive(Default)]
pub(crate) struct SummaryMemo(std::sync::Mutex<Option<(ReadFrom, Arc<[ConnectorSummary]>)>>);

impl SummaryMemo {
    /// The rows read before, if they were read from `read_from`. The lock is held only to
    /// take a handle: the body is compared (by address first: the cache hands out the same
    /// bytes) and the rows copied outside it.
    fn rows_of(&self, read_from: &ReadFrom) -> Option<Vec<ConnectorSummary>> {
        let (kept_from, rows) = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()?;
        let same_body = (kept_from.0.as_ptr() == read_from.0.as_ptr()
            && kept_from.0.len() == read_from.0.len())
            || kept_from.0 == read_from.0;
        (same_body && kept_from.1 == read_from.1).then(|| rows.to_vec())
    }

    fn keep(&self, read_from: ReadFrom, rows: &[ConnectorSummary]) {
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *kept = Some((read_from, Arc::from(rows)));
    }
}
