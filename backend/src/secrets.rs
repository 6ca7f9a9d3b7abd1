//! Secrets kept out of answers. Values of PASSWORD-type settings (as the plugin declares them)
//! and of secret-looking keys become [`PLACEHOLDER`] in every config Plugboard answers with,
//! through its own API and through the passthrough; an edit that sends the placeholder back
//! keeps the stored value, so nobody retypes a secret. `${provider:path:key}` references are
//! not secrets and stay as written.

use std::collections::{BTreeMap, HashMap, HashSet};

use axum::http::Method;
use serde_json::{Map, Value};

use crate::connect::ClusterClient;
use crate::error::ApiError;
use crate::history::History;

/// What a hidden value reads as: Connect's own rendering of a PASSWORD value.
pub const PLACEHOLDER: &str = "[hidden]";

/// Words that mark a key as holding a secret wherever they appear in it.
const SECRET_WORDS: [&str; 5] = ["password", "secret", "token", "credential", "jaas"];

/// Whether `key` looks like it holds a secret: it names a password, secret, token, credentials
/// or JAAS config, or its last part is `key` (`api.key`, `aws.secret.key`, but not `key.converter`).
pub fn looks_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let last_part = lower.rsplit(['.', '_', '-']).next().unwrap_or_default();
    SECRET_WORDS.iter().any(|word| lower.contains(word)) || last_part == "key"
}

/// Whether the value of `key` is kept from view: a secret key (declared PASSWORD or looking
/// secret) holding something other than nothing or a config provider reference.
pub fn hides(key: &str, value: &str, declared: &HashSet<String>) -> bool {
    let reference = value.starts_with("${") && value.ends_with('}');
    (declared.contains(key) || looks_secret(key)) && !value.is_empty() && !reference
}

/// Replaces the secret values of `config` with the placeholder.
pub fn mask(config: &mut BTreeMap<String, String>, declared: &HashSet<String>) {
    for (key, value) in config.iter_mut() {
        if hides(key, value, declared) {
            *value = PLACEHOLDER.to_owned();
        }
    }
}

fn mask_json(config: &mut Map<String, Value>, declared: &HashSet<String>) {
    for (key, value) in config.iter_mut() {
        if value.as_str().is_some_and(|v| hides(key, v, declared)) {
            *value = Value::String(PLACEHOLDER.to_owned());
        }
    }
}

/// The value to send for `key` instead of the placeholder: the stored one. A placeholder with
/// nothing stored under its key (a new connector, a clone, a key not set before) is refused,
/// since sending it on would make the placeholder the secret.
fn stored_value(key: &str, stored: Option<&BTreeMap<String, String>>) -> Result<String, ApiError> {
    stored.and_then(|s| s.get(key)).cloned().ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`{key}` holds the placeholder {PLACEHOLDER} but no value is stored for it; type the value"
        ))
    })
}

/// A config's values as `(key, value)` pairs that can be changed in place.
pub type Values<'a> = Vec<(&'a String, &'a mut String)>;

/// Puts the stored value back wherever a value is the placeholder.
pub fn restore(
    values: Values<'_>,
    stored: Option<&BTreeMap<String, String>>,
) -> Result<(), ApiError> {
    for (key, value) in values {
        if value == PLACEHOLDER {
            *value = stored_value(key, stored)?;
        }
    }
    Ok(())
}

/// [`restore`] from the config connector `name` has on the workers now, asked of Connect only
/// when a value is the placeholder.
pub async fn restore_live(
    client: &ClusterClient,
    name: &str,
    values: Values<'_>,
) -> Result<(), ApiError> {
    if !values.iter().any(|(_, v)| *v == PLACEHOLDER) {
        return Ok(());
    }
    let stored = crate::history::live_config(client, name).await;
    restore(values, stored.as_ref())
}

/// [`restore_live`] for a config as JSON (the passthrough's bodies).
pub async fn restore_live_json(
    client: &ClusterClient,
    name: Option<&str>,
    config: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    if !config.values().any(|v| v.as_str() == Some(PLACEHOLDER)) {
        return Ok(());
    }
    let stored = match name {
        Some(name) => crate::history::live_config(client, name).await,
        None => None,
    };
    for (key, value) in config.iter_mut() {
        if value.as_str() == Some(PLACEHOLDER) {
            *value = Value::String(stored_value(key, stored.as_ref())?);
        }
    }
    Ok(())
}

/// The configs inside Connect's answer to `method` on the worker path `segments`.
fn configs_in<'a>(
    method: &Method,
    segments: &[&str],
    body: &'a mut Value,
) -> Vec<&'a mut Map<String, Value>> {
    let get = method == Method::GET;
    match segments {
        // `?expand=info`: name → {info: {config}}.
        ["connectors"] if get => body
            .as_object_mut()
            .into_iter()
            .flat_map(|all| all.values_mut())
            .filter_map(|c| c.get_mut("info")?.get_mut("config")?.as_object_mut())
            .collect(),
        ["connectors", _, "config"] if get => body.as_object_mut().into_iter().collect(),
        // The connector's info: GET of the connector, and the answers to create and update.
        ["connectors"] | ["connectors", _] | ["connectors", _, "config"] => body
            .get_mut("config")
            .and_then(Value::as_object_mut)
            .into_iter()
            .collect(),
        ["connectors", _, "tasks"] => body
            .as_array_mut()
            .into_iter()
            .flatten()
            .filter_map(|t| t.get_mut("config")?.as_object_mut())
            .collect(),
        ["connectors", _, "tasks-config"] => body
            .as_object_mut()
            .into_iter()
            .flat_map(|all| all.values_mut())
            .filter_map(Value::as_object_mut)
            .collect(),
        _ => Vec::new(),
    }
}

/// Hides the secrets in Connect's JSON answer to `method` on the worker path `segments`
/// (still percent-encoded): connector configs, task configs and validation echoes.
pub async fn mask_answer(
    history: &History,
    client: &ClusterClient,
    method: &Method,
    segments: &[&str],
    body: &mut Value,
) {
    if let ["connector-plugins", plugin, "config", "validate"] = segments {
        let plugin = crate::connect::paths::decode_segment(plugin);
        let declared = history.password_keys(client, Some(&plugin)).await;
        mask_validation(body, &declared);
        return;
    }
    let mut configs = configs_in(method, segments, body);
    let classes: HashSet<String> = configs
        .iter()
        .filter_map(|c| c.get("connector.class")?.as_str().map(str::to_owned))
        .collect();
    let mut declared: HashMap<String, HashSet<String>> = HashMap::new();
    for class in classes {
        let keys = history.password_keys(client, Some(&class)).await;
        declared.insert(class, keys);
    }
    let none = HashSet::new();
    for config in &mut configs {
        let class = config.get("connector.class").and_then(Value::as_str);
        let keys = class.and_then(|c| declared.get(c)).unwrap_or(&none);
        mask_json(config, keys);
    }
}

/// The `value` entries of a validate answer: `{"configs": [{"value": {"name", "value"}}]}`.
pub fn mask_validation(body: &mut Value, declared: &HashSet<String>) {
    let entries = body
        .get_mut("configs")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get_mut("value"));
    for entry in entries {
        let name = entry["name"].as_str().unwrap_or_default().to_owned();
        let value = entry.get_mut("value");
        if let Some(value) = value.filter(|v| v.as_str().is_some_and(|v| hides(&name, v, declared)))
        {
            *value = Value::String(PLACEHOLDER.to_owned());
        }
    }
}

#[cfg(test)]
mod tests;
