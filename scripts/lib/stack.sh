# Starts and stops the real local stack: Apache Kafka 4 brokers in KRaft mode and Apache Kafka
# Connect clusters (4.x, and 3.9 for compatibility), all plain `java` processes on the jars
# scripts/install-deps.sh fetched from Maven Central, plus the demo file pipeline. Sourced,
# not run.
#
# Kafka: KAFKA_PORT (default 9092) is the first broker of the main Kafka cluster, of
# KAFKA_BROKERS brokers (default 3). One broker runs as broker and controller in one process;
# several run beside a controller of their own, so stopping brokers never stops the quorum
# (their ISR shrinks and grows back as in production). Brokers listen on KAFKA_PORT,
# KAFKA_PORT+1, ...; the controller on KAFKA_PORT+9. With three or more brokers, topics are
# replicated three times with min.insync.replicas=2. With KAFKA_SECURE=1 (one broker), the
# broker also serves SASL_SSL (SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN) on KAFKA_PORT+5 and
# mutual TLS on KAFKA_PORT+6, with certificates made in DATA_DIR/tls (see make_test_tls).
# With ISR_KAFKA_PORT, a second Kafka cluster of three brokers and a controller runs there,
# for tests that stop and start brokers (each broker's start script and pid are in
# DATA_DIR/kafka-isr; see kafka_broker_stop and kafka_broker_start).
#
# Connect: CONNECT_CLUSTERS lists Connect 4 clusters as `id:port[,port...]`, space-separated
# (default "local:8083,8084", one cluster of two workers). Each cluster has its own group id
# (plugboard-ID) and internal topics (connect-ID-offsets, -configs, -status; the cluster
# `local` keeps connect-offsets and so on, so an existing .demo-data keeps its connectors).
# CONNECT_LEGACY_CLUSTER=id:port[,port...] adds a Connect 3.9 cluster. With
# CONNECT_HTTPS_CLUSTER=id:port, one more one-worker cluster serves its REST API over HTTPS
# only, requires client certificates, and reaches Kafka over SASL_SSL (SCRAM-SHA-512), as
# production workers do (needs KAFKA_SECURE=1).
# With CONNECT_ALLOWLIST_CLUSTER=ID, the workers of Connect 4 cluster ID run the Allowlist client
# override policy (KIP-1188): connectors may override only the client settings in
# CONNECT_OVERRIDE_ALLOWLIST (default max.poll.records and linger.ms), not group.id.
# MirrorMaker 2: with MIRROR_KAFKA_PORT, a second Kafka cluster of one broker (broker and
# controller in one process) runs there, and MIRROR_CONNECT_CLUSTER=id:port[,port...] is a
# Connect 4 cluster whose workers run on that Kafka: the cluster that runs MirrorMaker 2 flows
# into it (stack_seed_mirror), as Connect-hosted MirrorMaker 2 must run on its target.
# With STACK_DATABASES=1, PostgreSQL and MariaDB run too (scripts/lib/databases.sh), and
# stack_seed_database_pipeline replicates a table of one into the other through Debezium's
# connectors, which the Connect 4 workers load from CONNECT_PLUGINS.
# With STACK_TEST_PLUGIN=1 the workers also load the tests' own plugin (backend/tests/plugin: a
# converter and a transform that declare PASSWORD settings, and a sink installed in two
# versions side by side), compiled here with javac.
# Every process started here is recorded in STACK_PIDS and ended by stack_stop. Each runs in a
# session of its own (setsid), so a Ctrl-C in the terminal reaches only the calling script,
# which then stops the workers before the brokers they need for a clean shutdown.

source "$REPO_ROOT/scripts/lib/databases.sh"

KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_BROKERS=${KAFKA_BROKERS:-3}
CONNECT_CLUSTERS=${CONNECT_CLUSTERS:-local:8083,8084}
# JVM options: Connect workers, brokers and controllers (the test suite makes them lighter).
CONNECT_JAVA_OPTS=${CONNECT_JAVA_OPTS:--Xms128m -Xmx512m}
KAFKA_JAVA_OPTS=${KAFKA_JAVA_OPTS:--Xms128m -Xmx384m}
CONTROLLER_JAVA_OPTS=${CONTROLLER_JAVA_OPTS:--Xms64m -Xmx192m}
STACK_PIDS=()
# Kafka nodes as "DIR ID", in start order: stopped by their pid files, which a test that
# restarts a broker updates.
STACK_KAFKA_NODES=()
# The versions the tests' own plugin is built as, oldest first (see build_test_plugin).
TEST_PLUGIN_VERSIONS="1.0.0 2.0.0"
# The SCRAM and PLAIN users of the secure listener, and their password (tests only).
TEST_SASL_PASSWORD=plugboard-test-sasl-password

# cluster_ports ID: the ports of Connect cluster ID's workers, space-separated.
cluster_ports() {
  local cluster
  for cluster in $(connect_cluster_specs); do
    if [ "${cluster%%:*}" = "$1" ]; then echo "${cluster#*:}" | tr ',' ' '; return; fi
  done
  die "no Connect cluster $1 in CONNECT_CLUSTERS ($CONNECT_CLUSTERS)"
}

# connect_cluster_specs: every Connect cluster of the stack as id:port[,port...].
connect_cluster_specs() {
  echo $CONNECT_CLUSTERS ${CONNECT_LEGACY_CLUSTER:-} ${CONNECT_HTTPS_CLUSTER:-} ${MIRROR_CONNECT_CLUSTER:-}
}

# cluster_urls ID: the URLs of cluster ID's workers, comma-separated.
cluster_urls() {
  local port urls=()
  for port in $(cluster_ports "$1"); do urls+=("http://127.0.0.1:$port"); done
  (IFS=,; echo "${urls[*]}")
}

# kafka_bootstrap PORT BROKERS: the bootstrap servers of a Kafka cluster.
kafka_bootstrap() {
  local i servers=()
  for ((i = 0; i < $2; i++)); do servers+=("127.0.0.1:$(($1 + i))"); done
  (IFS=,; echo "${servers[*]}")
}

# stack_start DATA_DIR: starts the brokers and every worker, returns once all answer.
stack_start() {
  local data=$1 port cluster
  STACK_DATA_DIR=$data
  local all_ports=()
  for ((port = KAFKA_PORT; port < KAFKA_PORT + KAFKA_BROKERS; port++)); do all_ports+=("$port"); done
  all_ports+=($((KAFKA_PORT + 9)))
  if [ -n "${MIRROR_KAFKA_PORT:-}" ]; then all_ports+=("$MIRROR_KAFKA_PORT" $((MIRROR_KAFKA_PORT + 9))); fi
  if [ "${STACK_DATABASES:-0}" = 1 ]; then all_ports+=("$POSTGRES_PORT" "$MARIADB_PORT"); fi
  for cluster in $(connect_cluster_specs); do
    all_ports+=($(echo "${cluster#*:}" | tr ',' ' '))
  done
  for port in "${all_ports[@]}"; do
    if port_is_open "$port"; then
      die "port $port is already in use (is another Plugboard stack running?); stop it first"
    fi
  done
  mkdir -p "$data/logs" "$data/plugins"
  write_log_configs "$data"
  if [ -n "${CONNECT_HTTPS_CLUSTER:-}" ] || [ "${KAFKA_SECURE:-0}" = 1 ]; then make_test_tls "$data/tls"; fi
  kafka_cluster_start "$data" main "$KAFKA_PORT" "$KAFKA_BROKERS" "${KAFKA_SECURE:-0}"
  if [ -n "${ISR_KAFKA_PORT:-}" ]; then kafka_cluster_start "$data" isr "$ISR_KAFKA_PORT" 3 0; fi
  if [ -n "${MIRROR_KAFKA_PORT:-}" ]; then kafka_cluster_start "$data" mirror "$MIRROR_KAFKA_PORT" 1 0; fi
  kafka_cluster_wait "$data" main "$KAFKA_PORT" "$KAFKA_BROKERS"
  if [ -n "${ISR_KAFKA_PORT:-}" ]; then kafka_cluster_wait "$data" isr "$ISR_KAFKA_PORT" 3; fi
  if [ -n "${MIRROR_KAFKA_PORT:-}" ]; then kafka_cluster_wait "$data" mirror "$MIRROR_KAFKA_PORT" 1; fi
  if [ "${STACK_TEST_PLUGIN:-0}" = 1 ]; then build_test_plugin "$data/plugins"; fi
  if [ "${STACK_DATABASES:-0}" = 1 ]; then databases_start "$data"; fi
  connect_start "$data"
}

