# The database pipeline's servers in the local stack: PostgreSQL 15, with logical replication
# for Debezium, and MariaDB, which the JDBC sink writes into; Debian's packages, each server a
# process of its own with its data in DATA_DIR, on loopback only. Sourced by stack.sh, not run.
#
# With STACK_DATABASES=1, stack_start starts both before the Connect workers (and stack_stop
# ends them after). PostgreSQL listens on POSTGRES_PORT (default 5442) and on a socket in
# DATA_DIR/postgres; MariaDB on MARIADB_PORT (default 3316) and DATA_DIR/mariadb/mariadb.sock.
# Both get the database `shop` (db_seed_shop): tables customers, products and orders, a signal
# table for Debezium, the publication shop_publication of the three tables and the signal table,
# and the users below. PostgreSQL's superuser is `postgres` on the socket (trust); MariaDB's
# `root` on its socket, without a password. Neither server runs as root: PostgreSQL refuses,
# so under root it runs as the `postgres` user of Debian's package.

POSTGRES_PORT=${POSTGRES_PORT:-5442}
MARIADB_PORT=${MARIADB_PORT:-3316}
PG_BIN=/usr/lib/postgresql/15/bin
# The pipeline's database users and their passwords (the local stack's only): Debezium's
# replication user, a monitoring user with pg_monitor only, and the sink's user in MariaDB.
DEBEZIUM_DB_USER=debezium
DEBEZIUM_DB_PASSWORD=plugboard-debezium-password
MONITOR_DB_USER=plugboard_monitor
MONITOR_DB_PASSWORD=plugboard-monitor-password
SINK_DB_USER=sink
SINK_DB_PASSWORD=plugboard-sink-password
# Plugboard's own store when several replicas share PostgreSQL (the tests make a database of
# their own with it for each test that runs on PostgreSQL).
STORE_DB_USER=plugboard_store
STORE_DB_PASSWORD=plugboard-store-password

# database_passwords: the users above with their passwords, as user=password,...
database_passwords() {
  printf '%s=%s,%s=%s,%s=%s,%s=%s' "$DEBEZIUM_DB_USER" "$DEBEZIUM_DB_PASSWORD" "$SINK_DB_USER" \
    "$SINK_DB_PASSWORD" "$MONITOR_DB_USER" "$MONITOR_DB_PASSWORD" "$STORE_DB_USER" \
    "$STORE_DB_PASSWORD"
}

# source_database_toml DATA_DIR: the [[source_databases]] table of the stack's database `shop`
# for Plugboard's config, read by the monitoring role, whose password Plugboard takes from a
# file in DATA_DIR.
source_database_toml() {
  printf '%s\n' "$MONITOR_DB_PASSWORD" >"$1/monitor-password"
  chmod 600 "$1/monitor-password"
  cat <<TOML
[[source_databases]]
id = "shop"
host = "127.0.0.1"
port = $POSTGRES_PORT
dbname = "shop"
user = "$MONITOR_DB_USER"
password = "\${file:$1/monitor-password}"
TOML
}

# What runs PostgreSQL's commands as the `postgres` user when this is root (nothing otherwise).
AS_POSTGRES=()
[ "$(id -u)" = 0 ] && AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups --)

# pg_sql DATABASE SQL...: runs SQL as PostgreSQL's superuser, stopping at the first error.
pg_sql() {
  local database=$1
  shift
  psql -X -q -v ON_ERROR_STOP=1 -h "$STACK_DATA_DIR/postgres" -p "$POSTGRES_PORT" -U postgres \
    -d "$database" "$@"
}

# mariadb_sql SQL...: runs SQL as MariaDB's root.
mariadb_sql() {
  mariadb --no-defaults -u root --socket="$STACK_DATA_DIR/mariadb/mariadb.sock" "$@"
}

# databases_start DATA_DIR: starts (and the first time, creates) both servers, returns once
# both answer, then makes the database `shop` in each (once).
databases_start() {
  local data=$1
  postgres_start "$data"
  mariadb_start "$data"
  db_seed_shop "$data"
}

