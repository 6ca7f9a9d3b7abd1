//! Configuration: flags and environment variables (clap), plus an optional TOML file of clusters.
//!
//! Precedence is flag or environment variable, then the file, then the built-in default, so the
//! binary starts with no file at all: loopback bind, `plugboard.db` in the working directory.

mod access;
mod databases;
mod file;
mod flags;
mod kafka;
pub mod references;
mod store_setting;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};

pub use access::{AccessSettings, InternalTopicsView, TlsFiles, TrustedHeader};
pub use databases::{DatabaseCredentials, SourceDatabase, SourceDatabaseFile};
pub use file::{ClusterFile, ConfigFile, InternalTopicsFile};
pub use flags::ServerFlags;
pub use kafka::{KafkaCluster, KafkaClusterFile, KafkaClusters};
pub use plugboard_connect::{Cluster, ClusterAuth, ClusterTls, InternalTopics, RequestBudget};
pub use references::resolve;
pub use store_setting::StoreSetting;

/// The validated configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database: crate::db::DatabaseLocation,
    pub upstream_timeout: Duration,
    pub cache_ttl: Duration,
    /// How often states are polled for the state timeline.
    pub state_poll: Duration,
    /// How often connector lists are read for live pages, while any is open.
    pub live_poll: Duration,
    /// How often Kafka is read for lag and partition health.
    pub kafka_poll: Duration,
    /// How often source databases are read for their replication slots.
    pub slot_poll: Duration,
    /// Timeout of each call to Kafka.
    pub kafka_timeout: Duration,
    /// How often alert rules are judged.
    pub alert_interval: Duration,
    pub actor: String,
    /// History older than this is pruned (none when unset).
    pub history_retention_days: Option<u32>,
    /// At most this many history events are kept (no limit when unset).
    pub history_max_rows: Option<u32>,
    /// Reads of record contents (record browser, dead letters, replay) at once per cluster.
    pub max_record_reads: usize,
    pub limits: ServerLimits,
    pub access: AccessSettings,
    pub tls: Option<TlsFiles>,
    pub clusters: Vec<Cluster>,
    /// Every Kafka cluster Plugboard reads: those named on their own and each Connect
    /// cluster's.
    pub kafka: KafkaClusters,
    /// The databases Debezium's PostgreSQL sources read, which Plugboard may watch.
    pub source_databases: Vec<SourceDatabase>,
}

/// What one connection and all of them may take of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// From the first byte of a request to its last header.
    pub header_read_timeout: Duration,
    /// Between requests on a kept-alive connection (and before the first).
    pub keep_alive_timeout: Duration,
    /// Connections open at once; more are answered 503 and closed.
    pub max_connections: usize,
}

impl From<InternalTopicsFile> for InternalTopics {
    fn from(file: InternalTopicsFile) -> Self {
        let defaults = Self::default();
        Self {
            config: file.config.unwrap_or(defaults.config),
            offsets: file.offsets.unwrap_or(defaults.offsets),
            status: file.status.unwrap_or(defaults.status),
        }
    }
}

const DEFAULT_BIND: &str = "127.0.0.1:8080";
const DEFAULT_DATABASE: &str = "plugboard.db";
/// Connect itself may take up to 90 s on a change during a rebalance; 30 s covers slow ones.
const DEFAULT_UPSTREAM_TIMEOUT_MS: u64 = 30_000;
const DEFAULT_CACHE_TTL_MS: u64 = 2_000;
const DEFAULT_STATE_POLL_MS: u64 = 10_000;
const DEFAULT_LIVE_POLL_MS: u64 = 2_000;
const DEFAULT_KAFKA_POLL_MS: u64 = 10_000;
const DEFAULT_KAFKA_TIMEOUT_MS: u64 = 5_000;
const DEFAULT_SLOT_POLL_MS: u64 = 30_000;
const DEFAULT_ALERT_INTERVAL_MS: u64 = 10_000;
const DEFAULT_RETENTION_DAYS: u32 = 365;
const DEFAULT_SINK_GROUP_PATTERN: &str = "connect-{name}";
const DEFAULT_MAX_RECORD_READS: usize = 4;
const DEFAULT_HEADER_READ_TIMEOUT_MS: u64 = 10_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS: u64 = 60_000;
const DEFAULT_MAX_CONNECTIONS: usize = 1_000;
/// The id of the cluster given with `--connect-url`.
pub const FLAG_CLUSTER_ID: &str = "default";

