//! The specs last applied to each cluster, in SQLite (the strict clusters' connectors that the
//! change path consults are [`crate::history::strict`]).

use std::collections::BTreeMap;

use api_types::{AppliedSpecs, ConnectorSpec, RecordedChange, Source};
use sqlx::SqlitePool;

use super::compare::Expected;

/// One applied connector: its spec as written and what comparing it needs.
#[derive(Debug, Clone)]
pub(crate) struct AppliedConnector {
    pub spec: ConnectorSpec,
    pub expected: Expected,
}

/// A cluster's last apply.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub specs: AppliedSpecs,
    pub connectors: BTreeMap<String, AppliedConnector>,
}

/// Replaces what was applied to `cluster` with `connectors`, in one transaction.
pub(crate) async fn record(
    db: &SqlitePool,
    cluster: &str,
    specs: &AppliedSpecs,
    connectors: &[AppliedConnector],
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("delete from applied_connectors where cluster_id = ?")
        .bind(cluster)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into applied_specs (cluster_id, applied_at, applied_by, git_commit, strict) \
         values (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?) \
         on conflict (cluster_id) do update set applied_at = excluded.applied_at, \
         applied_by = excluded.applied_by, git_commit = excluded.git_commit, strict = excluded.strict",
    )
    .bind(cluster)
    .bind(&specs.by)
    .bind(&specs.commit)
    .bind(specs.strict)
    .execute(&mut *tx)
    .await?;
    for connector in connectors {
        sqlx::query(
            "insert into applied_connectors (cluster_id, connector, spec, expected) values (?, ?, ?, ?)",
        )
        .bind(cluster)
        .bind(&connector.spec.name)
        .bind(serde_json::to_string(&connector.spec).expect("a spec always serialises"))
        .bind(serde_json::to_string(&connector.expected).expect("plain data always serialises"))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// What was last applied to `cluster`, or `None` when it is not managed.
pub(crate) async fn applied(db: &SqlitePool, cluster: &str) -> sqlx::Result<Option<Applied>> {
    let row: Option<(String, String, Option<String>, bool)> = sqlx::query_as(
        "select applied_at, applied_by, git_commit, strict from applied_specs where cluster_id = ?",
    )
    .bind(cluster)
    .fetch_optional(db)
    .await?;
    let Some((at, by, commit, strict)) = row else {
        return Ok(None);
    };
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select connector, spec, expected from applied_connectors where cluster_id = ?",
    )
    .bind(cluster)
    .fetch_all(db)
    .await?;
    let connectors = rows
        .into_iter()
        .filter_map(|(name, spec, expected)| {
            let connector = AppliedConnector {
                spec: serde_json::from_str(&spec).ok()?,
                expected: serde_json::from_str(&expected).ok()?,
            };
            Some((name, connector))
        })
        .collect();
    Ok(Some(Applied {
        specs: AppliedSpecs {
            at,
            by,
            commit,
            strict,
        },
        connectors,
    }))
}

/// Successful changes of a connector recorded since `since` by anything but `apply`, newest
/// first.
pub(crate) async fn changes_since(
    db: &SqlitePool,
    cluster: &str,
    connector: &str,
    since: &str,
) -> sqlx::Result<Vec<RecordedChange>> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "select id, started_at, actor, source, action from change_events \
         where cluster_id = ? and connector = ? and started_at > ? and source <> 'apply' \
         and outcome = 'success' order by id desc limit 10",
    )
    .bind(cluster)
    .bind(connector)
    .bind(since)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(event, at, actor, source, action)| {
            Some(RecordedChange {
                event,
                at,
                actor,
                source: Source::parse(&source)?,
                action: api_types::Action::parse(&action)?,
            })
        })
        .collect())
}
