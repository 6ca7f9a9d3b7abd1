//! Alerts against the real stack, with a local HTTP server receiving the webhooks: a failing
//! sink opens one incident and resolves when fixed, lag rules fire on a paused sink, automatic
//! restarts are recorded in the history, and a restart of Plugboard does not duplicate incidents.

use std::sync::{Arc, Mutex};

use crate::support::kafka_client::{create_topics, produce};
use crate::support::{
    PlugboardProcess, ScratchDir, TestApp, cluster, create_sink, delete_connector, eventually,
    file_sink_config, pause_connector, stack_bootstrap, stack_urls, state_becomes, unique,
};
use api_types::{HistoryPage, Incident};
use axum::Json;
use axum::routing::post;
use plugboard::config::Cluster;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo1";

/// Every body posted to it, in order.
#[derive(Clone, Default)]
pub(crate) struct Webhooks {
    received: Arc<Mutex<Vec<Value>>>,
    pub(crate) url: String,
}

impl Webhooks {
    pub(crate) async fn start() -> Self {
        let received: Arc<Mutex<Vec<Value>>> = Arc::default();
        let sink = received.clone();
        let app = axum::Router::new().route(
            "/hook",
            post(move |Json(body): Json<Value>| {
                let sink = sink.clone();
                async move { sink.lock().unwrap().push(body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { received, url }
    }

    /// The events (`open`, `resolved`, ...) posted about incidents of `rule`.
    pub(crate) fn events(&self, rule: i64) -> Vec<String> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|b| b["rule"]["id"] == rule)
            .map(|b| b["event"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

fn kafka_cluster() -> Cluster {
    Cluster {
        bootstrap_servers: Some(stack_bootstrap()),
        ..cluster("local", stack_urls(STACK))
    }
}

/// A sink whose task fails at start: its file is in a directory that does not exist.
fn failing_sink_config(name: &str) -> Value {
    let mut config = file_sink_config(name);
    config["file"] = json!(format!("/nonexistent-plugboard-dir/{name}.out"));
    config
}

pub(crate) async fn create_rule(base_url: &str, rule: Value) -> i64 {
    let response = reqwest::Client::new()
        .post(format!("{base_url}/api/v1/alerts/rules"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

pub(crate) async fn incidents_of(base_url: &str, rule: i64) -> Vec<Incident> {
    let all: Vec<Incident> = reqwest::get(format!("{base_url}/api/v1/alerts/incidents"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all.into_iter().filter(|i| i.rule_id == rule).collect()
}

/// Alert evaluation rounds Plugboard at `base_url` has done, from `/metrics`.
async fn rounds_done(base_url: &str) -> Option<u64> {
    let rounds = metric(base_url, "plugboard_alert_rounds_total").await?;
    Some(rounds as u64)
}

/// The value of the series `series` (a metric's name and its labels, as written) in `/metrics`
/// at `base_url`.
pub(crate) async fn metric(base_url: &str, series: &str) -> Option<f64> {
    let text = reqwest::get(format!("{base_url}/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Waits until Plugboard at `base_url` has judged the rules three more times, so what did not
/// happen in those rounds (a duplicate incident or webhook) is not going to.
pub(crate) async fn a_few_rounds(base_url: &str) {
    let start = eventually("the round counter", || rounds_done(base_url)).await;
    eventually("three more alert rounds", || async {
        (rounds_done(base_url).await? >= start + 3).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_failing_sink_opens_one_incident_and_its_fix_resolves_it_with_a_webhook_each() {
    let hooks = Webhooks::start().await;
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let name = unique("failing");
    let rule = create_rule(
        &app.base_url,
        json!({"name": "failed tasks", "kind": "failed", "connector_pattern": name, "webhook_url": hooks.url}),
    )
    .await;
    create_sink(&app, &name, failing_sink_config(&name)).await;

    let opened = eventually("an incident", || async {
        incidents_of(&app.base_url, rule).await.into_iter().next()
    })
    .await;
    assert_eq!(opened.subject, name);
    assert!(
        opened.opening.contains("FAILED") || opened.opening.contains("0 of 1"),
        "{}",
        opened.opening
    );
    eventually("the open webhook", || async {
        (hooks.events(rule) == ["open"]).then_some(())
    })
    .await;
    a_few_rounds(&app.base_url).await;
    assert_eq!(
        incidents_of(&app.base_url, rule).await.len(),
        1,
        "no duplicate while it stays open"
    );
    assert_eq!(hooks.events(rule), ["open"]);

    let config_path = format!("/api/v1/clusters/local/connectors/{name}/config");
    let fixed = app
        .send(Method::PUT, &config_path, Some(file_sink_config(&name)))
        .await;
    assert_eq!(
        fixed.status(),
        StatusCode::OK,
        "the fixed config is accepted"
    );
    state_becomes(&app, &name, "RUNNING").await;
    let resolved = eventually("the incident to resolve", || async {
        let incident = incidents_of(&app.base_url, rule).await.into_iter().next()?;
        incident.resolved_at.is_some().then_some(incident)
    })
    .await;
    assert_eq!(resolved.id, opened.id);
    eventually("the resolved webhook", || async {
        (hooks.events(rule) == ["open", "resolved"]).then_some(())
    })
    .await;
    delete_connector(&app, &name).await;
}

#[tokio::test]
async fn automatic_restarts_back_off_stop_at_the_maximum_and_are_in_the_history() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let name = unique("restarts");
    let rule = create_rule(
        &app.base_url,
        json!({"name": "restart failed", "kind": "failed", "connector_pattern": name,
               "auto_restart": true, "max_restarts": 2}),
    )
    .await;
    create_sink(&app, &name, failing_sink_config(&name)).await;

    let gave_up = eventually("two restarts, then giving up", || async {
        let incident = incidents_of(&app.base_url, rule).await.into_iter().next()?;
        let gave_up = incident
            .restart_note
            .as_deref()
            .is_some_and(|note| note.starts_with("gave up"));
        gave_up.then_some(incident)
    })
    .await;
    assert_eq!(gave_up.restart_attempts, 2);
    assert_eq!(
        gave_up.restart_note.as_deref(),
        Some("gave up after 2 automatic restarts")
    );
    let history: HistoryPage = app
        .get_json(&format!(
            "/api/v1/history?cluster=local&connector={name}&limit=50"
        ))
        .await;
    let restarts: Vec<_> = history
        .events
        .iter()
        .filter(|e| e.source.as_str() == "auto_restart")
        .collect();
    assert_eq!(restarts.len(), 2, "{:?}", history.events);
    assert!(restarts.iter().all(|e| e.action.as_str() == "restart"));
    assert_eq!(incidents_of(&app.base_url, rule).await.len(), 1);
    delete_connector(&app, &name).await;
}

#[tokio::test]
async fn a_paused_sink_with_records_fires_the_lag_threshold_and_the_trend_rules() {
    let app = TestApp::start(vec![kafka_cluster()]).await;
    let name = unique("lagging");
    let threshold = create_rule(
        &app.base_url,
        json!({"name": "lag", "kind": "lag_above", "threshold": 5, "connector_pattern": name}),
    )
    .await;
    let trend = create_rule(
        &app.base_url,
        json!({"name": "trend", "kind": "lag_trend", "samples": 3, "connector_pattern": name}),
    )
    .await;
    create_topics(&stack_bootstrap(), std::slice::from_ref(&name), 1).await;
    create_sink(&app, &name, file_sink_config(&name)).await;
    state_becomes(&app, &name, "RUNNING").await;
    produce(&stack_bootstrap(), &name, &[1]);
    eventually("the sink to commit", || async {
        let list: Value = app.get_json("/api/v1/clusters/local/connectors").await;
        let row = list["connectors"]
            .as_array()?
            .iter()
            .find(|c| c["name"] == name.as_str())?
            .clone();
        (row["lag"] == 0).then_some(())
    })
    .await;
    assert!(incidents_of(&app.base_url, threshold).await.is_empty());
    pause_connector(&app, &name).await;

    produce(&stack_bootstrap(), &name, &[10]);

    let over = eventually("the lag rule", || async {
        incidents_of(&app.base_url, threshold)
            .await
            .into_iter()
            .next()
    })
    .await;
    assert_eq!(over.worst_value, Some(10.0));
    let stalled = eventually("the trend rule", || async {
        incidents_of(&app.base_url, trend).await.into_iter().next()
    })
    .await;
    assert!(stalled.opening.starts_with("STALL"), "{}", stalled.opening);
    delete_connector(&app, &name).await;
}

#[tokio::test]
async fn restarting_plugboard_while_an_incident_is_open_neither_loses_nor_duplicates_it() {
    let hooks = Webhooks::start().await;
    let dir = ScratchDir::new("restart");
    let judging = "alert_interval_ms = 500\n";
    let first = PlugboardProcess::start(&dir, judging, None).await;
    let base_url = first.base_url.clone();
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let name = unique("restart");
    let rule = create_rule(
        &base_url,
        json!({"name": "failed", "kind": "failed", "connector_pattern": name, "webhook_url": hooks.url}),
    )
    .await;
    create_sink(&app, &name, failing_sink_config(&name)).await;
    let opened = eventually("an incident", || async {
        incidents_of(&base_url, rule).await.into_iter().next()
    })
    .await;
    eventually("the open webhook", || async {
        (hooks.events(rule) == ["open"]).then_some(())
    })
    .await;

    let port = first.port;
    drop(first);
    let second = PlugboardProcess::start(&dir, judging, Some(port)).await;
    a_few_rounds(&base_url).await;

    let after = incidents_of(&base_url, rule).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].id, opened.id);
    assert_eq!(after[0].resolved_at, None);
    assert_eq!(hooks.events(rule), ["open"], "no second open webhook");
    drop(second);
    delete_connector(&app, &name).await;
}
