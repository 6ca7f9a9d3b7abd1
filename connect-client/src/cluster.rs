//! A Connect cluster as configured: its workers, how to reach and authenticate to them, and
//! what Plugboard knows of its Kafka side (bootstrap servers, the sink group naming, the
//! topics the workers keep their state in), and how hard Plugboard may call it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// One Connect cluster, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub id: String,
    pub name: String,
    /// Worker base URLs without a trailing slash, tried in order.
    pub urls: Vec<String>,
    pub bootstrap_servers: Option<String>,
    pub read_only: bool,
    pub auth: Option<ClusterAuth>,
    pub tls: Option<ClusterTls>,
    pub kafka_properties: BTreeMap<String, String>,
    /// Contains `{name}`; see [`Cluster::sink_group`].
    pub sink_group_pattern: String,
    pub internal_topics: InternalTopics,
    /// How hard Plugboard may call this cluster's workers.
    pub budget: RequestBudget,
}

/// The most calls to one cluster in flight at once and started per second, whoever makes them
/// (the console, the passthrough, the background loops).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestBudget {
    pub max_concurrent: usize,
    pub per_second: u32,
}

impl Default for RequestBudget {
    /// Room for a busy console and its scripts, far below what one worker serves: a worker
    /// answers a list of a thousand connectors in tens of milliseconds.
    fn default() -> Self {
        Self {
            max_concurrent: 8,
            per_second: 100,
        }
    }
}

/// The topics a Connect cluster keeps its own state in (its workers' `*.storage.topic`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalTopics {
    /// Every connector's and task's config, in clear, and the workers' session key.
    pub config: String,
    pub offsets: String,
    pub status: String,
}

impl Default for InternalTopics {
    /// Connect's defaults.
    fn default() -> Self {
        Self {
            config: "connect-configs".into(),
            offsets: "connect-offsets".into(),
            status: "connect-status".into(),
        }
    }
}

impl Cluster {
    /// The consumer group of the sink connector `name` by this cluster's pattern.
    pub fn sink_group(&self, name: &str) -> String {
        self.sink_group_pattern.replace("{name}", name)
    }
}

/// TLS towards the workers: a private CA and, for mutual TLS, a client certificate and key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterTls {
    pub ca_file: Option<PathBuf>,
    pub client_cert_file: Option<PathBuf>,
    pub client_key_file: Option<PathBuf>,
}

/// How Plugboard authenticates to a cluster's workers. Never sent to the browser.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClusterAuth {
    Basic { username: String, password: String },
    Bearer { token: String },
}

impl std::fmt::Debug for ClusterAuth {
    /// Keeps credentials out of logs and panic messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Self::Bearer { .. } => write!(f, "Bearer(***)"),
        }
    }
}