impl Settings {
    /// Merges flags, environment and the optional file, and validates the result.
    pub fn load(flags: ServerFlags) -> anyhow::Result<Self> {
        let file = match &flags.config {
            Some(path) => ConfigFile::read(path)?,
            None => ConfigFile::default(),
        };
        Self::merge(flags, file)
    }

    pub(crate) fn merge(flags: ServerFlags, file: ConfigFile) -> anyhow::Result<Self> {
        let mut cluster_files = file.clusters;
        if !flags.connect_url.is_empty() {
            cluster_files.push(ClusterFile {
                id: FLAG_CLUSTER_ID.into(),
                name: None,
                urls: flags.connect_url,
                bootstrap_servers: flags.bootstrap_servers,
                kafka: None,
                read_only: false,
                auth: None,
                tls: None,
                kafka_properties: BTreeMap::new(),
                sink_group_pattern: None,
                internal_topics: InternalTopicsFile::default(),
                max_concurrent_calls: None,
                max_calls_per_second: None,
            });
        } else if flags.bootstrap_servers.is_some() {
            bail!("--bootstrap-servers needs --connect-url (it belongs to the `default` cluster)");
        }
        let references: BTreeMap<String, String> = cluster_files
            .iter()
            .filter_map(|c| Some((c.id.clone(), c.kafka.clone()?)))
            .collect();
        let mut clusters = validate_clusters(cluster_files)?;
        let named = kafka::validate_kafka_clusters(file.kafka_clusters)?;
        let kafka = kafka::attach(named, &mut clusters, &references)?;
        let source_databases = databases::validate_source_databases(file.source_databases)?;
        let timeout_ms = flags
            .upstream_timeout_ms
            .or(file.upstream_timeout_ms)
            .unwrap_or(DEFAULT_UPSTREAM_TIMEOUT_MS);
        if timeout_ms == 0 {
            bail!("the upstream timeout must be at least 1 ms");
        }
        let bind = flags.bind.or(file.bind).unwrap_or_else(|| {
            DEFAULT_BIND
                .parse()
                .expect("the default bind address parses")
        });
        let access = AccessSettings::new(file.access, bind, file.tls.is_some())?;
        Ok(Self {
            bind,
            access,
            tls: file.tls,
            database: match flags.database.or(file.database) {
                Some(setting) => setting.resolve()?,
                None => crate::db::DatabaseLocation::File(DEFAULT_DATABASE.into()),
            },
            upstream_timeout: Duration::from_millis(timeout_ms),
            cache_ttl: Duration::from_millis(
                flags
                    .cache_ttl_ms
                    .or(file.cache_ttl_ms)
                    .unwrap_or(DEFAULT_CACHE_TTL_MS),
            ),
            state_poll: Duration::from_millis(
                flags
                    .state_poll_ms
                    .or(file.state_poll_ms)
                    .unwrap_or(DEFAULT_STATE_POLL_MS),
            ),
            live_poll: Duration::from_millis(
                flags
                    .live_poll_ms
                    .or(file.live_poll_ms)
                    .unwrap_or(DEFAULT_LIVE_POLL_MS)
                    .max(100),
            ),
            kafka_poll: Duration::from_millis(
                flags
                    .kafka_poll_ms
                    .or(file.kafka_poll_ms)
                    .unwrap_or(DEFAULT_KAFKA_POLL_MS)
                    .max(100),
            ),
            slot_poll: Duration::from_millis(
                file.slot_poll_ms.unwrap_or(DEFAULT_SLOT_POLL_MS).max(100),
            ),
            kafka_timeout: Duration::from_millis(
                flags
                    .kafka_timeout_ms
                    .or(file.kafka_timeout_ms)
                    .unwrap_or(DEFAULT_KAFKA_TIMEOUT_MS)
                    .max(100),
            ),
            alert_interval: Duration::from_millis(
                flags
                    .alert_interval_ms
                    .or(file.alert_interval_ms)
                    .unwrap_or(DEFAULT_ALERT_INTERVAL_MS)
                    .max(100),
            ),
            actor: flags
                .actor
                .or(file.actor)
                .unwrap_or_else(|| "plugboard".into()),
            history_retention_days: file.history_retention_days.or(Some(DEFAULT_RETENTION_DAYS)),
            history_max_rows: file.history_max_rows,
            max_record_reads: file
                .max_record_reads
                .unwrap_or(DEFAULT_MAX_RECORD_READS)
                .max(1),
            limits: ServerLimits {
                header_read_timeout: Duration::from_millis(
                    flags
                        .header_read_timeout_ms
                        .or(file.header_read_timeout_ms)
                        .unwrap_or(DEFAULT_HEADER_READ_TIMEOUT_MS)
                        .max(100),
                ),
                keep_alive_timeout: Duration::from_millis(
                    flags
                        .keep_alive_timeout_ms
                        .or(file.keep_alive_timeout_ms)
                        .unwrap_or(DEFAULT_KEEP_ALIVE_TIMEOUT_MS)
                        .max(100),
                ),
                max_connections: flags
                    .max_connections
                    .or(file.max_connections)
                    .unwrap_or(DEFAULT_MAX_CONNECTIONS)
                    .max(1),
            },
            clusters,
            kafka,
            source_databases,
        })
    }

