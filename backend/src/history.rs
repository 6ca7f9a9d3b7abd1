//! The change history: every state-changing call to Connect, through any path (own API,
//! passthrough, bulk, rollback), is recorded in SQLite, failed attempts included.
//!
//! A row is written before the call and completed after it, so a crash in between leaves an
//! `unknown` outcome that the next start reconciles with the live config. Secret values are
//! stored as keyed fingerprints only.
//!
//! - [`secrets`]: which values are secret, and their fingerprints.
//! - [`store`]: the SQL.
//! - [`reconcile`]: settling rows left pending by a stop.
//! - [`rollback`]: restoring an earlier version, secrets included when unchanged.
//! - [`timeline`]: connector and task state changes seen by polling.

mod reconcile;
pub mod rollback;
pub mod secrets;
pub mod store;
pub mod timeline;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::http::Method;
use serde::Deserialize;
use serde_json::Value;
use sqlx::SqlitePool;

use crate::connect::{ClusterClient, UpstreamRequest, UpstreamResponse, paths};
use crate::error::ApiError;
use store::{Completion, NewEvent};

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Console,
    Api,
    Passthrough,
    Rollback,
    /// An alert rule's automatic restart.
    AutoRestart,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Console => "console",
            Self::Api => "api",
            Self::Passthrough => "passthrough",
            Self::Rollback => "rollback",
            Self::AutoRestart => "auto_restart",
        }
    }
}

/// What a change is about, known before it is made.
#[derive(Debug, Clone)]
pub struct Intent {
    pub source: Source,
    pub connector: Option<String>,
    pub action: String,
    pub detail: Option<Value>,
    /// The config asked for, for create, update and patch.
    pub config: Option<BTreeMap<String, Option<String>>>,
    pub reason: Option<String>,
    /// Who asked for the change; `None` is Plugboard itself (or its configured actor).
    pub actor: Option<String>,
}

/// PASSWORD-type keys per (cluster, connector class), from the plugin's config definitions.
type PasswordKeys = HashMap<(String, String), HashSet<String>>;

/// The history and what recording needs; cheap to clone.
#[derive(Clone)]
pub struct History {
    db: SqlitePool,
    actor: String,
    fingerprint_key: Arc<Vec<u8>>,
    password_keys: Arc<Mutex<PasswordKeys>>,
}

/// The part of Connect's create, update and patch answers that holds the config.
#[derive(Deserialize)]
struct ConnectorInfo {
    config: BTreeMap<String, String>,
}

impl History {
    pub async fn open(db: SqlitePool, actor: String) -> anyhow::Result<Self> {
        let fingerprint_key = store::fingerprint_key(&db).await?;
        Ok(Self {
            db,
            actor,
            fingerprint_key: Arc::new(fingerprint_key),
            password_keys: Arc::default(),
        })
    }

    pub fn db(&self) -> &SqlitePool {
        &self.db
    }

    /// Records `intent`, sends `request` to the cluster, and completes the record with the
    /// outcome. Connect's answer is returned whatever its status; if the history cannot be
    /// written, the change is not made.
    pub async fn perform(
        &self,
        client: &ClusterClient,
        intent: Intent,
        request: UpstreamRequest,
    ) -> Result<UpstreamResponse, ApiError> {
        let before = match &intent.connector {
            Some(name) => live_config(client, name).await,
            None => None,
        };
        let class = before
            .as_ref()
            .and_then(|c| c.get("connector.class").cloned())
            .or_else(|| {
                intent
                    .config
                    .as_ref()
                    .and_then(|c| c.get("connector.class").cloned().flatten())
            });
        let secrets = self.password_keys(client, class.as_deref()).await;
        let intended = intent.config.as_ref().map(|c| {
            let set: BTreeMap<String, String> = c
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
                .collect();
            self.redacted_json(&set, &secrets)
        });
        let event = NewEvent {
            actor: intent.actor.as_deref().unwrap_or(&self.actor),
            source: intent.source.as_str(),
            cluster: client.id(),
            connector: intent.connector.as_deref(),
            action: &intent.action,
            detail: intent.detail.as_ref().map(Value::to_string),
            config_before: before.as_ref().map(|c| self.redacted_json(c, &secrets)),
            config_intended: intended.clone(),
            reason: intent.reason.as_deref(),
        };
        let id = store::insert_intent(&self.db, &event).await.map_err(|e| {
            tracing::error!("cannot record a change in the history: {e}");
            ApiError::DatabaseUnavailable
        })?;
        let started = Instant::now();
        let result = client.send(request).await;
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let completion = match &result {
            Ok(response) if response.status.is_success() => Completion {
                outcome: "success",
                http_status: Some(response.status.as_u16()),
                message: None,
                config_after: self.config_after(&intent, response, before.as_ref(), &secrets),
                duration_ms,
            },
            Ok(response) => Completion {
                outcome: "failure",
                http_status: Some(response.status.as_u16()),
                message: Some(ApiError::from_connect(response).to_string()),
                config_after: before.as_ref().map(|c| self.redacted_json(c, &secrets)),
                duration_ms,
            },
            Err(error) => Completion {
                outcome: "failure",
                http_status: None,
                message: Some(error.to_string()),
                config_after: before.as_ref().map(|c| self.redacted_json(c, &secrets)),
                duration_ms,
            },
        };
        if let Err(e) = store::complete(&self.db, id, &completion).await {
            tracing::error!(event = id, "cannot complete a history event: {e}");
        }
        Ok(result?)
    }

