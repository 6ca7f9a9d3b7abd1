//! Plugboard's own API against the real stack, each test on Connect 4 and on Connect 3.9: every
//! action reaches the expected Connect state, and the list, detail, bulk, offsets, plugins and
//! loggers answer as they should.

use crate::support::{
    TestApp, cluster, create_sink, detail_when, eventually, file_sink_config, stack_urls,
    state_becomes, unique,
};
use api_types::{
    BulkOutcome, ConnectorList, ConnectorState, Health, OffsetsOutcome, WorkerLoggers,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The Connect 4 cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";
/// The Connect 4 cluster of two workers, whose workers answer for their own logger levels.
const PAIR: &str = "pair";

on_connect_4_and_3_9!(
    STACK: every_own_api_action_reaches_the_expected_connect_state,
    a_failing_sink_is_listed_unhealthy_with_the_cause_of_its_failure,
    the_detail_holds_config_tasks_topics_and_offsets,
    the_offsets_reset_flow_stops_resets_and_resumes_in_one_call,
    bulk_actions_report_one_result_per_connector,
    with_one_worker_dead_calls_still_succeed_through_the_other,
);
// On two workers in both versions: Connect 3.9's `legacy` has two as well.
on_connect_4_and_3_9!(PAIR: plugins_validation_and_logger_levels_answer_through_the_own_api);

async fn local_app(stack: &str) -> TestApp {
    TestApp::start(vec![cluster("local", stack_urls(stack))]).await
}

async fn every_own_api_action_reaches_the_expected_connect_state(stack: &str) {
    let app = local_app(stack).await;
    let name = unique("actions");
    let base = format!("/api/v1/clusters/local/connectors/{name}");
    create_sink(&app, &name, file_sink_config(&name)).await;
    state_becomes(&app, &name, "RUNNING").await;

    for (action, expected) in [
        ("pause", "PAUSED"),
        ("resume", "RUNNING"),
        ("stop", "STOPPED"),
        ("resume", "RUNNING"),
    ] {
        let response = app
            .send(Method::POST, &format!("{base}/{action}"), None)
            .await;
        assert!(
            response.status().is_success(),
            "{action}: {}",
            response.status()
        );
        state_becomes(&app, &name, expected).await;
    }

    let restart = app
        .send(
            Method::POST,
            &format!("{base}/restart?include_tasks=true&only_failed=false"),
            None,
        )
        .await;
    assert_eq!(restart.status(), StatusCode::ACCEPTED);
    let restarted: Value = restart.json().await.unwrap();
    assert_eq!(restarted["connector"]["state"], "RESTARTING");
    state_becomes(&app, &name, "RUNNING").await;
    let task_restart = app
        .send(Method::POST, &format!("{base}/tasks/0/restart"), None)
        .await;
    assert_eq!(task_restart.status(), StatusCode::NO_CONTENT);

    let patch = app
        .send(
            Method::PATCH,
            &format!("{base}/config"),
            Some(json!({"tasks.max": "2"})),
        )
        .await;
    assert_eq!(patch.status(), StatusCode::OK);
    detail_when(&app, &name, "two tasks after the patch", |d| {
        d.tasks.len() == 2
    })
    .await;
    let mut replaced = file_sink_config(&name);
    replaced["tasks.max"] = json!("1");
    let replace = app
        .send(Method::PUT, &format!("{base}/config"), Some(replaced))
        .await;
    assert_eq!(replace.status(), StatusCode::OK);
    let detail = detail_when(&app, &name, "the replaced config", |d| {
        d.config.get("tasks.max").map(String::as_str) == Some("1")
    })
    .await;
    assert_eq!(detail.config["topics"], name);

    let delete = app.send(Method::DELETE, &base, None).await;
    assert_eq!(delete.status(), StatusCode::NO_CONTENT);
    eventually("the connector to be gone", || async {
        (app.get(&base).await.status() == StatusCode::NOT_FOUND).then_some(())
    })
    .await;
}

async fn a_failing_sink_is_listed_unhealthy_with_the_cause_of_its_failure(stack: &str) {
    let app = local_app(stack).await;
    let name = unique("failing");
    let mut config = file_sink_config(&name);
    // A directory cannot be opened as the sink's output file: the task fails at start.
    config["file"] = json!(std::env::temp_dir().display().to_string());
    create_sink(&app, &name, config).await;

    let summary = eventually("the task to fail", || async {
        let list: ConnectorList = app.get_json("/api/v1/connectors?cluster=local").await;
        list.connectors
            .into_iter()
            .find(|c| c.name == name && c.tasks.failed == 1)
    })
    .await;

    assert_eq!(summary.health, Health::Unhealthy);
    assert_eq!(
        summary.class,
        "org.apache.kafka.connect.file.FileStreamSinkConnector"
    );
    assert_eq!(
        summary.consumer_group.as_deref(),
        Some(format!("connect-{name}").as_str())
    );
    let cause = summary.first_cause.unwrap();
    assert!(cause.starts_with("Caused by:"), "{cause}");
    app.send(
        Method::DELETE,
        &format!("/api/v1/clusters/local/connectors/{name}"),
        None,
    )
    .await;
}

async fn the_detail_holds_config_tasks_topics_and_offsets(stack: &str) {
    let app = local_app(stack).await;
    let name = unique("detail");
    create_sink(&app, &name, file_sink_config(&name)).await;

    let detail = detail_when(&app, &name, "a running task", |d| {
        d.tasks.iter().any(|t| t.state.as_str() == "RUNNING")
    })
    .await;

    assert_eq!(
        detail.config["connector.class"],
        "org.apache.kafka.connect.file.FileStreamSinkConnector"
    );
    assert_eq!(detail.tasks[0].id, 0);
    assert!(detail.topics.is_ok(), "{:?}", detail.topics);
    let offsets = detail.offsets.unwrap();
    assert!(offsets["offsets"].is_array(), "{offsets}");
    app.send(
        Method::DELETE,
        &format!("/api/v1/clusters/local/connectors/{name}"),
        None,
    )
    .await;
}

async fn the_offsets_reset_flow_stops_resets_and_resumes_in_one_call(stack: &str) {
    let app = local_app(stack).await;
    let name = unique("offsets");
    create_sink(&app, &name, file_sink_config(&name)).await;
    state_becomes(&app, &name, "RUNNING").await;

    let path = format!("/api/v1/clusters/local/connectors/{name}/offsets/reset");
    let response = app
        .send(Method::POST, &path, Some(json!({"resume_after": true})))
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let outcome: OffsetsOutcome = response.json().await.unwrap();
    assert_eq!(
        outcome.steps,
        [
            "stopped the connector",
            "reset the offsets",
            "resumed the connector"
        ]
    );
    assert!(outcome.result["message"].is_string(), "{}", outcome.result);
    state_becomes(&app, &name, "RUNNING").await;
    app.send(
        Method::DELETE,
        &format!("/api/v1/clusters/local/connectors/{name}"),
        None,
    )
    .await;
}

async fn bulk_actions_report_one_result_per_connector(stack: &str) {
    let app = local_app(stack).await;
    let prefix = unique("bulk");
    let names: Vec<String> = (0..3).map(|i| format!("{prefix}-{i}")).collect();
    for name in &names {
        create_sink(&app, name, file_sink_config(name)).await;
    }
    for name in &names {
        state_becomes(&app, name, "RUNNING").await;
    }

    let pause = json!({"action": "pause", "filter": {"cluster": "local", "name_contains": prefix}});
    let paused: Vec<BulkOutcome> = app
        .send(Method::POST, "/api/v1/connectors/bulk", Some(pause))
        .await
        .json()
        .await
        .unwrap();
    let mut targets: Vec<Value> = names
        .iter()
        .map(|n| json!({"cluster": "local", "name": n}))
        .collect();
    targets.push(json!({"cluster": "local", "name": format!("{prefix}-missing")}));
    let delete = json!({"action": "delete", "connectors": targets});
    let deleted: Vec<BulkOutcome> = app
        .send(Method::POST, "/api/v1/connectors/bulk", Some(delete))
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(paused.len(), 3);
    assert!(
        paused.iter().all(|o| o.ok && o.status == Some(202)),
        "{paused:?}"
    );
    assert_eq!(deleted.iter().filter(|o| o.ok).count(), 3, "{deleted:?}");
    let missing = deleted
        .iter()
        .find(|o| o.name.ends_with("-missing"))
        .unwrap();
    assert_eq!((missing.ok, missing.status), (false, Some(404)));
}

async fn with_one_worker_dead_calls_still_succeed_through_the_other(stack: &str) {
    // Nothing listens on the discard port: the first worker is down.
    let mut urls = vec!["http://127.0.0.1:9".to_owned()];
    urls.extend(stack_urls(stack));
    let app = TestApp::start(vec![cluster("local", urls)]).await;
    let name = unique("failover");

    let list = app.get("/api/v1/clusters/local/connectors").await;
    create_sink(&app, &name, file_sink_config(&name)).await;
    let deleted = app
        .send(
            Method::DELETE,
            &format!("/api/v1/clusters/local/connectors/{name}"),
            None,
        )
        .await;

    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

async fn plugins_validation_and_logger_levels_answer_through_the_own_api(stack: &str) {
    let app = TestApp::start(vec![cluster("local", stack_urls(stack))]).await;
    let sink = "org.apache.kafka.connect.file.FileStreamSinkConnector";

    let plugins: Vec<Value> = app.get_json("/api/v1/clusters/local/plugins").await;
    let validate_path = format!("/api/v1/clusters/local/plugins/{sink}/validate");
    let validate = |config: Value| app.send(Method::PUT, &validate_path, Some(config));
    let without_topics: Value = validate(json!({"name": "v", "file": "/tmp/x"}))
        .await
        .json()
        .await
        .unwrap();
    let mut complete = file_sink_config("t");
    complete["name"] = json!("v");
    let complete: Value = validate(complete).await.json().await.unwrap();
    let logger = "org.apache.kafka.connect.runtime.WorkerSinkTask";
    let change = json!({"level": "DEBUG", "scope": "cluster"});
    let changed = app
        .send(
            Method::PUT,
            &format!("/api/v1/clusters/local/loggers/{logger}"),
            Some(change),
        )
        .await;
    // A cluster-wide change reaches each worker through Connect's config topic, in its own time.
    let level: Value = eventually("the new level", || async {
        let response = app
            .get(&format!("/api/v1/clusters/local/loggers/{logger}"))
            .await;
        let level: Value = response.json().await.ok()?;
        (level["level"] == "DEBUG").then_some(level)
    })
    .await;
    let all: Value = app.get_json("/api/v1/clusters/local/loggers").await;
    let per_worker: Vec<WorkerLoggers> = eventually("the new level on every worker", || async {
        let path = format!("/api/v1/clusters/local/workers/loggers?logger={logger}");
        let answers: Vec<WorkerLoggers> = app.get_json(&path).await;
        answers
            .iter()
            .all(|w| {
                w.loggers
                    .as_ref()
                    .is_some_and(|l| l[logger].level == "DEBUG")
            })
            .then_some(answers)
    })
    .await;

    assert!(plugins.iter().any(|p| p["class"] == sink));
    assert!(
        plugins.iter().any(|p| p["type"] == "transformation"),
        "transforms are listed too"
    );
    assert!(
        without_topics["error_count"].as_u64().unwrap() > 0,
        "{without_topics}"
    );
    assert_eq!(complete["error_count"], 0, "{complete}");
    assert_eq!(
        changed.status(),
        StatusCode::NO_CONTENT,
        "Connect answers a cluster-wide change with 204"
    );
    assert_eq!(level["level"], "DEBUG");
    assert!(all["root"]["level"].is_string(), "{all}");
    let workers: Vec<&str> = per_worker.iter().map(|w| w.worker.as_str()).collect();
    assert_eq!(
        workers,
        stack_urls(stack),
        "one answer per worker, in order"
    );
}

/// Connect calls Plugboard has made to cluster `local`, as its metrics count them.
async fn upstream_calls(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.text().await.unwrap();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("plugboard_upstream_requests_total{cluster=\"local\"} "))
        .unwrap_or_else(|| panic!("no upstream count in {metrics}"))
        .parse()
        .unwrap()
}

/// Plugboard on cluster `local` with a cache period longer than any test.
async fn app_with_long_cache() -> TestApp {
    let urls: Vec<String> = stack_urls(STACK)
        .iter()
        .map(|u| format!("\"{u}\""))
        .collect();
    TestApp::start_from_file(&format!(
        "cache_ttl_ms = 60000\n[[clusters]]\nid = \"local\"\nurls = [{}]\n",
        urls.join(", ")
    ))
    .await
}

#[tokio::test]
async fn a_connector_page_opened_again_and_again_costs_connect_one_round_of_calls() {
    let app = app_with_long_cache().await;
    let name = unique("opened");
    create_sink(&app, &name, file_sink_config(&name)).await;
    let detail = format!("/api/v1/clusters/local/connectors/{name}");
    // The first viewer's page asks Connect: info, status, topics and offsets (asked again while
    // Connect cannot tell them yet, as its status just after the creation: only answers are
    // kept, not failures).
    detail_when(&app, &name, "status, topics and offsets", |d| {
        d.summary.state != ConnectorState::Unassigned && d.topics.is_ok() && d.offsets.is_ok()
    })
    .await;
    // Metrics list the connectors too (once, then from the cache).
    upstream_calls(&app).await;
    let after_first = upstream_calls(&app).await;

    // Fifty more viewers, one after another, within the cache period.
    for _ in 0..50 {
        assert_eq!(app.get(&detail).await.status(), StatusCode::OK);
    }

    assert_eq!(
        upstream_calls(&app).await,
        after_first,
        "no call per viewer"
    );
    // A change through Plugboard is seen by the next viewer: the cache is cleared.
    let pause = format!("{detail}/pause");
    assert!(
        app.send(Method::POST, &pause, None)
            .await
            .status()
            .is_success()
    );
    assert_eq!(app.get(&detail).await.status(), StatusCode::OK);
    assert!(upstream_calls(&app).await > after_first + 1);
    app.send(Method::DELETE, &detail, None).await;
}

#[tokio::test]
async fn many_pages_opening_at_once_cost_each_worker_one_probe() {
    let app = app_with_long_cache().await;
    upstream_calls(&app).await;
    let before = upstream_calls(&app).await;

    // Thirty pages load the cluster list at once, then thirty more one after another.
    let at_once = (0..30).map(|_| app.get("/api/v1/clusters"));
    let mut answers = futures::future::join_all(at_once).await;
    for _ in 0..30 {
        answers.push(app.get("/api/v1/clusters").await);
    }

    assert!(answers.iter().all(|a| a.status() == StatusCode::OK));
    assert_eq!(
        upstream_calls(&app).await - before,
        stack_urls(STACK).len() as u64,
        "one probe of each worker"
    );
}
