//! Dead letter queues against the real stack: a sink whose converter fails on a known set of
//! records puts them in its DLQ; Plugboard's count and error groups equal what a consumer of
//! the test's own counts, the record browser shows exact keys, values and headers, a replay
//! produces exactly the chosen records, and record contents are refused to a viewer.

use crate::access::{PASSWORD, everywhere, session};
use crate::support::kafka_client::{TextRecord, create_topics, produce_records, read_all};
use crate::support::{
    TestApp, cluster, delete_connector, encode, eventually, stack_bootstrap, stack_urls, unique,
};
use api_types::{DeadLetters, HistoryPage, RecordPage, ReplayReport, Role};
use plugboard::config::Cluster;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";

fn with_kafka() -> Cluster {
    Cluster {
        bootstrap_servers: Some(stack_bootstrap()),
        ..cluster("local", stack_urls(STACK))
    }
}

/// Ten records; every third one (0, 3, 6, 9) is not JSON, so the sink's JsonConverter fails on
/// it. Each carries a header of its own.
fn input() -> Vec<TextRecord> {
    (0..10)
        .map(|i| TextRecord {
            key: format!("key-{i}"),
            value: if i % 3 == 0 {
                format!("not json {i}")
            } else {
                format!("{{\"n\": {i}}}")
            },
            headers: vec![("trace-id".into(), format!("trace-{i}"))],
        })
        .collect()
}

/// A file sink that skips what it cannot convert and sends it to `dlq` with the error headers.
fn tolerant_sink(topic: &str, dlq: &str) -> serde_json::Value {
    json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1",
        "topics": topic,
        "file": std::env::temp_dir().join(format!("{topic}.out")).display().to_string(),
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true",
    })
}

/// A sink with a failing converter on a topic of its own, once its DLQ holds every failure.
async fn failing_sink(app: &TestApp) -> (String, String, String, Vec<TextRecord>) {
    let (name, topic) = (unique("dlq-sink"), unique("dlq-in"));
    let dlq = format!("{topic}-dlq");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&topic), 1).await;
    let input = input();
    produce_records(&stack_bootstrap(), &topic, &input);
    let body = json!({"name": name, "config": tolerant_sink(&topic, &dlq)});
    let created = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(body),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let path = format!(
        "/api/v1/clusters/local/connectors/{}/dead-letters",
        encode(&name)
    );
    eventually("every failed record in the dead letter queue", || async {
        let answer: DeadLetters = app.get(&path).await.json().await.ok()?;
        (answer.dlq?.total == 4).then_some(())
    })
    .await;
    (name, topic, dlq, input)
}

