//! Unit tests of a failover's plan: the offsets set, and when it is refused.

use api_types::{CheckpointedOffset, GroupFailover, PartitionFailover};

use super::plan;

fn partition(
    partition: i32,
    synced: Option<i64>,
    checkpoint: Option<(i64, i64)>,
) -> PartitionFailover {
    PartitionFailover {
        topic: "orders".into(),
        remote: "east.orders".into(),
        partition,
        source_committed: 100,
        translated: synced,
        checkpoint: checkpoint.map(|(upstream, downstream)| CheckpointedOffset {
            upstream,
            downstream,
            written_ms: 1,
        }),
        target_lag: None,
    }
}

fn group(state: Option<&str>, partitions: Vec<PartitionFailover>) -> GroupFailover {
    GroupFailover {
        group: "billing".into(),
        partitions,
        target_lag: None,
        newest_checkpoint_ms: Some(1),
        target_state: state.map(str::to_owned),
    }
}

#[test]
fn each_checkpointed_partition_is_set_to_its_checkpoint_and_the_rest_left_alone() {
    let billing = group(
        Some("Empty"),
        vec![
            partition(0, Some(120), Some((100, 95))),
            partition(1, None, None),
        ],
    );
    let report = plan(&billing, "dr", true);
    assert_eq!(report.target_kafka, "dr");
    let set: Vec<(i32, Option<i64>, i64, i64)> = report
        .offsets
        .iter()
        .map(|o| (o.partition, o.before, o.offset, o.upstream))
        .collect();
    assert_eq!(set, [(0, Some(120), 95, 100)]);
    assert_eq!(report.untranslated, ["east.orders-1"]);
    assert_eq!(report.blocked, None);
    // A group not on the target yet is failed over too.
    assert_eq!(
        plan(&group(None, billing.partitions), "dr", false).blocked,
        None
    );
}

#[test]
fn a_group_with_members_on_the_target_or_without_checkpoints_is_refused() {
    let active = group(Some("Stable"), vec![partition(0, None, Some((100, 95)))]);
    let blocked = plan(&active, "dr", false).blocked.unwrap();
    assert!(blocked.contains("Stable on the target"), "{blocked}");
    let none = group(Some("Empty"), vec![partition(0, None, None)]);
    let blocked = plan(&none, "dr", false).blocked.unwrap();
    assert!(blocked.contains("not checkpointed"), "{blocked}");
}
