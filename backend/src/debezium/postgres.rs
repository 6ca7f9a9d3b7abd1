//! Reading a Debezium source's PostgreSQL database, safely: a fixed list of queries (no SQL
//! from anyone), each connection read-only with a statement and lock timeout and a small
//! limit on their number, and the role checked for `pg_monitor` first, so that a role without
//! it gets a sentence saying what to grant rather than whatever the catalog refuses. Readings
//! with connectors' own credentials take a permit each, so pages cannot open more connections
//! than the database's `max_connections`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use api_types::{DatabaseAccess, SlotStatus};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection, Postgres, Transaction};
use tokio::sync::Semaphore;

use crate::config::{DatabaseCredentials, SourceDatabase};

/// How long a connection may take to come, or to be free in the pool.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a query may wait for a lock (none of the fixed queries takes one it should wait
/// for).
const LOCK_TIMEOUT_MS: u64 = 500;

/// What one reading of a source database found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DatabaseReading {
    /// The database's logical slots, by name.
    pub slots: Vec<SlotStatus>,
    pub current_lsn: Option<String>,
    /// The publication asked about: `None` when it does not exist, else whether it is
    /// `FOR ALL TABLES` and the tables it names (`schema.table`).
    pub publication: Option<(bool, Vec<String>)>,
}

/// Why a source database could not be read, as a sentence to act on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadProblem(pub String);

/// How Plugboard reaches one source database: a small pool for its monitoring role, or, with
/// connectors' credentials, permits for as many connections at once as the pool would hold.
#[derive(Clone)]
enum Reach {
    Pool(PgPool),
    Connections(Arc<Semaphore>),
}

/// The source databases Plugboard may read, each reached with at most its `max_connections`.
#[derive(Clone, Default)]
pub(crate) struct SourceDatabases {
    pools: BTreeMap<String, (SourceDatabase, Reach)>,
}

impl SourceDatabases {
    /// A lazy pool per database with a monitoring role: nothing connects until a reading.
    pub(crate) fn new(databases: &[SourceDatabase]) -> Self {
        let pools = databases
            .iter()
            .map(|database| {
                let reach = match &database.credentials {
                    DatabaseCredentials::Monitoring { user, password } => Reach::Pool(
                        PgPoolOptions::new()
                            .max_connections(database.max_connections)
                            .acquire_timeout(CONNECT_TIMEOUT)
                            .idle_timeout(Duration::from_secs(60))
                            .connect_lazy_with(options(database, user, password)),
                    ),
                    DatabaseCredentials::Connector => Reach::Connections(Arc::new(Semaphore::new(
                        database.max_connections as usize,
                    ))),
                };
                (database.id.clone(), (database.clone(), reach))
            })
            .collect();
        Self { pools }
    }

