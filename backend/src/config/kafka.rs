//! Kafka clusters as entries of their own (`[[kafka_clusters]]`): the Kafka a Connect cluster
//! runs on (`kafka = "id"` in its `[[clusters]]` table), or one that only MirrorMaker 2 flows
//! replicate to or from. A Connect cluster with inline `bootstrap_servers` keeps working: its
//! Kafka is then a Kafka cluster of the Connect cluster's own id.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::bail;
use serde::Deserialize;

use super::Cluster;

#[cfg(test)]
mod tests;

/// One `[[kafka_clusters]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaClusterFile {
    pub id: String,
    pub name: Option<String>,
    pub bootstrap_servers: String,
    /// Extra librdkafka properties (SASL, SSL).
    #[serde(default)]
    pub kafka_properties: BTreeMap<String, String>,
    /// The aliases MirrorMaker 2 flows give this cluster (`source.cluster.alias` and
    /// `target.cluster.alias`) when neither its id nor its bootstrap servers tell it.
    #[serde(default)]
    pub mirror_aliases: Vec<String>,
}

/// One Kafka cluster, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct KafkaCluster {
    pub id: String,
    pub name: String,
    pub bootstrap_servers: String,
    pub properties: BTreeMap<String, String>,
    pub mirror_aliases: Vec<String>,
}

impl KafkaCluster {
    /// Whether a MirrorMaker 2 flow's cluster `alias`, with the bootstrap servers the flow
    /// reaches it at, is this cluster: by a bootstrap server in common, or else by name (its id
    /// or one of its mirror aliases).
    pub fn answers_to(&self, alias: &str, bootstrap_servers: Option<&str>) -> bool {
        let ours = servers(&self.bootstrap_servers);
        match bootstrap_servers {
            Some(theirs) if !servers(theirs).is_disjoint(&ours) => true,
            _ => self.id == alias || self.mirror_aliases.iter().any(|a| a == alias),
        }
    }
}

/// `host:port` entries of a bootstrap list, trimmed and lowercased.
fn servers(list: &str) -> BTreeSet<String> {
    list.split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every Kafka cluster Plugboard reads, and which one each Connect cluster runs on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KafkaClusters {
    pub clusters: Vec<KafkaCluster>,
    /// Connect cluster id to the id of its Kafka cluster.
    connect: BTreeMap<String, String>,
}

impl KafkaClusters {
    /// The Kafka of each Connect cluster with inline bootstrap servers, under its own id.
    pub fn inline(connect: &[Cluster]) -> Self {
        let mut kafka = Self::default();
        for cluster in connect {
            kafka.add_inline(cluster);
        }
        kafka
    }

    /// The Kafka cluster with this id.
    pub fn get(&self, id: &str) -> Option<&KafkaCluster> {
        self.clusters.iter().find(|k| k.id == id)
    }

    /// The Kafka cluster Connect cluster `connect_id` runs on, if Plugboard reads it.
    pub fn of_connect(&self, connect_id: &str) -> Option<&KafkaCluster> {
        self.get(self.connect.get(connect_id)?)
    }

    /// Each Connect cluster's id with the id of the Kafka cluster it runs on.
    pub fn connect_ids(&self) -> impl Iterator<Item = (&str, &str)> {
        self.connect.iter().map(|(c, k)| (c.as_str(), k.as_str()))
    }

    fn add_inline(&mut self, cluster: &Cluster) {
        if let Some(servers) = &cluster.bootstrap_servers {
            self.clusters.push(KafkaCluster {
                id: cluster.id.clone(),
                name: cluster.name.clone(),
                bootstrap_servers: servers.clone(),
                properties: cluster.kafka_properties.clone(),
                mirror_aliases: Vec::new(),
            });
            self.connect.insert(cluster.id.clone(), cluster.id.clone());
        }
    }
}

/// The `[[kafka_clusters]]` tables, checked, with their secret references resolved.
pub(super) fn validate_kafka_clusters(
    files: Vec<KafkaClusterFile>,
) -> anyhow::Result<Vec<KafkaCluster>> {
    let mut clusters: Vec<KafkaCluster> = Vec::with_capacity(files.len());
    for file in files {
        let id = file.id;
        super::check_id(&id, "Kafka cluster")?;
        if clusters.iter().any(|k| k.id == id) {
            bail!("Kafka cluster id `{id}` is configured twice");
        }
        if servers(&file.bootstrap_servers).is_empty() {
            bail!("Kafka cluster `{id}` has no bootstrap_servers");
        }
        let properties =
            super::resolve_properties(file.kafka_properties, &format!("Kafka cluster `{id}`"))?;
        clusters.push(KafkaCluster {
            name: file.name.unwrap_or_else(|| id.clone()),
            id,
            bootstrap_servers: file.bootstrap_servers,
            properties,
            mirror_aliases: file.mirror_aliases,
        });
    }
    Ok(clusters)
}

/// Joins the Kafka clusters named on their own with the Connect clusters: one that names its
/// Kafka (`kafka` in `references`, by Connect cluster id) gets that cluster's bootstrap servers
/// and properties; one with inline bootstrap servers brings a Kafka cluster of its own id.
pub(super) fn attach(
    named: Vec<KafkaCluster>,
    connect: &mut [Cluster],
    references: &BTreeMap<String, String>,
) -> anyhow::Result<KafkaClusters> {
    let mut kafka = KafkaClusters {
        clusters: named,
        connect: BTreeMap::new(),
    };
    for cluster in connect.iter_mut() {
        match references.get(&cluster.id) {
            Some(kafka_id) => {
                if cluster.bootstrap_servers.is_some() || !cluster.kafka_properties.is_empty() {
                    bail!(
                        "cluster `{}` names its Kafka cluster `{kafka_id}` and also sets \
                         bootstrap_servers or kafka_properties: keep one",
                        cluster.id
                    );
                }
                let Some(named) = kafka.get(kafka_id) else {
                    bail!(
                        "cluster `{}` runs on Kafka cluster `{kafka_id}`, which no \
                         [[kafka_clusters]] table names",
                        cluster.id
                    );
                };
                cluster.bootstrap_servers = Some(named.bootstrap_servers.clone());
                cluster.kafka_properties = named.properties.clone();
                kafka.connect.insert(cluster.id.clone(), kafka_id.clone());
            }
            None if cluster.bootstrap_servers.is_some() => {
                if kafka.get(&cluster.id).is_some() {
                    bail!(
                        "cluster `{0}` has inline bootstrap_servers and a Kafka cluster is also \
                         named `{0}`: write `kafka = \"{0}\"` instead",
                        cluster.id
                    );
                }
                kafka.add_inline(cluster);
            }
            None => {}
        }
    }
    Ok(kafka)
}
