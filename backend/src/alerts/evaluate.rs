//! One rule judged against one cluster's current data: the subjects whose condition holds and
//! those that cannot be judged this round, or `None` when the data the rule needs is missing
//! (so nothing gets resolved for lack of data).

use std::collections::HashMap;

use api_types::{AlertRule, ConnectorState, ConnectorSummary, DriftStatus, RuleKind};

use super::incidents::Finding;
use super::round::{ClusterData, Verdicts, in_transition};
use super::trend::{Sample, Trend, judge};
use crate::kafka::Snapshot;

/// Samples kept per group for trend rules (the most any rule may ask for).
pub(crate) const MAX_SAMPLES: usize = 100;
const DEFAULT_SAMPLES: usize = 5;

pub(crate) fn findings(rule: &AlertRule, data: &ClusterData<'_>) -> Option<Verdicts> {
    let spec = &rule.spec;
    if !spec.covers(data.cluster, None) {
        return Some(Verdicts::default());
    }
    let finding = |subject: &str, value: Option<f64>, detail: String| Finding {
        rule_id: rule.id,
        cluster: data.cluster.to_owned(),
        subject: subject.to_owned(),
        value,
        detail,
    };
    if spec.kind == RuleKind::Unreachable {
        let mut found = Vec::new();
        if let Err(reason) = data.connectors {
            found.push(finding(
                "connect",
                None,
                format!("Connect unreachable: {reason}"),
            ));
        }
        if let Some(error) = data.kafka.and_then(|k| k.error.as_ref()) {
            found.push(finding(
                "kafka",
                None,
                format!("Kafka unreachable: {error}"),
            ));
        }
        return Some(Verdicts {
            holding: found,
            unsure: Vec::new(),
        });
    }
    let connectors = data.connectors.ok()?;
    match spec.kind {
        RuleKind::ReplicationLagAbove => {
            return Some(super::replication_lag::judge(rule, data, &finding));
        }
        RuleKind::ReplicationHeartbeatOlderThan => {
            return Some(super::replication_age::heartbeats(rule, data, &finding));
        }
        RuleKind::ReplicationCheckpointsOlderThan => {
            return Some(super::replication_age::checkpoints(rule, data, &finding));
        }
        kind if kind.judges_slots() => {
            return Some(super::slots::judge(rule, data, connectors, &finding));
        }
        RuleKind::DebeziumHeartbeatStale => {
            return Some(super::heartbeats::judge(rule, data, connectors, &finding));
        }
        RuleKind::DebeziumSnapshotStalled => {
            return Some(super::snapshot_stall::judge(
                rule, data, connectors, &finding,
            ));
        }
        _ => {}
    }
    let in_scope = connectors
        .iter()
        .filter(|c| spec.covers(data.cluster, Some(&c.name)));
    let snapshot = || data.kafka.and_then(|k| k.snapshot.as_deref());
    let mut verdicts = Verdicts::default();
    for connector in in_scope {
        let judged = match spec.kind {
            RuleKind::NotRunning | RuleKind::Failed => state_problem(spec.kind, connector),
            RuleKind::Drifted => drift_problem(connector),
            RuleKind::DlqGrowth => dlq_growth(rule, connector, data.dead_letter_totals),
            RuleKind::Unreachable => None,
            _ => {
                let snapshot = snapshot()?;
                kafka_problem(rule, connector, snapshot, data.samples)
            }
        };
        match judged {
            Some((value, detail)) => {
                verdicts
                    .holding
                    .push(finding(&connector.name, value, detail));
            }
            None if spec.kind == RuleKind::Failed && in_transition(connector) => {
                verdicts.unsure.push(connector.name.clone());
            }
            None => {}
        }
    }
    Some(verdicts)
}

/// How many records the connector's dead letter queue received over the rule's window of
/// snapshots, when more than the threshold.
fn dlq_growth(
    rule: &AlertRule,
    c: &ConnectorSummary,
    totals: &HashMap<String, Vec<i64>>,
) -> Option<(Option<f64>, String)> {
    let topic = c.dead_letter_topic.as_ref()?;
    let recent = totals.get(topic)?;
    let wanted = rule.spec.samples.map_or(DEFAULT_SAMPLES, |n| n as usize);
    let window = &recent[recent.len().saturating_sub(wanted)..];
    let grew = window.last()? - window.first()?;
    let threshold = rule.spec.threshold.unwrap_or(0.0);
    (grew as f64 > threshold).then(|| {
        (
            Some(grew as f64),
            format!(
                "{grew} records into dead letter topic {topic} over the last {} snapshots, above {threshold}",
                window.len()
            ),
        )
    })
}

