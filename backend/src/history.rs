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
//! - [`strict`]: the connectors of strict clusters, which only `apply` may change.

mod reconcile;
pub(crate) mod rollback;
pub(crate) mod secrets;
pub(crate) mod store;
pub(crate) mod strict;
pub(crate) mod timeline;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use serde_json::Value;

use crate::db::Db;
use crate::error::ApiError;
use crate::secrets::known::scrub_text;
pub(crate) use api_types::Source;
use api_types::{Action, Outcome};
use plugboard_connect::{
    ClusterClient, ConnectCall, ConnectError, ConnectorName, UpstreamRequest, UpstreamResponse,
};
use store::{Completion, NewEvent};

/// What a change is about, known before it is made.
#[derive(Debug, Clone)]
pub struct Intent {
    pub source: Source,
    pub connector: Option<String>,
    pub action: Action,
    pub detail: Option<Value>,
    /// The config asked for, for create, update and patch.
    pub config: Option<BTreeMap<String, Option<String>>>,
    pub reason: Option<String>,
    /// Who asked for the change; `None` is Plugboard itself (or its configured actor).
    pub actor: Option<String>,
}

impl Intent {
    /// The intent of `call` from `source`: its connector, action and parameters, or `None`
    /// when the call changes nothing.
    pub fn of(call: &ConnectCall, source: Source) -> Option<Intent> {
        Some(Intent {
            source,
            connector: call.connector().map(|n| n.as_str().to_owned()),
            action: call.action()?,
            detail: call.detail(),
            config: None,
            reason: None,
            actor: None,
        })
    }
}

/// The history and what recording needs; cheap to clone.
#[derive(Clone)]
pub struct History {
    db: Db,
    actor: String,
    fingerprint_key: Arc<Vec<u8>>,
    /// The replica that writes these rows (see [`crate::fleet`]).
    replica: Arc<str>,
}

/// The part of Connect's create, update and patch answers that holds the config.
#[derive(Deserialize)]
struct ConnectorInfo {
    config: BTreeMap<String, String>,
}

