//! Rolling a connector back to the config an earlier history event left it with.
//!
//! Secrets are stored as fingerprints only, so a secret is restored from the live config when
//! its fingerprint there still matches; a secret that has changed since cannot be restored and
//! the rollback is refused, naming it. The restored config is validated by Connect first.

use std::collections::BTreeMap;

use api_types::{Action, HistoryEvent};
use axum::body::Bytes;
use serde_json::{Value, json};

use super::secrets::FINGERPRINT_PREFIX;
use super::{History, Intent, Source};
use crate::error::ApiError;
use plugboard_connect::model::validation_errors;
use plugboard_connect::{
    ClusterClient, ConnectCall, ConnectError, ConnectorName, PluginName, UpstreamRequest,
    UpstreamResponse,
};

/// Restores `version`'s resulting config on `name`, recorded as a rollback pointing at it.
pub(crate) async fn roll_back(
    history: &History,
    client: &ClusterClient,
    name: &ConnectorName,
    version: &HistoryEvent,
    (actor, reason): (Option<String>, Option<String>),
) -> Result<UpstreamResponse, ApiError> {
    let target = version.config_after.as_ref().ok_or_else(|| {
        ApiError::BadRequest(format!(
            "history event {} left no config to restore",
            version.id
        ))
    })?;
    let live = client.live_config(name).await.unwrap_or_default();
    let restored = restore_secrets(history, client, target, &live).await?;
    validate(client, &restored).await?;
    let intent = Intent {
        source: Source::Rollback,
        connector: Some(name.as_str().to_owned()),
        action: Action::Rollback,
        detail: Some(json!({ "restored_event": version.id })),
        config: Some(
            restored
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone())))
                .collect(),
        ),
        reason,
        actor,
    };
    let body = Bytes::from(json!(restored).to_string());
    let request = UpstreamRequest::new(&ConnectCall::PutConfig(name.clone()), Some(body));
    let response = history.perform(client, intent, request).await?;
    if response.status.is_success() {
        Ok(response)
    } else {
        Err(ConnectError::from_answer(&response).into())
    }
}

/// The target config with each fingerprinted secret replaced by the live value it matches.
async fn restore_secrets(
    history: &History,
    client: &ClusterClient,
    target: &BTreeMap<String, String>,
    live: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let secrets = client.declared_secret_keys(live).await;
    let live_redacted: BTreeMap<String, String> =
        serde_json::from_str(&history.redacted_json(live, &secrets)).unwrap_or_default();
    let mut restored = BTreeMap::new();
    for (key, value) in target {
        let value = if value.contains(FINGERPRINT_PREFIX) {
            match (live_redacted.get(key), live.get(key)) {
                (Some(fingerprint), Some(raw)) if fingerprint == value => raw.clone(),
                _ => {
                    return Err(ApiError::Conflict(format!(
                        "the secret `{key}` has changed since that version and the history keeps only its fingerprint; roll back by editing the config and typing the secret"
                    )));
                }
            }
        } else {
            value.clone()
        };
        restored.insert(key.clone(), value);
    }
    Ok(restored)
}

async fn validate(
    client: &ClusterClient,
    config: &BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let class = config
        .get("connector.class")
        .ok_or_else(|| ApiError::BadRequest("that version has no connector.class".into()))?;
    client.check_pinned_version(config).await?;
    let call = ConnectCall::ValidateConfig(PluginName::new(class)?, None);
    let answer: Value = client.call(&call, Some(&json!(config))).await?.json()?;
    let errors = validation_errors(&answer);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "Connect refuses that version: {}",
            errors.join("; ")
        )))
    }
}