    /// The configured database a connector with this config reads, if any.
    pub(crate) fn of_connector(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Option<&SourceDatabase> {
        let host = config.get("database.hostname")?;
        let port = config
            .get("database.port")
            .map_or(Some(5432), |p| p.trim().parse().ok())?;
        let dbname = config.get("database.dbname")?;
        self.pools
            .values()
            .map(|(database, _)| database)
            .find(|d| d.serves(host, port, dbname.trim()))
    }

    /// Every configured database with a monitoring role (what the slot watch reads).
    pub(crate) fn monitored(&self) -> impl Iterator<Item = &SourceDatabase> {
        self.pools
            .values()
            .filter(|(_, reach)| matches!(reach, Reach::Pool(_)))
            .map(|(database, _)| database)
    }

    /// Who a reading of `database` for the connector configured by `config` is made as.
    pub(crate) fn access(
        database: &SourceDatabase,
        config: &BTreeMap<String, String>,
    ) -> DatabaseAccess {
        match &database.credentials {
            DatabaseCredentials::Monitoring { user, .. } => {
                DatabaseAccess::Monitoring { user: user.clone() }
            }
            DatabaseCredentials::Connector => DatabaseAccess::ConnectorCredentials {
                user: config.get("database.user").cloned().unwrap_or_default(),
            },
        }
    }

    /// Reads `database`'s slots, WAL position and `publication` (if asked): with its
    /// monitoring pool, or with the user and password of `config` (one connection, closed
    /// after) where the database is configured so.
    pub(crate) async fn read(
        &self,
        database: &SourceDatabase,
        config: &BTreeMap<String, String>,
        publication: Option<&str>,
    ) -> Result<DatabaseReading, ReadProblem> {
        let place = format!("source database `{}`", database.id);
        let Some((_, reach)) = self.pools.get(&database.id) else {
            return Err(ReadProblem(format!("{place} is not configured")));
        };
        match reach {
            Reach::Pool(pool) => {
                let mut transaction = pool.begin().await.map_err(|e| unreachable(&place, &e))?;
                read_in(&mut transaction, &place, publication).await
            }
            Reach::Connections(permits) => {
                let user = config.get("database.user").map_or("", String::as_str);
                let password = config.get("database.password").map_or("", String::as_str);
                if crate::secrets::holds_placeholder([password].into_iter())
                    || password.starts_with("${")
                {
                    return Err(ReadProblem(format!(
                        "{place} is read with the connector's credentials, but its \
                         database.password is not in its config (a config provider holds it): configure a \
                         monitoring role for the database instead"
                    )));
                }
                // However many pages ask at once, no more connections than the pool would hold.
                let _permit = tokio::time::timeout(CONNECT_TIMEOUT, permits.acquire())
                    .await
                    .map_err(|_| ReadProblem(format!("{place} is busy with other readings")))?
                    .map_err(|_| ReadProblem(format!("{place} is not read any more")))?;
                let options = options(database, user, password);
                let mut connection =
                    tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
                        .await
                        .map_err(|_| ReadProblem(format!("{place} did not answer in 5 s")))?
                        .map_err(|e| unreachable(&place, &e))?;
                let reading = {
                    let mut transaction = connection
                        .begin()
                        .await
                        .map_err(|e| unreachable(&place, &e))?;
                    read_in(&mut transaction, &place, publication).await
                };
                let _ = connection.close().await;
                reading
            }
        }
    }
}

/// How Plugboard connects: read-only transactions, the database's statement timeout, a lock
/// timeout, and its name in `pg_stat_activity`.
fn options(database: &SourceDatabase, user: &str, password: &str) -> PgConnectOptions {
    let timeout_ms = database.statement_timeout.as_millis().to_string();
    PgConnectOptions::new()
        .host(&database.host)
        .port(database.port)
        .database(&database.dbname)
        .username(user)
        .password(password)
        .application_name("plugboard")
        .statement_cache_capacity(0)
        .options([
            ("default_transaction_read_only", "on".to_owned()),
            ("statement_timeout", timeout_ms),
            ("lock_timeout", LOCK_TIMEOUT_MS.to_string()),
        ])
}

fn unreachable(place: &str, error: &sqlx::Error) -> ReadProblem {
    ReadProblem(
        crate::secrets::known::scrub_text(&format!("{place} could not be reached: {error}"))
            .into_owned(),
    )
}

/// The logical slots of the database, read with the fixed query.
const SLOTS: &str = "select slot_name::text, plugin::text, active, wal_status, \
     restart_lsn::text, confirmed_flush_lsn::text, \
     pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, \
     pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint \
     from pg_replication_slots \
     where slot_type = 'logical' and database = current_database() order by slot_name";

type SlotRow = (
    String,
    Option<String>,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// The fixed queries, in one read-only transaction (rolled back when dropped).
async fn read_in(
    transaction: &mut Transaction<'_, Postgres>,
    place: &str,
    publication: Option<&str>,
) -> Result<DatabaseReading, ReadProblem> {
    let failed = |e: sqlx::Error| {
        ReadProblem(crate::secrets::known::scrub_text(&format!("{place}: {e}")).into_owned())
    };
    let (user, monitor): (String, bool) = sqlx::query_as(
        "select current_user::text, pg_has_role(current_user, 'pg_monitor', 'USAGE')",
    )
    .fetch_one(&mut **transaction)
    .await
    .map_err(failed)?;
    if !monitor {
        return Err(ReadProblem(format!(
            "The role `{user}` that Plugboard reads {place} with is not a member of \
             pg_monitor, which reading replication slots and WAL positions needs. An \
             administrator can grant it: GRANT pg_monitor TO \"{user}\";"
        )));
    }
    let rows: Vec<SlotRow> = sqlx::query_as(SLOTS)
        .fetch_all(&mut **transaction)
        .await
        .map_err(failed)?;
    let current_lsn: Option<String> = sqlx::query_scalar("select pg_current_wal_lsn()::text")
        .fetch_one(&mut **transaction)
        .await
        .map_err(failed)?;
    let Some(publication) = publication else {
        return Ok(DatabaseReading {
            slots: slots_of(rows),
            current_lsn,
            publication: None,
        });
    };
    let all_tables: Option<bool> =
        sqlx::query_scalar("select puballtables from pg_publication where pubname = $1")
            .bind(publication)
            .fetch_optional(&mut **transaction)
            .await
            .map_err(failed)?;
    let publication = match all_tables {
        Some(all) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "select schemaname::text || '.' || tablename::text from pg_publication_tables \
                 where pubname = $1 order by 1",
            )
            .bind(publication)
            .fetch_all(&mut **transaction)
            .await
            .map_err(failed)?;
            Some((all, tables))
        }
        None => None,
    };
    Ok(DatabaseReading {
        slots: slots_of(rows),
        current_lsn,
        publication,
    })
}

fn slots_of(rows: Vec<SlotRow>) -> Vec<SlotStatus> {
    rows.into_iter()
        .map(
            |(name, plugin, active, wal_status, restart, confirmed, retained, unconsumed)| {
                SlotStatus {
                    name,
                    plugin: plugin.unwrap_or_default(),
                    active,
                    wal_status,
                    restart_lsn: restart,
                    confirmed_flush_lsn: confirmed,
                    retained_bytes: retained,
                    unconsumed_bytes: unconsumed,
                }
            },
        )
        .collect()
}
