use super::*;

/// A notification of the connector `shop`, as Debezium's Kafka sink channel sends it.
fn sent(id: &str, kind: &str, aggregate: &str, data: &[(&str, &str)], at: i64) -> Notification {
    let mut additional_data: BTreeMap<String, String> = data
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    additional_data.insert("connector_name".into(), "shop".into());
    Notification {
        id: id.into(),
        kind: kind.into(),
        aggregate_type: aggregate.into(),
        additional_data,
        timestamp: at,
    }
}

const INITIAL: &str = "Initial Snapshot";
const INCREMENTAL: &str = "Incremental Snapshot";

/// An initial snapshot of two tables, as the stack's Debezium 3.6 sent it (ids are random).
fn initial(at: i64) -> Vec<Notification> {
    let listed = ("data_collections", "public.customers,public.products");
    vec![
        sent("a", "STARTED", INITIAL, &[], at),
        sent(
            "b",
            "IN_PROGRESS",
            INITIAL,
            &[
                ("current_collection_in_progress", "public.customers"),
                listed,
            ],
            at + 500,
        ),
        sent(
            "c",
            "TABLE_SCAN_COMPLETED",
            INITIAL,
            &[
                ("scanned_collection", "public.customers"),
                ("total_rows_scanned", "20"),
                ("status", "SUCCEEDED"),
                (
                    "data_collections",
                    "public.customers,public.products,public.debezium_signal",
                ),
            ],
            at + 1_000,
        ),
        sent(
            "d",
            "IN_PROGRESS",
            INITIAL,
            &[
                ("current_collection_in_progress", "public.products"),
                listed,
            ],
            at + 1_000,
        ),
        sent(
            "e",
            "TABLE_SCAN_COMPLETED",
            INITIAL,
            &[
                ("scanned_collection", "public.products"),
                ("total_rows_scanned", "10"),
                ("status", "SUCCEEDED"),
            ],
            at + 2_000,
        ),
        sent("f", "COMPLETED", INITIAL, &[], at + 2_000),
    ]
}

#[test]
fn an_initial_snapshot_is_followed_table_by_table_to_its_completion() {
    let runs = snapshots(&initial(10_000), "shop", 20_000);
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(
        (run.kind, run.state, run.id.as_deref()),
        (SnapshotKind::Initial, SnapshotState::Completed, None)
    );
    assert_eq!((run.started_ms, run.last_event_ms), (10_000, 12_000));
    let tables: Vec<_> = run
        .tables
        .iter()
        .map(|t| (t.table.as_str(), t.rows_scanned, t.done))
        .collect();
    assert_eq!(
        tables,
        [
            ("public.customers", Some(20), true),
            ("public.products", Some(10), true)
        ]
    );
    assert_eq!(
        (run.tables_total, run.rows_scanned),
        (2, 30),
        "the signal table is not one of them"
    );
    assert_eq!(run.rows_per_second, Some(15.0));
    assert!(!run.stalled);
}

#[test]
fn a_running_snapshot_counts_what_is_done_and_stalls_when_quiet() {
    let part = &initial(0)[..3];
    let run = &snapshots(part, "shop", 1_000 + STALL_AFTER_MS)[0];
    assert_eq!(run.state, SnapshotState::Running);
    assert_eq!(run.tables_total, 2);
    assert_eq!(run.tables.iter().filter(|t| t.done).count(), 1);
    assert!(!run.stalled, "not quiet for longer than allowed yet");
    assert!(snapshots(part, "shop", 1_001 + STALL_AFTER_MS)[0].stalled);
}

