//! A MirrorMaker 2 flow created and edited from the console's form, on the real stack's mirror
//! Connect cluster: its three connectors built by Plugboard from the two configured Kafka
//! clusters (a secret among their client settings never shows), checked by Connect, created,
//! then edited with their other settings kept, each change in the history. The flow has aliases
//! of its own (and replicates one topic of its own) so that it shares nothing with the stack's.

use std::collections::BTreeMap;
use std::sync::Arc;

use api_types::{FlowCheck, Grant, MirrorRole, Replication, Role};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::access::{PASSWORD, everywhere, session};
use crate::mirror::{FLOW, app_with, mirror_connect};
use crate::support::{TestApp, eventually, stack_bootstrap, stack_urls, unique};

/// A client setting of the source that Connect's MirrorMaker 2 takes (and ignores without
/// SSL) and that is a secret.
const SECRET: &str = "itest-key-password-9c1e";

async fn app() -> TestApp {
    let secret = format!("kafka_properties = {{ \"ssl.key.password\" = \"{SECRET}\" }}");
    app_with("", &secret).await
}

fn draft(name: &str, topics: &str) -> Value {
    json!({
        "name": name, "source_kafka": "primary", "target_kafka": "dr",
        "source_alias": "formsrc", "target_alias": "formdst",
        "topics": topics, "groups": "form-group-.*", "sync_group_offsets": true,
        "replication_factor": 1
    })
}

/// `connector`'s config as the mirror Connect cluster itself holds it (asked again while the
/// worker answers otherwise, as during the rebalance a new connector starts).
async fn config_on_connect(connector: &str) -> BTreeMap<String, String> {
    let worker = mirror_connect().split(',').next().unwrap().to_owned();
    let url = format!("{worker}/connectors/{connector}/config");
    eventually(&format!("{connector}'s config on Connect"), || async {
        let answer = reqwest::get(&url).await.ok()?;
        if !answer.status().is_success() {
            return None;
        }
        answer.json().await.ok()
    })
    .await
}

async fn delete_all(app: &TestApp, name: &str) {
    for suffix in ["source", "checkpoint", "heartbeat"] {
        let path = format!("/api/v1/clusters/mm/connectors/{name}-{suffix}");
        app.send(Method::DELETE, &path, None).await;
    }
}

