//! The SQLite database: opened (created when missing) and migrated at start, and the one error
//! type of the stores that read and write it.

use std::path::Path;
use std::str::FromStr;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

/// Opens the database file at `path`, creating it if needed, and applies pending migrations.
pub async fn open(path: &Path) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open database {}", path.display()))?;
    sqlx::migrate!("../migrations")
        .run(&pool)
        .await
        .with_context(|| format!("cannot apply migrations to database {}", path.display()))?;
    Ok(pool)
}

/// Whether the database answers a trivial query.
pub async fn is_ready(pool: &SqlitePool) -> bool {
    sqlx::query("select 1").execute(pool).await.is_ok()
}

/// Why a store could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No row has that key; the message names it.
    #[error("{0}")]
    NotFound(String),
    /// A row with that key exists already.
    #[error("{0}")]
    Conflict(String),
    /// The values given are refused; the message says why.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}
