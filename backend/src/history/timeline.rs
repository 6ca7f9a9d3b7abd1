//! The state timeline: every change of state or worker of a connector or task that polling
//! Connect reveals, stored beside the change history. The last state seen of each is read back
//! at start, so a restart of Plugboard records nothing twice.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use api_types::{ConnectorState, StateTransition, trace_headline};
use sqlx::FromRow;

use crate::clock::{iso_seconds_ago, now_iso};
use crate::db::{Db, on_db};
use crate::secrets::known::scrub_text;
use plugboard_connect::ClusterClient;
use plugboard_connect::model::ConnectorStatus;

/// A connector (`task` is `None`) or one of its tasks, in a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Subject {
    pub cluster: String,
    pub connector: String,
    pub task: Option<u32>,
}

/// A state and the worker that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seen {
    pub state: ConnectorState,
    pub worker: Option<String>,
}

/// A change found by comparing what is seen now with what was seen last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub subject: Subject,
    pub before: Option<Seen>,
    pub after: Seen,
    pub cause: Option<String>,
}

/// Each subject in `statuses` whose state or worker differs from `known` (or is new).
pub(crate) fn changes(
    cluster: &str,
    statuses: &BTreeMap<String, ConnectorStatus>,
    known: &HashMap<Subject, Seen>,
) -> Vec<Change> {
    let mut found = Vec::new();
    for (name, status) in statuses {
        let entries = std::iter::once((
            None,
            &status.connector.state,
            &status.connector.worker_id,
            &status.connector.trace,
        ))
        .chain(
            status
                .tasks
                .iter()
                .map(|t| (Some(t.id), &t.state, &t.worker_id, &t.trace)),
        );
        for (task, state, worker, trace) in entries {
            let subject = Subject {
                cluster: cluster.to_owned(),
                connector: name.clone(),
                task,
            };
            let after = Seen {
                state: *state,
                worker: worker.clone(),
            };
            let before = known.get(&subject);
            if before != Some(&after) {
                found.push(Change {
                    subject,
                    before: before.cloned(),
                    after,
                    cause: trace.as_deref().and_then(trace_headline),
                });
            }
        }
    }
    found
}

/// Polls `client`'s cluster each `every` and records the changes, from the last states the
/// database holds (so a new leader of the job continues where the last one stopped).
pub(crate) async fn watch_states(db: Db, client: ClusterClient, every: Duration) {
    let mut known = match last_seen(&db, client.id()).await {
        Ok(known) => known,
        Err(e) => {
            tracing::error!("cannot read the state timeline, so it stays off: {e}");
            return;
        }
    };
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        // A cluster that does not answer has no news; its last states stay known.
        let Ok(statuses) = client.connector_statuses().await else {
            continue;
        };
        for change in changes(client.id(), &statuses, &known) {
            if let Err(e) = insert(&db, &change).await {
                tracing::error!("cannot record a state change: {e}");
                continue;
            }
            known.insert(change.subject, change.after);
        }
    }
}

async fn insert(db: &Db, change: &Change) -> sqlx::Result<()> {
    let sql = "insert into state_transitions (seen_at, cluster_id, connector, task_id, \
               state_before, state_after, worker_before, worker_after, cause) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_db!(db, pool => sqlx::query(sql)
        .bind(now_iso())
        .bind(&change.subject.cluster)
        .bind(&change.subject.connector)
        .bind(change.subject.task.map(i64::from))
        .bind(change.before.as_ref().map(|b| b.state.as_str()))
        .bind(change.after.state.as_str())
        .bind(change.before.as_ref().and_then(|b| b.worker.as_ref()))
        .bind(&change.after.worker)
        .bind(change.cause.as_deref().map(scrub_text))
        .execute(pool)
        .await
        .map(drop))
}

#[derive(FromRow)]
struct LastRow {
    cluster_id: String,
    connector: String,
    task_id: Option<i64>,
    state_after: String,
    worker_after: Option<String>,
}

async fn last_seen(db: &Db, cluster: &str) -> sqlx::Result<HashMap<Subject, Seen>> {
    let sql = "select cluster_id, connector, task_id, state_after, worker_after \
               from state_transitions where id in (select max(id) from state_transitions \
               where cluster_id = $1 group by connector, task_id)";
    let rows: Vec<LastRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(cluster).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let subject = Subject {
                cluster: r.cluster_id,
                connector: r.connector,
                task: task_number(r.task_id),
            };
            (
                subject,
                Seen {
                    state: ConnectorState::parse(&r.state_after),
                    worker: r.worker_after,
                },
            )
        })
        .collect())
}

#[derive(FromRow)]
struct TransitionRow {
    id: i64,
    seen_at: String,
    task_id: Option<i64>,
    state_before: Option<String>,
    state_after: String,
    worker_before: Option<String>,
    worker_after: Option<String>,
    cause: Option<String>,
}

/// The newest `limit` transitions of one connector and its tasks, newest first.
pub(crate) async fn list(
    db: &Db,
    cluster: &str,
    connector: &str,
    limit: u32,
) -> sqlx::Result<Vec<StateTransition>> {
    let sql = "select id, seen_at, task_id, state_before, state_after, worker_before, \
               worker_after, cause from state_transitions \
               where cluster_id = $1 and connector = $2 order by id desc limit $3";
    let rows: Vec<TransitionRow> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(cluster)
        .bind(connector)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| StateTransition {
            id: r.id,
            seen_at: r.seen_at,
            task: task_number(r.task_id),
            state_before: r.state_before.as_deref().map(ConnectorState::parse),
            state_after: ConnectorState::parse(&r.state_after),
            worker_before: r.worker_before,
            worker_after: r.worker_after,
            cause: r.cause,
        })
        .collect())
}

/// Deletes transitions older than `days`.
pub(crate) async fn prune(db: &Db, days: u32) -> sqlx::Result<u64> {
    let sql = "delete from state_transitions where seen_at < $1";
    let oldest_kept = iso_seconds_ago(i64::from(days) * 86_400);
    on_db!(db, pool => Ok(sqlx::query(sql)
        .bind(oldest_kept)
        .execute(pool)
        .await?
        .rows_affected()))
}

/// A task number as stored (a 64-bit integer) back as Connect numbers tasks.
fn task_number(stored: Option<i64>) -> Option<u32> {
    stored.and_then(|task| u32::try_from(task).ok())
}

#[cfg(test)]
mod tests;
