//! Comparing a connector's spec with its live config, normalised so that only differences that
//! mean something show: the `name` key Connect adds, its `__internal.*` keys, a value left out
//! on one side and equal to the plugin's default on the other, spaces around the items of a
//! list, and key order are not differences. A secret compares by its value (in a plan, where
//! the spec's references are resolved) or by its fingerprint (for drift, where they are not).

use std::collections::{BTreeMap, BTreeSet};

use api_types::ConfigChange;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the live value of a key must be to match the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Wanted {
    /// This exact value.
    Value(String),
    /// A value with this fingerprint (the spec's reference was resolved at apply time).
    Fingerprint(String),
}

/// What Connect's validation says of a connector's settings, as far as comparing goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Definitions {
    pub defaults: BTreeMap<String, String>,
    /// Keys of type LIST, whose items are compared without surrounding spaces.
    pub lists: BTreeSet<String>,
}

impl Definitions {
    /// From Connect's answer to `PUT /connector-plugins/{class}/config/validate`.
    pub(crate) fn from_validation(answer: &Value) -> Self {
        let mut definitions = Definitions::default();
        for config in answer["configs"].as_array().into_iter().flatten() {
            let definition = &config["definition"];
            let Some(name) = definition["name"].as_str() else {
                continue;
            };
            if let Some(default) = definition["default_value"].as_str() {
                definitions
                    .defaults
                    .insert(name.to_owned(), default.to_owned());
            }
            if definition["type"].as_str() == Some("LIST") {
                definitions.lists.insert(name.to_owned());
            }
        }
        definitions
    }

    fn normal<'v>(&self, key: &str, value: &'v str) -> std::borrow::Cow<'v, str> {
        if self.lists.contains(key) && value.contains(',') {
            let items: Vec<&str> = value.split(',').map(str::trim).collect();
            items.join(",").into()
        } else {
            value.into()
        }
    }
}

/// One spec's config, ready to compare: each key's value as written and what it must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Expected {
    pub written: BTreeMap<String, String>,
    pub wanted: BTreeMap<String, Wanted>,
    pub definitions: Definitions,
}

/// Keys that are Connect's bookkeeping, never the user's.
fn ignored(key: &str) -> bool {
    key == "name" || key.starts_with("__internal.")
}

/// The keys where `live` differs from `expected`, with `before` the live value as `shown` shows
/// it (secrets masked) and `after` the spec's value as written.
pub(crate) fn differences(
    expected: &Expected,
    live: &BTreeMap<String, String>,
    shown: impl Fn(&str, &str) -> String,
    fingerprint: impl Fn(&str) -> String,
) -> Vec<ConfigChange> {
    let defs = &expected.definitions;
    let keys: BTreeSet<&String> = expected.wanted.keys().chain(live.keys()).collect();
    let matches = |key: &str, wanted: &Wanted, value: &str| match wanted {
        Wanted::Value(want) => defs.normal(key, want) == defs.normal(key, value),
        Wanted::Fingerprint(print) => *print == fingerprint(value),
    };
    keys.into_iter()
        .filter(|key| !ignored(key))
        .filter_map(|key| {
            let default = defs.defaults.get(key);
            let same = match (expected.wanted.get(key), live.get(key)) {
                (Some(wanted), Some(value)) => matches(key, wanted, value),
                (Some(wanted), None) => default.is_some_and(|d| matches(key, wanted, d)),
                (None, Some(value)) => {
                    default.is_some_and(|d| defs.normal(key, d) == defs.normal(key, value))
                }
                (None, None) => true,
            };
            (!same).then(|| ConfigChange {
                key: key.clone(),
                before: live.get(key).map(|value| shown(key, value)),
                after: expected.written.get(key).cloned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