postgres_start() {
  local dir=$1/postgres waited=0
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    # The postgres user must reach its folder through DATA_DIR (made private by mktemp).
    chmod o+x "$1"
    chown postgres: "$dir"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    "${AS_POSTGRES[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
      || die "could not create PostgreSQL's data; see $dir/initdb.log"
    # Logical replication for Debezium; small memory; no fsync (a local stack's data is
    # disposable). Replication slots keep WAL without a limit, as by default in production.
    # Connections for Debezium, the tests' clients and several Plugboards' pools (8 each).
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$dir'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_connections = 100
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  say "starting PostgreSQL on 127.0.0.1:$POSTGRES_PORT (data in $dir)"
  setsid "${AS_POSTGRES[@]}" "$PG_BIN/postgres" -D "$dir/data" >>"$1/logs/postgres.log" 2>&1 &
  STACK_PIDS+=($!)
  until "$PG_BIN/pg_isready" -q -h "$dir" -p "$POSTGRES_PORT"; do
    kill -0 "${STACK_PIDS[-1]}" 2>/dev/null || die "PostgreSQL stopped; see $1/logs/postgres.log"
    [ "$waited" -ge 60 ] && die "PostgreSQL did not start; see $1/logs/postgres.log"
    sleep 1; waited=$((waited + 1))
  done
}

mariadb_start() {
  local dir=$1/mariadb waited=0 user=()
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && user=(--user=root)
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$dir/data" "${user[@]}" --skip-test-db \
      --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 \
      || die "could not create MariaDB's data; see $dir/install.log"
  fi
  say "starting MariaDB on 127.0.0.1:$MARIADB_PORT (data in $dir)"
  setsid mariadbd --no-defaults --datadir="$dir/data" "${user[@]}" --port="$MARIADB_PORT" \
    --bind-address=127.0.0.1 --socket="$dir/mariadb.sock" --pid-file="$dir/mariadb.pid" \
    --skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=32M \
    --performance-schema=OFF --innodb-flush-log-at-trx-commit=0 >>"$1/logs/mariadb.log" 2>&1 &
  STACK_PIDS+=($!)
  until mariadb_sql -e 'SELECT 1' >/dev/null 2>&1; do
    kill -0 "${STACK_PIDS[-1]}" 2>/dev/null || die "MariaDB stopped; see $1/logs/mariadb.log"
    [ "$waited" -ge 60 ] && die "MariaDB did not start; see $1/logs/mariadb.log"
    sleep 1; waited=$((waited + 1))
  done
}

# db_seed_shop DATA_DIR: the database `shop` in both servers and its users, once.
db_seed_shop() {
  if ! pg_sql postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'shop'" | grep -q 1; then
    pg_sql postgres <<SQL
CREATE ROLE $DEBEZIUM_DB_USER LOGIN REPLICATION PASSWORD '$DEBEZIUM_DB_PASSWORD';
CREATE ROLE $MONITOR_DB_USER LOGIN CONNECTION LIMIT 4 PASSWORD '$MONITOR_DB_PASSWORD';
GRANT pg_monitor TO $MONITOR_DB_USER;
CREATE DATABASE shop;
SQL
    pg_sql shop <<SQL
-- Tables made later (by the tests) are readable by Debezium too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO $DEBEZIUM_DB_USER;
-- No column defaults a timestamp: the JDBC sink would copy now() as a default MariaDB refuses.
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL,
  updated_at timestamptz NOT NULL);
CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, price numeric(10, 2) NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
  product_id int NOT NULL REFERENCES products, quantity int NOT NULL,
  placed_at timestamptz NOT NULL);
-- Debezium's signals (ad hoc snapshots) and the watermarks of its incremental snapshots.
CREATE TABLE debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048));
GRANT INSERT, UPDATE, DELETE ON debezium_signal TO $DEBEZIUM_DB_USER;
CREATE PUBLICATION shop_publication FOR TABLE customers, products, orders, debezium_signal;
INSERT INTO customers (name, email, updated_at)
  SELECT 'Customer ' || n, 'customer' || n || '@example.com', now() FROM generate_series(1, 20) n;
INSERT INTO products (name, price)
  SELECT 'Product ' || n, n * 1.25 FROM generate_series(1, 10) n;
INSERT INTO orders (customer_id, product_id, quantity, placed_at)
  SELECT 1 + n % 20, 1 + n % 10, 1 + n % 3, now() FROM generate_series(1, 50) n;
SQL
  fi
  pg_sql postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$STORE_DB_USER') THEN
    CREATE ROLE $STORE_DB_USER LOGIN CREATEDB PASSWORD '$STORE_DB_PASSWORD';
  END IF;
END \$\$;
SQL
  mariadb_sql <<SQL
