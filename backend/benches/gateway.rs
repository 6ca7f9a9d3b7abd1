//! Gateway benchmark against the real local stack (run by scripts/bench.sh, which starts it):
//! 1. latency of `GET /connectors/{c}/status` directly and through Plugboard (uncached and
//!    cached), p50 / p99 and the ratio;
//! 2. upstream requests per list refresh with 200 connectors and 20 concurrent pollers.
//!
//! Prints numbers; asserts nothing about time.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

const STATUS_SAMPLES: usize = 2000;
const CONNECTORS: usize = 200;
const POLLERS: usize = 20;
const POLL_EVERY: Duration = Duration::from_millis(500);
const POLL_FOR: Duration = Duration::from_secs(20);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/bench.sh"))
}

#[tokio::main]
async fn main() {
    let direct = env("BENCH_CONNECT_URL");
    let uncached = format!(
        "{}/api/v1/clusters/local/connect",
        env("BENCH_PLUGBOARD_UNCACHED_URL")
    );
    let plugboard = env("BENCH_PLUGBOARD_URL");
    let cached = format!("{plugboard}/api/v1/clusters/local/connect");
    let http = Client::new();

    ensure_connectors(&http, &direct).await;
    let path = "/connectors/bench-0000/status";
    let targets = [direct, uncached, cached].map(|base| format!("{base}{path}"));
    let [direct_ms, uncached_ms, cached_ms] = latencies(&http, &targets).await;
    println!("GET {path}, {STATUS_SAMPLES} calls to each, interleaved:");
    report("direct to the worker", &direct_ms, None);
    report(
        "through Plugboard, cache off",
        &uncached_ms,
        Some(&direct_ms),
    );
    report("through Plugboard, 2 s cache", &cached_ms, Some(&direct_ms));

    poll_the_list(&http, &plugboard).await;
}

/// Creates bench-0000 .. bench-0199 (stopped, so they cost no tasks) unless they exist.
async fn ensure_connectors(http: &Client, direct: &str) {
    let existing: Vec<String> = http
        .get(format!("{direct}/connectors"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let started = Instant::now();
    for i in 0..CONNECTORS {
        let name = format!("bench-{i:04}");
        if existing.contains(&name) {
            continue;
        }
        let body = json!({
            "name": name,
            "config": {
                "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "topics": "bench", "file": "/tmp/plugboard-bench.out",
            },
            "initial_state": "STOPPED",
        });
        loop {
            let response = http
                .post(format!("{direct}/connectors"))
                .json(&body)
                .send()
                .await
                .unwrap();
            if response.status().is_success() {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await; // a rebalance: try again
        }
    }
    println!(
        "{CONNECTORS} connectors present (created in {:.1} s)\n",
        started.elapsed().as_secs_f64()
    );
}

/// Sorted latencies in ms of each of three URLs, asked in turn so that warm-up and noise fall
/// on all of them alike.
async fn latencies(http: &Client, urls: &[String; 3]) -> [Vec<f64>; 3] {
    for url in urls {
        for _ in 0..50 {
            http.get(url).send().await.unwrap().bytes().await.unwrap(); // warm-up
        }
    }
    let mut millis: [Vec<f64>; 3] = Default::default();
    for _ in 0..STATUS_SAMPLES {
        for (url, samples) in urls.iter().zip(millis.iter_mut()) {
            let started = Instant::now();
            let response = http.get(url).send().await.unwrap();
            assert!(
                response.status().is_success(),
                "{url}: {}",
                response.status()
            );
            response.bytes().await.unwrap();
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    for samples in &mut millis {
        samples.sort_by(f64::total_cmp);
    }
    millis
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(label: &str, sorted: &[f64], baseline: Option<&[f64]>) {
    let (p50, p99) = (percentile(sorted, 0.5), percentile(sorted, 0.99));
    print!("  {label:<30} p50 {p50:7.3} ms   p99 {p99:7.3} ms");
    if let Some(base) = baseline {
        let base_p50 = percentile(base, 0.5);
        print!(
            "   added p50 {:+.3} ms   ratio p50 {:.2}",
            p50 - base_p50,
            p50 / base_p50
        );
    }
    println!();
}

/// 20 pollers refresh the connector list every 500 ms for 20 s; counts Plugboard's calls to
/// Connect through its /metrics counter.
async fn poll_the_list(http: &Client, plugboard: &str) {
    let before = upstream_requests(http, plugboard).await;
    let started = Instant::now();
    let pollers = (0..POLLERS).map(|_| {
        let (http, url) = (http.clone(), format!("{plugboard}/api/v1/connectors"));
        tokio::spawn(async move {
            let mut refreshes = Vec::new();
            while started.elapsed() < POLL_FOR {
                let at = Instant::now();
                let list: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
                let listed = list["connectors"].as_array().map_or(0, Vec::len);
                refreshes.push((at.elapsed().as_secs_f64() * 1000.0, listed));
                tokio::time::sleep(POLL_EVERY).await;
            }
            refreshes
        })
    });
    let answers: Vec<(f64, usize)> = futures::future::join_all(pollers)
        .await
        .into_iter()
        .flat_map(Result::unwrap)
        .collect();
    let listed = answers.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut refreshes: Vec<f64> = answers.iter().map(|(ms, _)| *ms).collect();
    refreshes.sort_by(f64::total_cmp);
    let upstream = upstream_requests(http, plugboard).await - before;
    let seconds = started.elapsed().as_secs_f64();
    let cache_periods = seconds / 2.0;
    println!(
        "\n{POLLERS} pollers refreshing the list of {CONNECTORS}+ connectors every {} ms for {seconds:.1} s:",
        POLL_EVERY.as_millis()
    );
    println!("  list refreshes served            {}", refreshes.len());
    println!(
        "  connectors in the list           {listed} (Connect leaves out those without a status yet)"
    );
    println!(
        "  list refresh latency             p50 {:.3} ms   p99 {:.3} ms",
        percentile(&refreshes, 0.5),
        percentile(&refreshes, 0.99)
    );
    println!("  upstream requests to Connect     {upstream}");
    println!(
        "  upstream requests per refresh    {:.4}",
        upstream as f64 / refreshes.len() as f64
    );
    println!(
        "  upstream list calls per 2 s cache period   {:.2}",
        upstream as f64 / cache_periods
    );
}

async fn upstream_requests(http: &Client, plugboard: &str) -> u64 {
    let text = http
        .get(format!("{plugboard}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("plugboard_upstream_requests_total{cluster=\"local\"} "))
        .unwrap()
        .parse()
        .unwrap()
}
