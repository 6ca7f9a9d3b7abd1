//! Snapshot progress from Debezium's notifications (`notification.enabled.channels=sink`):
//! each record of the notification topic is one `Notification` (id, type, aggregate type,
//! additional data, timestamp), as JSON with or without its schema. An initial snapshot runs
//! from its STARTED to its COMPLETED or ABORTED; an incremental one's notifications all carry
//! the id of the signal that started it. Several connectors may share a topic: each
//! notification names its connector by `connector_name`, which is the connector's
//! `topic.prefix`.

use std::collections::BTreeMap;
use std::time::Duration;

use api_types::{SNAPSHOTS_KEPT, SnapshotKind, SnapshotRun, SnapshotState, TableProgress};
use rdkafka::ClientConfig;
use serde::Deserialize;
use serde_json::Value;

use crate::records::read::{ReadError, Reading, Start, read};

/// A running snapshot with no notification for this long is said to stall. An incremental
/// snapshot notifies every chunk; an initial one only as it starts and ends each table, so a
/// very large table can be quiet for long: the page says so beside the warning.
pub(crate) const STALL_AFTER_MS: i64 = 5 * 60 * 1000;

/// The newest notifications of a topic read at most, and in how many bytes and how long.
const READ_AT_MOST: usize = 5_000;
const READ_BYTES: usize = 8 * 1024 * 1024;
const READ_TIME: Duration = Duration::from_secs(5);

/// One notification as Debezium sends it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aggregate_type: String,
    #[serde(default)]
    pub additional_data: BTreeMap<String, String>,
    /// Sent as a number by the Kafka sink channel (as a string by some others).
    #[serde(deserialize_with = "number_or_text")]
    pub timestamp: i64,
}

fn number_or_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| serde::de::Error::custom("not a whole number")),
        Value::String(s) => s.parse().map_err(serde::de::Error::custom),
        _ => Err(serde::de::Error::custom("a timestamp is a number")),
    }
}

/// The notification in a record's value: JSON, with its schema (`{"schema":..,"payload":..}`)
/// or without. `None` for anything else (another format, another kind of record).
pub(crate) fn notification(value: &[u8]) -> Option<Notification> {
    let mut json: Value = serde_json::from_slice(value).ok()?;
    if json.get("schema").is_some() {
        json = json.get_mut("payload")?.take();
    }
    serde_json::from_value(json).ok()
}

