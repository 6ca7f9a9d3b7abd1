# Starts and stops the real local stack: the tansu Kafka broker and one or more Apache Kafka
# Connect 3.9 clusters (shared/STACK.md), plus the demo file pipeline. Sourced, not run.
#
# The broker listens on KAFKA_PORT (default 9092). CONNECT_CLUSTERS lists the Connect clusters
# as `id:port[,port...]`, space-separated (default "local:8083,8084", one cluster of two
# workers). Each cluster has its own group id (plugboard-ID) and internal topics
# (connect-ID-offsets, -configs, -status; the cluster `local` keeps the names it always had,
# connect-offsets and so on, so an existing .demo-data keeps its connectors), so several
# clusters share the broker without disturbing each other.
# With CONNECT_HTTPS_CLUSTER=id:port, one more single-worker cluster serves its REST API over
# HTTPS only and requires client certificates; the CA, the client's certificate and key
# (PEM) are made in DATA_DIR/tls (see make_test_tls).
# With STACK_TEST_PLUGIN=1 the workers also load the tests' own plugin (backend/tests/plugin: a
# converter and a transform that declare PASSWORD settings), compiled here with javac.
# Every process started here is recorded in STACK_PIDS and ended by stack_stop. Each runs in a
# session of its own (setsid), so a Ctrl-C in the terminal reaches only the calling script,
# which then stops the workers before the broker they need for a clean shutdown.

KAFKA_PORT=${KAFKA_PORT:-9092}
CONNECT_CLUSTERS=${CONNECT_CLUSTERS:-local:8083,8084}
# Each worker's JVM options (the test suite adds a lighter collector and compiler).
CONNECT_JAVA_OPTS=${CONNECT_JAVA_OPTS:--Xms128m -Xmx512m}
CONNECT_CLASSPATH=$PLUGBOARD_CACHE/connect-3.9/classpath
STACK_PIDS=()

# cluster_ports ID: the ports of cluster ID's workers, space-separated.
cluster_ports() {
  local cluster
  for cluster in $CONNECT_CLUSTERS; do
    if [ "${cluster%%:*}" = "$1" ]; then echo "${cluster#*:}" | tr ',' ' '; return; fi
  done
  die "no Connect cluster $1 in CONNECT_CLUSTERS ($CONNECT_CLUSTERS)"
}

# cluster_urls ID: the URLs of cluster ID's workers, comma-separated.
cluster_urls() {
  local port urls=()
  for port in $(cluster_ports "$1"); do urls+=("http://127.0.0.1:$port"); done
  (IFS=,; echo "${urls[*]}")
}

# stack_start DATA_DIR: starts the broker and every worker, returns once all answer.
stack_start() {
  local data=$1 port pid cluster
  local all_ports=("$KAFKA_PORT")
  for cluster in $CONNECT_CLUSTERS ${CONNECT_HTTPS_CLUSTER:-}; do
    all_ports+=($(echo "${cluster#*:}" | tr ',' ' '))
  done
  for port in "${all_ports[@]}"; do
    if port_is_open "$port"; then
      die "port $port is already in use (is another Plugboard stack running?); stop it first"
    fi
  done
  mkdir -p "$data/logs" "$data/plugins"
  if [ "${STACK_TEST_PLUGIN:-0}" = 1 ]; then build_test_plugin "$data/plugins/plugboard-test-plugin"; fi
  say "starting tansu on 127.0.0.1:$KAFKA_PORT (data in $data)"
  # tansu reads the path after sqlite:// relative to its working directory, so run it in $data.
  (cd "$data" && exec setsid tansu broker \
    --listener-url "tcp://127.0.0.1:$KAFKA_PORT" \
    --advertised-listener-url "tcp://127.0.0.1:$KAFKA_PORT" \
    --storage-engine "sqlite://tansu.db") >"$data/logs/tansu.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_for_port "$KAFKA_PORT" 30 || die "tansu did not start; see $data/logs/tansu.log"

  write_log_properties "$data"
  local worker_pids=() worker_ports=() clusters=$CONNECT_CLUSTERS
  if [ -n "${CONNECT_HTTPS_CLUSTER:-}" ]; then
    make_test_tls "$data/tls"
    clusters="$clusters $CONNECT_HTTPS_CLUSTER"
  fi
  for cluster in $clusters; do
    for port in $(echo "${cluster#*:}" | tr ',' ' '); do
      write_worker_properties "$data" "${cluster%%:*}" "$port"
      say "starting Kafka Connect worker of cluster ${cluster%%:*} on 127.0.0.1:$port"
      # shellcheck disable=SC2086 # the options are words
      setsid java $CONNECT_JAVA_OPTS \
        -Dlog4j2.configurationFile="$data/connect-log4j2.properties" \
        -cp "$CONNECT_CLASSPATH/*" org.apache.kafka.connect.cli.ConnectDistributed \
        "$data/worker-$port.properties" >"$data/logs/connect-$port.log" 2>&1 &
      STACK_PIDS+=($!)
      worker_pids+=($!)
      worker_ports+=("$port")
    done
  done
  local i
  for i in "${!worker_ports[@]}"; do
    port=${worker_ports[$i]}
    if [ -n "${CONNECT_HTTPS_CLUSTER:-}" ] && [ "$port" = "${CONNECT_HTTPS_CLUSTER#*:}" ]; then
      wait_for_https "$port" "$data/tls" "${worker_pids[$i]}" \
        || die "Connect worker $port did not answer over HTTPS; see $data/logs/connect-$port.log"
    else
      wait_for_url "http://127.0.0.1:$port/health" 240 "${worker_pids[$i]}" \
        || die "Connect worker $port did not become healthy; see $data/logs/connect-$port.log"
    fi
    say "Connect worker on $port is healthy"
  done
}

