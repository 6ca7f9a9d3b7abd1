//! Plugboard's own database in the tests: a SQLite file in the test's scratch directory, or,
//! when `PLUGBOARD_TEST_STORE=postgres` (scripts/test.sh runs the history, access and alerts
//! tests so a second time), a database of its own on the stack's PostgreSQL.

use plugboard::db::DatabaseLocation;
use sqlx::Connection;

use super::ScratchDir;
use super::databases::{password_of, postgres_port};

/// Whether the tests keep Plugboard's data in PostgreSQL.
pub(crate) fn on_postgres() -> bool {
    match std::env::var("PLUGBOARD_TEST_STORE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("PLUGBOARD_TEST_STORE is `{other}`: sqlite or postgres"),
    }
}

/// The stack's PostgreSQL server as Plugboard's store role reaches it (no database named).
pub(crate) fn postgres_server() -> String {
    let password = password_of("plugboard_store");
    format!(
        "postgres://plugboard_store:{password}@127.0.0.1:{}",
        postgres_port()
    )
}

impl ScratchDir {
    /// Plugboard's database for this directory: its file `plugboard.db`, or on PostgreSQL a
    /// database named after the directory, made when missing (so a restart finds it again).
    pub(crate) async fn store(&self) -> DatabaseLocation {
        if on_postgres() {
            self.postgres_store().await
        } else {
            DatabaseLocation::File(self.path("plugboard.db"))
        }
    }

    /// A database on the stack's PostgreSQL named after this directory, made when missing.
    pub(crate) async fn postgres_store(&self) -> DatabaseLocation {
        let name = self.0.file_name().unwrap().to_string_lossy();
        let database = format!("pb_{}", name.replace(['-', '.'], "_"));
        let server = postgres_server();
        let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap();
        let exists: Option<i32> =
            sqlx::query_scalar("select 1 from pg_database where datname = $1")
                .bind(&database)
                .fetch_optional(&mut admin)
                .await
                .unwrap();
        if exists.is_none() {
            let create = format!("create database {database}");
            sqlx::raw_sql(sqlx::AssertSqlSafe(create))
                .execute(&mut admin)
                .await
                .unwrap();
        }
        DatabaseLocation::Postgres(format!("{server}/{database}"))
    }
}

/// The `--database` argument that names `location`.
pub(crate) fn argument(location: &DatabaseLocation) -> String {
    match location {
        DatabaseLocation::File(path) => path.display().to_string(),
        DatabaseLocation::Postgres(url) => url.clone(),
    }
}

/// Everything stored at `location` as text, for looking for what must not be there: the
/// SQLite file with its journal, or every row of every table of the PostgreSQL database.
pub(crate) async fn stored_text(location: &DatabaseLocation) -> String {
    match location {
        DatabaseLocation::File(path) => {
            let mut bytes = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                let file = format!("{}{suffix}", path.display());
                bytes.extend(std::fs::read(&file).unwrap_or_default());
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        DatabaseLocation::Postgres(url) => {
            let mut db = sqlx::PgConnection::connect(url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "select tablename::text from pg_tables where schemaname = 'public'",
            )
            .fetch_all(&mut db)
            .await
            .unwrap();
            let mut text = String::new();
            for table in tables {
                let rows =
                    format!("select coalesce(string_agg(t::text, E'\\n'), '') from {table} t");
                let dump: String = sqlx::query_scalar(sqlx::AssertSqlSafe(rows))
                    .fetch_one(&mut db)
                    .await
                    .unwrap();
                text.push_str(&dump);
            }
            text
        }
    }
}
