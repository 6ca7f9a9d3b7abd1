//! `debezium_heartbeat_stale`: a Debezium source with heartbeats on whose heartbeat topic has
//! had no new record for three of its heartbeat intervals. While the source runs, Debezium
//! writes a heartbeat each interval even when its tables are idle, so three missed in a row
//! mean it stopped reading (stopped, failed, stuck or cut off from its database). The topic's
//! records are counted over Kafka snapshots, so silence shorter than a snapshot period is not
//! seen.

use api_types::{AlertRule, ConnectorSummary};

use super::incidents::Finding;
use super::round::{ClusterData, Verdicts, covered};

/// Heartbeats missed in a row before the condition holds.
const MISSED: u64 = 3;

/// The connectors in `rule`'s scope whose heartbeats stand still.
pub(crate) fn judge(
    rule: &AlertRule,
    data: &ClusterData<'_>,
    connectors: &[ConnectorSummary],
    finding: &dyn Fn(&str, Option<f64>, String) -> Finding,
) -> Verdicts {
    let mut verdicts = Verdicts::default();
    for (connector, watch) in covered(rule, data, connectors, data.heartbeats) {
        let Some(since) = watch.still_since_ms else {
            verdicts.unsure.push(connector.name.clone());
            continue;
        };
        let still_ms = data.now_ms - since;
        let allowed_ms = i64::try_from(watch.interval_ms * MISSED).unwrap_or(i64::MAX);
        if still_ms > allowed_ms {
            let seconds = still_ms as f64 / 1000.0;
            let detail = format!(
                "no heartbeat on {} for {seconds:.0} s, more than {MISSED} intervals of {} s",
                watch.topic,
                watch.interval_ms as f64 / 1000.0
            );
            verdicts
                .holding
                .push(finding(&connector.name, Some(seconds), detail));
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use api_types::RuleKind;

    use super::*;
    use crate::alerts::evaluate::tests::{DebeziumMaps, connector, judge_debezium, rule};
    use crate::alerts::round::HeartbeatWatch;

    fn judged(still_since_ms: Option<i64>, now_ms: i64) -> Verdicts {
        let connectors = [
            connector("shop", "RUNNING", 1, 0),
            connector("plain", "RUNNING", 1, 0),
        ];
        let heartbeats: HashMap<String, HeartbeatWatch> = [(
            "shop".to_owned(),
            HeartbeatWatch {
                topic: "__debezium-heartbeat.shop".to_owned(),
                interval_ms: 10_000,
                still_since_ms,
            },
        )]
        .into();
        let debezium = DebeziumMaps {
            heartbeats,
            ..DebeziumMaps::default()
        };
        let rule = rule(RuleKind::DebeziumHeartbeatStale, None);
        judge_debezium(judge, &rule, &connectors, &debezium, now_ms)
    }

    #[test]
    fn three_intervals_without_a_heartbeat_hold_and_fewer_do_not() {
        let stale = judged(Some(1_000), 1_000 + 31_000);
        assert_eq!(stale.holding.len(), 1);
        assert_eq!(stale.holding[0].subject, "shop");
        assert_eq!(
            stale.holding[0].detail,
            "no heartbeat on __debezium-heartbeat.shop for 31 s, more than 3 intervals of 10 s"
        );
        assert!(judged(Some(1_000), 1_000 + 29_000).holding.is_empty());
    }

    #[test]
    fn a_topic_not_seen_in_a_snapshot_yet_is_unsure() {
        let unseen = judged(None, 100_000);
        assert!(unseen.holding.is_empty());
        assert_eq!(unseen.unsure, ["shop"]);
    }
}
