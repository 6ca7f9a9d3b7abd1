//! What the benchmarks that need a broker share: the broker scripts/bench.sh started, and
//! clients of it.

use rdkafka::ClientConfig;

pub(crate) fn client(bootstrap: &str) -> ClientConfig {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", bootstrap);
    config
}

/// The broker the benchmark uses (`BENCH_BOOTSTRAP`, which scripts/bench.sh sets to its own
/// stack's Apache Kafka), and what it is, for the figures.
pub(crate) fn bench_broker() -> (String, String) {
    let bootstrap = std::env::var("BENCH_BOOTSTRAP").expect(
        "BENCH_BOOTSTRAP is not set: run scripts/bench.sh, which starts Apache Kafka for it",
    );
    let what = std::env::var("BENCH_BROKER").unwrap_or_else(|_| "a Kafka broker".into());
    (bootstrap, what)
}
