//! Record reading benchmark: Apache Kafka (scripts/bench.sh's), a dead letter queue of
//! 100,000 records with Connect's error headers (five causes), and a topic of 1,000,000
//! records; the release `plugboard` binary summarises the DLQ (through a sink that a small
//! fake Connect worker describes) and pages the big topic from its end, an offset and a time.
//! Prints the time of each answer and the plugboard process's resident memory, and the
//! process's threads and memory at their highest while one caller makes 80 reads at once.
//!
//! Uses the broker at `BENCH_BOOTSTRAP` (scripts/bench.sh sets it). Prints numbers and how
//! many records each bounded read got; asserts only that the sizes are what was produced.

mod common;
mod process;

use std::time::{Duration, Instant};

use api_types::{DeadLetters, RecordPage};
use axum::Json;
use axum::routing::get;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use serde_json::json;

use common::{bench_broker, client};
use process::{resident_kib, start_plugboard, threads};

/// Sizes: `BENCH_DEAD_LETTERS` and `BENCH_RECORDS` override the defaults (100,000 and
/// 1,000,000).
fn size(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
const PARTITIONS: i32 = 3;
const RUNS: usize = 5;
const TIMEOUT: Duration = Duration::from_secs(60);

async fn create(bootstrap: &str, topic: &str) {
    let admin: AdminClient<_> = client(bootstrap).create().unwrap();
    let spec = NewTopic::new(topic, PARTITIONS, TopicReplication::Fixed(1));
    for result in admin
        .create_topics(
            [&spec],
            &AdminOptions::new().operation_timeout(Some(TIMEOUT)),
        )
        .await
        .unwrap()
    {
        result.unwrap();
    }
}

/// `count` records of about 100 bytes; dead letters carry the error headers of one of five
/// causes.
fn produce(bootstrap: &str, topic: &str, count: usize, dead_letters: bool) -> Duration {
    let started = Instant::now();
    let producer: BaseProducer = client(bootstrap)
        .set("linger.ms", "50")
        .set("batch.num.messages", "10000")
        .set("queue.buffering.max.messages", "500000")
        .create()
        .unwrap();
    for n in 0..count {
        let value = format!(
            "{{\"order\": {n}, \"customer\": \"c-{}\", \"amount\": {}.{:02}}}",
            n % 977,
            n % 500,
            n % 100
        );
        let key = format!("order-{n}");
        let mut record = BaseRecord::to(topic).key(&key).payload(&value);
        if dead_letters {
            let cause = format!("cause number {} of five", n % 5);
            let headers = OwnedHeaders::new()
                .insert(Header {
                    key: "__connect.errors.topic",
                    value: Some("orders"),
                })
                .insert(Header {
                    key: "__connect.errors.partition",
                    value: Some("0"),
                })
                .insert(Header {
                    key: "__connect.errors.offset",
                    value: Some(n.to_string().as_str()),
                })
                .insert(Header {
                    key: "__connect.errors.stage",
                    value: Some("VALUE_CONVERTER"),
                })
                .insert(Header {
                    key: "__connect.errors.exception.class.name",
                    value: Some("org.apache.kafka.connect.errors.DataException"),
                })
                .insert(Header {
                    key: "__connect.errors.exception.message",
                    value: Some(cause.as_str()),
                });
            record = record.headers(headers);
        }
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((_, returned)) => {
                    producer.poll(Duration::from_millis(50));
                    record = returned;
                }
            }
        }
    }
    producer.flush(TIMEOUT).unwrap();
    started.elapsed()
}

