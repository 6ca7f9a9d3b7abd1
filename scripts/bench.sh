#!/usr/bin/env bash
# Benchmarks the gateway against the real local stack and prints the numbers: status latency
# directly and through Plugboard (release build, cache off and on), and upstream calls per list
# refresh with 200 connectors and 20 pollers, and the time Chromium takes to render the
# dashboard with those 200 connectors; then the Kafka snapshot with 5,000 partitions and 500
# groups (time per cycle, requests per cycle, resident memory and threads); and the
# costs of the security boundary (scrubbing a large answer by value, parsing a passthrough
# call, refusing a sign-in for a known and an unknown user); and reading records: a dead letter
# queue's summary and pages of a large topic, with Plugboard's resident memory, and 80 reads at
# once; and the replication page with 50 MirrorMaker 2 flows and 500 replicated topics; and
# last the console at 1,000 connectors on two Connect clusters (10,000 on a fake worker): the
# list's p50/p99 and memory at each size, the dashboard cold and warm, Connect's calls with 1,
# 10 and 100 open dashboards, a change on a worker to the pages, the first visit's bytes.
# `scripts/bench.sh scale` runs that last part alone; `scripts/bench.sh store` runs only the
# benchmark of Plugboard's own database, on SQLite and on PostgreSQL.
# The broker is Apache Kafka (one broker of the version scripts/maven/kafka-4 pins).
# Not a test: it asserts nothing about time.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
only=${1:-all}
export KAFKA_PORT=29092 KAFKA_BROKERS=1 CONNECT_CLUSTERS="local:28083,28084 second:28085"
source "$REPO_ROOT/scripts/lib/stack.sh"
cd "$REPO_ROOT"

DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/plugboard-bench.XXXXXX")
pids=()
finish() {
  trap - EXIT
  trap '' INT TERM PIPE
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  stack_stop
  rm -rf "$DATA_DIR"
}
trap finish EXIT
trap 'exit 130' INT TERM

scripts/install-deps.sh --browser
scripts/build-frontend.sh
cargo build --release -p plugboard   # embeds the browser app just built
# Plugboard's own database on SQLite and on PostgreSQL (the stack's PostgreSQL alone).
store() {
  STACK_DATA_DIR=$DATA_DIR
  mkdir -p "$DATA_DIR/logs"
  databases_start "$DATA_DIR"
  pg_sql postgres -c "CREATE DATABASE plugboard_bench OWNER $STORE_DB_USER"
  BENCH_POSTGRES_URL="postgres://$STORE_DB_USER:$STORE_DB_PASSWORD@127.0.0.1:$POSTGRES_PORT/plugboard_bench" \
    cargo bench -p plugboard --bench store
}
if [ "$only" = store ]; then
  store
  exit 0
fi
stack_start "$DATA_DIR"
urls=$(cluster_urls local)
start_plugboard() {
  local port=$1 ttl=$2 extra=${3:-}
  printf '[[clusters]]\nid = "local"\nurls = ["%s"]\n%b' "$(cluster_urls local | sed 's/,/", "/g')" "$extra" >"$DATA_DIR/p$port.toml"
  RUST_LOG=warn "$CARGO_TARGET_DIR/release/plugboard" --config "$DATA_DIR/p$port.toml" --bind "127.0.0.1:$port" \
    --database "$DATA_DIR/p$port.db" --cache-ttl-ms "$ttl" >"$DATA_DIR/logs/plugboard-$port.log" 2>&1 &
  pids+=($!)
  wait_for_url "http://127.0.0.1:$port/readyz" 30 "$!" || die "plugboard on $port did not start"
}
scale() {
  local second
  second=$(cluster_urls second)
  BENCH_SCALE_FIRST_URL="${urls%%,*}" BENCH_SCALE_SECOND_URL="$second" cargo bench -p plugboard --bench scale
  start_plugboard 28082 2000 "[[clusters]]\nid = \"second\"\nurls = [\"$second\"]\n"
  PLUGBOARD_URL=http://127.0.0.1:28082 BENCH_PLUGBOARD_PID="${pids[-1]}" BENCH_SCALE_FIRST_URL="${urls%%,*}" \
    node "$REPO_ROOT/playwright/bench-scale.mjs" 1000
}
if [ "$only" = scale ]; then
  scale
  exit 0
fi
start_plugboard 28080 2000
# Without cache, and with the request budget lifted: it measures the proxy's own cost per call.
start_plugboard 28081 0 'max_calls_per_second = 1000000\nmax_concurrent_calls = 64\n'
BENCH_CONNECT_URL="${urls%%,*}" BENCH_PLUGBOARD_URL=http://127.0.0.1:28080 \
  BENCH_PLUGBOARD_UNCACHED_URL=http://127.0.0.1:28081 cargo bench -p plugboard --bench gateway
PLUGBOARD_URL=http://127.0.0.1:28080 node "$REPO_ROOT/playwright/bench-dashboard.mjs" 200
export BENCH_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" BENCH_BROKER="Apache Kafka $(pom_version kafka-4), one broker"
cargo bench -p plugboard --bench kafka
cargo bench -p plugboard --bench security
cargo bench -p plugboard --bench records
cargo bench -p plugboard --bench replication
scale
store
