//! The masked view of Connect's own topics (`[access] internal_topics = "masked"`): each
//! record's `properties` map masked by the connector pages' key rules, with the PASSWORD keys
//! of its plugins asked of Connect; when Connect cannot describe every plugin, every value but
//! the plugins' names and a few framework keys is hidden. The workers' session key, any other
//! member whose name looks secret, and every value that is not whole JSON are hidden whole.
//! Nothing here depends on which secrets the process has seen.

use std::collections::BTreeMap;

use api_types::{KafkaRecord, Payload, RecordPage};
use serde_json::{Map, Value};

use super::internal::SESSION_KEY;
use crate::secrets::{PLACEHOLDER, keys, names};
use plugboard_connect::ClusterClient;

/// Keys shown when the PASSWORD keys of a config's plugins are not known.
const SHOWN_WHEN_UNSURE: [&str; 11] = [
    "name",
    "connector.class",
    "task.class",
    "tasks.max",
    "topics",
    "topics.regex",
    "key.converter",
    "value.converter",
    "header.converter",
    "transforms",
    "predicates",
];

/// Masks every record of `page` (read from one of Connect's topics).
pub(crate) async fn mask_page(client: &ClusterClient, page: &mut RecordPage) {
    for record in &mut page.records {
        mask_record(client, record).await;
    }
}

async fn mask_record(client: &ClusterClient, record: &mut KafkaRecord) {
    for header in &mut record.headers {
        if let Some(value) = &mut header.value {
            hide(value);
        }
    }
    let session = record
        .key
        .as_ref()
        .and_then(|k| k.text.as_deref())
        .is_some_and(|k| k == SESSION_KEY);
    if let Some(key) = &mut record.key
        && let Some(mut json) = whole_json(key)
    {
        mask_members(&mut json);
        key.text = Some(json.to_string());
    }
    let Some(value) = &mut record.value else {
        return;
    };
    let Some(mut json) = whole_json(value) else {
        hide(value);
        return;
    };
    if session {
        hide_session_key(&mut json);
    } else if let Some(properties) = json.get_mut("properties").and_then(Value::as_object_mut) {
        mask_properties(client, properties).await;
    }
    mask_members(&mut json);
    value.text = Some(json.to_string());
}

/// The payload as JSON, when it is text read whole.
fn whole_json(payload: &Payload) -> Option<Value> {
    let text = payload.text.as_deref().filter(|_| !payload.truncated)?;
    serde_json::from_str(text).ok()
}

/// The session key's record with everything but its algorithm and creation time hidden.
fn hide_session_key(json: &mut Value) {
    match json.as_object_mut() {
        Some(members) => {
            for (name, member) in members.iter_mut() {
                if !matches!(name.as_str(), "algorithm" | "creation-timestamp") {
                    *member = Value::String(PLACEHOLDER.into());
                }
            }
        }
        None => *json = Value::String(PLACEHOLDER.into()),
    }
}

fn hide(payload: &mut Payload) {
    payload.text = Some(PLACEHOLDER.into());
    payload.hex = None;
}

/// A connector's or task's config, masked as its connector page would show it.
async fn mask_properties(client: &ClusterClient, properties: &mut Map<String, Value>) {
    let config: BTreeMap<String, String> = properties
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect();
    let declared = client.declared_secret_keys_complete(&config).await;
    for (key, value) in properties.iter_mut() {
        let shown = match &declared {
            Some(declared) => keys::masked(key, &config[key], declared),
            None if shown_when_unsure(key) => keys::masked(key, &config[key], &Default::default()),
            None => Some(PLACEHOLDER.to_owned()),
        };
        if let Some(shown) = shown {
            *value = Value::String(shown);
        }
    }
}

fn shown_when_unsure(key: &str) -> bool {
    let plugin_type = (key.starts_with("transforms.") || key.starts_with("predicates."))
        && key.ends_with(".type");
    SHOWN_WHEN_UNSURE.contains(&key) || plugin_type
}

/// Every member of `json` whose name looks secret hidden, and the secrets inside every other
/// string (URI passwords, secret pairs...).
fn mask_members(json: &mut Value) {
    match json {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                match member {
                    Value::String(_) | Value::Number(_) if names::names_secret(name) => {
                        *member = Value::String(PLACEHOLDER.into());
                    }
                    _ => mask_members(member),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_members),
        Value::String(text) => {
            if let Some(shown) = keys::masked("", text, &Default::default()) {
                *text = shown;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_with_secret_names_and_secrets_inside_strings_are_hidden() {
        let mut json = serde_json::json!({
            "state": "FAILED",
            "trace": "connect to mongodb://app:pw-in-trace@db failed",
            "nested": [{"password": "p", "pin": 1234, "ok": "fine"}]
        });
        mask_members(&mut json);
        assert_eq!(
            json,
            serde_json::json!({
                "state": "FAILED",
                "trace": "connect to mongodb://app:[hidden]@db failed",
                "nested": [{"password": "[hidden]", "pin": 1234, "ok": "fine"}]
            })
        );
    }

    #[test]
    fn when_plugins_are_unknown_only_plugin_names_and_framework_keys_show() {
        for key in ["connector.class", "transforms.route.type", "topics", "name"] {
            assert!(shown_when_unsure(key), "{key}");
        }
        for key in ["db.credential.ref", "file", "transforms.route.replacement"] {
            assert!(!shown_when_unsure(key), "{key}");
        }
    }
}
