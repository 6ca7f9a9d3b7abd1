use super::*;
use crate::test_support::config;

fn expected(pairs: &[(&str, &str)], definitions: Definitions) -> Expected {
    let written = config(pairs);
    let wanted = written
        .iter()
        .map(|(k, v)| (k.clone(), Wanted::Value(v.clone())))
        .collect();
    Expected {
        written,
        wanted,
        definitions,
    }
}

fn keys(changes: &[ConfigChange]) -> Vec<&str> {
    changes.iter().map(|c| c.key.as_str()).collect()
}

fn plain(_: &str, value: &str) -> String {
    value.to_owned()
}

#[test]
fn connect_bookkeeping_defaults_list_spacing_and_order_are_no_difference() {
    let definitions = Definitions {
        defaults: config(&[("tasks.max", "1"), ("errors.tolerance", "none")])
            .into_iter()
            .collect(),
        lists: BTreeSet::from(["topics".to_owned()]),
    };
    let spec = expected(
        &[
            ("connector.class", "FileStreamSink"),
            ("topics", "a, b"),
            ("errors.tolerance", "none"),
        ],
        definitions,
    );
    let live = config(&[
        ("name", "x"),
        ("__internal.key", "v"),
        ("topics", "a,b"),
        ("connector.class", "FileStreamSink"),
        ("tasks.max", "1"),
    ]);

    assert!(differences(&spec, &live, plain, std::borrow::ToOwned::to_owned).is_empty());
}

#[test]
fn a_changed_added_or_removed_key_is_one_change_each() {
    let spec = expected(
        &[("connector.class", "C"), ("file", "/a"), ("gone.live", "x")],
        Definitions::default(),
    );
    let live = config(&[("connector.class", "C"), ("file", "/b"), ("extra", "1")]);

    let changes = differences(&spec, &live, plain, std::borrow::ToOwned::to_owned);

    assert_eq!(keys(&changes), ["extra", "file", "gone.live"]);
    assert_eq!(changes[1].before.as_deref(), Some("/b"));
    assert_eq!(changes[1].after.as_deref(), Some("/a"));
    assert_eq!(changes[0].after, None);
    assert_eq!(changes[2].before, None);
}

#[test]
fn a_secret_compares_by_fingerprint_and_shows_masked() {
    let mut spec = expected(&[("connector.class", "C")], Definitions::default());
    spec.written
        .insert("db.password".into(), "${env:PW}".into());
    spec.wanted.insert(
        "db.password".into(),
        Wanted::Fingerprint("fp-of-hunter2".into()),
    );
    let fingerprint = |v: &str| format!("fp-of-{v}");
    let masked = |_: &str, _: &str| "[hidden]".to_owned();

    let same = config(&[("connector.class", "C"), ("db.password", "hunter2")]);
    assert!(differences(&spec, &same, masked, fingerprint).is_empty());

    let changed = config(&[("connector.class", "C"), ("db.password", "rotated")]);
    let changes = differences(&spec, &changed, masked, fingerprint);
    assert_eq!(keys(&changes), ["db.password"]);
    assert_eq!(changes[0].before.as_deref(), Some("[hidden]"));
    assert_eq!(changes[0].after.as_deref(), Some("${env:PW}"));
}

#[test]
fn definitions_come_from_connects_validation_answer() {
    let answer = serde_json::json!({"configs": [
        {"definition": {"name": "tasks.max", "type": "INT", "default_value": "1"}},
        {"definition": {"name": "topics", "type": "LIST", "default_value": ""}},
        {"definition": {"name": "file", "type": "STRING", "default_value": null}},
    ]});

    let definitions = Definitions::from_validation(&answer);

    assert_eq!(
        definitions.defaults.get("tasks.max").map(String::as_str),
        Some("1")
    );
    assert!(!definitions.defaults.contains_key("file"));
    assert!(definitions.lists.contains("topics") && definitions.lists.len() == 1);
}
