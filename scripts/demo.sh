#!/usr/bin/env bash
# Runs Plugboard against a live local demo stack: three Apache Kafka 4 brokers (and their
# controller), two Kafka Connect workers and a file pipeline that keeps producing, and a second
# Kafka cluster (one broker) that a MirrorMaker 2 flow replicates the pipeline's topic and its
# sinks' groups into, run by a Connect worker of its own; and a database pipeline: PostgreSQL
# tables replicated into MariaDB by Debezium's source and JDBC sink, while a generator writes.
# Installs whatever is missing first.
# Ctrl-C stops everything.
# Usage: scripts/demo.sh [--wipe]   (--wipe deletes the demo data in .demo-data first)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
export MIRROR_KAFKA_PORT=${MIRROR_KAFKA_PORT:-9292} MIRROR_CONNECT_CLUSTER=${MIRROR_CONNECT_CLUSTER:-dr:8085} \
  STACK_DATABASES=1
source "$REPO_ROOT/scripts/lib/stack.sh"

DATA_DIR=${PLUGBOARD_DEMO_DATA:-$REPO_ROOT/.demo-data}
case "${1:-}" in
  --wipe) say "wiping $DATA_DIR"; rm -rf "$DATA_DIR" ;;
  "") ;;
  *) die "unknown option $1 (usage: scripts/demo.sh [--wipe])" ;;
esac

"$REPO_ROOT/scripts/install-deps.sh"

plugboard_pid=
build_pid=
shutdown() {
  # Cleanup must finish even if stdout is gone (closed pipe) or Ctrl-C is pressed again.
  trap '' INT TERM PIPE
  if [ -n "$build_pid" ]; then kill -TERM -- "-$build_pid" 2>/dev/null || true; fi
  if [ -n "$plugboard_pid" ]; then kill -TERM "$plugboard_pid" 2>/dev/null || true; wait "$plugboard_pid" 2>/dev/null || true; fi
  stack_stop
  say "stopped; demo data kept in $DATA_DIR (scripts/demo.sh --wipe starts afresh)"
}
trap shutdown EXIT
trap 'exit 130' INT TERM

# The browser app compiles while the backend does (two cores are busier that way: the app's
# optimising link runs on one), in a session of its own so that shutdown can stop it; the
# stack starts meanwhile too.
setsid "$REPO_ROOT/scripts/build-frontend.sh" &
build_pid=$!
say "building the plugboard binary"
cargo build --manifest-path "$REPO_ROOT/Cargo.toml" -p plugboard
stack_start "$DATA_DIR"
stack_seed_pipeline "$DATA_DIR"
stack_seed_mirror 'demo-lines' 'connect-demo-.*'
stack_seed_database_pipeline local
wait "$build_pid" || die "the browser app did not build (see above)"
build_pid=
# Again, in case the app was finished after the backend (a debug build serves it from disk
# only if it was there when compiled).
cargo build --manifest-path "$REPO_ROOT/Cargo.toml" -p plugboard
cat >"$DATA_DIR/plugboard.toml" <<TOML
# The shop database's slot is read every 5 s, so its chart moves while you watch.
slot_poll_ms = 5000

[[kafka_clusters]]
id = "main"
name = "Main Kafka"
bootstrap_servers = "$(kafka_bootstrap "$KAFKA_PORT" "$KAFKA_BROKERS")"

[[kafka_clusters]]
id = "mirror"
name = "Mirror Kafka"
bootstrap_servers = "$(kafka_bootstrap "$MIRROR_KAFKA_PORT" 1)"

[[clusters]]
id = "default"
name = "Demo cluster"
urls = [$(cluster_urls local | sed 's/[^,]*/"&"/g; s/,/, /g')]
kafka = "main"

[[clusters]]
id = "${MIRROR_CONNECT_CLUSTER%%:*}"
name = "MirrorMaker 2 (on the mirror)"
urls = [$(cluster_urls "${MIRROR_CONNECT_CLUSTER%%:*}" | sed 's/[^,]*/"&"/g; s/,/, /g')]
kafka = "mirror"

$(source_database_toml "$DATA_DIR")
TOML
"$CARGO_TARGET_DIR/debug/plugboard" --bind 127.0.0.1:8080 --database "$DATA_DIR/plugboard.db" \
  --config "$DATA_DIR/plugboard.toml" &
plugboard_pid=$!
wait_for_url http://127.0.0.1:8080/readyz 30 "$plugboard_pid" || die "plugboard did not start"
say "Plugboard is running at http://127.0.0.1:8080  (Ctrl-C stops Plugboard and the stack)"
wait "$plugboard_pid"
