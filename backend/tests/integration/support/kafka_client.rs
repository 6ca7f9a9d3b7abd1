//! Kafka clients for set-up in tests: topics created and records produced with rdkafka.

use std::sync::Mutex;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::{ClientConfig, ClientContext};

pub const TIMEOUT: Duration = Duration::from_secs(10);

pub fn client_config(bootstrap: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", bootstrap);
    config
}

pub async fn create_topics(bootstrap: &str, names: &[String], partitions: i32) {
    let admin: AdminClient<_> = client_config(bootstrap).create().unwrap();
    let topics: Vec<_> = names
        .iter()
        .map(|n| NewTopic::new(n, partitions, TopicReplication::Fixed(1)))
        .collect();
    let results = admin
        .create_topics(
            &topics,
            &AdminOptions::new().operation_timeout(Some(TIMEOUT)),
        )
        .await
        .unwrap();
    for result in results {
        result.unwrap();
    }
}

/// Counts delivery failures, so a record that did not land fails the test at once.
#[derive(Default)]
struct Deliveries {
    failures: Mutex<Vec<String>>,
}

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        if let Err((error, _)) = result {
            self.failures.lock().unwrap().push(error.to_string());
        }
    }
}

/// Produces `counts[p]` JSON string records to partition `p` of `topic`.
pub fn produce(bootstrap: &str, topic: &str, counts: &[usize]) {
    let producer: BaseProducer<Deliveries> = client_config(bootstrap)
        .create_with_context(Deliveries::default())
        .unwrap();
    for (partition, &count) in counts.iter().enumerate() {
        for n in 0..count {
            let payload = format!("\"record {n}\"");
            let record = BaseRecord::<(), _>::to(topic)
                .partition(partition as i32)
                .payload(&payload);
            producer.send(record).map_err(|(e, _)| e).unwrap();
        }
    }
    producer.flush(TIMEOUT).unwrap();
    let failures = producer.context().failures.lock().unwrap();
    assert!(failures.is_empty(), "records not delivered: {failures:?}");
}
