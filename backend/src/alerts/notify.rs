//! Webhooks for incidents: a JSON body (or a Slack-compatible `{"text"}`), posted when an
//! incident opens, when it resolves, and as a reminder while it stays open.
//!
//! They go through an outbox ([`super::outbox`]): the event that calls for a webhook queues a
//! row in `alert_notifications` in the same transaction as the incident's change, and the replica that
//! leads the alerts sends the rows that are due, each in the background (so sending never
//! blocks the evaluation), retried with growing back-off and recorded. A replica that dies
//! between the two loses no webhook: the next leader sends it. One that dies while sending
//! leaves its claim to expire, and the webhook is sent again with the same `delivery` id, by
//! which a receiver drops the second.

use std::time::Duration;

use api_types::{AlertRule, Incident, WebhookFormat};
use serde_json::{Value, json};

use super::incidents;
use super::outbox::Event;
use crate::clock::{now_iso, now_ms};
use crate::db::{Db, on_db};

const ATTEMPTS: i64 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// How long a delivery is the replica's that claimed it; after that another may send it.
const CLAIM_MS: i64 = 30_000;

/// Claims the queued webhooks that are due and sends each in the background, recording how it
/// went; answers how many it claimed.
pub(crate) async fn deliver_due(
    db: &Db,
    http: &reqwest::Client,
    rules: &[AlertRule],
) -> sqlx::Result<usize> {
    let now = now_ms();
    // Most rounds have nothing to send: a read spares them the write lock.
    let due = "select count(*) from alert_notifications \
               where not delivered and attempts < $1 and coalesce(next_attempt_at_ms, 0) <= $2";
    let waiting: i64 = on_db!(db, pool => sqlx::query_scalar(due)
        .bind(ATTEMPTS)
        .bind(now)
        .fetch_one(pool)
        .await)?;
    if waiting == 0 {
        return Ok(0);
    }
    // The conditions stand in the update itself: PostgreSQL checks them again on a row another
    // replica has just claimed, so no row is claimed twice.
    let claim = "update alert_notifications set next_attempt_at_ms = $1 \
                 where not delivered and attempts < $2 and coalesce(next_attempt_at_ms, 0) <= $3 \
                 returning id, incident_id, event, attempts";
    let claimed: Vec<(i64, i64, String, i64)> = on_db!(db, pool => sqlx::query_as(claim)
        .bind(now + CLAIM_MS)
        .bind(ATTEMPTS)
        .bind(now)
        .fetch_all(pool)
        .await)?;
    let count = claimed.len();
    for (delivery, incident_id, event, attempts) in claimed {
        let incident = incidents::get(db, incident_id, None).await.ok();
        let rule = (incident.as_ref())
            .and_then(|i| rules.iter().find(|r| r.id == i.rule_id))
            .filter(|r| r.spec.webhook_url.is_some());
        let (Some(incident), Some(rule), Some(event)) = (incident, rule, Event::parse(&event))
        else {
            let gone = Err("the incident, its rule or the rule's webhook is gone".to_owned());
            record(db, delivery, ATTEMPTS, &gone).await;
            continue;
        };
        let (db, http, rule) = (db.clone(), http.clone(), rule.clone());
        tokio::spawn(async move {
            let outcome = post(&http, &rule, &incident, event, delivery).await;
            if let Err(error) = &outcome {
                tracing::warn!(
                    incident = incident.id,
                    "webhook {} failed: {error}",
                    event.as_str()
                );
            }
            record(&db, delivery, attempts + 1, &outcome).await;
        });
    }
    Ok(count)
}

/// Posts delivery `delivery` once. The URL may be `${env:NAME}` or `${file:PATH}`, read now,
/// so the URL itself (a secret for Slack) need not be stored.
async fn post(
    http: &reqwest::Client,
    rule: &AlertRule,
    incident: &Incident,
    event: Event,
    delivery: i64,
) -> Result<u16, String> {
    let written = rule.spec.webhook_url.as_deref().unwrap_or_default();
    let url =
        crate::config::resolve(written, "the rule's webhook_url").map_err(|e| format!("{e:#}"))?;
    let mut payload = body(rule, incident, event);
    if matches!(rule.spec.webhook_format, WebhookFormat::Json) {
        payload["delivery"] = json!(delivery);
    }
    crate::secrets::known::scrub_json(&mut payload);
    match http.post(&url).json(&payload).send().await {
        Ok(r) if r.status().is_success() => Ok(r.status().as_u16()),
        Ok(r) => Err(format!("HTTP {}", r.status())),
        Err(e) => Err(delivery_error(e)),
    }
}

