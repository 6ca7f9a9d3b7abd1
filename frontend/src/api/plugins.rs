//! Plugin, validation and logger endpoints, with the shapes of Connect's answers they relay.

use std::collections::BTreeMap;

pub(crate) use api_types::PluginInfo;
use api_types::{LoggerChange, WorkerLoggers, WorkerPlugins};
use serde::Deserialize;
use serde_json::Value;

use super::{ApiResult, Change, change_json, cluster_path, encode, get_json};

/// Connect's validate answer: groups in order and one entry per setting it knows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Validation {
    pub error_count: u32,
    #[serde(default)]
    pub groups: Vec<String>,
    pub configs: Vec<SettingCheck>,
}

impl Validation {
    /// What validate says about each key, by name. Connect answers a client override
    /// (`consumer.override.*`, `producer.override.*`, `admin.override.*`) twice, once without a
    /// definition and once with the client's definition and the override policy's errors: the
    /// errors of all of a key's entries count.
    pub(crate) fn values_by_key(&self) -> BTreeMap<String, SettingValue> {
        let mut values: BTreeMap<String, SettingValue> = BTreeMap::new();
        for value in self.configs.iter().filter_map(|c| c.value.as_ref()) {
            match values.get_mut(&value.name) {
                Some(seen) => {
                    let new = value.errors.iter().filter(|e| !seen.errors.contains(e));
                    let new: Vec<String> = new.cloned().collect();
                    seen.errors.extend(new);
                    if seen.recommended_values.is_empty() {
                        seen.recommended_values = value.recommended_values.clone();
                    }
                }
                None => {
                    values.insert(value.name.clone(), value.clone());
                }
            }
        }
        values
    }

    /// How many keys have an error.
    pub(crate) fn keys_in_error(&self) -> usize {
        self.values_by_key()
            .values()
            .filter(|v| !v.errors.is_empty())
            .count()
    }
}

/// A setting's definition (none for one of the two entries of a client override) and what
/// validate says about the value given (none for a setting a plugin declares but does not
/// check, as Debezium's PostgreSQL source does with an internal one).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct SettingCheck {
    pub definition: Option<SettingDefinition>,
    #[serde(default)]
    pub value: Option<SettingValue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct SettingDefinition {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    pub default_value: Option<String>,
    pub importance: String,
    pub documentation: Option<String>,
    pub group: Option<String>,
    /// `order` in Connect 3.x, `order_in_group` since Connect 4.
    #[serde(alias = "order_in_group")]
    pub order: i32,
    pub display_name: Option<String>,
    #[serde(default)]
    pub dependents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct SettingValue {
    pub name: String,
    pub value: Option<String>,
    #[serde(default)]
    pub recommended_values: Vec<String>,
    #[serde(default)]
    pub errors: Vec<String>,
    pub visible: bool,
}

/// Connector plugins, and also transforms, converters and predicates.
pub(crate) async fn list_plugins(cluster: String) -> ApiResult<Vec<PluginInfo>> {
    get_json(&cluster_path(&cluster, "plugins")).await
}

/// Each worker's own plugin list (they differ while a plugin is rolled out worker by worker).
pub(crate) async fn list_worker_plugins(cluster: String) -> ApiResult<Vec<WorkerPlugins>> {
    get_json(&cluster_path(&cluster, "workers/plugins")).await
}

pub(crate) async fn validate_config(
    cluster: &str,
    plugin: &str,
    config: &BTreeMap<String, String>,
) -> ApiResult<Validation> {
    let path = cluster_path(cluster, &format!("plugins/{}/validate", encode(plugin)));
    change_json(Change::Put, &path, config, None).await
}

/// Each worker's loggers, or each worker's level of one `logger`.
pub(crate) async fn list_worker_loggers(
    cluster: String,
    logger: Option<String>,
) -> ApiResult<Vec<WorkerLoggers>> {
    let query = logger
        .map(|l| format!("?logger={}", encode(&l)))
        .unwrap_or_default();
    get_json(&cluster_path(&cluster, &format!("workers/loggers{query}"))).await
}

/// Sets a level; Connect answers with the loggers it changed.
pub(crate) async fn set_logger_level(
    cluster: &str,
    logger: &str,
    change: &LoggerChange,
) -> ApiResult<Value> {
    let path = cluster_path(cluster, &format!("loggers/{}", encode(logger)));
    change_json(Change::Put, &path, change, None).await
}
