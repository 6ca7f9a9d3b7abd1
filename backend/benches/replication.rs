//! Replication page benchmark: 50 MirrorMaker 2 flows replicating 500 topics (10 each, of 3
//! partitions), over the Apache Kafka scripts/bench.sh started, which is both their source and
//! their target here (the 500 topics and their 500 remote copies: 3,000 partitions). The
//! connectors are on a fake Connect worker (an in-process HTTP server: the real stack cannot run
//! 150 MirrorMaker 2 connectors on a bench machine), which answers the connector list at once
//! and each source connector's stored offsets after 20 ms, as a worker reading its offsets topic
//! takes. The release `plugboard` reads Kafka every 2 s.
//!
//! Prints: the first answer (every stored offset asked of the worker), then p50 and p99 of 200
//! answers one after another and of 200 from 20 viewers at once, the stored-offset calls the
//! worker served, and Plugboard's resident memory. Asserts only that the answer holds every flow
//! and topic, with the lag the offsets say.

mod common;
mod fill;
mod process;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api_types::Replication;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use serde_json::{Value, json};

use common::{bench_broker, client};
use fill::fill;
use process::{resident_kib, start_plugboard, threads};

const FLOWS: usize = 50;
const TOPICS_PER_FLOW: usize = 10;
const PARTITIONS: i32 = 3;
const RECORDS_PER_PARTITION: i64 = 2;
const ANSWERS: usize = 200;
const VIEWERS: usize = 20;
const TIMEOUT: Duration = Duration::from_secs(60);

fn alias(flow: usize) -> String {
    format!("src{flow:02}")
}

fn topic(flow: usize, t: usize) -> String {
    format!("rep{flow:02}-t{t}")
}

/// The source topics and their remote copies, each partition holding 2 records.
async fn topics(bootstrap: &str) {
    let names: Vec<String> = (0..FLOWS)
        .flat_map(|f| (0..TOPICS_PER_FLOW).map(move |t| (f, t)))
        .flat_map(|(f, t)| [topic(f, t), format!("{}.{}", alias(f), topic(f, t))])
        .collect();
    let admin: AdminClient<_> = client(bootstrap).create().unwrap();
    let options = AdminOptions::new().operation_timeout(Some(TIMEOUT));
    for chunk in names.chunks(100) {
        let specs: Vec<_> = chunk
            .iter()
            .map(|n| NewTopic::new(n, PARTITIONS, TopicReplication::Fixed(1)))
            .collect();
        for result in admin.create_topics(&specs, &options).await.unwrap() {
            // A second run finds them there.
            let _ = result;
        }
    }
    fill(
        bootstrap,
        &names,
        PARTITIONS,
        RECORDS_PER_PARTITION as usize,
    );
}

/// The fake worker's state: its connector list and the stored-offset calls it served.
struct Worker {
    list: Value,
    offsets_served: AtomicUsize,
}

fn connector(class: &str, flow: usize, bootstrap: &str) -> Value {
    let config = json!({
        "connector.class": format!("org.apache.kafka.connect.mirror.{class}"),
        "source.cluster.alias": alias(flow), "target.cluster.alias": "bench",
        "source.cluster.bootstrap.servers": bootstrap, "target.cluster.bootstrap.servers": bootstrap,
        "topics": format!("rep{flow:02}-.*"), "groups": "none",
    });
    let task = json!({"id": 0, "state": "RUNNING", "worker_id": "fake:8083"});
    json!({
        "info": {"name": "", "config": config, "tasks": [], "type": "source"},
        "status": {"name": "", "connector": {"state": "RUNNING", "worker_id": "fake:8083"},
                   "tasks": [task], "type": "source"},
    })
}

async fn list(State(worker): State<Arc<Worker>>) -> axum::Json<Value> {
    axum::Json(worker.list.clone())
}

/// A source connector's stored offsets: every partition replicated, except one record of the
/// first flow's first topic.
async fn offsets(State(worker): State<Arc<Worker>>, Path(name): Path<String>) -> axum::Json<Value> {
    worker.offsets_served.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let flow: usize = name
        .trim_start_matches("mm2-")
        .trim_end_matches("-source")
        .parse()
        .unwrap_or(0);
    let stored: Vec<Value> = (0..TOPICS_PER_FLOW)
        .flat_map(|t| (0..PARTITIONS).map(move |p| (t, p)))
        .map(|(t, p)| {
            let last = if flow == 0 && t == 0 && p == 0 {
                0
            } else {
                RECORDS_PER_PARTITION - 1
            };
            json!({"partition": {"cluster": alias(flow), "topic": topic(flow, t), "partition": p},
                   "offset": {"offset": last}})
        })
        .collect();
    axum::Json(json!({ "offsets": stored }))
}