# kafka_cluster_start DATA_DIR NAME PORT BROKERS SECURE: formats (once) and starts the nodes
# of one Kafka cluster in DATA_DIR/kafka-NAME, without waiting for them.
kafka_cluster_start() {
  local data=$1 name=$2 port=$3 brokers=$4 secure=$5 dir=$1/kafka-$2 node
  mkdir -p "$dir"
  local voters="9@127.0.0.1:$((port + 9))"
  if [ "$brokers" = 1 ]; then voters="1@127.0.0.1:$((port + 9))"; fi
  if [ "$brokers" = 1 ]; then
    kafka_node_properties "$dir" 1 combined "$port" "$voters" 1 "$secure" >"$dir/node-1.properties"
  else
    kafka_node_properties "$dir" 9 controller "$port" "$voters" "$brokers" 0 >"$dir/node-9.properties"
    for ((node = 1; node <= brokers; node++)); do
      kafka_node_properties "$dir" "$node" broker "$port" "$voters" "$brokers" 0 >"$dir/node-$node.properties"
    done
  fi
  kafka_format "$dir" "$secure"
  say "starting Kafka cluster $name ($brokers broker(s) from 127.0.0.1:$port; data in $dir)"
  for node in $(kafka_nodes "$dir"); do
    kafka_node_script "$dir" "$node" >"$dir/node-$node.sh"
    kafka_broker_start "$dir" "$node"
    STACK_KAFKA_NODES+=("$dir $node")
  done
}

# kafka_nodes DIR: the node ids of the cluster in DIR, controller first.
kafka_nodes() {
  local file ids=()
  [ -f "$1/node-9.properties" ] && ids+=(9)
  for file in "$1"/node-[1-8].properties; do [ -f "$file" ] && ids+=("$(basename "$file" .properties | cut -d- -f2)"); done
  echo "${ids[@]}"
}

# kafka_format DIR SECURE: formats every node's storage with Kafka's own tool, once (a node
# already formatted keeps its data; -g). SECURE adds the SCRAM users of the secure listener.
kafka_format() {
  local dir=$1 secure=$2 id node scram=() pids=()
  if [ ! -f "$dir/cluster-id" ]; then
    java -cp "$KAFKA_CLASSPATH/*" kafka.tools.StorageTool random-uuid >"$dir/cluster-id"
  fi
  id=$(cat "$dir/cluster-id")
  if [ "$secure" = 1 ]; then
    scram=(--add-scram "SCRAM-SHA-512=[name=scram512,password=$TEST_SASL_PASSWORD]"
      --add-scram "SCRAM-SHA-256=[name=scram256,password=$TEST_SASL_PASSWORD]")
  fi
  for node in $(kafka_nodes "$dir"); do
    java -Xmx128m -Dlog4j2.configurationFile="$dir/../tools-log4j2.properties" -cp "$KAFKA_CLASSPATH/*" \
      kafka.tools.StorageTool format -g -t "$id" -c "$dir/node-$node.properties" "${scram[@]}" \
      >"$dir/format-$node.log" 2>&1 &
    pids+=($!)
  done
  for id in "${pids[@]}"; do
    wait "$id" || die "formatting Kafka's storage failed; see $dir/format-*.log"
  done
}

