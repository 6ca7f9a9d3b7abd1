//! Unit tests of which values are hidden, how answers are masked and placeholders restored.

use super::*;
use serde_json::json;

#[test]
fn secret_looking_keys_are_recognised_and_ordinary_ones_are_not() {
    for key in [
        "connection.password",
        "aws.secret.key",
        "api.key",
        "sasl.jaas.config",
        "oauth.token.url",
        "gcp.credentials.json",
        "ssl.key.password",
        "private_key",
    ] {
        assert!(looks_secret(key), "{key}");
    }
    for key in [
        "key.converter",
        "topics",
        "key.ignore",
        "connection.url",
        "tasks.max",
        "keystore.type",
    ] {
        assert!(!looks_secret(key), "{key}");
    }
}

#[test]
fn empty_values_and_provider_references_are_not_hidden() {
    let declared = HashSet::from(["db.pass".to_owned()]);
    assert!(hides("db.pass", "s3cr3t", &declared));
    assert!(hides("connection.password", "hunter2", &declared));
    assert!(!hides("db.pass", "", &declared));
    assert!(!hides(
        "connection.password",
        "${file:/run/secrets:pw}",
        &declared
    ));
    assert!(!hides("topics", "orders", &declared));
}

#[test]
fn configs_are_found_in_every_answer_shape_that_carries_one() {
    let config = || json!({"connection.password": "hunter2", "topics": "t"});
    let cases = [
        (
            Method::GET,
            vec!["connectors"],
            json!({"a": {"info": {"config": config()}, "status": {}}}),
        ),
        (
            Method::GET,
            vec!["connectors", "a"],
            json!({"name": "a", "config": config(), "tasks": []}),
        ),
        (
            Method::POST,
            vec!["connectors"],
            json!({"name": "a", "config": config()}),
        ),
        (
            Method::PUT,
            vec!["connectors", "a", "config"],
            json!({"name": "a", "config": config()}),
        ),
        (Method::GET, vec!["connectors", "a", "config"], config()),
        (
            Method::GET,
            vec!["connectors", "a", "tasks"],
            json!([{"id": {}, "config": config()}]),
        ),
        (
            Method::GET,
            vec!["connectors", "a", "tasks-config"],
            json!({"a-0": config()}),
        ),
    ];
    for (method, segments, mut body) in cases {
        let found = configs_in(&method, &segments, &mut body);
        assert_eq!(found.len(), 1, "{method} {segments:?}");
        for config in found {
            mask_json(config, &HashSet::new());
        }
        let text = body.to_string();
        assert!(!text.contains("hunter2"), "{method} {segments:?}: {text}");
        assert!(text.contains(PLACEHOLDER), "{text}");
    }
    let mut status = json!({"name": "a", "connector": {"state": "RUNNING"}});
    assert!(configs_in(&Method::GET, &["connectors", "a", "status"], &mut status).is_empty());
}

#[test]
fn validation_echoes_hide_secret_values_only() {
    let mut answer = json!({"configs": [
        {"definition": {}, "value": {"name": "connection.password", "value": "hunter2", "errors": []}},
        {"definition": {}, "value": {"name": "topics", "value": "orders", "errors": []}},
        {"definition": {}, "value": {"name": "api.key", "value": null, "errors": []}}
    ]});
    mask_validation(&mut answer, &HashSet::new());
    assert_eq!(answer["configs"][0]["value"]["value"], PLACEHOLDER);
    assert_eq!(answer["configs"][1]["value"]["value"], "orders");
    assert_eq!(answer["configs"][2]["value"]["value"], Value::Null);
}

#[test]
fn a_placeholder_sent_back_gets_the_stored_value_and_a_new_value_replaces_it() {
    let stored = BTreeMap::from([("connection.password".to_owned(), "hunter2".to_owned())]);
    let mut kept = BTreeMap::from([
        ("connection.password".to_owned(), PLACEHOLDER.to_owned()),
        ("topics".to_owned(), "t".to_owned()),
    ]);
    restore(kept.iter_mut().collect(), Some(&stored)).unwrap();
    assert_eq!(kept["connection.password"], "hunter2");

    let mut replaced = BTreeMap::from([("connection.password".to_owned(), "new".to_owned())]);
    restore(replaced.iter_mut().collect(), Some(&stored)).unwrap();
    assert_eq!(replaced["connection.password"], "new");
}

#[test]
fn a_placeholder_with_nothing_stored_is_refused_with_the_key_named() {
    let mut clone = BTreeMap::from([("connection.password".to_owned(), PLACEHOLDER.to_owned())]);
    let error = restore(clone.iter_mut().collect(), None).unwrap_err();
    assert!(error.to_string().contains("connection.password"), "{error}");
}