impl History {
    /// The history in `db`, written by `replica`, fingerprinting secrets with
    /// `fingerprint_key` (see [`store::fingerprint_key`]).
    pub fn new(db: Db, actor: String, fingerprint_key: Arc<Vec<u8>>, replica: &str) -> Self {
        Self {
            db,
            actor,
            fingerprint_key,
            replica: replica.into(),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The keyed fingerprint of `value`, as the history stores secrets.
    pub fn fingerprint(&self, value: &str) -> String {
        secrets::fingerprint(value, &self.fingerprint_key)
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
        self.refuse_if_strict(client.id(), &intent).await?;
        let before = match intent.connector.as_deref().map(ConnectorName::new) {
            Some(Ok(name)) => client.live_config(&name).await,
            _ => None,
        };
        let set: Option<BTreeMap<String, String>> = intent.config.as_ref().map(|c| {
            c.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
                .collect()
        });
        let mut both = before.clone().unwrap_or_default();
        both.extend(set.clone().unwrap_or_default());
        let secrets = client.declared_secret_keys(&both).await;
        let reason = intent.reason.as_deref().map(scrub_text);
        let event = NewEvent {
            actor: intent.actor.as_deref().unwrap_or(&self.actor),
            source: intent.source,
            cluster: client.id(),
            connector: intent.connector.as_deref(),
            action: intent.action,
            detail: intent
                .detail
                .as_ref()
                .map(|d| scrub_text(&d.to_string()).into_owned()),
            config_before: before.as_ref().map(|c| self.redacted_json(c, &secrets)),
            config_intended: set.as_ref().map(|c| self.redacted_json(c, &secrets)),
            reason: reason.as_deref(),
        };
        let id = store::insert_intent(&self.db, &self.replica, &event)
            .await
            .map_err(|e| {
                tracing::error!("cannot record a change in the history: {e}");
                ApiError::DatabaseUnavailable
            })?;
        let started = Instant::now();
        let result = client.send(request).await;
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let completion = match &result {
            Ok(response) if response.status.is_success() => Completion {
                outcome: Outcome::Success,
                http_status: Some(response.status.as_u16()),
                message: None,
                config_after: self.config_after(&intent, response, before.as_ref(), &secrets),
                duration_ms,
            },
            Ok(response) => Completion {
                outcome: Outcome::Failure,
                http_status: Some(response.status.as_u16()),
                message: Some(
                    scrub_text(&ConnectError::from_answer(response).to_string()).into_owned(),
                ),
                config_after: before.as_ref().map(|c| self.redacted_json(c, &secrets)),
                duration_ms,
            },
            Err(error) => Completion {
                outcome: Outcome::Failure,
                http_status: None,
                message: Some(scrub_text(&error.to_string()).into_owned()),
                config_after: before.as_ref().map(|c| self.redacted_json(c, &secrets)),
                duration_ms,
            },
        };
        if let Err(e) = store::complete(&self.db, id, &completion).await {
            tracing::error!(event = id, "cannot complete a history event: {e}");
        }
        Ok(result?)
    }

    /// Records what Plugboard did itself, without a call to Connect (a replay of dead letters,
    /// a read of record contents), with how it ended.
    pub async fn record_done(
        &self,
        cluster: &str,
        intent: Intent,
        outcome: Outcome,
        message: Option<String>,
    ) -> Result<(), ApiError> {
        let event = NewEvent {
            actor: intent.actor.as_deref().unwrap_or(&self.actor),
            source: intent.source,
            cluster,
            connector: intent.connector.as_deref(),
            action: intent.action,
            detail: intent
                .detail
                .as_ref()
                .map(|d| scrub_text(&d.to_string()).into_owned()),
            config_before: None,
            config_intended: None,
            reason: intent.reason.as_deref(),
        };
        let completion = Completion {
            outcome,
            http_status: None,
            message: message.map(|m| scrub_text(&m).into_owned()),
            config_after: None,
            duration_ms: 0,
        };
        let id = store::insert_intent(&self.db, &self.replica, &event).await?;
        store::complete(&self.db, id, &completion)
            .await
            .map_err(ApiError::from)
    }

    /// A change to a connector of a strict cluster is `apply`'s alone: anything else that
    /// would change its config, state or existence is refused before it is recorded or sent.
    async fn refuse_if_strict(&self, cluster: &str, intent: &Intent) -> Result<(), ApiError> {
        let declared_by_spec = matches!(
            intent.action,
            Action::Create
                | Action::Update
                | Action::Patch
                | Action::Rollback
                | Action::Delete
                | Action::Pause
                | Action::Resume
                | Action::Stop
        );
        let Some(connector) = intent.connector.as_deref() else {
            return Ok(());
        };
        if declared_by_spec
            && intent.source != Source::Apply
            && strict::covers(&self.db, cluster, connector).await?
        {
            return Err(ApiError::Conflict(format!(
                "connector `{connector}` on cluster `{cluster}` is managed as code and the cluster is strict: change its spec and apply it"
            )));
        }
        Ok(())
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
        match intent.action {
            Action::Delete => None,
            action if action.sets_config() => {
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

    /// Settles the rows left pending by replicas that stopped, every [`crate::fleet::RENEW`]
    /// for as long as it runs (on the replica that leads the job); see [`reconcile`].
    pub(crate) async fn reconcile_forever(self, clusters: plugboard_connect::Clusters) {
        let mut every = tokio::time::interval(crate::fleet::RENEW);
        loop {
            every.tick().await;
            if let Err(e) = reconcile::reconcile(&self, clusters.all()).await {
                tracing::error!("cannot reconcile interrupted changes: {e:#}");
            }
        }
    }
}

/// Applies the retention (days and/or rows) at start and every hour after.
pub(crate) async fn prune_periodically(db: Db, days: Option<u32>, rows: Option<u32>) {
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
