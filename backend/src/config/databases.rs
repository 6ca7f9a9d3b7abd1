//! The source databases Plugboard may read to watch Debezium's PostgreSQL sources
//! (`[[source_databases]]`): where each is, by which monitoring role, and how little it may
//! take of the database. A connector belongs to the database whose host, port and database
//! name its `database.hostname`, `database.port` and `database.dbname` give (or one of its
//! `aliases`, when Connect reaches the database by another name than Plugboard does).

use std::time::Duration;

use anyhow::bail;
use serde::Deserialize;

/// One `[[source_databases]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDatabaseFile {
    pub id: String,
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    pub dbname: String,
    /// The monitoring role: a member of `pg_monitor`, nothing more.
    pub user: Option<String>,
    /// Its password, or `${env:NAME}` / `${file:PATH}`.
    pub password: Option<String>,
    /// `host:port` names the connectors give the same database by.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Each query's limit (PostgreSQL's `statement_timeout`); default 2 s.
    pub statement_timeout_ms: Option<u64>,
    /// The most connections Plugboard holds to this database; default 2.
    pub max_connections: Option<u32>,
    /// Reads with each connector's own user and password instead of a monitoring role: an
    /// admin's choice, marked as such wherever the readings are shown.
    #[serde(default)]
    pub use_connector_credentials: bool,
}

fn default_port() -> u16 {
    5432
}

/// One source database, checked, with its password resolved.
#[derive(Clone, PartialEq)]
pub struct SourceDatabase {
    pub id: String,
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub credentials: DatabaseCredentials,
    /// Lowercased `host:port` names connectors may use besides `host:port` itself.
    pub aliases: Vec<String>,
    pub statement_timeout: Duration,
    pub max_connections: u32,
}

/// Whose credentials Plugboard reads a source database with.
#[derive(Clone, PartialEq)]
pub enum DatabaseCredentials {
    /// A monitoring role of its own.
    Monitoring { user: String, password: String },
    /// Each connector's `database.user` and `database.password`.
    Connector,
}

impl std::fmt::Debug for SourceDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let credentials = match &self.credentials {
            DatabaseCredentials::Monitoring { user, .. } => format!("monitoring role {user}"),
            DatabaseCredentials::Connector => "the connector's own".to_owned(),
        };
        f.debug_struct("SourceDatabase")
            .field("id", &self.id)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("credentials", &credentials)
            .finish_non_exhaustive()
    }
}

impl SourceDatabase {
    /// Whether a connector reaching `host:port` for database `dbname` reads this database.
    pub fn serves(&self, host: &str, port: u16, dbname: &str) -> bool {
        let named = format!("{}:{port}", host.trim().to_ascii_lowercase());
        dbname == self.dbname
            && (named == format!("{}:{}", self.host.to_ascii_lowercase(), self.port)
                || self.aliases.contains(&named))
    }
}

const DEFAULT_STATEMENT_TIMEOUT_MS: u64 = 2_000;
const DEFAULT_MAX_CONNECTIONS: u32 = 2;

