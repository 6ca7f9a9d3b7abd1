//! The snapshot loop of one cluster: a thread of its own (librdkafka's calls block) reads an
//! [`Observation`] every interval and publishes the latest view. A failed cycle keeps the last
//! good snapshot and records the error and since when Kafka has been unreachable.

use std::sync::Arc;
use std::time::{Duration, Instant};

use api_types::KafkaStatus;
use tokio::sync::watch;

use super::observation::KafkaSource;
use super::snapshot::Snapshot;
use super::snapshot::rates::ConsumeRates;

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

/// Starts the loop for `source` on a thread of its own; the loop ends when every receiver of
/// the returned channel is gone.
pub fn spawn(
    cluster: String,
    source: Box<dyn KafkaSource>,
    interval: Duration,
) -> watch::Receiver<Arc<KafkaView>> {
    let (sender, receiver) = watch::channel(Arc::new(KafkaView::default()));
    let spawned = std::thread::Builder::new()
        .name(format!("kafka-{cluster}"))
        .spawn(move || run(&cluster, source, interval, &sender));
    if let Err(e) = spawned {
        tracing::error!("cannot start the Kafka snapshot thread: {e}");
    }
    receiver
}

fn run(
    cluster: &str,
    mut source: Box<dyn KafkaSource>,
    interval: Duration,
    sender: &watch::Sender<Arc<KafkaView>>,
) {
    let mut rates = ConsumeRates::default();
    let mut requests_before: Option<u64> = None;
    loop {
        let started = Instant::now();
        let outcome = source.observe();
        let requests = source.requests_sent();
        let view = sender.borrow().clone();
        let next = match outcome {
            Ok(observation) => {
                let taken_at_ms = now_ms();
                if view.error.is_some() {
                    tracing::info!(cluster, "Kafka answers again");
                }
                let snapshot = Snapshot {
                    consume_rates: rates.record(taken_at_ms, &observation.groups),
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
        if sender.send(Arc::new(next)).is_err() {
            return;
        }
        std::thread::sleep(interval.saturating_sub(started.elapsed()));
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
