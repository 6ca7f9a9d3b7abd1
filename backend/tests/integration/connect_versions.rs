//! What differs between Connect 3.9 and Connect 4 for Plugboard, on both at once: calls one
//! version lacks are refused naming the version a worker reports, plugin versions (KIP-891)
//! are asked for on Connect 4 and refused on 3.9 (which would ignore them), and the versions
//! tasks run are shown.

use crate::support::{
    LEGACY, TestApp, cluster, create_sink, detail_when, encode, file_sink_config, stack_urls,
    unique,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A Connect 4 cluster of the stack and its Connect 3.9 cluster (see [`crate::support`]).
const FOUR: &str = "solo1";
const SINK: &str = "org.apache.kafka.connect.file.FileStreamSinkConnector";

/// Plugboard in front of both, as clusters `four` and `legacy`.
async fn both() -> TestApp {
    TestApp::start(vec![
        cluster("four", stack_urls(FOUR)),
        cluster("legacy", stack_urls(LEGACY)),
    ])
    .await
}

/// The status and body of `method path` (through Plugboard or directly, by `url`).
async fn ask(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// What `GET /` of the cluster's first worker says its version is.
async fn reported_version(http: &reqwest::Client, stack: &str) -> String {
    let (_, info) = ask(
        http,
        Method::GET,
        &format!("{}/", stack_urls(stack)[0]),
        None,
    )
    .await;
    info["version"].as_str().unwrap().to_owned()
}

/// The version the Connect 4 workers list for the file sink plugin.
async fn sink_plugin_version(http: &reqwest::Client) -> String {
    let url = format!("{}/connector-plugins", stack_urls(FOUR)[0]);
    let (_, plugins) = ask(http, Method::GET, &url, None).await;
    plugins
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["class"] == SINK)
        .and_then(|p| p["version"].as_str())
        .expect("the file sink is installed")
        .to_owned()
}

#[tokio::test]
async fn tasks_config_is_answered_on_connect_3_9_and_refused_on_connect_4_naming_its_version() {
    let app = both().await;
    let name = unique("tasks config");
    for id in ["four", "legacy"] {
        let path = format!("/api/v1/clusters/{id}/connect/connectors");
        let body = json!({"name": name, "config": file_sink_config(&name)});
        let created = app.send(Method::POST, &path, Some(body)).await;
        assert_eq!(created.status(), StatusCode::CREATED, "{id}");
    }
    let tasks_config = |id: &str| {
        format!(
            "{}/api/v1/clusters/{id}/connect/connectors/{}/tasks-config",
            app.base_url,
            encode(&name)
        )
    };

    let four = reported_version(&app.http, FOUR).await;
    let (status, refused) = ask(&app.http, Method::GET, &tasks_config("four"), None).await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert_eq!(status, 404, "{refused}");
    assert!(
        message.contains(&four),
        "names the worker's version {four}: {message}"
    );
    assert!(
        message.contains("KIP-970") && message.contains("/tasks "),
        "{message}"
    );
    // Connect 4 itself has no such endpoint either: Plugboard only says why.
    let direct = format!(
        "{}/connectors/{}/tasks-config",
        stack_urls(FOUR)[0],
        encode(&name)
    );
    assert_eq!(ask(&app.http, Method::GET, &direct, None).await.0, 404);

    let (status, configs) = eventually_tasks(&app, &tasks_config("legacy")).await;
    assert_eq!(status, 200, "{configs}");
    let tasks = configs.as_object().expect("task configs by task id");
    assert!(
        tasks.values().any(|c| c["topics"] == name.as_str()),
        "{configs}"
    );

    for id in ["four", "legacy"] {
        let path = format!("/api/v1/clusters/{id}/connect/connectors/{}", encode(&name));
        app.send(Method::DELETE, &path, None).await;
    }
}

/// `url` until it answers with some task's config (a new connector's tasks take a moment: a
/// 404, then an empty map).
async fn eventually_tasks(app: &TestApp, url: &str) -> (u16, Value) {
    crate::support::eventually("the tasks' configs", || async {
        let (status, body) = ask(&app.http, Method::GET, url, None).await;
        let empty = body.as_object().is_some_and(serde_json::Map::is_empty);
        (status != 404 && !empty).then_some((status, body))
    })
    .await
}

#[tokio::test]
async fn plugin_versions_are_asked_for_on_connect_4_and_refused_on_3_9_which_would_ignore_them() {
    let app = both().await;
    let http = &app.http;
    let version = sink_plugin_version(http).await;
    let through = |id: &str, rest: &str| {
        format!(
            "{}/api/v1/clusters/{id}/connect/connector-plugins/{SINK}/{rest}",
            app.base_url
        )
    };
    let direct = |rest: &str| format!("{}/connector-plugins/{SINK}/{rest}", stack_urls(FOUR)[0]);

    // An exact version and a range answer as Connect 4 answers them directly.
    for asked in [version.clone(), "[1.0,)".to_owned()] {
        let query = format!("config?version={}", encode(&asked));
        let (status, answer) = ask(http, Method::GET, &through("four", &query), None).await;
        assert_eq!(status, 200, "{asked}: {answer}");
        assert_eq!(
            answer,
            ask(http, Method::GET, &direct(&query), None).await.1
        );
        assert!(
            answer
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["name"] == "file")
        );
    }
    // A version not installed: Connect's own 400 (relayed in Connect's shape), which names the
    // versions there are.
    let query = "config?version=0.0.1";
    let (status, missing) = ask(http, Method::GET, &through("four", query), None).await;
    assert_eq!(status, 400, "{missing}");
    let message = missing["message"].as_str().unwrap_or_default();
    assert!(message.contains(&version), "names {version}: {message}");

    // Validation of one version; Connect 4 answers with the version keys of KIP-891.
    let config = json!({"connector.class": SINK, "name": "v", "topics": "t", "file": "/tmp/v"});
    let query = format!("config/validate?version={}", encode(&version));
    let (status, validated) = ask(
        http,
        Method::PUT,
        &through("four", &query),
        Some(config.clone()),
    )
    .await;
    assert_eq!(status, 200, "{validated}");
    let keys: Vec<&str> = validated["configs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["definition"]["name"].as_str())
        .collect();
    assert!(keys.contains(&"connector.plugin.version"), "{keys:?}");
    let own = format!(
        "{}/api/v1/clusters/four/plugins/{SINK}/validate?version={}",
        app.base_url,
        encode(&version)
    );
    assert_eq!(
        ask(http, Method::PUT, &own, Some(config.clone())).await.0,
        200
    );

    // Connect 3.9 would ignore `version` and describe whatever it has: refused, naming 3.9.
    let legacy = reported_version(http, LEGACY).await;
    for (method, rest, body) in [
        (Method::GET, "config?version=3.9.2".to_owned(), None),
        (
            Method::PUT,
            "config/validate?version=3.9.2".to_owned(),
            Some(config.clone()),
        ),
    ] {
        let (status, refused) = ask(http, method, &through("legacy", &rest), body).await;
        let message = refused["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(status, 400, "{refused}");
        assert!(
            message.contains(&legacy) && message.contains("4.1"),
            "{message}"
        );
    }
    let own = format!(
        "{}/api/v1/clusters/legacy/plugins/{SINK}/config?version=3.9.2",
        app.base_url
    );
    assert_eq!(ask(http, Method::GET, &own, None).await.0, 400);
    // Without a version, 3.9 answers as always.
    let (status, _) = ask(http, Method::GET, &through("legacy", "config"), None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_versions_a_connector_and_its_tasks_run_are_shown_on_connect_4_only() {
    let app = TestApp::start(vec![cluster("local", stack_urls(FOUR))]).await;
    let version = sink_plugin_version(&app.http).await;
    let name = unique("runs-version");
    create_sink(&app, &name, file_sink_config(&name)).await;
    let detail = detail_when(&app, &name, "the task to run", |d| {
        d.tasks.len() == 1 && d.tasks[0].state.as_str() == "RUNNING"
    })
    .await;
    assert_eq!(detail.summary.version.as_deref(), Some(version.as_str()));
    assert_eq!(detail.tasks[0].version.as_deref(), Some(version.as_str()));
    crate::support::delete_connector(&app, &name).await;

    let legacy = TestApp::start(vec![cluster("local", stack_urls(LEGACY))]).await;
    let name = unique("runs-version");
    create_sink(&legacy, &name, file_sink_config(&name)).await;
    let detail = detail_when(&legacy, &name, "the task to run", |d| {
        d.tasks.len() == 1 && d.tasks[0].state.as_str() == "RUNNING"
    })
    .await;
    assert_eq!(
        detail.summary.version, None,
        "Connect 3.9 does not report versions"
    );
    assert_eq!(detail.tasks[0].version, None);
    crate::support::delete_connector(&legacy, &name).await;
}

/// The tests' own sink, installed in versions 1.0.0 and 2.0.0 side by side (see
/// `build_test_plugin` in scripts/lib/stack.sh).
const VERSIONED: &str = "dev.plugboard.test.VersionedSink";

fn versioned_sink(topic: &str, pin: Option<&str>) -> Value {
    let mut config = json!({"connector.class": VERSIONED, "tasks.max": "1", "topics": topic});
    if let Some(pin) = pin {
        config["connector.plugin.version"] = json!(pin);
    }
    config
}

/// Waits until the connector and its task run `version`.
async fn runs_version(app: &TestApp, name: &str, version: &str) {
    detail_when(
        app,
        name,
        &format!("the connector and its task on {version}"),
        |d| {
            d.summary.version.as_deref() == Some(version)
                && d.tasks.len() == 1
                && d.tasks[0].state.as_str() == "RUNNING"
                && d.tasks[0].version.as_deref() == Some(version)
        },
    )
    .await;
}

#[tokio::test]
async fn a_connector_created_on_the_older_version_is_upgraded_and_rolled_back_through_the_history()
{
    let app = TestApp::start(vec![cluster("local", stack_urls(FOUR))]).await;
    let name = unique("versioned");
    let config_path = format!("/api/v1/clusters/local/connectors/{name}/config");
    create_sink(&app, &name, versioned_sink(&name, Some("1.0.0"))).await;
    runs_version(&app, &name, "1.0.0").await;

    let upgraded = app
        .send(
            Method::PUT,
            &config_path,
            Some(versioned_sink(&name, Some("2.0.0"))),
        )
        .await;
    assert_eq!(upgraded.status(), StatusCode::OK);
    runs_version(&app, &name, "2.0.0").await;

    let page: api_types::HistoryPage = app
        .get_json(&format!("/api/v1/history?connector={}", encode(&name)))
        .await;
    let created = page
        .events
        .iter()
        .find(|e| e.action.as_str() == "create")
        .unwrap();
    let upgrade = page
        .events
        .iter()
        .find(|e| e.action.as_str() == "update")
        .unwrap();
    let diff: Vec<api_types::ConfigChange> = app
        .get_json(&format!(
            "/api/v1/history/diff?from={}&to={}",
            created.id, upgrade.id
        ))
        .await;
    let changed: Vec<&str> = diff.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(changed, ["connector.plugin.version"]);
    let rollback = app
        .send(
            Method::POST,
            &format!("/api/v1/clusters/local/connectors/{name}/rollback"),
            Some(json!({"event_id": created.id})),
        )
        .await;
    assert_eq!(rollback.status(), StatusCode::OK);
    runs_version(&app, &name, "1.0.0").await;

    // A range picks the newest version inside it.
    let ranged = app
        .send(
            Method::PUT,
            &config_path,
            Some(versioned_sink(&name, Some("[1.0,3.0)"))),
        )
        .await;
    assert_eq!(ranged.status(), StatusCode::OK);
    runs_version(&app, &name, "2.0.0").await;

    // A version that is not installed: Connect's 400, naming the versions there are; nothing
    // changes on the worker.
    let missing = app
        .send(
            Method::PUT,
            &config_path,
            Some(versioned_sink(&name, Some("9.9.9"))),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let message = missing.text().await.unwrap();
    assert!(
        message.contains("1.0.0") && message.contains("2.0.0"),
        "{message}"
    );
    let detail: api_types::ConnectorDetail = app
        .get_json(&format!("/api/v1/clusters/local/connectors/{name}"))
        .await;
    assert_eq!(detail.config["connector.plugin.version"], "[1.0,3.0)");
    crate::support::delete_connector(&app, &name).await;
}

#[tokio::test]
async fn each_worker_lists_every_installed_version_of_a_plugin() {
    let app = TestApp::start(vec![cluster("pair", stack_urls("pair"))]).await;
    let answers: Vec<api_types::WorkerPlugins> = app
        .get_json("/api/v1/clusters/pair/workers/plugins?connectors_only=true")
        .await;
    assert_eq!(answers.len(), 2);
    let merged = api_types::plugins_by_version(&answers);
    let versions: Vec<(&str, usize)> = merged
        .iter()
        .filter(|p| p.plugin.class == VERSIONED)
        .map(|p| (p.plugin.version.as_deref().unwrap(), p.workers.len()))
        .collect();
    assert_eq!(versions, [("1.0.0", 2), ("2.0.0", 2)]);
    // Each worker's list is the worker's own answer.
    for answer in &answers {
        let url = format!("{}/connector-plugins?connectorsOnly=true", answer.worker);
        let direct: Vec<api_types::PluginInfo> = app
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer.plugins.as_ref(), Some(&direct));
    }
}

#[tokio::test]
async fn a_plan_of_an_unpinned_connector_on_connect_4_has_nothing_to_do_and_removed_keys_are_refused()
 {
    let app = TestApp::start(vec![cluster("local", stack_urls(FOUR))]).await;
    let name = unique("unpinned");
    let config = versioned_sink(&name, None);
    create_sink(&app, &name, config.clone()).await;
    runs_version(&app, &name, "2.0.0").await;
    let plan = |config: Value| {
        let spec = json!({"cluster": "local", "name": name, "config": config});
        app.send(
            Method::POST,
            "/api/v1/specs/plan",
            Some(json!({"specs": [spec]})),
        )
    };

    // Validate fills in the version it resolved; the plan compares with the stored config.
    let answer = plan(config.clone()).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let planned: api_types::Plan = answer.json().await.unwrap();
    assert!(planned.changes.is_empty(), "{planned:?}");
    assert_eq!(planned.unchanged, 1);

    let mut written_for_3 = config.clone();
    written_for_3["transforms"] = json!("keep");
    written_for_3["transforms.keep.type"] =
        json!("org.apache.kafka.connect.transforms.ReplaceField$Value");
    written_for_3["transforms.keep.whitelist"] = json!("a,b");
    let refused = plan(written_for_3).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let message = refused.text().await.unwrap();
    let four = reported_version(&app.http, FOUR).await;
    for part in [
        "transforms.keep.whitelist",
        "transforms.keep.include",
        four.as_str(),
    ] {
        assert!(message.contains(part), "names {part}: {message}");
    }
    crate::support::delete_connector(&app, &name).await;
}

#[tokio::test]
async fn a_secret_only_the_pinned_older_version_declares_is_masked_whatever_version_is_newest() {
    let app = TestApp::start(vec![cluster("local", stack_urls(FOUR))]).await;
    let name = unique("pinned-secret");
    let secret = unique("routing-material");
    let mut config = versioned_sink(&name, Some("1.0.0"));
    // Declared PASSWORD by version 1.0.0 only; no key-name rule would find it.
    config["routing.material"] = json!(secret);
    create_sink(&app, &name, config).await;
    runs_version(&app, &name, "1.0.0").await;

    let paths = [
        format!("/api/v1/clusters/local/connectors/{name}"),
        format!("/api/v1/clusters/local/connect/connectors/{name}/config"),
        format!("/api/v1/clusters/local/connect/connectors/{name}"),
        format!("/api/v1/clusters/local/connect/connectors/{name}/tasks"),
        format!("/api/v1/history?connector={name}"),
    ];
    for path in &paths {
        let answer = app.get(path).await.text().await.unwrap();
        assert!(
            !answer.contains(&secret),
            "{path} shows the secret: {answer}"
        );
    }
    let detail: api_types::ConnectorDetail = app.get_json(&paths[0]).await;
    assert_eq!(detail.config["routing.material"], "[hidden]");
    crate::support::delete_connector(&app, &name).await;
}

#[tokio::test]
async fn a_connector_that_makes_more_tasks_than_tasks_max_fails_and_its_failure_is_explained() {
    let app = TestApp::start(vec![cluster("local", stack_urls(FOUR))]).await;
    let name = unique("too-many-tasks");
    let mut config = versioned_sink(&name, None);
    config["extra.tasks"] = json!("1");
    create_sink(&app, &name, config).await;
    let detail = detail_when(&app, &name, "the connector to fail", |d| {
        d.summary.state.as_str() == "FAILED" && d.trace.is_some()
    })
    .await;
    let trace = detail.trace.unwrap();
    let explained = api_types::failure_explained(&trace)
        .unwrap_or_else(|| panic!("Connect's trace is not recognised: {trace}"));
    assert!(
        explained.starts_with("The connector made 2 tasks while its tasks.max is 1."),
        "{explained}"
    );
    crate::support::delete_connector(&app, &name).await;
}
