//! The SQL of the change history: a row written before each call to Connect, completed after.

use std::collections::BTreeMap;

use api_types::{Action, HistoryEvent, Outcome, Source};
use serde::Deserialize;
use sqlx::{FromRow, QueryBuilder, Sqlite, SqlitePool};

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

/// Writes the intent with outcome `pending`; returns its id.
pub(crate) async fn insert_intent(pool: &SqlitePool, event: &NewEvent<'_>) -> sqlx::Result<i64> {
    let sql = "insert into change_events (request_id, started_at, actor, source, cluster_id, \
               connector, action, action_detail, config_before, config_after, reason, outcome) \
               values (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), \
               ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending') returning id";
    // The id of the request that caused the change, or a new one for Plugboard's own jobs.
    let request_id = crate::requests::current_id().unwrap_or_else(crate::requests::new_id);
    sqlx::query_scalar(sql)
        .bind(request_id)
        .bind(event.actor)
        .bind(event.source.as_str())
        .bind(event.cluster)
        .bind(event.connector)
        .bind(event.action.as_str())
        .bind(&event.detail)
        .bind(&event.config_before)
        .bind(&event.config_intended)
        .bind(event.reason)
        .fetch_one(pool)
        .await
}

pub(crate) async fn complete(pool: &SqlitePool, id: i64, done: &Completion) -> sqlx::Result<()> {
    let sql = "update change_events set finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), \
               outcome = ?, http_status = ?, message = ?, config_after = ?, duration_ms = ? \
               where id = ?";
    sqlx::query(sql)
        .bind(done.outcome.as_str())
        .bind(done.http_status)
        .bind(&done.message)
        .bind(&done.config_after)
        .bind(done.duration_ms)
        .bind(id)
        .execute(pool)
        .await
        .map(drop)
}

/// Rows still pending from a run that stopped between intent and completion become `unknown`.
pub(crate) async fn mark_interrupted(pool: &SqlitePool) -> sqlx::Result<Vec<HistoryEvent>> {
    let sql = "update change_events set outcome = 'unknown', \
               finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), \
               message = 'Plugboard stopped before Connect answered' \
               where outcome = 'pending' returning *";
    let rows: Vec<EventRow> = sqlx::query_as(sql).fetch_all(pool).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(crate) async fn set_message(
    pool: &SqlitePool,
    id: i64,
    outcome: Outcome,
    message: &str,
) -> sqlx::Result<()> {
    sqlx::query("update change_events set outcome = ?, message = ? where id = ?")
        .bind(outcome.as_str())
        .bind(message)
        .bind(id)
        .execute(pool)
        .await
        .map(drop)
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

pub(crate) async fn list(
    pool: &SqlitePool,
    filter: &Filter,
    limit: u32,
) -> sqlx::Result<Vec<HistoryEvent>> {
    let mut query: QueryBuilder<Sqlite> =
        QueryBuilder::new("select * from change_events where 1 = 1");
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
    match &filter.only_clusters {
        Some(clusters) if clusters.is_empty() => {
            query.push(" and 0 = 1");
        }
        Some(clusters) => {
            query.push(" and cluster_id in (");
            let mut list = query.separated(", ");
            for cluster in clusters {
                list.push_bind(cluster.clone());
            }
            query.push(")");
        }
        None => {}
    }
    if let Some(since) = &filter.since {
        query.push(" and started_at >= ").push_bind(since.clone());
    }
    if let Some(until) = &filter.until {
        query.push(" and started_at < ").push_bind(until.clone());
    }
    if let Some(before) = filter.before {
        query.push(" and id < ").push_bind(before);
    }
    query.push(" order by id desc limit ").push_bind(limit);
    let rows: Vec<EventRow> = query.build_query_as().fetch_all(pool).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(crate) async fn get(pool: &SqlitePool, id: i64) -> sqlx::Result<Option<HistoryEvent>> {
    let row: Option<EventRow> = sqlx::query_as("select * from change_events where id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Into::into))
}

pub(crate) async fn fingerprint_key(pool: &SqlitePool) -> sqlx::Result<Vec<u8>> {
    sqlx::query_scalar("select fingerprint_key from installation where id = 1")
        .fetch_one(pool)
        .await
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
pub(crate) async fn prune(
    pool: &SqlitePool,
    days: Option<u32>,
    rows: Option<u32>,
) -> sqlx::Result<u64> {
    let mut pruned = 0;
    if let Some(days) = days {
        let sql = "delete from change_events \
                   where started_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ? || ' days')";
        pruned += sqlx::query(sql)
            .bind(days)
            .execute(pool)
            .await?
            .rows_affected();
    }
    if let Some(rows) = rows {
        let sql = "delete from change_events where id <= \
                   (select id from change_events order by id desc limit 1 offset ?)";
        pruned += sqlx::query(sql)
            .bind(rows)
            .execute(pool)
            .await?
            .rows_affected();
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests;
