//! MirrorMaker 2's own records on a cluster, followed by one consumer that never joins a group:
//! its heartbeats (the `heartbeats` topic and its replicas, `<alias>.heartbeats`) and its
//! checkpoints (`<alias>.checkpoints.internal`). They tell how old a flow's newest heartbeat and
//! checkpoint are, and where MirrorMaker 2 translated each group's offsets, with no request per
//! viewer: each cycle reads only what was written since the last.
//!
//! The formats are those of Kafka's mirror client (`Heartbeat`, `Checkpoint`): a key is its
//! fields in Kafka's protocol types (a string is an INT16 length and UTF-8), a value starts with
//! its version (INT16). Heartbeat key: source alias, target alias; value: the time it was
//! emitted (INT64 ms). Checkpoint key: group, topic, partition (INT32); value: the upstream
//! offset, the downstream offset (INT64 each) and metadata.

mod decode;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use decode::{checkpoint, heartbeat};

/// How long one poll waits for a record.
const POLL: Duration = Duration::from_millis(100);
/// Heartbeats read back from each partition's end when it is first seen: only the newest of
/// each pair of aliases counts, and one is written a second per flow.
const HEARTBEATS_TAIL: i64 = 600;
/// The most heartbeat keys, and the most checkpoint keys, kept: anyone who may write to a topic
/// named like MirrorMaker 2's could otherwise grow them without end. Keys known are kept up to
/// date; new ones past the cap are left out.
const MAX_KEPT: usize = 100_000;
/// How a heartbeats topic's name ends (`heartbeats`, `main.heartbeats`).
const HEARTBEATS: &str = "heartbeats";
/// How a checkpoints topic's name ends (`main.checkpoints.internal`; its separators are the
/// replication policy's).
const CHECKPOINTS: (&str, &str) = ("checkpoints", "internal");

/// The newest heartbeat of each pair of aliases, and the newest checkpoint of each group's
/// partition, in each of a cluster's MirrorMaker 2 topics.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MirrorRecords {
    /// By (heartbeats topic, source alias, target alias): when the newest one was emitted, ms.
    #[serde(with = "super::observation::entries")]
    pub heartbeats: HashMap<(String, String, String), i64>,
    /// By (checkpoints topic, group, topic, partition).
    #[serde(with = "super::observation::entries")]
    pub checkpoints: HashMap<(String, String, String, i32), Checkpoint>,
}

impl MirrorRecords {
    /// Keeps the record `key`/`value` of `topic` if it is newer than what is known.
    fn apply(&mut self, topic: &str, key: &[u8], value: &[u8], written_ms: Option<i64>) {
        match kind_of(topic) {
            Some(Kind::Heartbeats) => {
                if let Some((source, target, emitted_ms)) = heartbeat(key, value) {
                    let key = (topic.to_owned(), source, target);
                    if self.heartbeats.len() >= MAX_KEPT && !self.heartbeats.contains_key(&key) {
                        return;
                    }
                    let newest = self.heartbeats.entry(key).or_insert(emitted_ms);
                    *newest = (*newest).max(emitted_ms);
                }
            }
            Some(Kind::Checkpoints) => {
                if let Some((group, of_topic, partition, upstream, downstream)) =
                    checkpoint(key, value)
                {
                    let seen = Checkpoint {
                        upstream,
                        downstream,
                        written_ms: written_ms.unwrap_or_default(),
                    };
                    let key = (topic.to_owned(), group, of_topic, partition);
                    if self.checkpoints.len() >= MAX_KEPT && !self.checkpoints.contains_key(&key) {
                        return;
                    }
                    self.checkpoints.insert(key, seen);
                }
            }
            None => {}
        }
    }
}

/// A consumer group's offset on the source, as MirrorMaker 2 translated it for the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// The group's committed offset on the source.
    pub upstream: i64,
    /// Where it resumes on the target.
    pub downstream: i64,
    /// When the checkpoint was written, ms.
    pub written_ms: i64,
}

