//! Read-your-writes on clusters of several workers. A worker answers a create, a config change
//! or a delete once the leader has written it, but the other workers learn of it only when they
//! read the config topic, so a read right after it could be served the old state by another
//! worker. After such a change answered 2xx, Plugboard waits (bounded) until every worker shows
//! it before answering, so whichever worker serves the next read, it sees the change.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use super::call::Settle;
use super::upstream::{UpstreamRequest, UpstreamResponse};
use super::{ClusterClient, ConnectCall};

/// How long every worker is given to show a change.
const SETTLE_WITHIN: Duration = Duration::from_secs(5);
const FIRST_PAUSE: Duration = Duration::from_millis(20);
const LONGEST_PAUSE: Duration = Duration::from_millis(320);

impl ClusterClient {
    /// Waits until every worker shows what `settle` says `answer` did (at most
    /// [`SETTLE_WITHIN`]; a worker that cannot be reached is not waited for).
    pub(super) async fn settle(&self, settle: &Settle, answer: &UpstreamResponse) {
        if self.cluster().urls.len() < 2 {
            return;
        }
        let (read, wanted) = match settle {
            Settle::Config(name) => {
                let answered: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
                let Some(config) = answered.get("config").cloned() else {
                    return;
                };
                (ConnectCall::GetConfig(name.clone()), Some(config))
            }
            Settle::Gone(name) => (ConnectCall::GetConnector(name.clone()), None),
        };
        let request = UpstreamRequest::new(&read, None);
        let waits = self.cluster().urls.iter().map(|url| {
            let (request, wanted) = (&request, wanted.as_ref());
            async move {
                let mut pause = FIRST_PAUSE;
                loop {
                    let Ok(_turn) = self.admit().await else {
                        return;
                    };
                    match self.send_to_worker(url, request).await {
                        Ok(seen) if shows(&seen, wanted) => return,
                        Ok(_) => {}
                        Err(_) => return,
                    }
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
            }
        });
        let all = futures::future::join_all(waits);
        if tokio::time::timeout(SETTLE_WITHIN, all).await.is_err() {
            tracing::warn!(
                cluster = self.id(),
                "a worker did not show a change within {} s",
                SETTLE_WITHIN.as_secs()
            );
        }
    }
}

/// Whether a worker's answer shows the config wanted (or, wanting none, that the connector
/// is gone).
fn shows(seen: &UpstreamResponse, wanted: Option<&Value>) -> bool {
    match wanted {
        Some(config) => {
            seen.status.is_success()
                && serde_json::from_slice::<Value>(&seen.body).ok().as_ref() == Some(config)
        }
        None => seen.status == StatusCode::NOT_FOUND,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn answer(status: u16, body: &str) -> UpstreamResponse {
        UpstreamResponse {
            status: StatusCode::from_u16(status).unwrap(),
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn a_worker_shows_a_change_only_with_the_same_config_or_a_404_for_a_delete() {
        let wanted = serde_json::json!({"name": "a", "topics": "t2"});
        assert!(shows(
            &answer(200, r#"{"topics": "t2", "name": "a"}"#),
            Some(&wanted)
        ));
        assert!(!shows(
            &answer(200, r#"{"name": "a", "topics": "t1"}"#),
            Some(&wanted)
        ));
        assert!(!shows(
            &answer(404, r#"{"error_code": 404}"#),
            Some(&wanted)
        ));
        assert!(shows(&answer(404, r#"{"error_code": 404}"#), None));
        assert!(!shows(&answer(200, "{}"), None));
    }
}
