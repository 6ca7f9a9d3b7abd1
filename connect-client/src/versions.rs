//! Which Kafka Connect a cluster runs, read from a worker's `GET /`, and which calls exist
//! there: a call that version lacks is refused with a message naming the version, instead of
//! Connect's bare 404 or a parameter an older worker would refuse without saying why.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use api_types::WorkerInfo;

use super::ClusterClient;
use super::call::{ConnectCall, PluginName, PluginVersion};
use crate::ConnectError;

/// How long a cluster's version is trusted before it is asked again: a rolling upgrade is seen
/// within this long.
const KNOWN_FOR: Duration = Duration::from_secs(60);
/// How long a version that could not be read is not asked again, so a cluster that is down
/// costs one extra call per this long, not one per request.
const UNKNOWN_FOR: Duration = Duration::from_secs(10);

/// A Connect release as Apache Kafka numbers it, with the version its worker reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectVersion {
    major: u32,
    minor: u32,
    reported: String,
}

impl ConnectVersion {
    /// Apache Kafka's numbers (`4.3.1`, `4.1.0-SNAPSHOT`) or Confluent Platform's (`7.9.0-ccs`,
    /// `8.0.1-ce`: its 7.x ships Apache Kafka 3.x, its 8.x ships 4.x); `None` for anything
    /// else, which is then not judged.
    pub fn parse(reported: &str) -> Option<Self> {
        let (numbers, suffix) = reported.split_once('-').unwrap_or((reported, ""));
        let mut parts = numbers.split('.').map(str::parse::<u32>);
        let major = parts.next()?.ok()?;
        let minor = parts.next()?.ok()?;
        let confluent = suffix.starts_with("ccs") || suffix.starts_with("ce");
        let major = match (confluent, major) {
            (false, _) => major,
            (true, 7 | 8) => major - 4,
            (true, _) => return None,
        };
        Some(Self {
            major,
            minor,
            reported: reported.to_owned(),
        })
    }

    fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// The version as its worker reported it.
    pub fn reported(&self) -> &str {
        &self.reported
    }

    /// The keys of `config` that this Connect no longer reads (removed in 4.0), each with the
    /// key that replaced it: a spec written for 3.x would be applied and silently ignored.
    pub fn removed_keys(&self, config: &BTreeMap<String, String>) -> Vec<(String, String)> {
        if self.major < 4 {
            return Vec::new();
        }
        let mut removed = Vec::new();
        let class = config.get("connector.class").map_or("", String::as_str);
        if MIRROR_CONNECTORS.iter().any(|c| class.ends_with(c)) {
            for key in ["topics", "groups", "config.properties"] {
                if config.contains_key(&format!("{key}.blacklist")) {
                    removed.push((format!("{key}.blacklist"), format!("{key}.exclude")));
                }
            }
        }
        for (key, transform) in config {
            let Some(alias) = key
                .strip_prefix("transforms.")
                .and_then(|k| k.strip_suffix(".type"))
            else {
                continue;
            };
            if !REPLACE_FIELD.iter().any(|c| transform.ends_with(c)) {
                continue;
            }
            for (old, new) in [("whitelist", "include"), ("blacklist", "exclude")] {
                let old = format!("transforms.{alias}.{old}");
                if config.contains_key(&old) {
                    removed.push((old, format!("transforms.{alias}.{new}")));
                }
            }
        }
        removed
    }
}

/// MirrorMaker 2's connectors, whose `*.blacklist` keys Connect 4.0 removed.
const MIRROR_CONNECTORS: [&str; 3] = [
    "MirrorSourceConnector",
    "MirrorCheckpointConnector",
    "MirrorHeartbeatConnector",
];
/// The ReplaceField transform, whose `whitelist` and `blacklist` Connect 4.0 removed.
const REPLACE_FIELD: [&str; 2] = ["ReplaceField$Key", "ReplaceField$Value"];

/// The versions of Connect a call exists in, when that is not every version Plugboard meets.
enum Exists {
    /// An endpoint added in `major.minor`.
    Since { major: u32, minor: u32, kip: u32 },
    /// A query parameter added in `major.minor`: an older worker would ignore it and answer
    /// as if it had not been given.
    ParameterSince {
        parameter: &'static str,
        major: u32,
        minor: u32,
        kip: u32,
    },
    /// An endpoint removed in `major`.0; `instead` is the path that answers in its place.
    Before {
        major: u32,
        kip: u32,
        instead: String,
    },
}

