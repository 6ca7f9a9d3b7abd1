//! Connect's own topics: the config topic (every connector's and task's config, in clear, and
//! the workers' session key), the offsets topic and the status topic. They are known by name
//! (each configured cluster's `internal_topics`, Connect's defaults otherwise) and recognised by
//! their records' keys under any name (another Connect cluster's, a mirror's copy), so the
//! record browser does not show them unless an admin turned on the masked view, and replay
//! never reads from or writes to them.

use serde_json::Value;

use super::read::RawRecord;
use crate::config::Cluster;

/// Which of Connect's topics a topic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectTopic {
    Config,
    Offsets,
    Status,
}

impl ConnectTopic {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Offsets => "offsets",
            Self::Status => "status",
        }
    }
}

/// The key of the record in which the workers keep the key they sign internal requests with.
pub(crate) const SESSION_KEY: &str = "session-key";

/// What `topic` is to any configured cluster, by name.
pub(crate) fn by_name(clusters: &[Cluster], topic: &str) -> Option<ConnectTopic> {
    clusters.iter().find_map(|cluster| {
        let names = &cluster.internal_topics;
        if topic == names.config {
            Some(ConnectTopic::Config)
        } else if topic == names.offsets {
            Some(ConnectTopic::Offsets)
        } else if topic == names.status {
            Some(ConnectTopic::Status)
        } else {
            None
        }
    })
}

/// What topic the records come from, if any of them is one of Connect's own.
pub(crate) fn by_content(records: &[RawRecord]) -> Option<ConnectTopic> {
    records.iter().find_map(kind_of)
}

/// Connect's kind of topic a record belongs to, by its key (and a JSON object or tombstone as
/// its value): config records are keyed `connector-*`, `task-*`, `commit-*`, `target-state-*`
/// and `session-key`; status records `status-connector-*`, `status-task-*`, `status-topic-*`;
/// offsets `["connector", {partition}]`.
pub(crate) fn kind_of(record: &RawRecord) -> Option<ConnectTopic> {
    let key = std::str::from_utf8(record.key.as_deref()?).ok()?;
    let value_is_state = record
        .value
        .as_deref()
        .is_none_or(|v| matches!(serde_json::from_slice::<Value>(v), Ok(Value::Object(_))));
    let status_prefixes = ["status-connector-", "status-task-", "status-topic-"];
    let config_prefixes = ["connector-", "task-", "commit-", "target-state-"];
    if status_prefixes.iter().any(|p| key.starts_with(p)) && value_is_state {
        return Some(ConnectTopic::Status);
    }
    if (key == SESSION_KEY || config_prefixes.iter().any(|p| key.starts_with(p))) && value_is_state
    {
        return Some(ConnectTopic::Config);
    }
    let offsets_key = match serde_json::from_str::<Value>(key) {
        Ok(Value::Array(parts)) => parts.len() == 2 && parts[0].is_string() && parts[1].is_object(),
        _ => false,
    };
    offsets_key.then_some(ConnectTopic::Offsets)
}

/// Why the record browser does not show `topic`.
pub(crate) fn refusal(topic: &str, kind: ConnectTopic) -> String {
    format!(
        "`{topic}` is a Kafka Connect {} topic: it holds connectors' configs and secrets in clear, \
         so the record browser does not show it (an admin may turn on a masked view with \
         `[access] internal_topics = \"masked\"`)",
        kind.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &str, value: Option<&str>) -> RawRecord {
        RawRecord {
            partition: 0,
            offset: 0,
            timestamp_ms: None,
            key: Some(key.as_bytes().to_vec()),
            value: value.map(|v| v.as_bytes().to_vec()),
            headers: Vec::new(),
        }
    }

    #[test]
    fn connects_records_are_recognised_by_their_keys_under_any_topic_name() {
        let cases = [
            (
                "connector-orders",
                Some(r#"{"properties":{"a":"b"}}"#),
                Some(ConnectTopic::Config),
            ),
            (
                "task-orders-0",
                Some(r#"{"properties":{}}"#),
                Some(ConnectTopic::Config),
            ),
            (
                "commit-orders",
                Some(r#"{"tasks":1}"#),
                Some(ConnectTopic::Config),
            ),
            (
                "target-state-orders",
                Some(r#"{"state":"STOPPED"}"#),
                Some(ConnectTopic::Config),
            ),
            (
                "session-key",
                Some(r#"{"key":"AAAA","algorithm":"HmacSHA256"}"#),
                Some(ConnectTopic::Config),
            ),
            ("connector-deleted", None, Some(ConnectTopic::Config)),
            (
                "status-task-orders-0",
                Some(r#"{"state":"RUNNING"}"#),
                Some(ConnectTopic::Status),
            ),
            (
                r#"["orders",{"filename":"/x"}]"#,
                Some(r#"{"position":3}"#),
                Some(ConnectTopic::Offsets),
            ),
            ("connector-fan", Some("plain text"), None),
            ("task-1", Some("42"), None),
            ("orders", Some(r#"{"properties":{}}"#), None),
            (r#"["a","b"]"#, None, None),
        ];
        for (key, value, expected) in cases {
            assert_eq!(kind_of(&record(key, value)), expected, "{key}");
        }
    }

    #[test]
    fn configured_names_and_connects_defaults_are_known_by_name() {
        let mut cluster = crate::config::validate_clusters(vec![crate::config::ClusterFile {
            id: "a".into(),
            name: None,
            urls: vec!["http://a:8083".into()],
            bootstrap_servers: None,
            kafka: None,
            read_only: false,
            auth: None,
            tls: None,
            kafka_properties: Default::default(),
            sink_group_pattern: None,
            internal_topics: Default::default(),
            max_concurrent_calls: None,
            max_calls_per_second: None,
        }])
        .unwrap();
        assert_eq!(
            by_name(&cluster, "connect-configs"),
            Some(ConnectTopic::Config)
        );
        cluster[0].internal_topics.config = "team-a-configs".into();
        assert_eq!(
            by_name(&cluster, "team-a-configs"),
            Some(ConnectTopic::Config)
        );
        assert_eq!(
            by_name(&cluster, "connect-status"),
            Some(ConnectTopic::Status)
        );
        assert_eq!(by_name(&cluster, "orders"), None);
    }
}
