//! Replaying dead letters: the chosen records (some, or every one of an error group) produced
//! again with their key, value and original headers (Connect's error headers left out), to the
//! topic each came from (its `__connect.errors.topic` header, which the caller must confirm,
//! since whoever writes to a sink's topics can forge it) or to another. Never to Connect's own
//! topics or any compacted or internal topic. At least once: a replay that fails part-way may
//! be repeated, producing some records twice.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::Duration;

use api_types::{RecordRef, RefusedTarget, ReplayReport, ReplayRequest};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::{ClientConfig, ClientContext};

use super::dlq::{ERROR_HEADERS, cause_of, group_key, latest};
use super::internal::{by_content, by_name};
use super::read::{RawRecord, ReadError, Reading, Start, partition_ranges, read, reader};
use crate::config::Cluster;

/// At most this many records are replayed by one request.
pub(crate) const MAX_REPLAYED: usize = 10_000;
/// Records chosen one by one are read within this span of offsets per partition.
const MAX_SPAN: i64 = 100_000;
const FLUSH_WITHIN: Duration = Duration::from_secs(30);
/// The bytes (keys and values) a replay reads at most, over all its partitions: a caller
/// cannot make Plugboard hold more than about twice this at once.
const READ_BUDGET: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Refused(String),
}

/// Plans the replay `request` asks of dead letter topic `dlq` and, unless it is a dry run,
/// makes it: records whose target is refused are counted and named, not replayed, and targets
/// taken from headers must be among the confirmed ones.
pub(crate) fn replay(
    config: &ClientConfig,
    dlq: &str,
    request: &ReplayRequest,
    clusters: &[Cluster],
) -> Result<ReplayReport, ReplayError> {
    let from_connect = |kind: super::internal::ConnectTopic| {
        ReplayError::Refused(format!(
            "`{dlq}` is Kafka Connect's {} topic: no replay reads it",
            kind.as_str()
        ))
    };
    if let Some(kind) = by_name(clusters, dlq) {
        return Err(from_connect(kind));
    }
    let records = select(config, dlq, request)?;
    if let Some(kind) = by_content(&records) {
        return Err(from_connect(kind));
    }
    let sends = destinations(&records, request.target.as_deref())?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for (target, _) in &sends {
        *counts.entry(target.clone()).or_default() += 1;
    }
    let refused = refused_targets(config, counts.keys(), clusters)?;
    if let Some(target) = &request.target
        && let Some(reason) = refused.get(target)
    {
        return Err(ReplayError::Refused(format!(
            "no replay goes to `{target}`: {reason}"
        )));
    }
    let from_headers = request.target.is_none();
    let unconfirmed: Vec<String> = counts
        .keys()
        .filter(|t| !refused.contains_key(*t) && !request.confirmed_targets.contains(t))
        .map(|t| format!("`{t}`"))
        .collect();
    if from_headers && !request.dry_run && !unconfirmed.is_empty() {
        return Err(ReplayError::Refused(format!(
            "the dead letters' headers name {}: confirm these targets after a dry run",
            unconfirmed.join(", ")
        )));
    }
    let sends: Vec<_> = sends
        .into_iter()
        .filter(|(target, _)| !refused.contains_key(target))
        .collect();
    let (produced, failed) = if request.dry_run {
        (0, 0)
    } else {
        produce(config, &sends)?
    };
    let refused: Vec<RefusedTarget> = refused
        .into_iter()
        .map(|(topic, reason)| RefusedTarget {
            records: counts.remove(&topic).unwrap_or(0),
            topic,
            reason,
        })
        .collect();
    Ok(ReplayReport {
        dry_run: request.dry_run,
        selected: records.len() as u64,
        targets: counts,
        from_headers,
        refused,
        produced,
        failed,
    })
}

/// The dead letters `request` chooses, read from `dlq`.
pub(crate) fn select(
    config: &ClientConfig,
    dlq: &str,
    request: &ReplayRequest,
) -> Result<Vec<RawRecord>, ReplayError> {
    if let Some(group) = &request.group {
        let records: Vec<RawRecord> = latest(config, dlq)?
            .into_iter()
            .filter(|r| group_key(&cause_of(r)) == *group)
            .collect();
        if records.is_empty() {
            return Err(ReplayError::Refused(format!(
                "no dead letter of group `{group}` among the latest"
            )));
        }
        return Ok(records);
    }
    let wanted: BTreeSet<RecordRef> = request.records.iter().copied().collect();
    if wanted.is_empty() || wanted.len() > MAX_REPLAYED {
        return Err(ReplayError::Refused(format!(
            "choose between 1 and {MAX_REPLAYED} records, or a group"
        )));
    }
    let mut by_partition: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for r in &wanted {
        let span = by_partition
            .entry(r.partition)
            .or_insert((r.offset, r.offset));
        span.0 = span.0.min(r.offset);
        span.1 = span.1.max(r.offset);
    }
    let mut found: Vec<RawRecord> = Vec::new();
    let mut kept_bytes = 0;
    for (partition, (first, last)) in by_partition {
        if last - first >= MAX_SPAN {
            return Err(ReplayError::Refused(format!(
                "the records chosen in partition {partition} span more than {MAX_SPAN} offsets"
            )));
        }
        let reading = Reading {
            topic: dlq.to_owned(),
            partition: Some(partition),
            start: Start::Offset(first),
            max_records: (last - first + 1) as usize,
            max_bytes: READ_BUDGET.saturating_sub(kept_bytes),
            max_time: Duration::from_secs(30),
        };
        let read = read(config, &reading)?;
        if let Some(why) = read.stopped_early {
            return Err(ReplayError::Refused(format!(
                "the records chosen are too many or too far apart to read at once ({why}): choose fewer"
            )));
        }
        let chosen = read.records.into_iter().filter(|r| {
            wanted.contains(&RecordRef {
                partition: r.partition,
                offset: r.offset,
            })
        });
        for record in chosen {
            kept_bytes += record.size();
            found.push(record);
        }
    }
    if found.len() < wanted.len() {
        return Err(ReplayError::Refused(format!(
            "{} of the {} records chosen are no longer in `{dlq}`",
            wanted.len() - found.len(),
            wanted.len()
        )));
    }
    Ok(found)
}

