//! The snapshot loop of one cluster: a thread of its own (librdkafka's calls block) reads an
//! [`Observation`] every interval and publishes the latest view, until it is told to stop. A
//! failed cycle keeps the last good snapshot and records the error and since when Kafka has
//! been unreachable. It reads only while its `reading` flag is up: among several replicas, on
//! the one that leads the cluster's snapshots (the others take its views, see [`super::shared`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use api_types::KafkaStatus;
use tokio::sync::{oneshot, watch};
use tokio_util::sync::CancellationToken;

use super::observation::KafkaSource;
use super::snapshot::Snapshot;
use super::snapshot::rates::CycleRates;
use crate::clock::now_ms;

/// What is known of a cluster's Kafka right now.
#[derive(Debug, Clone, Default)]
pub struct KafkaView {
    /// The last good snapshot.
    pub snapshot: Option<Arc<Snapshot>>,
    /// The last cycle's error, while cycles fail.
    pub error: Option<String>,
    pub unreachable_since_ms: Option<i64>,
}

impl KafkaView {
    pub fn status(&self, cluster: &str) -> KafkaStatus {
        KafkaStatus {
            cluster: cluster.to_owned(),
            configured: true,
            taken_at_ms: self.snapshot.as_ref().map(|s| s.taken_at_ms),
            unreachable_since_ms: self.unreachable_since_ms,
            error: self.error.clone(),
            cycle_ms: self.snapshot.as_ref().map(|s| s.cycle_ms),
            requests_per_cycle: self.snapshot.as_ref().and_then(|s| s.requests_per_cycle),
        }
    }
}

/// Starts the loop for `source` on a thread of its own, publishing through `views` each cycle
/// that `reading` is up, until `stop`; the returned channel resolves when the thread has ended.
pub(crate) fn spawn(
    cluster: String,
    source: Box<dyn KafkaSource>,
    interval: Duration,
    views: watch::Sender<Arc<KafkaView>>,
    reading: Arc<AtomicBool>,
    stop: &CancellationToken,
) -> oneshot::Receiver<()> {
    let (ended, on_end) = oneshot::channel();
    let stop = stop.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("kafka-{cluster}"))
        .spawn(move || {
            run(&cluster, source, interval, &views, &reading, &stop);
            let _ = ended.send(());
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the Kafka snapshot thread: {e}");
    }
    on_end
}

fn run(
    cluster: &str,
    mut source: Box<dyn KafkaSource>,
    interval: Duration,
    views: &watch::Sender<Arc<KafkaView>>,
    reading: &AtomicBool,
    stop: &CancellationToken,
) {
    let mut rates = CycleRates::default();
    let mut requests_before: Option<u64> = None;
    while !stop.is_cancelled() {
        let started = Instant::now();
        if !reading.load(Ordering::Acquire) {
            pause_until(started + interval.min(Duration::from_millis(500)), stop);
            continue;
        }
        let outcome = source.observe();
        let requests = source.requests_sent();
        let view = views.borrow().clone();
        let next = match outcome {
            Ok(observation) => {
                let taken_at_ms = now_ms();
                if view.error.is_some() {
                    tracing::info!(cluster, "Kafka answers again");
                }
                let (consume_rates, append_rates) = rates.record(taken_at_ms, &observation);
                let snapshot = Snapshot {
                    consume_rates,
                    append_rates,
                    observation,
                    taken_at_ms,
                    cycle_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    requests_per_cycle: requests
                        .zip(requests_before)
                        .map(|(now, before)| now.saturating_sub(before)),
                };
                KafkaView {
                    snapshot: Some(Arc::new(snapshot)),
                    error: None,
                    unreachable_since_ms: None,
                }
            }
            Err(error) => {
                if view.error.is_none() {
                    tracing::warn!(cluster, "cannot read Kafka: {error}");
                }
                KafkaView {
                    snapshot: view.snapshot.clone(),
                    error: Some(error),
                    unreachable_since_ms: view.unreachable_since_ms.or_else(|| Some(now_ms())),
                }
            }
        };
        requests_before = requests;
        views.send_replace(Arc::new(next));
        pause_until(started + interval, stop);
    }
}

/// Sleeps until `deadline`, or less once `stop` is cancelled (looked at every 100 ms).
fn pause_until(deadline: Instant, stop: &CancellationToken) {
    while !stop.is_cancelled() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}
