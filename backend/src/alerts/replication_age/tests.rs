//! Unit tests of judging how old MirrorMaker 2 flows' heartbeats and checkpoints are.

use api_types::{
    CheckpointedOffset, ConnectorState, FlowConnector, GroupFailover, Health, MirrorRole,
    PartitionFailover, ReplicationFlow, RuleKind, TaskCounts,
};

use super::{checkpoints, heartbeats};
use crate::alerts::replication_lag::tests::{flow, rule_of, verdicts_at};

const NOW: i64 = 1_000_000;

fn beating(replicated: Option<i64>, emitted: Option<i64>) -> ReplicationFlow {
    let mut flow = flow("mm2-source", &[Some(0)]);
    flow.heartbeats.replicated_topic = "east.heartbeats".into();
    flow.heartbeats.newest_replicated_ms = replicated;
    flow.heartbeats.newest_emitted_ms = emitted;
    flow
}

fn subjects(verdicts: &crate::alerts::round::Verdicts) -> Vec<(&str, Option<f64>)> {
    verdicts
        .holding
        .iter()
        .map(|f| (f.subject.as_str(), f.value))
        .collect()
}

#[test]
fn a_stalled_replication_shows_in_its_replicated_heartbeats_though_new_ones_are_emitted() {
    let rule = rule_of(RuleKind::ReplicationHeartbeatOlderThan, 30.0, None);
    let stalled = beating(Some(NOW - 45_000), Some(NOW - 1_000));
    let judged = verdicts_at(&rule, &[stalled], NOW, heartbeats);
    assert_eq!(subjects(&judged), [("mm2-source", Some(45.0))]);
    assert!(judged.holding[0].detail.contains("east.heartbeats"));
    let fresh = beating(Some(NOW - 2_000), Some(NOW - 1_000));
    assert!(
        verdicts_at(&rule, &[fresh], NOW, heartbeats)
            .holding
            .is_empty()
    );
}

#[test]
fn without_replicated_heartbeats_the_emitted_ones_are_judged_and_none_at_all_is_unsure() {
    let rule = rule_of(RuleKind::ReplicationHeartbeatOlderThan, 30.0, None);
    let judged = verdicts_at(&rule, &[beating(None, Some(NOW - 40_000))], NOW, heartbeats);
    assert_eq!(subjects(&judged), [("mm2-source", Some(40.0))]);
    let unknown = verdicts_at(&rule, &[beating(None, None)], NOW, heartbeats);
    assert!(unknown.holding.is_empty());
    assert_eq!(unknown.unsure, ["mm2-source"]);
    let other = rule_of(RuleKind::ReplicationHeartbeatOlderThan, 30.0, Some("dr-*"));
    let stalled = beating(Some(0), None);
    assert!(
        verdicts_at(&other, &[stalled], NOW, heartbeats)
            .holding
            .is_empty()
    );
}

/// A group: its name, its offset committed on the source, and its checkpoint's upstream offset
/// and when it was written.
type Group<'a> = (&'a str, i64, Option<(i64, i64)>);

/// A flow with a checkpoint connector and `groups`.
fn checkpointed(groups: &[Group<'_>]) -> ReplicationFlow {
    let mut flow = flow("mm2-source", &[Some(0)]);
    flow.connectors.push(FlowConnector {
        role: MirrorRole::Checkpoint,
        name: "mm2-checkpoint".into(),
        state: ConnectorState::Running,
        health: Health::Healthy,
        tasks: TaskCounts::default(),
    });
    flow.groups = groups
        .iter()
        .map(|(group, committed, checkpoint)| GroupFailover {
            group: (*group).into(),
            partitions: vec![PartitionFailover {
                topic: "t0".into(),
                remote: "east.t0".into(),
                partition: 0,
                source_committed: *committed,
                translated: None,
                checkpoint: checkpoint.map(|(upstream, written_ms)| CheckpointedOffset {
                    upstream,
                    downstream: upstream,
                    written_ms,
                }),
                target_lag: None,
            }],
            target_lag: None,
            newest_checkpoint_ms: checkpoint.map(|c| c.1),
            target_state: None,
        })
        .collect();
    flow
}

#[test]
fn a_group_that_moved_on_since_an_old_checkpoint_is_stale_and_an_idle_one_is_not() {
    let rule = rule_of(RuleKind::ReplicationCheckpointsOlderThan, 60.0, None);
    let flow = checkpointed(&[
        ("moved", 120, Some((100, NOW - 90_000))),
        ("idle", 100, Some((100, NOW - 600_000))),
        ("recent", 120, Some((100, NOW - 5_000))),
        ("never", 50, None),
    ]);
    let judged = verdicts_at(&rule, &[flow], NOW, checkpoints);
    assert_eq!(subjects(&judged), [("mm2-checkpoint", Some(90.0))]);
    let detail = &judged.holding[0].detail;
    assert!(detail.contains("moved (90 s)"), "{detail}");
    assert!(
        !detail.contains("idle") && !detail.contains("recent"),
        "{detail}"
    );
}
