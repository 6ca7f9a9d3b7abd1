//! A sink's dead letter queue: how many records it holds, how many arrived in the last hour,
//! and the latest ones grouped by cause, read from the error headers Connect adds
//! (`errors.deadletterqueue.context.headers.enable`).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use api_types::{DlqSummary, ErrorGroup, OriginRange, RecordRef};
use rdkafka::ClientConfig;

use super::read::{
    RawRecord, ReadError, Reading, Start, offsets_at, partition_ranges, read, reader,
};

/// The latest dead letters grouped by cause, at most.
pub(crate) const SCANNED: usize = 1_000;
/// At most this many bytes of dead letters are read for the groups.
const SCANNED_BYTES: usize = 32 * 1024 * 1024;
const SCAN_TIME: Duration = Duration::from_secs(5);
/// Connect's error headers all start with this.
pub(crate) const ERROR_HEADERS: &str = "__connect.errors.";

/// The dead letter topic a connector's config names.
pub(crate) fn dlq_topic(config: &BTreeMap<String, String>) -> Option<String> {
    config
        .get("errors.deadletterqueue.topic.name")
        .filter(|t| !t.trim().is_empty())
        .cloned()
}

/// `errors.tolerance=all`: failed records are skipped instead of failing the task.
pub(crate) fn tolerates_errors(config: &BTreeMap<String, String>) -> bool {
    config
        .get("errors.tolerance")
        .is_some_and(|t| t.eq_ignore_ascii_case("all"))
}

/// The latest dead letters of `topic`, at most [`SCANNED`].
pub(crate) fn latest(config: &ClientConfig, topic: &str) -> Result<Vec<RawRecord>, ReadError> {
    let reading = Reading {
        topic: topic.to_owned(),
        partition: None,
        start: Start::NewestOverall(SCANNED as u64),
        max_records: SCANNED,
        max_bytes: SCANNED_BYTES,
        max_time: SCAN_TIME,
    };
    let mut records = read(config, &reading)?.records;
    records.sort_by_key(|r| std::cmp::Reverse(r.timestamp_ms));
    Ok(records)
}

/// How full and how fast `topic` is, and (with `groups`) its latest records by cause. A topic
/// that does not exist yet is an empty queue.
pub(crate) fn summarize(
    config: &ClientConfig,
    topic: &str,
    context_headers: bool,
    groups: bool,
    now_ms: i64,
) -> Result<DlqSummary, ReadError> {
    let consumer = reader(config)?;
    let ranges = match partition_ranges(&consumer, topic, None, SCAN_TIME) {
        Ok(ranges) => ranges,
        Err(ReadError::NoSuchTopic(_)) => Vec::new(),
        Err(other) => return Err(other),
    };
    let total: i64 = ranges.iter().map(|r| r.high - r.low).sum();
    let hour_ago = offsets_at(&consumer, topic, &ranges, now_ms - 3_600_000, SCAN_TIME)?;
    let last_hour: i64 = ranges.iter().map(|r| r.high - hour_ago[&r.partition]).sum();
    let scanned = if total > 0 {
        latest(config, topic)?
    } else {
        Vec::new()
    };
    Ok(DlqSummary {
        topic: topic.to_owned(),
        total: total.max(0) as u64,
        last_hour: Some(last_hour.max(0) as u64),
        per_minute: Some(last_hour.max(0) as f64 / 60.0),
        newest_ms: scanned.iter().filter_map(|r| r.timestamp_ms).max(),
        failing_quietly: false,
        context_headers,
        groups: groups.then(|| group_by_cause(&scanned)),
        scanned: scanned.len() as u64,
    })
}

/// The group a dead letter belongs to: its exception class and the first line of its message.
pub(crate) fn cause_of(record: &RawRecord) -> (String, String) {
    let exception = record
        .header("__connect.errors.exception.class.name")
        .unwrap_or_else(|| "(no error headers)".to_owned());
    let message = record
        .header("__connect.errors.exception.message")
        .unwrap_or_default();
    let first_line = message.lines().next().unwrap_or_default().trim().to_owned();
    (exception, first_line)
}

/// The key naming a group in a replay request.
pub(crate) fn group_key((exception, message): &(String, String)) -> String {
    format!("{exception}: {message}")
}

