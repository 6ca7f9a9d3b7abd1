//! Costs of the security boundary, in process (no stack needed):
//! 1. scrubbing secrets by value from a large answer: a 1,000-connector
//!    `GET /connectors?expand=info&expand=status` body, with no secret known (what every answer
//!    cost before scrubbing), with 20,000 known and none in the body, and with one in it;
//! 2. parsing a passthrough request into a Connect call;
//! 3. refusing a sign-in: a wrong password against a known user and any password for an
//!    unknown name (they should take the same time).
//!
//! Prints p50 / p99; asserts nothing about time. `cargo bench -p plugboard --bench security`.

use std::time::{Duration, Instant};

use axum::http::Method;
use plugboard::access::passwords;
use plugboard::connect::call::parse::parse;
use plugboard::secrets::known;
use serde_json::{Value, json};

const SAMPLES: usize = 200;

fn main() {
    let body = list_answer(1_000);
    println!(
        "scrubbing a {} KiB answer of 1,000 connectors, {SAMPLES} runs each:",
        body.len() / 1024
    );
    report(
        "no secret known (as before)",
        &time(|| known::scrub_body(&body)),
    );
    // Random-looking secrets, whose characters are common in any answer (the harder case).
    let secrets: Vec<String> = (0..20_000u64)
        .map(|i| format!("{:016x}{:08x}", mix(i), mix(i + 1) as u32))
        .collect();
    known::learn(secrets.iter().map(String::as_str));
    report(
        "20,000 known, none in it",
        &time(|| known::scrub_body(&body)),
    );
    let leaky = String::from_utf8(body)
        .unwrap()
        .replacen("orders", &secrets[42], 1)
        .into_bytes();
    report(
        "20,000 known, one in it",
        &time(|| known::scrub_body(&leaky)),
    );

    let path = "/connectors/orders-sink%2Fv2/tasks/3/restart";
    let parses = time(|| parse(&Method::POST, path, Some("includeTasks=true")));
    println!("parsing POST {path}, {SAMPLES} runs:");
    report("parse into a Connect call", &parses);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(sign_ins());
}

async fn sign_ins() {
    let stored = passwords::hash("correct horse battery".into())
        .await
        .unwrap();
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let _ = passwords::verify("guess".into(), Some(stored.clone())).await;
        wrong.push(started.elapsed());
        let started = Instant::now();
        let _ = passwords::verify("guess".into(), None).await;
        unknown.push(started.elapsed());
    }
    println!("refusing a sign-in, 20 runs each:");
    report("wrong password, known user", &wrong);
    report("unknown user", &unknown);
}

/// What Connect answers for `n` connectors expanded with status and info.
fn list_answer(n: usize) -> Vec<u8> {
    let mut all = serde_json::Map::new();
    for i in 0..n {
        let name = format!("orders-sink-{i:04}");
        all.insert(
            name.clone(),
            json!({
                "status": {"name": name, "connector": {"state": "RUNNING", "worker_id": "10.0.0.1:8083"},
                    "tasks": [{"id": 0, "state": "RUNNING", "worker_id": "10.0.0.2:8083"}], "type": "sink"},
                "info": {"name": name, "type": "sink", "tasks": [{"connector": name, "task": 0}], "config": {
                    "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
                    "connection.url": "jdbc:postgresql://db:5432/orders",
                    "connection.password": "[hidden]", "topics": "orders", "tasks.max": "1",
                    "name": name, "insert.mode": "upsert", "pk.mode": "record_key"}},
            }),
        );
    }
    serde_json::to_vec(&Value::Object(all)).unwrap()
}

/// SplitMix64: well-spread values from a counter.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn time<T>(mut run: impl FnMut() -> T) -> Vec<Duration> {
    (0..SAMPLES)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(run());
            started.elapsed()
        })
        .collect()
}

fn report(what: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    println!(
        "  {what:<32} p50 {:>9.3} ms   p99 {:>9.3} ms",
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0
    );
}
