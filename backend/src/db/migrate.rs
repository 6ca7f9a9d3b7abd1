//! The migrations of each kind of database (`migrations/sqlite`, `migrations/postgres` at the
//! repository root), applied at start; a schema newer than this binary is refused by name.

use anyhow::bail;
use sqlx::migrate::Migrator;

use super::{Db, on_db};

static SQLITE: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("../migrations/postgres");

/// Applies the pending migrations of `db`'s kind. Several replicas may start together on one
/// PostgreSQL database: sqlx holds an advisory lock while it migrates, so one applies them.
pub(super) async fn run(db: &Db) -> anyhow::Result<()> {
    let migrator = match db {
        Db::Sqlite(_) => &SQLITE,
        Db::Postgres(_) => &POSTGRES,
    };
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(applied) = newest_applied(db).await
        && applied > known
    {
        bail!(
            "its schema is version {applied}, newer than this Plugboard knows (up to {known}): \
             a newer Plugboard has used it. Run that version (or newer), or start from a backup \
             made before the upgrade"
        );
    }
    on_db!(db, pool => migrator.run(pool).await)?;
    Ok(())
}

/// The newest migration applied to `db`, if it has been migrated at all.
async fn newest_applied(db: &Db) -> Option<i64> {
    let sql = "select max(version) from _sqlx_migrations where success";
    // A database never migrated has no such table: an error here means "none applied".
    on_db!(db, pool => sqlx::query_scalar::<_, Option<i64>>(sql).fetch_one(pool).await)
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::scratch_location;

    #[tokio::test]
    async fn a_database_migrated_by_a_newer_plugboard_is_refused_by_name() {
        let location = scratch_location("newer-schema").await;
        let db = super::super::open(&location).await.unwrap();
        let newer = "insert into _sqlx_migrations (version, description, success, checksum, \
                     execution_time) values (9999, 'from the future', true, $1, 0)";
        on_db!(&db, pool => sqlx::query(newer).bind(vec![0u8; 48]).execute(pool).await.map(drop))
            .unwrap();
        db.close().await;

        let refused = super::super::open(&location).await.unwrap_err();

        let message = format!("{refused:#}");
        assert!(message.contains("schema is version 9999"), "{message}");
        assert!(message.contains("newer than this Plugboard"), "{message}");
    }
}
