//! Secrets on the read paths Kafka itself offers, against the real stack: Connect's own topics
//! in the record browser (by name and by content, on a Plugboard that never listed a
//! connector, after a password was rotated and the connector deleted, a value under 4
//! characters, the workers' session key), the masked view an admin may turn on, and replay
//! never reading from or writing into Connect's or compacted topics, nor following targets
//! forged in headers without confirmation.

use crate::support::kafka_client::{
    TextRecord, create_compacted_topic, create_topics, produce_records, read_all,
};
use crate::support::{TestApp, cluster, encode, eventually, stack_bootstrap, stack_urls, unique};
use api_types::{RecordPage, ReplayReport};
use plugboard::config::{Cluster, InternalTopics, InternalTopicsView};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";

/// The internal topics of the stack's `solo2` workers (scripts/lib/stack.sh).
fn stack_topics() -> InternalTopics {
    InternalTopics {
        config: format!("connect-{STACK}-configs"),
        offsets: format!("connect-{STACK}-offsets"),
        status: format!("connect-{STACK}-status"),
    }
}

/// The stack's cluster with its Kafka, its internal topics named as `topics` says.
fn with_kafka(topics: InternalTopics) -> Cluster {
    Cluster {
        bootstrap_servers: Some(stack_bootstrap()),
        internal_topics: topics,
        budget: Default::default(),
        ..cluster("local", stack_urls(STACK))
    }
}

/// A change made on a worker directly (not through Plugboard), retried while the worker is
/// busy in a rebalance.
async fn on_worker(method: Method, path: &str, body: Option<Value>) {
    let url = format!("{}{path}", stack_urls(STACK)[0]);
    eventually(&format!("the worker to take {method} {path}"), || async {
        let mut request = reqwest::Client::new().request(method.clone(), &url);
        if let Some(body) = &body {
            request = request.json(body);
        }
        let status = request.send().await.ok()?.status();
        status.is_success().then_some(())
    })
    .await;
}

/// Secrets planted in Connect's config topic behind Plugboard's back: a first password, the
/// one it was rotated to, and a value under 4 characters, of a connector since deleted.
struct Planted {
    name: String,
    first: String,
    rotated: String,
    since_ms: i64,
}

const SHORT: &str = "a1";

async fn plant_and_delete() -> Planted {
    let since_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let planted = Planted {
        name: unique("topic-planted"),
        first: unique("first-pw"),
        rotated: unique("rotated-pw"),
        since_ms,
    };
    let config = |password: &str| {
        json!({
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1",
            "topics": planted.name,
            "file": "/dev/null",
            "connection.password": password,
            "short.password": SHORT,
        })
    };
    let path = format!("/connectors/{}/config", encode(&planted.name));
    on_worker(Method::PUT, &path, Some(config(&planted.first))).await;
    on_worker(Method::PUT, &path, Some(config(&planted.rotated))).await;
    on_worker(
        Method::DELETE,
        &format!("/connectors/{}", encode(&planted.name)),
        None,
    )
    .await;
    planted
}

fn records_path(topic: &str, query: &str) -> String {
    format!(
        "/api/v1/clusters/local/topics/{}/records?{query}",
        encode(topic)
    )
}

#[tokio::test]
async fn connects_topics_are_refused_by_name_and_by_content_to_a_plugboard_that_saw_nothing() {
    let planted = plant_and_delete().await;
    let topics = stack_topics();
    let by_name = TestApp::start(vec![with_kafka(topics.clone())]).await;
    let by_content = TestApp::start(vec![with_kafka(InternalTopics::default())]).await;

    let mut answers = Vec::new();
    for topic in [&topics.config, &topics.offsets, &topics.status] {
        let response = by_name
            .get(&records_path(topic, "offset=0&limit=500"))
            .await;
        answers.push((by_name.base_url.clone(), topic.clone(), response));
    }
    // The offsets topic may hold nothing of solo2 yet: an empty page shows nothing either.
    for topic in [&topics.config, &topics.status] {
        let query = format!("since_ms={}&limit=500", planted.since_ms);
        let response = by_content.get(&records_path(topic, &query)).await;
        answers.push((by_content.base_url.clone(), topic.clone(), response));
    }

    for (at, topic, response) in answers {
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{at} {topic}");
        let text = response.text().await.unwrap();
        assert!(text.contains("Kafka Connect"), "{text}");
        assert!(
            text.contains("internal_topics"),
            "says how to turn on the masked view: {text}"
        );
        for secret in [&planted.first, &planted.rotated] {
            assert!(!text.contains(secret.as_str()), "{secret} in {text}");
        }
    }
}

