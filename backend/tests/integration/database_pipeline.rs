//! A database pipeline on the real stack: a table in PostgreSQL replicated through Kafka into
//! MariaDB by Debezium's PostgreSQL source and Debezium's JDBC sink, both created through
//! Plugboard's API, and the Debezium card of the source. Each test has a table, publication,
//! slot and topic prefix of its own.

use api_types::{
    Action, DebeziumCard, DebeziumLintKind, DebeziumSnapshots, HistoryPage, Outcome, SignalSent,
    SnapshotKind, SnapshotRun, SnapshotState,
};
use plugboard::config::Cluster;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::databases::{
    clean_up, mariadb, mariadb_port, new_table, password_of, postgres, source_config, with_schemas,
};
use crate::support::kafka_client::{TextRecord, create_topics, produce_records};
use crate::support::{
    TestApp, cluster, create_sink, delete_connector, eventually, stack_bootstrap, stack_urls,
    unique,
};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";

/// Plugboard on the stack's cluster, reading its Kafka.
pub(crate) async fn app_reading_kafka() -> TestApp {
    TestApp::start(vec![Cluster {
        bootstrap_servers: Some(stack_bootstrap()),
        ..cluster("local", stack_urls(STACK))
    }])
    .await
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

#[tokio::test]
async fn rows_written_in_postgresql_arrive_in_mariadb_through_connectors_made_in_plugboard() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let table = new_table("pipeline");
    let (source, sink) = (format!("{table}-source"), format!("{table}-sink"));
    create_sink(&app, &source, source_config(&table)).await;
    create_sink(&app, &sink, sink_config(&table)).await;

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

    clean_up(&app, &[&source, &sink], &table, &[]).await;
}

#[tokio::test]
async fn the_debezium_card_names_slot_publication_and_topics_and_lints_what_hurts() {
    let app = app_reading_kafka().await;
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
    create_sink(&app, &source, config).await;

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
    create_sink(&app, &sink, sink_config(&table)).await;
    let other = app
        .get(&format!(
            "/api/v1/clusters/local/connectors/{sink}/debezium"
        ))
        .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);

    clean_up(&app, &[&source, &sink], &table, &[]).await;
}

/// Debezium's source of `table` with notifications to a topic of their own, signals from a
/// topic of their own (one partition) and from a signal table in the publication (where an
/// incremental snapshot writes its watermarks); answers its config, the signal table, and the
/// notification and signal topics.
async fn steerable_source(table: &str) -> (Value, String, String, String) {
    let signal_table = format!("{table}_signal");
    postgres(&format!(
        "CREATE TABLE {signal_table} (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048));
         GRANT INSERT, UPDATE, DELETE ON {signal_table} TO debezium;
         ALTER PUBLICATION {table} ADD TABLE {signal_table};"
    ))
    .unwrap();
    let (notifications, signals) = (format!("{table}-notifications"), format!("{table}-signals"));
    create_topics(
        &stack_bootstrap(),
        &[notifications.clone(), signals.clone()],
        1,
    )
    .await;
    let mut config = source_config(table);
    config["notification.enabled.channels"] = json!("sink");
    config["notification.sink.topic.name"] = json!(notifications);
    config["signal.enabled.channels"] = json!("source,kafka");
    config["signal.kafka.topic"] = json!(signals);
    config["signal.kafka.bootstrap.servers"] = json!(stack_bootstrap());
    config["signal.data.collection"] = json!(format!("public.{signal_table}"));
    (config, signal_table, notifications, signals)
}

/// The snapshots Plugboard reads from the connector's notifications, once `done` accepts them.
async fn snapshots_when(
    app: &TestApp,
    source: &str,
    what: &str,
    done: impl Fn(&DebeziumSnapshots) -> bool,
) -> DebeziumSnapshots {
    let path = format!("/api/v1/clusters/local/connectors/{source}/debezium/snapshots");
    eventually(what, || async {
        let answer: DebeziumSnapshots = app.get(&path).await.json().await.ok()?;
        done(&answer).then_some(answer)
    })
    .await
}

