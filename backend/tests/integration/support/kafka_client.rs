//! Kafka clients for set-up in tests: topics created and records produced with rdkafka.

use std::sync::Mutex;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::{ClientConfig, ClientContext};
use rdkafka::{Offset, TopicPartitionList};

pub(crate) const TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn client_config(bootstrap: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", bootstrap);
    config
}

pub(crate) async fn create_topics(bootstrap: &str, names: &[String], partitions: i32) {
    let admin: AdminClient<_> = client_config(bootstrap).create().unwrap();
    // The broker's default replication: one on the stack's broker, three on its second cluster.
    let topics: Vec<_> = names
        .iter()
        .map(|n| NewTopic::new(n, partitions, TopicReplication::Fixed(-1)))
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

/// Creates `name` with one partition whose only replica is on broker `broker` (and
/// `min.insync.replicas=1`, so it is healthy while that broker runs).
pub(crate) async fn create_topic_on(bootstrap: &str, name: &str, broker: i32) {
    let replicas: &[&[i32]] = &[&[broker]];
    let topic = NewTopic::new(name, 1, TopicReplication::Variable(replicas))
        .set("min.insync.replicas", "1");
    create(bootstrap, topic).await;
}

/// Creates `name` with one partition and `cleanup.policy=compact`.
pub(crate) async fn create_compacted_topic(bootstrap: &str, name: &str) {
    let topic = NewTopic::new(name, 1, TopicReplication::Fixed(1)).set("cleanup.policy", "compact");
    create(bootstrap, topic).await;
}

/// Creates `topic`, failing the test if Kafka refuses it.
async fn create(bootstrap: &str, topic: NewTopic<'_>) {
    let admin: AdminClient<_> = client_config(bootstrap).create().unwrap();
    let options = AdminOptions::new().operation_timeout(Some(TIMEOUT));
    for result in admin.create_topics(&[topic], &options).await.unwrap() {
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

fn producer(bootstrap: &str) -> BaseProducer<Deliveries> {
    client_config(bootstrap)
        .create_with_context(Deliveries::default())
        .unwrap()
}

fn delivered(producer: &BaseProducer<Deliveries>) {
    producer.flush(TIMEOUT).unwrap();
    let failures = producer.context().failures.lock().unwrap();
    assert!(failures.is_empty(), "records not delivered: {failures:?}");
}

/// Produces `counts[p]` JSON string records to partition `p` of `topic`.
pub(crate) fn produce(bootstrap: &str, topic: &str, counts: &[usize]) {
    let producer = producer(bootstrap);
    for (partition, &count) in counts.iter().enumerate() {
        for n in 0..count {
            let payload = format!("\"record {n}\"");
            let record = BaseRecord::<(), _>::to(topic)
                .partition(partition as i32)
                .payload(&payload);
            producer.send(record).map_err(|(e, _)| e).unwrap();
        }
    }
    delivered(&producer);
}

/// A record as produced or read in a test: key, value and headers as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextRecord {
    pub key: String,
    pub value: String,
    pub headers: Vec<(String, String)>,
}

/// Produces `records` to partition 0 of `topic`, in order.
pub(crate) fn produce_records(bootstrap: &str, topic: &str, records: &[TextRecord]) {
    let producer = producer(bootstrap);
    for record in records {
        let mut headers = OwnedHeaders::new();
        for (key, value) in &record.headers {
            headers = headers.insert(Header {
                key,
                value: Some(value),
            });
        }
        let message = BaseRecord::to(topic)
            .partition(0)
            .key(&record.key)
            .payload(&record.value)
            .headers(headers);
        producer.send(message).map_err(|(e, _)| e).unwrap();
    }
    delivered(&producer);
}

/// The log-end offset of partition 0 of `topic`, or `None` while the topic does not exist.
pub(crate) fn end_offset(bootstrap: &str, topic: &str) -> Option<i64> {
    let consumer: BaseConsumer = client_config(bootstrap)
        .set("group.id", "plugboard-tests-independent")
        .create()
        .unwrap();
    consumer
        .fetch_watermarks(topic, 0, Duration::from_secs(2))
        .ok()
        .map(|(_, high)| high)
        .filter(|high| *high > 0)
}

/// Every record of partition 0 of `topic`, read with a consumer of the test's own (not
/// Plugboard's code): the independent count.
pub(crate) fn read_all(bootstrap: &str, topic: &str) -> Vec<TextRecord> {
    let consumer: BaseConsumer = client_config(bootstrap)
        .set("group.id", "plugboard-tests-independent")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let (low, high) = consumer.fetch_watermarks(topic, 0, TIMEOUT).unwrap();
    let mut assignment = TopicPartitionList::new();
    assignment
        .add_partition_offset(topic, 0, Offset::Offset(low))
        .unwrap();
    consumer.assign(&assignment).unwrap();
    let text =
        |bytes: Option<&[u8]>| String::from_utf8_lossy(bytes.unwrap_or_default()).into_owned();
    let mut records = Vec::new();
    let deadline = std::time::Instant::now() + TIMEOUT;
    while (records.len() as i64) < high - low && std::time::Instant::now() < deadline {
        let Some(message) = consumer.poll(Duration::from_millis(200)) else {
            continue;
        };
        let message = message.unwrap();
        let headers = message
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| (h.key.to_owned(), text(h.value)))
                    .collect()
            })
            .unwrap_or_default();
        records.push(TextRecord {
            key: text(message.key()),
            value: text(message.payload()),
            headers,
        });
    }
    assert_eq!(
        records.len() as i64,
        high - low,
        "could not read all of {topic}"
    );
    records
}

/// Commits `offsets` (one per partition, from 0) of `topic` for `group`, as a consumer that
/// never joins the group would (the group must have no members).
pub(crate) fn commit(bootstrap: &str, group: &str, topic: &str, offsets: &[i64]) {
    let consumer: BaseConsumer = client_config(bootstrap)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut list = TopicPartitionList::new();
    for (partition, offset) in offsets.iter().enumerate() {
        let partition = i32::try_from(partition).unwrap();
        list.add_partition_offset(topic, partition, Offset::Offset(*offset))
            .unwrap();
    }
    consumer
        .commit(&list, rdkafka::consumer::CommitMode::Sync)
        .unwrap();
}