#[tokio::test]
async fn the_masked_view_hides_every_secret_however_short_and_the_session_key() {
    let planted = plant_and_delete().await;
    let topics = stack_topics();
    let app = TestApp::start_with_access(vec![with_kafka(topics.clone())], &[], |access| {
        access.login_required = false;
        access.internal_topics = InternalTopicsView::Masked;
    })
    .await;
    let session_key = read_all(&stack_bootstrap(), &topics.config)
        .into_iter()
        .rev()
        .find(|r| r.key == "session-key")
        .map(|r| {
            serde_json::from_str::<Value>(&r.value).unwrap()["key"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .expect("the workers keep a session key in their config topic");

    let query = format!("since_ms={}&limit=500", planted.since_ms);
    let recent: RecordPage = app.get_json(&records_path(&topics.config, &query)).await;
    let first: RecordPage = app
        .get_json(&records_path(&topics.config, "offset=0&limit=500"))
        .await;

    let text = |p: &Option<api_types::Payload>| {
        p.as_ref().and_then(|p| p.text.clone()).unwrap_or_default()
    };
    let planted_configs: Vec<Value> = recent
        .records
        .iter()
        .filter(|r| text(&r.key) == format!("connector-{}", planted.name))
        .filter_map(|r| serde_json::from_str::<Value>(&text(&r.value)).ok())
        .filter(|v| v.get("properties").is_some())
        .collect();
    assert_eq!(planted_configs.len(), 2, "the first and the rotated config");
    for config in &planted_configs {
        let properties = &config["properties"];
        assert_eq!(properties["connection.password"], "[hidden]");
        assert_eq!(properties["short.password"], "[hidden]");
        assert_eq!(
            properties["topics"],
            planted.name.as_str(),
            "the rest shows"
        );
    }
    let session = first
        .records
        .iter()
        .find(|r| text(&r.key) == "session-key")
        .expect("the session key's record is among the first");
    let session: Value = serde_json::from_str(&text(&session.value)).unwrap();
    assert_eq!(session["key"], "[hidden]");
    assert!(session["algorithm"].is_string(), "{session}");
    for page in [&recent, &first] {
        let all: String = page
            .records
            .iter()
            .map(|r| text(&r.key) + &text(&r.value))
            .collect();
        for secret in [&planted.first, &planted.rotated, &session_key] {
            assert!(!all.contains(secret.as_str()), "{secret} shown");
        }
        assert!(!all.contains(&format!("\"short.password\":\"{SHORT}\"")));
    }
}

/// A dead letter as Connect writes it, its original topic named in its header.
fn dead_letter(n: usize, from: &str) -> TextRecord {
    TextRecord {
        key: format!("k{n}"),
        value: format!("v{n}"),
        headers: vec![
            ("__connect.errors.topic".into(), from.to_owned()),
            (
                "__connect.errors.exception.class.name".into(),
                "org.example.Boom".into(),
            ),
            ("__connect.errors.exception.message".into(), "boom".into()),
        ],
    }
}

/// A sink (never running: its topic does not exist) whose dead letter topic is `dlq`.
async fn sink_with_dlq(app: &TestApp, dlq: &str) -> String {
    let name = unique("replay-guard");
    let config = json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1",
        "topics": unique("replay-guard-in"),
        "file": "/dev/null",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.context.headers.enable": "true",
    });
    let body = json!({"name": name, "config": config, "initial_state": "STOPPED"});
    let created = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(body),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    name
}

async fn replay(app: &TestApp, name: &str, request: Value) -> (StatusCode, String) {
    let path = format!(
        "/api/v1/clusters/local/connectors/{}/dead-letters/replay",
        encode(name)
    );
    let response = app.send(Method::POST, &path, Some(request)).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn replay_never_writes_into_connects_or_compacted_topics_nor_to_unconfirmed_header_targets() {
    let topics = stack_topics();
    let app = TestApp::start(vec![with_kafka(topics.clone())]).await;
    let (dlq, scratch, compacted) = (
        unique("guard-dlq"),
        unique("guard-to"),
        unique("guard-compacted"),
    );
    create_topics(&stack_bootstrap(), &[dlq.clone(), scratch.clone()], 1).await;
    create_compacted_topic(&stack_bootstrap(), &compacted).await;
    let mut letters: Vec<TextRecord> = (0..3).map(|n| dead_letter(n, &scratch)).collect();
    letters.push(dead_letter(3, &topics.config));
    letters.push(dead_letter(4, &topics.config));
    letters.push(dead_letter(5, &compacted));
    produce_records(&stack_bootstrap(), &dlq, &letters);
    let name = sink_with_dlq(&app, &dlq).await;
    let group = "org.example.Boom: boom";

    let (status, dry) = replay(&app, &name, json!({"group": group, "dry_run": true})).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    let dry: ReplayReport = serde_json::from_str(&dry).unwrap();
    assert!(dry.from_headers);
    assert_eq!(dry.selected, 6);
    assert_eq!(dry.targets.get(&scratch), Some(&3), "{dry:?}");
    assert_eq!(dry.targets.len(), 1, "{dry:?}");
    let refused = |topic: &str| dry.refused.iter().find(|r| r.topic == topic).cloned();
    assert_eq!(refused(&topics.config).map(|r| r.records), Some(2));
    assert!(
        refused(&topics.config)
            .unwrap()
            .reason
            .contains("Kafka Connect's config topic")
    );
    assert_eq!(refused(&compacted).map(|r| r.records), Some(1));
    assert!(refused(&compacted).unwrap().reason.contains("compacted"));

    let (unconfirmed, refusal) = replay(&app, &name, json!({"group": group})).await;
    assert_eq!(unconfirmed, StatusCode::BAD_REQUEST, "{refusal}");
    assert!(
        refusal.contains(&scratch) && refusal.contains("confirm"),
        "{refusal}"
    );
    assert!(
        read_all(&stack_bootstrap(), &scratch).is_empty(),
        "nothing was produced"
    );

    let confirmed = json!({"group": group, "confirmed_targets": [scratch]});
    let (status, done) = replay(&app, &name, confirmed).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let done: ReplayReport = serde_json::from_str(&done).unwrap();
    assert_eq!((done.produced, done.failed), (3, 0));
    assert_eq!(read_all(&stack_bootstrap(), &scratch).len(), 3);
    assert!(read_all(&stack_bootstrap(), &compacted).is_empty());

    for target in [&topics.config, &topics.offsets, &topics.status, &compacted] {
        let asked = json!({"group": group, "target": target, "dry_run": true});
        let (status, answer) = replay(&app, &name, asked).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{target}: {answer}");
        assert!(answer.contains("no replay goes to"), "{answer}");
    }
    crate::support::delete_connector(&app, &name).await;
}

#[tokio::test]
async fn a_dead_letter_topic_set_to_connects_config_topic_is_never_read_for_a_replay() {
    let topics = stack_topics();
    let app = TestApp::start(vec![with_kafka(topics.clone())]).await;
    let scratch = unique("guard-copy");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&scratch), 1).await;
    let name = sink_with_dlq(&app, &topics.config).await;

    let asked = json!({"group": "(no error headers): ", "target": scratch});
    let (status, answer) = replay(&app, &name, asked).await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer.contains("no replay reads it"), "{answer}");
    assert!(read_all(&stack_bootstrap(), &scratch).is_empty());
    crate::support::delete_connector(&app, &name).await;
}