impl ConnectCall {
    fn exists(&self) -> Option<Exists> {
        use ConnectCall::*;
        let since = |major, minor, kip| Some(Exists::Since { major, minor, kip });
        let parameter = |parameter, major, minor, kip| {
            Some(Exists::ParameterSince {
                parameter,
                major,
                minor,
                kip,
            })
        };
        match self {
            GetTasksConfig(name) => Some(Exists::Before {
                major: 4,
                kip: 970,
                instead: ConnectCall::GetTasks(name.clone()).path(),
            }),
            GetPluginConfig(_, Some(_)) | ValidateConfig(_, Some(_)) => {
                parameter("version", 4, 1, 891)
            }
            Health => since(3, 9, 1017),
            SetLogger(_, Some(_)) => parameter("scope", 3, 7, 976),
            AlterOffsets(_) | ResetOffsets(_) => since(3, 6, 875),
            Stop(_) | GetOffsets(_) => since(3, 5, 875),
            _ => None,
        }
    }

    /// Refuses the call when Connect `version` does not have it, naming the version.
    pub fn check_exists_in(&self, version: &ConnectVersion) -> Result<(), ConnectError> {
        let what = format!("{} {}", self.method(), self.path());
        let runs = &version.reported;
        match self.exists() {
            Some(Exists::Since { major, minor, kip }) if !version.at_least(major, minor) => {
                Err(ConnectError::NotInThisVersion(format!(
                    "{what} needs Connect {major}.{minor} or newer (KIP-{kip}); this cluster runs Connect {runs}"
                )))
            }
            Some(Exists::ParameterSince {
                parameter,
                major,
                minor,
                kip,
            }) if !version.at_least(major, minor) => Err(ConnectError::Refused(format!(
                "the query parameter `{parameter}` of {what} needs Connect {major}.{minor} or newer (KIP-{kip}), which this cluster does not run (Connect {runs}): an older worker would answer as if it had not been given"
            ))),
            Some(Exists::Before {
                major,
                kip,
                instead,
            }) if version.major >= major => Err(ConnectError::NotInThisVersion(format!(
                "{what} was removed in Connect {major}.0 (KIP-{kip}); this cluster runs Connect {runs}: GET {instead} gives the same configs"
            ))),
            _ => Ok(()),
        }
    }
}

/// A cluster's version as last read, and when.
#[derive(Default)]
pub(crate) struct VersionMemo(Mutex<Option<(Instant, Option<ConnectVersion>)>>);

impl ClusterClient {
    /// The Connect version the cluster runs, as a worker last said (asked again after a
    /// minute); `None` when no worker could say or its number is not one Plugboard reads.
    pub async fn connect_version(&self) -> Option<ConnectVersion> {
        let memo = &self.0.version;
        if let Some((asked, known)) = &*memo.0.lock().expect("version lock") {
            let trusted_for = if known.is_some() {
                KNOWN_FOR
            } else {
                UNKNOWN_FOR
            };
            if asked.elapsed() < trusted_for {
                return known.clone();
            }
        }
        let known = self
            .get_json::<WorkerInfo>(ConnectCall::ServerInfo)
            .await
            .ok()
            .and_then(|info| ConnectVersion::parse(&info.version));
        *memo.0.lock().expect("version lock") = Some((Instant::now(), known.clone()));
        known
    }