#[test]
fn an_incremental_snapshot_is_its_signals_id_paused_and_resumed_and_chunks_counted() {
    let listed = ("data_collections", "public.orders");
    let chunk = |at| {
        sent(
            "sig-1",
            "IN_PROGRESS",
            INCREMENTAL,
            &[("current_collection_in_progress", "public.orders"), listed],
            at,
        )
    };
    let mut sent_in_order = initial(0);
    sent_in_order.extend([
        sent("sig-1", "STARTED", INCREMENTAL, &[listed], 5_000),
        chunk(5_100),
        sent("sig-1", "PAUSED", INCREMENTAL, &[], 5_200),
    ]);
    let runs = snapshots(&sent_in_order, "shop", 6_000);
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (runs[0].kind, runs[0].id.as_deref(), runs[0].state),
        (
            SnapshotKind::Incremental,
            Some("sig-1"),
            SnapshotState::Paused
        )
    );
    assert_eq!(runs[1].kind, SnapshotKind::Initial, "newest first");
    sent_in_order.extend([
        sent("sig-1", "RESUMED", INCREMENTAL, &[], 6_000),
        chunk(6_100),
        chunk(6_200),
        sent(
            "sig-1",
            "TABLE_SCAN_COMPLETED",
            INCREMENTAL,
            &[
                ("scanned_collection", "public.orders"),
                ("total_rows_scanned", "3000"),
                ("status", "SUCCEEDED"),
            ],
            6_300,
        ),
        sent("sig-1", "COMPLETED", INCREMENTAL, &[], 6_300),
        sent("sig-2", "STARTED", INCREMENTAL, &[listed], 7_000),
        sent("sig-2", "ABORTED", INCREMENTAL, &[], 7_100),
    ]);
    let runs = snapshots(&sent_in_order, "shop", 8_000);
    assert_eq!(runs.len(), 3);
    assert_eq!(
        (runs[0].id.as_deref(), runs[0].state),
        (Some("sig-2"), SnapshotState::Aborted)
    );
    assert_eq!(
        (runs[1].id.as_deref(), runs[1].state),
        (Some("sig-1"), SnapshotState::Completed)
    );
    assert_eq!(runs[1].tables[0].chunks, 3);
    assert_eq!(runs[1].rows_scanned, 3_000);
}

#[test]
fn other_connectors_on_a_shared_topic_and_other_records_are_left_out() {
    let mut others = initial(0);
    for n in &mut others {
        n.additional_data
            .insert("connector_name".into(), "billing".into());
    }
    assert!(snapshots(&others, "shop", 0).is_empty());
    let runs = snapshots(&[initial(0), others].concat(), "shop", 0);
    assert_eq!(runs.len(), 1);
}

#[test]
fn a_notification_is_read_with_or_without_its_schema_and_nothing_else_is() {
    let payload = r#"{"id":"x","type":"STARTED","aggregate_type":"Initial Snapshot","additional_data":{"connector_name":"shop"},"timestamp":1796655852293}"#;
    let with_schema = format!(r#"{{"schema":{{"type":"struct"}},"payload":{payload}}}"#);
    for value in [payload.to_owned(), with_schema] {
        let n = notification(value.as_bytes()).unwrap();
        assert_eq!(
            (n.kind.as_str(), n.timestamp),
            ("STARTED", 1_796_655_852_293)
        );
    }
    let text_time = payload.replace("1796655852293", "\"1796655852293\"");
    assert_eq!(
        notification(text_time.as_bytes()).unwrap().timestamp,
        1_796_655_852_293
    );
    for other in [
        &b"not json"[..],
        br#"{"schema":{},"payload":null}"#,
        br#"{"line":1}"#,
    ] {
        assert!(notification(other).is_none());
    }
}

#[test]
fn a_stop_aborts_the_latest_incremental_snapshot_and_a_skipped_initial_one_ends_at_once() {
    let listed = ("data_collections", "public.orders");
    // As Debezium 3.6 sent them: the snapshot's COMPLETED, then an ABORTED of an id of its own.
    let sent_in_order = [
        sent("skip", "SKIPPED", INITIAL, &[], 1_000),
        sent("sig-1", "STARTED", INCREMENTAL, &[listed], 2_000),
        sent("sig-1", "COMPLETED", INCREMENTAL, &[], 3_000),
        sent("random", "ABORTED", INCREMENTAL, &[listed], 3_001),
    ];
    let runs = snapshots(&sent_in_order, "shop", 4_000);
    let states: Vec<_> = runs
        .iter()
        .map(|r| (r.kind, r.id.as_deref(), r.state))
        .collect();
    assert_eq!(
        states,
        [
            (
                SnapshotKind::Incremental,
                Some("sig-1"),
                SnapshotState::Aborted
            ),
            (SnapshotKind::Initial, None, SnapshotState::Skipped),
        ]
    );
}