/// The first and last original offset of a group's records, by original topic and partition.
type OriginSpans = BTreeMap<(String, i32), (i64, i64)>;

/// Dead letters grouped by cause, the most frequent first.
pub(crate) fn group_by_cause(records: &[RawRecord]) -> Vec<ErrorGroup> {
    let mut groups: HashMap<(String, String), ErrorGroup> = HashMap::new();
    let mut origins: HashMap<(String, String), OriginSpans> = HashMap::new();
    for record in records {
        let cause = cause_of(record);
        let group = groups.entry(cause.clone()).or_insert_with(|| ErrorGroup {
            key: group_key(&cause),
            exception: cause.0.clone(),
            message: cause.1.clone(),
            stage: record.header("__connect.errors.stage"),
            class_name: record.header("__connect.errors.class.name"),
            count: 0,
            first_seen_ms: None,
            last_seen_ms: None,
            origins: Vec::new(),
            records: Vec::new(),
        });
        group.count += 1;
        if let Some(at) = record.timestamp_ms {
            group.first_seen_ms = Some(group.first_seen_ms.map_or(at, |f| f.min(at)));
            group.last_seen_ms = Some(group.last_seen_ms.map_or(at, |l| l.max(at)));
        }
        group.records.push(RecordRef {
            partition: record.partition,
            offset: record.offset,
        });
        let original = (
            record.header("__connect.errors.topic"),
            record
                .header("__connect.errors.partition")
                .and_then(|p| p.parse().ok()),
            record
                .header("__connect.errors.offset")
                .and_then(|o| o.parse::<i64>().ok()),
        );
        if let (Some(topic), Some(partition), Some(offset)) = original {
            let range = origins
                .entry(cause)
                .or_default()
                .entry((topic, partition))
                .or_insert((offset, offset));
            range.0 = range.0.min(offset);
            range.1 = range.1.max(offset);
        }
    }
    let mut list: Vec<ErrorGroup> = groups
        .into_iter()
        .map(|(cause, mut group)| {
            group.records.sort();
            group.origins = origins
                .remove(&cause)
                .unwrap_or_default()
                .into_iter()
                .map(|((topic, partition), (first, last))| OriginRange {
                    topic,
                    partition,
                    first_offset: first,
                    last_offset: last,
                })
                .collect();
            group
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_letter(offset: i64, exception: &str, message: &str, origin: i64) -> RawRecord {
        let header =
            |k: &str, v: &str| (format!("{ERROR_HEADERS}{k}"), Some(v.as_bytes().to_vec()));
        RawRecord {
            partition: 0,
            offset,
            timestamp_ms: Some(1_000 + offset),
            key: None,
            value: Some(b"not json".to_vec()),
            headers: vec![
                header("topic", "orders"),
                header("partition", "1"),
                header("offset", &origin.to_string()),
                header("stage", "VALUE_CONVERTER"),
                header("exception.class.name", exception),
                header("exception.message", message),
            ],
        }
    }

    #[test]
    fn dead_letters_group_by_exception_and_first_message_line() {
        let records = [
            dead_letter(0, "DataException", "Converting failed\n at line 1", 10),
            dead_letter(1, "DataException", "Converting failed\n at line 7", 14),
            dead_letter(2, "DataException", "Another cause", 12),
            dead_letter(3, "DataException", "Converting failed", 11),
        ];

        let groups = group_by_cause(&records);

        assert_eq!(groups.len(), 2);
        let first = &groups[0];
        assert_eq!(
            (first.count, first.message.as_str()),
            (3, "Converting failed")
        );
        assert_eq!(first.stage.as_deref(), Some("VALUE_CONVERTER"));
        assert_eq!(
            (first.first_seen_ms, first.last_seen_ms),
            (Some(1_000), Some(1_003))
        );
        assert_eq!(
            first.origins,
            [OriginRange {
                topic: "orders".into(),
                partition: 1,
                first_offset: 10,
                last_offset: 14
            }]
        );
        let offsets: Vec<i64> = first.records.iter().map(|r| r.offset).collect();
        assert_eq!(offsets, [0, 1, 3]);
        assert_eq!(groups[1].count, 1);
    }
}
