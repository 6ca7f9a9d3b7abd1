//! Kafka snapshot benchmark: Apache Kafka (scripts/bench.sh's), 500 consumer groups with committed
//! offsets, first over 1,000 partitions and then over 5,000, read by the release `plugboard`
//! binary every 2 s. Prints per phase: time per snapshot cycle, Kafka requests per cycle (as
//! librdkafka counts them) and the resident memory of the plugboard process.
//!
//! Needs `BENCH_BOOTSTRAP` (scripts/bench.sh sets it). Prints numbers; asserts only that the
//! snapshot saw every group and partition.

mod common;
mod fill;
mod process;

use std::time::{Duration, Instant};

use api_types::{KafkaGroups, KafkaStatus};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use common::{bench_broker, client};
use fill::fill;
use process::{resident_kib, start_plugboard, threads};

const GROUPS: usize = 500;
const PARTITIONS_PER_TOPIC: i32 = 50;
const RECORDS_PER_PARTITION: usize = 3;
const COMMITTED_OFFSET: i64 = 1;
const SAMPLED_CYCLES: usize = 8;
const TIMEOUT: Duration = Duration::from_secs(30);

/// Topics `t{first}`..`t{last}` with records, and each group committing offset 1 on its share
/// of all partitions so far (every partition belongs to exactly one group).
async fn grow(bootstrap: &str, topics: std::ops::Range<usize>) {
    let admin: AdminClient<_> = client(bootstrap).create().unwrap();
    let new: Vec<String> = topics.clone().map(|t| format!("t{t:03}")).collect();
    let specs: Vec<_> = new
        .iter()
        .map(|n| NewTopic::new(n, PARTITIONS_PER_TOPIC, TopicReplication::Fixed(1)))
        .collect();
    for result in admin
        .create_topics(
            &specs,
            &AdminOptions::new().operation_timeout(Some(TIMEOUT)),
        )
        .await
        .unwrap()
    {
        result.unwrap();
    }
    fill(bootstrap, &new, PARTITIONS_PER_TOPIC, RECORDS_PER_PARTITION);
    let all: Vec<(String, i32)> = (0..topics.end)
        .flat_map(|t| (0..PARTITIONS_PER_TOPIC).map(move |p| (format!("t{t:03}"), p)))
        .collect();
    std::thread::scope(|scope| {
        for worker in 0..8 {
            let all = &all;
            scope.spawn(move || {
                for group in (worker..GROUPS).step_by(8) {
                    let consumer: BaseConsumer = client(bootstrap)
                        .set("group.id", format!("g{group:03}"))
                        .create()
                        .unwrap();
                    let mut list = TopicPartitionList::new();
                    for (topic, partition) in all.iter().skip(group).step_by(GROUPS) {
                        list.add_partition_offset(
                            topic,
                            *partition,
                            Offset::Offset(COMMITTED_OFFSET),
                        )
                        .unwrap();
                    }
                    consumer.commit(&list, CommitMode::Sync).unwrap();
                }
            });
        }
    });
}

async fn measure(http: &reqwest::Client, base: &str, pid: u32, partitions: usize) {
    let status_url = format!("{base}/api/v1/clusters/bench/kafka");
    let groups_url = format!("{base}/api/v1/clusters/bench/kafka/groups");
    // Wait for a cycle that sees the whole set-up.
    loop {
        if let Ok(response) = http.get(&groups_url).send().await
            && let Ok(groups) = response.json::<KafkaGroups>().await
        {
            let committed: u32 = groups.groups.iter().map(|g| g.partitions).sum();
            if groups.groups.len() >= GROUPS && committed as usize >= partitions {
                let lag: u64 = groups.groups.iter().map(|g| g.lag).sum();
                println!(
                    "  snapshot: {} groups, {committed} committed partitions, total lag {lag}",
                    groups.groups.len()
                );
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (mut cycles, mut requests, mut last_taken) = (Vec::new(), Vec::new(), None);
    while cycles.len() < SAMPLED_CYCLES {
        let status: KafkaStatus = http
            .get(&status_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if status.taken_at_ms != last_taken {
            last_taken = status.taken_at_ms;
            cycles.push(status.cycle_ms.unwrap());
            requests.extend(status.requests_per_cycle);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    cycles.sort_unstable();
    requests.sort_unstable();
    let started = Instant::now();
    http.get(&groups_url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "  cycle: p50 {} ms, max {} ms over {SAMPLED_CYCLES} cycles",
        cycles[cycles.len() / 2],
        cycles[cycles.len() - 1]
    );
    println!(
        "  Kafka requests per cycle: median {}, min {}, max {}",
        requests[requests.len() / 2],
        requests[0],
        requests[requests.len() - 1]
    );
    println!(
        "  plugboard resident memory: {} MiB, {} threads",
        resident_kib(pid) / 1024,
        threads(pid)
    );
    println!(
        "  GET /kafka/groups answered in {} ms",
        started.elapsed().as_millis()
    );
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("plugboard-bench-kafka-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (bootstrap, broker) = bench_broker();
    println!("broker: {broker}");

    println!("setting up 1,000 partitions (20 topics x 50) and {GROUPS} groups …");
    grow(&bootstrap, 0..20).await;

    let (plugboard, base) = start_plugboard(
        &dir,
        &format!(
            "kafka_poll_ms = 2000\n[[clusters]]\nid = \"bench\"\nurls = [\"http://127.0.0.1:9\"]\nbootstrap_servers = \"{bootstrap}\"\n"
        ),
    );
    let http = reqwest::Client::new();
    let pid = plugboard.0.id();

    println!("1,000 partitions, {GROUPS} groups:");
    measure(&http, &base, pid, 1_000).await;

    println!("growing to 5,000 partitions (100 topics x 50), the same {GROUPS} groups …");
    grow(&bootstrap, 20..100).await;
    println!("5,000 partitions, {GROUPS} groups:");
    measure(&http, &base, pid, 5_000).await;

    drop(plugboard);
    let _ = std::fs::remove_dir_all(&dir);
}