/// Where each record goes: `target`, or the topic it came from.
pub(crate) fn destinations<'r>(
    records: &'r [RawRecord],
    target: Option<&str>,
) -> Result<Vec<(String, &'r RawRecord)>, ReplayError> {
    records
        .iter()
        .map(|record| {
            let topic = target
                .map(str::to_owned)
                .or_else(|| record.header("__connect.errors.topic"))
                .ok_or_else(|| {
                    ReplayError::Refused(format!(
                        "dead letter {}/{} does not say which topic it came from (no error headers): choose a target topic",
                        record.partition, record.offset
                    ))
                })?;
            Ok((topic, record))
        })
        .collect()
}

/// Why no replay goes to each of `targets` that is refused: Kafka's and its tools' own topics
/// (`__consumer_offsets`, `_schemas`...), Connect's own topics by name, any compacted topic
/// (Connect's are all compacted, whatever their names, and a compacted topic is state, not a
/// stream), and topics that do not exist (a producer would only time out). A target whose
/// config cannot be read is refused too.
pub(crate) fn refused_targets<'t>(
    config: &ClientConfig,
    targets: impl IntoIterator<Item = &'t String>,
    clusters: &[Cluster],
) -> Result<BTreeMap<String, String>, ReplayError> {
    let consumer = reader(config)?;
    let mut refused = BTreeMap::new();
    let mut existing = Vec::new();
    for target in targets {
        if target.starts_with('_') {
            refused.insert(target.clone(), "an internal topic".to_owned());
        } else if let Some(kind) = by_name(clusters, target) {
            refused.insert(
                target.clone(),
                format!("Kafka Connect's {} topic", kind.as_str()),
            );
        } else {
            match partition_ranges(&consumer, target, None, Duration::from_secs(10)) {
                Ok(_) => existing.push(target.clone()),
                Err(ReadError::NoSuchTopic(_)) => {
                    refused.insert(target.clone(), "no such topic: create it first".to_owned());
                }
                Err(other) => return Err(other.into()),
            }
        }
    }
    let policies = crate::kafka::topic_config_values(
        &consumer,
        &existing,
        "cleanup.policy",
        Duration::from_secs(10),
    )
    .map_err(ReadError::Kafka)?;
    for target in existing {
        match policies.get(&target) {
            // Read without a cleanup policy: Kafka's default, delete.
            Some(None) => {}
            Some(Some(policy)) if !policy.contains("compact") => {}
            Some(Some(_)) => {
                refused.insert(target, "a compacted topic".to_owned());
            }
            None => {
                refused.insert(target, "its config cannot be read".to_owned());
            }
        }
    }
    Ok(refused)
}

/// Counts deliveries that failed.
#[derive(Default)]
pub(crate) struct Deliveries {
    failed: Mutex<u64>,
}

impl Deliveries {
    /// How many deliveries failed so far.
    pub(crate) fn failed(&self) -> u64 {
        *self.failed.lock().expect("never poisoned")
    }
}

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if result.is_err() {
            *self.failed.lock().expect("never poisoned") += 1;
        }
    }
}

/// Produces each record to its topic; answers how many were delivered and how many were not
/// (refused, failed, or still queued after the flush gave up).
pub(crate) fn produce(
    config: &ClientConfig,
    sends: &[(String, &RawRecord)],
) -> Result<(u64, u64), ReadError> {
    let producer: BaseProducer<Deliveries> = config
        .clone()
        .set("enable.idempotence", "false")
        .set("client.id", "plugboard-replay")
        .create_with_context(Deliveries::default())
        .map_err(|e| ReadError::Kafka(e.to_string()))?;
    let mut refused = 0;
    for (topic, record) in sends {
        let mut headers = OwnedHeaders::new();
        for (key, value) in record
            .headers
            .iter()
            .filter(|(k, _)| !k.starts_with(ERROR_HEADERS))
        {
            headers = headers.insert(Header {
                key,
                value: value.as_deref(),
            });
        }
        let mut message = BaseRecord::<[u8], [u8]>::to(topic).headers(headers);
        if let Some(key) = &record.key {
            message = message.key(key.as_slice());
        }
        if let Some(value) = &record.value {
            message = message.payload(value.as_slice());
        }
        if producer.send(message).is_err() {
            refused += 1;
        }
        producer.poll(Duration::ZERO);
    }
    // What is still queued when the flush gives up was not delivered either.
    let _ = producer.flush(FLUSH_WITHIN);
    let undelivered = u64::try_from(producer.in_flight_count()).unwrap_or(0);
    let failed = producer.context().failed() + refused + undelivered;
    let sent = sends.len() as u64;
    Ok((sent.saturating_sub(failed), failed.min(sent)))
}
