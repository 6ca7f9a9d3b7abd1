//! Plugboard's own database on SQLite and on PostgreSQL (`BENCH_POSTGRES_URL`, a database
//! scripts/bench.sh makes on its own PostgreSQL):
//! 1. history writes per second: changes recorded one after another as the change path writes
//!    them (an intent, then its completion), and by 8 writers at once;
//! 2. the history page at 100,000 rows: the first page, a page deep in the history, and one
//!    connector's newest page;
//! 3. the steady cost of leader election: lease queries per minute per replica.
//!
//! Prints rates and p50 / p99; asserts nothing about time. `scripts/bench.sh store`.

use std::time::{Duration, Instant};

use plugboard::bench_support::{fill_history, history_page, newest_change, write_change};
use plugboard::db::{DatabaseLocation, Db};

const WRITES: usize = 1_000;
const ROWS: i64 = 100_000;
const PAGES: usize = 200;

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let file = std::env::temp_dir().join(format!("plugboard-bench-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let postgres = std::env::var("BENCH_POSTGRES_URL").expect(
        "BENCH_POSTGRES_URL is not set: run scripts/bench.sh store, which starts PostgreSQL",
    );
    for (name, location) in [
        ("SQLite (a file, WAL)", DatabaseLocation::File(file.clone())),
        (
            "PostgreSQL 15 (loopback)",
            DatabaseLocation::Postgres(postgres),
        ),
    ] {
        println!("{name}:");
        runtime.block_on(async {
            let db = plugboard::db::open(&location).await.unwrap();
            writes(&db).await;
            pages(&db).await;
            db.close().await;
        });
    }
    let _ = std::fs::remove_file(&file);
    election();
}

async fn writes(db: &Db) {
    let started = Instant::now();
    for n in 0..WRITES {
        write_change(db, &format!("c{}", n % 10)).await.unwrap();
    }
    let one = WRITES as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let writers = (0..8).map(|w| {
        let db = db.clone();
        tokio::spawn(async move {
            for n in 0..WRITES / 8 {
                write_change(&db, &format!("w{w}-{}", n % 10))
                    .await
                    .unwrap();
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.unwrap();
    }
    let eight = WRITES as f64 / started.elapsed().as_secs_f64();
    println!("  history writes: {one:.0}/s one writer, {eight:.0}/s eight writers");
}

async fn pages(db: &Db) {
    let started = Instant::now();
    fill_history(db, ROWS).await.unwrap();
    println!(
        "  filled {ROWS} rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let newest = newest_change(db).await.unwrap();
    let deep = Some(newest - ROWS / 2);
    for (what, connector, before) in [
        ("first page (50 rows)", None, None),
        ("a page 50,000 rows deep", None, deep),
        ("one connector's first page", Some("connector-7"), None),
    ] {
        let mut took = Vec::with_capacity(PAGES);
        for _ in 0..PAGES {
            let started = Instant::now();
            let rows = history_page(db, connector, before, 50).await.unwrap();
            took.push(started.elapsed());
            assert_eq!(rows, 50);
        }
        report(&format!("history page at {ROWS} rows, {what}"), &mut took);
    }
}

/// Each replica renews one lease per job it runs (or tries for it) and its liveness lease,
/// each every `RENEW`; a follower's Kafka view is read once per snapshot period.
fn election() {
    let per_minute = 60.0 / plugboard::fleet::RENEW.as_secs_f64();
    // Jobs of all clusters: reconcile, retention, alerts; per Connect cluster: states; per
    // Kafka cluster: kafka, lag_history.
    let (connect, kafka) = (2.0, 1.0);
    let leases = per_minute * (1.0 + 3.0 + connect + 2.0 * kafka);
    println!(
        "leader election, steady state: {leases:.0} lease queries a minute per replica with {connect} \
         Connect clusters on {kafka} Kafka cluster(s), whether it leads or follows, plus 6 reads of \
         a shared Kafka view a minute per Kafka cluster on each follower (10 s snapshots)"
    );
}

fn report(what: &str, took: &mut [Duration]) {
    took.sort();
    let at = |q: f64| took[((took.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!("  {what}: p50 {:.2} ms, p99 {:.2} ms", at(0.5), at(0.99));
}
