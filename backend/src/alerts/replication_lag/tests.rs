//! Unit tests of judging MirrorMaker 2 flows' lag.

use std::collections::HashMap;

use api_types::{
    AlertRule, ConnectorState, FlowConnector, FlowEnd, FlowHeartbeats, Health, MirrorRole,
    PartitionReplication, ReplicatedTopic, ReplicationFlow, RuleKind, TaskCounts,
};

use super::judge;
use crate::alerts::evaluate;
use crate::alerts::incidents::Finding;
use crate::alerts::round::{ClusterData, Verdicts};

fn rule(threshold: f64, pattern: Option<&str>) -> AlertRule {
    rule_of(RuleKind::ReplicationLagAbove, threshold, pattern)
}

/// A rule of `kind` over flows.
pub(crate) fn rule_of(kind: RuleKind, threshold: f64, pattern: Option<&str>) -> AlertRule {
    let mut rule = evaluate::tests::rule(kind, pattern);
    rule.spec.threshold = Some(threshold);
    rule
}

/// A flow run by `source` whose topics lag by `lags` (`None`: not known).
pub(crate) fn flow(source: &str, lags: &[Option<u64>]) -> ReplicationFlow {
    let end = |alias: &str| FlowEnd {
        alias: alias.into(),
        kafka: Some(alias.into()),
    };
    ReplicationFlow {
        connect_cluster: "c".into(),
        source: end("east"),
        target: end("west"),
        connectors: vec![FlowConnector {
            role: MirrorRole::Source,
            name: source.into(),
            state: ConnectorState::Running,
            health: Health::Healthy,
            tasks: TaskCounts::default(),
        }],
        topics_pattern: None,
        groups_pattern: None,
        topics_exclude: None,
        groups_exclude: None,
        sync_group_offsets: false,
        topics: lags
            .iter()
            .enumerate()
            .map(|(i, lag)| ReplicatedTopic {
                topic: format!("t{i}"),
                remote: format!("east.t{i}"),
                on_target: Some(true),
                partitions: vec![PartitionReplication {
                    partition: 0,
                    source_end: None,
                    target_end: None,
                    replicated_to: None,
                    lag: *lag,
                }],
                lag: *lag,
                records_per_second: None,
            })
            .collect(),
        groups: Vec::new(),
        heartbeats: FlowHeartbeats::default(),
        newest_checkpoint_ms: None,
        notes: Vec::new(),
    }
}

fn verdicts(rule: &AlertRule, flows: &[ReplicationFlow]) -> Verdicts {
    verdicts_at(rule, flows, 0, judge)
}

/// What `judged` makes of `flows` under `rule`, with the round's clock at `now_ms`.
pub(crate) fn verdicts_at(
    rule: &AlertRule,
    flows: &[ReplicationFlow],
    now_ms: i64,
    judged: Judge,
) -> Verdicts {
    let (samples, totals) = (HashMap::new(), HashMap::new());
    let data = ClusterData {
        cluster: "c",
        connectors: Ok(&[]),
        kafka: None,
        samples: &samples,
        dead_letter_totals: &totals,
        slots: &HashMap::new(),
        heartbeats: &HashMap::new(),
        snapshot_runs: &HashMap::new(),
        flows,
        now_ms,
    };
    let finding = |subject: &str, value: Option<f64>, detail: String| Finding {
        rule_id: rule.id,
        cluster: "c".into(),
        subject: subject.into(),
        value,
        detail,
    };
    judged(rule, &data, &finding)
}

/// A judge of flows.
pub(crate) type Judge =
    fn(&AlertRule, &ClusterData<'_>, &dyn Fn(&str, Option<f64>, String) -> Finding) -> Verdicts;

#[test]
fn a_flow_whose_topics_lag_more_than_the_threshold_in_all_is_a_finding_on_its_source_connector() {
    let flows = [
        flow("busy", &[Some(30), Some(25)]),
        flow("quiet", &[Some(0), Some(40)]),
    ];
    let found = verdicts(&rule(50.0, None), &flows);
    assert_eq!(found.holding.len(), 1, "55 is above 50, 40 is not");
    assert_eq!(found.holding[0].subject, "busy");
    assert_eq!(found.holding[0].value, Some(55.0));
    assert!(
        found.holding[0].detail.contains("east → west: 55 records"),
        "{}",
        found.holding[0].detail
    );
    assert!(found.unsure.is_empty());
}

#[test]
fn only_covered_flows_are_judged_and_unknown_lag_is_unsure_not_clear() {
    let flows = [flow("mm2-prod", &[None]), flow("other", &[Some(9)])];
    let found = verdicts(&rule(0.0, Some("mm2-*")), &flows);
    assert!(found.holding.is_empty());
    assert_eq!(found.unsure, ["mm2-prod"]);
    let mut unread = flow("mm2-dr", &[]);
    unread
        .notes
        .push("the source Kafka cluster `east` has not been read yet".into());
    assert_eq!(verdicts(&rule(0.0, None), &[unread]).unsure, ["mm2-dr"]);
}