#[tokio::test]
async fn a_flow_from_the_form_is_checked_created_and_edited_keeping_its_other_settings() {
    let _turn = FLOW.lock().await;
    let app = Arc::new(app().await);
    let name = unique("form-flow");
    // On a task of its own, so that the connectors are deleted whatever it finds.
    let outcome = tokio::spawn(form_phase(app.clone(), name.clone())).await;
    delete_all(&app, &name).await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

async fn form_phase(app: Arc<TestApp>, name: String) {
    let check = "/api/v1/clusters/mm/replication/flows/check";
    let apply = "/api/v1/clusters/mm/replication/flows";

    // Refused before anything reaches Connect: an alias that is not a word, an unknown cluster.
    let mut dotted = draft(&name, "form-topic");
    dotted["source_alias"] = json!("form.src");
    let refused = app.send(Method::POST, check, Some(dotted)).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let mut unknown = draft(&name, "form-topic");
    unknown["target_kafka"] = json!("nowhere");
    let refused = app.send(Method::POST, check, Some(unknown)).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("no Kafka cluster `nowhere`")
    );

    // Checked: three new connectors Connect finds valid, the source's secret hidden.
    let answer = app
        .send(Method::POST, check, Some(draft(&name, "form-topic")))
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let text = answer.text().await.unwrap();
    assert!(!text.contains(SECRET), "the secret never leaves the server");
    let checked: FlowCheck = serde_json::from_str(&text).unwrap();
    assert!(checked.valid, "{checked:?}");
    let roles: Vec<(MirrorRole, bool)> = checked
        .connectors
        .iter()
        .map(|c| (c.role, c.exists))
        .collect();
    assert_eq!(
        roles,
        [
            (MirrorRole::Source, false),
            (MirrorRole::Checkpoint, false),
            (MirrorRole::Heartbeat, false)
        ]
    );
    let source = &checked.connectors[0].config;
    assert_eq!(
        source["source.cluster.bootstrap.servers"],
        stack_bootstrap()
    );
    assert_eq!(source["source.cluster.ssl.key.password"], "[hidden]");

    // Applied: the three run, and Plugboard shows them as one flow.
    let created = app
        .send(Method::PUT, apply, Some(draft(&name, "form-topic")))
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let flow = eventually("the flow formsrc -> formdst", || async {
        let replication: Replication = app.get("/api/v1/replication").await.json().await.ok()?;
        replication.flows.into_iter().find(|f| {
            f.source.alias == "formsrc" && f.target.alias == "formdst" && f.connectors.len() == 3
        })
    })
    .await;
    assert_eq!(flow.topics_pattern.as_deref(), Some("form-topic"));
    assert_eq!(flow.source.kafka.as_deref(), Some("primary"));
    // Connect holds the real secret (what MirrorMaker 2 connects with).
    let stored = config_on_connect(&format!("{name}-source")).await;
    assert_eq!(stored["source.cluster.ssl.key.password"], SECRET);

    // A setting the form does not show, set elsewhere, is kept by an edit of the form.
    let patch = format!("/api/v1/clusters/mm/connectors/{name}-checkpoint/config");
    let patched = app
        .send(
            Method::PATCH,
            &patch,
            Some(json!({"emit.checkpoints.interval.seconds": "7"})),
        )
        .await;
    assert!(patched.status().is_success(), "{}", patched.status());
    let edited: FlowCheck = app
        .send(
            Method::PUT,
            apply,
            Some(draft(&name, "form-topic, form-other")),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(edited.connectors.iter().all(|c| c.exists));
    let config = config_on_connect(&format!("{name}-checkpoint")).await;
    assert_eq!(config["emit.checkpoints.interval.seconds"], "7");
    let config = config_on_connect(&format!("{name}-source")).await;
    assert_eq!(config["topics"], "form-topic, form-other");

    // Each change is in the history: three creations, then three updates.
    let feed: Value = app.get_json("/api/v1/history?cluster=mm&limit=50").await;
    let actions: Vec<(String, String)> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["connector"]
                .as_str()
                .is_some_and(|c| c.starts_with(&name))
        })
        .filter(|e| e["action"] != "patch")
        .map(|e| {
            (
                e["connector"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for suffix in ["source", "checkpoint", "heartbeat"] {
        let connector = format!("{name}-{suffix}");
        for action in ["create", "update"] {
            assert!(
                actions.contains(&(connector.clone(), action.to_owned())),
                "{connector} {action}: {actions:?}"
            );
        }
    }
    assert!(!feed.to_string().contains(SECRET), "nor in the history");
}

/// Plugboard that needs sign-in, with a second Connect cluster, `local`, that runs on the
/// main Kafka cluster (`primary`), and users whose grants name one or both Connect clusters.
async fn app_with_scoped_users() -> TestApp {
    let local: Vec<String> = stack_urls("solo1")
        .iter()
        .map(|u| format!("\"{u}\""))
        .collect();
    let settings = format!(
        "[access]\nrequire_login = true\n\
         [[clusters]]\nid = \"local\"\nurls = [{}]\nkafka = \"primary\"\n",
        local.join(", ")
    );
    let app = app_with(&settings, "").await;
    let on = |role, clusters: &[&str]| {
        vec![Grant {
            role,
            clusters: clusters.iter().map(|c| (*c).to_owned()).collect(),
        }]
    };
    app.add_users(&[
        ("mirror-editor", PASSWORD, on(Role::Editor, &["mm"])),
        ("both-viewer", PASSWORD, on(Role::Viewer, &["mm", "local"])),
        ("both-editor", PASSWORD, on(Role::Editor, &["mm", "local"])),
        ("admin", PASSWORD, everywhere(Role::Admin)),
    ])
    .await;
    app
}

#[tokio::test]
async fn a_flow_may_only_name_kafka_clusters_the_caller_holds_a_connect_cluster_on() {
    let app = app_with_scoped_users().await;
    let name = unique("scoped-flow");
    let check = "/api/v1/clusters/mm/replication/flows/check";
    let apply = "/api/v1/clusters/mm/replication/flows";
    let send = |user: &'static str, method: Method, path: &'static str, body: Option<Value>| {
        let app = &app;
        async move {
            let mut request = session(app, user).await.request(app, method, path);
            if let Some(body) = body {
                request = request.json(&body);
            }
            request.send().await.unwrap()
        }
    };
    let flow = || Some(draft(&name, "form-topic"));
    let mut backwards = draft(&name, "form-topic");
    backwards["source_kafka"] = json!("dr");
    backwards["target_kafka"] = json!("primary");

    // Editor on the mirror's Connect cluster only: the form offers its Kafka cluster alone,
    // and `primary` is out of reach at either end, for a check as for a change.
    for (user, offered) in [
        ("mirror-editor", vec!["dr"]),
        ("both-viewer", vec!["primary", "dr"]),
    ] {
        let answer = send(user, Method::GET, "/api/v1/replication", None).await;
        let replication: Replication = answer.json().await.unwrap();
        let ids: Vec<&str> = replication
            .kafka_clusters
            .iter()
            .map(|k| k.id.as_str())
            .collect();
        assert_eq!(ids, offered, "{user}");
    }
    for body in [draft(&name, "form-topic"), backwards] {
        for (method, path) in [(Method::POST, check), (Method::PUT, apply)] {
            let refused = send("mirror-editor", method.clone(), path, Some(body.clone())).await;
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{method} {path}");
            let why = refused.text().await.unwrap();
            assert!(why.contains("Kafka cluster `primary`"), "{why}");
        }
    }
    let admin = session(&app, "admin").await;
    let source = format!("/api/v1/clusters/mm/connectors/{name}-source");
    let absent = admin
        .request(&app, Method::GET, &source)
        .send()
        .await
        .unwrap();
    assert_eq!(
        absent.status(),
        StatusCode::NOT_FOUND,
        "nothing was created"
    );

    // A viewer of both Connect clusters may check the flow, not create it.
    let checked = send("both-viewer", Method::POST, check, flow()).await;
    assert_eq!(checked.status(), StatusCode::OK);
    let checked: FlowCheck = checked.json().await.unwrap();
    assert!(checked.valid, "{checked:?}");
    let refused = send("both-viewer", Method::PUT, apply, flow()).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // An editor of both, and an admin of everything, may check it.
    for user in ["both-editor", "admin"] {
        let checked = send(user, Method::POST, check, flow()).await;
        assert_eq!(checked.status(), StatusCode::OK, "{user}");
    }
}
