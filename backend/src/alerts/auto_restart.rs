//! Automatic restarts for rules that ask for them: while an incident of a `failed` or
//! `not_running` rule is open and its connector has failed parts, restart the failed connector
//! and tasks (one call, KIP-745), waiting twice as long after each attempt, up to the rule's
//! maximum; then stop and say so on the incident. Each attempt is a history event whose source
//! is `auto_restart`.

use std::collections::HashMap;
use std::time::Duration;

use api_types::{AlertRule, ConnectorState, ConnectorSummary, RestartScope, RuleKind};
use serde_json::json;
use sqlx::FromRow;

use crate::clock::now_ms;
use crate::db::on_db;
use crate::history::{Intent, Source};
use crate::state::AppState;
use plugboard_connect::{ConnectCall, ConnectorName, UpstreamRequest};

/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 3_600_000;

#[derive(FromRow)]
struct OpenIncident {
    id: i64,
    cluster_id: String,
    subject: String,
    restart_attempts: i64,
    next_restart_at_ms: Option<i64>,
    restart_note: Option<String>,
}

pub(crate) async fn run(
    state: &AppState,
    rules: &[AlertRule],
    connectors: &HashMap<String, Vec<ConnectorSummary>>,
    interval: Duration,
) -> sqlx::Result<()> {
    let restarting = rules.iter().filter(|r| {
        r.spec.auto_restart && matches!(r.spec.kind, RuleKind::Failed | RuleKind::NotRunning)
    });
    for rule in restarting {
        let sql = "select id, cluster_id, subject, restart_attempts, next_restart_at_ms, \
                   restart_note from incidents where rule_id = $1 and resolved_at is null";
        let open: Vec<OpenIncident> =
            on_db!(&state.db, pool => sqlx::query_as(sql).bind(rule.id).fetch_all(pool).await)?;
        for incident in open {
            let failed = connectors
                .get(&incident.cluster_id)
                .and_then(|list| list.iter().find(|c| c.name == incident.subject))
                .is_some_and(|c| c.state == ConnectorState::Failed || c.tasks.failed > 0);
            if failed {
                attempt(state, rule, &incident, interval).await?;
            }
        }
    }
    Ok(())
}

async fn attempt(
    state: &AppState,
    rule: &AlertRule,
    incident: &OpenIncident,
    interval: Duration,
) -> sqlx::Result<()> {
    let now = now_ms();
    let attempts = incident.restart_attempts;
    if attempts >= i64::from(rule.spec.max_restarts) {
        if incident.restart_note.is_none() {
            let note = format!("gave up after {attempts} automatic restarts");
            tracing::warn!(incident = incident.id, "{note}");
            set(state, incident.id, attempts, None, Some(note)).await?;
        }
        return Ok(());
    }
    if incident.next_restart_at_ms.is_some_and(|at| at > now) {
        return Ok(());
    }
    let (Ok(client), Ok(name)) = (
        state.clusters.get(&incident.cluster_id),
        ConnectorName::new(&incident.subject),
    ) else {
        return Ok(());
    };
    let scope = RestartScope {
        include_tasks: true,
        only_failed: true,
    };
    let call = ConnectCall::Restart(name, scope);
    let intent = Intent {
        detail: Some(json!({"include_tasks": true, "only_failed": true, "attempt": attempts + 1})),
        reason: Some(format!("alert rule `{}`", rule.spec.name)),
        ..Intent::of(&call, Source::AutoRestart).expect("a restart is a change")
    };
    let request = UpstreamRequest::new(&call, None);
    let outcome = state.history.perform(client, intent, request).await;
    let note = match outcome {
        Ok(response) if response.status.is_success() => None,
        Ok(response) => Some(format!(
            "restart {} answered HTTP {}",
            attempts + 1,
            response.status
        )),
        Err(e) => Some(format!("restart {} failed: {e}", attempts + 1)),
    };
    let interval_ms = i64::try_from(interval.as_millis()).unwrap_or(i64::MAX);
    let backoff = interval_ms
        .saturating_mul(1 << (attempts + 1).min(20))
        .min(MAX_BACKOFF_MS);
    set(state, incident.id, attempts + 1, Some(now + backoff), note).await
}

async fn set(
    state: &AppState,
    id: i64,
    attempts: i64,
    next_at: Option<i64>,
    note: Option<String>,
) -> sqlx::Result<()> {
    let sql = "update incidents set restart_attempts = $1, next_restart_at_ms = $2, \
               restart_note = $3 where id = $4";
    on_db!(&state.db, pool => sqlx::query(sql)
        .bind(attempts)
        .bind(next_at)
        .bind(&note)
        .bind(id)
        .execute(pool)
        .await
        .map(drop))
}