#[tokio::test]
async fn snapshots_are_followed_from_debeziums_notifications_an_incremental_one_by_its_signal() {
    let app = app_reading_kafka().await;
    // Three tables of 3, 4 and 5 rows (the first made by new_table), and a signal table for
    // the incremental snapshot's watermarks, all in the publication.
    let table = new_table("snapshots");
    let others = [format!("{table}_b"), format!("{table}_c")];
    postgres(&format!(
        "CREATE TABLE {b} (id int PRIMARY KEY, note text NOT NULL);
         INSERT INTO {b} SELECT n, 'b' || n FROM generate_series(1, 4) n;
         CREATE TABLE {c} (id int PRIMARY KEY, note text NOT NULL);
         INSERT INTO {c} SELECT n, 'c' || n FROM generate_series(1, 5) n;
         ALTER PUBLICATION {table} ADD TABLE {b}, {c};",
        b = others[0],
        c = others[1],
    ))
    .unwrap();
    let (mut config, signal_table, notifications, signals) = steerable_source(&table).await;
    config["table.include.list"] = json!(format!(
        "public.{table},public.{},public.{}",
        others[0], others[1]
    ));
    let source = format!("{table}-source");
    create_sink(&app, &source, config).await;

    let answer = snapshots_when(&app, &source, "the initial snapshot to complete", |a| {
        a.snapshots
            .first()
            .is_some_and(|r| r.state == SnapshotState::Completed)
    })
    .await;
    assert_eq!(answer.topic.as_deref(), Some(notifications.as_str()));
    let initial = &answer.snapshots[0];
    assert_eq!(initial.kind, SnapshotKind::Initial);
    let mut rows: Vec<_> = initial
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.rows_scanned, t.done))
        .collect();
    rows.sort();
    let public = |t: &str| format!("public.{t}");
    assert_eq!(
        rows,
        [
            (public(&table), Some(3), true),
            (public(&others[0]), Some(4), true),
            (public(&others[1]), Some(5), true),
        ]
    );
    assert_eq!((initial.tables_total, initial.rows_scanned), (3, 12));

    // An incremental snapshot of one table, asked for on the signal topic (keyed by the topic
    // prefix): its notifications carry the signal's id.
    let id = unique("signal");
    let signal = json!({
        "id": id,
        "type": "execute-snapshot",
        "data": {"data-collections": [public(&others[1])], "type": "INCREMENTAL"},
    });
    produce_records(
        &stack_bootstrap(),
        &signals,
        &[TextRecord {
            key: table.clone(),
            value: signal.to_string(),
            headers: Vec::new(),
        }],
    );
    let answer = snapshots_when(&app, &source, "the incremental snapshot to complete", |a| {
        a.snapshots.first().is_some_and(|r| {
            r.id.as_deref() == Some(id.as_str()) && r.state == SnapshotState::Completed
        })
    })
    .await;
    let incremental = &answer.snapshots[0];
    assert_eq!(incremental.kind, SnapshotKind::Incremental);
    assert_eq!(incremental.rows_scanned, 5);
    assert_eq!(
        answer.snapshots[1].kind,
        SnapshotKind::Initial,
        "the history, newest first"
    );

    let all = [&others[..], &[signal_table]].concat();
    clean_up(&app, &[&source], &table, &all).await;
}

/// A source steered by signals ([`steerable_source`]) of a new table of `rows` rows, read a
/// row per chunk and with no initial snapshot: its incremental snapshots run long. Answers the
/// table, the source's name and its signal table.
pub(crate) async fn slow_incremental_source(
    app: &TestApp,
    label: &str,
    rows: u32,
) -> (String, String, String) {
    let table = new_table(label);
    postgres(&format!(
        "INSERT INTO {table} SELECT n, 'n' || n FROM generate_series(4, {rows}) n;"
    ))
    .unwrap();
    let (mut config, signal_table, ..) = steerable_source(&table).await;
    config["snapshot.mode"] = json!("no_data");
    config["incremental.snapshot.chunk.size"] = json!("1");
    let source = format!("{table}-source");
    create_sink(app, &source, config).await;
    (table, source, signal_table)
}

