//! Webhooks for incidents: a JSON body (or a Slack-compatible `{"text"}`), posted when an
//! incident opens, when it resolves, and as a reminder while it stays open; retried with
//! growing back-off, each delivery recorded. Sending never blocks the evaluation.

use std::time::Duration;

use api_types::{AlertRule, Incident, WebhookFormat};
use serde_json::{Value, json};

use crate::db::{Db, on_db};

const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Open,
    Resolved,
    Reminder,
}

impl Event {
    fn as_str(self) -> &'static str {
        match self {
            Event::Open => "open",
            Event::Resolved => "resolved",
            Event::Reminder => "reminder",
        }
    }
}

/// The body posted for `event` of `incident`.
pub(crate) fn body(rule: &AlertRule, incident: &Incident, event: Event) -> Value {
    match rule.spec.webhook_format {
        WebhookFormat::Json => json!({
            "event": event.as_str(),
            "incident": incident,
            "rule": {"id": rule.id, "name": rule.spec.name, "kind": rule.spec.kind},
        }),
        WebhookFormat::Slack => json!({
            "text": format!(
                "[{}] {}: {}/{} — {}",
                event.as_str().to_uppercase(),
                rule.spec.name,
                incident.cluster,
                incident.subject,
                incident.opening
            ),
        }),
    }
}

/// Why a webhook could not be delivered, as logged and recorded: never with the URL, which is
/// a secret of its own (Slack's carry a token), and scrubbed of known secrets.
fn delivery_error(error: reqwest::Error) -> String {
    crate::secrets::known::scrub_text(&error.without_url().to_string()).into_owned()
}

/// Posts in the background (when the rule has a webhook) and records the outcome. The URL may
/// be `${env:NAME}` or `${file:PATH}`, read when the webhook is sent, so the URL itself (a
/// secret for Slack) need not be stored.
pub(crate) fn send(
    db: &Db,
    http: &reqwest::Client,
    rule: &AlertRule,
    incident: &Incident,
    event: Event,
) {
    let Some(written) = rule.spec.webhook_url.as_deref() else {
        return;
    };
    let url = match crate::config::resolve(written, "the rule's webhook_url") {
        Ok(url) => url,
        Err(e) => {
            tracing::warn!(rule = rule.id, "webhook not sent: {e:#}");
            return;
        }
    };
    let mut payload = body(rule, incident, event);
    crate::secrets::known::scrub_json(&mut payload);
    let (db, http, incident_id) = (db.clone(), http.clone(), incident.id);
    tokio::spawn(async move {
        let (mut attempts, mut outcome) = (0, Err("not sent".to_owned()));
        let mut backoff = FIRST_BACKOFF;
        while attempts < ATTEMPTS {
            attempts += 1;
            outcome = match http.post(&url).json(&payload).send().await {
                Ok(r) if r.status().is_success() => Ok(r.status().as_u16()),
                Ok(r) => Err(format!("HTTP {}", r.status())),
                Err(e) => Err(delivery_error(e)),
            };
            if outcome.is_ok() {
                break;
            }
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        if let Err(error) = &outcome {
            tracing::warn!(
                incident_id,
                "webhook {} failed after {attempts} attempts: {error}",
                event.as_str()
            );
        }
        let sql = "insert into alert_notifications (incident_id, event, attempts, delivered, \
                   status, error, sent_at) values ($1, $2, $3, $4, $5, $6, $7)";
        let recorded = on_db!(&db, pool => sqlx::query(sql)
            .bind(incident_id)
            .bind(event.as_str())
            .bind(i64::from(attempts))
            .bind(outcome.is_ok())
            .bind(outcome.as_ref().ok().map(|status| i64::from(*status)))
            .bind(outcome.err())
            .bind(crate::clock::now_iso())
            .execute(pool)
            .await
            .map(drop));
        if let Err(e) = recorded {
            tracing::error!("cannot record a webhook delivery: {e}");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_delivery_never_names_the_webhook_url() {
        let url = "http://127.0.0.1:9/services/T000/B000/webhook-token-XYZ";
        let error = reqwest::Client::new().post(url).send().await.unwrap_err();
        let message = delivery_error(error);
        assert!(!message.contains("webhook-token-XYZ"), "{message}");
        assert!(!message.is_empty());
    }
}