/// The `[[source_databases]]` tables, checked, with their passwords resolved.
pub(super) fn validate_source_databases(
    files: Vec<SourceDatabaseFile>,
) -> anyhow::Result<Vec<SourceDatabase>> {
    let mut databases: Vec<SourceDatabase> = Vec::with_capacity(files.len());
    for file in files {
        let id = file.id;
        super::check_id(&id, "source database")?;
        if databases.iter().any(|d| d.id == id) {
            bail!("source database id `{id}` is configured twice");
        }
        if file.host.trim().is_empty() || file.dbname.trim().is_empty() {
            bail!("source database `{id}` needs a host and a dbname");
        }
        let credentials = match (file.use_connector_credentials, file.user, file.password) {
            (true, None, None) => DatabaseCredentials::Connector,
            (true, _, _) => bail!(
                "source database `{id}` reads with the connectors' credentials: leave out user \
                 and password"
            ),
            (false, Some(user), Some(password)) => DatabaseCredentials::Monitoring {
                password: super::resolve(&password, &format!("source database `{id}`: password"))?,
                user,
            },
            (false, _, _) => bail!(
                "source database `{id}` needs a monitoring role (user and password), or \
                 use_connector_credentials = true"
            ),
        };
        let aliases = file
            .aliases
            .iter()
            .map(|alias| {
                let alias = alias.trim().to_ascii_lowercase();
                match alias.rsplit_once(':') {
                    Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                        Ok(alias)
                    }
                    _ => bail!("source database `{id}`: alias `{alias}` must be host:port"),
                }
            })
            .collect::<anyhow::Result<_>>()?;
        let timeout_ms = file
            .statement_timeout_ms
            .unwrap_or(DEFAULT_STATEMENT_TIMEOUT_MS);
        let max_connections = file.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS);
        if timeout_ms == 0 || max_connections == 0 {
            bail!(
                "source database `{id}`: statement_timeout_ms and max_connections must be at \
                 least 1"
            );
        }
        databases.push(SourceDatabase {
            id,
            host: file.host.trim().to_owned(),
            port: file.port,
            dbname: file.dbname,
            credentials,
            aliases,
            statement_timeout: Duration::from_millis(timeout_ms),
            max_connections,
        });
    }
    Ok(databases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> anyhow::Result<Vec<SourceDatabase>> {
        #[derive(Deserialize)]
        struct Tables {
            source_databases: Vec<SourceDatabaseFile>,
        }
        let tables: Tables = toml::from_str(text).unwrap();
        validate_source_databases(tables.source_databases)
    }

    #[test]
    fn a_monitoring_role_matches_its_database_by_address_or_alias() {
        let databases = file(
            r#"
            [[source_databases]]
            id = "shop"
            host = "DB.internal"
            dbname = "shop"
            user = "plugboard_monitor"
            password = "s3cret-monitor"
            aliases = ["postgres:5432"]
            "#,
        )
        .unwrap();
        let shop = &databases[0];
        assert!(shop.serves("db.internal", 5432, "shop"));
        assert!(shop.serves("Postgres", 5432, "shop"));
        assert!(!shop.serves("db.internal", 5433, "shop"));
        assert!(!shop.serves("db.internal", 5432, "other"));
        assert_eq!(shop.statement_timeout, Duration::from_secs(2));
        assert_eq!(shop.max_connections, 2);
        let debug = format!("{databases:?}");
        assert!(debug.contains("plugboard_monitor"), "{debug}");
        assert!(!debug.contains("s3cret-monitor"), "{debug}");
    }

    #[test]
    fn credentials_are_a_monitoring_role_or_the_connectors_never_both() {
        let both = file(
            r#"
            [[source_databases]]
            id = "a"
            host = "h"
            dbname = "d"
            user = "u"
            password = "p"
            use_connector_credentials = true
            "#,
        );
        assert!(format!("{:#}", both.unwrap_err()).contains("leave out user"));
        let neither = file("[[source_databases]]\nid = \"a\"\nhost = \"h\"\ndbname = \"d\"\n");
        assert!(format!("{:#}", neither.unwrap_err()).contains("monitoring role"));
        let connector = file(
            "[[source_databases]]\nid = \"a\"\nhost = \"h\"\ndbname = \"d\"\n\
             use_connector_credentials = true\n",
        )
        .unwrap();
        assert!(connector[0].credentials == DatabaseCredentials::Connector);
        let bad_alias = file(
            "[[source_databases]]\nid = \"a\"\nhost = \"h\"\ndbname = \"d\"\n\
             use_connector_credentials = true\naliases = [\"nohost\"]\n",
        );
        assert!(format!("{:#}", bad_alias.unwrap_err()).contains("host:port"));
    }
}
