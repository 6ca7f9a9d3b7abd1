//! The Kafka part of `/metrics`: whether each cluster's Kafka was read, the snapshot's age,
//! consumer group lag, and partitions in trouble per topic.

use std::fmt::Write;

use super::help;
use crate::clock::now_ms;
use crate::metrics::label;
use crate::state::AppState;

/// The series of the clusters `visible` says yes to.
pub(super) fn kafka_metrics(state: &AppState, visible: &dyn Fn(&str) -> bool, text: &mut String) {
    let mut all = state.kafka.all();
    all.retain(|(cluster, _)| visible(cluster));
    help(
        text,
        "plugboard_kafka_up",
        "gauge",
        "1 when the last Kafka snapshot cycle succeeded.",
    );
    for (cluster, view) in &all {
        let _ = writeln!(
            text,
            "plugboard_kafka_up{{cluster=\"{cluster}\"}} {}",
            u8::from(view.error.is_none())
        );
    }
    help(
        text,
        "plugboard_kafka_snapshot_age_seconds",
        "gauge",
        "Age of the Kafka snapshot shown.",
    );
    for (cluster, view) in &all {
        if let Some(snapshot) = &view.snapshot {
            let age = (now_ms() - snapshot.taken_at_ms) as f64 / 1000.0;
            let _ = writeln!(
                text,
                "plugboard_kafka_snapshot_age_seconds{{cluster=\"{cluster}\"}} {age}"
            );
        }
    }
    let snapshots: Vec<_> = all
        .iter()
        .filter_map(|(cluster, view)| Some((cluster, view.snapshot.clone()?)))
        .collect();
    help(
        text,
        "plugboard_kafka_consumergroup_lag",
        "gauge",
        "Lag of a consumer group summed over its committed partitions.",
    );
    for (cluster, snapshot) in &snapshots {
        for group in &snapshot.observation.groups {
            if let Some(lag) = snapshot.group_lag(&group.name) {
                let _ = writeln!(
                    text,
                    "plugboard_kafka_consumergroup_lag{{cluster=\"{cluster}\",group=\"{}\"}} {lag}",
                    label(&group.name)
                );
            }
        }
    }
    help(
        text,
        "plugboard_kafka_consumergroup_partition_lag",
        "gauge",
        "Lag of a consumer group on one partition.",
    );
    for (cluster, snapshot) in &snapshots {
        for group in &snapshot.observation.groups {
            let Some(detail) = snapshot.group_detail(&group.name, None) else {
                continue;
            };
            for p in detail.partitions.iter().filter(|p| p.lag.is_some()) {
                let _ = writeln!(
                    text,
                    "plugboard_kafka_consumergroup_partition_lag{{cluster=\"{cluster}\",group=\"{}\",topic=\"{}\",partition=\"{}\"}} {}",
                    label(&group.name),
                    label(&p.topic),
                    p.partition,
                    p.lag.unwrap_or(0)
                );
            }
        }
    }
    let gauges = [
        (
            "plugboard_kafka_topic_under_replicated_partitions",
            "Partitions with fewer in-sync replicas than replicas.",
        ),
        (
            "plugboard_kafka_topic_under_min_isr_partitions",
            "Partitions with fewer in-sync replicas than min.insync.replicas.",
        ),
        (
            "plugboard_kafka_topic_offline_partitions",
            "Partitions without a leader.",
        ),
    ];
    let topics: Vec<_> = snapshots
        .iter()
        .map(|(cluster, snapshot)| (cluster, snapshot.topic_summaries()))
        .collect();
    for (index, (name, about)) in gauges.iter().enumerate() {
        help(text, name, "gauge", about);
        for (cluster, summaries) in &topics {
            for topic in summaries {
                let value = [topic.under_replicated, topic.under_min_isr, topic.offline][index];
                let _ = writeln!(
                    text,
                    "{name}{{cluster=\"{cluster}\",topic=\"{}\"}} {value}",
                    label(&topic.name)
                );
            }
        }
    }
}