# kafka_node_properties DIR ID ROLE PORT VOTERS BROKERS SECURE: a node's server.properties.
kafka_node_properties() {
  local dir=$1 id=$2 role=$3 port=$4 voters=$5 brokers=$6 secure=$7
  local replicas=$((brokers < 3 ? brokers : 3)) min_isr=$((brokers < 3 ? 1 : 2))
  local controller="CONTROLLER://127.0.0.1:$((port + 9))" listeners advertised map
  map="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  case $role in
    controller)
      printf 'process.roles=controller\nlisteners=%s\n' "$controller" ;;
    broker)
      listeners="PLAINTEXT://127.0.0.1:$((port + id - 1))"
      printf 'process.roles=broker\nlisteners=%s\nadvertised.listeners=%s\n' "$listeners" "$listeners" ;;
    combined)
      listeners="PLAINTEXT://127.0.0.1:$port"
      advertised=$listeners
      if [ "$secure" = 1 ]; then
        listeners="$listeners,SASL://localhost:$((port + 5)),MTLS://localhost:$((port + 6))"
        advertised="$advertised,SASL://localhost:$((port + 5)),MTLS://localhost:$((port + 6))"
        map="$map,SASL:SASL_SSL,MTLS:SSL"
      fi
      printf 'process.roles=broker,controller\nlisteners=%s,%s\nadvertised.listeners=%s\n' \
        "$listeners" "$controller" "$advertised" ;;
  esac
  printf 'listener.security.protocol.map=%s\n' "$map"
  cat <<PROPS
node.id=$id
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/node-$id
num.partitions=1
default.replication.factor=$replicas
min.insync.replicas=$min_isr
offsets.topic.replication.factor=$replicas
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$replicas
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
# The cleaner's dedupe buffer is on the heap (128 MiB by default): small heaps need a small one.
log.cleaner.dedupe.buffer.size=16777216
PROPS
  if [ "$secure" = 1 ]; then
    local tls=$dir/../tls
    cat <<PROPS
listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_plain="$TEST_SASL_PASSWORD";
listener.name.mtls.ssl.client.auth=required
ssl.keystore.type=PKCS12
ssl.keystore.location=$tls/server.p12
ssl.keystore.password=changeit
ssl.truststore.type=PKCS12
ssl.truststore.location=$tls/trust.p12
ssl.truststore.password=changeit
PROPS
  fi
}

# kafka_node_script DIR ID: the command that runs node ID, as a script (tests run it again to
# restart a broker they stopped).
kafka_node_script() {
  local dir=$1 id=$2 opts=$KAFKA_JAVA_OPTS
  [ "$id" = 9 ] && opts=$CONTROLLER_JAVA_OPTS
  cat <<SCRIPT
#!/usr/bin/env bash
# Runs Kafka node $id of $dir in the foreground (written by scripts/lib/stack.sh).
exec java $opts -Dlog4j2.configurationFile=$dir/../kafka-log4j2.properties \\
  -Dkafka.logs.dir=$dir/node-$id-logs -cp '$KAFKA_CLASSPATH/*' kafka.Kafka $dir/node-$id.properties
SCRIPT
}

# kafka_broker_start DIR ID: starts node ID of the cluster in DIR in the background; its pid
# goes to DIR/node-ID.pid.
kafka_broker_start() {
  local dir=$1 id=$2
  setsid bash "$dir/node-$id.sh" >>"$dir/node-$id.log" 2>&1 &
  echo $! >"$dir/node-$id.pid"
}

# kafka_broker_stop DIR ID: stops node ID of the cluster in DIR (TERM, then KILL).
kafka_broker_stop() {
  stop_process "$(cat "$1/node-$2.pid")" 30
}

