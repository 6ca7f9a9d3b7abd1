//! A consumer group's failover to a flow's target: the offsets MirrorMaker 2's newest
//! checkpoints give for each partition it committed (what Kafka's
//! `RemoteClusterUtils.translateOffsets` gives), and, once confirmed, those offsets committed
//! for the group on the target's Kafka. Kafka takes them only while the group has no member
//! there, so a group with consumers on the target is refused before anything is written.

use std::time::Duration;

use api_types::{FailoverOffset, FailoverReport, GroupFailover};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use crate::config::KafkaCluster;
use crate::kafka::rdkafka_source::client_config;

/// Group states in which Kafka takes offsets from outside the group.
const WITHOUT_MEMBERS: [&str; 2] = ["Empty", "Dead"];

/// What a failover of `group` would set on the target `target_kafka`.
pub(crate) fn plan(group: &GroupFailover, target_kafka: &str, dry_run: bool) -> FailoverReport {
    let mut offsets = Vec::new();
    let mut untranslated = Vec::new();
    for p in &group.partitions {
        match p.checkpoint {
            Some(checkpoint) => offsets.push(FailoverOffset {
                topic: p.remote.clone(),
                partition: p.partition,
                before: p.translated,
                offset: checkpoint.downstream,
                upstream: checkpoint.upstream,
            }),
            None => untranslated.push(format!("{}-{}", p.remote, p.partition)),
        }
    }
    let active = group
        .target_state
        .as_deref()
        .filter(|state| !WITHOUT_MEMBERS.contains(state));
    let blocked = match (active, offsets.is_empty()) {
        (Some(state), _) => Some(format!(
            "group `{}` is {state} on the target: stop its consumers there first (Kafka takes \
             offsets only for a group without members)",
            group.group
        )),
        (None, true) => Some(format!(
            "MirrorMaker 2 has not checkpointed group `{}` yet: nothing to fail over to",
            group.group
        )),
        (None, false) => None,
    };
    FailoverReport {
        group: group.group.clone(),
        target_kafka: target_kafka.to_owned(),
        dry_run,
        offsets,
        untranslated,
        blocked,
    }
}

/// Commits `offsets` for `group` on the `target` Kafka, then reads them back: what Kafka holds
/// afterwards is what was asked, or the failover failed.
pub(crate) fn commit(
    target: &KafkaCluster,
    group: &str,
    offsets: &[FailoverOffset],
    timeout: Duration,
) -> Result<(), String> {
    let mut config = client_config(&target.bootstrap_servers, &target.properties);
    let consumer: BaseConsumer = config
        .set("group.id", group)
        .set("client.id", "plugboard-failover")
        .set("enable.auto.commit", "false")
        .set("socket.timeout.ms", timeout.as_millis().to_string())
        .create()
        .map_err(|e| format!("cannot create a client of the target: {e}"))?;
    let mut list = TopicPartitionList::new();
    for o in offsets {
        list.add_partition_offset(&o.topic, o.partition, Offset::Offset(o.offset))
            .map_err(|e| e.to_string())?;
    }
    consumer
        .commit(&list, CommitMode::Sync)
        .map_err(|e| format!("the target refused the offsets: {e}"))?;
    let held = consumer
        .committed_offsets(list, timeout)
        .map_err(|e| format!("cannot read the offsets back: {e}"))?;
    for o in offsets {
        let now = held
            .find_partition(&o.topic, o.partition)
            .map(|p| p.offset());
        if now != Some(Offset::Offset(o.offset)) {
            return Err(format!(
                "{}-{} holds {now:?} after the commit, not {}",
                o.topic, o.partition, o.offset
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
