//! Each consumer group a flow checkpoints, as it would fail over to the target now: its
//! committed offsets on the source, those MirrorMaker 2 translated and synced to the same group
//! on the target (`sync.group.offsets.enabled`), and its newest checkpoints (which a failover
//! sets whether or not they were synced), from the snapshots of both clusters.

use api_types::{GroupFailover, MirrorRole, PartitionFailover, ReplicatedTopic};

use super::flows::FoundFlow;
use super::liveness;
use super::topics::NameFilter;
use crate::kafka::Snapshot;

/// MirrorMaker 2's default `groups.exclude`.
const DEFAULT_EXCLUDE: &str = "console-consumer-.*, connect-.*, __.*";

/// The groups of `source` the flow's checkpoint connector covers that committed offsets of
/// its replicated `topics`, or why its group patterns are not understood.
pub(crate) fn failovers(
    flow: &FoundFlow,
    topics: &[ReplicatedTopic],
    source: &Snapshot,
    target: Option<&Snapshot>,
) -> Result<Vec<GroupFailover>, String> {
    if !flow
        .connectors
        .iter()
        .any(|(r, _)| *r == MirrorRole::Checkpoint)
    {
        return Ok(Vec::new());
    }
    let covered = NameFilter::new(
        flow.groups.as_deref(),
        flow.groups_exclude.as_deref(),
        DEFAULT_EXCLUDE,
    )?;
    let mut groups: Vec<GroupFailover> = source
        .observation
        .groups
        .iter()
        .filter(|g| covered.chooses(&g.name))
        .filter_map(|group| {
            let on_target = target.and_then(|t| t.group(&group.name));
            let partitions: Vec<PartitionFailover> = group
                .committed
                .iter()
                .filter_map(|(topic, partition, committed)| {
                    let replicated = topics.iter().find(|t| &t.topic == topic)?;
                    let target_end = replicated
                        .partitions
                        .iter()
                        .find(|p| p.partition == *partition)
                        .and_then(|p| p.target_end);
                    let translated = on_target.and_then(|g| {
                        g.committed
                            .iter()
                            .find(|(t, p, _)| *t == replicated.remote && p == partition)
                            .map(|(_, _, offset)| *offset)
                    });
                    let checkpoint = liveness::checkpoint(
                        flow,
                        target,
                        &group.name,
                        &replicated.remote,
                        *partition,
                    );
                    let resumes_at = translated.or(checkpoint.map(|c| c.downstream));
                    Some(PartitionFailover {
                        topic: topic.clone(),
                        remote: replicated.remote.clone(),
                        partition: *partition,
                        source_committed: *committed,
                        translated,
                        checkpoint,
                        target_lag: target_end
                            .zip(resumes_at)
                            .map(|(end, at)| u64::try_from(end - at).unwrap_or(0)),
                    })
                })
                .collect();
            if partitions.is_empty() {
                return None;
            }
            let known: Vec<u64> = partitions.iter().filter_map(|p| p.target_lag).collect();
            Some(GroupFailover {
                group: group.name.clone(),
                target_lag: (!known.is_empty()).then(|| known.iter().sum()),
                target_state: on_target.map(|g| g.state.clone()),
                newest_checkpoint_ms: partitions
                    .iter()
                    .filter_map(|p| p.checkpoint.map(|c| c.written_ms))
                    .max(),
                partitions,
            })
        })
        .collect();
    groups.sort_by(|a, b| a.group.cmp(&b.group));
    Ok(groups)
}

#[cfg(test)]
mod tests;
