//! The server's command-line flags, each also an environment variable; [`super::Settings`]
//! merges them with the optional TOML file. The command line ([`crate::cli`]) holds them.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The flags that set up the server; every one can also come from the environment.
#[derive(Debug, Default, clap::Args)]
pub struct ServerFlags {
    /// TOML file listing Connect clusters and settings.
    #[arg(long, env = "PLUGBOARD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "PLUGBOARD_BIND")]
    pub bind: Option<SocketAddr>,
    /// Plugboard's own database: a SQLite file, or a `postgres://` URL that several replicas
    /// share [default: plugboard.db].
    #[arg(long, env = "PLUGBOARD_DATABASE")]
    pub database: Option<super::StoreSetting>,
    /// Worker URL(s) of one Connect cluster named `default` (comma-separated).
    #[arg(long, env = "PLUGBOARD_CONNECT_URL", value_delimiter = ',')]
    pub connect_url: Vec<String>,
    /// Kafka bootstrap servers of the `default` cluster.
    #[arg(long, env = "PLUGBOARD_BOOTSTRAP_SERVERS")]
    pub bootstrap_servers: Option<String>,
    /// Timeout of each call to a Connect worker, in milliseconds [default: 30000].
    #[arg(long, env = "PLUGBOARD_UPSTREAM_TIMEOUT_MS")]
    pub upstream_timeout_ms: Option<u64>,
    /// How long list and status answers from Connect are reused, in milliseconds [default: 2000].
    #[arg(long, env = "PLUGBOARD_CACHE_TTL_MS")]
    pub cache_ttl_ms: Option<u64>,
    /// How often connector and task states are polled for the state timeline, in milliseconds
    /// [default: 10000].
    #[arg(long, env = "PLUGBOARD_STATE_POLL_MS")]
    pub state_poll_ms: Option<u64>,
    /// How often each cluster's connector list is read for the pages open on it (only while
    /// one is), in milliseconds [default: 2000].
    #[arg(long, env = "PLUGBOARD_LIVE_POLL_MS")]
    pub live_poll_ms: Option<u64>,
    /// How often each cluster's brokers, partitions, groups and offsets are read, in
    /// milliseconds [default: 10000].
    #[arg(long, env = "PLUGBOARD_KAFKA_POLL_MS")]
    pub kafka_poll_ms: Option<u64>,
    /// Timeout of each call to Kafka, in milliseconds [default: 5000].
    #[arg(long, env = "PLUGBOARD_KAFKA_TIMEOUT_MS")]
    pub kafka_timeout_ms: Option<u64>,
    /// How often alert rules are judged, in milliseconds [default: 10000].
    #[arg(long, env = "PLUGBOARD_ALERT_INTERVAL_MS")]
    pub alert_interval_ms: Option<u64>,
    /// Who the history names as the actor of changes when nobody signs in (Plugboard on
    /// loopback without login) [default: plugboard].
    #[arg(long, env = "PLUGBOARD_ACTOR")]
    pub actor: Option<String>,
    /// How long a client may take to send a request's head, in milliseconds [default: 10000].
    #[arg(long, env = "PLUGBOARD_HEADER_READ_TIMEOUT_MS")]
    pub header_read_timeout_ms: Option<u64>,
    /// How long a connection may stay idle between requests, in milliseconds [default: 60000].
    #[arg(long, env = "PLUGBOARD_KEEP_ALIVE_TIMEOUT_MS")]
    pub keep_alive_timeout_ms: Option<u64>,
    /// Connections open at once; more are answered 503 [default: 1000].
    #[arg(long, env = "PLUGBOARD_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
}
