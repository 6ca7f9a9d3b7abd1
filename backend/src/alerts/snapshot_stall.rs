//! `debezium_snapshot_stalled`: a Debezium source whose newest snapshot is running and has
//! sent no notification for more than `threshold` seconds (a worker lost mid-snapshot, a
//! table read that hangs). Each source's notification topic is read again only when Kafka's
//! snapshot shows it grew, so judging costs no Kafka read while nothing moves.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use api_types::{AlertRule, ConnectorSummary, SnapshotKind, SnapshotRun, SnapshotState};
use plugboard_connect::ClusterClient;

use super::incidents::Finding;
use super::round::{ClusterData, Verdicts, covered};
use crate::debezium::snapshots::{Notification, read_notifications, snapshots};
use crate::kafka::KafkaView;
use crate::records::{internal, kafka_config};
use crate::state::AppState;

/// A notification topic's notifications as last read, with the topic's records then.
type LastRead = (i64, Arc<Vec<Notification>>);

/// Each notification topic's notifications as last read, by (cluster, topic).
#[derive(Default)]
pub(crate) struct NotificationCache {
    read: HashMap<(String, String), LastRead>,
}

impl NotificationCache {
    /// The snapshots of the source writing `topic` under `prefix`, from the notifications
    /// read when the topic last grew; `None` when they cannot be had (no Kafka, the topic not
    /// seen yet, Connect's own topic, a failed read, no read permit free).
    pub(crate) async fn runs(
        &mut self,
        state: &AppState,
        client: &ClusterClient,
        view: Option<&KafkaView>,
        (topic, prefix): (&str, &str),
        now_ms: i64,
    ) -> Option<Vec<SnapshotRun>> {
        // Connect's own topics (its config topic holds secrets in clear) are never read.
        if internal::by_name(&state.settings.clusters, topic).is_some() {
            return None;
        }
        let snapshot = view?.snapshot.as_deref()?;
        let meta = snapshot.topic(topic)?;
        let log_end = &snapshot.observation.log_end;
        let total: i64 = (meta.partitions.iter())
            .filter_map(|p| log_end.get(&(meta.name.clone(), p.id)))
            .sum();
        let key = (client.id().to_owned(), topic.to_owned());
        let notifications = match self.read.get(&key) {
            Some((read_at, notifications)) if *read_at == total => notifications.clone(),
            _ => {
                let kafka = kafka_config(client.cluster()).ok()?;
                let _permit = state.record_reads.enter(client.id()).ok()?;
                let read_topic = topic.to_owned();
                let read =
                    tokio::task::spawn_blocking(move || read_notifications(&kafka, &read_topic))
                        .await
                        .ok()?
                        .ok()?;
                let read = Arc::new(read);
                self.read.insert(key, (total, read.clone()));
                read
            }
        };
        Some(snapshots(&notifications, prefix, now_ms))
    }

    /// Forgets what was read of `cluster`'s topics but `topics`.
    pub(crate) fn keep_only(&mut self, cluster: &str, topics: &HashSet<&str>) {
        (self.read).retain(|(c, topic), _| c != cluster || topics.contains(topic.as_str()));
    }
}

/// The connectors in `rule`'s scope whose newest snapshot runs and has been quiet for more
/// than the threshold.
pub(crate) fn judge(
    rule: &AlertRule,
    data: &ClusterData<'_>,
    connectors: &[ConnectorSummary],
    finding: &dyn Fn(&str, Option<f64>, String) -> Finding,
) -> Verdicts {
    let threshold = rule.spec.threshold.unwrap_or(0.0);
    let mut verdicts = Verdicts::default();
    for (connector, runs) in covered(rule, data, connectors, data.snapshot_runs) {
        let Some(newest) = runs.first().filter(|r| r.state == SnapshotState::Running) else {
            continue;
        };
        let quiet = (data.now_ms - newest.last_event_ms) as f64 / 1000.0;
        if quiet > threshold {
            let kind = match newest.kind {
                SnapshotKind::Initial => "initial",
                SnapshotKind::Incremental => "incremental",
            };
            let done = newest.tables.iter().filter(|t| t.done).count();
            let detail = format!(
                "the {kind} snapshot has sent nothing for {quiet:.0} s, above {threshold} s \
                 ({done} of {} tables done, {} rows)",
                newest.tables_total, newest.rows_scanned
            );
            verdicts
                .holding
                .push(finding(&connector.name, Some(quiet), detail));
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use api_types::RuleKind;

    use super::*;
    use crate::alerts::evaluate::tests::{DebeziumMaps, connector, judge_debezium, rule};

    fn run(state: SnapshotState, last_event_ms: i64) -> SnapshotRun {
        SnapshotRun {
            kind: SnapshotKind::Incremental,
            state,
            id: Some("plugboard-1".to_owned()),
            started_ms: 0,
            last_event_ms,
            tables: Vec::new(),
            tables_total: 3,
            rows_scanned: 1200,
            rows_per_second: None,
            stalled: false,
        }
    }

    /// Judges a rule of threshold 5 s at 100 s on a source whose newest snapshot is `newest`.
    fn judged(newest: SnapshotRun) -> Verdicts {
        let connectors = [connector("shop", "RUNNING", 1, 0)];
        let runs: HashMap<String, Vec<SnapshotRun>> = [("shop".to_owned(), vec![newest])].into();
        let debezium = DebeziumMaps {
            snapshot_runs: runs,
            ..DebeziumMaps::default()
        };
        let rule = rule(RuleKind::DebeziumSnapshotStalled, None);
        judge_debezium(judge, &rule, &connectors, &debezium, 100_000)
    }

    #[test]
    fn a_running_snapshot_quiet_past_the_threshold_holds() {
        let quiet = judged(run(SnapshotState::Running, 90_000));
        assert_eq!(quiet.holding.len(), 1);
        assert_eq!(
            quiet.holding[0].detail,
            "the incremental snapshot has sent nothing for 10 s, above 5 s (0 of 3 tables done, \
             1200 rows)"
        );
        assert!(
            judged(run(SnapshotState::Running, 97_000))
                .holding
                .is_empty()
        );
    }

    #[test]
    fn only_the_topics_still_judged_are_kept() {
        let mut cache = NotificationCache::default();
        for (cluster, topic) in [("a", "kept"), ("a", "gone"), ("b", "gone")] {
            let key = (cluster.to_owned(), topic.to_owned());
            cache.read.insert(key, (1, Arc::new(Vec::new())));
        }
        cache.keep_only("a", &HashSet::from(["kept"]));
        let mut left: Vec<_> = cache.read.keys().cloned().collect();
        left.sort();
        let pair = |c: &str, t: &str| (c.to_owned(), t.to_owned());
        assert_eq!(left, [pair("a", "kept"), pair("b", "gone")]);
    }

    #[test]
    fn a_paused_or_finished_snapshot_never_stalls() {
        for state in [
            SnapshotState::Paused,
            SnapshotState::Completed,
            SnapshotState::Aborted,
        ] {
            assert!(judged(run(state, 0)).holding.is_empty(), "{state:?}");
        }
    }
}
