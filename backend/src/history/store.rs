//! The SQL of the change history: a row written before each call to Connect, completed after.

use std::collections::BTreeMap;

use api_types::{Action, HistoryEvent, Outcome, Source};
use serde::Deserialize;
use sqlx::{FromRow, QueryBuilder};

use crate::clock::{iso_seconds_ago, now_iso};
use crate::db::{Db, on_db, push_one_of, with_db_clock};

/// What is known before the call: who, what, where, and the configs involved (redacted).
pub(crate) struct NewEvent<'a> {
    pub actor: &'a str,
    pub source: Source,
    pub cluster: &'a str,
    pub connector: Option<&'a str>,
    pub action: Action,
    pub detail: Option<String>,
    pub config_before: Option<String>,
    /// For changes of config, the config asked for; replaced by the one Connect confirmed.
    pub config_intended: Option<String>,
    pub reason: Option<&'a str>,
}

/// What is known after the call.
pub(crate) struct Completion {
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub message: Option<String>,
    pub config_after: Option<String>,
    pub duration_ms: i64,
}

/// Writes the intent with outcome `pending`, as `replica`'s; returns its id.
pub(crate) async fn insert_intent(
    db: &Db,
    replica: &str,
    event: &NewEvent<'_>,
) -> sqlx::Result<i64> {
    let sql = "insert into change_events (request_id, started_at, actor, source, cluster_id, \
               connector, action, action_detail, config_before, config_after, reason, outcome, \
               replica) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12) \
               returning id";
    // The id of the request that caused the change, or a new one for Plugboard's own jobs.
    let request_id = crate::requests::current_id().unwrap_or_else(crate::requests::new_id);
    on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(&request_id)
        .bind(now_iso())
        .bind(event.actor)
        .bind(event.source.as_str())
        .bind(event.cluster)
        .bind(event.connector)
        .bind(event.action.as_str())
        .bind(&event.detail)
        .bind(&event.config_before)
        .bind(&event.config_intended)
        .bind(event.reason)
        .bind(replica)
        .fetch_one(pool)
        .await)
}

pub(crate) async fn complete(db: &Db, id: i64, done: &Completion) -> sqlx::Result<()> {
    let sql = "update change_events set finished_at = $1, outcome = $2, http_status = $3, \
               message = $4, config_after = $5, duration_ms = $6 where id = $7";
    on_db!(db, pool => sqlx::query(sql)
        .bind(now_iso())
        .bind(done.outcome.as_str())
        .bind(done.http_status.map(i64::from))
        .bind(&done.message)
        .bind(&done.config_after)
        .bind(done.duration_ms)
        .bind(id)
        .execute(pool)
        .await
        .map(drop))
}

/// Rows still pending from a replica that is gone (its liveness lease expired or given up, see
/// [`crate::fleet`]) become `unknown`; a live replica's own pending rows are left to it.
pub(crate) async fn mark_interrupted(db: &Db) -> sqlx::Result<Vec<HistoryEvent>> {
    macro_rules! interrupted_sql {
        ($now:literal) => {
            concat!(
                "update change_events set outcome = 'unknown', finished_at = $1, ",
                "message = 'Plugboard stopped before Connect answered' ",
                "where outcome = 'pending' and (replica is null or replica not in ",
                "(select cluster_id from leases where job = 'replica' and expires_at_ms >= ",
                $now,
                ")) returning *"
            )
        };
    }
    let sql = with_db_clock!(db, interrupted_sql);
    let rows: Vec<EventRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(now_iso()).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(crate) async fn set_message(
    db: &Db,
    id: i64,
    outcome: Outcome,
    message: &str,
) -> sqlx::Result<()> {
    let sql = "update change_events set outcome = $1, message = $2 where id = $3";
    on_db!(db, pool => sqlx::query(sql)
        .bind(outcome.as_str())
        .bind(message)
        .bind(id)
        .execute(pool)
        .await
        .map(drop))
}

/// Which events the feed shows; every field that is set must match.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Filter {
    pub cluster: Option<String>,
    pub connector: Option<String>,
    pub actor: Option<String>,
    pub action: Option<Action>,
    pub outcome: Option<Outcome>,
    /// The changes one request made (its `X-Request-Id`).
    pub request_id: Option<String>,
    /// RFC 3339 bounds on the start time.
    pub since: Option<String>,
    pub until: Option<String>,
    /// Only events older than this id (the next page).
    pub before: Option<i64>,
    pub limit: Option<u32>,
    /// The clusters the caller may see, when not all of them (set by the route, never from
    /// the query).
    #[serde(skip)]
    pub only_clusters: Option<Vec<String>>,
}

