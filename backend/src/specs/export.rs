//! A live connector as a spec: its config without Connect's bookkeeping keys, each secret
//! replaced by an `${env:...}` reference named after the connector and key, and its state.

use std::collections::{BTreeMap, HashSet};

use api_types::{ConnectorSpec, ConnectorState, DesiredState};

use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::secrets::keys::secret_ranges;
use plugboard_connect::{ClusterClient, Freshness};

/// The specs of `client`'s connectors (or of the one named `only`), by name.
pub(crate) async fn export(
    client: &ClusterClient,
    only: Option<&str>,
) -> Result<Vec<ConnectorSpec>, ApiError> {
    let live = client.live_connectors(Freshness::Now).await?;
    let mut specs = Vec::new();
    for (name, connector) in live
        .iter()
        .filter(|(name, _)| only.is_none_or(|o| o == *name))
    {
        let declared = client.declared_secret_keys(&connector.config).await;
        specs.push(spec_of(
            client.id(),
            name,
            &connector.config,
            connector.state,
            &declared,
        ));
    }
    if let Some(name) = only
        && specs.is_empty()
    {
        return Err(ApiError::NotFound(format!(
            "no connector `{name}` on cluster `{}`",
            client.id()
        )));
    }
    Ok(specs)
}

/// The spec that describes a connector as it is now; no secret value is in it.
pub(crate) fn spec_of(
    cluster: &str,
    name: &str,
    config: &BTreeMap<String, String>,
    state: Option<ConnectorState>,
    declared: &HashSet<String>,
) -> ConnectorSpec {
    let config = config
        .iter()
        .filter(|(key, _)| *key != "name" && !key.starts_with("__internal."))
        .map(|(key, value)| (key.clone(), without_secrets(name, key, value, declared)))
        .collect();
    ConnectorSpec {
        cluster: cluster.to_owned(),
        name: name.to_owned(),
        state: desired(state),
        labels: BTreeMap::new(),
        config,
    }
}

/// What a spec asks for to keep a connector in `state`: a failed or unassigned connector is
/// one meant to run.
pub(crate) fn desired(state: Option<ConnectorState>) -> DesiredState {
    match state {
        Some(ConnectorState::Paused) => DesiredState::Paused,
        Some(ConnectorState::Stopped) => DesiredState::Stopped,
        _ => DesiredState::Running,
    }
}

fn without_secrets(connector: &str, key: &str, value: &str, declared: &HashSet<String>) -> String {
    let ranges = secret_ranges(key, value, declared);
    let mut written = String::with_capacity(value.len());
    let mut at = 0;
    for (index, range) in ranges.into_iter().enumerate() {
        written.push_str(&value[at..range.start]);
        let suffix = if index == 0 {
            String::new()
        } else {
            format!("_{}", index + 1)
        };
        written.push_str(&format!(
            "${{env:{}{suffix}}}",
            variable_name(connector, key)
        ));
        at = range.end;
    }
    written.push_str(&value[at..]);
    written
}

/// `orders-sink` and `connection.password` → `ORDERS_SINK__CONNECTION_PASSWORD`.
pub(crate) fn variable_name(connector: &str, key: &str) -> String {
    let part = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("{}__{}", part(connector), part(key))
}

/// A file name for a spec: the connector's name where it is safe in a path, else that with
/// the unsafe characters replaced and a short hash of the real name, so no two names collide.
pub(crate) fn file_name(spec: &ConnectorSpec) -> String {
    let safe: String = spec
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe == spec.name && !safe.starts_with('.') {
        return format!("{}.json", spec.name);
    }
    let digest = Sha256::digest(spec.name.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{hash}.json", safe.trim_start_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::config;

    #[test]
    fn secrets_become_env_references_and_bookkeeping_keys_go() {
        let live = config(&[
            ("name", "orders sink"),
            ("__internal.x", "1"),
            ("connection.password", "hunter2"),
            ("connection.uri", "mongodb://app:pw-in-uri@db/x"),
            ("provided", "${file:/etc/secrets.properties:pw}"),
            ("topics", "orders"),
        ]);

        let spec = spec_of(
            "prod",
            "orders sink",
            &live,
            Some(ConnectorState::Paused),
            &HashSet::new(),
        );

        assert_eq!(spec.state, DesiredState::Paused);
        let shown = serde_json::to_string(&spec).unwrap();
        assert!(
            !shown.contains("hunter2") && !shown.contains("pw-in-uri"),
            "{shown}"
        );
        assert_eq!(
            spec.config["connection.password"],
            "${env:ORDERS_SINK__CONNECTION_PASSWORD}"
        );
        assert_eq!(
            spec.config["connection.uri"],
            "mongodb://app:${env:ORDERS_SINK__CONNECTION_URI}@db/x"
        );
        assert_eq!(
            spec.config["provided"],
            "${file:/etc/secrets.properties:pw}"
        );
        assert_eq!(spec.config["topics"], "orders");
        assert!(!spec.config.contains_key("name") && !spec.config.contains_key("__internal.x"));
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        let spec = |name: &str| spec_of("c", name, &BTreeMap::new(), None, &HashSet::new());
        assert_eq!(file_name(&spec("orders-sink")), "orders-sink.json");
        let slashed = file_name(&spec("a/b"));
        let spaced = file_name(&spec("a b"));
        assert!(slashed.starts_with("a_b-") && spaced.starts_with("a_b-"));
        assert_ne!(slashed, spaced);
        assert!(!file_name(&spec("..")).starts_with('.'));
    }
}
