//! `replication_lag_above`: a MirrorMaker 2 flow, named by its source connector, with more
//! records written on its source and not yet replicated than the rule's threshold.

use api_types::{AlertRule, MirrorRole};

use super::incidents::Finding;
use super::round::{ClusterData, Verdicts};

/// Each flow whose source connector the rule covers, with more records not yet replicated
/// than the threshold; a flow whose lag cannot be told (its Kafka not read) is unsure.
pub(crate) fn judge(
    rule: &AlertRule,
    data: &ClusterData<'_>,
    finding: &dyn Fn(&str, Option<f64>, String) -> Finding,
) -> Verdicts {
    let spec = &rule.spec;
    let threshold = spec.threshold.unwrap_or(0.0);
    let mut verdicts = Verdicts::default();
    for flow in data.flows {
        let source = flow
            .connectors
            .iter()
            .find(|c| c.role == MirrorRole::Source);
        let Some(source) = source.filter(|c| spec.covers(data.cluster, Some(&c.name))) else {
            continue;
        };
        let lags: Vec<u64> = flow.topics.iter().filter_map(|t| t.lag).collect();
        let unread = flow.topics.is_empty() && !flow.notes.is_empty();
        if unread || (lags.is_empty() && !flow.topics.is_empty()) {
            verdicts.unsure.push(source.name.clone());
            continue;
        }
        let lag: u64 = lags.iter().sum();
        if lag as f64 > threshold {
            let detail = format!(
                "{} → {}: {lag} records not yet replicated, above {threshold}",
                flow.source.alias, flow.target.alias
            );
            verdicts
                .holding
                .push(finding(&source.name, Some(lag as f64), detail));
        }
    }
    verdicts
}

#[cfg(test)]
pub(crate) mod tests;