    /// The config after a successful change: Connect's answer for config changes, nothing
    /// after a delete, the unchanged config after anything else.
    fn config_after(
        &self,
        intent: &Intent,
        response: &UpstreamResponse,
        before: Option<&BTreeMap<String, String>>,
        secrets: &HashSet<String>,
    ) -> Option<String> {
        match intent.action.as_str() {
            "delete" => None,
            "create" | "update" | "patch" | "rollback" => {
                serde_json::from_slice::<ConnectorInfo>(&response.body)
                    .ok()
                    .map(|info| self.redacted_json(&info.config, secrets))
            }
            _ => before.map(|c| self.redacted_json(c, secrets)),
        }
    }

    pub fn redacted_json(
        &self,
        config: &BTreeMap<String, String>,
        secrets: &HashSet<String>,
    ) -> String {
        let redacted = secrets::redact(config, secrets, &self.fingerprint_key);
        serde_json::to_string(&redacted).expect("a string map always serialises")
    }

    /// The PASSWORD-type keys of `class`, asked of Connect once per cluster and class.
    pub async fn password_keys(
        &self,
        client: &ClusterClient,
        class: Option<&str>,
    ) -> HashSet<String> {
        let Some(class) = class else {
            return HashSet::new();
        };
        let memo_key = (client.id().to_owned(), class.to_owned());
        if let Some(keys) = self.password_keys.lock().expect("memo lock").get(&memo_key) {
            return keys.clone();
        }
        let path = format!("/connector-plugins/{}/config", paths::segment(class));
        let Ok(definitions) = client.get_json::<Vec<Value>>(path).await else {
            return HashSet::new();
        };
        let keys: HashSet<String> = definitions
            .iter()
            .filter(|d| d["type"] == "PASSWORD")
            .filter_map(|d| d["name"].as_str().map(str::to_owned))
            .collect();
        self.password_keys
            .lock()
            .expect("memo lock")
            .insert(memo_key, keys.clone());
        keys
    }

    /// Settles rows left pending by a stop; see [`reconcile`].
    pub async fn reconcile(&self, clients: &[ClusterClient]) -> anyhow::Result<()> {
        reconcile::reconcile(self, clients).await
    }
}

/// Applies the retention (days and/or rows) at start and every hour after.
pub async fn prune_periodically(db: SqlitePool, days: Option<u32>, rows: Option<u32>) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        match store::prune(&db, days, rows).await {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "pruned old history events"),
            Err(e) => tracing::error!("cannot prune the history: {e}"),
        }
        if let Some(days) = days
            && let Err(e) = timeline::prune(&db, days).await
        {
            tracing::error!("cannot prune the state timeline: {e}");
        }
    }
}

/// The connector's config as a worker has it now, or `None` (no such connector, or no answer).
pub async fn live_config(client: &ClusterClient, name: &str) -> Option<BTreeMap<String, String>> {
    let request = UpstreamRequest {
        method: Method::GET,
        path: paths::connector(name, &["config"]),
        body: None,
    };
    let response = client.send(request).await.ok()?;
    if !response.status.is_success() {
        return None;
    }
    response.json().ok()
}
