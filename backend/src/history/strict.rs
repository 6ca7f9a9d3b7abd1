//! The connectors of strict clusters (connectors as code, `strict = true`): the change path
//! refuses a change to one unless it comes from `apply`, which rewrites the set after each apply.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use crate::db::{Db, on_db};

/// The connectors of strict clusters, by cluster: changes to them are refused unless they come
/// from `apply`. Cheap to clone; read before every change, written by `apply`.
#[derive(Clone, Default)]
pub struct StrictConnectors(Arc<RwLock<HashMap<String, HashSet<String>>>>);

impl StrictConnectors {
    pub async fn load(db: &Db) -> sqlx::Result<Self> {
        let sql = "select c.cluster_id, c.connector from applied_connectors c \
                   join applied_specs s on s.cluster_id = c.cluster_id where s.strict";
        let rows: Vec<(String, String)> =
            on_db!(db, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        let strict = Self::default();
        {
            let mut map = strict
                .0
                .write()
                .expect("never poisoned: no panics under the lock");
            for (cluster, connector) in rows {
                map.entry(cluster).or_default().insert(connector);
            }
        }
        Ok(strict)
    }

    /// After an apply: `cluster`'s strict connectors are now `connectors` (none when not strict).
    pub fn set(&self, cluster: &str, connectors: HashSet<String>) {
        let mut map = self
            .0
            .write()
            .expect("never poisoned: no panics under the lock");
        map.insert(cluster.to_owned(), connectors);
    }

    pub fn covers(&self, cluster: &str, connector: &str) -> bool {
        let map = self
            .0
            .read()
            .expect("never poisoned: no panics under the lock");
        map.get(cluster)
            .is_some_and(|names| names.contains(connector))
    }
}