# stack_stop: ends every process the stack started, newest first, so the workers can still
# reach the broker while they shut down (TERM, then KILL after 30 s).
stack_stop() {
  [ "${#STACK_PIDS[@]}" -gt 0 ] || return 0
  say "stopping the local stack"
  local i
  for ((i = ${#STACK_PIDS[@]} - 1; i >= 0; i--)); do
    stop_process "${STACK_PIDS[$i]}" 30
  done
  STACK_PIDS=()
}

# stop_process PID SECONDS: TERM, wait up to SECONDS, then KILL.
stop_process() {
  local pid=$1 seconds=$2 waited=0
  kill -TERM "$pid" 2>/dev/null || return 0
  while [ "$waited" -lt "$seconds" ] && kill -0 "$pid" 2>/dev/null; do
    sleep 1; waited=$((waited + 1))
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# stack_seed_pipeline DATA_DIR: the demo pipeline, a generator appending lines to a file (one
# in ten is not JSON), a FileStreamSource reading it into the 3-partition topic demo-lines, a
# FileStreamSink writing it back out, and a second sink that parses each line as JSON: it skips
# the lines that are not (errors.tolerance=all) into its dead letter queue demo-lines-dlq, with
# Connect's error headers, so the console's dead letter card, error groups and replay have
# something to show. Idempotent: PUT .../config creates or updates.
stack_seed_pipeline() {
  local data=$1 connect_url
  connect_url=$(cluster_urls local)
  connect_url=${connect_url%%,*}
  mkdir -p "$data/pipeline"
  touch "$data/pipeline/input.txt"
  tansu topic create --broker "tcp://127.0.0.1:$KAFKA_PORT" --partitions 3 demo-lines \
    >>"$data/logs/tansu.log" 2>&1 || say "topic demo-lines already exists"
  (
    n=$(wc -l <"$data/pipeline/input.txt")
    while :; do
      n=$((n + 1))
      if ((n % 10 == 0)); then
        printf 'line %d at %s, not JSON\n' "$n" "$(date -u +%FT%TZ)" >>"$data/pipeline/input.txt"
      else
        printf '{"line":%d,"at":"%s"}\n' "$n" "$(date -u +%FT%TZ)" >>"$data/pipeline/input.txt"
      fi
      sleep 1
    done
  ) &
  STACK_PIDS+=($!)
  local strings='"key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.storage.StringConverter"'
  put_connector "$connect_url" demo-file-source "{
    \"connector.class\": \"org.apache.kafka.connect.file.FileStreamSourceConnector\", $strings,
    \"tasks.max\": \"1\", \"file\": \"$data/pipeline/input.txt\", \"topic\": \"demo-lines\"}"
  put_connector "$connect_url" demo-file-sink "{
    \"connector.class\": \"org.apache.kafka.connect.file.FileStreamSinkConnector\", $strings,
    \"tasks.max\": \"1\", \"file\": \"$data/pipeline/output.txt\", \"topics\": \"demo-lines\"}"
  put_connector "$connect_url" demo-json-sink "{
    \"connector.class\": \"org.apache.kafka.connect.file.FileStreamSinkConnector\",
    \"tasks.max\": \"1\", \"file\": \"$data/pipeline/parsed.txt\", \"topics\": \"demo-lines\",
    \"key.converter\": \"org.apache.kafka.connect.storage.StringConverter\",
    \"value.converter\": \"org.apache.kafka.connect.json.JsonConverter\",
    \"value.converter.schemas.enable\": \"false\",
    \"errors.tolerance\": \"all\",
    \"errors.deadletterqueue.topic.name\": \"demo-lines-dlq\",
    \"errors.deadletterqueue.topic.replication.factor\": \"1\",
    \"errors.deadletterqueue.context.headers.enable\": \"true\"}"
}

put_connector() {
  local url=$1 name=$2 config=$3 attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    # A freshly started cluster answers 409 while its first rebalance is in progress.
    if curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' \
      --data "$config" "$url/connectors/$name/config"; then
      say "connector $name is configured"
      return 0
    fi
    sleep 3
  done
  die "could not create connector $name on $url"
}

# build_test_plugin DIR: compiles backend/tests/plugin into DIR/plugboard-test-plugin.jar.
build_test_plugin() {
  local dir=$1 source=$REPO_ROOT/backend/tests/plugin classes
  classes=$(mktemp -d)
  javac -nowarn -d "$classes" -cp "$CONNECT_CLASSPATH/*" "$source"/src/dev/plugboard/test/*.java \
    || die "could not compile the tests' Connect plugin"
  cp -r "$source/META-INF" "$classes/"
  mkdir -p "$dir"
  jar cf "$dir/plugboard-test-plugin.jar" -C "$classes" .
  rm -rf "$classes"
  say "tests' Connect plugin: $dir"
}

port_is_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 seconds=$2 waited=0
  until port_is_open "$port"; do
    [ "$waited" -ge "$seconds" ] && return 1
    sleep 1; waited=$((waited + 1))
  done
}

# make_test_tls DIR: a CA, a certificate for 127.0.0.1 and one for a client, signed by it
# (PEM), and the server's keystore and truststore (PKCS12, password "changeit") for Connect.
make_test_tls() {
  local dir=$1 who
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=plugboard-test-ca" \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$dir/san.ext"
  for who in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=plugboard-test-$who" \
      -keyout "$dir/$who-key.pem" -out "$dir/$who.csr" 2>/dev/null
    openssl x509 -req -in "$dir/$who.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
      -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/$who.pem" 2>/dev/null
  done
  openssl pkcs12 -export -in "$dir/server.pem" -inkey "$dir/server-key.pem" -name server \
    -passout pass:changeit -out "$dir/server.p12"
  keytool -importcert -noprompt -storetype PKCS12 -keystore "$dir/trust.p12" \
    -storepass changeit -alias ca -file "$dir/ca.pem" >/dev/null 2>&1
}

# wait_for_https PORT TLS_DIR PID: like wait_for_url, presenting the test client's certificate.
wait_for_https() {
  local port=$1 tls=$2 pid=$3 waited=0
  until curl -fsS -o /dev/null --max-time 2 --cacert "$tls/ca.pem" --cert "$tls/client.pem" \
    --key "$tls/client-key.pem" "https://127.0.0.1:$port/connectors" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$waited" -ge 240 ] && return 1
    sleep 1; waited=$((waited + 1))
  done
}

# write_worker_properties DATA_DIR CLUSTER PORT
write_worker_properties() {
  local data=$1 cluster=$2 port=$3 topics="connect-$2"
  [ "$cluster" = local ] && topics=connect
  if [ "$cluster:$port" = "${CONNECT_HTTPS_CLUSTER:-}" ]; then
    https_worker_properties "$data" "$cluster" "$port"
    return
  fi
  cat >"$data/worker-$port.properties" <<PROPS
bootstrap.servers=127.0.0.1:$KAFKA_PORT
group.id=plugboard-$cluster
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
offset.storage.topic=$topics-offsets
offset.storage.replication.factor=1
config.storage.topic=$topics-configs
config.storage.replication.factor=1
status.storage.topic=$topics-status
status.storage.replication.factor=1
offset.flush.interval.ms=2000
listeners=http://127.0.0.1:$port
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$port
plugin.path=$data/plugins
plugin.discovery=service_load
# Production's default (5 min) holds lost or new work back after a rebalance; a local stack
# whose connectors come and go all the time is better served by seconds.
scheduled.rebalance.max.delay.ms=5000
PROPS
}

# https_worker_properties DATA_DIR CLUSTER PORT: a worker whose REST API is HTTPS only and
# requires a client certificate signed by the test CA.
https_worker_properties() {
  local data=$1 cluster=$2 port=$3 tls=$1/tls
  cat >"$data/worker-$port.properties" <<PROPS
bootstrap.servers=127.0.0.1:$KAFKA_PORT
group.id=plugboard-$cluster
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.storage.topic=connect-$cluster-offsets
offset.storage.replication.factor=1
config.storage.topic=connect-$cluster-configs
config.storage.replication.factor=1
status.storage.topic=connect-$cluster-status
status.storage.replication.factor=1
listeners=https://127.0.0.1:$port
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$port
rest.advertised.listener=https
listeners.https.ssl.keystore.location=$tls/server.p12
listeners.https.ssl.keystore.password=changeit
listeners.https.ssl.keystore.type=PKCS12
listeners.https.ssl.key.password=changeit
listeners.https.ssl.truststore.location=$tls/trust.p12
listeners.https.ssl.truststore.password=changeit
listeners.https.ssl.truststore.type=PKCS12
listeners.https.ssl.client.auth=required
plugin.path=$data/plugins
plugin.discovery=service_load
PROPS
}

# The wheel's SLF4J binding is log4j2, so the worker logs are configured in its format.
write_log_properties() {
  cat >"$1/connect-log4j2.properties" <<'PROPS'
status = warn
appender.console.type = Console
appender.console.name = stdout
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = stdout
logger.clients.name = org.apache.kafka.clients
logger.clients.level = warn
PROPS
}
