//! The topics a flow replicates and how far each partition is, from the snapshots Plugboard
//! already takes of the source and the target Kafka, and the offsets the flow's source
//! connector stored in Connect (the next source offset it has to replicate, per partition).

use std::collections::BTreeMap;

use api_types::{PartitionReplication, ReplicatedTopic};
use regex::Regex;

use super::flows::{FoundFlow, RemoteNaming};
use crate::kafka::Snapshot;

/// MirrorMaker 2's default `topics.exclude`.
const DEFAULT_EXCLUDE: &str = r".*[\-\.]internal, .*\.replica, __.*";

/// Names chosen by a list of regular expressions to include and one to exclude, each matching
/// the whole name, as MirrorMaker 2 chooses topics (`topics`, `topics.exclude`) and groups
/// (`groups`, `groups.exclude`). Rust's regular expressions, not Java's: the usual patterns
/// read the same.
pub(super) struct NameFilter {
    include: Vec<Regex>,
    exclude: Vec<Regex>,
}

impl NameFilter {
    /// `include` (every name when absent) less `exclude` (`default_exclude` when absent), or
    /// why a pattern does not compile.
    pub(super) fn new(
        include: Option<&str>,
        exclude: Option<&str>,
        default_exclude: &str,
    ) -> Result<Self, String> {
        Ok(Self {
            include: patterns(include.unwrap_or(".*"))?,
            exclude: patterns(exclude.unwrap_or(default_exclude))?,
        })
    }

    pub(super) fn chooses(&self, name: &str) -> bool {
        self.include.iter().any(|r| r.is_match(name))
            && !self.exclude.iter().any(|r| r.is_match(name))
    }
}

fn patterns(list: &str) -> Result<Vec<Regex>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            Regex::new(&format!("^(?:{p})$"))
                .map_err(|e| format!("the pattern `{p}` is not understood: {e}"))
        })
        .collect()
}

/// Which topic names a flow replicates: its `topics` less its `topics.exclude`, and never a
/// topic that came from the target itself (MirrorMaker 2's cycle detection).
pub(crate) struct TopicFilter {
    names: NameFilter,
    from_target: String,
}

impl TopicFilter {
    /// The flow's filter, or why a pattern does not compile.
    pub(crate) fn of(flow: &FoundFlow) -> Result<Self, String> {
        let names = NameFilter::new(
            flow.topics.as_deref(),
            flow.topics_exclude.as_deref(),
            DEFAULT_EXCLUDE,
        )?;
        let from_target = match &flow.naming {
            RemoteNaming::Prefixed { .. } => flow.naming.remote(&flow.target_alias, ""),
            RemoteNaming::Identity => String::new(),
        };
        Ok(Self { names, from_target })
    }

    pub(crate) fn replicates(&self, topic: &str) -> bool {
        self.names.chooses(topic)
            && (self.from_target.is_empty() || !topic.starts_with(&self.from_target))
    }
}

/// The flow's topics as the source snapshot lists them, each partition with the source's and
/// the target's log-end offsets and `replicated` (the next offset to replicate, by topic and
/// partition).
pub(crate) fn replicated_topics(
    flow: &FoundFlow,
    filter: &TopicFilter,
    source: &Snapshot,
    target: Option<&Snapshot>,
    replicated: &BTreeMap<(String, i32), i64>,
) -> Vec<ReplicatedTopic> {
    let mut topics: Vec<ReplicatedTopic> = source
        .observation
        .topics
        .iter()
        .filter(|t| filter.replicates(&t.name))
        .map(|t| {
            let remote = flow.naming.remote(&flow.source_alias, &t.name);
            let log_end = |snapshot: &Snapshot, name: &str, partition: i32| {
                let key = (name.to_owned(), partition);
                snapshot.observation.log_end.get(&key).copied()
            };
            let mut partitions: Vec<PartitionReplication> = t
                .partitions
                .iter()
                .map(|p| {
                    let source_end = log_end(source, &t.name, p.id);
                    let replicated_to = replicated.get(&(t.name.clone(), p.id)).copied();
                    PartitionReplication {
                        partition: p.id,
                        source_end,
                        target_end: target.and_then(|s| log_end(s, &remote, p.id)),
                        replicated_to,
                        lag: partition_lag(source_end, replicated_to),
                    }
                })
                .collect();
            partitions.sort_by_key(|p| p.partition);
            let known: Vec<u64> = partitions.iter().filter_map(|p| p.lag).collect();
            ReplicatedTopic {
                on_target: target.map(|s| s.topic(&remote).is_some()),
                records_per_second: target.and_then(|s| s.append_rates.get(&remote).copied()),
                topic: t.name.clone(),
                remote,
                lag: (!known.is_empty()).then(|| known.iter().sum()),
                partitions,
            }
        })
        .collect();
    topics.sort_by(|a, b| a.topic.cmp(&b.topic));
    topics
}

/// Records written and not yet replicated; an empty partition has none to replicate.
fn partition_lag(source_end: Option<i64>, replicated_to: Option<i64>) -> Option<u64> {
    match (source_end, replicated_to) {
        (Some(end), Some(to)) => Some(u64::try_from(end - to).unwrap_or(0)),
        (Some(0), None) => Some(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