async fn fake_worker(bootstrap: &str) -> (String, Arc<Worker>) {
    let mut all = serde_json::Map::new();
    for flow in 0..FLOWS {
        for (class, role) in [
            ("MirrorSourceConnector", "source"),
            ("MirrorCheckpointConnector", "checkpoint"),
            ("MirrorHeartbeatConnector", "heartbeat"),
        ] {
            let name = format!("mm2-{flow:02}-{role}");
            let mut entry = connector(class, flow, bootstrap);
            entry["info"]["name"] = json!(name);
            entry["status"]["name"] = json!(name);
            all.insert(name, entry);
        }
    }
    let worker = Arc::new(Worker {
        list: Value::Object(all),
        offsets_served: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                axum::Json(
                    json!({"version": "4.3.1", "commit": "fake", "kafka_cluster_id": "bench"}),
                )
            }),
        )
        .route("/connectors", get(list))
        .route("/connectors/{name}/offsets", get(offsets))
        .with_state(worker.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, worker)
}

/// Milliseconds of each of `answers`, sorted.
fn sorted(mut answers: Vec<u128>) -> Vec<u128> {
    answers.sort_unstable();
    answers
}

fn percentiles(label: &str, answers: &[u128]) {
    let at = |q: f64| answers[((answers.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "  {label}: p50 {} ms, p99 {} ms, max {} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

async fn timed(http: &reqwest::Client, url: &str) -> (u128, Replication) {
    let started = Instant::now();
    let answer: Replication = http.get(url).send().await.unwrap().json().await.unwrap();
    (started.elapsed().as_millis(), answer)
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!(
        "plugboard-bench-replication-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (bootstrap, broker) = bench_broker();
    println!("broker: {broker}");
    println!(
        "setting up {FLOWS} flows of {TOPICS_PER_FLOW} topics ({} partitions with their remote copies) …",
        FLOWS * TOPICS_PER_FLOW * PARTITIONS as usize * 2
    );
    topics(&bootstrap).await;
    let (worker_url, worker) = fake_worker(&bootstrap).await;
    let (plugboard, base) = start_plugboard(
        &dir,
        &format!(
            "kafka_poll_ms = 2000\ncache_ttl_ms = 2000\n\
             [[kafka_clusters]]\nid = \"bench\"\nbootstrap_servers = \"{bootstrap}\"\n\
             [[clusters]]\nid = \"mm2\"\nurls = [\"{worker_url}\"]\nkafka = \"bench\"\n"
        ),
    );
    let http = reqwest::Client::new();
    let url = format!("{base}/api/v1/replication");
    // Wait for a snapshot that holds every topic.
    let first = loop {
        let (ms, answer) = timed(&http, &url).await;
        let topics: usize = answer.flows.iter().map(|f| f.topics.len()).sum();
        let on_target = answer
            .flows
            .iter()
            .flat_map(|f| &f.topics)
            .all(|t| t.on_target == Some(true));
        if answer.flows.len() == FLOWS && topics == FLOWS * TOPICS_PER_FLOW && on_target {
            break (ms, answer);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let lag: u64 = first
        .1
        .flows
        .iter()
        .filter_map(|f| f.topics.iter().map(|t| t.lag).sum::<Option<u64>>())
        .sum();
    assert_eq!(lag, 1, "one record of the first flow is not replicated");
    println!(
        "{FLOWS} flows, {} topics, total lag {lag}",
        FLOWS * TOPICS_PER_FLOW
    );
    // The first answer after the stored offsets went stale asks all 50 of them again.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let served = worker.offsets_served.load(Ordering::Relaxed);
    let (stale_ms, _) = timed(&http, &url).await;
    println!(
        "  an answer that asks every flow's stored offsets again: {stale_ms} ms ({} calls to the worker)",
        worker.offsets_served.load(Ordering::Relaxed) - served
    );
    let before = worker.offsets_served.load(Ordering::Relaxed);
    let started = Instant::now();
    let mut one_by_one = Vec::with_capacity(ANSWERS);
    for _ in 0..ANSWERS {
        one_by_one.push(timed(&http, &url).await.0);
    }
    percentiles(
        &format!("{ANSWERS} answers one after another"),
        &sorted(one_by_one),
    );
    let per_viewer = ANSWERS / VIEWERS;
    let viewers = (0..VIEWERS).map(|_| {
        let (http, url) = (http.clone(), url.clone());
        tokio::spawn(async move {
            let mut times = Vec::with_capacity(per_viewer);
            for _ in 0..per_viewer {
                times.push(timed(&http, &url).await.0);
            }
            times
        })
    });
    let mut together = Vec::new();
    for viewer in futures::future::join_all(viewers).await {
        together.extend(viewer.unwrap());
    }
    let seconds = started.elapsed().as_secs_f64();
    percentiles(
        &format!("{ANSWERS} answers from {VIEWERS} viewers at once"),
        &sorted(together),
    );
    let served = worker.offsets_served.load(Ordering::Relaxed) - before;
    println!(
        "  stored-offset calls to the worker meanwhile: {served} in {seconds:.1} s \
         (at most {FLOWS} per 2 s cache period, whatever the viewers)"
    );
    let pid = plugboard.0.id();
    println!(
        "  plugboard resident memory: {} MiB, {} threads",
        resident_kib(pid) / 1024,
        threads(pid)
    );
    drop(plugboard);
    let _ = std::fs::remove_dir_all(&dir);
}