pub(crate) async fn list(db: &Db, filter: &Filter, limit: u32) -> sqlx::Result<Vec<HistoryEvent>> {
    let rows: Vec<EventRow> = on_db!(db, pool => {
        let mut query = QueryBuilder::new("select * from change_events where 1 = 1");
        push_filter(&mut query, filter, limit);
        query.build_query_as().fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The conditions of `filter` and the page's order and size, in either database's SQL.
fn push_filter<DB: sqlx::Database>(query: &mut QueryBuilder<DB>, filter: &Filter, limit: u32)
where
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let equal = [
        ("cluster_id", filter.cluster.clone()),
        ("connector", filter.connector.clone()),
        ("actor", filter.actor.clone()),
        ("action", filter.action.map(|a| a.as_str().to_owned())),
        ("outcome", filter.outcome.map(|o| o.as_str().to_owned())),
        ("request_id", filter.request_id.clone()),
    ];
    for (column, value) in equal {
        if let Some(value) = value {
            query.push(format!(" and {column} = ")).push_bind(value);
        }
    }
    push_one_of(query, "cluster_id", filter.only_clusters.as_deref());
    if let Some(since) = &filter.since {
        query.push(" and started_at >= ").push_bind(since.clone());
    }
    if let Some(until) = &filter.until {
        query.push(" and started_at < ").push_bind(until.clone());
    }
    if let Some(before) = filter.before {
        query.push(" and id < ").push_bind(before);
    }
    query
        .push(" order by id desc limit ")
        .push_bind(i64::from(limit));
}

pub(crate) async fn get(db: &Db, id: i64) -> sqlx::Result<Option<HistoryEvent>> {
    let sql = "select * from change_events where id = $1";
    let row: Option<EventRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(Into::into))
}

pub(crate) async fn fingerprint_key(db: &Db) -> sqlx::Result<Vec<u8>> {
    let sql = "select fingerprint_key from installation where id = 1";
    on_db!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await)
}

#[derive(FromRow)]
struct EventRow {
    id: i64,
    request_id: String,
    started_at: String,
    finished_at: Option<String>,
    actor: String,
    source: String,
    cluster_id: String,
    connector: Option<String>,
    action: String,
    action_detail: Option<String>,
    config_before: Option<String>,
    config_after: Option<String>,
    reason: Option<String>,
    outcome: String,
    http_status: Option<i64>,
    message: Option<String>,
    duration_ms: Option<i64>,
}

fn config(json: Option<String>) -> Option<BTreeMap<String, String>> {
    json.and_then(|text| serde_json::from_str(&text).ok())
}

impl From<EventRow> for HistoryEvent {
    fn from(row: EventRow) -> Self {
        Self {
            id: row.id,
            request_id: row.request_id,
            started_at: row.started_at,
            finished_at: row.finished_at,
            actor: row.actor,
            // Rows are written from these enums; a word no version wrote reads as the nearest.
            source: Source::parse(&row.source).unwrap_or(Source::Api),
            cluster: row.cluster_id,
            connector: row.connector,
            action: Action::parse(&row.action).unwrap_or(Action::Request),
            detail: row
                .action_detail
                .and_then(|d| serde_json::from_str(&d).ok()),
            config_before: config(row.config_before),
            config_after: config(row.config_after),
            reason: row.reason,
            outcome: Outcome::parse(&row.outcome).unwrap_or(Outcome::Unknown),
            http_status: row.http_status.and_then(|s| u16::try_from(s).ok()),
            message: row.message,
            duration_ms: row.duration_ms,
        }
    }
}

/// Deletes events older than `days` and all but the newest `rows`; returns how many went.
pub(crate) async fn prune(db: &Db, days: Option<u32>, rows: Option<u32>) -> sqlx::Result<u64> {
    let mut pruned = 0;
    if let Some(days) = days {
        let sql = "delete from change_events where started_at < $1";
        let oldest_kept = iso_seconds_ago(i64::from(days) * 86_400);
        pruned += on_db!(db, pool => sqlx::query(sql)
            .bind(oldest_kept)
            .execute(pool)
            .await?
            .rows_affected());
    }
    if let Some(rows) = rows {
        let sql = "delete from change_events where id <= \
                   (select id from change_events order by id desc limit 1 offset $1)";
        pruned += on_db!(db, pool => sqlx::query(sql)
            .bind(i64::from(rows))
            .execute(pool)
            .await?
            .rows_affected());
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests;
