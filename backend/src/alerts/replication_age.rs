//! `replication_heartbeat_older_than` and `replication_checkpoints_older_than`: a MirrorMaker 2
//! flow whose newest heartbeat on the target, or a group's newest checkpoint, is older than the
//! rule's threshold in seconds.

use api_types::{AlertRule, FlowConnector, MirrorRole, ReplicationFlow};

use super::incidents::Finding;
use super::round::{ClusterData, Verdicts};

/// Groups named in one finding's detail; the rest are counted.
const GROUPS_NAMED: usize = 3;

/// Each covered flow whose newest heartbeat is older than the threshold: the source's
/// replicated heartbeats when the target has any, else the heartbeat connector's own. A flow
/// with no heartbeat seen (its target not read yet) is unsure.
pub(crate) fn heartbeats(
    rule: &AlertRule,
    data: &ClusterData<'_>,
    finding: &dyn Fn(&str, Option<f64>, String) -> Finding,
) -> Verdicts {
    let threshold = rule.spec.threshold.unwrap_or(0.0);
    let mut verdicts = Verdicts::default();
    let named =
        |flow| connector(flow, MirrorRole::Source).or(connector(flow, MirrorRole::Heartbeat));
    for (flow, subject) in covered(rule, data, named) {
        let beats = &flow.heartbeats;
        let (newest, which) = match (beats.newest_replicated_ms, beats.newest_emitted_ms) {
            (Some(at), _) => (
                at,
                format!("replicated heartbeat ({})", beats.replicated_topic),
            ),
            (None, Some(at)) => (at, "heartbeat emitted on the target".to_owned()),
            (None, None) => {
                verdicts.unsure.push(subject.name.clone());
                continue;
            }
        };
        let age = seconds_since(newest, data.now_ms);
        if age > threshold {
            let detail = format!(
                "{} → {}: newest {which} is {age:.0} s old, above {threshold} s",
                flow.source.alias, flow.target.alias
            );
            verdicts
                .holding
                .push(finding(&subject.name, Some(age), detail));
        }
    }
    verdicts
}

/// Each covered flow with a group that committed on the source since a checkpoint older than
/// the threshold (partitions never checkpointed are not judged).
pub(crate) fn checkpoints(
    rule: &AlertRule,
    data: &ClusterData<'_>,
    finding: &dyn Fn(&str, Option<f64>, String) -> Finding,
) -> Verdicts {
    let threshold = rule.spec.threshold.unwrap_or(0.0);
    let mut verdicts = Verdicts::default();
    let named = |flow| connector(flow, MirrorRole::Checkpoint);
    for (flow, subject) in covered(rule, data, named) {
        let stale: Vec<(&str, f64)> = flow
            .groups
            .iter()
            .filter_map(|group| {
                let oldest = group
                    .partitions
                    .iter()
                    .filter_map(|p| p.checkpoint.filter(|c| c.upstream != p.source_committed))
                    .map(|c| seconds_since(c.written_ms, data.now_ms))
                    .fold(None, |oldest: Option<f64>, age| {
                        Some(oldest.map_or(age, |o| o.max(age)))
                    })?;
                (oldest > threshold).then_some((group.group.as_str(), oldest))
            })
            .collect();
        let Some(oldest) = stale.iter().map(|(_, age)| *age).reduce(f64::max) else {
            continue;
        };
        let mut named: Vec<String> = stale
            .iter()
            .take(GROUPS_NAMED)
            .map(|(group, age)| format!("{group} ({age:.0} s)"))
            .collect();
        if stale.len() > GROUPS_NAMED {
            named.push(format!("{} more", stale.len() - GROUPS_NAMED));
        }
        let detail = format!(
            "{} → {}: committed on the source since a checkpoint older than {threshold} s: {}",
            flow.source.alias,
            flow.target.alias,
            named.join(", ")
        );
        verdicts
            .holding
            .push(finding(&subject.name, Some(oldest), detail));
    }
    verdicts
}

/// The flows with a connector `named` picks that the rule covers, each with that connector.
fn covered<'a>(
    rule: &'a AlertRule,
    data: &'a ClusterData<'_>,
    named: impl Fn(&'a ReplicationFlow) -> Option<&'a FlowConnector> + 'a,
) -> impl Iterator<Item = (&'a ReplicationFlow, &'a FlowConnector)> + 'a {
    data.flows.iter().filter_map(move |flow| {
        let subject = named(flow)?;
        rule.spec
            .covers(data.cluster, Some(&subject.name))
            .then_some((flow, subject))
    })
}

fn connector(flow: &ReplicationFlow, role: MirrorRole) -> Option<&FlowConnector> {
    flow.connectors.iter().find(|c| c.role == role)
}

/// Seconds from `at_ms` to `now_ms`, never below 0 (clocks apart).
fn seconds_since(at_ms: i64, now_ms: i64) -> f64 {
    (now_ms - at_ms).max(0) as f64 / 1000.0
}

#[cfg(test)]
mod tests;
