//! A Debezium PostgreSQL source's replication slot as Plugboard reads it from the real
//! database: through a monitoring role with pg_monitor only, the slot's WAL and activity, the
//! stored offset beside it and the resume guard, publication drift and unclaimed slots; and
//! with the connector's own credentials (an admin's choice), marked as such, whose role lacks
//! pg_monitor and is told what to grant; and the slot watch's samples and alerts while a
//! stopped source's slot holds back 200 MB of WAL.

use std::time::Duration;

use api_types::{DatabaseAccess, GuardVerdict, SlotHealth};
use plugboard::config::{DatabaseCredentials, SourceDatabase};
use reqwest::StatusCode;
use serde_json::json;

use crate::alerts::{a_few_rounds, create_rule, incidents_of};
use crate::support::databases::{
    clean_up, new_table, password_of, postgres, postgres_port, source_config,
};
use crate::support::{
    TestApp, cluster, create_sink, create_stopped, eventually, stack_urls, stop_connector,
};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";

/// The stack's PostgreSQL database `shop` as a source database read with `credentials`.
fn shop(credentials: DatabaseCredentials) -> SourceDatabase {
    SourceDatabase {
        id: "shop".to_owned(),
        host: "127.0.0.1".to_owned(),
        port: postgres_port().parse().unwrap(),
        dbname: "shop".to_owned(),
        credentials,
        aliases: Vec::new(),
        statement_timeout: Duration::from_secs(2),
        max_connections: 2,
    }
}

fn monitoring_role() -> DatabaseCredentials {
    DatabaseCredentials::Monitoring {
        user: "plugboard_monitor".to_owned(),
        password: password_of("plugboard_monitor"),
    }
}

