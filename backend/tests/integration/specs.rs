//! Connectors as code against the real stack, each test on Connect 4 and on Connect 3.9:
//! `plugboard export`, `plan` and `apply` as a CI job runs them (the binary, talking to a running
//! Plugboard), the history rows of an apply, drift after a change made on a worker directly,
//! refusals that change nothing, strict clusters, and pruning.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{
    LEGACY, ScratchDir, TestApp, cluster, create_sink, delete_connector, encode, eventually,
    file_sink_config, pause_connector, running_on, stack_urls, unique,
};
use api_types::{ClusterDrift, ConnectorSpec, DriftStatus, HistoryPage, Source};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The Connect 4 cluster specs are applied to (see [`crate::support`]).
const STACK: &str = "solo2";

on_connect_4_and_3_9!(
    STACK: export_apply_and_plan_round_trip_then_a_change_on_the_worker_is_drift,
    a_spec_that_cannot_be_applied_changes_nothing_and_says_why,
    a_strict_apply_refuses_edits_elsewhere_and_prune_deletes_only_what_it_managed,
);

/// What the binary printed and how it ended.
pub(crate) struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `plugboard ARGS` against `app`, with `env` added to its environment.
pub(crate) async fn plugboard(app: &TestApp, args: &[&str], env: &[(String, String)]) -> Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_plugboard"));
    command
        .args(args)
        .env("PLUGBOARD_SERVER", &app.base_url)
        .env_remove("PLUGBOARD_TOKEN")
        .envs(env.iter().map(|(k, v)| (k, v)));
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    Run {
        status: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn dir_arg(dir: &ScratchDir) -> String {
    dir.0.display().to_string()
}

/// Every spec file in `dir`, parsed.
fn read_specs(dir: &Path) -> Vec<(String, ConnectorSpec)> {
    let mut specs: Vec<(String, ConnectorSpec)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let spec = serde_json::from_str(&text).unwrap();
            (text, spec)
        })
        .collect();
    specs.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    specs
}

fn write_spec(dir: &ScratchDir, file: &str, spec: &Value) {
    std::fs::write(dir.path(file), spec.to_string()).unwrap();
}

/// The connector's config as the worker itself answers it, once it answers: a worker answers
/// 500 or 409 while its herder is busy in the rebalance a change caused.
async fn worker_config(stack: &str, name: &str) -> reqwest::Response {
    let url = format!(
        "{}/connectors/{}/config",
        stack_urls(stack)[0],
        encode(name)
    );
    eventually("the worker to answer, not mid-rebalance", || async {
        let answer = reqwest::get(&url).await.ok()?;
        let busy = [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::CONFLICT];
        (!busy.contains(&answer.status())).then_some(answer)
    })
    .await
}

async fn drift_of(app: &TestApp, name: &str) -> ClusterDrift {
    app.get_json(&format!(
        "/api/v1/clusters/local/drift?connector={}",
        encode(name)
    ))
    .await
}