/// Which of MirrorMaker 2's topics `name` may be, by how it ends (a record that turns out not to
/// be MirrorMaker 2's is skipped).
fn kind_of(name: &str) -> Option<Kind> {
    let (checkpoints, internal) = CHECKPOINTS;
    if name.ends_with(HEARTBEATS) {
        Some(Kind::Heartbeats)
    } else if let Some(rest) = name.strip_suffix(internal)
        && let Some(at) = rest.rfind(checkpoints)
        && at > 0
    {
        Some(Kind::Checkpoints)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heartbeats,
    Checkpoints,
}

/// The MirrorMaker 2 records of one cluster, kept up to date cycle by cycle.
pub(crate) struct MirrorRecordsReader<C: ConsumerContext> {
    consumer: BaseConsumer<C>,
    assigned: HashSet<(String, i32)>,
    records: MirrorRecords,
}

impl<C: ConsumerContext> MirrorRecordsReader<C> {
    /// A reader of the cluster `config` connects to, with `context` for its client.
    pub(crate) fn new(mut config: ClientConfig, context: C) -> Result<Self, String> {
        let consumer = config
            .set("group.id", "plugboard-mirror-reader")
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .create_with_context(context)
            .map_err(|e| format!("cannot create the MirrorMaker 2 reader: {e}"))?;
        Ok(Self {
            consumer,
            assigned: HashSet::new(),
            records: MirrorRecords::default(),
        })
    }

    /// The reader's client, for its statistics and logged failures.
    pub(crate) fn consumer(&self) -> &BaseConsumer<C> {
        &self.consumer
    }

    /// Reads what MirrorMaker 2 wrote since the last call to each of its topics among those
    /// whose high watermarks `log_end` holds, up to them or until `budget` has passed (the rest
    /// is read in the next cycle). Topics that are gone are forgotten.
    pub(crate) fn catch_up(
        &mut self,
        log_end: &HashMap<(String, i32), i64>,
        budget: Duration,
    ) -> Result<(), String> {
        let ends: HashMap<(String, i32), i64> = log_end
            .iter()
            .filter(|((topic, _), _)| kind_of(topic).is_some())
            .map(|(key, end)| (key.clone(), *end))
            .collect();
        self.forget_gone(&ends)?;
        self.assign_new(&ends)?;
        let deadline = Instant::now() + budget;
        while !self.reached(&ends)? && Instant::now() < deadline {
            let Some(message) = self.consumer.poll(POLL) else {
                continue;
            };
            let message = message.map_err(|e| format!("cannot read MirrorMaker 2 topics: {e}"))?;
            let (Some(key), Some(value)) = (message.key(), message.payload()) else {
                continue;
            };
            self.records
                .apply(message.topic(), key, value, message.timestamp().to_millis());
        }
        Ok(())
    }

    /// The records read so far.
    pub(crate) fn records(&self) -> &MirrorRecords {
        &self.records
    }

    /// Stops reading partitions that are no longer there, and drops what they said.
    fn forget_gone(&mut self, ends: &HashMap<(String, i32), i64>) -> Result<(), String> {
        let gone: Vec<(String, i32)> = self
            .assigned
            .iter()
            .filter(|key| !ends.contains_key(*key))
            .cloned()
            .collect();
        if gone.is_empty() {
            return Ok(());
        }
        let mut list = TopicPartitionList::new();
        for (topic, partition) in &gone {
            list.add_partition(topic, *partition);
            self.assigned.remove(&(topic.clone(), *partition));
        }
        self.consumer
            .incremental_unassign(&list)
            .map_err(|e| format!("cannot stop reading MirrorMaker 2 topics: {e}"))?;
        let topics: HashSet<&str> = ends.keys().map(|(t, _)| t.as_str()).collect();
        self.records
            .heartbeats
            .retain(|(topic, _, _), _| topics.contains(topic.as_str()));
        self.records
            .checkpoints
            .retain(|(topic, _, _, _), _| topics.contains(topic.as_str()));
        Ok(())
    }

    /// Starts reading the partitions seen for the first time: a checkpoints topic from its
    /// start (compacted: one record per group's partition), a heartbeats topic near its end.
    fn assign_new(&mut self, ends: &HashMap<(String, i32), i64>) -> Result<(), String> {
        let mut list = TopicPartitionList::new();
        for (topic, partition) in ends.keys() {
            if self.assigned.contains(&(topic.clone(), *partition)) {
                continue;
            }
            let from = match kind_of(topic) {
                Some(Kind::Heartbeats) => Offset::OffsetTail(HEARTBEATS_TAIL),
                _ => Offset::Beginning,
            };
            list.add_partition_offset(topic, *partition, from)
                .map_err(|e| e.to_string())?;
            self.assigned.insert((topic.clone(), *partition));
        }
        if list.count() == 0 {
            return Ok(());
        }
        self.consumer
            .incremental_assign(&list)
            .map_err(|e| format!("cannot read MirrorMaker 2 topics: {e}"))
    }

    /// Whether every partition is read up to its high watermark (an empty one is).
    fn reached(&self, ends: &HashMap<(String, i32), i64>) -> Result<bool, String> {
        if ends.is_empty() {
            return Ok(true);
        }
        let positions = self.consumer.position().map_err(|e| e.to_string())?;
        Ok(ends.iter().all(|((topic, partition), high)| {
            *high <= 0
                || positions
                    .find_partition(topic, *partition)
                    .is_some_and(|p| matches!(p.offset(), Offset::Offset(at) if at >= *high))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_past_the_cap_are_left_out_and_known_ones_still_follow() {
        let mut records = MirrorRecords::default();
        for n in 0..MAX_KEPT {
            let key = ("heartbeats".to_owned(), format!("a{n}"), "b".to_owned());
            records.heartbeats.insert(key, 1);
        }
        let beat = |source: &str, at: i64| {
            let mut key = Vec::new();
            for text in [source, "b"] {
                key.extend((text.len() as i16).to_be_bytes());
                key.extend(text.as_bytes());
            }
            let mut value = 0i16.to_be_bytes().to_vec();
            value.extend(at.to_be_bytes());
            (key, value)
        };
        let (key, value) = beat("new", 5);
        records.apply("heartbeats", &key, &value, None);
        assert_eq!(records.heartbeats.len(), MAX_KEPT);
        let (key, value) = beat("a7", 9);
        records.apply("heartbeats", &key, &value, None);
        let known = ("heartbeats".to_owned(), "a7".to_owned(), "b".to_owned());
        assert_eq!(records.heartbeats[&known], 9);
    }

    #[test]
    fn heartbeats_and_checkpoints_topics_are_told_from_others() {
        assert_eq!(kind_of("heartbeats"), Some(Kind::Heartbeats));
        assert_eq!(kind_of("main.heartbeats"), Some(Kind::Heartbeats));
        assert_eq!(kind_of("east.west.heartbeats"), Some(Kind::Heartbeats));
        assert_eq!(
            kind_of("main.checkpoints.internal"),
            Some(Kind::Checkpoints)
        );
        assert_eq!(
            kind_of("main_checkpoints_internal"),
            Some(Kind::Checkpoints)
        );
        for other in [
            "orders",
            "checkpoints.internal",
            "mm2-offset-syncs.mirror.internal",
        ] {
            assert_eq!(kind_of(other), None, "{other}");
        }
    }
}
