//! Unit tests of a group's failover: which groups, and their translated offsets and lag.

use api_types::{ConnectorSummary, MirrorRole, PartitionReplication, ReplicatedTopic};

use super::failovers;
use crate::kafka::Snapshot;
use crate::kafka::mirror_records::Checkpoint;
use crate::kafka::observation::{GroupMeta, Observation};
use crate::replication::flows::tests::summary;
use crate::replication::flows::{FoundFlow, RemoteNaming};

fn checkpoint() -> (MirrorRole, ConnectorSummary) {
    let class = "org.apache.kafka.connect.mirror.MirrorCheckpointConnector";
    (MirrorRole::Checkpoint, summary("checkpoint", class))
}

fn flow(groups: Option<&str>) -> FoundFlow {
    let dotted = RemoteNaming::Prefixed {
        separator: ".".into(),
    };
    FoundFlow {
        connectors: vec![checkpoint()],
        groups: groups.map(str::to_owned),
        ..FoundFlow::new("east".into(), "west".into(), dotted)
    }
}

/// `orders`, replicated as `east.orders`, its two partitions ending at 100 and 50 on the target.
fn orders() -> ReplicatedTopic {
    let partition = |partition, end| PartitionReplication {
        partition,
        source_end: Some(end),
        target_end: Some(end),
        replicated_to: Some(end),
        lag: Some(0),
    };
    ReplicatedTopic {
        topic: "orders".into(),
        remote: "east.orders".into(),
        on_target: Some(true),
        partitions: vec![partition(0, 100), partition(1, 50)],
        lag: Some(0),
        records_per_second: None,
    }
}

/// A group's committed offsets: (topic, partition, offset).
type Committed<'a> = &'a [(&'a str, i32, i64)];

fn snapshot(groups: &[(&str, Committed<'_>)]) -> Snapshot {
    let groups = groups
        .iter()
        .map(|(name, committed)| GroupMeta {
            name: (*name).to_owned(),
            state: "Empty".into(),
            committed: committed
                .iter()
                .map(|(t, p, o)| ((*t).to_owned(), *p, *o))
                .collect(),
        })
        .collect();
    Snapshot {
        observation: Observation {
            groups,
            ..Observation::default()
        },
        ..Snapshot::default()
    }
}

#[test]
fn a_group_resumes_on_the_target_from_its_translated_offsets_with_the_lag_left_there() {
    let source = snapshot(&[
        (
            "billing",
            &[("orders", 0, 90), ("orders", 1, 50), ("private", 0, 3)],
        ),
        ("connect-sink", &[("orders", 0, 1)]),
        ("idle", &[("private", 0, 7)]),
    ]);
    let target = snapshot(&[("billing", &[("east.orders", 0, 88)])]);
    let groups = failovers(&flow(None), &[orders()], &source, Some(&target)).unwrap();
    // connect-* is left out by MirrorMaker 2's default; idle committed no replicated topic.
    assert_eq!(groups.len(), 1);
    let billing = &groups[0];
    assert_eq!(billing.group, "billing");
    let rows: Vec<(i32, i64, Option<i64>, Option<u64>)> = billing
        .partitions
        .iter()
        .map(|p| (p.partition, p.source_committed, p.translated, p.target_lag))
        .collect();
    // Partition 1 was not translated yet: its lag on the target is unknown, not 0.
    assert_eq!(rows, [(0, 90, Some(88), Some(12)), (1, 50, None, None)]);
    assert_eq!(billing.target_lag, Some(12));
    assert_eq!(billing.partitions[0].remote, "east.orders");
}

#[test]
fn the_groups_pattern_chooses_and_a_flow_without_checkpoints_has_no_groups() {
    let source = snapshot(&[
        ("billing", &[("orders", 0, 1)]),
        ("audit", &[("orders", 0, 1)]),
    ]);
    let chosen = failovers(&flow(Some("aud.*")), &[orders()], &source, None).unwrap();
    let names: Vec<&str> = chosen.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(names, ["audit"]);
    assert_eq!(
        chosen[0].partitions[0].translated, None,
        "the target is not read"
    );
    let mut no_checkpoints = flow(None);
    no_checkpoints.connectors.clear();
    assert!(
        failovers(&no_checkpoints, &[orders()], &source, None)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn without_synced_offsets_a_group_resumes_from_its_newest_checkpoint() {
    let source = snapshot(&[("billing", &[("orders", 0, 90), ("orders", 1, 40)])]);
    // sync.group.offsets.enabled off: the group has no offsets on the target, only checkpoints.
    let mut target = snapshot(&[]);
    let checkpoints = &mut target.observation.mirror.checkpoints;
    for (partition, upstream, downstream, written_ms) in [(0, 90, 85, 1_000), (1, 40, 41, 2_000)] {
        let key = (
            "east.checkpoints.internal".to_owned(),
            "billing".to_owned(),
            "east.orders".to_owned(),
            partition,
        );
        let seen = Checkpoint {
            upstream,
            downstream,
            written_ms,
        };
        checkpoints.insert(key, seen);
    }
    // Another flow's checkpoints of the same group are not this flow's.
    checkpoints.insert(
        (
            "north.checkpoints.internal".into(),
            "billing".into(),
            "east.orders".into(),
            0,
        ),
        Checkpoint {
            upstream: 1,
            downstream: 1,
            written_ms: 9_000,
        },
    );
    let groups = failovers(&flow(None), &[orders()], &source, Some(&target)).unwrap();
    let billing = &groups[0];
    let rows: Vec<(Option<i64>, Option<i64>, Option<u64>)> = billing
        .partitions
        .iter()
        .map(|p| {
            (
                p.translated,
                p.checkpoint.map(|c| c.downstream),
                p.target_lag,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [(None, Some(85), Some(15)), (None, Some(41), Some(9))]
    );
    assert_eq!(billing.target_lag, Some(24));
    assert_eq!(billing.newest_checkpoint_ms, Some(2_000));
}