/// Sends a signal through Plugboard's API; answers its id.
pub(crate) async fn signal(app: &TestApp, source: &str, kind: &str, tables: &[String]) -> String {
    let response = app
        .send(
            Method::POST,
            &format!("/api/v1/clusters/local/connectors/{source}/debezium/signals"),
            Some(json!({"kind": kind, "tables": tables})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{kind}");
    response.json::<SignalSent>().await.unwrap().id
}

/// The snapshot `id` once `done` accepts it.
pub(crate) async fn run_when(
    app: &TestApp,
    source: &str,
    id: &str,
    what: &str,
    done: impl Fn(&SnapshotRun) -> bool,
) -> SnapshotRun {
    let answer = snapshots_when(app, source, what, |a| {
        a.snapshots
            .iter()
            .any(|r| r.id.as_deref() == Some(id) && done(r))
    })
    .await;
    answer
        .snapshots
        .into_iter()
        .find(|r| r.id.as_deref() == Some(id))
        .unwrap()
}

#[tokio::test]
async fn an_incremental_snapshot_is_started_paused_resumed_and_stopped_by_signals_from_plugboard() {
    let app = app_reading_kafka().await;
    // 5,000 rows read a row per chunk: the snapshot runs long enough to be paused and stopped.
    let (table, source, signal_table) = slow_incremental_source(&app, "signals", 5_000).await;

    let id = signal(
        &app,
        &source,
        "execute_snapshot",
        &[format!("public.{table}")],
    )
    .await;
    run_when(&app, &source, &id, "the snapshot to read chunks", |r| {
        r.state == SnapshotState::Running && r.tables.iter().any(|t| t.chunks > 0)
    })
    .await;
    signal(&app, &source, "pause_snapshot", &[]).await;
    let paused = run_when(&app, &source, &id, "the snapshot to pause", |r| {
        r.state == SnapshotState::Paused
    })
    .await;
    signal(&app, &source, "resume_snapshot", &[]).await;
    run_when(&app, &source, &id, "the snapshot to read on", |r| {
        r.state == SnapshotState::Running
            && r.tables.iter().map(|t| t.chunks).sum::<u32>()
                > paused.tables.iter().map(|t| t.chunks).sum::<u32>()
    })
    .await;
    signal(&app, &source, "stop_snapshot", &[]).await;
    let stopped = run_when(&app, &source, &id, "the snapshot to stop", |r| {
        r.state == SnapshotState::Aborted
    })
    .await;
    assert_eq!(stopped.kind, SnapshotKind::Incremental);
    assert!(
        !stopped.tables.iter().any(|t| t.done),
        "stopped before its table was read: {stopped:?}"
    );

    // Each signal is in the history, sent.
    let history: HistoryPage = app
        .get_json(&format!(
            "/api/v1/history?connector={source}&action=debezium_signal"
        ))
        .await;
    let mut sent: Vec<String> = history
        .events
        .iter()
        .filter(|e| e.action == Action::DebeziumSignal && e.outcome == Outcome::Success)
        .map(|e| {
            e.detail.as_ref().unwrap()["signal"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            "execute-snapshot",
            "pause-snapshot",
            "resume-snapshot",
            "stop-snapshot"
        ]
    );
    // A signal Debezium would drop quietly is refused.
    let empty = app
        .send(
            Method::POST,
            &format!("/api/v1/clusters/local/connectors/{source}/debezium/signals"),
            Some(json!({"kind": "execute_snapshot", "tables": []})),
        )
        .await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);

    clean_up(&app, &[&source], &table, &[signal_table]).await;
}

#[tokio::test]
async fn connects_own_topics_are_neither_read_as_notifications_nor_sent_signals() {
    let app = app_reading_kafka().await;
    let table = new_table("own_topics");
    // A config that points notifications and signals at Connect's config topic (the name
    // Plugboard knows for the cluster), made paused (KIP-980): it never reads or writes.
    let mut config = source_config(&table);
    config["notification.enabled.channels"] = json!("sink");
    config["notification.sink.topic.name"] = json!("connect-configs");
    config["signal.enabled.channels"] = json!("source,kafka");
    config["signal.kafka.topic"] = json!("connect-configs");
    let source = format!("{table}-source");
    let created = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(json!({"name": source, "config": config, "initial_state": "PAUSED"})),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let read = app
        .get(&format!(
            "/api/v1/clusters/local/connectors/{source}/debezium/snapshots"
        ))
        .await;
    assert_eq!(read.status(), StatusCode::FORBIDDEN);
    let sent = app
        .send(
            Method::POST,
            &format!("/api/v1/clusters/local/connectors/{source}/debezium/signals"),
            Some(json!({"kind": "execute_snapshot", "tables": [format!("public.{table}")]})),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::FORBIDDEN);
    assert!(sent.text().await.unwrap().contains("connect-configs"));

    delete_connector(&app, &source).await;
    postgres(&format!("DROP PUBLICATION {table}; DROP TABLE {table};")).unwrap();
}
