//! The Connect-compatible passthrough against the real stack: the same walkthrough run directly
//! and through Plugboard gives the same statuses and bodies, on Connect 4 and on Connect 3.9.

use crate::support::{
    LEGACY, TestApp, cluster, encode, eventually, file_sink_config, running_on, stack_urls, unique,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The Connect 4 cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";

on_connect_4_and_3_9!(STACK: the_seed_walkthrough_answers_the_same_through_the_passthrough_as_directly);

/// One call: method, path below the Connect root, optional body.
type Step = (Method, String, Option<Value>);

/// Runs a step against `base` and returns the status and the body (null when empty). A 409
/// (but "already exists") or any 5xx is retried as a careful script would: during the local
/// stack's rebalances Connect answers such transient errors (seen: "Failed to start connector"
/// on a restart), and both sides are to be compared on Connect's settled answer. Plugboard's
/// own retries and its relaying of 5xx are tested in faults.rs.
async fn run(
    http: &reqwest::Client,
    base: &str,
    (method, path, body): &Step,
) -> (StatusCode, Value) {
    for _ in 0..30 {
        let mut request = http.request(method.clone(), format!("{base}{path}"));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let transient = (status == StatusCode::CONFLICT && !text.contains("already exists"))
            || status.is_server_error();
        if transient {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            continue;
        }
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        return (status, body);
    }
    panic!("{method} {path}: Connect kept answering with transient errors for 30 s");
}

/// Makes two answers comparable: the connector's name becomes NAME, worker ids are dropped
/// (Connect places tasks on either worker as it likes) and states masked (see below); the
/// statuses, keys and every other value must still match.
fn normalise(value: &Value, name: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(name, "NAME")),
        Value::Array(items) => Value::Array(items.iter().map(|v| normalise(v, name)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "worker_id")
                .map(|(k, v)| match k.as_str() {
                    // Two connectors' momentary states differ whenever a rebalance falls between
                    // the two calls (UNASSIGNED for a moment); the state is Connect's, not ours.
                    "state" => (k.clone(), Value::String("STATE".into())),
                    _ => (k.replace(name, "NAME"), normalise(v, name)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Waits until `base` answers 404 for the connector: workers learn of a deletion in their own time.
async fn wait_gone(http: &reqwest::Client, base: &str, name: &str) {
    let url = format!("{base}/connectors/{name}/status");
    eventually("the connector to be gone", || async {
        let status = http.get(&url).send().await.ok()?.status();
        (status == StatusCode::NOT_FOUND).then_some(())
    })
    .await;
}

fn walkthrough(name: &str, topic: &str) -> Vec<Vec<Step>> {
    let c = format!("/connectors/{name}");
    let mut replaced = file_sink_config(topic);
    replaced["file"] = json!(format!("{}.replaced", replaced["file"].as_str().unwrap()));
    // Groups of steps; between groups the connector is left to reach a settled state.
    vec![
        vec![(
            Method::POST,
            "/connectors".into(),
            Some(json!({"name": name, "config": file_sink_config(topic)})),
        )],
        vec![
            (Method::GET, format!("{c}/status"), None),
            (Method::GET, format!("{c}/tasks"), None),
            (Method::GET, format!("{c}/tasks/0/status"), None),
            (Method::GET, format!("{c}/config"), None),
            (Method::POST, format!("{c}/tasks/0/restart"), None),
        ],
        vec![(Method::PUT, format!("{c}/config"), Some(replaced))],
        vec![
            (Method::PUT, format!("{c}/pause"), None),
            (Method::PUT, format!("{c}/resume"), None),
            (Method::POST, format!("{c}/restart"), None),
            (Method::DELETE, c.clone(), None),
        ],
        vec![
            (Method::GET, format!("{c}/status"), None),
            (Method::DELETE, c, None),
        ],
    ]
}

/// The walkthrough on the stack's cluster `stack`, directly and through Plugboard.
async fn the_seed_walkthrough_answers_the_same_through_the_passthrough_as_directly(stack: &str) {
    let urls = stack_urls(stack);
    let app = TestApp::start(vec![cluster("local", urls.clone())]).await;
    let direct_base = urls[0].clone();
    let gateway_base = format!("{}/api/v1/clusters/local/connect", app.base_url);
    let (direct_name, gateway_name) = (unique("direct"), unique("gateway"));
    let topic = unique("walkthrough");

    let direct_steps = walkthrough(&direct_name, &topic);
    let gateway_steps = walkthrough(&gateway_name, &topic);
    for (group, (direct_group, gateway_group)) in
        direct_steps.iter().zip(&gateway_steps).enumerate()
    {
        match group {
            0 => {}
            1..=3 => {
                running_on(&urls, &direct_name).await;
                running_on(&urls, &gateway_name).await;
            }
            _ => {
                wait_gone(&app.http, &direct_base, &direct_name).await;
                wait_gone(&app.http, &gateway_base, &gateway_name).await;
            }
        }
        for (direct_step, gateway_step) in direct_group.iter().zip(gateway_group) {
            let (direct_status, direct_body) = run(&app.http, &direct_base, direct_step).await;
            let (gateway_status, gateway_body) = run(&app.http, &gateway_base, gateway_step).await;

            let step = format!("{} {}", direct_step.0, direct_step.1);
            let bodies =
                format!("{step}\n through Plugboard: {gateway_body}\n directly: {direct_body}");
            assert_eq!(gateway_status, direct_status, "{bodies}");
            assert_eq!(
                normalise(&gateway_body, &gateway_name),
                normalise(&direct_body, &direct_name),
                "{bodies}"
            );
        }
    }
}

/// On two-worker clusters: changes to such names go to the leader directly (Connect's own
/// forwarding between workers garbles them), so both workers must be there to prove it.
/// Connect 3.9 serves names with `/` and `%`; Connect 4's REST server (Jetty 12) refuses any
/// path with `%2F` or `%25` ("Ambiguous URI path separator"), so there only spaces and unicode
/// can be asked for by name.
#[tokio::test]
async fn connector_names_with_slash_percent_space_and_unicode_work_end_to_end_on_connect_3_9() {
    let suffix = unique("n");
    let names = [
        format!("a/b {suffix}"),
        format!("100% {suffix}"),
        format!("ünï cødé {suffix}"),
    ];
    names_work_end_to_end(LEGACY, &names).await;
}

#[tokio::test]
async fn connector_names_with_spaces_and_unicode_work_end_to_end_on_connect_4() {
    let suffix = unique("n");
    names_work_end_to_end("pair", &[format!("ünï cødé {suffix}")]).await;
}

/// Each of `names` created, read and deleted through Plugboard on the stack's cluster `stack`.
async fn names_work_end_to_end(stack: &str, names: &[String]) {
    let app = TestApp::start(vec![cluster("local", stack_urls(stack))]).await;
    let suffix = unique("n");
    for name in names {
        let created = app
            .send(
                Method::POST,
                "/api/v1/clusters/local/connect/connectors",
                Some(json!({"name": name, "config": file_sink_config(&suffix)})),
            )
            .await;
        let encoded = encode(name);
        // Workers read the new config from Kafka in their own time: poll until it shows.
        let config: Value = eventually("the new connector's config", || async {
            let response = app
                .get(&format!(
                    "/api/v1/clusters/local/connect/connectors/{encoded}/config"
                ))
                .await;
            if response.status().is_success() {
                response.json().await.ok()
            } else {
                None
            }
        })
        .await;
        let own_status = eventually("the status of the new connector", || async {
            let response = app
                .get(&format!("/api/v1/clusters/local/connectors/{encoded}"))
                .await;
            response.status().is_success().then_some(response)
        })
        .await;
        let deleted = app
            .send(
                Method::DELETE,
                &format!("/api/v1/clusters/local/connectors/{encoded}"),
                None,
            )
            .await;

        assert_eq!(created.status(), StatusCode::CREATED, "{name}");
        assert_eq!(config["name"], json!(name));
        let detail: Value = own_status.json().await.unwrap();
        assert_eq!(detail["summary"]["name"], json!(name));
        let deleted = (deleted.status(), deleted.text().await.unwrap());
        assert_eq!(deleted.0, StatusCode::NO_CONTENT, "{name}: {}", deleted.1);
    }
}

#[tokio::test]
async fn worker_to_worker_endpoints_are_refused() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;

    let tasks = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connect/connectors/x/tasks",
            Some(json!([])),
        )
        .await;
    let fence = app
        .send(
            Method::PUT,
            "/api/v1/clusters/local/connect/connectors/x/fence",
            None,
        )
        .await;

    assert_eq!(tasks.status(), StatusCode::FORBIDDEN);
    assert_eq!(fence.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_read_only_cluster_refuses_changes_but_answers_reads_and_validation() {
    let mut read_only = cluster("ro", stack_urls(STACK));
    read_only.read_only = true;
    let app = TestApp::start(vec![read_only]).await;
    let validate_path =
        "/api/v1/clusters/ro/connect/connector-plugins/FileStreamSinkConnector/config/validate";

    let create = app
        .send(
            Method::POST,
            "/api/v1/clusters/ro/connect/connectors",
            Some(json!({"name": "x", "config": {}})),
        )
        .await;
    let own_pause = app
        .send(Method::POST, "/api/v1/clusters/ro/connectors/x/pause", None)
        .await;
    let list = app.get("/api/v1/clusters/ro/connect/connectors").await;
    let validate = app
        .send(Method::PUT, validate_path, Some(file_sink_config("t")))
        .await;

    assert_eq!(create.status(), StatusCode::FORBIDDEN);
    assert_eq!(own_pause.status(), StatusCode::FORBIDDEN);
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(validate.status(), StatusCode::OK);
}

#[tokio::test]
async fn oversized_bodies_get_413_and_unknown_clusters_404() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let huge = json!({"name": "big", "config": {"x": "y".repeat(plugboard::MAX_BODY_BYTES)}});

    let passthrough = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connect/connectors",
            Some(huge.clone()),
        )
        .await;
    let own = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(huge),
        )
        .await;
    let unknown = app.get("/api/v1/clusters/nope/connect/connectors").await;

    assert_eq!(passthrough.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(own.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unknown_cluster");
}
