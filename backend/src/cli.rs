//! The command line: the server's flags ([`ServerFlags`], each also an environment variable,
//! which [`crate::config`] turns into the settings the server runs with), and the subcommands
//! that run instead of the server: `plugboard user` ([`user_command`]), and `export`, `plan`
//! and `apply`, clients of a running Plugboard ([`specs_client`]).

pub mod specs_client;
pub mod user_command;

use std::path::PathBuf;

use clap::Parser;

use crate::config::ServerFlags;
use crate::telemetry::LogFormat;

/// The command line: the server's flags, and a subcommand to run instead of the server.
#[derive(Debug, Parser)]
#[command(
    name = "plugboard",
    version,
    about = "Web console and API gateway for Kafka Connect"
)]
pub struct Cli {
    #[command(flatten)]
    pub flags: ServerFlags,
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
