//! Helpers shared by the unit tests of several modules.

use std::collections::BTreeMap;

/// A connector config from `(key, value)` pairs.
pub fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A migrated database in a fresh file under the system temp dir.
pub async fn scratch_db(label: &str) -> (sqlx::SqlitePool, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("plugboard-{label}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    (crate::db::open(&path).await.unwrap(), path)
}
