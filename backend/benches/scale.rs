//! Scale benchmark (run by scripts/bench.sh, which starts the real stack): Plugboard's
//! connector list with 100 and 1,000 connectors on two real Connect clusters (created cheaply,
//! stopped through Connect's `initial_state`, KIP-980, beside running ones), and with 10,000 on
//! a fake worker served here (the real stack cannot hold that many on this machine; the table
//! says which figures come from which). For each size: the list answer's p50 and p99 through
//! Plugboard, Connect's own answer for comparison, and Plugboard's resident memory.
//!
//! Prints a table; asserts nothing about time.

mod process;

use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use reqwest::Client;
use serde_json::{Value, json};

use process::{resident_kib, start_plugboard, threads};

/// Connectors on the first real cluster: stopped ones, then running sinks.
const FIRST_STOPPED: usize = 800;
const FIRST_RUNNING: usize = 100;
/// Connectors on the second real cluster, all stopped.
const SECOND_STOPPED: usize = 100;
/// Connectors on the fake worker.
const FAKE: usize = 10_000;
/// Answers timed per list.
const SAMPLES: usize = 200;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/bench.sh"))
}

#[tokio::main]
async fn main() {
    let first = env("BENCH_SCALE_FIRST_URL");
    let second = env("BENCH_SCALE_SECOND_URL");
    let http = Client::new();
    let started = Instant::now();
    fill(&http, &first, "scale-a", FIRST_STOPPED, FIRST_RUNNING).await;
    fill(&http, &second, "scale-b", SECOND_STOPPED, 0).await;
    println!(
        "\nConnectors in place on the real stack in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let dir = tempdir("scale");
    let (real, real_url) = start_plugboard(
        &dir,
        &format!(
            "[[clusters]]\nid = \"first\"\nurls = [\"{first}\"]\n\
             [[clusters]]\nid = \"second\"\nurls = [\"{second}\"]\n"
        ),
    );
    let fake_url = serve_fake_worker(FAKE).await;
    let fake_dir = tempdir("scale-fake");
    let (fake, fake_plugboard) = start_plugboard(
        &fake_dir,
        &format!("[[clusters]]\nid = \"fake\"\nurls = [\"{fake_url}\"]\n"),
    );

    let list = "/connectors?expand=status&expand=info";
    let rows = [
        Row {
            size: "100 (real, one cluster)",
            connect: vec![format!("{second}{list}")],
            plugboard: format!("{real_url}/api/v1/connectors?cluster=second"),
            expected: SECOND_STOPPED,
            pid: real.0.id(),
        },
        Row {
            size: "1,000 (real, two clusters)",
            connect: vec![format!("{first}{list}"), format!("{second}{list}")],
            plugboard: format!("{real_url}/api/v1/connectors"),
            expected: FIRST_STOPPED + FIRST_RUNNING + SECOND_STOPPED,
            pid: real.0.id(),
        },
        Row {
            size: "10,000 (fake worker)",
            connect: vec![format!("{fake_url}{list}")],
            plugboard: format!("{fake_plugboard}/api/v1/connectors"),
            expected: FAKE,
            pid: fake.0.id(),
        },
    ];
    println!("\nThe connector list, {SAMPLES} answers each, one after another (cache period 2 s):");
    println!(
        "  {:<28} {:>18} {:>18} {:>18} {:>10} {:>8}",
        "connectors", "Plugboard p50/p99", "Connect p50/p99", "answer size", "RSS", "threads"
    );
    for row in &rows {
        row.measure(&http).await;
    }
    drop((real, fake));
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(fake_dir);
}

/// One line of the table: a list of `expected` connectors through Plugboard and from Connect.
struct Row {
    size: &'static str,
    connect: Vec<String>,
    plugboard: String,
    expected: usize,
    pid: u32,
}

impl Row {
    async fn measure(&self, http: &Client) {
        let answer: Value = get_json(http, &self.plugboard).await;
        let listed = answer["connectors"].as_array().map_or(0, Vec::len);
        assert!(
            listed >= self.expected,
            "{}: {listed} listed, {} expected",
            self.size,
            self.expected
        );
        let bytes = http
            .get(&self.plugboard)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .len();
        let mut through = Vec::with_capacity(SAMPLES);
        let mut direct = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            through.push(time_get(http, &self.plugboard).await);
            let mut connect = 0.0;
            for url in &self.connect {
                connect += time_get(http, url).await;
            }
            direct.push(connect);
        }
        println!(
            "  {:<28} {:>18} {:>18} {:>15} KiB {:>6} MiB {:>8}",
            self.size,
            p50_p99(&mut through),
            p50_p99(&mut direct),
            bytes / 1024,
            resident_kib(self.pid) / 1024,
            threads(self.pid)
        );
    }
}

