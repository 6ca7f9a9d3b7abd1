//! What a change sent through the passthrough is, read from its [`ConnectCall`] and body, so
//! that curl scripts leave the same history as the console.

use std::collections::BTreeMap;

use api_types::Source;
use serde_json::Value;

use crate::history::Intent;
use plugboard_connect::ConnectCall;

/// The history intent of `call` with `body`, or `None` when the call changes nothing.
pub(super) fn intent_of(call: &ConnectCall, body: &[u8]) -> Option<Intent> {
    let mut intent = Intent::of(call, Source::Passthrough)?;
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match call {
        ConnectCall::CreateConnector => {
            intent.connector = json["name"].as_str().map(str::to_owned);
            intent.config = as_config(&json["config"]);
        }
        ConnectCall::PutConfig(_) | ConnectCall::PatchConfig(_) => {
            intent.config = as_config(&json);
        }
        ConnectCall::AlterOffsets(_) => intent.detail = Some(json),
        ConnectCall::SetLogger(..) => {
            if let Some(Value::Object(detail)) = &mut intent.detail {
                detail.insert("level".into(), json["level"].clone());
            }
        }
        _ => {}
    }
    Some(intent)
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
    use api_types::Action;
    use axum::http::Method;
    use serde_json::json;

    use super::*;
    use plugboard_connect::call::parse::parse;

    fn intent(method: &Method, path: &str, query: Option<&str>, body: &[u8]) -> Option<Intent> {
        intent_of(&parse(method, path, query).unwrap(), body)
    }

    #[test]
    fn connect_paths_map_to_history_actions_with_decoded_names() {
        let cases = [
            (Method::PUT, "/connectors/a%2Fb/pause", Action::Pause),
            (Method::DELETE, "/connectors/a%2Fb", Action::Delete),
            (
                Method::POST,
                "/connectors/a%2Fb/tasks/0/restart",
                Action::TaskRestart,
            ),
            (
                Method::DELETE,
                "/connectors/a%2Fb/offsets",
                Action::OffsetsReset,
            ),
            (
                Method::PUT,
                "/connectors/a%2Fb/topics/reset",
                Action::TopicsReset,
            ),
        ];
        for (method, path, action) in cases {
            let intent = intent(&method, path, None, b"").unwrap();
            assert_eq!(intent.action, action);
            assert_eq!(intent.connector.as_deref(), Some("a/b"));
        }
        assert!(intent(&Method::GET, "/connectors/a/config", None, b"").is_none());
    }

    #[test]
    fn create_takes_name_and_config_from_the_body_and_restart_its_flags() {
        let create = intent(
            &Method::POST,
            "/connectors",
            None,
            br#"{"name":"s","config":{"topics":"t"}}"#,
        )
        .unwrap();
        let restart = intent(
            &Method::POST,
            "/connectors/s/restart",
            Some("includeTasks=true"),
            b"",
        )
        .unwrap();
        let logger = intent(
            &Method::PUT,
            "/admin/loggers/root",
            Some("scope=cluster"),
            br#"{"level":"DEBUG"}"#,
        )
        .unwrap();

        assert_eq!(
            (create.action, create.connector.as_deref()),
            (Action::Create, Some("s"))
        );
        assert_eq!(create.config.unwrap()["topics"].as_deref(), Some("t"));
        assert_eq!(
            restart.detail.unwrap(),
            json!({"include_tasks": true, "only_failed": false})
        );
        assert_eq!(
            logger.detail.unwrap(),
            json!({"logger": "root", "scope": "cluster", "level": "DEBUG"})
        );
    }
}
