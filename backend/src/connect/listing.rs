//! Reading connectors: the whole list in one call per cluster, and one connector in detail.

use std::collections::BTreeMap;

use api_types::{ConnectorDetail, ConnectorSummary};
use axum::http::Method;
use serde::Deserialize;

use super::model::{ConnectorInfo, ConnectorStatus, ExpandedConnector, summarize};
use super::{ClusterClient, paths};
use crate::error::ApiError;

/// `GET /connectors/{name}/topics`: `{"name": {"topics": [...]}}`.
#[derive(Deserialize)]
struct ActiveTopics {
    topics: Vec<String>,
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
    pub async fn connector_summaries(
        &self,
        freshness: Freshness,
    ) -> Result<Vec<ConnectorSummary>, ApiError> {
        let expanded = self.expanded_connectors(freshness).await?;
        let mut summaries: Vec<_> = expanded
            .iter()
            .map(|(name, c)| summarize(self.cluster(), name, c.info.as_ref(), c.status.as_ref()))
            .collect();
        summaries.sort_by(|a, b| a.health.cmp(&b.health).then_with(|| a.name.cmp(&b.name)));
        Ok(summaries)
    }

    /// The status of every connector that has one, from the same (cached) call as the list.
    pub async fn connector_statuses(&self) -> Result<BTreeMap<String, ConnectorStatus>, ApiError> {
        let expanded = self.expanded_connectors(Freshness::Cached).await?;
        Ok(expanded
            .into_iter()
            .filter_map(|(name, c)| c.status.map(|status| (name, status)))
            .collect())
    }

    async fn expanded_connectors(
        &self,
        freshness: Freshness,
    ) -> Result<BTreeMap<String, ExpandedConnector>, ApiError> {
        let path = "/connectors?expand=status&expand=info".to_owned();
        match freshness {
            Freshness::Cached => self.get_json(path).await,
            Freshness::Now => {
                let request = super::UpstreamRequest {
                    method: Method::GET,
                    path,
                    body: None,
                };
                let response = self.send_uncached(&request).await?;
                if !response.status.is_success() {
                    return Err(ApiError::from_connect(&response));
                }
                response.json()
            }
        }
    }

    /// Config, tasks with traces, topics and offsets of one connector, asked at once.
    pub async fn connector_detail(&self, name: &str) -> Result<ConnectorDetail, ApiError> {
        let (info, status, topics, offsets) = tokio::join!(
            self.get_json::<ConnectorInfo>(paths::connector(name, &[])),
            self.get_json::<ConnectorStatus>(paths::connector(name, &["status"])),
            self.get_json::<BTreeMap<String, ActiveTopics>>(paths::connector(name, &["topics"])),
            self.get_json::<serde_json::Value>(paths::connector(name, &["offsets"])),
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
        name: &str,
    ) -> Result<(ConnectorSummary, BTreeMap<String, String>, Vec<String>), ApiError> {
        let (info, topics) = tokio::join!(
            self.get_json::<ConnectorInfo>(paths::connector(name, &[])),
            self.get_json::<BTreeMap<String, ActiveTopics>>(paths::connector(name, &["topics"])),
        );
        let info = info?;
        let summary = summarize(self.cluster(), name, Some(&info), None);
        let topics = topics
            .map(|t| t.into_values().flat_map(|a| a.topics).collect())
            .unwrap_or_default();
        Ok((summary, info.config, topics))
    }

    /// The connector's state read from a worker now, bypassing the cache.
    pub async fn fresh_state(&self, name: &str) -> Result<String, ApiError> {
        let request = super::UpstreamRequest {
            method: Method::GET,
            path: paths::connector(name, &["status"]),
            body: None,
        };
        let response = self.send_uncached(&request).await?;
        if !response.status.is_success() {
            return Err(ApiError::from_connect(&response));
        }
        Ok(response.json::<ConnectorStatus>()?.connector.state)
    }
}
