//! Committed offsets read from Kafka's own record of them, the `__consumer_offsets` topic, by
//! one consumer that follows it (as Burrow does), instead of asking each group's coordinator.
//! librdkafka aborts the whole process when a group coordinator comes back after such a
//! request timed out (its admin code frees the request's state twice:
//! confluentinc/librdkafka#4605), which is exactly what a broker restart does; reading the
//! topic needs no coordinator. It needs Read on `__consumer_offsets`.
//!
//! Only offset commit records are read: key versions 0 and 1 (`group`, `topic`, `partition`,
//! each string with an INT16 length), whose value starts with its version (INT16) and the
//! offset (INT64) in every version; an empty value (tombstone) deletes the offset.
//! Transactional commits count once committed (`read_committed`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use super::wire::Fields;

/// Kafka's topic of committed offsets.
pub(crate) const OFFSETS_TOPIC: &str = "__consumer_offsets";
/// How long one poll waits for a record.
const POLL: Duration = Duration::from_millis(100);

/// One record of the offsets topic, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OffsetRecord {
    Commit {
        group: String,
        topic: String,
        partition: i32,
        offset: i64,
    },
    Delete {
        group: String,
        topic: String,
        partition: i32,
    },
}

/// The record keyed `key` with `value`, when it is an offset commit (or its tombstone).
pub(crate) fn decode(key: &[u8], value: Option<&[u8]>) -> Option<OffsetRecord> {
    let mut key = Fields::new(key);
    if !matches!(key.int16()?, 0 | 1) {
        return None;
    }
    let (group, topic, partition) = (key.string()?, key.string()?, key.int32()?);
    match value.filter(|v| !v.is_empty()) {
        None => Some(OffsetRecord::Delete {
            group,
            topic,
            partition,
        }),
        Some(value) => Some(OffsetRecord::Commit {
            group,
            topic,
            partition,
            offset: Fields::after_version(value).int64()?,
        }),
    }
}

/// Every group's committed offsets, kept up to date by a consumer of the offsets topic that
/// never joins a group.
pub(crate) struct CommittedOffsets<C: ConsumerContext> {
    consumer: BaseConsumer<C>,
    /// Partitions of the offsets topic assigned so far.
    assigned: usize,
    /// Whether the topic was once read to its end: until then no group's offsets are known.
    read_whole: bool,
    by_group: HashMap<String, HashMap<(String, i32), i64>>,
}

impl<C: ConsumerContext> CommittedOffsets<C> {
    /// A reader of the cluster `config` connects to, with `context` for its client.
    pub(crate) fn new(mut config: ClientConfig, context: C) -> Result<Self, String> {
        let consumer = config
            .set("group.id", "plugboard-offsets-reader")
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("isolation.level", "read_committed")
            .create_with_context(context)
            .map_err(|e| format!("cannot create the offsets reader: {e}"))?;
        Ok(Self {
            consumer,
            assigned: 0,
            read_whole: false,
            by_group: HashMap::new(),
        })
    }

    /// The reader's client, for its statistics and logged failures.
    pub(crate) fn consumer(&self) -> &BaseConsumer<C> {
        &self.consumer
    }

    /// Reads what was committed since the last call, until the reader's position reaches
    /// `ends` (each partition's low and high watermark, read at the start of the cycle) or
    /// `budget` has passed. Partitions not assigned yet are read from their beginning. Until
    /// the topic has once been read to its end, running out of time is an error (offsets half
    /// read would show lag that is not there); after that the offsets read so far stand.
    pub(crate) fn catch_up(
        &mut self,
        ends: &HashMap<i32, (i64, i64)>,
        budget: Duration,
    ) -> Result<(), String> {
        let partitions = ends.len();
        if partitions > self.assigned {
            let mut list = TopicPartitionList::new();
            for partition in self.assigned..partitions {
                let partition = i32::try_from(partition).map_err(|e| e.to_string())?;
                list.add_partition_offset(OFFSETS_TOPIC, partition, Offset::Beginning)
                    .map_err(|e| e.to_string())?;
            }
            self.consumer
                .incremental_assign(&list)
                .map_err(|e| format!("cannot read {OFFSETS_TOPIC}: {e}"))?;
            self.assigned = partitions;
        }
        let deadline = Instant::now() + budget;
        while !self.reached(ends)? {
            if Instant::now() >= deadline {
                if self.read_whole {
                    tracing::warn!("{OFFSETS_TOPIC} is read behind its end this cycle");
                    return Ok(());
                }
                return Err(format!(
                    "still reading {OFFSETS_TOPIC} from its start (not at its end after {} ms)",
                    budget.as_millis()
                ));
            }
            let Some(message) = self.consumer.poll(POLL) else {
                continue;
            };
            let message = message.map_err(|e| format!("cannot read {OFFSETS_TOPIC}: {e}"))?;
            if let Some(record) = message.key().and_then(|k| decode(k, message.payload())) {
                self.apply(record);
            }
        }
        self.read_whole = true;
        Ok(())
    }

