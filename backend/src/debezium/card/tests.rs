use super::*;

fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

const POSTGRES: &str = "io.debezium.connector.postgresql.PostgresConnector";

fn kinds(card: &DebeziumCard) -> Vec<DebeziumLintKind> {
    card.lints.iter().map(|l| l.kind).collect()
}

#[test]
fn a_bare_postgres_source_gets_debeziums_defaults_and_every_lint_that_applies() {
    let card = card(
        &config(&[("connector.class", POSTGRES), ("topic.prefix", "shop")]),
        |_| None,
    )
    .unwrap();
    assert_eq!(card.database, "PostgreSQL");
    assert_eq!(card.slot.as_deref(), Some("debezium"));
    assert_eq!(card.publication.as_deref(), Some("dbz_publication"));
    assert_eq!(card.decoder.as_deref(), Some("decoderbufs"));
    assert_eq!(
        card.signal_topic, None,
        "signals come from the table only by default"
    );
    assert_eq!(card.heartbeat_topic, None);
    assert_eq!(
        kinds(&card),
        [
            DebeziumLintKind::NotificationsOff,
            DebeziumLintKind::NoHeartbeat
        ]
    );
}

#[test]
fn a_well_configured_source_names_its_topics_and_has_no_lint() {
    let card = card(
        &config(&[
            ("connector.class", POSTGRES),
            ("topic.prefix", "shop"),
            ("slot.name", "shop_slot"),
            ("publication.name", "shop_pub"),
            ("plugin.name", "pgoutput"),
            ("table.include.list", "public.orders, public.customers"),
            ("signal.enabled.channels", "source, kafka"),
            ("signal.data.collection", "public.debezium_signal"),
            ("notification.enabled.channels", "sink"),
            ("notification.sink.topic.name", "shop-notifications"),
            ("heartbeat.interval.ms", "10000"),
        ]),
        |topic| (topic == "shop-signal").then_some(1),
    )
    .unwrap();
    assert_eq!(card.slot.as_deref(), Some("shop_slot"));
    assert_eq!(card.publication.as_deref(), Some("shop_pub"));
    assert_eq!(card.tables, ["public.orders", "public.customers"]);
    assert_eq!(card.signal_topic.as_deref(), Some("shop-signal"));
    assert_eq!(
        card.notifications_topic.as_deref(),
        Some("shop-notifications")
    );
    assert_eq!(
        card.heartbeat_topic.as_deref(),
        Some("__debezium-heartbeat.shop")
    );
    assert_eq!(card.heartbeat_interval_ms, Some(10_000));
    assert!(card.lints.is_empty(), "{:?}", card.lints);
}

#[test]
fn kafka_signals_need_one_partition_and_somewhere_for_watermarks() {
    let signals = [
        ("connector.class", POSTGRES),
        ("topic.prefix", "shop"),
        ("signal.enabled.channels", "kafka"),
        ("signal.kafka.topic", "shop-signals"),
        ("notification.enabled.channels", "sink"),
        ("notification.sink.topic.name", "n"),
        ("heartbeat.interval.ms", "5000"),
    ];
    let three = |topic: &str| (topic == "shop-signals").then_some(3);
    let card = card(&config(&signals), three).unwrap();
    assert_eq!(
        kinds(&card),
        [
            DebeziumLintKind::SignalTopicPartitions,
            DebeziumLintKind::KafkaSignalsWithoutWatermarks
        ]
    );
    assert!(card.lints[0].message.contains("3 partitions"));
    let read_only = [&signals[..], &[("read.only", "true")]].concat();
    assert_eq!(
        kinds(&super::card(&config(&read_only), |_| Some(1)).unwrap()),
        []
    );
}

#[test]
fn notifications_need_the_sink_channel_and_a_topic() {
    for pairs in [
        vec![("notification.enabled.channels", "log,jmx")],
        vec![("notification.enabled.channels", "sink")],
        vec![("notification.sink.topic.name", "n")],
    ] {
        let all = [&[("connector.class", POSTGRES)][..], &pairs].concat();
        let card = card(&config(&all), |_| None).unwrap();
        assert!(
            kinds(&card).contains(&DebeziumLintKind::NotificationsOff),
            "{pairs:?}"
        );
        assert_eq!(card.notifications_topic, None);
    }
}

#[test]
fn only_debezium_source_connectors_have_a_card() {
    for class in [
        "io.debezium.connector.jdbc.JdbcSinkConnector",
        "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "io.debezium.connector",
    ] {
        assert_eq!(card(&config(&[("connector.class", class)]), |_| None), None);
    }
    let mysql = card(
        &config(&[(
            "connector.class",
            "io.debezium.connector.mysql.MySqlConnector",
        )]),
        |_| None,
    )
    .unwrap();
    assert_eq!(
        (mysql.database.as_str(), mysql.slot.as_deref()),
        ("MySQL", None)
    );
    assert!(!kinds(&mysql).contains(&DebeziumLintKind::NoHeartbeat));
}
