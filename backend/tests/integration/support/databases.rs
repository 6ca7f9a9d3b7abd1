//! The stack's databases (scripts/lib/databases.sh): PostgreSQL, which Debezium reads, and
//! MariaDB, which the JDBC sink writes, both holding the database `shop`. Tests reach them with
//! the servers' own command-line clients as their superusers, on the servers' sockets; each
//! test makes a table, publication and slot of its own ([`new_table`], [`clean_up`]).

use std::process::Command;

use serde_json::{Value, json};

use super::{TestApp, delete_connector, eventually, unique};

/// One of the stack's settings for the databases, from the environment scripts/test.sh sets.
fn setting(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
}

/// PostgreSQL's port on loopback.
pub(crate) fn postgres_port() -> String {
    setting("PLUGBOARD_TEST_POSTGRES_PORT")
}

/// MariaDB's port on loopback.
pub(crate) fn mariadb_port() -> String {
    setting("PLUGBOARD_TEST_MARIADB_PORT")
}

/// The password of `user`, one of the stack's database users (`debezium`, `sink`,
/// `plugboard_monitor`).
pub(crate) fn password_of(user: &str) -> String {
    let passwords = setting("PLUGBOARD_TEST_DATABASE_PASSWORDS");
    passwords
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == user)
        .map_or_else(
            || panic!("no password for {user} in PLUGBOARD_TEST_DATABASE_PASSWORDS"),
            |(_, password)| password.to_owned(),
        )
}

/// Runs `sql` in PostgreSQL's `shop` as its superuser; answers the rows, one line each, with
/// columns separated by `|`, or psql's message when it fails.
pub(crate) fn postgres(sql: &str) -> Result<String, String> {
    run(Command::new("psql").args([
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        &setting("PLUGBOARD_TEST_POSTGRES_SOCKET"),
        "-p",
        &postgres_port(),
        "-U",
        "postgres",
        "-d",
        "shop",
        "-c",
        sql,
    ]))
}

/// Runs `sql` in MariaDB's `shop` as its root; answers the rows, one line each, with columns
/// separated by tabs, or the client's message when it fails (a table not made yet, say).
pub(crate) fn mariadb(sql: &str) -> Result<String, String> {
    run(Command::new("mariadb")
        .args(["--no-defaults", "-u", "root", "-N", "-B"])
        .arg(format!(
            "--socket={}",
            setting("PLUGBOARD_TEST_MARIADB_SOCKET")
        ))
        .args(["shop", "-e", sql]))
}

/// The client's output, or its message when it fails.
fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().expect("the database client runs");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Change events carry their schemas: the JDBC sink needs them to make and fill its tables.
pub(crate) fn with_schemas(mut config: Value) -> Value {
    for side in ["key", "value"] {
        config[format!("{side}.converter")] = json!("org.apache.kafka.connect.json.JsonConverter");
        config[format!("{side}.converter.schemas.enable")] = json!("true");
    }
    config
}

/// Debezium's PostgreSQL source reading `table` (in schema public) through the publication and
/// slot of the same name, into the topic `{table}.public.{table}`.
pub(crate) fn source_config(table: &str) -> Value {
    with_schemas(json!({
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "tasks.max": "1",
        "plugin.name": "pgoutput",
        "database.hostname": "127.0.0.1",
        "database.port": postgres_port(),
        "database.user": "debezium",
        "database.password": password_of("debezium"),
        "database.dbname": "shop",
        "topic.prefix": table,
        "slot.name": table,
        "publication.name": table,
        "publication.autocreate.mode": "disabled",
        "table.include.list": format!("public.{table}"),
    }))
}

/// A table of the test's own in PostgreSQL, with three rows and a publication of the same
/// name; its name is a PostgreSQL identifier (and slot name): lower case, digits, underscores.
pub(crate) fn new_table(label: &str) -> String {
    let table = unique(label).replace('-', "_");
    postgres(&format!(
        "CREATE TABLE {table} (id int PRIMARY KEY, note text NOT NULL);
         CREATE PUBLICATION {table} FOR TABLE {table};
         INSERT INTO {table} VALUES (1, 'one'), (2, 'two'), (3, 'three');"
    ))
    .unwrap();
    table
}

/// Deletes the connectors, then the slot named `table` (which outlives its connector in
/// PostgreSQL, and can be dropped once the task has let go of it), the publication of that
/// name and the tables `table` and `others`.
pub(crate) async fn clean_up(
    app: &TestApp,
    connectors: &[&String],
    table: &str,
    others: &[String],
) {
    for name in connectors {
        delete_connector(app, name).await;
    }
    eventually("the test's replication slot to be dropped", || async {
        postgres(&format!("SELECT pg_drop_replication_slot('{table}')")).ok()
    })
    .await;
    let tables = [&[table.to_owned()], others].concat().join(", ");
    postgres(&format!("DROP PUBLICATION {table}; DROP TABLE {tables};")).unwrap();
}
