//! Which consumer group and topics belong to a connector. A sink's group is the cluster's
//! pattern (`connect-{name}` by default) unless `consumer.override.group.id` sets one; its
//! topics are those Connect says it used, else the `topics` list of its config, else (for a
//! `topics.regex` sink that has not reported topics yet) those its group committed to.

use std::collections::{BTreeMap, HashMap};

use api_types::{ConnectorKafka, ConnectorSummary, KafkaStatus};

use super::snapshot::Snapshot;
use plugboard_connect::model::split_list;

/// The connector of each sink group among `summaries`, by group name.
pub(crate) fn connectors_by_group(summaries: &[ConnectorSummary]) -> HashMap<String, String> {
    summaries
        .iter()
        .filter_map(|s| Some((s.consumer_group.clone()?, s.name.clone())))
        .collect()
}

/// The topics of a connector, by the rule in this module's header.
pub(crate) fn connector_topics(
    active: &[String],
    config: &BTreeMap<String, String>,
    group: Option<&str>,
    snapshot: Option<&Snapshot>,
) -> Vec<String> {
    if !active.is_empty() {
        return active.to_vec();
    }
    let listed = config
        .get("topics")
        .or_else(|| config.get("topic"))
        .or_else(|| config.get("kafka.topic"));
    if let Some(list) = listed {
        return split_list(list);
    }
    let committed = group.and_then(|g| snapshot?.group(g));
    let mut topics: Vec<String> = committed
        .map(|g| g.committed.iter().map(|c| c.0.clone()).collect())
        .unwrap_or_default();
    topics.sort();
    topics.dedup();
    topics
}

/// The Kafka side of one connector from the latest snapshot.
pub(crate) fn connector_kafka(
    status: KafkaStatus,
    snapshot: Option<&Snapshot>,
    connector: &str,
    group_name: Option<String>,
    topics: &[String],
) -> ConnectorKafka {
    let Some(snapshot) = snapshot else {
        return ConnectorKafka {
            status,
            group_name,
            group: None,
            topics: Vec::new(),
            missing_topics: Vec::new(),
        };
    };
    let connector = connector.to_owned();
    let group = group_name
        .as_deref()
        .and_then(|g| snapshot.group_detail(g, Some(&connector)));
    let (found, missing): (Vec<_>, Vec<_>) = topics
        .iter()
        .map(|t| snapshot.topic_detail(t).ok_or_else(|| t.clone()))
        .partition(Result::is_ok);
    ConnectorKafka {
        status,
        group_name,
        group,
        topics: found.into_iter().filter_map(Result::ok).collect(),
        missing_topics: missing.into_iter().filter_map(Result::err).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::observation::{GroupMeta, Observation};
    use crate::test_support::config;

    fn snapshot_with_group(name: &str, topics: &[&str]) -> Snapshot {
        Snapshot {
            observation: Observation {
                groups: vec![GroupMeta {
                    name: name.into(),
                    state: "Stable".into(),
                    committed: topics.iter().map(|t| ((*t).to_owned(), 0, 1)).collect(),
                }],
                ..Observation::default()
            },
            ..Snapshot::default()
        }
    }

    #[test]
    fn topics_connect_reports_win_over_the_config() {
        let topics = connector_topics(
            &["used".into()],
            &config(&[("topics", "named")]),
            None,
            None,
        );
        assert_eq!(topics, ["used"]);
    }

    #[test]
    fn without_reported_topics_the_config_list_is_split() {
        let topics = connector_topics(&[], &config(&[("topics", "a, b")]), None, None);
        assert_eq!(topics, ["a", "b"]);
    }

    #[test]
    fn a_regex_sink_without_reported_topics_takes_those_its_group_committed() {
        let snapshot = snapshot_with_group("connect-s", &["orders-2", "orders-1", "orders-2"]);
        let regex = config(&[("topics.regex", "orders-.*")]);
        let topics = connector_topics(&[], &regex, Some("connect-s"), Some(&snapshot));
        assert_eq!(topics, ["orders-1", "orders-2"]);
    }

    #[test]
    fn topics_kafka_does_not_have_are_named_missing() {
        let snapshot = snapshot_with_group("g", &[]);
        let kafka = connector_kafka(
            KafkaStatus::default(),
            Some(&snapshot),
            "c",
            None,
            &["gone".into()],
        );
        assert_eq!(kafka.missing_topics, ["gone"]);
        assert!(!kafka.topics_healthy());
    }
}
