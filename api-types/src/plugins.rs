//! Installed plugins as Connect lists them, each worker for itself: since Connect 4.1
//! (KIP-891) one entry per class and version, and workers can differ while an install or an
//! upgrade is rolled out worker by worker.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One entry of Connect's `GET /connector-plugins`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PluginInfo {
    pub class: String,
    /// `source`, `sink`, `transformation`, `converter`, `header_converter` or `predicate`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub version: Option<String>,
}

/// The plugins one worker lists, or why it did not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerPlugins {
    pub worker: String,
    pub plugins: Option<Vec<PluginInfo>>,
    pub error: Option<String>,
}

/// A plugin class and version with the workers that list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledPlugin {
    pub plugin: PluginInfo,
    pub workers: Vec<String>,
}

/// Every plugin any worker lists, by class then version, each with the workers that list it
/// (a worker that did not answer lists nothing).
pub fn plugins_by_version(answers: &[WorkerPlugins]) -> Vec<InstalledPlugin> {
    let mut merged: BTreeMap<(String, Option<String>), InstalledPlugin> = BTreeMap::new();
    for answer in answers {
        for plugin in answer.plugins.iter().flatten() {
            let key = (plugin.class.clone(), plugin.version.clone());
            let entry = merged.entry(key).or_insert_with(|| InstalledPlugin {
                plugin: plugin.clone(),
                workers: Vec::new(),
            });
            if !entry.workers.contains(&answer.worker) {
                entry.workers.push(answer.worker.clone());
            }
        }
    }
    merged.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin(class: &str, version: &str) -> PluginInfo {
        PluginInfo {
            class: class.into(),
            kind: "sink".into(),
            version: Some(version.into()),
        }
    }

    fn worker(name: &str, plugins: Option<Vec<PluginInfo>>) -> WorkerPlugins {
        WorkerPlugins {
            worker: name.into(),
            error: plugins.is_none().then(|| "cannot connect".into()),
            plugins,
        }
    }

    #[test]
    fn versions_are_kept_apart_and_each_names_the_workers_that_list_it() {
        let answers = [
            worker("w1", Some(vec![plugin("S", "1.0.0"), plugin("S", "2.0.0")])),
            worker("w2", Some(vec![plugin("S", "1.0.0")])),
            worker("w3", None),
        ];
        let merged = plugins_by_version(&answers);
        let versions: Vec<(&str, Vec<&str>)> = merged
            .iter()
            .map(|p| {
                let workers = p.workers.iter().map(String::as_str).collect();
                (p.plugin.version.as_deref().unwrap(), workers)
            })
            .collect();
        assert_eq!(
            versions,
            [("1.0.0", vec!["w1", "w2"]), ("2.0.0", vec!["w1"])]
        );
    }
}
