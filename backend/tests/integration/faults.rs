//! Connect's awkward answers, produced by a fake worker because the real stack cannot be made to
//! time out, answer 500 or sit in a rebalance on demand (see support/fake_worker.rs).

use std::time::Duration;

use crate::support::fake_worker::{Answer, FakeWorker};
use crate::support::{TestApp, cluster};
use api_types::{ConnectorList, ErrorBody};
use reqwest::{Method, StatusCode};
use serde_json::json;

const REBALANCING: &str =
    "Cannot complete request because of a conflicting operation (e.g. worker rebalance)";

async fn app_for(worker: &FakeWorker) -> TestApp {
    TestApp::start_with_timeout(
        vec![cluster("fake", vec![worker.url.clone()])],
        Duration::from_millis(500),
    )
    .await
}

async fn error_of(response: reqwest::Response) -> (StatusCode, ErrorBody) {
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_409_during_a_rebalance_is_retried_until_connect_accepts() {
    let worker = FakeWorker::start(
        Method::PUT,
        vec![
            Answer::error(409, REBALANCING),
            Answer::error(409, REBALANCING),
            Answer::new(202, ""),
        ],
    )
    .await;
    let app = app_for(&worker).await;

    let response = app
        .send(
            Method::POST,
            "/api/v1/clusters/fake/connectors/a/pause",
            None,
        )
        .await;

    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(worker.hits(), 3);
}

#[tokio::test]
async fn a_500_saying_a_rebalance_is_expected_is_retried() {
    let worker = FakeWorker::start(
        Method::POST,
        vec![
            Answer::error(
                500,
                "Request cannot be completed because a rebalance is expected",
            ),
            Answer::new(201, r#"{"name":"a","config":{},"tasks":[],"type":"sink"}"#),
        ],
    )
    .await;
    let app = app_for(&worker).await;

    let body = json!({"name": "a", "config": {"connector.class": "X"}});
    let response = app
        .send(Method::POST, "/api/v1/clusters/fake/connectors", Some(body))
        .await;

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(worker.hits(), 2);
}

#[tokio::test]
async fn a_409_already_exists_is_never_retried() {
    let worker = FakeWorker::start(
        Method::POST,
        vec![Answer::error(409, "Connector a already exists")],
    )
    .await;
    let app = app_for(&worker).await;

    let body = json!({"name": "a", "config": {"connector.class": "X"}});
    let response = app
        .send(Method::POST, "/api/v1/clusters/fake/connectors", Some(body))
        .await;

    let (status, error) = error_of(response).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error.error.message, "Connector a already exists");
    assert_eq!(worker.hits(), 1);
}

#[tokio::test]
async fn retries_are_bounded_and_then_connects_answer_is_passed_on() {
    let worker = FakeWorker::start(Method::PUT, vec![Answer::error(409, REBALANCING)]).await;
    let app = app_for(&worker).await;

    let response = app
        .send(
            Method::POST,
            "/api/v1/clusters/fake/connectors/a/resume",
            None,
        )
        .await;

    let (status, error) = error_of(response).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error.error.code, "conflict");
    assert_eq!(worker.hits(), 7, "one call and six retries");
}

#[tokio::test]
async fn a_slow_worker_times_out_with_the_cluster_and_url_named() {
    let worker = FakeWorker::start(
        Method::GET,
        vec![Answer::new(200, "{}").after(Duration::from_secs(3))],
    )
    .await;
    let app = app_for(&worker).await;

    let response = app.get("/api/v1/clusters/fake/connectors").await;

    let (status, error) = error_of(response).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(error.error.code, "upstream_timeout");
    assert!(
        error.error.message.contains("`fake`"),
        "{}",
        error.error.message
    );
    assert!(
        error.error.message.contains(&worker.url),
        "{}",
        error.error.message
    );
}

#[tokio::test]
async fn a_worker_500_is_a_bad_gateway_with_connects_message() {
    let worker = FakeWorker::start(
        Method::GET,
        vec![Answer::error(500, "Something broke in the herder")],
    )
    .await;
    let app = app_for(&worker).await;

    let response = app.get("/api/v1/clusters/fake/connectors/a").await;

    let (status, error) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(error.error.message, "Something broke in the herder");
}

#[tokio::test]
async fn malformed_json_is_our_400_and_never_reaches_connect() {
    let worker = FakeWorker::start(
        Method::POST,
        vec![Answer::error(500, "Unexpected character")],
    )
    .await;
    let app = app_for(&worker).await;
    let url = format!("{}/api/v1/clusters/fake/connect/connectors", app.base_url);
    let own_url = format!("{}/api/v1/clusters/fake/connectors", app.base_url);

    let passthrough = app
        .http
        .post(url)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let own = app
        .http
        .post(own_url)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();

    for response in [passthrough, own] {
        let (status, error) = error_of(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error.error.code, "bad_request");
    }
    assert_eq!(worker.hits(), 0);
}

