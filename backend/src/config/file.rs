//! The TOML configuration file: its shape, and reading it with errors that name the problem.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use super::access::{AccessFile, TlsFiles};
use plugboard_connect::{ClusterAuth, ClusterTls};

/// The whole file. Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub bind: Option<SocketAddr>,
    pub database: Option<super::StoreSetting>,
    pub upstream_timeout_ms: Option<u64>,
    pub cache_ttl_ms: Option<u64>,
    pub state_poll_ms: Option<u64>,
    pub live_poll_ms: Option<u64>,
    pub kafka_poll_ms: Option<u64>,
    /// How often each source database with a monitoring role is read for its slots.
    pub slot_poll_ms: Option<u64>,
    pub kafka_timeout_ms: Option<u64>,
    pub alert_interval_ms: Option<u64>,
    pub actor: Option<String>,
    pub history_retention_days: Option<u32>,
    pub history_max_rows: Option<u32>,
    /// Reads of record contents that may run at once per cluster.
    pub max_record_reads: Option<usize>,
    pub header_read_timeout_ms: Option<u64>,
    pub keep_alive_timeout_ms: Option<u64>,
    pub max_connections: Option<usize>,
    #[serde(default)]
    pub access: AccessFile,
    pub tls: Option<TlsFiles>,
    #[serde(default)]
    pub clusters: Vec<ClusterFile>,
    /// Kafka clusters named on their own (see [`super::kafka`]).
    #[serde(default)]
    pub kafka_clusters: Vec<super::KafkaClusterFile>,
    /// Databases Debezium's PostgreSQL sources read (see [`super::databases`]).
    #[serde(default)]
    pub source_databases: Vec<super::SourceDatabaseFile>,
}

/// One `[[clusters]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    pub id: String,
    pub name: Option<String>,
    #[serde(default)]
    pub urls: Vec<String>,
    pub bootstrap_servers: Option<String>,
    /// The id of the `[[kafka_clusters]]` table of the Kafka this cluster runs on (instead of
    /// `bootstrap_servers` and `kafka_properties` here).
    pub kafka: Option<String>,
    #[serde(default)]
    pub read_only: bool,
    pub auth: Option<ClusterAuth>,
    pub tls: Option<ClusterTls>,
    /// Extra librdkafka properties (SASL, SSL) for this cluster's Kafka.
    #[serde(default)]
    pub kafka_properties: BTreeMap<String, String>,
    /// The consumer group of a sink connector, `{name}` standing for the connector's name.
    pub sink_group_pattern: Option<String>,
    /// The workers' `config.storage.topic`, `offset.storage.topic` and `status.storage.topic`,
    /// when not Connect's defaults.
    #[serde(default)]
    pub internal_topics: InternalTopicsFile,
    /// The most calls to this cluster in flight at once (default 8).
    pub max_concurrent_calls: Option<usize>,
    /// The most calls to this cluster started per second (default 100).
    pub max_calls_per_second: Option<u32>,
}

/// `internal_topics` of a cluster as written; each name defaults to Connect's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternalTopicsFile {
    pub config: Option<String>,
    pub offsets: Option<String>,
    pub status: Option<String>,
}

impl ConfigFile {
    /// Reads and parses `path`; a syntax error or unknown key is reported with its line.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("config file {}", path.display()))
    }

    fn parse(text: &str) -> anyhow::Result<Self> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start].matches('\n').count() + 1);
            let message = e.message().trim().replace('\n', " ");
            match line {
                Some(line) => anyhow::anyhow!("line {line}: {message}"),
                None => anyhow::anyhow!("{message}"),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_reported_with_its_line() {
        let err =
            ConfigFile::parse("bind = \"127.0.0.1:1\"\n[[clusters]]\nid = \"a\"\ncolour = 1\n")
                .unwrap_err()
                .to_string();
        assert!(err.starts_with("line 4:"), "{err}");
        assert!(err.contains("colour"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn basic_and_bearer_auth_parse_and_never_print_secrets() {
        let file = ConfigFile::parse(
            r#"
            [[clusters]]
            id = "a"
            urls = ["http://a:8083"]
            auth = { type = "basic", username = "ops", password = "hunter2" }
            [[clusters]]
            id = "b"
            urls = ["http://b:8083"]
            auth = { type = "bearer", token = "tok-123" }
            "#,
        )
        .unwrap();
        let debug = format!("{file:?}");
        assert!(debug.contains("ops"));
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("tok-123"), "{debug}");
    }
}
