//! Debezium PostgreSQL sources judged by their replication slots, as the slot watch last read
//! their databases: a slot retaining more WAL than a threshold, a slot nothing reads while its
//! connector runs, and a slot holding WAL back while its connector is paused or stopped. Only
//! sources on a database read with a monitoring role are judged; a database not read yet (or
//! unreadable) leaves its sources' incidents as they are.

use api_types::{AlertRule, ConnectorState, ConnectorSummary, RuleKind, SlotStatus};

use super::incidents::Finding;
use super::round::{ClusterData, Verdicts, covered, in_transition};

const MIB: f64 = 1024.0 * 1024.0;

/// The connectors in `rule`'s scope whose slot meets its condition.
pub(crate) fn judge(
    rule: &AlertRule,
    data: &ClusterData<'_>,
    connectors: &[ConnectorSummary],
    finding: &dyn Fn(&str, Option<f64>, String) -> Finding,
) -> Verdicts {
    let mut verdicts = Verdicts::default();
    for (connector, source) in covered(rule, data, connectors, data.slots) {
        let Some(Ok(slots)) = &source.reading else {
            verdicts.unsure.push(connector.name.clone());
            continue;
        };
        let slot = slots.iter().find(|s| s.name == source.slot_name);
        match condition(rule, connector, &source.slot_name, slot) {
            Some((value, detail)) => verdicts
                .holding
                .push(finding(&connector.name, value, detail)),
            None if rule.spec.kind == RuleKind::SlotInactive && in_transition(connector) => {
                verdicts.unsure.push(connector.name.clone());
            }
            None => {}
        }
    }
    verdicts
}

fn condition(
    rule: &AlertRule,
    connector: &ConnectorSummary,
    slot_name: &str,
    slot: Option<&SlotStatus>,
) -> Option<(Option<f64>, String)> {
    let retained_mib = slot.and_then(|s| s.retained_bytes).map(|b| b as f64 / MIB);
    match rule.spec.kind {
        RuleKind::SlotWalAbove => {
            let threshold = rule.spec.threshold.unwrap_or(0.0);
            let mib = retained_mib.filter(|mib| *mib > threshold)?;
            Some((
                Some(mib),
                format!("slot {slot_name} retains {mib:.1} MiB of WAL, above {threshold} MiB"),
            ))
        }
        RuleKind::SlotInactive => {
            let tasks = &connector.tasks;
            let runs = connector.state == ConnectorState::Running
                && tasks.total > 0
                && tasks.running == tasks.total;
            let detail = match slot {
                _ if !runs => return None,
                None => format!("the connector runs, but the database has no slot {slot_name}"),
                Some(slot) if !slot.active => {
                    format!("the connector runs, but nothing reads its slot {slot_name}")
                }
                Some(_) => return None,
            };
            Some((None, detail))
        }
        RuleKind::SlotHeldWhileStopped => {
            let idle = matches!(
                connector.state,
                ConnectorState::Paused | ConnectorState::Stopped
            );
            let slot = slot.filter(|_| idle)?;
            let held = retained_mib.map_or_else(String::new, |mib| format!(" ({mib:.1} MiB)"));
            Some((
                retained_mib,
                format!(
                    "the connector is {}, while its slot {} holds WAL back{held}",
                    connector.state, slot.name
                ),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
