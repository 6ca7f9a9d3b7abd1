//! Unit tests of building a flow's connectors from the form.

use std::collections::BTreeMap;

use api_types::{FlowDraft, MirrorRole};

use super::{Ends, build};
use crate::config::KafkaCluster;

fn kafka(id: &str, servers: &str, properties: &[(&str, &str)]) -> KafkaCluster {
    KafkaCluster {
        id: id.into(),
        name: id.into(),
        bootstrap_servers: servers.into(),
        properties: properties
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        mirror_aliases: Vec::new(),
    }
}

fn draft() -> FlowDraft {
    FlowDraft {
        name: "east-west".into(),
        source_kafka: "primary".into(),
        target_kafka: "dr".into(),
        source_alias: "east".into(),
        target_alias: "west".into(),
        topics: "orders.*".into(),
        topics_exclude: Some(" ".into()),
        groups: "billing".into(),
        groups_exclude: None,
        sync_group_offsets: true,
        replication_factor: Some(3),
    }
}

#[test]
fn three_connectors_carry_both_clusters_servers_and_client_settings() {
    let primary = kafka(
        "primary",
        "a:9092",
        &[
            ("security.protocol", "SASL_SSL"),
            ("sasl.jaas.config", "secret"),
        ],
    );
    let dr = kafka("dr", "b:9092", &[]);
    let ends = Ends {
        source: &primary,
        target: &dr,
        connect_runs_on: Some(&dr),
    };
    let (drafted, notes) = build(&draft(), &ends, &BTreeMap::new());
    assert!(notes.is_empty());
    let names: Vec<(&str, MirrorRole)> =
        drafted.iter().map(|d| (d.name.as_str(), d.role)).collect();
    assert_eq!(
        names,
        [
            ("east-west-source", MirrorRole::Source),
            ("east-west-checkpoint", MirrorRole::Checkpoint),
            ("east-west-heartbeat", MirrorRole::Heartbeat)
        ]
    );
    for d in &drafted {
        assert_eq!(d.config["connector.class"], d.class);
        assert_eq!(d.config["name"], d.name);
        assert_eq!(d.config["source.cluster.bootstrap.servers"], "a:9092");
        assert_eq!(d.config["target.cluster.bootstrap.servers"], "b:9092");
        assert_eq!(d.config["source.cluster.sasl.jaas.config"], "secret");
        assert_eq!(d.config["source.cluster.alias"], "east");
        assert!(!d.config.contains_key("producer.override.bootstrap.servers"));
    }
    let source = &drafted[0].config;
    assert_eq!(source["topics"], "orders.*");
    assert!(
        !source.contains_key("topics.exclude"),
        "an empty field sets nothing"
    );
    assert_eq!(source["replication.factor"], "3");
    let checkpoint = &drafted[1].config;
    assert_eq!(checkpoint["groups"], "billing");
    assert_eq!(checkpoint["sync.group.offsets.enabled"], "true");
    assert!(!checkpoint.contains_key("topics"));
}

#[test]
fn an_existing_connector_keeps_its_other_settings_and_a_connect_cluster_elsewhere_gets_a_producer_override()
 {
    let primary = kafka("primary", "a:9092", &[]);
    let dr = kafka("dr", "b:9092", &[("security.protocol", "SSL")]);
    let ends = Ends {
        source: &primary,
        target: &dr,
        connect_runs_on: Some(&primary),
    };
    let mut live = BTreeMap::new();
    let existing: BTreeMap<String, String> = [
        ("tasks.max", "4"),
        ("topics", "old.*"),
        ("topics.exclude", "old.private"),
        ("emit.checkpoints.interval.seconds", "5"),
        ("replication.factor", "2"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    live.insert("east-west-source".to_owned(), existing);
    let mut asked = draft();
    asked.replication_factor = None;
    let (drafted, notes) = build(&asked, &ends, &live);
    let source = &drafted[0].config;
    assert_eq!(source["tasks.max"], "4");
    assert_eq!(source["emit.checkpoints.interval.seconds"], "5");
    assert_eq!(source["topics"], "orders.*");
    assert!(
        !source.contains_key("topics.exclude"),
        "the form's empty field clears it"
    );
    assert_eq!(
        source["replication.factor"], "2",
        "no factor asked: the one set is kept"
    );
    assert_eq!(source["producer.override.bootstrap.servers"], "b:9092");
    assert_eq!(source["producer.override.security.protocol"], "SSL");
    assert_eq!(notes.len(), 1);
}
