//! Secrets kept out of everything that leaves Plugboard.
//!
//! By key: values of PASSWORD-type settings (as the connector, converter, transform and
//! predicate plugins declare them), of secret-looking keys, and the secrets inside any value
//! (URI passwords, secret pairs of query and connection strings, JSON members, credential
//! headers, PEM private keys) become [`PLACEHOLDER`] in every config Plugboard answers with,
//! through its own API and the passthrough; an edit that sends the placeholder back keeps the
//! stored value, so nobody retypes a secret. A value that is exactly one
//! `${provider:path:key}` reference is no secret and stays as written.
//!
//! By value: every secret value Plugboard has seen is scrubbed from every answer, history
//! row, webhook and log line ([`known`]); and configs Connect prints into its texts are masked
//! by key there, however short their values ([`printed`]).
//!
//! - [`names`]: which names mark a secret.
//! - [`shapes`]: the secrets inside a value, whatever its key.
//! - [`keys`]: which parts of which values are secret.
//! - [`printed`]: configs printed in Connect's texts, masked by key.
//! - [`answer`]: where configs sit in Connect's answers, masked.
//! - [`known`]: the secret values known, and scrubbing by value.
//! - [`layer`]: scrubbing every answer and log line on its way out.

pub mod answer;
pub mod keys;
pub mod known;
pub mod layer;
pub mod names;
pub mod printed;
pub mod shapes;

use std::collections::{BTreeMap, HashSet};

use crate::config::{Cluster, ClusterAuth, DatabaseCredentials, KafkaCluster, SourceDatabase};
use crate::error::ApiError;
pub use answer::{mask_answer, mask_validation};
pub use keys::{hides, looks_secret};
use plugboard_connect::{ClusterClient, ConnectorName};

/// What a hidden value reads as: Connect's own rendering of a PASSWORD value.
pub const PLACEHOLDER: &str = "[hidden]";

/// Replaces the secret parts of `config`'s values with the placeholder.
pub fn mask(config: &mut BTreeMap<String, String>, declared: &HashSet<String>) {
    for (key, value) in config.iter_mut() {
        if let Some(shown) = keys::masked(key, value, declared) {
            *value = shown;
        }
    }
}

/// Remembers the secret values of a live config for the life of the process, so they are
/// scrubbed from whatever else might carry them (Connect's error messages, traces, logs).
pub fn learn_config<'a>(
    config: impl IntoIterator<Item = (&'a String, &'a String)>,
    declared: &HashSet<String>,
) {
    known::learn(
        config
            .into_iter()
            .flat_map(|(key, value)| keys::secret_parts(key, value, declared)),
    );
}

/// Makes a cluster's own credentials (its REST API password or token, its Kafka client
/// settings) known secrets, so they are scrubbed from everything that leaves Plugboard, should
/// any error ever carry them.
pub fn learn_cluster_credentials(cluster: &Cluster) {
    let auth = match &cluster.auth {
        Some(ClusterAuth::Basic { password, .. }) => Some(password.as_str()),
        Some(ClusterAuth::Bearer { token }) => Some(token.as_str()),
        None => None,
    };
    known::learn(auth);
    learn_config(&cluster.kafka_properties, &HashSet::new());
}

/// Makes a Kafka cluster's client settings (SASL passwords, key passwords) known secrets,
/// whether or not a Connect cluster runs on it.
pub fn learn_kafka_credentials(kafka: &KafkaCluster) {
    learn_config(&kafka.properties, &HashSet::new());
}

/// Makes a source database's monitoring password a known secret.
pub fn learn_database_credentials(database: &SourceDatabase) {
    if let DatabaseCredentials::Monitoring { password, .. } = &database.credentials {
        known::learn(Some(password.as_str()));
    }
}

/// Makes the password in Plugboard's own PostgreSQL URL a known secret.
pub fn learn_store_password(location: &crate::db::DatabaseLocation) {
    known::learn(location.password().as_deref());
}

/// Whether any of `values` holds the placeholder.
pub fn holds_placeholder<'a>(mut values: impl Iterator<Item = &'a str>) -> bool {
    values.any(|v| v.contains(PLACEHOLDER))
}

/// A config's values as `(key, value)` pairs that can be changed in place.
pub type Values<'a> = Vec<(&'a String, &'a mut String)>;

/// Puts the stored value back wherever a value holds the placeholder: the whole stored value
/// for a placeholder alone, the stored URI passwords for placeholders inside a URI. A
/// placeholder with nothing stored to stand for (a new connector, a clone, a key not set
/// before) is refused, since sending it on would make the placeholder the secret.
pub fn restore(
    values: Values<'_>,
    stored: Option<&BTreeMap<String, String>>,
) -> Result<(), ApiError> {
    for (key, value) in values {
        if value.contains(PLACEHOLDER) {
            *value = restored_value(key, value, stored)?;
        }
    }
    Ok(())
}

fn restored_value(
    key: &str,
    sent: &str,
    stored: Option<&BTreeMap<String, String>>,
) -> Result<String, ApiError> {
    let refused = || {
        ApiError::BadRequest(format!(
            "`{key}` holds the placeholder {PLACEHOLDER} but no value is stored for it; type the value"
        ))
    };
    let stored = stored.and_then(|s| s.get(key)).ok_or_else(refused)?;
    if sent == PLACEHOLDER {
        return Ok(stored.clone());
    }
    let passwords = keys::secret_parts(key, stored, &HashSet::new());
    let pieces: Vec<&str> = sent.split(PLACEHOLDER).collect();
    if pieces.len() != passwords.len() + 1 {
        return Err(refused());
    }
    let mut restored = pieces[0].to_owned();
    for (password, piece) in passwords.iter().zip(&pieces[1..]) {
        restored.push_str(password);
        restored.push_str(piece);
    }
    Ok(restored)
}

/// [`restore`] from the config connector `name` has on the workers now (asked of Connect only
/// when a value holds the placeholder; no name means nothing is stored). The secret values of
/// the result are then noted for this request, so Connect echoing them back is scrubbed.
pub async fn restore_stored(
    client: &ClusterClient,
    name: Option<&ConnectorName>,
    values: Values<'_>,
) -> Result<(), ApiError> {
    let stored = match name {
        Some(name) if holds_placeholder(values.iter().map(|(_, v)| v.as_str())) => {
            client.live_config(name).await
        }
        _ => None,
    };
    let mut config = stored.clone().unwrap_or_default();
    for (key, value) in values {
        if value.contains(PLACEHOLDER) {
            *value = restored_value(key, value, stored.as_ref())?;
        }
        config.insert(key.clone(), value.clone());
    }
    let declared = client.declared_secret_keys(&config).await;
    known::note_for_request(
        config
            .iter()
            .flat_map(|(key, value)| keys::secret_parts(key, value, &declared)),
    );
    Ok(())
}

/// [`restore_stored`] for an existing connector.
pub async fn restore_live(
    client: &ClusterClient,
    name: &ConnectorName,
    values: Values<'_>,
) -> Result<(), ApiError> {
    restore_stored(client, Some(name), values).await
}

#[cfg(test)]
mod tests;
