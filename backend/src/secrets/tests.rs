//! Unit tests of which values are hidden, how answers are masked and placeholders restored.

use super::answer::{configs_in, mask_json};
use super::*;
use axum::http::Method;
use plugboard_connect::ConnectCall;
use plugboard_connect::call::parse::parse;
use serde_json::{Value, json};

#[test]
fn configs_are_found_in_every_answer_shape_that_carries_one() {
    let config = || json!({"connection.password": "hunter2", "topics": "t"});
    let cases = [
        (
            Method::GET,
            "/connectors?expand=info",
            json!({"a": {"info": {"config": config()}, "status": {}}}),
        ),
        (
            Method::GET,
            "/connectors/a",
            json!({"name": "a", "config": config(), "tasks": []}),
        ),
        (
            Method::POST,
            "/connectors",
            json!({"name": "a", "config": config()}),
        ),
        (
            Method::PUT,
            "/connectors/a/config",
            json!({"name": "a", "config": config()}),
        ),
        (Method::GET, "/connectors/a/config", config()),
        (
            Method::GET,
            "/connectors/a/tasks",
            json!([{"id": {}, "config": config()}]),
        ),
        (
            Method::GET,
            "/connectors/a/tasks-config",
            json!({"a-0": config()}),
        ),
    ];
    for (method, path, mut body) in cases {
        let (path, query) = path
            .split_once('?')
            .map_or((path, None), |(p, q)| (p, Some(q)));
        let call = parse(&method, path, query).unwrap();
        let found = configs_in(&call, &mut body);
        assert_eq!(found.len(), 1, "{method} {path}");
        for config in found {
            mask_json(config, &HashSet::new());
        }
        let text = body.to_string();
        assert!(!text.contains("hunter2"), "{method} {path}: {text}");
        assert!(text.contains(PLACEHOLDER), "{text}");
    }
    let mut status = json!({"name": "a", "connector": {"state": "RUNNING"}});
    let status_call = ConnectCall::GetStatus(plugboard_connect::ConnectorName::new("a").unwrap());
    assert!(configs_in(&status_call, &mut status).is_empty());
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
fn a_placeholder_inside_a_uri_gets_the_stored_password_even_when_the_host_changed() {
    let stored = BTreeMap::from([(
        "connection.uri".to_owned(),
        "mongodb://app:s3cret@old-host/db".to_owned(),
    )]);
    let mut edited = BTreeMap::from([(
        "connection.uri".to_owned(),
        "mongodb://app:[hidden]@new-host/db".to_owned(),
    )]);
    restore(edited.iter_mut().collect(), Some(&stored)).unwrap();
    assert_eq!(edited["connection.uri"], "mongodb://app:s3cret@new-host/db");
}

#[test]
fn a_placeholder_with_nothing_stored_is_refused_with_the_key_named() {
    let mut clone = BTreeMap::from([("connection.password".to_owned(), PLACEHOLDER.to_owned())]);
    let error = restore(clone.iter_mut().collect(), None).unwrap_err();
    assert!(error.to_string().contains("connection.password"), "{error}");
}
