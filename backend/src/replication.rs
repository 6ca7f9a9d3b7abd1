//! MirrorMaker 2 replication: the flows the Connect clusters run (found by connector class),
//! their ends matched to the configured Kafka clusters, and how far each replicated partition
//! is, from the Kafka snapshots Plugboard already takes and the offsets the flow's source
//! connector stored in Connect. Each Connect cluster's flows are worked out at most once per
//! cache period ([`FlowCache`]), whatever the number of viewers and the alert round.
//!
//! - [`flows`]: which connectors make up which flow.
//! - [`topics`]: the topics a flow replicates, and their lag per partition.
//! - [`groups`]: the groups a flow checkpoints, as they would fail over to the target.
//! - [`liveness`]: the newest heartbeats and checkpoints the target holds.
//! - [`failover`]: a group set to its checkpoints on the target.
//! - [`draft`]: a flow's three connectors built from the console's form.

pub(crate) mod draft;
pub(crate) mod failover;
pub(crate) mod flows;
pub(crate) mod groups;
pub(crate) mod liveness;
pub(crate) mod topics;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use api_types::{
    ClusterFailure, FlowConnector, FlowEnd, KafkaClusterRef, Replication, ReplicationFlow,
};
use futures::future::join_all;
use plugboard_connect::{ClusterClient, Clusters, ConnectCall, ConnectorName, Freshness};
use serde::Deserialize;

use crate::config::KafkaClusters;
use crate::kafka::KafkaMonitors;
use flows::FoundFlow;
use topics::TopicFilter;

/// The next source offset to replicate, by (topic, partition), of one source connector.
type Replicated = BTreeMap<(String, i32), i64>;

/// A Connect cluster's flows, or why its connectors could not be listed.
type ClusterFlows = Result<Vec<ReplicationFlow>, String>;

/// A Connect cluster's flows as last worked out, with when.
type CachedFlows = Arc<tokio::sync::Mutex<Option<(Instant, ClusterFlows)>>>;

/// Each Connect cluster's flows as last worked out. Whoever asks while a cluster's flows are
/// being worked out waits for them, so viewers and the alert round at once share one
/// working-out (and one round of stored-offset calls) per period; each cluster has a lock of
/// its own, so a slow Connect cluster holds back only its own flows. Cheap to clone; one entry
/// per configured cluster at most.
#[derive(Clone, Default)]
pub struct FlowCache(Arc<std::sync::Mutex<HashMap<String, CachedFlows>>>);

impl FlowCache {
    /// `cluster`'s flows, worked out by `work` when older than `ttl`.
    async fn of<F: Future<Output = ClusterFlows>>(
        &self,
        cluster: &str,
        ttl: Duration,
        work: impl FnOnce() -> F,
    ) -> ClusterFlows {
        let entry = self
            .0
            .lock()
            .expect("never poisoned: no panics under the lock")
            .entry(cluster.to_owned())
            .or_default()
            .clone();
        let mut cached = entry.lock().await;
        if let Some((at, flows)) = cached.as_ref()
            && at.elapsed() < ttl
        {
            return flows.clone();
        }
        let flows = work().await;
        *cached = Some((Instant::now(), flows.clone()));
        flows
    }
}

/// `GET /connectors/{c}/offsets` of a MirrorSourceConnector: per source partition
/// (`{"cluster", "topic", "partition"}`) the last source offset replicated.
#[derive(Deserialize)]
struct StoredOffsets {
    offsets: Vec<StoredOffset>,
}

#[derive(Deserialize)]
struct StoredOffset {
    partition: SourcePartition,
    offset: SourceOffset,
}

#[derive(Deserialize)]
struct SourcePartition {
    topic: String,
    partition: i32,
}

#[derive(Deserialize)]
struct SourceOffset {
    offset: i64,
}

async fn asked(client: &ClusterClient, name: ConnectorName) -> Option<Replicated> {
    let stored: StoredOffsets = client.get_json(ConnectCall::GetOffsets(name)).await.ok()?;
    Some(
        stored
            .offsets
            .into_iter()
            .map(|o| {
                (
                    (o.partition.topic, o.partition.partition),
                    o.offset.offset + 1,
                )
            })
            .collect(),
    )
}

/// What the flows are worked out from: the Connect clusters, the configured Kafka clusters and
/// their snapshots, and the flows last worked out (kept `ttl`).
pub(crate) struct Sources<'a> {
    pub clusters: &'a Clusters,
    pub kafka: &'a KafkaClusters,
    pub snapshots: &'a KafkaMonitors,
    pub cache: &'a FlowCache,
    pub ttl: Duration,
}