CREATE DATABASE IF NOT EXISTS shop;
CREATE USER IF NOT EXISTS '$SINK_DB_USER'@'%' IDENTIFIED BY '$SINK_DB_PASSWORD';
GRANT ALL ON shop.* TO '$SINK_DB_USER'@'%';
SQL
  say "database shop: PostgreSQL 127.0.0.1:$POSTGRES_PORT, MariaDB 127.0.0.1:$MARIADB_PORT"
}

# shop_generator: orders placed and customers updated in PostgreSQL, one of each a second, until
# the stack stops.
shop_generator() {
  (
    while :; do
      pg_sql shop -c "INSERT INTO orders (customer_id, product_id, quantity, placed_at)
        VALUES (1 + floor(random() * 20), 1 + floor(random() * 10), 1 + floor(random() * 3), now());
        UPDATE customers SET email = 'customer' || id || '+' || floor(random() * 1000) || '@example.com',
          updated_at = now() WHERE id = 1 + floor(random() * 20)::int;" >/dev/null 2>&1 \
        || say "the shop generator could not write to PostgreSQL; it tries again in 1 s"
      sleep 1
    done
  ) &
  STACK_PIDS+=($!)
}

# stack_seed_database_pipeline CLUSTER: the demo's database pipeline on Connect cluster CLUSTER:
# Debezium's PostgreSQL source reads the tables of `shop` into the topics shop.public.*, with
# its notifications (snapshot progress) to shop-notifications, its signals read from the
# one-partition topic shop-signals and from the signal table, and a heartbeat every 10 s;
# Debezium's JDBC sink writes those topics into MariaDB's `shop`, as upserts on the primary key,
# making the tables. Change events carry their schemas (JSON with schemas), which the sink
# needs. The sink names its topics (a pattern would find a topic made after it started only at
# its next metadata refresh, 5 minutes later). The generator keeps writing meanwhile.
# Idempotent: PUT .../config creates or updates.
stack_seed_database_pipeline() {
  local connect_url bootstrap
  connect_url=$(cluster_urls "$1")
  connect_url=${connect_url%%,*}
  bootstrap=$(kafka_bootstrap "$KAFKA_PORT" "$KAFKA_BROKERS")
  create_topic "$STACK_DATA_DIR" shop-signals 1
  create_topic "$STACK_DATA_DIR" shop-notifications 1
  local json='"key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "key.converter.schemas.enable": "true", "value.converter.schemas.enable": "true"'
  put_connector "$connect_url" shop-postgres "{
    \"connector.class\": \"io.debezium.connector.postgresql.PostgresConnector\", $json,
    \"tasks.max\": \"1\", \"plugin.name\": \"pgoutput\",
    \"database.hostname\": \"127.0.0.1\", \"database.port\": \"$POSTGRES_PORT\",
    \"database.user\": \"$DEBEZIUM_DB_USER\", \"database.password\": \"$DEBEZIUM_DB_PASSWORD\",
    \"database.dbname\": \"shop\", \"topic.prefix\": \"shop\",
    \"slot.name\": \"shop_debezium\", \"publication.name\": \"shop_publication\",
    \"publication.autocreate.mode\": \"disabled\",
    \"table.include.list\": \"public.customers,public.products,public.orders\",
    \"signal.enabled.channels\": \"source,kafka\",
    \"signal.data.collection\": \"public.debezium_signal\",
    \"signal.kafka.topic\": \"shop-signals\", \"signal.kafka.bootstrap.servers\": \"$bootstrap\",
    \"notification.enabled.channels\": \"sink\",
    \"notification.sink.topic.name\": \"shop-notifications\",
    \"heartbeat.interval.ms\": \"10000\"}"
  put_connector "$connect_url" shop-mariadb "{
    \"connector.class\": \"io.debezium.connector.jdbc.JdbcSinkConnector\", $json,
    \"tasks.max\": \"1\", \"topics\": \"shop.public.customers,shop.public.products,shop.public.orders\",
    \"connection.url\": \"jdbc:mariadb://127.0.0.1:$MARIADB_PORT/shop\",
    \"connection.username\": \"$SINK_DB_USER\", \"connection.password\": \"$SINK_DB_PASSWORD\",
    \"insert.mode\": \"upsert\", \"delete.enabled\": \"true\", \"primary.key.mode\": \"record_key\",
    \"schema.evolution\": \"basic\", \"collection.name.format\": \"\${source.table}\"}"
  shop_generator
}
