//! Connect over HTTPS with client certificates, for real: the stack's `secure` worker serves
//! its REST API over HTTPS only and requires a client certificate signed by the test CA
//! (scripts/lib/stack.sh makes both). Plugboard lists, changes and passes through to it with
//! the cluster's `tls` files; without a client certificate, or trusting another CA, the error
//! names the cluster.

use std::path::PathBuf;

use plugboard::config::{Cluster, ClusterTls};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{
    ScratchDir, TestApp, cluster, eventually, file_sink_config, self_signed_certificate,
    stack_urls, unique,
};

/// The stack's HTTPS-only cluster (see [`crate::support`]).
const STACK: &str = "secure";

/// A file the stack made for the TLS tests (`ca.pem`, `client.pem`, `client-key.pem`).
fn tls_file(name: &str) -> PathBuf {
    let dir = std::env::var("PLUGBOARD_TEST_TLS_DIR")
        .expect("PLUGBOARD_TEST_TLS_DIR is not set: run scripts/test.sh");
    PathBuf::from(dir).join(name)
}

fn secure(id: &str, tls: ClusterTls) -> Cluster {
    Cluster {
        tls: Some(tls),
        ..cluster(id, stack_urls(STACK))
    }
}

#[tokio::test]
async fn a_worker_requiring_client_certificates_is_listed_changed_and_passed_through() {
    let app = TestApp::start(vec![secure(
        "local",
        ClusterTls {
            ca_file: Some(tls_file("ca.pem")),
            client_cert_file: Some(tls_file("client.pem")),
            client_key_file: Some(tls_file("client-key.pem")),
        },
    )])
    .await;
    let name = unique("mtls");
    let c = "/api/v1/clusters/local";

    let created = app
        .send(
            Method::POST,
            &format!("{c}/connectors"),
            Some(json!({"name": name, "config": file_sink_config(&name)})),
        )
        .await;
    let listed: Value = eventually("the new connector in the list", || async {
        let list: Value = app
            .get(&format!("{c}/connectors"))
            .await
            .json()
            .await
            .ok()?;
        let names: Vec<&str> = list["connectors"]
            .as_array()?
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        names.contains(&name.as_str()).then_some(list)
    })
    .await;
    let through = app
        .get(&format!("{c}/connect/connectors/{name}/config"))
        .await;
    let through_status = through.status();
    let config: Value = through.json().await.unwrap();
    let paused = app
        .send(Method::POST, &format!("{c}/connectors/{name}/pause"), None)
        .await;
    let deleted = app
        .send(Method::DELETE, &format!("{c}/connectors/{name}"), None)
        .await;

    assert_eq!(created.status(), StatusCode::CREATED);
    assert!(
        listed["unreachable"].as_array().unwrap().is_empty(),
        "{listed}"
    );
    assert_eq!(through_status, StatusCode::OK);
    assert_eq!(config["topics"], json!(name));
    assert_eq!(paused.status(), StatusCode::ACCEPTED);
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn without_a_client_certificate_or_trusting_another_ca_the_error_names_the_cluster() {
    let other = ScratchDir::new("other-ca");
    let (other_ca, _) = self_signed_certificate(&other);
    let no_certificate = ClusterTls {
        ca_file: Some(tls_file("ca.pem")),
        client_cert_file: None,
        client_key_file: None,
    };
    let other_trust = ClusterTls {
        ca_file: Some(other_ca),
        client_cert_file: Some(tls_file("client.pem")),
        client_key_file: Some(tls_file("client-key.pem")),
    };
    let app = TestApp::start(vec![
        secure("nocert", no_certificate),
        secure("othertrust", other_trust),
    ])
    .await;

    for id in ["nocert", "othertrust"] {
        let answer = app.get(&format!("/api/v1/clusters/{id}/connectors")).await;
        let status = answer.status();
        let body: Value = answer.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{id}: {body}");
        assert!(message.contains(&format!("cluster `{id}`")), "{message}");
        assert!(
            message.to_lowercase().contains("certificate"),
            "says why: {message}"
        );
    }
}