/// Exported from a cluster of the other Connect version than `stack`, as when connectors move
/// between versions, so that export runs on both versions too.
async fn export_apply_and_plan_round_trip_then_a_change_on_the_worker_is_drift(stack: &str) {
    let exported_from = if stack == LEGACY { "solo1" } else { LEGACY };
    let source = TestApp::start(vec![cluster("local", stack_urls(exported_from))]).await;
    let target = TestApp::start(vec![cluster("local", stack_urls(stack))]).await;
    let (secretive, paused) = (unique("code-secret"), unique("code-paused"));
    let (password, uri_password, signing) = (
        format!("db-{}", unique("pw")),
        format!("uri-{}", unique("pw")),
        format!("sig-{}", unique("pw")),
    );
    let mut secret_config = file_sink_config(&unique("code-topic"));
    let extra = json!({
        "db.password": password,
        "connection.uri": format!("mongodb://app:{uri_password}@db-1:27017/orders"),
        "transforms": "add,sign",
        "transforms.add.type": "org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.add.static.field": "origin",
        "transforms.add.static.value": "plugboard",
        "transforms.sign.type": "dev.plugboard.test.SecretHeaderTransform",
        "transforms.sign.signing.material": signing,
    });
    for (key, value) in extra.as_object().unwrap() {
        secret_config[key] = value.clone();
    }
    create_sink(&source, &secretive, secret_config.clone()).await;
    create_sink(&source, &paused, file_sink_config(&unique("code-topic"))).await;
    pause_connector(&source, &encode(&paused)).await;

    // Export, one connector at a time (the cluster is shared with other tests).
    let specs_dir = ScratchDir::new("specs");
    for name in [&secretive, &paused] {
        eventually("the export of a new connector", || async {
            let args = ["export", "--cluster", "local", "--connector", name, "--out"];
            let run = plugboard(&source, &[&args[..], &[&dir_arg(&specs_dir)]].concat(), &[]).await;
            (run.status == 0).then_some(())
        })
        .await;
    }
    let files = read_specs(&specs_dir.0);
    assert_eq!(files.len(), 2);
    for (text, _) in &files {
        for secret in [&password, &uri_password, &signing] {
            assert!(
                !text.contains(secret.as_str()),
                "an exported file holds a secret: {text}"
            );
        }
    }
    let (_, secret_spec) = files.iter().find(|(_, s)| s.name == secretive).unwrap();
    let (_, paused_spec) = files.iter().find(|(_, s)| s.name == paused).unwrap();
    assert_eq!(paused_spec.state, api_types::DesiredState::Paused);
    // Each secret is a reference now; the CI job's environment gives its value.
    let reference = |key: &str| -> String {
        let written = &secret_spec.config[key];
        let start = written
            .find("${env:")
            .unwrap_or_else(|| panic!("{key}: {written}"));
        let end = start + written[start..].find('}').unwrap();
        written[start + 6..end].to_owned()
    };
    let env = vec![
        (reference("db.password"), password.clone()),
        (reference("connection.uri"), uri_password.clone()),
        (
            reference("transforms.sign.signing.material"),
            signing.clone(),
        ),
    ];
    assert_eq!(secret_spec.config["transforms"], "add,sign");

    // Into the other cluster: plan says create, apply creates, plan then says nothing.
    let dir = dir_arg(&specs_dir);
    let planned = plugboard(&target, &["plan", &dir], &env).await;
    assert_eq!(planned.status, 2, "{}{}", planned.stdout, planned.stderr);
    assert!(
        planned
            .stdout
            .contains(&format!("create local/{secretive}")),
        "{}",
        planned.stdout
    );
    assert!(!planned.stdout.contains(&password), "{}", planned.stdout);
    let applied = plugboard(&target, &["apply", &dir, "--commit", "0123abcd"], &env).await;
    assert_eq!(applied.status, 0, "{}{}", applied.stdout, applied.stderr);
    let again = plugboard(&target, &["plan", &dir], &env).await;
    assert_eq!(
        again.status, 0,
        "a plan right after apply: {}{}",
        again.stdout, again.stderr
    );

    // The worker has exactly the original config, secrets included; the paused one is paused.
    // The worker may answer 500 while its herder is busy in the rebalance the create caused.
    let live: BTreeMap<String, String> = eventually("the worker to answer the config", || async {
        let answer = worker_config(stack, &secretive).await;
        if answer.status().is_success() {
            answer.json().await.ok()
        } else {
            None
        }
    })
    .await;
    for (key, value) in secret_config.as_object().unwrap() {
        assert_eq!(live.get(key).map(String::as_str), value.as_str(), "{key}");
    }
    let status_url = format!(
        "{}/connectors/{}/status",
        stack_urls(stack)[0],
        encode(&paused)
    );
    eventually("the applied connector to be paused", || async {
        let status: Value = reqwest::get(&status_url).await.ok()?.json().await.ok()?;
        (status["connector"]["state"] == "PAUSED").then_some(())
    })
    .await;

    // The history of the apply: source, actor, commit, and no secret.
    let page: HistoryPage = target
        .get_json(&format!("/api/v1/history?connector={}", encode(&secretive)))
        .await;
    assert_eq!(page.events.len(), 1);
    let event = &page.events[0];
    assert_eq!(event.source, Source::Apply);
    assert_eq!(event.action, api_types::Action::Create);
    assert_eq!(event.actor, "test-suite");
    assert_eq!(event.detail.as_ref().unwrap()["commit"], "0123abcd");
    assert!(!serde_json::to_string(&page).unwrap().contains(&password));

    // One key changed on the worker itself is drift, in the console and in plan.
    eventually("the applied connector to be in sync", || async {
        let drift = drift_of(&target, &secretive).await;
        (drift.connectors.first()?.status == DriftStatus::InSync).then_some(())
    })
    .await;
    let rule = crate::alerts::create_rule(
        &target.base_url,
        json!({"name": "drift", "kind": "drifted", "connector_pattern": secretive}),
    )
    .await;
    let mut changed = live.clone();
    changed.insert("file".into(), "/tmp/changed-on-the-worker.out".into());
    let put_url = format!(
        "{}/connectors/{}/config",
        stack_urls(stack)[0],
        encode(&secretive)
    );
    eventually(
        "the worker to take the change, not mid-rebalance",
        || async {
            let put = reqwest::Client::new()
                .put(&put_url)
                .json(&changed)
                .send()
                .await
                .ok()?;
            put.status().is_success().then_some(())
        },
    )
    .await;
    let drift = eventually("the change to show as drift", || async {
        let drift = drift_of(&target, &secretive).await;
        (drift.connectors.first()?.status == DriftStatus::Drifted).then_some(drift)
    })
    .await;
    let connector = &drift.connectors[0];
    let keys: Vec<&str> = connector.diff.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["file"]);
    assert_eq!(
        connector.diff[0].before.as_deref(),
        Some(live["file"].as_str())
    );
    assert_eq!(
        connector.diff[0].after.as_deref(),
        Some("/tmp/changed-on-the-worker.out")
    );
    assert!(
        connector.changed_by.is_empty(),
        "no change went through Plugboard"
    );
    let incident = eventually("a drift incident", || async {
        crate::alerts::incidents_of(&target.base_url, rule)
            .await
            .into_iter()
            .next()
    })
    .await;
    assert_eq!(incident.subject, secretive);
    let replanned = plugboard(&target, &["plan", &dir], &env).await;
    assert_eq!(replanned.status, 2);
    let changed_lines: Vec<&str> = replanned
        .stdout
        .lines()
        .filter(|l| l.starts_with("  "))
        .collect();
    assert_eq!(changed_lines.len(), 1, "{}", replanned.stdout);
    assert!(changed_lines[0].starts_with("  ~ file: /tmp/changed-on-the-worker.out -> "));

    for name in [&secretive, &paused] {
        delete_connector(&source, name).await;
        delete_connector(&target, name).await;
    }
}