/// A Connect worker that knows one sink, `bench-sink`, whose dead letter topic is `dlq`.
async fn fake_worker(dlq: &str) -> String {
    let config = json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "topics": "orders", "name": "bench-sink",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.context.headers.enable": "true",
    });
    let status = json!({"name": "bench-sink", "connector": {"state": "RUNNING", "worker_id": "w"},
                        "tasks": [{"id": 0, "state": "RUNNING", "worker_id": "w"}], "type": "sink"});
    let list = json!({"bench-sink": {"info": {"name": "bench-sink", "config": config, "tasks": [], "type": "sink"}, "status": status}});
    let app = axum::Router::new()
        .route("/connectors", get(move || async move { Json(list) }))
        .route(
            "/connectors/bench-sink/config",
            get(move || async move { Json(config) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// [`RUNS`] answers of `url`, `pause` apart: each one's time, sorted, and the last answer.
async fn timed<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    pause: Duration,
) -> Option<(Vec<f64>, T)> {
    let mut times = Vec::new();
    let mut last = None;
    while times.len() < RUNS {
        tokio::time::sleep(pause).await;
        let started = Instant::now();
        let response = http.get(url).send().await.unwrap();
        let status = response.status();
        if !status.is_success() {
            let why = response.text().await.unwrap_or_default();
            println!("  not measured: {url} answered {status} {why}");
            return None;
        }
        last = Some(response.json::<T>().await.unwrap());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Some((times, last?))
}

fn row(what: &str, times: &[f64], rss_kib: u64) {
    println!(
        "| {what} | {:.0} ms | {:.0} ms | {:.1} MiB |",
        times[times.len() / 2],
        times[times.len() - 1],
        rss_kib as f64 / 1024.0
    );
}

#[tokio::main]
async fn main() {
    let (dead_letters, big) = (
        size("BENCH_DEAD_LETTERS", 100_000),
        size("BENCH_RECORDS", 1_000_000),
    );
    let dir = std::env::temp_dir().join(format!("plugboard-bench-records-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (bootstrap, broker) = bench_broker();
    println!("broker: {broker}");
    let run = std::process::id();
    let (dlq_topic, big_topic) = (format!("bench-dlq-{run}"), format!("bench-big-{run}"));
    let (dlq_bootstrap, big_bootstrap) = (bootstrap.clone(), bootstrap);
    create(&dlq_bootstrap, &dlq_topic).await;
    create(&big_bootstrap, &big_topic).await;
    let took = produce(&dlq_bootstrap, &dlq_topic, dead_letters, true);
    println!(
        "produced {dead_letters} dead letters in {:.1} s",
        took.as_secs_f64()
    );
    let took = produce(&big_bootstrap, &big_topic, big, false);
    println!("produced {big} records in {:.1} s", took.as_secs_f64());

    let worker = fake_worker(&dlq_topic).await;
    let (plugboard, base) = start_plugboard(
        &dir,
        &format!(
            "kafka_timeout_ms = 60000\n[[clusters]]\nid = \"dlq\"\nurls = [\"{worker}\"]\nbootstrap_servers = \"{dlq_bootstrap}\"\n\
             [[clusters]]\nid = \"big\"\nurls = [\"http://127.0.0.1:9\"]\nbootstrap_servers = \"{big_bootstrap}\"\n"
        ),
    );
    let pid = plugboard.0.id();
    let http = reqwest::Client::new();
    println!(
        "idle plugboard: {:.1} MiB resident",
        resident_kib(pid) as f64 / 1024.0
    );
    println!("| answer ({RUNS} runs) | p50 | max | resident after |");
    println!("|---|---|---|---|");

    // The first read of a topic by a new process (connections, metadata) is timed apart.
    for (cluster, topic) in [("dlq", &dlq_topic), ("big", &big_topic)] {
        let started = Instant::now();
        let url = format!("{base}/api/v1/clusters/{cluster}/topics/{topic}/records?limit=1");
        assert!(http.get(&url).send().await.unwrap().status().is_success());
        println!(
            "first read of {topic}: {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let dlq_url = format!("{base}/api/v1/clusters/dlq/connectors/bench-sink/dead-letters");
    // Summaries are shared for 5 s: apart by more, each run reads Kafka.
    let Some((times, answer)) =
        timed::<DeadLetters>(&http, &dlq_url, Duration::from_millis(5_100)).await
    else {
        return;
    };
    let summary = answer.dlq.unwrap();
    assert_eq!(summary.total, dead_letters as u64);
    let groups = summary.groups.unwrap();
    println!(
        "  {} dead letters scanned within the bounds, {} causes",
        summary.scanned,
        groups.len()
    );
    row(
        &format!(
            "DLQ of {dead_letters}: size, last hour, latest {} grouped",
            summary.scanned
        ),
        &times,
        resident_kib(pid),
    );

    let records = format!("{base}/api/v1/clusters/big/topics/{big_topic}/records");
    let Some((times, page)) =
        timed::<RecordPage>(&http, &format!("{records}?limit=50"), Duration::ZERO).await
    else {
        return;
    };
    let total: i64 = page.partitions.iter().map(|p| p.high - p.low).sum();
    assert_eq!(total, big as i64);
    let newest = page.records.len();
    row(
        &format!("{big}: newest 50 of each partition ({newest} read)"),
        &times,
        resident_kib(pid),
    );
    let middle_of_one = page.partitions[1].high / 2;
    let latest_time = page
        .records
        .iter()
        .filter_map(|r| r.timestamp_ms)
        .min()
        .unwrap_or(0);
    let pages = [
        (
            "500 from the middle of partition 1",
            format!("partition=1&offset={middle_of_one}&limit=500"),
        ),
        (
            "500 from a time",
            format!("since_ms={latest_time}&limit=500"),
        ),
    ];
    for (what, query) in pages {
        let url = format!("{records}?{query}");
        let Some((times, page)) = timed::<RecordPage>(&http, &url, Duration::ZERO).await else {
            return;
        };
        let read = page.records.len();
        row(
            &format!("{big}: {what} ({read} read)"),
            &times,
            resident_kib(pid),
        );
    }

    concurrent_reads(&http, &format!("{records}?offset=0&limit=500"), pid).await;
    drop(plugboard);
    let _ = std::fs::remove_dir_all(&dir);
}

/// 80 reads of `url` at once by one caller: how many were answered and how many refused with
/// 429, and the process's threads and resident memory before and at their highest meanwhile.
async fn concurrent_reads(http: &reqwest::Client, url: &str, pid: u32) {
    let before = (threads(pid), resident_kib(pid));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        tokio::spawn(async move {
            let mut peak = (0, 0);
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = (peak.0.max(threads(pid)), peak.1.max(resident_kib(pid)));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak
        })
    };
    let reads = (0..80).map(|_| async { http.get(url).send().await.unwrap().status() });
    let statuses = futures::future::join_all(reads).await;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.unwrap();
    let count = |s: reqwest::StatusCode| statuses.iter().filter(|x| **x == s).count();
    println!(
        "80 reads of 500 records at once: {} answered, {} refused with 429; threads {} before, \
         {} at most; resident {:.1} MiB before, {:.1} MiB at most",
        count(reqwest::StatusCode::OK),
        count(reqwest::StatusCode::TOO_MANY_REQUESTS),
        before.0,
        peak.0,
        before.1 as f64 / 1024.0,
        peak.1 as f64 / 1024.0
    );
}
