//! The change history with a real SQLite file and the real Connect cluster: one completed event
//! per change from every path, failed attempts included, secrets never stored, rollback.

use std::collections::HashSet;

use crate::support::{
    PlugboardProcess, ScratchDir, TestApp, cluster, encode, eventually, file_sink_config,
    running_on, stack_urls, unique,
};
use api_types::{ConfigChange, HistoryEvent, HistoryPage, StateTransition};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo1";

async fn local_app() -> TestApp {
    TestApp::start(vec![cluster("local", stack_urls(STACK))]).await
}

/// The connector's events, oldest first.
async fn events_of(app: &TestApp, name: &str) -> Vec<HistoryEvent> {
    let page: HistoryPage = app
        .get_json(&format!(
            "/api/v1/history?connector={}&limit=500",
            encode(name)
        ))
        .await;
    page.events.into_iter().rev().collect()
}

async fn must(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
    let response = app.send(method.clone(), path, body).await;
    assert!(
        response.status().is_success(),
        "{method} {path}: {}",
        response.status()
    );
    response
}

async fn create(app: &TestApp, name: &str, config: Value) {
    let body = json!({"name": name, "config": config});
    must(
        app,
        Method::POST,
        "/api/v1/clusters/local/connectors",
        Some(body),
    )
    .await;
}

/// Deletes the connector made by the test (its events stay in the history).
async fn delete(app: &TestApp, name: &str) {
    let path = format!("/api/v1/clusters/local/connectors/{name}");
    must(app, Method::DELETE, &path, None).await;
}

#[tokio::test]
async fn every_action_leaves_one_completed_event_with_the_right_before_and_after() {
    let app = local_app().await;
    let name = unique("history");
    let base = format!("/api/v1/clusters/local/connectors/{name}");
    create(&app, &name, file_sink_config(&name)).await;
    running_on(&stack_urls(STACK), &name).await;

    for (method, suffix, body) in [
        (Method::POST, "/pause", None),
        (Method::POST, "/resume", None),
        (Method::POST, "/restart?include_tasks=true", None),
        (Method::POST, "/tasks/0/restart", None),
        (Method::PATCH, "/config", Some(json!({"tasks.max": "2"}))),
        (Method::PUT, "/config", Some(file_sink_config(&name))),
        (Method::POST, "/stop", None),
        (Method::DELETE, "", None),
    ] {
        must(&app, method, &format!("{base}{suffix}"), body).await;
        if suffix.contains("config") || suffix.contains("restart") {
            running_on(&stack_urls(STACK), &name).await;
        }
    }

    let events = events_of(&app, &name).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "pause",
            "resume",
            "restart",
            "task_restart",
            "patch",
            "update",
            "stop",
            "delete"
        ]
    );
    assert!(
        events.iter().all(|e| e.outcome.as_str() == "success"
            && e.actor == "test-suite"
            && e.source.as_str() == "api"),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .all(|e| e.finished_at.is_some() && e.duration_ms.is_some())
    );
    assert_eq!(events[0].config_before, None);
    assert_eq!(events[0].config_after.as_ref().unwrap()["topics"], name);
    assert_eq!(
        events[3].detail,
        Some(json!({"include_tasks": true, "only_failed": false}))
    );
    let patch = &events[5];
    assert_eq!(patch.config_before.as_ref().unwrap()["tasks.max"], "1");
    assert_eq!(patch.config_after.as_ref().unwrap()["tasks.max"], "2");
    assert_eq!(events[6].config_after.as_ref().unwrap()["tasks.max"], "1");
    assert!(events[8].config_before.is_some());
    assert_eq!(events[8].config_after, None);
}

#[tokio::test]
async fn a_failed_attempt_is_recorded_with_connects_status_and_message() {
    let app = local_app().await;
    let name = unique("missing");

    let response = app
        .send(
            Method::POST,
            &format!("/api/v1/clusters/local/connectors/{name}/pause"),
            None,
        )
        .await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let events = events_of(&app, &name).await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].action.as_str(), events[0].outcome.as_str()),
        ("pause", "failure")
    );
    assert_eq!(events[0].http_status, Some(404));
    assert!(events[0].message.as_ref().unwrap().contains(&name));
}

