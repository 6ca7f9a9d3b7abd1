//! Topics filled with one-byte records, for the benchmarks that need many partitions with data
//! (the Kafka snapshot and the replication page).

use std::time::Duration;

use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

use crate::common::client;

/// Writes `records` records of one byte to each of `partitions` partitions of every topic in
/// `topics`, waiting for all to be delivered.
pub(crate) fn fill(bootstrap: &str, topics: &[String], partitions: i32, records: usize) {
    let producer: BaseProducer = client(bootstrap).create().unwrap();
    for topic in topics {
        for partition in 0..partitions {
            for _ in 0..records {
                let mut record = BaseRecord::<(), _>::to(topic)
                    .partition(partition)
                    .payload("x");
                // A full local queue gives the record back: serve deliveries, then retry.
                while let Err((_, back)) = producer.send(record) {
                    record = back;
                    producer.poll(Duration::from_millis(10));
                }
            }
        }
    }
    producer.flush(Duration::from_secs(60)).unwrap();
}