# kafka_cluster_wait DATA_DIR NAME PORT BROKERS: returns once every broker has started.
kafka_cluster_wait() {
  local dir=$1/kafka-$2 port=$3 brokers=$4 node waited
  for node in $(kafka_nodes "$dir"); do
    waited=0
    until grep -q "Kafka Server started\|KafkaRaftServer.*started" "$dir/node-$node.log" 2>/dev/null; do
      kill -0 "$(cat "$dir/node-$node.pid")" 2>/dev/null || die "Kafka node $node of $2 stopped; see $dir/node-$node.log"
      [ "$waited" -ge 180 ] && die "Kafka node $node of $2 did not start; see $dir/node-$node.log"
      sleep 1; waited=$((waited + 1))
    done
  done
  say "Kafka cluster $2 is up: $(kafka_bootstrap "$port" "$brokers")"
}

# connect_start DATA_DIR: starts every Connect worker, returns once all answer.
connect_start() {
  local data=$1 cluster port i worker_pids=() worker_ports=() classpath
  for cluster in $(connect_cluster_specs); do
    for port in $(echo "${cluster#*:}" | tr ',' ' '); do
      write_worker_properties "$data" "${cluster%%:*}" "$port" "$cluster"
      classpath=$KAFKA_CLASSPATH
      local logging=-Dlog4j2.configurationFile="$data/connect-log4j2.properties"
      if [ "$cluster" = "${CONNECT_LEGACY_CLUSTER:-}" ]; then
        classpath=$CONNECT_LEGACY_CLASSPATH
        logging=-Dlog4j.configuration="file:$data/connect-log4j.properties"
      fi
      say "starting Kafka Connect worker of cluster ${cluster%%:*} on 127.0.0.1:$port"
      # shellcheck disable=SC2086 # the options are words
      setsid java $CONNECT_JAVA_OPTS "$logging" \
        -cp "$classpath/*" org.apache.kafka.connect.cli.ConnectDistributed \
        "$data/worker-$port.properties" >"$data/logs/connect-$port.log" 2>&1 &
      STACK_PIDS+=($!)
      worker_pids+=($!)
      worker_ports+=("$port")
    done
  done
  for i in "${!worker_ports[@]}"; do
    port=${worker_ports[$i]}
    if [ -n "${CONNECT_HTTPS_CLUSTER:-}" ] && [ "$port" = "${CONNECT_HTTPS_CLUSTER#*:}" ]; then
      wait_for_https "$port" "$data/tls" "${worker_pids[$i]}" \
        || die "Connect worker $port did not answer over HTTPS; see $data/logs/connect-$port.log"
    else
      wait_for_url "http://127.0.0.1:$port/connectors" 240 "${worker_pids[$i]}" \
        || die "Connect worker $port did not become ready; see $data/logs/connect-$port.log"
    fi
    say "Connect worker on $port is ready"
  done
}