#[tokio::test]
async fn fifty_concurrent_changes_leave_fifty_events_and_no_duplicate() {
    let app = local_app().await;
    let name = unique("concurrent");
    create(&app, &name, file_sink_config(&name)).await;
    running_on(&stack_urls(STACK), &name).await;

    let path = format!("/api/v1/clusters/local/connectors/{name}/pause");
    let answers =
        futures::future::join_all((0..50).map(|_| app.send(Method::POST, &path, None))).await;

    assert!(answers.iter().all(|a| a.status() == StatusCode::ACCEPTED));
    let pauses: Vec<HistoryEvent> = events_of(&app, &name)
        .await
        .into_iter()
        .filter(|e| e.action.as_str() == "pause")
        .collect();
    assert_eq!(pauses.len(), 50);
    assert_eq!(
        pauses
            .iter()
            .map(|e| &e.request_id)
            .collect::<HashSet<_>>()
            .len(),
        50
    );
    assert!(pauses.iter().all(|e| e.outcome.as_str() == "success"));
    delete(&app, &name).await;
}

#[tokio::test]
async fn a_secret_value_appears_nowhere_in_the_database() {
    let app = local_app().await;
    let name = unique("secret");
    let (first, second) = (unique("first-secret-value"), unique("second-secret-value"));
    let mut config = file_sink_config(&name);
    config["connection.password"] = json!(first);
    create(&app, &name, config.clone()).await;
    config["connection.password"] = json!(second);
    must(
        &app,
        Method::PUT,
        &format!("/api/v1/clusters/local/connectors/{name}/config"),
        Some(config),
    )
    .await;
    delete(&app, &name).await;

    let events = events_of(&app, &name).await;
    let raw = crate::support::store::stored_text(&app.database).await;
    assert!(raw.contains(&name), "the scan reads the stored rows");
    assert!(
        !raw.contains(&first) && !raw.contains(&second),
        "a secret is in the database"
    );
    let created = events[0].config_after.as_ref().unwrap()["connection.password"].clone();
    let updated = events[1].config_after.as_ref().unwrap()["connection.password"].clone();
    assert!(created.starts_with("fingerprint:"), "{created}");
    assert_ne!(created, updated, "a changed secret shows as changed");
}

#[tokio::test]
async fn a_rollback_restores_the_earlier_config_on_the_worker_and_keeps_the_secret() {
    let app = local_app().await;
    let name = unique("rollback");
    let secret = unique("kept-secret");
    let mut original = file_sink_config(&name);
    original["connection.password"] = json!(secret);
    create(&app, &name, original.clone()).await;
    running_on(&stack_urls(STACK), &name).await;
    let mut changed = original.clone();
    changed["tasks.max"] = json!("2");
    changed["errors.tolerance"] = json!("all");
    must(
        &app,
        Method::PUT,
        &format!("/api/v1/clusters/local/connectors/{name}/config"),
        Some(changed),
    )
    .await;
    let events = events_of(&app, &name).await;
    let (created, updated) = (events[0].id, events[1].id);

    let diff: Vec<ConfigChange> = app
        .get_json(&format!("/api/v1/history/diff?from={created}&to={updated}"))
        .await;
    let rollback = json!({"event_id": created, "reason": "back to one task"});
    let response = app
        .send(
            Method::POST,
            &format!("/api/v1/clusters/local/connectors/{name}/rollback"),
            Some(rollback),
        )
        .await;
    let live: Value = eventually("the restored config on the worker", || async {
        let url = format!("{}/connectors/{name}/config", stack_urls(STACK)[0]);
        let live: Value = app.http.get(url).send().await.ok()?.json().await.ok()?;
        (live["tasks.max"] == "1").then_some(live)
    })
    .await;

    let keys: Vec<&str> = diff.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["errors.tolerance", "tasks.max"]);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(live["connection.password"], json!(secret));
    assert!(live.get("errors.tolerance").is_none());
    let last = events_of(&app, &name).await.pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.source.as_str()),
        ("rollback", "rollback")
    );
    assert_eq!(last.detail, Some(json!({"restored_event": created})));
    assert_eq!(last.reason.as_deref(), Some("back to one task"));
    delete(&app, &name).await;
}

