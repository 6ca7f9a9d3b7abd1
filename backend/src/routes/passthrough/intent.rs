//! What a change sent through the passthrough is, read from Connect's own paths, so that curl
//! scripts leave the same history as the console.

use std::collections::BTreeMap;

use axum::http::Method;
use serde_json::{Value, json};

use crate::connect::paths::decode_segment;
use crate::history::{Intent, Source};

/// The history intent of a changing request; `segments` are the path's (still encoded) parts.
pub fn intent_of(method: &Method, segments: &[&str], query: &str, body: &[u8]) -> Intent {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let flag = |name: &str| {
        query
            .split('&')
            .any(|pair| pair.eq_ignore_ascii_case(&format!("{name}=true")))
    };
    let named = |name: &str, action: &str| (Some(decode_segment(name)), action.to_owned());
    let mut intent = Intent {
        source: Source::Passthrough,
        connector: None,
        action: String::new(),
        detail: None,
        config: None,
        reason: None,
        actor: None,
    };
    (intent.connector, intent.action) = match (method.as_str(), segments) {
        ("POST", ["connectors"]) => {
            intent.config = as_config(&json["config"]);
            (
                json["name"].as_str().map(str::to_owned),
                "create".to_owned(),
            )
        }
        ("PUT", ["connectors", name, "config"]) => {
            intent.config = as_config(&json);
            named(name, "update")
        }
        ("PATCH", ["connectors", name, "config"]) => {
            intent.config = as_config(&json);
            named(name, "patch")
        }
        ("DELETE", ["connectors", name]) => named(name, "delete"),
        ("PUT", ["connectors", name, action @ ("pause" | "resume" | "stop")]) => {
            named(name, action)
        }
        ("POST", ["connectors", name, "restart"]) => {
            let flags =
                json!({ "include_tasks": flag("includeTasks"), "only_failed": flag("onlyFailed") });
            intent.detail = Some(flags);
            named(name, "restart")
        }
        ("POST", ["connectors", name, "tasks", task, "restart"]) => {
            intent.detail = Some(json!({ "task": task }));
            named(name, "task_restart")
        }
        ("PATCH", ["connectors", name, "offsets"]) => {
            intent.detail = Some(json.clone());
            named(name, "offsets_alter")
        }
        ("DELETE", ["connectors", name, "offsets"]) => named(name, "offsets_reset"),
        ("PUT", ["connectors", name, "topics", "reset"]) => named(name, "topics_reset"),
        ("PUT", ["admin", "loggers", logger]) => {
            let detail =
                json!({ "logger": decode_segment(logger), "level": json["level"], "query": query });
            intent.detail = Some(detail);
            (None, "logger_change".to_owned())
        }
        _ => {
            intent.detail = Some(json!({ "method": method.as_str(), "path": segments.join("/") }));
            (None, "request".to_owned())
        }
    };
    intent
}

/// A JSON object of strings as a config; `null` values mean "remove" (KIP-477 patch).
fn as_config(value: &Value) -> Option<BTreeMap<String, Option<String>>> {
    value.as_object().map(|map| {
        map.iter()
            .map(|(k, v)| (k.clone(), v.as_str().map(str::to_owned)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_paths_map_to_history_actions_with_decoded_names() {
        let cases = [
            (Method::PUT, vec!["connectors", "a%2Fb", "pause"], "pause"),
            (Method::DELETE, vec!["connectors", "a%2Fb"], "delete"),
            (
                Method::POST,
                vec!["connectors", "a%2Fb", "tasks", "0", "restart"],
                "task_restart",
            ),
            (
                Method::DELETE,
                vec!["connectors", "a%2Fb", "offsets"],
                "offsets_reset",
            ),
            (
                Method::PUT,
                vec!["connectors", "a%2Fb", "topics", "reset"],
                "topics_reset",
            ),
        ];
        for (method, segments, action) in cases {
            let intent = intent_of(&method, &segments, "", b"");
            assert_eq!(intent.action, action);
            assert_eq!(intent.connector.as_deref(), Some("a/b"));
        }
    }

    #[test]
    fn create_takes_name_and_config_from_the_body_and_restart_its_flags() {
        let create = intent_of(
            &Method::POST,
            &["connectors"],
            "",
            br#"{"name":"s","config":{"topics":"t"}}"#,
        );
        let restart = intent_of(
            &Method::POST,
            &["connectors", "s", "restart"],
            "includeTasks=true",
            b"",
        );

        assert_eq!(
            (create.action.as_str(), create.connector.as_deref()),
            ("create", Some("s"))
        );
        assert_eq!(create.config.unwrap()["topics"].as_deref(), Some("t"));
        assert_eq!(
            restart.detail.unwrap(),
            json!({"include_tasks": true, "only_failed": false})
        );
    }
}
