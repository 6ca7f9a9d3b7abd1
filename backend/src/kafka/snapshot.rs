//! One good reading of a cluster, and the answers derived from it: topics with their health,
//! brokers, and groups with lag per partition, per topic and in all.

pub(crate) mod health;
pub(crate) mod rates;

use std::collections::{BTreeMap, HashMap, HashSet};

use api_types::{
    Broker, GroupDetail, GroupSummary, PartitionInfo, PartitionLag, PartitionProblem, TopicDetail,
    TopicLag, TopicSummary,
};

use super::observation::{GroupMeta, Observation, TopicMeta};

/// An [`Observation`] with when it was taken and what it cost.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub observation: Observation,
    pub taken_at_ms: i64,
    pub cycle_ms: u64,
    pub requests_per_cycle: Option<u64>,
    /// Records per second committed by each group over the last minutes.
    pub consume_rates: HashMap<String, f64>,
    /// Records per second appended to each topic over the last minutes.
    pub append_rates: HashMap<String, f64>,
}

impl Snapshot {
    pub fn brokers(&self) -> Vec<Broker> {
        let mut led: HashMap<i32, u32> = HashMap::new();
        for partition in self.observation.topics.iter().flat_map(|t| &t.partitions) {
            *led.entry(partition.leader).or_default() += 1;
        }
        self.observation
            .brokers
            .iter()
            .map(|b| Broker {
                id: b.id,
                host: b.host.clone(),
                port: b.port,
                leader_of: led.get(&b.id).copied().unwrap_or(0),
            })
            .collect()
    }

    pub fn topic(&self, name: &str) -> Option<&TopicMeta> {
        self.observation.topics.iter().find(|t| t.name == name)
    }

    /// Every topic, by name.
    pub fn topic_summaries(&self) -> Vec<TopicSummary> {
        let mut topics: Vec<_> = self
            .observation
            .topics
            .iter()
            .map(|t| summarize_topic(t, &self.partitions(t)))
            .collect();
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        topics
    }

    pub fn topic_detail(&self, name: &str) -> Option<TopicDetail> {
        let topic = self.topic(name)?;
        let partitions = self.partitions(topic);
        Some(TopicDetail {
            summary: summarize_topic(topic, &partitions),
            partitions,
        })
    }

    fn partitions(&self, topic: &TopicMeta) -> Vec<PartitionInfo> {
        let live: HashSet<i32> = self.observation.brokers.iter().map(|b| b.id).collect();
        let mut partitions: Vec<_> = topic
            .partitions
            .iter()
            .map(|p| PartitionInfo {
                partition: p.id,
                leader: (p.leader >= 0).then_some(p.leader),
                replicas: p.replicas.clone(),
                isr: p.isr.clone(),
                offline_replicas: health::offline_replicas(p, &live),
                log_end: self.log_end(&topic.name, p.id),
                problems: health::problems(p, topic.min_insync_replicas),
            })
            .collect();
        partitions.sort_by_key(|p| p.partition);
        partitions
    }

    fn log_end(&self, topic: &str, partition: i32) -> Option<i64> {
        self.observation
            .log_end
            .get(&(topic.to_owned(), partition))
            .copied()
    }

    pub fn group(&self, name: &str) -> Option<&GroupMeta> {
        self.observation.groups.iter().find(|g| g.name == name)
    }

    /// Every group, by name; `connector_of` names the connector a group belongs to.
    pub fn group_summaries(&self, connector_of: &HashMap<String, String>) -> Vec<GroupSummary> {
        let mut groups: Vec<_> = self
            .observation
            .groups
            .iter()
            .map(|g| self.summarize_group(g, &self.partition_lags(g), connector_of.get(&g.name)))
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        groups
    }

    pub fn group_detail(&self, name: &str, connector: Option<&String>) -> Option<GroupDetail> {
        let group = self.group(name)?;
        let partitions = self.partition_lags(group);
        let mut topics: BTreeMap<&str, u64> = BTreeMap::new();
        for p in &partitions {
            *topics.entry(&p.topic).or_default() += p.lag.unwrap_or(0);
        }
        Some(GroupDetail {
            summary: self.summarize_group(group, &partitions, connector),
            topics: topics
                .into_iter()
                .map(|(topic, lag)| TopicLag {
                    topic: topic.to_owned(),
                    lag,
                })
                .collect(),
            partitions,
        })
    }

    /// The lag of group `name` summed over its committed partitions, if it has any.
    pub fn group_lag(&self, name: &str) -> Option<u64> {
        let group = self.group(name)?;
        (!group.committed.is_empty()).then(|| total_lag(&self.partition_lags(group)))
    }

    fn partition_lags(&self, group: &GroupMeta) -> Vec<PartitionLag> {
        let mut lags: Vec<_> = group
            .committed
            .iter()
            .map(|(topic, partition, committed)| {
                let log_end = self.log_end(topic, *partition);
                PartitionLag {
                    topic: topic.clone(),
                    partition: *partition,
                    committed: *committed,
                    log_end,
                    // A commit past the log end (records deleted, or read before the high
                    // watermark moved) counts as no lag.
                    lag: log_end.map(|end| end.saturating_sub(*committed).max(0) as u64),
                }
            })
            .collect();
        lags.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        lags
    }

    fn summarize_group(
        &self,
        group: &GroupMeta,
        partitions: &[PartitionLag],
        connector: Option<&String>,
    ) -> GroupSummary {
        let lag = total_lag(partitions);
        let consume_rate = self.consume_rates.get(&group.name).copied();
        let mut topics: Vec<String> = partitions.iter().map(|p| p.topic.clone()).collect();
        topics.dedup();
        GroupSummary {
            name: group.name.clone(),
            state: group.state.clone(),
            topics,
            partitions: u32::try_from(partitions.len()).unwrap_or(u32::MAX),
            lag,
            consume_rate,
            time_lag_seconds: match consume_rate {
                _ if lag == 0 => Some(0.0),
                Some(rate) if rate > 0.0 => Some(lag as f64 / rate),
                _ => None,
            },
            connector: connector.cloned(),
        }
    }
}

fn total_lag(partitions: &[PartitionLag]) -> u64 {
    partitions.iter().filter_map(|p| p.lag).sum()
}

fn summarize_topic(topic: &TopicMeta, partitions: &[PartitionInfo]) -> TopicSummary {
    let count = |problem| {
        let n = partitions
            .iter()
            .filter(|p| p.problems.contains(&problem))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    TopicSummary {
        name: topic.name.clone(),
        internal: topic.name.starts_with("__"),
        partitions: u32::try_from(partitions.len()).unwrap_or(u32::MAX),
        replication_factor: partitions
            .iter()
            .map(|p| u32::try_from(p.replicas.len()).unwrap_or(u32::MAX))
            .max()
            .unwrap_or(0),
        min_insync_replicas: topic.min_insync_replicas,
        under_replicated: count(PartitionProblem::UnderReplicated),
        under_min_isr: count(PartitionProblem::UnderMinIsr),
        offline: count(PartitionProblem::Offline),
        log_end_total: partitions.iter().filter_map(|p| p.log_end).sum(),
    }
}
