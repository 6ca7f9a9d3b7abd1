//! Which connectors of a Connect cluster make up which MirrorMaker 2 flow: each connector of
//! one of MirrorMaker 2's three classes belongs to the flow of its (source alias, target
//! alias) pair, read from its config with MirrorMaker 2's own defaults.

use std::collections::BTreeMap;

use api_types::{ConnectorSummary, MirrorRole};

/// One flow's connectors on one Connect cluster, and what their configs say of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FoundFlow {
    pub source_alias: String,
    pub target_alias: String,
    pub source_servers: Option<String>,
    pub target_servers: Option<String>,
    /// The connectors, by role then name.
    pub connectors: Vec<(MirrorRole, ConnectorSummary)>,
    /// The source connector's `topics` and `topics.exclude`, as written (`None`: the default).
    pub topics: Option<String>,
    pub topics_exclude: Option<String>,
    pub groups: Option<String>,
    pub groups_exclude: Option<String>,
    /// The checkpoint connector's `sync.group.offsets.enabled`.
    pub sync_group_offsets: bool,
    pub naming: RemoteNaming,
    /// The source connector's name, whose stored offsets say what was replicated.
    pub source_connector: Option<String>,
}

impl FoundFlow {
    /// A flow between two aliases with no connectors and no settings yet.
    pub(crate) fn new(source_alias: String, target_alias: String, naming: RemoteNaming) -> Self {
        Self {
            source_alias,
            target_alias,
            source_servers: None,
            target_servers: None,
            connectors: Vec::new(),
            topics: None,
            topics_exclude: None,
            groups: None,
            groups_exclude: None,
            sync_group_offsets: false,
            naming,
            source_connector: None,
        }
    }
}

/// How a topic is named on the target (`replication.policy.class`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RemoteNaming {
    /// `DefaultReplicationPolicy`: the source alias, the separator, the topic.
    Prefixed { separator: String },
    /// `IdentityReplicationPolicy`: the same name.
    Identity,
}

impl RemoteNaming {
    fn of(config: &BTreeMap<String, String>) -> Self {
        let class = config
            .get("replication.policy.class")
            .map_or("", String::as_str);
        if class.ends_with("IdentityReplicationPolicy") {
            Self::Identity
        } else {
            Self::Prefixed {
                separator: config
                    .get("replication.policy.separator")
                    .cloned()
                    .unwrap_or_else(|| ".".to_owned()),
            }
        }
    }

    /// The name `topic` of cluster `source_alias` has on the target.
    pub(crate) fn remote(&self, source_alias: &str, topic: &str) -> String {
        match self {
            Self::Prefixed { separator } => format!("{source_alias}{separator}{topic}"),
            Self::Identity => topic.to_owned(),
        }
    }

    fn separator(&self) -> &str {
        match self {
            Self::Prefixed { separator } => separator,
            Self::Identity => ".",
        }
    }

    /// The name of `source_alias`'s heartbeats topic on the target: prefixed under every
    /// policy, the identity one too (so heartbeats never replicate in a cycle).
    pub(crate) fn remote_heartbeats(&self, source_alias: &str) -> String {
        format!("{source_alias}{}heartbeats", self.separator())
    }

    /// The name of the topic on the target where the checkpoints of `source_alias`'s groups
    /// are written.
    pub(crate) fn checkpoints_topic(&self, source_alias: &str) -> String {
        let separator = self.separator();
        format!("{source_alias}{separator}checkpoints{separator}internal")
    }
}

/// Groups the MirrorMaker 2 connectors among `connectors` (with each one's live config) into
/// flows, ordered by their aliases.
pub(crate) fn find_flows(
    connectors: &[ConnectorSummary],
    configs: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<FoundFlow> {
    let mut flows: BTreeMap<(String, String), FoundFlow> = BTreeMap::new();
    for summary in connectors {
        let Some(role) = MirrorRole::of_class(&summary.class) else {
            continue;
        };
        let empty = BTreeMap::new();
        let config = configs.get(&summary.name).unwrap_or(&empty);
        let setting = |key: &str| config.get(key).cloned();
        // MirrorMaker 2's defaults when the config names no alias.
        let source_alias = setting("source.cluster.alias").unwrap_or_else(|| "source".into());
        let target_alias = setting("target.cluster.alias").unwrap_or_else(|| "target".into());
        let flow = flows
            .entry((source_alias.clone(), target_alias.clone()))
            .or_insert_with(|| {
                FoundFlow::new(source_alias, target_alias, RemoteNaming::of(config))
            });
        flow.source_servers = flow
            .source_servers
            .take()
            .or_else(|| setting("source.cluster.bootstrap.servers"));
        flow.target_servers = flow
            .target_servers
            .take()
            .or_else(|| setting("target.cluster.bootstrap.servers"));
        match role {
            MirrorRole::Source => {
                flow.topics = setting("topics");
                flow.topics_exclude = setting("topics.exclude");
                flow.naming = RemoteNaming::of(config);
                flow.source_connector = Some(summary.name.clone());
            }
            MirrorRole::Checkpoint => {
                flow.groups = setting("groups");
                flow.groups_exclude = setting("groups.exclude");
                flow.sync_group_offsets = setting("sync.group.offsets.enabled")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            }
            MirrorRole::Heartbeat => {}
        }
        flow.connectors.push((role, summary.clone()));
    }
    let mut found: Vec<FoundFlow> = flows.into_values().collect();
    for flow in &mut found {
        flow.connectors
            .sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    }
    found
}

#[cfg(test)]
pub(crate) mod tests;
