//! Plugboard's own database: a SQLite file (the default, for one process) or PostgreSQL (shared
//! by several replicas), opened and migrated at start; the one handle every store takes, the
//! macro that runs a query on whichever it is, and the stores' error.
//!
//! Queries are written once, in the SQL both understand (`$1` parameters, `returning`,
//! `on conflict`), with times made in Rust ([`crate::clock`]) rather than by SQL functions.

mod location;
mod migrate;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};

pub use location::DatabaseLocation;

/// An open, migrated database; cheap to clone (a pool).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the pool of the database `$db` is, whichever it is: the
/// same code compiled for each, so a query is written once. `$body` must have one type for
/// both (map a query result to its `rows_affected()`, for instance).
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// `$template!` (a macro that takes a string literal) given the SQL of the database's own
/// clock in Unix milliseconds, in `$db`'s dialect: replicas that compare times (leases) read
/// the one clock of their database rather than each their own.
macro_rules! with_db_clock {
    ($db:expr, $template:ident) => {
        match $db {
            $crate::db::Db::Sqlite(_) => {
                $template!("cast((julianday('now') - 2440587.5) * 86400000 as integer)")
            }
            $crate::db::Db::Postgres(_) => {
                $template!("(extract(epoch from clock_timestamp()) * 1000)::bigint")
            }
        }
    };
}
pub(crate) use with_db_clock;

/// Opens the database at `location` (a SQLite file is created if needed) and applies pending
/// migrations; refuses a database whose schema is newer than this binary.
pub async fn open(location: &DatabaseLocation) -> anyhow::Result<Db> {
    let db = match location {
        DatabaseLocation::File(path) => {
            let options = SqliteConnectOptions::from_str("sqlite:")?
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // A write waits for another this long (its WAL fsync may be slow on a busy
                // disk) rather than fail.
                .busy_timeout(Duration::from_secs(15))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .with_context(|| format!("cannot open database {location}"))?;
            Db::Sqlite(pool)
        }
        DatabaseLocation::Postgres(url) => {
            let options = PgConnectOptions::from_str(url)
                .map_err(|_| anyhow::anyhow!("database {location} is not a PostgreSQL URL"))?
                .application_name("plugboard");
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .with_context(|| format!("cannot open database {location}"))?;
            Db::Postgres(pool)
        }
    };
    migrate::run(&db)
        .await
        .with_context(|| format!("cannot apply migrations to database {location}"))?;
    Ok(db)
}

impl Db {
    /// Whether the database answers a trivial query.
    pub async fn is_ready(&self) -> bool {
        on_db!(self, pool => sqlx::query("select 1").execute(pool).await.is_ok())
    }

    /// Closes every connection, waiting for those in use to come back.
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await);
    }
}

/// Adds ` and {column} in (...)` for `values` when given (matching no row when empty) to a
/// query of either database.
pub(crate) fn push_one_of<DB: sqlx::Database>(
    query: &mut sqlx::QueryBuilder<DB>,
    column: &str,
    values: Option<&[String]>,
) where
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    match values {
        None => {}
        Some([]) => {
            query.push(" and 0 = 1");
        }
        Some(values) => {
            query.push(format!(" and {column} in ("));
            let mut list = query.separated(", ");
            for value in values {
                list.push_bind(value.clone());
            }
            query.push(")");
        }
    }
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