# stack_stop: ends every process the stack started, newest first, so the workers can still
# reach the brokers while they shut down, and the brokers their controller (TERM, then KILL
# after 30 s).
stack_stop() {
  [ "${#STACK_PIDS[@]}" -gt 0 ] || [ "${#STACK_KAFKA_NODES[@]}" -gt 0 ] || return 0
  say "stopping the local stack"
  local i
  for ((i = ${#STACK_PIDS[@]} - 1; i >= 0; i--)); do
    stop_process "${STACK_PIDS[$i]}" 30
  done
  for ((i = ${#STACK_KAFKA_NODES[@]} - 1; i >= 0; i--)); do
    # shellcheck disable=SC2086 # "DIR ID"
    kafka_broker_stop ${STACK_KAFKA_NODES[$i]}
  done
  # A broker a test started again without updating its pid file would outlive the stack.
  if [ -n "${STACK_DATA_DIR:-}" ]; then pkill -KILL -f "$STACK_DATA_DIR/kafka-" 2>/dev/null || true; fi
  STACK_PIDS=()
  STACK_KAFKA_NODES=()
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

# create_topic DATA_DIR NAME PARTITIONS [CONFIG=VALUE...]: creates a topic of the main Kafka
# cluster with Kafka's own tool, unless it exists.
create_topic() {
  local data=$1 name=$2 partitions=$3 configs=() config
  shift 3
  for config in "$@"; do configs+=(--config "$config"); done
  java -Xmx128m -Dlog4j2.configurationFile="$data/tools-log4j2.properties" \
    -cp "$KAFKA_CLASSPATH/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$(kafka_bootstrap "$KAFKA_PORT" "$KAFKA_BROKERS")" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" "${configs[@]}" >/dev/null
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
  create_topic "$data" demo-lines 3
  create_topic "$data" demo-lines-dlq 1
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
    \"errors.deadletterqueue.context.headers.enable\": \"true\"}"
}

# stack_seed_mirror TOPICS GROUPS: a MirrorMaker 2 flow from the main Kafka cluster (alias
# main) to the mirror cluster (alias mirror), as its three connectors on the first worker of
# MIRROR_CONNECT_CLUSTER: MirrorSourceConnector replicates the topics matching the regular
# expression TOPICS (main's t arrives as main.t), MirrorCheckpointConnector translates the
# committed offsets of the groups matching GROUPS and writes them to the mirror's groups
# (sync.group.offsets.enabled; Connect's own sink groups, connect-*, which MirrorMaker 2 leaves
# out by default, are included), MirrorHeartbeatConnector beats every second. A second heartbeat
# connector beats from mirror to main into main's heartbeats topic (its producer pointed at
# main), as a dedicated MirrorMaker 2 does for every pair of clusters: the source connector
# replicates those heartbeats as main.heartbeats, whose newest record tells how far behind the
# flow is. Intervals are seconds, not Kafka's minutes, so changes show at once; replication
# factor 1 (one broker each).
stack_seed_mirror() {
  local topics=$1 groups=$2 connect_url name class
  connect_url=$(cluster_urls "${MIRROR_CONNECT_CLUSTER%%:*}")
  connect_url=${connect_url%%,*}
  local common="\"source.cluster.alias\": \"main\", \"target.cluster.alias\": \"mirror\",
    \"source.cluster.bootstrap.servers\": \"$(kafka_bootstrap "$KAFKA_PORT" "$KAFKA_BROKERS")\",
    \"target.cluster.bootstrap.servers\": \"$(kafka_bootstrap "$MIRROR_KAFKA_PORT" 1)\",
    \"key.converter\": \"org.apache.kafka.connect.converters.ByteArrayConverter\",
    \"value.converter\": \"org.apache.kafka.connect.converters.ByteArrayConverter\",
    \"topics\": \"$topics\", \"groups\": \"$groups\", \"tasks.max\": \"1\",
    \"groups.exclude\": \"console-consumer-.*, __.*\",
    \"replication.factor\": \"1\", \"offset-syncs.topic.replication.factor\": \"1\",
    \"checkpoints.topic.replication.factor\": \"1\", \"heartbeats.topic.replication.factor\": \"1\",
    \"refresh.topics.interval.seconds\": \"5\", \"refresh.groups.interval.seconds\": \"5\",
    \"emit.checkpoints.interval.seconds\": \"2\", \"sync.group.offsets.enabled\": \"true\",
    \"sync.group.offsets.interval.seconds\": \"2\", \"emit.heartbeats.interval.seconds\": \"1\",
    \"sync.topic.configs.interval.seconds\": \"10\", \"offset.lag.max\": \"0\""
  for name in source checkpoint heartbeat; do
    case $name in
      source) class=MirrorSourceConnector ;;
      checkpoint) class=MirrorCheckpointConnector ;;
      heartbeat) class=MirrorHeartbeatConnector ;;
    esac
    put_connector "$connect_url" "mirror-$name" "{
      \"connector.class\": \"org.apache.kafka.connect.mirror.$class\", $common}"
  done
  local main_servers
  main_servers=$(kafka_bootstrap "$KAFKA_PORT" "$KAFKA_BROKERS")
  put_connector "$connect_url" mirror-heartbeat-back "{
    \"connector.class\": \"org.apache.kafka.connect.mirror.MirrorHeartbeatConnector\",
    \"source.cluster.alias\": \"mirror\", \"target.cluster.alias\": \"main\",
    \"source.cluster.bootstrap.servers\": \"$(kafka_bootstrap "$MIRROR_KAFKA_PORT" 1)\",
    \"target.cluster.bootstrap.servers\": \"$main_servers\",
    \"producer.override.bootstrap.servers\": \"$main_servers\",
    \"key.converter\": \"org.apache.kafka.connect.converters.ByteArrayConverter\",
    \"value.converter\": \"org.apache.kafka.connect.converters.ByteArrayConverter\",
    \"heartbeats.topic.replication.factor\": \"1\", \"emit.heartbeats.interval.seconds\": \"1\",
    \"tasks.max\": \"1\"}"
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

# build_test_plugin PLUGINS_DIR: compiles the tests' Connect plugin (backend/tests/plugin),
# against Connect 3.9's API so that both Connect versions load it, into plugin folders side by
# side, one per version in TEST_PLUGIN_VERSIONS (KIP-891): the first has every class, the others
# only the versioned sink (dev.plugboard.test.VersionedSink), which reports the version it was
# built as.
build_test_plugin() {
  local plugins=$1 source=$REPO_ROOT/backend/tests/plugin first=${TEST_PLUGIN_VERSIONS%% *}
  local version classes sources
  for version in $TEST_PLUGIN_VERSIONS; do
    classes=$(mktemp -d)
    printf 'package dev.plugboard.test;\nfinal class Build {\n    static final String VERSION = "%s";\n}\n' \
      "$version" >"$classes/Build.java"
    sources=("$source"/src/dev/plugboard/test/*.java)
    if [ "$version" != "$first" ]; then
      sources=("$source/src/dev/plugboard/test/VersionedSink.java")
    fi
    javac -nowarn --release 17 -d "$classes" -cp "$CONNECT_LEGACY_CLASSPATH/*" \
      "$classes/Build.java" "${sources[@]}" || die "could not compile the tests' Connect plugin"
    rm "$classes/Build.java"
    mkdir -p "$classes/META-INF/services"
    if [ "$version" = "$first" ]; then
      cp "$source"/META-INF/services/* "$classes/META-INF/services/"
    else
      cp "$source/META-INF/services/org.apache.kafka.connect.sink.SinkConnector" "$classes/META-INF/services/"
    fi
    mkdir -p "$plugins/plugboard-test-plugin-$version"
    jar cf "$plugins/plugboard-test-plugin-$version/plugboard-test-plugin.jar" -C "$classes" .
    rm -rf "$classes"
  done
  say "tests' Connect plugin, versions $TEST_PLUGIN_VERSIONS: $plugins"
}

port_is_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# make_test_tls DIR: a CA, a certificate for 127.0.0.1 and localhost and one for a client,
# signed by it (PEM), and the server's keystore and truststore (PKCS12, password "changeit")
# for Connect and the broker. Made once per DIR.
make_test_tls() {
  local dir=$1 who
  [ -f "$dir/trust.p12" ] && return 0
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=plugboard-test-ca" \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
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

# write_worker_properties DATA_DIR CLUSTER PORT SPEC: a worker's properties.
write_worker_properties() {
  local data=$1 cluster=$2 port=$3 spec=$4 topics="connect-$2" replicas
  local bootstrap
  bootstrap=$(kafka_bootstrap "$KAFKA_PORT" "$KAFKA_BROKERS")
  [ "$cluster" = local ] && topics=connect
  replicas=$((KAFKA_BROKERS < 3 ? KAFKA_BROKERS : 3))
  if [ "$spec" = "${MIRROR_CONNECT_CLUSTER:-}" ]; then
    bootstrap=$(kafka_bootstrap "$MIRROR_KAFKA_PORT" 1)
    replicas=1
  fi
  {
    cat <<PROPS
group.id=plugboard-$cluster
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
offset.storage.topic=$topics-offsets
offset.storage.replication.factor=$replicas
config.storage.topic=$topics-configs
config.storage.replication.factor=$replicas
status.storage.topic=$topics-status
status.storage.replication.factor=$replicas
offset.flush.interval.ms=2000
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$port
plugin.path=$data/plugins$([ "$spec" = "${CONNECT_LEGACY_CLUSTER:-}" ] || echo ",$CONNECT_PLUGINS")
# Every plugin here has a ServiceLoader manifest; scanning the classpath (the default) is slow.
plugin.discovery=service_load
# Production's default (5 min) holds lost or new work back after a rebalance; a local stack
# whose connectors come and go all the time is better served by seconds.
scheduled.rebalance.max.delay.ms=5000
PROPS
    if [ "$cluster" = "${CONNECT_ALLOWLIST_CLUSTER:-}" ]; then
      printf 'connector.client.config.override.policy=Allowlist\nconnector.client.config.override.allowlist=%s\n' \
        "${CONNECT_OVERRIDE_ALLOWLIST:-max.poll.records,linger.ms}"
    fi
    if [ "$spec" = "${CONNECT_HTTPS_CLUSTER:-}" ]; then
      https_worker_properties "$data" "$port"
    else
      printf 'bootstrap.servers=%s\nlisteners=http://127.0.0.1:%s\n' "$bootstrap" "$port"
    fi
  } >"$data/worker-$port.properties"
}

# https_worker_properties DATA_DIR PORT: a worker whose REST API is HTTPS only and requires a
# client certificate signed by the test CA, and which reaches Kafka over SASL_SSL with
# SCRAM-SHA-512 (its own clients and its connectors' alike).
https_worker_properties() {
  local data=$1 port=$2 tls=$1/tls prefix
  local jaas="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"scram512\" password=\"$TEST_SASL_PASSWORD\";"
  cat <<PROPS
bootstrap.servers=localhost:$((KAFKA_PORT + 5))
listeners=https://127.0.0.1:$port
rest.advertised.listener=https
listeners.https.ssl.keystore.location=$tls/server.p12
listeners.https.ssl.keystore.password=changeit
listeners.https.ssl.keystore.type=PKCS12
listeners.https.ssl.key.password=changeit
listeners.https.ssl.truststore.location=$tls/trust.p12
listeners.https.ssl.truststore.password=changeit
listeners.https.ssl.truststore.type=PKCS12
listeners.https.ssl.client.auth=required
PROPS
  for prefix in "" producer. consumer. admin.; do
    cat <<PROPS
${prefix}security.protocol=SASL_SSL
${prefix}sasl.mechanism=SCRAM-SHA-512
${prefix}sasl.jaas.config=$jaas
${prefix}ssl.truststore.location=$tls/trust.p12
${prefix}ssl.truststore.password=changeit
${prefix}ssl.truststore.type=PKCS12
PROPS
  done
}

# write_log_configs DATA_DIR: console logging for the brokers, tools and Connect 4 (log4j2;
# without a configuration it prints errors only), and for Connect 3.9 (log4j 1, reload4j).
write_log_configs() {
  local data=$1 level
  for level in kafka:info connect:info tools:warn; do
    cat >"$data/${level%%:*}-log4j2.properties" <<PROPS
status = warn
appender.console.type = Console
appender.console.name = stdout
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ${level#*:}
rootLogger.appenderRef.stdout.ref = stdout
logger.clients.name = org.apache.kafka.clients
logger.clients.level = warn
PROPS
  done
  cat >"$data/connect-log4j.properties" <<'PROPS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
PROPS
}
