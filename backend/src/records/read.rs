//! Reading records of any topic with a consumer that never joins a group: the newest N, or from
//! an offset or a time, per partition, bounded in records, bytes and time so that a huge topic
//! never stalls Plugboard. Blocking (librdkafka); called on a blocking thread.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use api_types::{KafkaRecord, PartitionRange, Payload, RecordHeader, RecordPage};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

/// Where reading starts in each partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// The last N records of each partition.
    Newest(u64),
    /// The last N records of the topic, as the last N / partitions of each.
    NewestOverall(u64),
    Offset(i64),
    /// The first record at or after this time (ms since the epoch).
    Time(i64),
}

/// What to read and how much at most.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub topic: String,
    /// One partition, or all.
    pub partition: Option<i32>,
    pub start: Start,
    pub max_records: usize,
    pub max_bytes: usize,
    pub max_time: Duration,
}

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no topic `{0}` in the cluster")]
    NoSuchTopic(String),
    #[error("no partition {1} in topic `{0}`")]
    NoSuchPartition(String, i32),
    #[error("Kafka: {0}")]
    Kafka(String),
}

fn kafka(error: impl std::fmt::Display) -> ReadError {
    ReadError::Kafka(error.to_string())
}

/// A record as read, before it is shaped for the console: its place and raw parts.
pub(crate) struct RawRecord {
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl RawRecord {
    pub(crate) fn header(&self, key: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_ref())
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The bytes of its key and value.
    pub(crate) fn size(&self) -> usize {
        self.key.as_ref().map_or(0, Vec::len) + self.value.as_ref().map_or(0, Vec::len)
    }

    pub(crate) fn shaped(&self, shown_bytes: usize) -> KafkaRecord {
        KafkaRecord {
            partition: self.partition,
            offset: self.offset,
            timestamp_ms: self.timestamp_ms,
            key: self.key.as_deref().map(|k| payload(k, shown_bytes)),
            value: self.value.as_deref().map(|v| payload(v, shown_bytes)),
            headers: self
                .headers
                .iter()
                .map(|(key, value)| RecordHeader {
                    key: key.clone(),
                    value: value.as_deref().map(|v| payload(v, shown_bytes)),
                })
                .collect(),
        }
    }
}

/// The first `shown` bytes of `bytes` as text when they are UTF-8 (cut on a character
/// boundary), else as hex.
pub(crate) fn payload(bytes: &[u8], shown: usize) -> Payload {
    let cut = &bytes[..bytes.len().min(shown)];
    let text = match std::str::from_utf8(cut) {
        Ok(text) => Some(text.to_owned()),
        // Cut in the middle of a character: the valid part is the text.
        Err(e) if e.error_len().is_none() && std::str::from_utf8(bytes).is_ok() => {
            Some(String::from_utf8_lossy(&cut[..e.valid_up_to()]).into_owned())
        }
        Err(_) => None,
    };
    let hex = text
        .is_none()
        .then(|| cut.iter().map(|b| format!("{b:02x}")).collect());
    Payload {
        size: bytes.len() as u64,
        truncated: cut.len() < bytes.len(),
        text,
        hex,
    }
}

/// What a read found: the partitions' ranges, the records (by partition, then offset), and why
/// it stopped early, if it did.
pub(crate) struct Found {
    pub ranges: Vec<PartitionRange>,
    pub records: Vec<RawRecord>,
    pub stopped_early: Option<String>,
}

/// Reads what `reading` asks for.
pub(crate) fn read(config: &ClientConfig, reading: &Reading) -> Result<Found, ReadError> {
    let timeout = reading.max_time;
    let consumer = reader(config)?;
    let ranges = partition_ranges(&consumer, &reading.topic, reading.partition, timeout)?;
    let starts = start_offsets(&consumer, reading, &ranges, timeout)?;
    let mut assignment = TopicPartitionList::new();
    let mut ends: HashMap<i32, i64> = HashMap::new();
    for range in &ranges {
        let start = starts[&range.partition];
        if start < range.high {
            assignment
                .add_partition_offset(&reading.topic, range.partition, Offset::Offset(start))
                .map_err(kafka)?;
            ends.insert(range.partition, range.high);
        }
    }
    let mut records = Vec::new();
    let mut stopped_early = None;
    if !ends.is_empty() {
        consumer.assign(&assignment).map_err(kafka)?;
        stopped_early = poll_until_done(&consumer, reading, &mut ends, &mut records)?;
    }
    records.sort_by_key(|r| (r.partition, r.offset));
    Ok(Found {
        ranges,
        records,
        stopped_early,
    })
}

fn poll_until_done(
    consumer: &BaseConsumer,
    reading: &Reading,
    ends: &mut HashMap<i32, i64>,
    records: &mut Vec<RawRecord>,
) -> Result<Option<String>, ReadError> {
    let deadline = Instant::now() + reading.max_time;
    let mut bytes = 0;
    while !ends.is_empty() {
        if records.len() >= reading.max_records {
            return Ok(Some(format!("stopped at {} records", reading.max_records)));
        }
        if bytes >= reading.max_bytes {
            return Ok(Some(format!("stopped at {} bytes", reading.max_bytes)));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Some(format!(
                "stopped after {} ms",
                reading.max_time.as_millis()
            )));
        }
        let Some(message) = consumer.poll(left.min(Duration::from_millis(200))) else {
            continue;
        };
        let message = message.map_err(kafka)?;
        let partition = message.partition();
        let Some(&end) = ends.get(&partition) else {
            continue;
        };
        if message.offset() >= end {
            ends.remove(&partition);
            continue;
        }
        let headers = message
            .headers()
            .map(|h| {
                h.iter()
                    .map(|header| (header.key.to_owned(), header.value.map(<[u8]>::to_vec)))
                    .collect()
            })
            .unwrap_or_default();
        let record = RawRecord {
            partition,
            offset: message.offset(),
            timestamp_ms: message.timestamp().to_millis(),
            key: message.key().map(<[u8]>::to_vec),
            value: message.payload().map(<[u8]>::to_vec),
            headers,
        };
        bytes += record.size();
        if message.offset() + 1 >= end {
            ends.remove(&partition);
        }
        records.push(record);
    }
    Ok(None)
}

