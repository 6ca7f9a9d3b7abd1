//! The specs last applied to each cluster, in the database (the strict clusters' connectors that the
//! change path consults are [`crate::history::strict`]).

use std::collections::BTreeMap;

use super::compare::Expected;
use crate::clock::now_iso;
use crate::db::{Db, on_db};
use api_types::{AppliedSpecs, ConnectorSpec, RecordedChange, Source};

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
    db: &Db,
    cluster: &str,
    specs: &AppliedSpecs,
    connectors: &[AppliedConnector],
) -> sqlx::Result<()> {
    let forget = "delete from applied_connectors where cluster_id = $1";
    let set_specs = "insert into applied_specs (cluster_id, applied_at, applied_by, git_commit, \
                     strict) values ($1, $2, $3, $4, $5) \
                     on conflict (cluster_id) do update set applied_at = excluded.applied_at, \
                     applied_by = excluded.applied_by, git_commit = excluded.git_commit, \
                     strict = excluded.strict";
    let add = "insert into applied_connectors (cluster_id, connector, spec, expected) \
               values ($1, $2, $3, $4)";
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(forget).bind(cluster).execute(&mut *tx).await?;
        sqlx::query(set_specs)
            .bind(cluster)
            .bind(now_iso())
            .bind(&specs.by)
            .bind(&specs.commit)
            .bind(specs.strict)
            .execute(&mut *tx)
            .await?;
        for connector in connectors {
            sqlx::query(add)
                .bind(cluster)
                .bind(&connector.spec.name)
                .bind(serde_json::to_string(&connector.spec).expect("a spec always serialises"))
                .bind(
                    serde_json::to_string(&connector.expected)
                        .expect("plain data always serialises"),
                )
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    })
}

/// What was last applied to `cluster`, or `None` when it is not managed.
pub(crate) async fn applied(db: &Db, cluster: &str) -> sqlx::Result<Option<Applied>> {
    let specs = "select applied_at, applied_by, git_commit, strict from applied_specs \
                 where cluster_id = $1";
    let row: Option<(String, String, Option<String>, bool)> =
        on_db!(db, pool => sqlx::query_as(specs).bind(cluster).fetch_optional(pool).await)?;
    let Some((at, by, commit, strict)) = row else {
        return Ok(None);
    };
    let sql = "select connector, spec, expected from applied_connectors where cluster_id = $1";
    let rows: Vec<(String, String, String)> =
        on_db!(db, pool => sqlx::query_as(sql).bind(cluster).fetch_all(pool).await)?;
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
    db: &Db,
    cluster: &str,
    connector: &str,
    since: &str,
) -> sqlx::Result<Vec<RecordedChange>> {
    let sql = "select id, started_at, actor, source, action from change_events \
               where cluster_id = $1 and connector = $2 and started_at > $3 \
               and source <> 'apply' and outcome = 'success' order by id desc limit 10";
    let rows: Vec<(i64, String, String, String, String)> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(cluster)
        .bind(connector)
        .bind(since)
        .fetch_all(pool)
        .await)?;
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