#[tokio::test]
async fn concurrent_list_requests_share_one_upstream_call_until_a_mutation() {
    let list = Answer::new(
        200,
        r#"{"a":{"status":{"connector":{"state":"RUNNING","worker_id":"w"},"tasks":[{"id":0,"state":"RUNNING","worker_id":"w"}],"type":"sink"},"info":{"config":{"connector.class":"X"},"type":"sink"}}}"#,
    );
    let worker = FakeWorker::start(
        Method::GET,
        vec![list.clone().after(Duration::from_millis(200)), list],
    )
    .await;
    let app = app_for(&worker).await;

    let pollers = (0..20).map(|_| app.get("/api/v1/clusters/fake/connectors"));
    let answers = futures::future::join_all(pollers).await;
    let hits_after_burst = worker.hits();
    app.get("/api/v1/connectors").await;
    let hits_within_ttl = worker.hits();
    app.send(
        Method::POST,
        "/api/v1/clusters/fake/connectors/a/pause",
        None,
    )
    .await;
    let after_mutation: ConnectorList = app.get_json("/api/v1/clusters/fake/connectors").await;

    assert!(answers.iter().all(|a| a.status() == StatusCode::OK));
    assert_eq!(hits_after_burst, 1);
    assert_eq!(hits_within_ttl, 1);
    assert_eq!(
        worker.hits(),
        3,
        "the history's look at the config, then one fresh list"
    );
    assert_eq!(after_mutation.connectors[0].name, "a");
}

#[tokio::test]
async fn an_unreachable_cluster_is_named_with_its_url_never_an_empty_list() {
    // Nothing listens on the discard port: the cluster is down.
    let app = TestApp::start(vec![cluster("down", vec!["http://127.0.0.1:9".into()])]).await;

    let all: ConnectorList = app.get_json("/api/v1/connectors").await;
    let one = app.get("/api/v1/clusters/down/connectors").await;

    assert_eq!(all.unreachable.len(), 1);
    assert_eq!(all.unreachable[0].cluster, "down");
    assert!(
        all.unreachable[0].message.contains("http://127.0.0.1:9"),
        "{}",
        all.unreachable[0].message
    );
    let (status, error) = error_of(one).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(error.error.code, "upstream_unreachable");
    assert!(
        error.error.message.contains("cluster `down`"),
        "{}",
        error.error.message
    );
}

#[tokio::test]
async fn a_kill_between_intent_and_answer_leaves_an_unknown_outcome_that_the_next_start_settles() {
    // The fake worker sits on the pause for two minutes.
    let worker = FakeWorker::start(
        Method::PUT,
        vec![Answer::new(202, "").after(Duration::from_secs(120))],
    )
    .await;
    let dir = crate::support::ScratchDir::new("crash");
    let config = dir.path("plugboard.toml");
    std::fs::write(
        &config,
        format!("[[clusters]]\nid = \"fake\"\nurls = [\"{}\"]\n", worker.url),
    )
    .unwrap();
    let start = |port: u16| {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_plugboard"))
            .arg("--config")
            .arg(&config)
            .arg("--database")
            .arg(dir.path("plugboard.db"))
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        KilledOnDrop(child)
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let latest_event = || async {
        let url = format!("{base}/api/v1/history");
        let page: api_types::HistoryPage = http.get(url).send().await.ok()?.json().await.ok()?;
        page.events.into_iter().next()
    };
    let healthy = || async {
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .ok()
            .map(drop)
    };

    let first = start(port);
    crate::support::eventually("plugboard to start", healthy).await;
    let pause = tokio::spawn(
        http.post(format!("{base}/api/v1/clusters/fake/connectors/x/pause"))
            .send(),
    );
    let pending = crate::support::eventually("the pending event", || async {
        latest_event()
            .await
            .filter(|e| e.outcome.as_str() == "pending")
    })
    .await;
    drop(first);
    pause.abort();
    let second = start(port);
    let settled = crate::support::eventually("the event to be settled", || async {
        latest_event()
            .await
            .filter(|e| e.outcome.as_str() != "pending")
    })
    .await;
    drop(second);

    assert_eq!(pending.action.as_str(), "pause");
    assert_eq!(settled.id, pending.id);
    assert_eq!(settled.outcome.as_str(), "unknown");
    assert!(
        settled
            .message
            .unwrap()
            .contains("stopped before Connect answered")
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed (SIGKILL, as a crash) when dropped, also when a test fails.
struct KilledOnDrop(std::process::Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
