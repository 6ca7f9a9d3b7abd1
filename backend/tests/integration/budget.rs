//! Each cluster's request budget, against a fake worker: the real stack cannot be made slow on
//! demand, and a slow worker is what fills the budget (see support/fake_worker.rs).

use std::time::Duration;

use api_types::ErrorBody;
use plugboard::config::RequestBudget;
use reqwest::{Method, StatusCode};

use crate::support::fake_worker::{Answer, FakeWorker};
use crate::support::{TestApp, cluster};

async fn app_with_budget(worker: &FakeWorker, budget: RequestBudget) -> TestApp {
    let mut fake = cluster("fake", vec![worker.url.clone()]);
    fake.budget = budget;
    TestApp::start_with_timeout(vec![fake], Duration::from_secs(10)).await
}

/// As many GETs of distinct configs at once (configs are neither cached nor shared).
async fn config_reads(app: &TestApp, count: usize) -> Vec<reqwest::Response> {
    let reads = (0..count).map(|i| async move {
        app.get(&format!(
            "/api/v1/clusters/fake/connect/connectors/c{i}/config"
        ))
        .await
    });
    futures::future::join_all(reads).await
}

#[tokio::test]
async fn a_slow_worker_never_has_more_calls_in_flight_than_the_budget_allows() {
    let worker = FakeWorker::start(
        Method::GET,
        vec![Answer::new(200, "{}").after(Duration::from_millis(300))],
    )
    .await;
    let budget = RequestBudget {
        max_concurrent: 2,
        per_second: 1_000,
    };
    let app = app_with_budget(&worker, budget).await;

    let answers = config_reads(&app, 8).await;

    assert!(
        answers.iter().all(|a| a.status() == StatusCode::OK),
        "every caller waited its turn"
    );
    assert!(worker.hits() >= 8);
    assert_eq!(worker.most_in_flight(), 2);
}

#[tokio::test]
async fn callers_past_the_rate_budget_get_429_with_retry_after_and_are_counted() {
    let worker = FakeWorker::start(Method::GET, vec![Answer::new(200, "{}")]).await;
    let budget = RequestBudget {
        max_concurrent: 4,
        per_second: 1,
    };
    let app = app_with_budget(&worker, budget).await;

    // At one call a second, a caller may wait 5 s at most: of 12 at once, some must be refused.
    let answers = config_reads(&app, 12).await;

    let mut refused = 0;
    for answer in answers {
        if answer.status() == StatusCode::OK {
            continue;
        }
        assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry_after: u64 = answer.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry_after >= 1);
        let body: ErrorBody = answer.json().await.unwrap();
        assert_eq!(body.error.code, "over_budget");
        assert!(
            body.error.message.contains("`fake`"),
            "{}",
            body.error.message
        );
        refused += 1;
    }
    assert!(refused > 0, "some callers were refused");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let counted: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("plugboard_upstream_refused_total{cluster=\"fake\"} "))
        .and_then(|n| n.parse().ok())
        .expect("the refused counter");
    assert!(counted >= refused, "{counted} counted, {refused} refused");
}
