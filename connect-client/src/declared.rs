//! The keys of a connector config that plugins declare as PASSWORD type: the connector's own,
//! and those of the converters, transforms and predicates it configures, under the prefixes
//! Connect gives them (`value.converter.`, `transforms.{alias}.`, `predicates.{alias}.`).
//! Each plugin's definitions are asked of Connect once per cluster (KIP-769 serves them for
//! every plugin type). A plugin whose version the config pins (`*.plugin.version`, KIP-891)
//! is asked about that version and the newest, and the keys of both count: which version a
//! worker resolved never decides what is masked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use serde_json::Value;

use crate::{ClusterClient, ConnectCall, PluginName, PluginVersion, UpstreamRequest};

/// The most plugin classes remembered per cluster; a cluster has far fewer.
const MAX_CLASSES: usize = 1_000;

/// A plugin class and the version asked about (`None`: the newest installed).
type PluginAt = (String, Option<String>);

/// PASSWORD-type keys per plugin class and version asked about, for one cluster; `None` for a
/// plugin Connect answered it does not know.
#[derive(Default)]
pub struct DeclaredKeys(Mutex<HashMap<PluginAt, Option<HashSet<String>>>>);

/// Where each plugin of `config` is named, and the prefix its own keys take in the config.
fn plugins_of(config: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut plugins = Vec::new();
    if let Some(class) = config.get("connector.class") {
        // The connector's own keys have no prefix; its version key is `connector.plugin.version`.
        plugins.push((class.clone(), String::new()));
    }
    for converter in ["key.converter", "value.converter", "header.converter"] {
        if let Some(class) = config.get(converter) {
            plugins.push((class.clone(), format!("{converter}.")));
        }
    }
    for list in ["transforms", "predicates"] {
        let aliases = config.get(list).map(String::as_str).unwrap_or_default();
        for alias in aliases.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            let prefix = format!("{list}.{alias}.");
            if let Some(class) = config.get(&format!("{prefix}type")) {
                plugins.push((class.clone(), prefix));
            }
        }
    }
    plugins
}

impl ClusterClient {
    /// Every key of `config` that a plugin it configures declares as PASSWORD type (of the
    /// plugins Connect could describe; the key-name rules cover the rest).
    pub async fn declared_secret_keys(&self, config: &BTreeMap<String, String>) -> HashSet<String> {
        self.secret_keys_of(config).await.0
    }