/// Records attempt `attempts` of `delivery`: delivered, or due again after a back-off that
/// doubles with each attempt, until the last.
async fn record(db: &Db, delivery: i64, attempts: i64, outcome: &Result<u16, String>) {
    let again = (outcome.is_err() && attempts < ATTEMPTS).then(|| {
        let backoff = FIRST_BACKOFF * 2u32.pow(u32::try_from(attempts - 1).unwrap_or(0));
        now_ms() + i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX)
    });
    let sql = "update alert_notifications set attempts = $2, delivered = $3, status = $4, \
               error = $5, sent_at = $6, next_attempt_at_ms = $7 where id = $1";
    let recorded = on_db!(db, pool => sqlx::query(sql)
        .bind(delivery)
        .bind(attempts)
        .bind(outcome.is_ok())
        .bind(outcome.as_ref().ok().map(|status| i64::from(*status)))
        .bind(outcome.as_ref().err())
        .bind(now_iso())
        .bind(again)
        .execute(pool)
        .await
        .map(drop));
    if let Err(e) = recorded {
        tracing::error!("cannot record a webhook delivery: {e}");
    }
}

/// The body posted for `event` of `incident`.
fn body(rule: &AlertRule, incident: &Incident, event: Event) -> Value {
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use api_types::{RuleKind, RuleSpec};

    use super::*;
    use crate::alerts::incidents::Finding;
    use crate::test_support::scratch_db;

    /// A local receiver of webhooks, keeping every body.
    async fn receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
        let received: Arc<Mutex<Vec<Value>>> = Arc::default();
        let sink = received.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
                let sink = sink.clone();
                async move { sink.lock().unwrap().push(body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, received)
    }

    #[tokio::test]
    async fn a_queued_webhook_is_sent_once_whichever_replica_delivers_it_with_its_delivery_id() {
        let db = scratch_db("outbox").await;
        let (url, received) = receiver().await;
        let spec = RuleSpec {
            name: "failed".into(),
            kind: RuleKind::Failed,
            cluster: None,
            connector_pattern: None,
            threshold: None,
            for_seconds: 0,
            samples: None,
            allowed_lag: None,
            webhook_url: Some(url),
            webhook_format: WebhookFormat::Json,
            repeat_seconds: None,
            auto_restart: false,
            max_restarts: 3,
        };
        let rule = super::super::rules::save(&db, None, &spec).await.unwrap();
        let finding = Finding {
            rule_id: rule.id,
            cluster: "c".into(),
            subject: "orders-sink".into(),
            value: None,
            detail: "task FAILED".into(),
        };
        // The replica that opened the incident stops before sending: the webhook waits, queued.
        let incident = incidents::open(&db, &finding, true).await.unwrap().unwrap();
        let http = reqwest::Client::new();
        let rules = [rule];

        // Two replicas deliver at once, as a new leader and a stale one might.
        let (first, second) = tokio::join!(
            deliver_due(&db, &http, &rules),
            deliver_due(&db, &http, &rules)
        );
        let sql = "select count(*) from alert_notifications where delivered";
        for _ in 0..100 {
            let delivered: i64 =
                on_db!(&db, pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap();
            if delivered == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let later = deliver_due(&db, &http, &rules).await.unwrap();

        assert_eq!(first.unwrap() + second.unwrap(), 1, "claimed once");
        assert_eq!(later, 0, "nothing left to send");
        let bodies = received.lock().unwrap().clone();
        assert_eq!(bodies.len(), 1, "{bodies:?}");
        assert_eq!(bodies[0]["event"], "open");
        assert_eq!(bodies[0]["incident"]["id"], incident);
        assert!(bodies[0]["delivery"].is_i64(), "{}", bodies[0]);
    }

    #[tokio::test]
    async fn a_failed_delivery_never_names_the_webhook_url() {
        let url = "http://127.0.0.1:9/services/T000/B000/webhook-token-XYZ";
        let error = reqwest::Client::new().post(url).send().await.unwrap_err();
        let message = delivery_error(error);
        assert!(!message.contains("webhook-token-XYZ"), "{message}");
        assert!(!message.is_empty());
    }
}
