//! Unit tests of grouping MirrorMaker 2's connectors into flows.

use std::collections::BTreeMap;

use api_types::{ConnectorKind, ConnectorState, ConnectorSummary, Health, MirrorRole, TaskCounts};

use super::{RemoteNaming, find_flows};

/// A running connector `name` of class `class`, as the cached list gives it.
pub(crate) fn summary(name: &str, class: &str) -> ConnectorSummary {
    ConnectorSummary {
        cluster: "mm".into(),
        name: name.into(),
        kind: ConnectorKind::Source,
        class: class.into(),
        state: ConnectorState::Running,
        worker_id: None,
        version: None,
        health: Health::Healthy,
        tasks: TaskCounts::default(),
        first_cause: None,
        consumer_group: None,
        topics: Vec::new(),
        lag: None,
        drift: None,
        dead_letter_topic: None,
    }
}

fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

const MIRROR: &str = "org.apache.kafka.connect.mirror.";

#[test]
fn the_three_connectors_of_an_alias_pair_are_one_flow_and_others_are_left_out() {
    let connectors = [
        summary("a-heartbeat", &format!("{MIRROR}MirrorHeartbeatConnector")),
        summary("a-source", &format!("{MIRROR}MirrorSourceConnector")),
        summary(
            "files",
            "org.apache.kafka.connect.file.FileStreamSourceConnector",
        ),
        summary(
            "a-checkpoint",
            &format!("{MIRROR}MirrorCheckpointConnector"),
        ),
        summary("back", &format!("{MIRROR}MirrorSourceConnector")),
    ];
    let ends = [
        ("source.cluster.alias", "east"),
        ("target.cluster.alias", "west"),
    ];
    let mut configs = BTreeMap::new();
    configs.insert("a-heartbeat".to_owned(), config(&ends));
    let mut checkpoint = config(&ends);
    checkpoint.insert("sync.group.offsets.enabled".into(), "TRUE".into());
    configs.insert("a-checkpoint".to_owned(), checkpoint);
    let mut source = config(&ends);
    source.insert("topics".into(), "orders.*, payments".into());
    source.insert("source.cluster.bootstrap.servers".into(), "e1:9092".into());
    configs.insert("a-source".into(), source);
    configs.insert(
        "back".into(),
        config(&[
            ("source.cluster.alias", "west"),
            ("target.cluster.alias", "east"),
        ]),
    );
    let flows = find_flows(&connectors, &configs);
    assert_eq!(flows.len(), 2, "east->west and west->east");
    let east = &flows[0];
    assert_eq!(
        (east.source_alias.as_str(), east.target_alias.as_str()),
        ("east", "west")
    );
    let roles: Vec<(MirrorRole, &str)> = east
        .connectors
        .iter()
        .map(|(role, s)| (*role, s.name.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            (MirrorRole::Source, "a-source"),
            (MirrorRole::Checkpoint, "a-checkpoint"),
            (MirrorRole::Heartbeat, "a-heartbeat"),
        ]
    );
    assert_eq!(east.topics.as_deref(), Some("orders.*, payments"));
    assert_eq!(east.source_servers.as_deref(), Some("e1:9092"));
    assert_eq!(east.source_connector.as_deref(), Some("a-source"));
    assert!(east.sync_group_offsets);
    assert_eq!(flows[1].source_alias, "west");
    assert!(!flows[1].sync_group_offsets);
}

#[test]
fn aliases_default_as_mirrormaker_says_and_the_policy_names_remote_topics() {
    let connectors = [summary("s", &format!("{MIRROR}MirrorSourceConnector"))];
    let flows = find_flows(&connectors, &BTreeMap::new());
    assert_eq!(
        (
            flows[0].source_alias.as_str(),
            flows[0].target_alias.as_str()
        ),
        ("source", "target")
    );
    assert_eq!(flows[0].naming.remote("source", "t"), "source.t");

    let mut configs = BTreeMap::new();
    configs.insert(
        "s".to_owned(),
        config(&[("replication.policy.separator", "_")]),
    );
    assert_eq!(
        find_flows(&connectors, &configs)[0]
            .naming
            .remote("dc1", "t"),
        "dc1_t"
    );
    configs.insert(
        "s".to_owned(),
        config(&[(
            "replication.policy.class",
            "org.apache.kafka.connect.mirror.IdentityReplicationPolicy",
        )]),
    );
    let flows = find_flows(&connectors, &configs);
    assert_eq!(flows[0].naming, RemoteNaming::Identity);
    assert_eq!(flows[0].naming.remote("dc1", "t"), "t");
}