    /// Whether every partition is read up to its high watermark (an empty one is).
    fn reached(&self, ends: &HashMap<i32, (i64, i64)>) -> Result<bool, String> {
        let positions = self.consumer.position().map_err(|e| e.to_string())?;
        Ok(ends.iter().all(|(partition, (low, high))| {
            low >= high
                || positions
                    .find_partition(OFFSETS_TOPIC, *partition)
                    .is_some_and(|p| matches!(p.offset(), Offset::Offset(at) if at >= *high))
        }))
    }

    fn apply(&mut self, record: OffsetRecord) {
        match record {
            OffsetRecord::Commit {
                group,
                topic,
                partition,
                offset,
            } => {
                self.by_group
                    .entry(group)
                    .or_default()
                    .insert((topic, partition), offset);
            }
            OffsetRecord::Delete {
                group,
                topic,
                partition,
            } => {
                if let Some(offsets) = self.by_group.get_mut(&group) {
                    offsets.remove(&(topic, partition));
                    if offsets.is_empty() {
                        self.by_group.remove(&group);
                    }
                }
            }
        }
    }

    /// The offsets `group` has committed, as (topic, partition, offset), sorted.
    pub(crate) fn of_group(&self, group: &str) -> Vec<(String, i32, i64)> {
        let mut committed: Vec<(String, i32, i64)> = self
            .by_group
            .get(group)
            .into_iter()
            .flatten()
            .filter(|(_, offset)| **offset >= 0)
            .map(|((topic, partition), offset)| (topic.clone(), *partition, *offset))
            .collect();
        committed.sort();
        committed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key as Kafka writes an offset commit's: version, group, topic, partition.
    fn key(version: i16, group: &str, topic: &str, partition: i32) -> Vec<u8> {
        let mut bytes = version.to_be_bytes().to_vec();
        for text in [group, topic] {
            bytes.extend((text.len() as i16).to_be_bytes());
            bytes.extend(text.as_bytes());
        }
        bytes.extend(partition.to_be_bytes());
        bytes
    }

    /// A value: its version, the offset, and whatever follows in that version.
    fn value(version: i16, offset: i64) -> Vec<u8> {
        let mut bytes = version.to_be_bytes().to_vec();
        bytes.extend(offset.to_be_bytes());
        bytes.extend([0, 0, 0, 7, 0, 0]);
        bytes
    }

    #[test]
    fn offset_commits_of_every_value_version_and_their_tombstones_are_decoded() {
        for version in [0, 1, 3, 4] {
            let record = decode(
                &key(1, "connect-orders", "orders", 2),
                Some(&value(version, 42)),
            );
            assert_eq!(
                record,
                Some(OffsetRecord::Commit {
                    group: "connect-orders".into(),
                    topic: "orders".into(),
                    partition: 2,
                    offset: 42
                })
            );
        }
        assert_eq!(
            decode(&key(0, "g", "t", 0), None),
            Some(OffsetRecord::Delete {
                group: "g".into(),
                topic: "t".into(),
                partition: 0
            })
        );
    }

    #[test]
    fn group_metadata_and_cut_records_are_skipped() {
        let mut metadata = 2i16.to_be_bytes().to_vec();
        metadata.extend(1i16.to_be_bytes());
        metadata.push(b'g');
        assert_eq!(decode(&metadata, Some(&[0, 3, 1])), None);
        let whole = key(1, "group", "topic", 0);
        assert_eq!(decode(&whole[..whole.len() - 1], None), None);
        assert_eq!(decode(&whole, Some(&[0, 1, 0, 0])), None);
    }
}
