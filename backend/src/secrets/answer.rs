//! Where configs sit in Connect's answers, by the call that was made, and their secrets masked.
//! The configs of reads are connectors' live configs: their secret values are also learned,
//! to be scrubbed by value wherever else they turn up.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{PLACEHOLDER, keys, known};
use plugboard_connect::call::Expand;
use plugboard_connect::{ClusterClient, ConnectCall};

/// The configs inside Connect's answer to `call`.
pub fn configs_in<'a>(call: &ConnectCall, body: &'a mut Value) -> Vec<&'a mut Map<String, Value>> {
    use ConnectCall::*;
    match call {
        // `?expand=info`: name → {info: {config}}.
        ListConnectors { expand } if expand.contains(&Expand::Info) => body
            .as_object_mut()
            .into_iter()
            .flat_map(|all| all.values_mut())
            .filter_map(|c| c.get_mut("info")?.get_mut("config")?.as_object_mut())
            .collect(),
        GetConfig(_) => body.as_object_mut().into_iter().collect(),
        // The connector's info: GET of the connector, and the answers to create and update.
        GetConnector(_) | CreateConnector | PutConfig(_) | PatchConfig(_) => body
            .get_mut("config")
            .and_then(Value::as_object_mut)
            .into_iter()
            .collect(),
        GetTasks(_) => body
            .as_array_mut()
            .into_iter()
            .flatten()
            .filter_map(|t| t.get_mut("config")?.as_object_mut())
            .collect(),
        GetTasksConfig(_) => body
            .as_object_mut()
            .into_iter()
            .flat_map(|all| all.values_mut())
            .filter_map(Value::as_object_mut)
            .collect(),
        _ => Vec::new(),
    }
}

/// Hides the secrets in Connect's JSON answer to `call`: connector configs, task configs and
/// validation echoes.
pub async fn mask_answer(client: &ClusterClient, call: &ConnectCall, body: &mut Value) {
    if let ConnectCall::ValidateConfig(..) = call {
        let config = validated_config(body);
        let declared = client.declared_secret_keys_json(&config).await;
        mask_validation(body, &declared);
        return;
    }
    let learns = call.method() == axum::http::Method::GET;
    for config in configs_in(call, body) {
        let declared = client.declared_secret_keys_json(config).await;
        if learns {
            let strings = config
                .iter()
                .filter_map(|(k, v)| Some((k, v.as_str()?)))
                .flat_map(|(k, v)| keys::secret_parts(k, v, &declared))
                .map(str::to_owned)
                .collect::<Vec<_>>();
            known::learn(strings.iter().map(String::as_str));
        }
        mask_json(config, &declared);
    }
}

pub fn mask_json(config: &mut Map<String, Value>, declared: &HashSet<String>) {
    for (key, value) in config.iter_mut() {
        let shown = value.as_str().and_then(|v| keys::masked(key, v, declared));
        if let Some(shown) = shown {
            *value = Value::String(shown);
        }
    }
}

/// The config a validate answer echoes: `{"configs": [{"value": {"name", "value"}}]}`.
fn validated_config(body: &Value) -> Map<String, Value> {
    body["configs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let value = &c["value"];
            Some((value["name"].as_str()?.to_owned(), value["value"].clone()))
        })
        .collect()
}

/// The `value` entries of a validate answer, their secret parts hidden.
pub fn mask_validation(body: &mut Value, declared: &HashSet<String>) {
    let entries = body
        .get_mut("configs")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get_mut("value"));
    for entry in entries {
        let name = entry["name"].as_str().unwrap_or_default().to_owned();
        let shown = entry["value"]
            .as_str()
            .and_then(|v| keys::masked(&name, v, declared));
        if let Some(shown) = shown {
            entry["value"] = Value::String(shown);
        }
        // Recommended values of a secret key would be secrets too.
        let recommended = entry
            .get_mut("recommended_values")
            .and_then(Value::as_array_mut);
        if let Some(recommended) = recommended
            && (declared.contains(&name) || keys::looks_secret(&name))
        {
            recommended
                .iter_mut()
                .for_each(|v| *v = Value::String(PLACEHOLDER.into()));
        }
    }
}
