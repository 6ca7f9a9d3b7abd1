//! The alert rules that judge Debezium's sources through Kafka, on the real stack: a source
//! that stops misses its heartbeats, and an incremental snapshot whose connector stops midway
//! stalls.

use api_types::SnapshotState;
use serde_json::json;

use crate::alerts::{a_few_rounds, create_rule, incidents_of};
use crate::database_pipeline::{app_reading_kafka, run_when, signal, slow_incremental_source};
use crate::support::databases::{clean_up, new_table, postgres, source_config};
use crate::support::kafka_client::end_offset;
use crate::support::{create_sink, eventually, stack_bootstrap, stop_connector};

#[tokio::test]
async fn a_source_that_stops_misses_its_heartbeats_and_fires_the_heartbeat_rule() {
    let app = app_reading_kafka().await;
    let table = new_table("beat");
    let source = format!("{table}-source");
    let mut config = source_config(&table);
    config["heartbeat.interval.ms"] = json!("1000");
    create_sink(&app, &source, config).await;
    // A streamed change gives Debezium a position to beat from; then, with the table idle,
    // heartbeats keep coming.
    let heartbeats = format!("__debezium-heartbeat.{table}");
    let count = || end_offset(&stack_bootstrap(), &heartbeats);
    let first = eventually("the first heartbeats", || async {
        postgres(&format!(
            "INSERT INTO {table} VALUES (floor(random() * 1e9)::int + 10, 'beat')"
        ))
        .unwrap();
        count()
    })
    .await;
    eventually("more heartbeats on an idle table", || async {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        count().filter(|n| *n > first + 2)
    })
    .await;
    let rule =
        json!({"name": "beats", "kind": "debezium_heartbeat_stale", "connector_pattern": source});
    let rule = create_rule(&app.base_url, rule).await;
    // Beating: three intervals and more pass without an incident.
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    a_few_rounds(&app.base_url).await;
    assert!(incidents_of(&app.base_url, rule).await.is_empty());

    stop_connector(&app, &source).await;
    let stale = eventually("the stale-heartbeat incident", || async {
        incidents_of(&app.base_url, rule).await.pop()
    })
    .await;
    assert!(
        stale
            .opening
            .contains(&format!("no heartbeat on {heartbeats}")),
        "{}",
        stale.opening
    );

    clean_up(&app, &[&source], &table, &[]).await;
}

#[tokio::test]
async fn an_incremental_snapshot_whose_connector_stops_midway_fires_the_stall_rule() {
    let app = app_reading_kafka().await;
    // 20,000 rows read a row per chunk: the snapshot still runs when its connector stops.
    let (table, source, signal_table) = slow_incremental_source(&app, "stall", 20_000).await;
    let rule = json!({"name": "stalls", "kind": "debezium_snapshot_stalled",
                      "connector_pattern": source, "threshold": 5.0});
    let rule = create_rule(&app.base_url, rule).await;

    let tables = [format!("public.{table}")];
    let id = signal(&app, &source, "execute_snapshot", &tables).await;
    run_when(&app, &source, &id, "the snapshot to read chunks", |r| {
        r.state == SnapshotState::Running && r.tables.iter().any(|t| t.chunks > 0)
    })
    .await;
    // Reading chunk after chunk: quiet for less than the threshold, no incident.
    a_few_rounds(&app.base_url).await;
    assert!(incidents_of(&app.base_url, rule).await.is_empty());

    stop_connector(&app, &source).await;
    let stalled = eventually("the stalled-snapshot incident", || async {
        incidents_of(&app.base_url, rule).await.pop()
    })
    .await;
    assert!(
        stalled
            .opening
            .contains("the incremental snapshot has sent nothing for"),
        "{}",
        stalled.opening
    );
    assert!(
        stalled.worst_value.is_some_and(|quiet| quiet > 5.0),
        "{stalled:?}"
    );

    clean_up(&app, &[&source], &table, &[signal_table]).await;
}
