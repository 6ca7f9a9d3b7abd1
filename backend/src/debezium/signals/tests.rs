use super::*;
use api_types::DebeziumCard;

fn signal(kind: SignalKind, tables: &[&str]) -> DebeziumSignal {
    DebeziumSignal {
        kind,
        tables: tables.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn card(signal_topic: Option<&str>, prefix: Option<&str>) -> DebeziumCard {
    DebeziumCard {
        database: "PostgreSQL".into(),
        topic_prefix: prefix.map(str::to_owned),
        slot: None,
        publication: None,
        decoder: None,
        tables: Vec::new(),
        notifications_topic: None,
        signal_topic: signal_topic.map(str::to_owned),
        signal_table: None,
        heartbeat_topic: None,
        heartbeat_interval_ms: None,
        lints: Vec::new(),
    }
}

#[test]
fn each_kind_is_written_as_debezium_reads_it() {
    let start = signal_value(
        "s1",
        &signal(
            SignalKind::ExecuteSnapshot,
            &[" public.orders ", "public.customers"],
        ),
    );
    assert_eq!(
        start.unwrap(),
        json!({"id": "s1", "type": "execute-snapshot", "data": {"data-collections": ["public.orders", "public.customers"], "type": "INCREMENTAL"}})
    );
    assert_eq!(
        signal_value("s2", &signal(SignalKind::StopSnapshot, &[])).unwrap(),
        json!({"id": "s2", "type": "stop-snapshot", "data": {"type": "INCREMENTAL"}})
    );
    assert_eq!(
        signal_value("s3", &signal(SignalKind::StopSnapshot, &["public.orders"])).unwrap()["data"]
            ["data-collections"],
        json!(["public.orders"])
    );
    for (kind, name) in [
        (SignalKind::PauseSnapshot, "pause-snapshot"),
        (SignalKind::ResumeSnapshot, "resume-snapshot"),
    ] {
        assert_eq!(
            signal_value("s", &signal(kind, &[])).unwrap(),
            json!({"id": "s", "type": name, "data": {}})
        );
    }
}

#[test]
fn a_signal_that_debezium_would_drop_quietly_is_refused_with_a_reason() {
    for (bad, why) in [
        (
            signal(SignalKind::ExecuteSnapshot, &[]),
            "at least one table",
        ),
        (
            signal(SignalKind::ExecuteSnapshot, &["public.a", " "]),
            "no table name",
        ),
        (
            signal(SignalKind::ExecuteSnapshot, &["public.a\nb"]),
            "no table name",
        ),
        (
            signal(SignalKind::PauseSnapshot, &["public.a"]),
            "name no table",
        ),
    ] {
        let error = signal_value("s", &bad).unwrap_err();
        assert!(error.contains(why), "{error}");
    }
    let many: Vec<String> = (0..=MAX_TABLES).map(|n| format!("public.t{n}")).collect();
    let too_many = DebeziumSignal {
        kind: SignalKind::ExecuteSnapshot,
        tables: many,
    };
    assert!(
        signal_value("s", &too_many)
            .unwrap_err()
            .contains("at most")
    );
    let long = "t".repeat(MAX_TABLE_NAME + 1);
    assert!(signal_value("s", &signal(SignalKind::ExecuteSnapshot, &[&long])).is_err());
}

#[test]
fn a_signal_goes_to_the_connectors_topic_keyed_by_its_prefix_on_this_clusters_kafka() {
    let card = card(Some("shop-signals"), Some("shop"));
    assert_eq!(
        destination(&card, Some("b:9092, a:9092"), "a:9092,b:9092").unwrap(),
        ("shop-signals".to_owned(), "shop".to_owned()),
        "the same servers in another order"
    );
    assert!(destination(&card, None, "a:9092").is_ok());
    let elsewhere = destination(&card, Some("other:9092"), "a:9092").unwrap_err();
    assert!(elsewhere.contains("other:9092"), "{elsewhere}");
    let off = destination(&self::card(None, Some("shop")), None, "a:9092").unwrap_err();
    assert!(off.contains("signal.enabled.channels"), "{off}");
}