    /// The cluster with this id, if configured.
    pub fn cluster(&self, id: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.id == id)
    }
}

/// The `[[clusters]]` tables, checked, with their secret references resolved.
pub fn validate_clusters(files: Vec<ClusterFile>) -> anyhow::Result<Vec<Cluster>> {
    let mut clusters: Vec<Cluster> = Vec::with_capacity(files.len());
    for file in files {
        let cluster = validate_cluster(file)?;
        if clusters.iter().any(|c| c.id == cluster.id) {
            bail!("cluster id `{}` is configured twice", cluster.id);
        }
        clusters.push(cluster);
    }
    Ok(clusters)
}

fn validate_cluster(file: ClusterFile) -> anyhow::Result<Cluster> {
    let id = file.id;
    check_id(&id, "cluster")?;
    if file.urls.is_empty() {
        bail!("cluster `{id}` has no worker URLs (set `urls`)");
    }
    let urls = file
        .urls
        .iter()
        .map(|url| normalise_url(url).with_context(|| format!("cluster `{id}`")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let budget = budget_of(&id, file.max_concurrent_calls, file.max_calls_per_second)?;
    let sink_group_pattern = file
        .sink_group_pattern
        .unwrap_or_else(|| DEFAULT_SINK_GROUP_PATTERN.into());
    if !sink_group_pattern.contains("{name}") {
        bail!("cluster `{id}`: sink_group_pattern must contain {{name}}");
    }
    let auth = match file.auth {
        Some(ClusterAuth::Basic { username, password }) => Some(ClusterAuth::Basic {
            username,
            password: resolve(&password, &format!("cluster `{id}`: auth.password"))?,
        }),
        Some(ClusterAuth::Bearer { token }) => Some(ClusterAuth::Bearer {
            token: resolve(&token, &format!("cluster `{id}`: auth.token"))?,
        }),
        None => None,
    };
    let kafka_properties = resolve_properties(file.kafka_properties, &format!("cluster `{id}`"))?;
    Ok(Cluster {
        name: file.name.unwrap_or_else(|| id.clone()),
        id,
        urls,
        bootstrap_servers: file.bootstrap_servers,
        read_only: file.read_only,
        auth,
        tls: file.tls,
        kafka_properties,
        sink_group_pattern,
        internal_topics: file.internal_topics.into(),
        budget,
    })
}

/// A cluster's request budget: the defaults, with the file's limits where it sets them.
fn budget_of(
    id: &str,
    max_concurrent: Option<usize>,
    per_second: Option<u32>,
) -> anyhow::Result<RequestBudget> {
    let default = RequestBudget::default();
    let budget = RequestBudget {
        max_concurrent: max_concurrent.unwrap_or(default.max_concurrent),
        per_second: per_second.unwrap_or(default.per_second),
    };
    if budget.max_concurrent == 0 || budget.per_second == 0 {
        bail!("cluster `{id}`: max_concurrent_calls and max_calls_per_second must be at least 1");
    }
    Ok(budget)
}

/// Refuses an id that is empty or holds anything but letters, digits, `-` and `_`.
fn check_id(id: &str, what: &str) -> anyhow::Result<()> {
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        bail!("{what} id `{id}` must be non-empty and use only letters, digits, `-` and `_`");
    }
    Ok(())
}

/// Kafka client properties with their `${env:...}` and `${file:...}` values resolved.
fn resolve_properties(
    properties: BTreeMap<String, String>,
    place: &str,
) -> anyhow::Result<BTreeMap<String, String>> {
    properties
        .into_iter()
        .map(|(key, value)| {
            let value = resolve(&value, &format!("{place}: kafka_properties.{key}"))?;
            Ok((key, value))
        })
        .collect()
}

fn normalise_url(raw: &str) -> anyhow::Result<String> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| anyhow::anyhow!("worker URL `{raw}` is not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("worker URL `{raw}` must start with http:// or https://");
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("worker URL `{raw}` must not carry credentials; use the cluster's `auth` table");
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests;