/// A consumer that reads by assignment only: it never joins its group or commits (librdkafka
/// needs a group id to assign partitions).
pub(crate) fn reader(config: &ClientConfig) -> Result<BaseConsumer, ReadError> {
    config
        .clone()
        .set("group.id", "plugboard-record-reader")
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("isolation.level", "read_uncommitted")
        // Small fetches: a read wants a page, and a broker serves a small fetch sooner.
        .set("max.partition.fetch.bytes", "262144")
        .set("fetch.max.bytes", "1048576")
        .create()
        .map_err(kafka)
}

/// Each partition's low and high watermarks (of one partition, or of all).
pub(crate) fn partition_ranges(
    consumer: &BaseConsumer,
    topic_name: &str,
    partition: Option<i32>,
    timeout: Duration,
) -> Result<Vec<PartitionRange>, ReadError> {
    let metadata = consumer
        .fetch_metadata(Some(topic_name), timeout)
        .map_err(kafka)?;
    let topic = metadata
        .topics()
        .iter()
        .find(|t| t.name() == topic_name && t.error().is_none() && !t.partitions().is_empty())
        .ok_or_else(|| ReadError::NoSuchTopic(topic_name.to_owned()))?;
    let ids: Vec<i32> = topic
        .partitions()
        .iter()
        .map(rdkafka::metadata::MetadataPartition::id)
        .filter(|id| partition.is_none_or(|wanted| wanted == *id))
        .collect();
    if let Some(wanted) = partition
        && ids.is_empty()
    {
        return Err(ReadError::NoSuchPartition(topic_name.to_owned(), wanted));
    }
    let mut ranges = Vec::new();
    for partition in ids {
        let (low, high) = consumer
            .fetch_watermarks(topic_name, partition, timeout)
            .map_err(kafka)?;
        ranges.push(PartitionRange {
            partition,
            low,
            high,
        });
    }
    Ok(ranges)
}

/// Where each partition's read starts, within its watermarks.
fn start_offsets(
    consumer: &BaseConsumer,
    reading: &Reading,
    ranges: &[PartitionRange],
    timeout: Duration,
) -> Result<HashMap<i32, i64>, ReadError> {
    let clamp = |r: &PartitionRange, offset: i64| offset.clamp(r.low, r.high);
    match reading.start {
        Start::Newest(n) => Ok(ranges
            .iter()
            .map(|r| (r.partition, clamp(r, r.high - n as i64)))
            .collect()),
        Start::NewestOverall(n) => {
            let each = (n / ranges.len().max(1) as u64).max(1) as i64;
            Ok(ranges
                .iter()
                .map(|r| (r.partition, clamp(r, r.high - each)))
                .collect())
        }
        Start::Offset(offset) => Ok(ranges
            .iter()
            .map(|r| (r.partition, clamp(r, offset)))
            .collect()),
        Start::Time(ms) => offsets_at(consumer, &reading.topic, ranges, ms, timeout),
    }
}

/// Each partition's offset of the first record at or after `ms` (its high watermark when
/// there is none).
pub(crate) fn offsets_at(
    consumer: &BaseConsumer,
    topic: &str,
    ranges: &[PartitionRange],
    ms: i64,
    timeout: Duration,
) -> Result<HashMap<i32, i64>, ReadError> {
    let mut asked = TopicPartitionList::new();
    for range in ranges {
        asked
            .add_partition_offset(topic, range.partition, Offset::Offset(ms))
            .map_err(kafka)?;
    }
    let found = consumer.offsets_for_times(asked, timeout).map_err(kafka)?;
    Ok(ranges
        .iter()
        .map(|r| {
            let offset = found
                .find_partition(topic, r.partition)
                .and_then(|e| match e.offset() {
                    Offset::Offset(o) => Some(o),
                    _ => None,
                })
                .unwrap_or(r.high);
            (r.partition, offset.clamp(r.low, r.high))
        })
        .collect())
}

/// What a read found, shaped for the console.
pub(crate) fn page(topic: &str, shown_bytes: usize, found: Found) -> RecordPage {
    RecordPage {
        topic: topic.to_owned(),
        partitions: found.ranges,
        records: found
            .records
            .iter()
            .map(|r| r.shaped(shown_bytes))
            .collect(),
        stopped_early: found.stopped_early,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_text_or_hex_and_cut_with_their_size() {
        let text = payload("héllo wörld".as_bytes(), 2);
        assert_eq!(text.text.as_deref(), Some("h"));
        assert!(text.truncated && text.size == 13 && text.hex.is_none());
        let binary = payload(&[0xff, 0x00, 0x10], 16);
        assert_eq!(binary.hex.as_deref(), Some("ff0010"));
        assert!(binary.text.is_none() && !binary.truncated);
    }
}
