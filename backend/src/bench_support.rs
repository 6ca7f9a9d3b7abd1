//! What the benchmark of the stores (`benches/store.rs`) calls: the history's own writes and
//! reads, on either database. Not part of Plugboard's API.

use api_types::{Action, Outcome, Source};

use crate::db::{Db, on_db};
use crate::history::store::{self, Completion, Filter, NewEvent};

/// Records one change as the change path does: its intent, then its completion.
pub async fn write_change(db: &Db, connector: &str) -> anyhow::Result<()> {
    let event = NewEvent {
        actor: "bench",
        source: Source::Api,
        cluster: "bench",
        connector: Some(connector),
        action: Action::Pause,
        detail: None,
        config_before: None,
        config_intended: None,
        reason: None,
    };
    let id = store::insert_intent(db, "bench", &event).await?;
    let done = Completion {
        outcome: Outcome::Success,
        http_status: Some(202),
        message: None,
        config_after: None,
        duration_ms: 3,
    };
    store::complete(db, id, &done).await?;
    Ok(())
}

/// Adds `rows` finished changes in one statement, spread over 100 connectors.
pub async fn fill_history(db: &Db, rows: i64) -> anyhow::Result<()> {
    let sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < $1) \
               insert into change_events (request_id, started_at, finished_at, actor, source, \
               cluster_id, connector, action, outcome, http_status, duration_ms, replica) \
               select 'fill-' || i, $2, $2, 'bench', 'api', 'bench', 'connector-' || (i % 100), \
               'pause', 'success', 202, 3, 'bench' from n";
    let at = crate::clock::now_iso();
    on_db!(db, pool => sqlx::query(sql).bind(rows).bind(&at).execute(pool).await.map(drop))?;
    Ok(())
}

/// One page of the history as the feed asks for it: the newest `limit` rows before `before`
/// (the first page without it), of one connector when given; answers how many came.
pub async fn history_page(
    db: &Db,
    connector: Option<&str>,
    before: Option<i64>,
    limit: u32,
) -> anyhow::Result<usize> {
    let filter = Filter {
        connector: connector.map(str::to_owned),
        before,
        ..Filter::default()
    };
    Ok(store::list(db, &filter, limit).await?.len())
}

/// The newest change's id.
pub async fn newest_change(db: &Db) -> anyhow::Result<i64> {
    let sql = "select coalesce(max(id), 0) from change_events";
    Ok(on_db!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await)?)
}