    /// [`ClusterClient::declared_secret_keys`], or `None` when Connect could not describe
    /// every plugin `config` uses (so which keys are PASSWORD is not known for sure).
    pub async fn declared_secret_keys_complete(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Option<HashSet<String>> {
        let (keys, complete) = self.secret_keys_of(config).await;
        complete.then_some(keys)
    }

    async fn secret_keys_of(&self, config: &BTreeMap<String, String>) -> (HashSet<String>, bool) {
        let mut keys = HashSet::new();
        let mut complete = true;
        for (class, prefix) in plugins_of(config) {
            for version in versions_asked(config, &prefix) {
                let Some(declared) = self.password_keys(&class, version).await else {
                    complete = false;
                    continue;
                };
                for key in declared {
                    keys.insert(format!("{prefix}{key}"));
                }
            }
        }
        self.context().declared_keys(&keys);
        (keys, complete)
    }

    /// [`ClusterClient::declared_secret_keys`] from the plugins already asked about, without
    /// calling Connect (for paths that must cost no extra call, such as the connector list).
    /// How many plugins' PASSWORD keys are known: what [`Self::known_secret_keys`] answers can
    /// only change when this does.
    pub(crate) fn plugins_with_known_keys(&self) -> usize {
        let memo = self.declared_keys().0.lock().expect("memo lock");
        memo.values().filter(|keys| keys.is_some()).count()
    }

    pub fn known_secret_keys(&self, config: &BTreeMap<String, String>) -> HashSet<String> {
        let memo = self.declared_keys().0.lock().expect("memo lock");
        let mut keys = HashSet::new();
        for (class, prefix) in plugins_of(config) {
            for version in versions_asked(config, &prefix) {
                let version = version.map(|v| v.as_str().to_owned());
                let Some(Some(declared)) = memo.get(&(class.clone(), version)) else {
                    continue;
                };
                keys.extend(declared.iter().map(|key| format!("{prefix}{key}")));
            }
        }
        keys
    }

    /// [`ClusterClient::declared_secret_keys`] of a config given as JSON.
    pub async fn declared_secret_keys_json(
        &self,
        config: &serde_json::Map<String, Value>,
    ) -> HashSet<String> {
        let strings: BTreeMap<String, String> = config
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        self.declared_secret_keys(&strings).await
    }

    /// The PASSWORD-type keys of plugin `class`, asked of Connect once; `None` when Connect
    /// does not know the plugin or could not be asked (then the key-name rules still apply). A
    /// plugin Connect answered about is remembered either way; one it could not be asked about
    /// is not.
    async fn password_keys(
        &self,
        class: &str,
        version: Option<PluginVersion>,
    ) -> Option<HashSet<String>> {
        let memo = &self.declared_keys().0;
        let memo_key = (
            class.to_owned(),
            version.as_ref().map(|v| v.as_str().to_owned()),
        );
        if let Some(keys) = memo.lock().expect("memo lock").get(&memo_key) {
            return keys.clone();
        }
        let plugin = PluginName::new(class).ok()?;
        let request = UpstreamRequest::new(&ConnectCall::GetPluginConfig(plugin, version), None);
        let answer = self.send(request).await.ok()?;
        let keys = answer
            .json::<Vec<Value>>()
            .ok()
            .filter(|_| answer.status.is_success())
            .map(|definitions| {
                definitions
                    .iter()
                    .filter(|d| d["type"] == "PASSWORD")
                    .filter_map(|d| d["name"].as_str().map(str::to_owned))
                    .collect::<HashSet<String>>()
            });
        let mut memo = memo.lock().expect("memo lock");
        if memo.len() < MAX_CLASSES {
            memo.insert(memo_key, keys.clone());
        }
        keys
    }
}

/// The versions of the plugin at `prefix` to ask about: the newest (`None`) and, when the
/// config pins one, that one. A pin that is no plausible version is asked about as the newest
/// only, and the key-name rules still apply.
fn versions_asked(config: &BTreeMap<String, String>, prefix: &str) -> Vec<Option<PluginVersion>> {
    let pin_key = if prefix.is_empty() {
        "connector.plugin.version".to_owned()
    } else {
        format!("{prefix}plugin.version")
    };
    let pinned = config
        .get(&pin_key)
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| PluginVersion::new(v.trim()).ok());
    std::iter::once(None).chain(pinned.map(Some)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::config;

    #[test]
    fn converters_transforms_and_predicates_are_found_with_their_prefixes() {
        let config = config(&[
            ("connector.class", "Sink"),
            ("value.converter", "AvroConverter"),
            ("transforms", "mask, route"),
            ("transforms.mask.type", "MaskField"),
            ("transforms.route.type", "RegexRouter"),
            ("transforms.unlisted.type", "Ignored"),
            ("predicates", "isFoo"),
            ("predicates.isFoo.type", "TopicNameMatches"),
        ]);
        let found = plugins_of(&config);
        let expected = [
            ("Sink", ""),
            ("AvroConverter", "value.converter."),
            ("MaskField", "transforms.mask."),
            ("RegexRouter", "transforms.route."),
            ("TopicNameMatches", "predicates.isFoo."),
        ];
        let found: Vec<(&str, &str)> = found
            .iter()
            .map(|(c, p)| (c.as_str(), p.as_str()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_pinned_version_is_asked_about_beside_the_newest() {
        let config = config(&[
            ("connector.class", "Sink"),
            ("connector.plugin.version", "1.0.0"),
            ("value.converter", "AvroConverter"),
            ("value.converter.plugin.version", "[2.0,3.0)"),
            ("key.converter", "JsonConverter"),
            ("key.converter.plugin.version", "not a version"),
        ]);
        let asked = |prefix: &str| -> Vec<Option<String>> {
            versions_asked(&config, prefix)
                .into_iter()
                .map(|v| v.map(|v| v.as_str().to_owned()))
                .collect()
        };
        assert_eq!(asked(""), [None, Some("1.0.0".to_owned())]);
        assert_eq!(
            asked("value.converter."),
            [None, Some("[2.0,3.0)".to_owned())]
        );
        assert_eq!(asked("key.converter."), [None]);
        assert_eq!(asked("transforms.x."), [None]);
    }
}
