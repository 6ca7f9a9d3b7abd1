# Shared helpers for Plugboard's scripts: paths, progress messages, waiting for services.
# Sourced, not run.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Downloads and tools that outlive a clone (Connect jars, the build cache) live here.
PLUGBOARD_CACHE=${PLUGBOARD_CACHE:-$HOME/.cache/plugboard}
# A cargo target directory outside the clone, so a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PLUGBOARD_CACHE/target}
# The browser app's build has a target directory of its own, so that it can run while the
# backend compiles (cargo locks a target directory for the whole of a build).
WASM_TARGET_DIR=$CARGO_TARGET_DIR/wasm
# pom_version NAME: the version scripts/maven/NAME/pom.xml pins (the project's own).
pom_version() {
  sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$REPO_ROOT/scripts/maven/$1/pom.xml"
}
# The jars of Apache Kafka 4 (brokers, tools, Connect) and of Connect 3.9, each a classpath
# folder fetched by scripts/install-deps.sh with Maven.
KAFKA_CLASSPATH=$PLUGBOARD_CACHE/kafka-$(pom_version kafka-4)
CONNECT_LEGACY_CLASSPATH=$PLUGBOARD_CACHE/connect-$(pom_version connect-3.9)
# Connect plugins from Maven Central (Debezium's PostgreSQL source and JDBC sink), each a folder
# of its own in this plugin path folder, which the Connect 4 workers load.
CONNECT_PLUGINS=$PLUGBOARD_CACHE/connect-plugins
CONNECT_PLUGIN_POMS="debezium-postgres debezium-jdbc"
# wasm-opt from the binaryen npm package (scripts/install-deps.sh installs it).
WASM_OPT=$PLUGBOARD_CACHE/binaryen/node_modules/.bin/wasm-opt
# wasm-split (of the wasm_split_cli_support crate at the version Cargo.lock has of its runtime
# half, wasm_split_helpers), which cuts the browser app's lazily loaded pages out of its wasm.
WASM_SPLIT_VERSION=$(awk '/^name = "wasm_split_helpers"$/ { getline; gsub(/[^0-9.]/, ""); print }' "$REPO_ROOT/Cargo.lock")
WASM_SPLIT=$PLUGBOARD_CACHE/wasm-split-$WASM_SPLIT_VERSION/bin/wasm-split-cli
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[plugboard]\033[0m %s\n' "$*" >&2 || true; }
die() { printf '\033[1;31m[plugboard] error:\033[0m %s\n' "$*" >&2; exit 1; }

# wait_for_url URL SECONDS [PID]: polls URL until it answers 2xx; fails early if PID exits.
wait_for_url() {
  local url=$1 seconds=$2 pid=${3:-} waited=0
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    [ "$waited" -ge "$seconds" ] && return 1
    sleep 1; waited=$((waited + 1))
  done
}
