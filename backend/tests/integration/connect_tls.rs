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

/// Status of `GET /api/v1/clusters/secure/connectors` from the plugboard binary configured
/// with the client certificate but no `ca_file`, trusting what `SSL_CERT_FILE` names (the
/// system store's override) when `trust` is given.
async fn listed_status_trusting(dir: &ScratchDir, trust: Option<&std::path::Path>) -> u16 {
    let config = dir.path("trust.toml");
    let toml = format!(
        "[[clusters]]\nid = \"secure\"\nurls = [\"{}\"]\ntls = {{ client_cert_file = \"{}\", client_key_file = \"{}\" }}\n",
        stack_urls(STACK)[0],
        tls_file("client.pem").display(),
        tls_file("client-key.pem").display()
    );
    std::fs::write(&config, toml).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_plugboard"));
    command
        .arg("--config")
        .arg(&config)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .arg("--database")
        .arg(dir.path(&format!("trust-{port}.db")))
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(trust) = trust {
        command.env("SSL_CERT_FILE", trust);
    }
    let mut child = command.spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    eventually("plugboard to start", || async {
        let ready = reqwest::get(format!("{base}/readyz")).await.ok()?;
        ready.status().is_success().then_some(())
    })
    .await;
    let status = reqwest::get(format!("{base}/api/v1/clusters/secure/connectors"))
        .await
        .unwrap()
        .status()
        .as_u16();
    let _ = child.kill();
    let _ = child.wait();
    status
}

#[tokio::test]
async fn outbound_tls_trusts_the_system_certificate_store() {
    let dir = ScratchDir::new("trust");
    let trusted = listed_status_trusting(&dir, Some(&tls_file("ca.pem"))).await;
    let untrusted = listed_status_trusting(&dir, None).await;
    assert_eq!(
        trusted, 200,
        "the CA in the system store (SSL_CERT_FILE) is trusted"
    );
    assert_eq!(
        untrusted, 502,
        "without it, the worker's certificate is not"
    );
}