/// Every flow on the Connect clusters `visible` says yes to.
pub(crate) async fn replication(
    state: &Sources<'_>,
    visible: impl Fn(&str) -> bool,
) -> Replication {
    let mut flows = Vec::new();
    let mut unreachable = Vec::new();
    for client in state.clusters.all().iter().filter(|c| visible(c.id())) {
        let work = || cluster_flows(state, client);
        match state.cache.of(client.id(), state.ttl, work).await {
            Ok(found) => flows.extend(found),
            Err(message) => unreachable.push(ClusterFailure {
                cluster: client.id().to_owned(),
                message,
            }),
        }
    }
    Replication {
        flows,
        unreachable,
        now_ms: crate::clock::now_ms(),
        kafka_clusters: state
            .kafka
            .clusters
            .iter()
            .map(|k| KafkaClusterRef {
                id: k.id.clone(),
                name: k.name.clone(),
                alias: k.mirror_aliases.first().unwrap_or(&k.id).clone(),
            })
            .collect(),
    }
}

/// One Connect cluster's flows, from its cached connector list; each flow's stored offsets are
/// asked at once, not one after another.
async fn cluster_flows(state: &Sources<'_>, client: &ClusterClient) -> ClusterFlows {
    let summaries = client.connector_summaries(Freshness::Cached).await;
    let live = client.live_connectors(Freshness::Cached).await;
    let (summaries, live) = summaries
        .and_then(|s| Ok((s, live?)))
        .map_err(|e| e.to_string())?;
    let configs = live.into_iter().map(|(n, c)| (n, c.config)).collect();
    let found = flows::find_flows(&summaries, &configs);
    Ok(join_all(found.into_iter().map(|f| flow(state, client, f))).await)
}

async fn flow(state: &Sources<'_>, client: &ClusterClient, found: FoundFlow) -> ReplicationFlow {
    let kafka = state.kafka;
    let source = end(kafka, &found.source_alias, found.source_servers.as_deref());
    let target = end(kafka, &found.target_alias, found.target_servers.as_deref());
    let mut notes = Vec::new();
    let snapshot_of = |end: &FlowEnd| {
        let view = state.snapshots.kafka_view(end.kafka.as_deref()?)?;
        view.snapshot.clone()
    };
    let (source_snapshot, target_snapshot) = (snapshot_of(&source), snapshot_of(&target));
    let replicated = match found.source_connector.as_deref().map(ConnectorName::new) {
        Some(Ok(name)) => asked(client, name).await.unwrap_or_default(),
        _ => Replicated::new(),
    };
    let topics = match (TopicFilter::of(&found), &source_snapshot) {
        // Heartbeats only (as a dedicated MirrorMaker 2 runs for every pair): no topics.
        _ if found.source_connector.is_none() => Vec::new(),
        (Err(why), _) => {
            notes.push(why);
            Vec::new()
        }
        (Ok(_), None) => {
            notes.push(unread(&source, "source"));
            Vec::new()
        }
        (Ok(filter), Some(snapshot)) => topics::replicated_topics(
            &found,
            &filter,
            snapshot,
            target_snapshot.as_deref(),
            &replicated,
        ),
    };
    let groups = match &source_snapshot {
        Some(snapshot) => groups::failovers(&found, &topics, snapshot, target_snapshot.as_deref())
            .unwrap_or_else(|why| {
                notes.push(why);
                Vec::new()
            }),
        None => Vec::new(),
    };
    let heartbeats = liveness::heartbeats(&found, target_snapshot.as_deref());
    let newest_checkpoint_ms = liveness::newest_checkpoint(&found, target_snapshot.as_deref());
    if source_snapshot.is_some() && target_snapshot.is_none() {
        notes.push(unread(&target, "target"));
    }
    ReplicationFlow {
        connect_cluster: client.id().to_owned(),
        connectors: found
            .connectors
            .into_iter()
            .map(|(role, summary)| FlowConnector {
                role,
                name: summary.name,
                state: summary.state,
                health: summary.health,
                tasks: summary.tasks,
            })
            .collect(),
        topics_pattern: found.topics,
        groups_pattern: found.groups,
        topics_exclude: found.topics_exclude,
        groups_exclude: found.groups_exclude,
        sync_group_offsets: found.sync_group_offsets,
        source,
        target,
        topics,
        groups,
        heartbeats,
        newest_checkpoint_ms,
        notes,
    }
}

/// The configured Kafka cluster a flow's `alias` at `servers` is, if any.
fn end(kafka: &KafkaClusters, alias: &str, servers: Option<&str>) -> FlowEnd {
    FlowEnd {
        alias: alias.to_owned(),
        kafka: kafka
            .clusters
            .iter()
            .find(|k| k.answers_to(alias, servers))
            .map(|k| k.id.clone()),
    }
}

/// Why one end's Kafka cannot be read.
fn unread(end: &FlowEnd, which: &str) -> String {
    match &end.kafka {
        Some(id) => format!("the {which} Kafka cluster `{id}` has not been read yet"),
        None => format!(
            "the {which} cluster `{}` is none of Plugboard's Kafka clusters (name it in \
             [[kafka_clusters]], with its alias in mirror_aliases if its servers differ)",
            end.alias
        ),
    }
}
