//! Integration tests against the real local stack: the clusters, their workers and versions.

use crate::support::{TestApp, cluster, stack_urls};
use api_types::{ClusterOverview, ErrorBody};
use reqwest::StatusCode;

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "pair";

/// The Kafka version scripts/maven/NAME/pom.xml pins: what the stack's workers run.
fn pinned(name: &str) -> String {
    let pom = format!(
        "{}/../scripts/maven/{name}/pom.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(pom).unwrap();
    let start = text.find("<kafka.version>").unwrap() + "<kafka.version>".len();
    text[start..text[start..].find('<').unwrap() + start].to_owned()
}

#[tokio::test]
async fn the_workers_report_the_pinned_connect_4_and_3_9_on_the_same_kafka_cluster() {
    let (urls, legacy) = (stack_urls(STACK), stack_urls("legacy"));
    let app = TestApp::start(vec![
        cluster("local", urls.clone()),
        cluster("legacy", legacy.clone()),
    ])
    .await;

    let response = app.get("/api/v1/clusters").await;

    assert_eq!(response.status(), StatusCode::OK);
    let clusters: Vec<ClusterOverview> = response.json().await.unwrap();
    assert_eq!(clusters.len(), 2);
    let workers = &clusters[0].workers;
    assert_eq!(workers.len(), 2);
    let mut infos: Vec<_> = workers.iter().map(|w| w.info.clone().unwrap()).collect();
    for info in &infos {
        assert_eq!(info.version, pinned("kafka-4"));
        assert!(!info.kafka_cluster_id.is_empty());
        assert!(!info.commit.is_empty());
    }
    assert_eq!(workers[0].url, urls[0]);
    let older = clusters[1].workers[0].info.clone().unwrap();
    assert_eq!(older.version, pinned("connect-3.9"));
    infos.push(older);
    assert!(
        infos
            .iter()
            .all(|i| i.kafka_cluster_id == infos[0].kafka_cluster_id)
    );
}

#[tokio::test]
async fn a_dead_worker_is_reported_unreachable_while_the_others_answer() {
    let mut urls = stack_urls(STACK);
    // Nothing listens on the discard port here; stands in for a worker that is down.
    urls.push("http://127.0.0.1:9".into());
    let app = TestApp::start(vec![cluster("local", urls)]).await;

    let overview: ClusterOverview = app
        .get("/api/v1/clusters/local")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(overview.reachable_workers(), 2);
    let dead = &overview.workers[2];
    assert!(dead.info.is_none());
    let error = dead.error.as_deref().unwrap();
    assert!(error.starts_with("cannot connect"), "{error}");
}

#[tokio::test]
async fn an_unknown_cluster_gets_a_json_404_naming_it() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;

    let response = app.get("/api/v1/clusters/nope").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error.code, "unknown_cluster");
    assert!(body.error.message.contains("`nope`"));
}

#[tokio::test]
async fn an_unknown_api_path_gets_a_json_404_not_the_browser_app() {
    let app = TestApp::start(vec![]).await;

    let response = app.get("/api/v1/no-such-thing").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error.code, "not_found");
}

#[tokio::test]
async fn health_and_readiness_answer_when_the_database_is_open() {
    let app = TestApp::start(vec![]).await;

    let health = app.get("/healthz").await;
    let ready = app.get("/readyz").await;

    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(ready.status(), StatusCode::OK);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
}