async fn slot_health(app: &TestApp, name: &str) -> SlotHealth {
    let response = app
        .get(&format!(
            "/api/v1/clusters/local/connectors/{name}/debezium/slot"
        ))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Plugboard reading the stack's database with the monitoring role, and a Debezium source of
/// a new table of its own, created running: the app, the table and the source's name.
async fn running_source(label: &str) -> (TestApp, String, String) {
    let app = TestApp::start_with_databases(
        vec![cluster("local", stack_urls(STACK))],
        vec![shop(monitoring_role())],
    )
    .await;
    let table = new_table(label);
    let source = format!("{table}-source");
    create_sink(&app, &source, source_config(&table)).await;
    (app, table, source)
}

#[tokio::test]
async fn the_slot_its_offset_and_the_resume_guard_are_read_with_a_monitoring_role() {
    let (app, table, source) = running_source("slot").await;

    // Streaming, with an offset committed: the slot is active and a resume would be safe.
    eventually("the slot to be active", || async {
        let health = slot_health(&app, &source).await;
        health.slot.is_some_and(|s| s.active).then_some(())
    })
    .await;
    postgres(&format!("INSERT INTO {table} VALUES (4, 'four')")).unwrap();
    let running = eventually("a streamed change's offset beside the slot", || async {
        let health = slot_health(&app, &source).await;
        let streaming = health
            .offset
            .as_ref()
            .is_some_and(|o| !o.snapshot && o.lsn.is_some());
        (health.slot.as_ref().is_some_and(|s| s.active) && streaming).then_some(health)
    })
    .await;
    assert_eq!(running.problem, None);
    assert_eq!(
        running.access,
        Some(DatabaseAccess::Monitoring {
            user: "plugboard_monitor".to_owned()
        })
    );
    assert_eq!(running.database.as_deref(), Some("shop"));
    let slot = running.slot.as_ref().unwrap();
    assert_eq!(slot.plugin, "pgoutput");
    assert!(slot.retained_bytes.is_some_and(|b| b >= 0), "{slot:?}");
    assert!(running.current_lsn.is_some());
    assert_eq!(
        running.guard.as_ref().unwrap().verdict,
        GuardVerdict::Safe,
        "{running:?}"
    );
    let publication = running.publication.as_ref().unwrap();
    assert!(publication.exists);
    assert_eq!(publication.tables, [format!("public.{table}")]);
    assert!(
        publication.captured_not_published.is_empty(),
        "{publication:?}"
    );
    assert!(running.orphaned_slots.iter().all(|o| o.slot.name != table));

    // Stopped, then the slot moved past the offset behind the connector's back (as a DBA
    // advancing a slot to free disk does): a resume would skip what was written in between.
    stop_connector(&app, &source).await;
    eventually("the slot to be let go", || async {
        let health = slot_health(&app, &source).await;
        health.slot.is_some_and(|s| !s.active).then_some(())
    })
    .await;
    postgres(&format!(
        "INSERT INTO {table} SELECT g, 'while stopped' FROM generate_series(10, 500) g"
    ))
    .unwrap();
    postgres(&format!(
        "SELECT pg_replication_slot_advance('{table}', pg_current_wal_lsn())"
    ))
    .unwrap();
    // An unclaimed slot in the same database is listed with the SQL that would drop it.
    let orphan = format!("{table}_orphan");
    postgres(&format!(
        "SELECT pg_create_logical_replication_slot('{orphan}', 'pgoutput')"
    ))
    .unwrap();
    let stopped = eventually("the guard to see the gap", || async {
        let health = slot_health(&app, &source).await;
        let skips = health.guard.as_ref()?.verdict == GuardVerdict::SkipsEvents;
        let listed = health.orphaned_slots.iter().any(|o| o.slot.name == orphan);
        (skips && listed).then_some(health)
    })
    .await;
    let guard = stopped.guard.as_ref().unwrap();
    assert!(guard.gap_bytes.is_some_and(|gap| gap > 0), "{guard:?}");
    assert!(guard.message.contains("skips"), "{}", guard.message);
    let listed = stopped
        .orphaned_slots
        .iter()
        .find(|o| o.slot.name == orphan)
        .unwrap();
    assert_eq!(
        listed.drop_sql,
        format!("SELECT pg_drop_replication_slot('{orphan}');")
    );
    assert!(stopped.orphaned_slots.iter().all(|o| o.slot.name != table));
    // Plugboard only reads: the orphan is still there.
    assert_eq!(
        postgres(&format!(
            "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{orphan}'"
        ))
        .unwrap()
        .trim(),
        "1"
    );

    // A second source, stopped before it ever ran, capturing a table its publication lacks.
    let drifted = format!("{table}-drifted");
    let mut config = source_config(&table);
    config["slot.name"] = json!(format!("{table}_never"));
    config["table.include.list"] = json!(format!("public.{table},public.{table}_absent"));
    create_stopped(&app, &drifted, config).await;
    let never = slot_health(&app, &drifted).await;
    assert_eq!(never.slot, None);
    assert_eq!(
        never.guard.as_ref().unwrap().verdict,
        GuardVerdict::NoOffset
    );
    let drift = never.publication.unwrap();
    assert_eq!(
        drift.captured_not_published,
        [format!("public.{table}_absent")]
    );

    postgres(&format!("SELECT pg_drop_replication_slot('{orphan}')")).unwrap();
    clean_up(&app, &[&source, &drifted], &table, &[]).await;
}

#[tokio::test]
async fn connector_credentials_are_marked_and_a_role_without_pg_monitor_is_told_what_to_grant() {
    let app = TestApp::start_with_databases(
        vec![cluster("local", stack_urls(STACK))],
        vec![shop(DatabaseCredentials::Connector)],
    )
    .await;
    let table = new_table("slotcreds");
    let source = format!("{table}-source");
    create_stopped(&app, &source, source_config(&table)).await;

    let health = slot_health(&app, &source).await;
    assert_eq!(
        health.access,
        Some(DatabaseAccess::ConnectorCredentials {
            user: "debezium".to_owned()
        })
    );
    let problem = health.problem.unwrap();
    assert!(problem.contains("pg_monitor"), "{problem}");
    assert!(
        problem.contains("GRANT pg_monitor TO \"debezium\""),
        "{problem}"
    );
    assert!(!problem.contains(&password_of("debezium")), "{problem}");
    assert_eq!(health.slot, None);

    // A connector on a database no [[source_databases]] table names is told how to add one.
    // (The server's `postgres` database: Connect's create checks that it exists.)
    let elsewhere = format!("{table}-elsewhere");
    let mut config = source_config(&table);
    config["database.dbname"] = json!("postgres");
    create_stopped(&app, &elsewhere, config).await;
    let unknown = slot_health(&app, &elsewhere).await;
    assert_eq!(unknown.database, None);
    assert!(unknown.problem.unwrap().contains("[[source_databases]]"));

    clean_up_stopped(&app, &[&source, &elsewhere], &table).await;
}

/// Deletes connectors that never ran (so made no slot), the publication and the table.
async fn clean_up_stopped(app: &TestApp, connectors: &[&String], table: &str) {
    for name in connectors {
        crate::support::delete_connector(app, name).await;
    }
    postgres(&format!("DROP PUBLICATION {table}; DROP TABLE {table};")).unwrap();
}

#[tokio::test]
async fn a_source_stopped_while_200_mb_are_written_grows_its_slot_and_fires_the_slot_alerts() {
    let (app, table, source) = running_source("slotwal").await;
    let rule = |kind: &str, threshold: Option<f64>| {
        json!({"name": format!("{kind} of {source}"), "kind": kind, "connector_pattern": source,
               "threshold": threshold})
    };
    let wal_rule = create_rule(&app.base_url, rule("slot_wal_above", Some(100.0))).await;
    let held_rule = create_rule(&app.base_url, rule("slot_held_while_stopped", None)).await;
    let inactive_rule = create_rule(&app.base_url, rule("slot_inactive", None)).await;
    eventually("the slot to be active", || async {
        let health = slot_health(&app, &source).await;
        health.slot.is_some_and(|s| s.active).then_some(())
    })
    .await;
    // Running and read: none of the three holds.
    a_few_rounds(&app.base_url).await;
    for rule in [wal_rule, held_rule, inactive_rule] {
        assert!(
            incidents_of(&app.base_url, rule).await.is_empty(),
            "rule {rule}"
        );
    }

    stop_connector(&app, &source).await;
    let stopped_at = tokio::time::Instant::now();
    let held = eventually("the held-while-stopped incident", || async {
        incidents_of(&app.base_url, held_rule).await.pop()
    })
    .await;
    assert!(held.opening.contains("STOPPED"), "{}", held.opening);
    // 200 MB written while nothing reads the slot (kept uncompressed, so the WAL carries it
    // all): its retained WAL grows past the threshold.
    postgres(&format!(
        "ALTER TABLE {table} ALTER COLUMN note SET STORAGE EXTERNAL;
         INSERT INTO {table} SELECT g, repeat(md5(g::text), 64) FROM generate_series(10, 100009) g"
    ))
    .unwrap();
    let wal = eventually("the slot WAL incident", || async {
        incidents_of(&app.base_url, wal_rule).await.pop()
    })
    .await;
    assert!(wal.worst_value.is_some_and(|mib| mib > 200.0), "{wal:?}");
    assert!(
        wal.opening.contains(&format!("slot {table} retains")),
        "{}",
        wal.opening
    );
    // The page's chart has the growth: from under a MiB before the writes to over 200 MiB.
    let health = slot_health(&app, &source).await;
    let retained: Vec<i64> = health
        .samples
        .iter()
        .filter_map(|s| s.retained_bytes)
        .collect();
    assert!(
        retained.first().is_some_and(|b| *b < 1 << 20),
        "{retained:?}"
    );
    assert!(
        retained.last().is_some_and(|b| *b > 200 << 20),
        "{retained:?}"
    );
    // A stopped connector is not running: the inactive-slot rule stays quiet, past the 15 s
    // a condition of its kind must hold (which the moment of the stop itself, the list a
    // little older than the slot's reading, does not).
    tokio::time::sleep_until(stopped_at + std::time::Duration::from_secs(20)).await;
    a_few_rounds(&app.base_url).await;
    assert!(incidents_of(&app.base_url, inactive_rule).await.is_empty());

    clean_up(&app, &[&source], &table, &[]).await;
}