fn drift_problem(c: &ConnectorSummary) -> Option<(Option<f64>, String)> {
    (c.drift == Some(DriftStatus::Drifted)).then(|| {
        (
            None,
            "differs from the specs applied to its cluster".to_owned(),
        )
    })
}

fn state_problem(kind: RuleKind, c: &ConnectorSummary) -> Option<(Option<f64>, String)> {
    let tasks = &c.tasks;
    let bad = match kind {
        RuleKind::Failed => c.state == ConnectorState::Failed || tasks.failed > 0,
        _ => c.state != ConnectorState::Running || tasks.running < tasks.total,
    };
    let count = if kind == RuleKind::Failed {
        tasks.failed
    } else {
        tasks.total - tasks.running
    };
    bad.then(|| {
        let mut detail = format!(
            "connector {}, {} of {} tasks running",
            c.state, tasks.running, tasks.total
        );
        if let Some(cause) = &c.first_cause {
            detail.push_str(": ");
            detail.push_str(cause);
        }
        (Some(f64::from(count)), detail)
    })
}

fn kafka_problem(
    rule: &AlertRule,
    c: &ConnectorSummary,
    snapshot: &Snapshot,
    samples: &HashMap<String, Vec<Sample>>,
) -> Option<(Option<f64>, String)> {
    let spec = &rule.spec;
    let threshold = spec.threshold.unwrap_or(0.0);
    let group = c.consumer_group.as_deref();
    match spec.kind {
        RuleKind::LagAbove => {
            let lag = snapshot.group_lag(group?)?;
            (lag as f64 > threshold).then(|| {
                (
                    Some(lag as f64),
                    format!("lag {lag} records, above {threshold}"),
                )
            })
        }
        RuleKind::TimeLagAbove => {
            let summary = snapshot.group_detail(group?, None)?.summary;
            match summary.time_lag_seconds {
                Some(seconds) if seconds > threshold => Some((
                    Some(seconds),
                    format!("{seconds:.0} s behind, above {threshold} s"),
                )),
                None if summary.lag > 0 && summary.consume_rate == Some(0.0) => {
                    Some((None, format!("lag {} and nothing consumed", summary.lag)))
                }
                _ => None,
            }
        }
        RuleKind::LagTrend => {
            let recent = samples.get(group?)?;
            let wanted = spec.samples.map_or(DEFAULT_SAMPLES, |n| n as usize);
            let window = &recent[recent.len().saturating_sub(wanted)..];
            let trend = judge(window, spec.allowed_lag.unwrap_or(0));
            let lag = window.last().map_or(0, |s| s.lag);
            (trend != Trend::Ok).then(|| {
                (
                    Some(lag as f64),
                    format!(
                        "{} over the last {} samples, lag {lag}",
                        trend.as_str(),
                        window.len()
                    ),
                )
            })
        }
        RuleKind::TopicsUnhealthy => {
            let mut topics: Vec<String> = c.topics.clone();
            if let Some(g) = group.and_then(|g| snapshot.group(g)) {
                topics.extend(g.committed.iter().map(|p| p.0.clone()));
            }
            topics.sort();
            topics.dedup();
            let unhealthy: Vec<String> = topics
                .iter()
                .filter_map(|t| snapshot.topic_detail(t))
                .filter(|t| !t.summary.healthy())
                .map(|t| {
                    let s = t.summary;
                    format!(
                        "{} ({} under-replicated, {} under min ISR, {} offline)",
                        s.name, s.under_replicated, s.under_min_isr, s.offline
                    )
                })
                .collect();
            (!unhealthy.is_empty()).then(|| (Some(unhealthy.len() as f64), unhealthy.join("; ")))
        }
        RuleKind::NotRunning
        | RuleKind::Failed
        | RuleKind::Unreachable
        | RuleKind::Drifted
        | RuleKind::DlqGrowth
        | RuleKind::ReplicationLagAbove
        | RuleKind::ReplicationHeartbeatOlderThan
        | RuleKind::ReplicationCheckpointsOlderThan
        | RuleKind::SlotWalAbove
        | RuleKind::SlotInactive
        | RuleKind::SlotHeldWhileStopped
        | RuleKind::DebeziumHeartbeatStale
        | RuleKind::DebeziumSnapshotStalled => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::kafka::KafkaView;
    use api_types::{ConnectorKind, Health, RuleSpec, TaskCounts, WebhookFormat};

    use super::*;

    /// What a round knows of Debezium's sources, for tests of their judges to fill.
    #[derive(Default)]
    pub(crate) struct DebeziumMaps {
        pub slots: HashMap<String, crate::alerts::round::SourceSlot>,
        pub heartbeats: HashMap<String, crate::alerts::round::HeartbeatWatch>,
        pub snapshot_runs: HashMap<String, Vec<api_types::SnapshotRun>>,
    }

    /// A judge of Debezium's sources, as `slots`, `heartbeats` and `snapshot_stall` have one.
    pub(crate) type DebeziumJudge = fn(
        &AlertRule,
        &ClusterData<'_>,
        &[ConnectorSummary],
        &dyn Fn(&str, Option<f64>, String) -> Finding,
    ) -> Verdicts;

    /// What `judge` makes of `connectors` of cluster "c" at `now_ms` under `rule`, with
    /// `debezium` known of them (and nothing else).
    pub(crate) fn judge_debezium(
        judge: DebeziumJudge,
        rule: &AlertRule,
        connectors: &[ConnectorSummary],
        debezium: &DebeziumMaps,
        now_ms: i64,
    ) -> Verdicts {
        let data = ClusterData {
            cluster: "c",
            connectors: Ok(connectors),
            kafka: None,
            samples: &HashMap::new(),
            dead_letter_totals: &HashMap::new(),
            slots: &debezium.slots,
            heartbeats: &debezium.heartbeats,
            snapshot_runs: &debezium.snapshot_runs,
            flows: &[],
            now_ms,
        };
        let finding = |subject: &str, value: Option<f64>, detail: String| Finding {
            rule_id: rule.id,
            cluster: "c".to_owned(),
            subject: subject.to_owned(),
            value,
            detail,
        };
        judge(rule, &data, connectors, &finding)
    }

    /// A rule of `kind` with threshold 5, on every cluster, for `pattern`'s connectors.
    pub(crate) fn rule(kind: RuleKind, pattern: Option<&str>) -> AlertRule {
        AlertRule {
            id: 7,
            spec: RuleSpec {
                name: "r".into(),
                kind,
                cluster: None,
                connector_pattern: pattern.map(str::to_owned),
                threshold: Some(5.0),
                for_seconds: 0,
                samples: None,
                allowed_lag: None,
                webhook_url: None,
                webhook_format: WebhookFormat::Json,
                repeat_seconds: None,
                auto_restart: false,
                max_restarts: 3,
            },
            created_at: String::new(),
        }
    }

    pub(crate) fn connector(
        name: &str,
        state: &str,
        running: u32,
        failed: u32,
    ) -> ConnectorSummary {
        ConnectorSummary {
            cluster: "c".into(),
            name: name.into(),
            kind: ConnectorKind::Sink,
            class: "FileStreamSink".into(),
            state: ConnectorState::parse(state),
            worker_id: None,
            version: None,
            health: Health::Degraded,
            tasks: TaskCounts {
                total: running + failed,
                running,
                failed,
                ..TaskCounts::default()
            },
            first_cause: Some("Caused by: java.io.FileNotFoundException".into()),
            consumer_group: Some(format!("connect-{name}")),
            topics: Vec::new(),
            lag: None,
            drift: None,
            dead_letter_topic: None,
        }
    }

    fn judge(
        rule: &AlertRule,
        connectors: Result<&[ConnectorSummary], &str>,
        kafka: Option<&KafkaView>,
    ) -> Option<Verdicts> {
        judge_with_dead_letters(rule, connectors, kafka, &HashMap::new())
    }

    fn judge_with_dead_letters(
        rule: &AlertRule,
        connectors: Result<&[ConnectorSummary], &str>,
        kafka: Option<&KafkaView>,
        dead_letter_totals: &HashMap<String, Vec<i64>>,
    ) -> Option<Verdicts> {
        let samples = HashMap::new();
        findings(
            rule,
            &ClusterData {
                cluster: "c",
                connectors,
                kafka,
                samples: &samples,
                dead_letter_totals,
                slots: &HashMap::new(),
                heartbeats: &HashMap::new(),
                snapshot_runs: &HashMap::new(),
                flows: &[],
                now_ms: 0,
            },
        )
    }

    #[test]
    fn a_dead_letter_queue_growing_more_than_the_threshold_over_the_window_is_a_finding() {
        let mut list = [
            connector("fast", "RUNNING", 1, 0),
            connector("slow", "RUNNING", 1, 0),
        ];
        list[0].dead_letter_topic = Some("fast-dlq".into());
        list[1].dead_letter_topic = Some("slow-dlq".into());
        let totals = HashMap::from([
            ("fast-dlq".to_owned(), vec![0, 100, 120, 140, 160, 180]),
            ("slow-dlq".to_owned(), vec![0, 1, 2, 3, 4, 5]),
        ]);
        let mut growth = rule(RuleKind::DlqGrowth, None);
        growth.spec.threshold = Some(50.0);
        let found = judge_with_dead_letters(&growth, Ok(&list), None, &totals)
            .unwrap()
            .holding;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].subject, "fast");
        // The default window is the last 5 snapshots: 180 - 100.
        assert_eq!(found[0].value, Some(80.0));
    }

    #[test]
    fn a_failed_task_of_a_covered_connector_is_a_finding_with_its_cause() {
        let list = [
            connector("orders-sink", "RUNNING", 1, 1),
            connector("other", "RUNNING", 1, 1),
        ];
        let found = judge(&rule(RuleKind::Failed, Some("orders-*")), Ok(&list), None)
            .unwrap()
            .holding;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].subject, "orders-sink");
        assert_eq!(found[0].value, Some(1.0));
        assert!(
            found[0].detail.contains("FileNotFoundException"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn only_a_drifted_connector_is_a_drift_finding() {
        let mut list = [
            connector("drifted", "RUNNING", 1, 0),
            connector("in-sync", "RUNNING", 1, 0),
            connector("unmanaged", "RUNNING", 1, 0),
            connector("unknown", "RUNNING", 1, 0),
        ];
        list[0].drift = Some(DriftStatus::Drifted);
        list[1].drift = Some(DriftStatus::InSync);
        list[2].drift = Some(DriftStatus::Unmanaged);
        let found = judge(&rule(RuleKind::Drifted, None), Ok(&list), None)
            .unwrap()
            .holding;
        let subjects: Vec<&str> = found.iter().map(|f| f.subject.as_str()).collect();
        assert_eq!(subjects, ["drifted"]);
    }

    #[test]
    fn a_paused_connector_is_not_running_but_not_failed() {
        let list = [connector("p", "PAUSED", 0, 0)];
        assert_eq!(
            judge(&rule(RuleKind::NotRunning, None), Ok(&list), None)
                .unwrap()
                .holding
                .len(),
            1
        );
        assert!(
            judge(&rule(RuleKind::Failed, None), Ok(&list), None)
                .unwrap()
                .holding
                .is_empty()
        );
    }

    #[test]
    fn a_restarting_task_is_neither_failed_nor_recovered_but_is_not_running() {
        let mut restarting = connector("r", "RUNNING", 0, 0);
        restarting.tasks.total = 1;
        restarting.tasks.restarting = 1;
        let list = [restarting, connector("healthy", "RUNNING", 1, 0)];
        let failed = judge(&rule(RuleKind::Failed, None), Ok(&list), None).unwrap();
        assert!(failed.holding.is_empty());
        assert_eq!(failed.unsure, ["r"]);
        let not_running = judge(&rule(RuleKind::NotRunning, None), Ok(&list), None).unwrap();
        assert_eq!(not_running.holding.len(), 1);
        assert_eq!(not_running.holding[0].subject, "r");
        assert!(not_running.unsure.is_empty());
    }

    #[test]
    fn connect_down_is_an_unreachable_finding_and_leaves_connector_rules_unjudged() {
        let found = judge(
            &rule(RuleKind::Unreachable, None),
            Err("cannot connect"),
            None,
        )
        .unwrap()
        .holding;
        assert_eq!(found[0].subject, "connect");
        assert_eq!(
            judge(&rule(RuleKind::Failed, None), Err("cannot connect"), None),
            None
        );
    }

    #[test]
    fn lag_rules_without_a_snapshot_are_unjudged_rather_than_clear() {
        let list = [connector("s", "RUNNING", 1, 0)];
        assert_eq!(
            judge(&rule(RuleKind::LagAbove, None), Ok(&list), None),
            None
        );
    }
}
