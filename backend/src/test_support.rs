//! Helpers shared by the unit tests of several modules.

use std::collections::BTreeMap;

/// A connector config from `(key, value)` pairs.
pub(crate) fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A migrated database in a fresh file under the system temp dir.
pub(crate) async fn scratch_db(label: &str) -> (sqlx::SqlitePool, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("plugboard-{label}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    (crate::db::open(&path).await.unwrap(), path)
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
    let (_, database) = scratch_db(label).await;
    let mut args = vec![
        "plugboard",
        "--connect-url",
        "http://127.0.0.1:9",
        "--database",
        database.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let cli = crate::cli::Cli::try_parse_from(args).unwrap();
    let settings = crate::config::Settings::merge(cli.flags, Default::default()).unwrap();
    crate::state::AppState::build(settings).await.unwrap()
}
