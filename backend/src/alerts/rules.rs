//! Alert rules in the database: validated on the way in, read back for every evaluation.

use api_types::{AlertRule, RuleKind, RuleSpec, WebhookFormat};
use sqlx::FromRow;

use crate::clock::now_iso;
use crate::db::{Db, StoreError, on_db};

/// Why a rule cannot be stored, as a sentence; `None` when it is fine.
pub(crate) fn problem(spec: &RuleSpec) -> Option<String> {
    if spec.name.trim().is_empty() {
        return Some("a rule needs a name".into());
    }
    if spec.kind.needs_threshold() && spec.threshold.is_none_or(|t| !t.is_finite() || t < 0.0) {
        return Some(format!(
            "a {} rule needs a threshold of 0 or more",
            spec.kind.as_str()
        ));
    }
    if spec.samples.is_some_and(|n| !(2..=100).contains(&n)) {
        return Some("samples must be between 2 and 100".into());
    }
    let reference = |url: &str| url.starts_with("${env:") || url.starts_with("${file:");
    if let Some(url) = &spec.webhook_url
        && !(url.starts_with("http://") || url.starts_with("https://") || reference(url))
    {
        return Some(format!(
            "webhook_url `{url}` must start with http:// or https://, or be ${{env:NAME}} or ${{file:PATH}}"
        ));
    }
    None
}

#[derive(FromRow)]
struct RuleRow {
    id: i64,
    name: String,
    kind: String,
    cluster_id: Option<String>,
    connector_pattern: Option<String>,
    threshold: Option<f64>,
    for_seconds: i64,
    samples: Option<i64>,
    allowed_lag: Option<i64>,
    webhook_url: Option<String>,
    webhook_format: String,
    repeat_seconds: Option<i64>,
    auto_restart: bool,
    max_restarts: i64,
    created_at: String,
}

impl RuleRow {
    fn into_rule(self) -> Option<AlertRule> {
        let to_u32 = |v: i64| u32::try_from(v).unwrap_or(0);
        Some(AlertRule {
            id: self.id,
            spec: RuleSpec {
                name: self.name,
                kind: RuleKind::parse(&self.kind)?,
                cluster: self.cluster_id,
                connector_pattern: self.connector_pattern,
                threshold: self.threshold,
                for_seconds: to_u32(self.for_seconds),
                samples: self.samples.map(to_u32),
                allowed_lag: self.allowed_lag.map(|v| u64::try_from(v).unwrap_or(0)),
                webhook_url: self.webhook_url,
                webhook_format: if self.webhook_format == "slack" {
                    WebhookFormat::Slack
                } else {
                    WebhookFormat::Json
                },
                repeat_seconds: self.repeat_seconds.map(to_u32),
                auto_restart: self.auto_restart,
                max_restarts: to_u32(self.max_restarts),
            },
            created_at: self.created_at,
        })
    }
}

pub(crate) async fn list(db: &Db) -> sqlx::Result<Vec<AlertRule>> {
    let sql = "select * from alert_rules order by id";
    let rows: Vec<RuleRow> = on_db!(db, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().filter_map(RuleRow::into_rule).collect())
}

pub(crate) async fn get(db: &Db, id: i64) -> Result<AlertRule, StoreError> {
    let sql = "select * from alert_rules where id = $1";
    let row: Option<RuleRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
    row.and_then(RuleRow::into_rule)
        .ok_or_else(|| StoreError::NotFound(format!("no alert rule {id}")))
}

/// Stores a new rule (`id` none) or replaces rule `id`; returns it as stored.
pub(crate) async fn save(
    db: &Db,
    id: Option<i64>,
    spec: &RuleSpec,
) -> Result<AlertRule, StoreError> {
    if let Some(problem) = problem(spec) {
        return Err(StoreError::Invalid(problem));
    }
    let format = match spec.webhook_format {
        WebhookFormat::Json => "json",
        WebhookFormat::Slack => "slack",
    };
    let sql = match id {
        None => {
            "insert into alert_rules (name, kind, cluster_id, connector_pattern, threshold, \
                 for_seconds, samples, allowed_lag, webhook_url, webhook_format, repeat_seconds, \
                 auto_restart, max_restarts, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id"
        }
        Some(_) => {
            "update alert_rules set name = $1, kind = $2, cluster_id = $3, connector_pattern = $4, \
                    threshold = $5, for_seconds = $6, samples = $7, allowed_lag = $8, \
                    webhook_url = $9, webhook_format = $10, repeat_seconds = $11, \
                    auto_restart = $12, max_restarts = $13 where id = $14 returning id"
        }
    };
    let stored: Option<i64> = on_db!(db, pool => {
        let query = sqlx::query_scalar(sql)
            .bind(spec.name.trim())
            .bind(spec.kind.as_str())
            .bind(&spec.cluster)
            .bind(&spec.connector_pattern)
            .bind(spec.threshold)
            .bind(i64::from(spec.for_seconds))
            .bind(spec.samples.map(i64::from))
            .bind(
                spec.allowed_lag
                    .map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            )
            .bind(&spec.webhook_url)
            .bind(format)
            .bind(spec.repeat_seconds.map(i64::from))
            .bind(spec.auto_restart)
            .bind(i64::from(spec.max_restarts));
        // The 14th parameter: a new rule's time of creation, or the id of the one replaced.
        let query = match id {
            None => query.bind(now_iso()),
            Some(id) => query.bind(id),
        };
        query.fetch_optional(pool).await
    })?;
    let stored = stored
        .ok_or_else(|| StoreError::NotFound(format!("no alert rule {}", id.unwrap_or_default())))?;
    get(db, stored).await
}

/// Deletes a rule with its incidents.
pub(crate) async fn delete(db: &Db, id: i64) -> Result<(), StoreError> {
    let sql = "delete from alert_rules where id = $1";
    let done = on_db!(db, pool => sqlx::query(sql).bind(id).execute(pool).await?.rows_affected());
    if done == 0 {
        return Err(StoreError::NotFound(format!("no alert rule {id}")));
    }
    Ok(())
}
