//! A flow drafted from the console's form: the three connectors' configs built from the two
//! configured Kafka clusters (their servers and client settings, secrets too, which never leave
//! the server) over the live configs of connectors that already exist (so settings the form does
//! not show are kept). Connect validates and stores them as any connector's.

use std::collections::BTreeMap;

use api_types::{FlowDraft, MirrorRole};

use crate::config::KafkaCluster;

/// MirrorMaker 2's connector classes' package.
const PACKAGE: &str = "org.apache.kafka.connect.mirror";
/// The converter that passes records through unchanged, as MirrorMaker 2 needs.
const BYTES: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";

/// One connector of a drafted flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drafted {
    pub role: MirrorRole,
    pub name: String,
    pub class: String,
    pub config: BTreeMap<String, String>,
}

/// The two Kafka clusters a draft names, and the one the Connect cluster runs on (when known).
pub(crate) struct Ends<'a> {
    pub source: &'a KafkaCluster,
    pub target: &'a KafkaCluster,
    pub connect_runs_on: Option<&'a KafkaCluster>,
}

/// The three connectors of `draft`, each over its `live` config when it exists, with notes of
/// what was added on the draft's behalf.
pub(crate) fn build(
    draft: &FlowDraft,
    ends: &Ends<'_>,
    live: &BTreeMap<String, BTreeMap<String, String>>,
) -> (Vec<Drafted>, Vec<String>) {
    let mut notes = Vec::new();
    let mut common = BTreeMap::new();
    let mut set = |key: &str, value: &str| common.insert(key.to_owned(), value.to_owned());
    set("source.cluster.alias", &draft.source_alias);
    set("target.cluster.alias", &draft.target_alias);
    set("key.converter", BYTES);
    set("value.converter", BYTES);
    for (side, kafka) in [("source", ends.source), ("target", ends.target)] {
        set(
            &format!("{side}.cluster.bootstrap.servers"),
            &kafka.bootstrap_servers,
        );
        for (key, value) in &kafka.properties {
            set(&format!("{side}.cluster.{key}"), value);
        }
    }
    // A connector writes through its worker's producer, to the Connect cluster's own Kafka.
    if ends.connect_runs_on.is_some_and(|k| k.id != ends.target.id) {
        set(
            "producer.override.bootstrap.servers",
            &ends.target.bootstrap_servers,
        );
        for (key, value) in &ends.target.properties {
            set(&format!("producer.override.{key}"), value);
        }
        notes.push(format!(
            "the Connect cluster runs on another Kafka than the target `{}`: its producer is \
             pointed at the target (producer.override.*, which the workers' client override \
             policy must allow)",
            ends.target.id
        ));
    }
    let factor = draft.replication_factor.map(|f| f.to_string());
    let roles = [
        (MirrorRole::Source, "source", "MirrorSourceConnector"),
        (
            MirrorRole::Checkpoint,
            "checkpoint",
            "MirrorCheckpointConnector",
        ),
        (
            MirrorRole::Heartbeat,
            "heartbeat",
            "MirrorHeartbeatConnector",
        ),
    ];
    let drafted = roles
        .into_iter()
        .map(|(role, suffix, class)| {
            let name = format!("{}-{suffix}", draft.name);
            let class = format!("{PACKAGE}.{class}");
            let mut config = live.get(&name).cloned().unwrap_or_default();
            config.extend(common.clone());
            config.insert("connector.class".into(), class.clone());
            config.insert("name".into(), name.clone());
            let mut own = |key: &str, value: Option<&str>| match value {
                Some(value) => config.insert(key.to_owned(), value.to_owned()),
                None => config.remove(key),
            };
            match role {
                MirrorRole::Source => {
                    own("topics", Some(&draft.topics));
                    own("topics.exclude", written(&draft.topics_exclude));
                    if let Some(factor) = &factor {
                        own("replication.factor", Some(factor));
                        own("offset-syncs.topic.replication.factor", Some(factor));
                    }
                }
                MirrorRole::Checkpoint => {
                    own("groups", Some(&draft.groups));
                    own("groups.exclude", written(&draft.groups_exclude));
                    let sync = draft.sync_group_offsets.to_string();
                    own("sync.group.offsets.enabled", Some(&sync));
                    if let Some(factor) = &factor {
                        own("checkpoints.topic.replication.factor", Some(factor));
                    }
                }
                MirrorRole::Heartbeat => {
                    if let Some(factor) = &factor {
                        own("heartbeats.topic.replication.factor", Some(factor));
                    }
                }
            }
            Drafted {
                role,
                name,
                class,
                config,
            }
        })
        .collect();
    (drafted, notes)
}

/// An optional field of the form, none when left empty.
fn written(field: &Option<String>) -> Option<&str> {
    field.as_deref().filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests;
