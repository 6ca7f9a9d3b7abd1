//! The connectors of strict clusters (connectors as code, `strict = true`): the change path
//! refuses a change to one unless it comes from `apply`. Read from the database before each
//! change, so that every replica judges by the last apply, whichever replica made it.

use crate::db::{Db, on_db};

/// Whether `connector` of `cluster` was last applied to a strict cluster.
pub(crate) async fn covers(db: &Db, cluster: &str, connector: &str) -> sqlx::Result<bool> {
    let sql = "select count(*) from applied_connectors c \
               join applied_specs s on s.cluster_id = c.cluster_id \
               where s.strict and c.cluster_id = $1 and c.connector = $2";
    let found: i64 = on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(cluster)
        .bind(connector)
        .fetch_one(pool)
        .await)?;
    Ok(found > 0)
}