async fn a_spec_that_cannot_be_applied_changes_nothing_and_says_why(stack: &str) {
    let app = TestApp::start(vec![cluster("local", stack_urls(stack))]).await;
    let (good, unresolved, clear) = (
        unique("code-good"),
        unique("code-ref"),
        unique("code-clear"),
    );
    let spec = |name: &str, extra: Value| {
        let mut config = file_sink_config(&unique("code-topic"));
        for (key, value) in extra.as_object().unwrap() {
            config[key] = value.clone();
        }
        json!({"cluster": "local", "name": name, "config": config})
    };
    let missing = "${env:PLUGBOARD_TEST_NEVER_SET}";
    let dir = ScratchDir::new("specs");
    write_spec(&dir, "good.json", &spec(&good, json!({})));
    let yaml = format!(
        "cluster: local\nname: '{unresolved}'\nconfig:\n  connector.class: org.apache.kafka.connect.file.FileStreamSinkConnector\n  topics: code-yaml\n  file: /tmp/code-yaml.out\n  db.password: '{missing}'\n"
    );
    std::fs::write(dir.path("ref.yaml"), yaml).unwrap();

    let run = plugboard(&app, &["apply", &dir_arg(&dir)], &[]).await;
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("PLUGBOARD_TEST_NEVER_SET"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&unresolved), "{}", run.stderr);

    // Through the API as well, the one spec without its value stops all of them.
    let specs = json!([
        spec(&good, json!({})),
        spec(&unresolved, json!({"db.password": missing}))
    ]);
    let response = app
        .send(
            Method::POST,
            "/api/v1/specs/apply",
            Some(json!({"specs": specs})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = response.text().await.unwrap();
    assert!(
        message.contains(missing) && message.contains(&unresolved),
        "{message}"
    );

    // A secret written in clear is refused, naming its key and not its value.
    let in_clear = json!([spec(&clear, json!({"db.password": "plain-text-secret"}))]);
    let response = app
        .send(
            Method::POST,
            "/api/v1/specs/plan",
            Some(json!({"specs": in_clear})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = response.text().await.unwrap();
    assert!(
        message.contains("db.password") && !message.contains("plain-text-secret"),
        "{message}"
    );

    for name in [&good, &unresolved, &clear] {
        assert_eq!(
            worker_config(stack, name).await.status(),
            StatusCode::NOT_FOUND,
            "{name}"
        );
        let page: HistoryPage = app
            .get_json(&format!("/api/v1/history?connector={}", encode(name)))
            .await;
        assert!(page.events.is_empty(), "{name}: {:?}", page.events);
    }
}

async fn a_strict_apply_refuses_edits_elsewhere_and_prune_deletes_only_what_it_managed(
    stack: &str,
) {
    let app = TestApp::start(vec![cluster("local", stack_urls(stack))]).await;
    let (kept, dropped, unmanaged) = (
        unique("code-kept"),
        unique("code-drop"),
        unique("code-other"),
    );
    let dir = ScratchDir::new("specs");
    for (file, name) in [("kept.json", &kept), ("dropped.json", &dropped)] {
        let spec = json!({"cluster": "local", "name": name, "labels": {"team": "data"},
                          "config": file_sink_config(&unique("code-topic"))});
        write_spec(&dir, file, &spec);
    }
    let run = plugboard(&app, &["apply", &dir_arg(&dir), "--strict"], &[]).await;
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    create_sink(&app, &unmanaged, file_sink_config(&unique("code-topic"))).await;

    // Edits of a managed connector anywhere else than apply are refused, and not recorded.
    let connector = format!("/api/v1/clusters/local/connectors/{}", encode(&kept));
    let refused = [
        (
            Method::PATCH,
            format!("{connector}/config"),
            Some(json!({"tasks.max": "2"})),
        ),
        (Method::POST, format!("{connector}/pause"), None),
        (Method::DELETE, connector.clone(), None),
        (
            Method::PUT,
            format!(
                "/api/v1/clusters/local/connect/connectors/{}/pause",
                encode(&kept)
            ),
            None,
        ),
    ];
    for (method, path, body) in refused {
        let response = app.send(method.clone(), &path, body).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{method} {path}");
    }
    running_on(&stack_urls(stack), &encode(&kept)).await;
    let restart = app
        .send(Method::POST, &format!("{connector}/restart"), None)
        .await;
    assert!(
        restart.status().is_success(),
        "a restart changes no spec: {}",
        restart.status()
    );
    let page: HistoryPage = app
        .get_json(&format!("/api/v1/history?connector={}", encode(&kept)))
        .await;
    let actions: Vec<&str> = page.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["restart", "create"]);

    // Without its file, `dropped` is pruned; the connector no apply made is left alone.
    std::fs::remove_file(dir.path("dropped.json")).unwrap();
    let plan = plugboard(&app, &["plan", &dir_arg(&dir), "--prune"], &[]).await;
    assert_eq!(plan.status, 2, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains(&format!("delete local/{dropped}")),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains(&unmanaged), "{}", plan.stdout);
    let pruned = plugboard(&app, &["apply", &dir_arg(&dir), "--prune"], &[]).await;
    assert_eq!(pruned.status, 0, "{}{}", pruned.stdout, pruned.stderr);
    assert_eq!(
        worker_config(stack, &dropped).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        worker_config(stack, &unmanaged).await.status(),
        StatusCode::OK
    );
    let drift = eventually("the list to show the prune", || async {
        let drift: ClusterDrift = app.get_json("/api/v1/clusters/local/drift").await;
        (!drift.connectors.iter().any(|c| c.name == dropped)).then_some(drift)
    })
    .await;
    let status = |name: &str| {
        drift
            .connectors
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.status)
    };
    assert_eq!(status(&kept), Some(DriftStatus::InSync));
    assert_eq!(status(&unmanaged), Some(DriftStatus::Unmanaged));
    // That apply was not strict: the console may edit again.
    let edit = app
        .send(
            Method::PATCH,
            &format!("{connector}/config"),
            Some(json!({"tasks.max": "2"})),
        )
        .await;
    assert!(edit.status().is_success(), "{}", edit.status());

    for name in [&kept, &unmanaged] {
        delete_connector(&app, name).await;
    }
}