/// How long a GET of `url` took to answer in full, in milliseconds.
async fn time_get(http: &Client, url: &str) -> f64 {
    let started = Instant::now();
    let response = http.get(url).send().await.unwrap();
    assert!(response.status().is_success(), "GET {url}");
    response.bytes().await.unwrap();
    started.elapsed().as_secs_f64() * 1000.0
}

fn p50_p99(samples: &mut [f64]) -> String {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    format!("{:.1} / {:.1} ms", at(0.5), at(0.99))
}

async fn get_json(http: &Client, url: &str) -> Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("plugboard-bench-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Creates what is missing of `stopped` stopped connectors and `running` running sinks named
/// `{prefix}-NNNN` on the cluster at `worker`, eight at a time.
async fn fill(http: &Client, worker: &str, prefix: &str, stopped: usize, running: usize) {
    let existing: Vec<String> = get_json(http, &format!("{worker}/connectors"))
        .await
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let wanted: Vec<(String, bool)> = (0..stopped + running)
        .map(|i| (format!("{prefix}-{i:04}"), i >= stopped))
        .filter(|(name, _)| !existing.contains(name))
        .collect();
    for batch in wanted.chunks(8) {
        let creates = batch
            .iter()
            .map(|(name, runs)| create(http, worker, name, *runs));
        futures::future::join_all(creates).await;
    }
}

/// Creates one FileStreamSink: stopped (no task is started), or running on a topic of its own.
async fn create(http: &Client, worker: &str, name: &str, runs: bool) {
    let mut body = json!({
        "name": name,
        "config": {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1",
            "topics": format!("{name}-in"),
            "file": "/dev/null",
        },
    });
    if !runs {
        body["initial_state"] = json!("STOPPED");
    }
    // Connect answers 409 while it rebalances: asked again, a little later.
    for _ in 0..30 {
        let response = http
            .post(format!("{worker}/connectors"))
            .json(&body)
            .send()
            .await
            .unwrap();
        if response.status().is_success()
            || response.status().as_u16() == 409 && exists(http, worker, name).await
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("{name} could not be created on {worker}");
}

async fn exists(http: &Client, worker: &str, name: &str) -> bool {
    let response = http
        .get(format!("{worker}/connectors/{name}"))
        .send()
        .await
        .unwrap();
    response.status().is_success()
}

/// A stand-in worker with `count` stopped connectors: it answers the list (expanded with
/// status and info) and `GET /`; anything else is 404.
async fn serve_fake_worker(count: usize) -> String {
    let mut expanded = serde_json::Map::new();
    for i in 0..count {
        let name = format!("fake-{i:05}");
        let config = json!({
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1",
            "topics": format!("{name}-in"),
            "file": "/dev/null",
            "name": name,
        });
        expanded.insert(
            name.clone(),
            json!({
                "info": {"name": name, "config": config, "tasks": [], "type": "sink"},
                "status": {"name": name, "connector": {"state": "STOPPED", "worker_id": "fake:8083"}, "tasks": [], "type": "sink"},
            }),
        );
    }
    let list = Value::Object(expanded).to_string();
    let root =
        json!({"version": "4.1.0", "commit": "fake", "kafka_cluster_id": "fake"}).to_string();
    let json = |body: String| ([("content-type", "application/json")], body);
    let app = Router::new()
        .route("/connectors", get(move || async move { json(list) }))
        .route("/", get(move || async move { json(root) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
