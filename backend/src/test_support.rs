//! Helpers shared by the unit tests of several modules.

use std::collections::BTreeMap;

/// A connector config from `(key, value)` pairs.
pub(crate) fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A migrated database of its own: a fresh SQLite file under the system temp dir or, when
/// `PLUGBOARD_TEST_STORE=postgres` (scripts/test.sh runs the stores' tests so too), a fresh
/// database on the test stack's PostgreSQL.
pub(crate) async fn scratch_db(label: &str) -> crate::db::Db {
    crate::db::open(&scratch_location(label).await)
        .await
        .unwrap()
}

/// Where [`scratch_db`] keeps a database, made empty.
pub(crate) async fn scratch_location(label: &str) -> crate::db::DatabaseLocation {
    use std::sync::atomic::{AtomicU32, Ordering};
    static MADE: AtomicU32 = AtomicU32::new(0);
    let unique = format!(
        "{label}-{}-{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    );
    match std::env::var("PLUGBOARD_TEST_STORE").as_deref() {
        Ok("postgres") => scratch_postgres(&unique).await,
        Ok("sqlite") | Err(_) => {
            let path = std::env::temp_dir().join(format!("plugboard-{unique}.db"));
            let _ = std::fs::remove_file(&path);
            crate::db::DatabaseLocation::File(path)
        }
        Ok(other) => panic!("PLUGBOARD_TEST_STORE is `{other}`: sqlite or postgres"),
    }
}

/// A new database `name` on the stack's PostgreSQL, owned by Plugboard's store role.
async fn scratch_postgres(name: &str) -> crate::db::DatabaseLocation {
    use sqlx::Connection;
    let setting = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
    };
    let port = setting("PLUGBOARD_TEST_POSTGRES_PORT");
    let passwords = setting("PLUGBOARD_TEST_DATABASE_PASSWORDS");
    let password = (passwords.split(','))
        .find_map(|pair| pair.strip_prefix("plugboard_store="))
        .expect("PLUGBOARD_TEST_DATABASE_PASSWORDS names plugboard_store");
    let server = format!("postgres://plugboard_store:{password}@127.0.0.1:{port}");
    let database = format!("pb_{}", name.replace('-', "_"));
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap();
    let make = format!("drop database if exists {database}; create database {database}");
    for statement in make.split("; ") {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(&mut admin)
            .await
            .unwrap();
    }
    crate::db::DatabaseLocation::Postgres(format!("{server}/{database}"))
}

/// Plugboard's whole app in process (driven with `tower::ServiceExt::oneshot`), on a fresh
/// database, with one cluster `default` whose only worker is down (nothing listens on the
/// discard port): for Plugboard's own logic, which needs no Connect to answer.
pub(crate) async fn app_without_connect(label: &str) -> (axum::Router, crate::state::AppState) {
    let state = state_without_connect(label, &[]).await;
    (crate::app(state.clone()), state)
}

/// The state of [`app_without_connect`], with more command-line flags `extra`.
pub(crate) async fn state_without_connect(label: &str, extra: &[&str]) -> crate::state::AppState {
    use clap::Parser;
    let database = match scratch_location(label).await {
        crate::db::DatabaseLocation::File(path) => path.display().to_string(),
        crate::db::DatabaseLocation::Postgres(url) => url,
    };
    let mut args = vec![
        "plugboard",
        "--connect-url",
        "http://127.0.0.1:9",
        "--database",
        &database,
    ];
    args.extend_from_slice(extra);
    let cli = crate::cli::Cli::try_parse_from(args).unwrap();
    let settings = crate::config::Settings::merge(cli.flags, Default::default()).unwrap();
    crate::state::AppState::build(settings).await.unwrap()
}
