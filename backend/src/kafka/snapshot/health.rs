//! Replication health of a partition: offline (no leader), under min ISR, under-replicated.

use std::collections::HashSet;

use api_types::PartitionProblem;

use crate::kafka::observation::PartitionMeta;

/// What is wrong with `partition`, worst first; empty when it is healthy. `min_isr` is the
/// topic's `min.insync.replicas` when known.
pub(crate) fn problems(partition: &PartitionMeta, min_isr: Option<u32>) -> Vec<PartitionProblem> {
    let mut problems = Vec::new();
    if partition.leader < 0 {
        problems.push(PartitionProblem::Offline);
    }
    let isr = partition.isr.len();
    if min_isr.is_some_and(|min| isr < min as usize) {
        problems.push(PartitionProblem::UnderMinIsr);
    }
    if isr < partition.replicas.len() {
        problems.push(PartitionProblem::UnderReplicated);
    }
    problems
}

/// Replicas placed on brokers that the metadata does not list (down or gone).
pub(crate) fn offline_replicas(partition: &PartitionMeta, live_brokers: &HashSet<i32>) -> Vec<i32> {
    partition
        .replicas
        .iter()
        .copied()
        .filter(|r| !live_brokers.contains(r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // A fake partition: the local broker (tansu) always reports replicas == ISR with a leader,
    // so these states can only be built by hand.
    fn partition(leader: i32, replicas: &[i32], isr: &[i32]) -> PartitionMeta {
        PartitionMeta {
            id: 0,
            leader,
            replicas: replicas.to_vec(),
            isr: isr.to_vec(),
        }
    }

    #[test]
    fn a_full_isr_with_a_leader_is_healthy() {
        assert!(problems(&partition(1, &[1, 2, 3], &[1, 2, 3]), Some(2)).is_empty());
    }

    #[test]
    fn three_replicas_one_in_sync_and_min_isr_two_is_under_min_isr_and_under_replicated() {
        let found = problems(&partition(1, &[1, 2, 3], &[1]), Some(2));
        assert_eq!(
            found,
            [
                PartitionProblem::UnderMinIsr,
                PartitionProblem::UnderReplicated
            ]
        );
    }

    #[test]
    fn a_partition_without_a_leader_is_offline() {
        let found = problems(&partition(-1, &[1, 2, 3], &[]), Some(2));
        assert_eq!(found[0], PartitionProblem::Offline);
    }

    #[test]
    fn an_unknown_min_isr_only_judges_replication() {
        let found = problems(&partition(1, &[1, 2], &[1]), None);
        assert_eq!(found, [PartitionProblem::UnderReplicated]);
    }

    #[test]
    fn replicas_on_brokers_missing_from_the_metadata_are_offline_replicas() {
        let live = HashSet::from([1, 3]);
        assert_eq!(
            offline_replicas(&partition(1, &[1, 2, 3], &[1, 3]), &live),
            [2]
        );
    }
}