#[tokio::test]
async fn the_walkthrough_through_the_passthrough_leaves_a_complete_history() {
    let app = local_app().await;
    let name = unique("curl walk");
    let base = format!(
        "/api/v1/clusters/local/connect/connectors/{}",
        encode(&name)
    );
    let body = json!({"name": name, "config": file_sink_config(&unique("t"))});
    must(
        &app,
        Method::POST,
        "/api/v1/clusters/local/connect/connectors",
        Some(body),
    )
    .await;
    running_on(&stack_urls(STACK), &encode(&name)).await;

    for (method, suffix) in [
        (Method::PUT, "/pause"),
        (Method::PUT, "/resume"),
        (Method::POST, "/restart?includeTasks=true&onlyFailed=false"),
    ] {
        must(&app, method, &format!("{base}{suffix}"), None).await;
    }
    running_on(&stack_urls(STACK), &encode(&name)).await;
    must(&app, Method::DELETE, &base, None).await;
    let validate =
        "/api/v1/clusters/local/connect/connector-plugins/FileStreamSinkConnector/config/validate";
    must(&app, Method::PUT, validate, Some(file_sink_config("t"))).await;

    let events = events_of(&app, &name).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "pause", "resume", "restart", "delete"],
        "validation is not a change"
    );
    assert!(
        events
            .iter()
            .all(|e| e.source.as_str() == "passthrough" && e.outcome.as_str() == "success")
    );
    assert_eq!(
        events[3].detail,
        Some(json!({"include_tasks": true, "only_failed": false}))
    );
}

#[tokio::test]
async fn pausing_a_connector_shows_running_then_paused_in_its_state_timeline() {
    let app = local_app().await;
    let name = unique("timeline");
    create(&app, &name, file_sink_config(&format!("{name}-topic"))).await;
    running_on(&stack_urls(STACK), &name).await;
    let path = format!("/api/v1/clusters/local/connectors/{name}");
    // The timeline holds only what polling saw: let it see RUNNING before the pause.
    eventually("RUNNING in the timeline", || async {
        let list: Vec<StateTransition> = app.get_json(&format!("{path}/timeline")).await;
        list.iter()
            .any(|t| t.task.is_none() && t.state_after.as_str() == "RUNNING")
            .then_some(())
    })
    .await;

    must(&app, Method::POST, &format!("{path}/pause"), None).await;

    let transitions: Vec<StateTransition> = eventually("the pause in the timeline", || async {
        let list: Vec<StateTransition> = app.get_json(&format!("{path}/timeline")).await;
        list.iter()
            .any(|t| t.task.is_none() && t.state_after.as_str() == "PAUSED")
            .then_some(list)
    })
    .await;
    let of_connector: Vec<_> = transitions.iter().filter(|t| t.task.is_none()).collect();
    let pause = of_connector
        .iter()
        .find(|t| t.state_after.as_str() == "PAUSED")
        .unwrap();
    assert_eq!(
        pause.state_before.map(api_types::ConnectorState::as_str),
        Some("RUNNING")
    );
    assert!(
        of_connector
            .iter()
            .any(|t| t.state_after.as_str() == "RUNNING" && t.id < pause.id),
        "RUNNING was seen before PAUSED: {of_connector:?}"
    );
    assert_eq!(
        of_connector
            .iter()
            .filter(|t| t.state_after.as_str() == "PAUSED")
            .count(),
        1,
        "one transition per change"
    );
    delete(&app, &name).await;
}

#[tokio::test]
async fn a_request_id_follows_a_change_into_the_history_and_the_access_log() {
    let dir = ScratchDir::new("request-id");
    let plugboard = PlugboardProcess::start(&dir, "", None).await;
    let name = unique("traced");
    let http = reqwest::Client::new();

    let paused = http
        .post(format!(
            "{}/api/v1/clusters/local/connectors/{name}/pause",
            plugboard.base_url
        ))
        .header("x-request-id", "follow-me-123")
        .send()
        .await
        .unwrap();
    let echoed = paused.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let page: HistoryPage = http
        .get(format!(
            "{}/api/v1/history?request_id=follow-me-123",
            plugboard.base_url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(
        paused.status(),
        StatusCode::NOT_FOUND,
        "Connect knows no such connector"
    );
    assert_eq!(echoed, "follow-me-123");
    assert_eq!(page.events.len(), 1, "{page:?}");
    assert_eq!(page.events[0].connector.as_deref(), Some(name.as_str()));
    assert_eq!(page.events[0].request_id, "follow-me-123");
    let log = std::fs::read_to_string(&plugboard.log).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("follow-me-123") && l.contains("plugboard::access"))
        .unwrap_or_else(|| panic!("no access log line with the id in {log}"));
    assert!(
        line.contains(&format!(
            "POST /api/v1/clusters/local/connectors/{name}/pause 404"
        )),
        "{line}"
    );
}
