//! A database pipeline on the real stack: a table in PostgreSQL replicated through Kafka into
//! MariaDB by Debezium's PostgreSQL source and Debezium's JDBC sink, both created through
//! Plugboard's API, and the Debezium card of the source. Each test has a table, publication,
//! slot and topic prefix of its own.

use api_types::{DebeziumCard, DebeziumLintKind};
use plugboard::config::Cluster;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::databases::{mariadb, mariadb_port, password_of, postgres, postgres_port};
use crate::support::kafka_client::create_topics;
use crate::support::{
    TestApp, cluster, delete_connector, eventually, stack_bootstrap, stack_urls, unique,
};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";

/// Change events carry their schemas: the JDBC sink needs them to make and fill its tables.
fn with_schemas(mut config: Value) -> Value {
    for side in ["key", "value"] {
        config[format!("{side}.converter")] = json!("org.apache.kafka.connect.json.JsonConverter");
        config[format!("{side}.converter.schemas.enable")] = json!("true");
    }
    config
}

/// Debezium's PostgreSQL source reading `table` (in schema public) through the publication and
/// slot of the same name, into the topic `{table}.public.{table}`.
fn source_config(table: &str) -> Value {
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

/// Debezium's JDBC sink writing the source's topic into MariaDB's table `table`, as upserts
/// on its primary key, deleting what the source deleted.
fn sink_config(table: &str) -> Value {
    with_schemas(json!({
        "connector.class": "io.debezium.connector.jdbc.JdbcSinkConnector",
        "tasks.max": "1",
        "topics": format!("{table}.public.{table}"),
        "connection.url": format!("jdbc:mariadb://127.0.0.1:{}/shop", mariadb_port()),
        "connection.username": "sink",
        "connection.password": password_of("sink"),
        "insert.mode": "upsert",
        "delete.enabled": "true",
        "primary.key.mode": "record_key",
        "schema.evolution": "basic",
        "collection.name.format": "${source.table}",
    }))
}

async fn create(app: &TestApp, name: &str, config: Value) {
    let response = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(json!({"name": name, "config": config})),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
}

/// MariaDB's copy of `table` as `id<TAB>note` lines, once it equals `expected`.
async fn mariadb_holds(table: &str, expected: &str) {
    eventually(
        &format!("MariaDB's {table} to hold {expected:?}"),
        || async {
            let rows = mariadb(&format!("SELECT id, note FROM {table} ORDER BY id")).ok()?;
            (rows == expected).then_some(())
        },
    )
    .await;
}

/// A table of the test's own in PostgreSQL, with three rows and a publication of the same
/// name; its name is a PostgreSQL identifier (and slot name): lower case, digits, underscores.
fn new_table(label: &str) -> String {
    let table = unique(label).replace('-', "_");
    postgres(&format!(
        "CREATE TABLE {table} (id int PRIMARY KEY, note text NOT NULL);
         CREATE PUBLICATION {table} FOR TABLE {table};
         INSERT INTO {table} VALUES (1, 'one'), (2, 'two'), (3, 'three');"
    ))
    .unwrap();
    table
}

/// Deletes the connectors, then the slot (which outlives its connector in PostgreSQL, and can
/// be dropped once the task has let go of it), the publication and the table.
async fn clean_up(app: &TestApp, connectors: &[&String], table: &str) {
    for name in connectors {
        delete_connector(app, name).await;
    }
    eventually("the test's replication slot to be dropped", || async {
        postgres(&format!("SELECT pg_drop_replication_slot('{table}')")).ok()
    })
    .await;
    postgres(&format!("DROP PUBLICATION {table}; DROP TABLE {table};")).unwrap();
}

#[tokio::test]
async fn rows_written_in_postgresql_arrive_in_mariadb_through_connectors_made_in_plugboard() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let table = new_table("pipeline");
    let (source, sink) = (format!("{table}-source"), format!("{table}-sink"));
    create(&app, &source, source_config(&table)).await;
    create(&app, &sink, sink_config(&table)).await;

    // The initial snapshot, then changes streamed from the slot: an insert, an update, a delete.
    mariadb_holds(&table, "1\tone\n2\ttwo\n3\tthree\n").await;
    postgres(&format!(
        "INSERT INTO {table} VALUES (4, 'four');
         UPDATE {table} SET note = 'one, changed' WHERE id = 1;
         DELETE FROM {table} WHERE id = 2;"
    ))
    .unwrap();
    mariadb_holds(&table, "1\tone, changed\n3\tthree\n4\tfour\n").await;

    // Both passwords are PASSWORD settings of their connectors: neither is read back.
    for name in [&source, &sink] {
        let body = app
            .get(&format!("/api/v1/clusters/local/connectors/{name}"))
            .await
            .text()
            .await
            .unwrap();
        for user in ["debezium", "sink"] {
            assert!(!body.contains(&password_of(user)), "{name}: {body}");
        }
    }

    clean_up(&app, &[&source, &sink], &table).await;
}

#[tokio::test]
async fn the_debezium_card_names_slot_publication_and_topics_and_lints_what_hurts() {
    let app = TestApp::start(vec![Cluster {
        bootstrap_servers: Some(stack_bootstrap()),
        ..cluster("local", stack_urls(STACK))
    }])
    .await;
    let table = new_table("card");
    // Signals from a topic of three partitions (Debezium reads only the first), without a
    // signal table; no notifications, no heartbeat.
    let signals = format!("{table}-signals");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&signals), 3).await;
    let mut config = source_config(&table);
    config["signal.enabled.channels"] = json!("source,kafka");
    config["signal.kafka.topic"] = json!(signals);
    config["signal.kafka.bootstrap.servers"] = json!(stack_bootstrap());
    let source = format!("{table}-source");
    create(&app, &source, config).await;

    let path = format!("/api/v1/clusters/local/connectors/{source}/debezium");
    // The partitions are known once Plugboard has read Kafka since the topic was made.
    let card: DebeziumCard = eventually(
        "the card to count the signal topic's partitions",
        || async {
            let card: DebeziumCard = app.get(&path).await.json().await.ok()?;
            card.lints
                .iter()
                .any(|l| l.kind == DebeziumLintKind::SignalTopicPartitions)
                .then_some(card)
        },
    )
    .await;
    assert_eq!(card.database, "PostgreSQL");
    assert_eq!(card.slot.as_deref(), Some(table.as_str()));
    assert_eq!(card.publication.as_deref(), Some(table.as_str()));
    assert_eq!(card.decoder.as_deref(), Some("pgoutput"));
    assert_eq!(card.signal_topic.as_deref(), Some(signals.as_str()));
    let mut kinds: Vec<_> = card.lints.iter().map(|l| l.kind).collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    assert_eq!(
        kinds,
        [
            DebeziumLintKind::KafkaSignalsWithoutWatermarks,
            DebeziumLintKind::NoHeartbeat,
            DebeziumLintKind::NotificationsOff,
            DebeziumLintKind::SignalTopicPartitions,
        ]
    );
    // Any other connector has no card.
    let sink = format!("{table}-sink");
    create(&app, &sink, sink_config(&table)).await;
    let other = app
        .get(&format!(
            "/api/v1/clusters/local/connectors/{sink}/debezium"
        ))
        .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);

    clean_up(&app, &[&source, &sink], &table).await;
}