    /// Refuses a config that pins (`connector.plugin.version`) a version of its connector that
    /// the cluster does not have, with Connect's own message naming the versions installed:
    /// Connect 4.3 answers such a config with a 500 (a NullPointerException) on validation and
    /// on every change. Anything else goes ahead.
    pub async fn check_pinned_version(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<(), ConnectError> {
        let pinned = config
            .get("connector.plugin.version")
            .map(|pin| pin.trim())
            .filter(|pin| !pin.is_empty());
        let (Some(class), Some(pin)) = (config.get("connector.class"), pinned) else {
            return Ok(());
        };
        let (Ok(plugin), Ok(version)) = (PluginName::new(class), PluginVersion::new(pin)) else {
            return Ok(());
        };
        let call = ConnectCall::GetPluginConfig(plugin, Some(version));
        if self.check_exists(&call).await.is_err() {
            // Before Connect 4.1 the key is not read at all.
            return Ok(());
        }
        match self.call(&call, None).await {
            Err(ConnectError::Answer { status, message }) if status.is_client_error() => Err(
                ConnectError::Refused(format!("`connector.plugin.version` = {pin:?}: {message}")),
            ),
            _ => Ok(()),
        }
    }

    /// Refuses `call` when the cluster's Connect does not have it; when the version cannot be
    /// read, the call goes ahead and Connect answers for itself.
    pub async fn check_exists(&self, call: &ConnectCall) -> Result<(), ConnectError> {
        if call.exists().is_none() {
            return Ok(());
        }
        match self.connect_version().await {
            Some(version) => call.check_exists_in(&version),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::parse::parse;
    use reqwest::Method;

    fn version(reported: &str) -> ConnectVersion {
        ConnectVersion::parse(reported).unwrap()
    }

    fn check(method: &Method, path: &str, query: Option<&str>, runs: &str) -> Result<(), String> {
        parse(method, path, query)
            .unwrap()
            .check_exists_in(&version(runs))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn apache_and_confluent_numbers_are_read_and_others_are_not_judged() {
        assert!(version("4.3.1").at_least(4, 1));
        assert!(version("4.1.0-SNAPSHOT").at_least(4, 1));
        assert!(!version("3.9.2").at_least(4, 0));
        assert!(version("3.9.2").at_least(3, 9));
        assert!(version("8.1.0-ccs").at_least(4, 1));
        assert!(!version("7.9.0-ce").at_least(4, 0));
        assert!(version("7.9.0-ce").at_least(3, 9));
        for unknown in ["", "4", "x.y", "6.2.0-ccs", "trunk"] {
            assert_eq!(ConnectVersion::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn keys_connect_4_removed_are_named_with_their_replacements_on_4_only() {
        let config: BTreeMap<String, String> = [
            (
                "connector.class",
                "org.apache.kafka.connect.mirror.MirrorSourceConnector",
            ),
            ("topics.blacklist", "x"),
            ("groups.exclude", "y"),
            ("transforms", "keep,other"),
            (
                "transforms.keep.type",
                "org.apache.kafka.connect.transforms.ReplaceField$Value",
            ),
            ("transforms.keep.whitelist", "a,b"),
            ("transforms.other.type", "com.example.Other"),
            ("transforms.other.whitelist", "c"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let named = |pairs: Vec<(String, String)>| -> Vec<String> {
            pairs
                .into_iter()
                .map(|(old, new)| format!("{old}>{new}"))
                .collect()
        };
        assert_eq!(
            named(version("4.0.0").removed_keys(&config)),
            [
                "topics.blacklist>topics.exclude",
                "transforms.keep.whitelist>transforms.keep.include"
            ]
        );
        assert!(version("3.9.2").removed_keys(&config).is_empty());
    }

    #[test]
    fn tasks_config_is_refused_on_connect_4_naming_the_version_and_what_to_use() {
        let path = "/connectors/a%2Fb/tasks-config";
        let refused = check(&Method::GET, path, None, "4.3.1").unwrap_err();
        assert!(refused.contains("4.3.1"), "{refused}");
        assert!(refused.contains("KIP-970"), "{refused}");
        assert!(
            refused.contains("GET /connectors/a%2Fb/tasks "),
            "{refused}"
        );
        assert!(check(&Method::GET, path, None, "3.9.2").is_ok());
    }

    #[test]
    fn a_plugin_version_is_refused_before_connect_4_1_naming_the_version() {
        let config = "/connector-plugins/FileStreamSink/config";
        let validate = "/connector-plugins/FileStreamSink/config/validate";
        for (method, path) in [(Method::GET, config), (Method::PUT, validate)] {
            let refused =
                check(&method, path, Some("version=%5B4.0%2C5.0%29"), "4.0.1").unwrap_err();
            assert!(
                refused.contains("4.1 or newer") && refused.contains("4.0.1"),
                "{refused}"
            );
            assert!(check(&method, path, Some("version=4.3.1"), "4.3.1").is_ok());
            assert!(check(&method, path, None, "3.9.2").is_ok());
        }
    }

    #[test]
    fn endpoints_older_workers_lack_are_refused_and_the_rest_go_through() {
        let refused = check(&Method::GET, "/health", None, "3.8.1").unwrap_err();
        assert!(
            refused.contains("3.9 or newer") && refused.contains("3.8.1"),
            "{refused}"
        );
        assert!(check(&Method::GET, "/health", None, "3.9.0").is_ok());
        assert!(check(&Method::PUT, "/connectors/c/stop", None, "3.4.1").is_err());
        assert!(check(&Method::DELETE, "/connectors/c/offsets", None, "3.5.2").is_err());
        assert!(check(&Method::DELETE, "/connectors/c/offsets", None, "3.6.0").is_ok());
        let cluster_scope = Some("scope=cluster");
        assert!(check(&Method::PUT, "/admin/loggers/root", cluster_scope, "3.6.2").is_err());
        assert!(check(&Method::PUT, "/admin/loggers/root", None, "3.6.2").is_ok());
        assert!(check(&Method::GET, "/connectors", None, "2.8.0").is_ok());
    }
}
