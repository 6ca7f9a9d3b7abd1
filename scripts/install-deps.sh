#!/usr/bin/env bash
# Installs what Plugboard's demo and tests need, each piece only when it is missing: a JDK 17
# and Maven, Apache Kafka 4 (broker, tools, Connect), Connect 3.9 and Debezium's connectors
# from Maven Central (the poms in scripts/maven), PostgreSQL 15 and MariaDB, the wasm32
# target, wasm-bindgen-cli at Cargo.lock's version and binaryen's wasm-opt, and (with
# --browser, for the tests) Chromium, the Playwright npm packages and a venv with the
# kafka-connect-py client and schemathesis. Also the C libraries librdkafka is built with
# (OpenSSL, Cyrus SASL, libcurl).
# Usage: scripts/install-deps.sh [--browser]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

BINARYEN_VERSION=132.0.0
SCHEMATHESIS_VERSION=4.32.5
# Pinned, not Maven's default for the goal: copies every runtime jar a pom needs into one folder.
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1
apt_updated=0
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

apt_install() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -q >/dev/null
    apt_updated=1
  fi
  say "apt-get install $*"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

ensure_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  # Kafka 4 needs Java 17; the JDK's javac builds the tests' plugin, keytool their keystores.
  java_major 2>/dev/null | grep -qE '^(1[7-9]|[2-9][0-9])$' || missing+=(openjdk-17-jdk-headless)
  command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  # The TLS tests make their own certificates.
  command -v openssl >/dev/null || missing+=(openssl)
  # librdkafka is built with TLS (OpenSSL), SASL (SCRAM; Kerberos through Cyrus SASL) and
  # OAUTHBEARER's OIDC token fetching (libcurl).
  local package
  for package in pkg-config libssl-dev libsasl2-dev libcurl4-openssl-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  say "java: $(java -version 2>&1 | head -n 1); $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
}

# The major version of the `java` on PATH.
java_major() {
  java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

# fetch_classpath POM_DIR DEST: every runtime jar of scripts/maven/POM_DIR/pom.xml, with its
# dependencies, copied by Maven into DEST (once; its `.complete` marks a whole download).
# The Connect plugins' folders are named by their versions; a folder of another version is
# removed, so that a worker never loads two versions of one plugin by accident.
fetch_classpath() {
  local pom=$REPO_ROOT/scripts/maven/$1/pom.xml dest=$2
  if [ -f "$dest/.complete" ]; then
    say "$1 jars: $dest"
    return
  fi
  say "fetching $1 from Maven Central"
  rm -rf "$dest"
  mkdir -p "$dest"
  if ! mvn -B -q -Dstyle.color=never -f "$pom" "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DoutputDirectory="$dest" -DincludeScope=runtime >"$dest.log" 2>&1; then
    cat "$dest.log" >&2
    die "Maven could not fetch $1 (its output is above)"
  fi
  touch "$dest/.complete"
  say "$1 jars: $(ls "$dest" | wc -l) in $dest"
}

# The Connect plugins of CONNECT_PLUGIN_POMS, each NAME-VERSION in CONNECT_PLUGINS.
fetch_connect_plugins() {
  local name wanted=() dir
  for name in $CONNECT_PLUGIN_POMS; do
    wanted+=("$CONNECT_PLUGINS/$name-$(pom_version "$name")")
    fetch_classpath "$name" "${wanted[-1]}"
  done
  for dir in "$CONNECT_PLUGINS"/*; do
    [[ " ${wanted[*]} " == *" $dir "* ]] || rm -rf "$dir"
  done
}

# The database pipeline's servers: PostgreSQL 15 (Debezium reads its logical replication) and
# MariaDB (the JDBC sink writes into it), from Debian's packages; the stack runs its own
# instances, so the packages' own services are not needed.
ensure_databases() {
  local missing=()
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
  command -v psql >/dev/null || missing+=(postgresql-client-15)
  command -v mariadbd >/dev/null || missing+=(mariadb-server)
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  say "databases: $(/usr/lib/postgresql/15/bin/postgres --version); $(mariadbd --version | cut -d' ' -f2-4)"
}

ensure_wasm_toolchain() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown \
      || die "could not add the wasm32-unknown-unknown target; the browser app cannot be built"
  fi
  local wanted
  wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' "$REPO_ROOT/Cargo.lock")
  [ -n "$wanted" ] || die "Cargo.lock names no wasm-bindgen version"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wanted\$"; then
    say "installing wasm-bindgen-cli $wanted (must match the wasm-bindgen crate in Cargo.lock)"
    # --locked can name a transitive crate version the registry no longer serves; then resolve anew.
    # --force: cargo's own record may say it is installed when the binary is gone. --debug: it
    # compiles in half the time (52 s against 103 s here) and writes the same output, in 1.5 s
    # instead of 0.4 s.
    cargo install --force --debug wasm-bindgen-cli --version "=$wanted" --locked \
      || cargo install --force --debug wasm-bindgen-cli --version "=$wanted"
  fi
  wasm-bindgen --version >/dev/null 2>&1 || die "wasm-bindgen-cli $wanted did not install (see above)"
  say "wasm-bindgen: $(wasm-bindgen --version)"
  if [ ! -x "$WASM_SPLIT" ]; then
    [ -n "$WASM_SPLIT_VERSION" ] || die "Cargo.lock names no wasm_split_helpers version"
    say "installing wasm-split $WASM_SPLIT_VERSION (must match wasm_split_helpers in Cargo.lock)"
    cargo install --debug --root "${WASM_SPLIT%/bin/*}" wasm_split_cli_support \
      --version "=$WASM_SPLIT_VERSION" --features build-binary --locked \
      || die "wasm-split $WASM_SPLIT_VERSION did not install (see above)"
  fi
  # binaryen's wasm-opt shrinks the browser's download. From npm, because Debian's (108) is too
  # old for what wasm-bindgen emits now (it breaks the externref table).
  if [ ! -x "$WASM_OPT" ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "npm install binaryen@$BINARYEN_VERSION (wasm-opt)"
    npm install --prefix "$PLUGBOARD_CACHE/binaryen" --no-audit --no-fund --loglevel=error \
      "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  say "wasm-opt: $("$WASM_OPT" --version)"
  # The browser app's files are compressed with Brotli at build time.
  command -v brotli >/dev/null || apt_install brotli
}

# A third-party Connect client for the passthrough's compatibility test, and the API fuzzer,
# in a venv of their own.
ensure_client_venv() {
  local venv=$PLUGBOARD_CACHE/venv
  if ! "$venv/bin/python" -c "import kafka_connect" 2>/dev/null; then
    say "creating $venv with kafka-connect-py"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "kafka-connect-py==1.0.0"
  fi
  if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
    say "pip install schemathesis==$SCHEMATHESIS_VERSION (the API fuzzer)"
    "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  say "kafka-connect-py and schemathesis: $venv"
}

ensure_browser() {
  if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
  say "chromium: $(/usr/bin/chromium --version 2>/dev/null)"
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d "$REPO_ROOT/playwright/node_modules/playwright-core" ]; then
    say "npm ci (playwright-core)"
    (cd "$REPO_ROOT/playwright" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_tools
fetch_classpath kafka-4 "$KAFKA_CLASSPATH"
fetch_classpath connect-3.9 "$CONNECT_LEGACY_CLASSPATH"
fetch_connect_plugins
ensure_databases
ensure_wasm_toolchain
if [ "${1:-}" = "--browser" ]; then
  ensure_browser
  ensure_client_venv
fi