/// The newest notifications of `topic` (at most [`READ_AT_MOST`]), in the order they were
/// sent; none when the topic does not exist yet. Blocking (librdkafka).
pub(crate) fn read_notifications(
    config: &ClientConfig,
    topic: &str,
) -> Result<Vec<Notification>, ReadError> {
    let reading = Reading {
        topic: topic.to_owned(),
        partition: None,
        start: Start::NewestOverall(READ_AT_MOST as u64),
        max_records: READ_AT_MOST,
        max_bytes: READ_BYTES,
        max_time: READ_TIME,
    };
    let mut records = match read(config, &reading) {
        Ok(found) => found.records,
        Err(ReadError::NoSuchTopic(_)) => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    records.sort_by_key(|r| (r.timestamp_ms, r.partition, r.offset));
    Ok(records
        .iter()
        .filter_map(|r| notification(r.value.as_deref()?))
        .collect())
}

/// The snapshots of the connector whose `topic.prefix` is `prefix`, from its notifications in
/// the order they were sent; newest first, at most [`SNAPSHOTS_KEPT`].
pub(crate) fn snapshots(
    notifications: &[Notification],
    prefix: &str,
    now_ms: i64,
) -> Vec<SnapshotRun> {
    let mut runs: Vec<SnapshotRun> = Vec::new();
    for n in notifications
        .iter()
        .filter(|n| n.additional_data.get("connector_name").map(String::as_str) == Some(prefix))
    {
        let kind = match n.aggregate_type.as_str() {
            "Initial Snapshot" => SnapshotKind::Initial,
            "Incremental Snapshot" => SnapshotKind::Incremental,
            _ => continue,
        };
        let id = (kind == SnapshotKind::Incremental).then(|| n.id.clone());
        let open = runs.iter().rposition(|r| {
            r.kind == kind
                && r.id == id
                && !matches!(
                    r.state,
                    SnapshotState::Completed | SnapshotState::Aborted | SnapshotState::Skipped
                )
        });
        // Debezium stops an incremental snapshot with an ABORTED of an id of its own, sent
        // just after the COMPLETED of the snapshot's id: it ends the latest one.
        let stop_of = (kind == SnapshotKind::Incremental
            && n.kind == "ABORTED"
            && !runs.iter().any(|r| r.id == id))
        .then(|| runs.iter().rposition(|r| r.kind == kind))
        .flatten();
        let index = match (open, stop_of) {
            (Some(index), _) if n.kind != "STARTED" => index,
            (None, Some(index)) => index,
            _ => {
                runs.push(new_run(kind, id, n.timestamp));
                runs.len() - 1
            }
        };
        apply(&mut runs[index], n);
    }
    for run in &mut runs {
        finish(run, now_ms);
    }
    runs.reverse();
    runs.truncate(SNAPSHOTS_KEPT);
    runs
}

fn new_run(kind: SnapshotKind, id: Option<String>, at: i64) -> SnapshotRun {
    SnapshotRun {
        kind,
        state: SnapshotState::Running,
        id,
        started_ms: at,
        last_event_ms: at,
        tables: Vec::new(),
        tables_total: 0,
        rows_scanned: 0,
        rows_per_second: None,
        stalled: false,
    }
}

/// The progress of `table` in `run`, added when first named.
fn table<'r>(run: &'r mut SnapshotRun, name: &str) -> &'r mut TableProgress {
    let index = match run.tables.iter().position(|t| t.table == name) {
        Some(index) => index,
        None => {
            run.tables.push(TableProgress {
                table: name.to_owned(),
                rows_scanned: None,
                chunks: 0,
                done: false,
                status: None,
            });
            run.tables.len() - 1
        }
    };
    &mut run.tables[index]
}

fn apply(run: &mut SnapshotRun, n: &Notification) {
    run.last_event_ms = run.last_event_ms.max(n.timestamp);
    let data = &n.additional_data;
    // The tables still to read; an incremental snapshot's list shrinks as tables finish, and an
    // initial one's completion lists the signal table too, so only the starts and progress
    // notifications count.
    if let (true, Some(list)) = (
        matches!(n.kind.as_str(), "STARTED" | "IN_PROGRESS"),
        data.get("data_collections"),
    ) {
        let mut all: Vec<&str> = run.tables.iter().map(|t| t.table.as_str()).collect();
        for named in list.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if !all.contains(&named) {
                all.push(named);
            }
        }
        run.tables_total = run.tables_total.max(all.len());
    }
    match n.kind.as_str() {
        "IN_PROGRESS" | "TABLE_CHUNK_IN_PROGRESS" => {
            if let Some(name) = data.get("current_collection_in_progress") {
                table(run, name).chunks += 1;
            }
        }
        "TABLE_SCAN_COMPLETED" => {
            if let Some(name) = data.get("scanned_collection") {
                let progress = table(run, name);
                progress.done = true;
                progress.rows_scanned = data.get("total_rows_scanned").and_then(|r| r.parse().ok());
                progress.status = data.get("status").cloned();
            }
        }
        "PAUSED" => run.state = SnapshotState::Paused,
        "RESUMED" => run.state = SnapshotState::Running,
        "COMPLETED" => run.state = SnapshotState::Completed,
        "SKIPPED" => run.state = SnapshotState::Skipped,
        "ABORTED" => run.state = SnapshotState::Aborted,
        _ => {}
    }
}

/// Totals, rate and stall, once every notification is applied.
fn finish(run: &mut SnapshotRun, now_ms: i64) {
    run.tables_total = run.tables_total.max(run.tables.len());
    run.rows_scanned = run.tables.iter().filter_map(|t| t.rows_scanned).sum();
    let seconds = (run.last_event_ms - run.started_ms) as f64 / 1000.0;
    run.rows_per_second =
        (seconds > 0.0 && run.rows_scanned > 0).then(|| run.rows_scanned as f64 / seconds);
    run.stalled =
        run.state == SnapshotState::Running && now_ms - run.last_event_ms > STALL_AFTER_MS;
}

#[cfg(test)]
mod tests;