#[tokio::test]
async fn a_failing_converter_fills_the_dlq_and_a_replayed_group_lands_exactly_on_the_target() {
    let app = TestApp::start(vec![with_kafka()]).await;
    let (name, topic, dlq, input) = failing_sink(&app).await;
    let failed: Vec<&TextRecord> = input
        .iter()
        .filter(|r| r.value.starts_with("not json"))
        .collect();

    // What a consumer of the test's own finds in the DLQ, and what Plugboard says of it.
    let independent = read_all(&stack_bootstrap(), &dlq);
    assert_eq!(independent.len(), failed.len());
    let path = format!(
        "/api/v1/clusters/local/connectors/{}/dead-letters",
        encode(&name)
    );
    // The warning needs the connector's health, which the cached list may not show yet.
    let answer: DeadLetters = eventually("the sink to show as healthy", || async {
        let answer: DeadLetters = app.get_json(&path).await;
        answer.dlq.as_ref()?.failing_quietly.then_some(answer)
    })
    .await;
    assert!(answer.tolerates_errors);
    let summary = answer.dlq.unwrap();
    assert_eq!(summary.topic, dlq);
    assert_eq!(summary.total, independent.len() as u64);
    assert_eq!(summary.last_hour, Some(independent.len() as u64));
    assert!(
        summary.failing_quietly,
        "a running sink filling its DLQ is failing quietly"
    );
    let groups = summary.groups.unwrap();
    let header = |r: &TextRecord, key: &str| {
        r.headers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut causes: Vec<(String, String)> = independent
        .iter()
        .map(|r| {
            let message = header(r, "__connect.errors.exception.message").unwrap();
            (
                header(r, "__connect.errors.exception.class.name").unwrap(),
                message.lines().next().unwrap().trim().to_owned(),
            )
        })
        .collect();
    causes.sort();
    causes.dedup();
    assert_eq!(groups.len(), causes.len(), "{groups:?}");
    assert_eq!(
        (groups[0].exception.clone(), groups[0].message.clone()),
        causes[0]
    );
    assert_eq!(groups[0].count, 4);
    assert_eq!(groups[0].stage.as_deref(), Some("VALUE_CONVERTER"));
    assert_eq!(groups[0].origins.len(), 1);
    let origin = &groups[0].origins[0];
    assert_eq!(
        (
            origin.topic.as_str(),
            origin.first_offset,
            origin.last_offset
        ),
        (topic.as_str(), 0, 9)
    );

    // The record browser shows the dead letters exactly: keys, values, original headers.
    let page: RecordPage = app
        .get_json(&format!(
            "/api/v1/clusters/local/topics/{}/records",
            encode(&dlq)
        ))
        .await;
    assert_eq!(page.records.len(), failed.len());
    for (shown, sent) in page.records.iter().zip(&failed) {
        let text = |p: &Option<api_types::Payload>| p.as_ref().and_then(|p| p.text.clone());
        assert_eq!(text(&shown.key).as_deref(), Some(sent.key.as_str()));
        assert_eq!(text(&shown.value).as_deref(), Some(sent.value.as_str()));
        let trace = shown.headers.iter().find(|h| h.key == "trace-id").unwrap();
        assert_eq!(text(&trace.value), header(sent, "trace-id"));
    }

    // A dry run says how many and where; the replay lands exactly those records there.
    let scratch = unique("dlq-replayed");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&scratch), 1).await;
    let replay = format!("{path}/replay");
    let request = json!({"group": groups[0].key, "target": scratch, "dry_run": true});
    let dry: ReplayReport = app
        .send(Method::POST, &replay, Some(request))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((dry.selected, dry.produced), (4, 0));
    assert_eq!(dry.targets.get(&scratch), Some(&4));
    assert!(read_all(&stack_bootstrap(), &scratch).is_empty());
    let request = json!({"group": groups[0].key, "target": scratch});
    let done: ReplayReport = app
        .send(Method::POST, &replay, Some(request))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((done.selected, done.produced, done.failed), (4, 4, 0));
    let landed = read_all(&stack_bootstrap(), &scratch);
    let mut expected: Vec<TextRecord> = failed.into_iter().cloned().collect();
    let mut landed_sorted = landed.clone();
    expected.sort_by(|a, b| a.key.cmp(&b.key));
    landed_sorted.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(
        landed_sorted, expected,
        "exactly the failed records, with their own headers only"
    );

    let history: HistoryPage = app
        .get_json(&format!(
            "/api/v1/history?connector={}&action=replay",
            encode(&name)
        ))
        .await;
    assert_eq!(history.events.len(), 1, "the dry run is not a change");
    let detail = history.events[0].detail.as_ref().unwrap();
    assert_eq!(
        (detail["selected"].as_u64(), detail["produced"].as_u64()),
        (Some(4), Some(4))
    );
    let reads: HistoryPage = app.get_json("/api/v1/history?action=records_read").await;
    assert!(
        reads
            .events
            .iter()
            .any(|e| e.detail.as_ref().unwrap()["topic"] == dlq.as_str())
    );

    // Two more failures after a quiet baseline: a `dlq_growth` rule (more than one) fires.
    let rule = crate::alerts::create_rule(
        &app.base_url,
        json!({"name": "dlq growth", "kind": "dlq_growth", "threshold": 1, "samples": 3, "connector_pattern": name}),
    )
    .await;
    // A baseline of a few snapshots first (one a second here, sampled by the rounds).
    for _ in 0..3 {
        crate::alerts::a_few_rounds(&app.base_url).await;
    }
    assert!(
        crate::alerts::incidents_of(&app.base_url, rule)
            .await
            .is_empty()
    );
    produce_records(&stack_bootstrap(), &topic, &input[..4]);
    let incident = eventually("a dead letter growth incident", || async {
        crate::alerts::incidents_of(&app.base_url, rule)
            .await
            .into_iter()
            .next()
    })
    .await;
    assert_eq!(incident.subject, name);
    assert!(incident.opening.contains(&dlq), "{}", incident.opening);

    delete_connector(&app, &name).await;
}

#[tokio::test]
async fn record_contents_are_refused_to_a_viewer_and_recorded_for_an_operator() {
    let app = TestApp::start_with_login(
        vec![with_kafka()],
        &[
            ("viewer", PASSWORD, everywhere(Role::Viewer)),
            ("operator", PASSWORD, everywhere(Role::Operator)),
        ],
    )
    .await;
    let topic = unique("dlq-private");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&topic), 1).await;
    let secret_value = unique("card-number");
    let record = TextRecord {
        key: "k".into(),
        value: secret_value.clone(),
        headers: Vec::new(),
    };
    produce_records(&stack_bootstrap(), &topic, &[record]);
    let records = format!("/api/v1/clusters/local/topics/{}/records", encode(&topic));

    let viewer = session(&app, "viewer").await;
    let refused = viewer
        .request(&app, Method::GET, &records)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused.text().await.unwrap().contains(&secret_value));

    let operator = session(&app, "operator").await;
    let page: RecordPage = operator
        .request(&app, Method::GET, &records)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        page.records[0].value.as_ref().unwrap().text.as_deref(),
        Some(secret_value.as_str())
    );
    let history: HistoryPage = operator
        .request(&app, Method::GET, "/api/v1/history?action=records_read")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history.events.len(), 1);
    assert_eq!(history.events[0].actor, "operator");
    assert_eq!(
        history.events[0].detail.as_ref().unwrap()["topic"],
        topic.as_str()
    );
}
