//! The command line: the server's flags (each also an environment variable), and the
//! subcommands that run instead of the server: `plugboard user`, and `export`, `plan` and
//! `apply`, clients of a running Plugboard ([`specs_client`]). [`crate::config`] turns the flags
//! into the settings the server runs with.

pub mod specs_client;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::telemetry::LogFormat;

/// Command-line flags; every one can also come from the environment.
#[derive(Debug, Parser)]
#[command(
    name = "plugboard",
    version,
    about = "Web console and API gateway for Kafka Connect"
)]
pub struct Cli {
    /// TOML file listing Connect clusters and settings.
    #[arg(long, env = "PLUGBOARD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "PLUGBOARD_BIND")]
    pub bind: Option<SocketAddr>,
    /// SQLite database file [default: plugboard.db].
    #[arg(long, env = "PLUGBOARD_DATABASE")]
    pub database: Option<PathBuf>,
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
    /// Log line format.
    #[arg(long, env = "PLUGBOARD_LOG_FORMAT", value_enum, default_value_t)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do instead of serving.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Manage built-in users (in the database of --database / the config file).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Write a cluster's connectors as spec files (secrets as ${env:...} references).
    Export {
        /// The cluster to export.
        #[arg(long)]
        cluster: String,
        /// Only this connector.
        #[arg(long)]
        connector: Option<String>,
        /// The directory to write the files to.
        #[arg(long, default_value = ".")]
        out: PathBuf,
        #[command(flatten)]
        server: Server,
    },
    /// Show what applying the specs in DIR would change. Exit status: 0 nothing, 2 changes, 1 error.
    Plan {
        dir: PathBuf,
        /// Also delete connectors the last apply managed that are no longer in DIR.
        #[arg(long)]
        prune: bool,
        #[command(flatten)]
        server: Server,
    },
    /// Apply the specs in DIR through Plugboard's history. Exit status: 0 done, 1 error.
    Apply {
        dir: PathBuf,
        /// Also delete connectors the last apply managed that are no longer in DIR.
        #[arg(long)]
        prune: bool,
        /// Only plan (exit status as `plan`).
        #[arg(long)]
        dry_run: bool,
        /// The git commit the specs come from, recorded with each change.
        #[arg(long, env = "PLUGBOARD_COMMIT")]
        commit: Option<String>,
        /// Refuse edits of these connectors made anywhere else than `apply`.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        server: Server,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum UserAction {
    /// Add a user; the password is read from standard input (one line).
    Add {
        name: String,
        /// A role, on every cluster (`editor`) or on some (`editor@dev,staging`); repeatable.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Set a user's password, read from standard input (one line); ends its sessions.
    Passwd { name: String },
    /// Replace a user's roles.
    Roles {
        name: String,
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// List users and their roles.
    List,
    /// Remove a user with its sessions and tokens.
    Remove { name: String },
}

/// Where the Plugboard to talk to is, and how to sign in to it.
#[derive(Debug, Clone, clap::Args)]
pub struct Server {
    /// Plugboard's URL.
    #[arg(
        long,
        env = "PLUGBOARD_SERVER",
        default_value = "http://127.0.0.1:8080"
    )]
    pub server: String,
    /// An API token (from the console's Access page); not needed when login is off.
    #[arg(long, env = "PLUGBOARD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}
