//! Kafka over TLS and SASL, served by Kafka itself: the stack's broker has a SASL_SSL listener
//! (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN, its users made when its storage was formatted) and
//! a listener that requires client certificates (mutual TLS), both with a certificate of the
//! stack's test CA. Plugboard reads a group's lag through each; a wrong password, an untrusted
//! CA and a missing client certificate each show librdkafka's own reason, not a crash.

use api_types::{KafkaGroups, KafkaStatus};
use plugboard::config::Cluster;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use crate::support::kafka_client::{client_config, create_topics, produce};
use crate::support::{
    ScratchDir, TestApp, eventually, self_signed_certificate, stack_bootstrap, unique,
};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
}

fn tls_file(name: &str) -> String {
    format!("{}/{name}", env("PLUGBOARD_TEST_TLS_DIR"))
}

/// A cluster reading the stack's broker through `bootstrap` with `properties`, through the
/// config file's own parsing (so `${file:...}` references resolve as an operator's would).
fn cluster(id: &str, bootstrap: &str, properties: &[(&str, String)]) -> Cluster {
    let settings = properties
        .iter()
        .map(|(k, v)| format!("{k:?} = {v:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let toml = format!(
        "[[clusters]]\nid = \"{id}\"\nurls = [\"http://127.0.0.1:9\"]\nbootstrap_servers = \"{bootstrap}\"\nkafka_properties = {{ {settings} }}\n"
    );
    let file: plugboard::config::ConfigFile = toml::from_str(&toml).unwrap();
    plugboard::config::validate_clusters(file.clusters)
        .unwrap()
        .remove(0)
}

/// Over SASL_SSL as `user` with `mechanism`, the password read from a file, trusting `ca`.
fn sasl(
    dir: &ScratchDir,
    id: &str,
    mechanism: &str,
    user: &str,
    password: &str,
    ca: &str,
) -> Cluster {
    let password_file = dir.path(&format!("{id}.password"));
    std::fs::write(&password_file, format!("{password}\n")).unwrap();
    let properties = [
        ("security.protocol", "SASL_SSL".to_owned()),
        ("sasl.mechanism", mechanism.to_owned()),
        ("sasl.username", user.to_owned()),
        (
            "sasl.password",
            format!("${{file:{}}}", password_file.display()),
        ),
        ("ssl.ca.location", ca.to_owned()),
    ];
    cluster(id, &env("PLUGBOARD_TEST_SASL_BOOTSTRAP"), &properties)
}

/// Over mutual TLS, with the test client's certificate or without one.
fn mtls(id: &str, with_certificate: bool) -> Cluster {
    let mut properties = vec![
        ("security.protocol", "SSL".to_owned()),
        ("ssl.ca.location", tls_file("ca.pem")),
    ];
    if with_certificate {
        properties.push(("ssl.certificate.location", tls_file("client.pem")));
        properties.push(("ssl.key.location", tls_file("client-key.pem")));
    }
    cluster(id, &env("PLUGBOARD_TEST_MTLS_BOOTSTRAP"), &properties)
}

/// Commits offset `committed[p]` of `topic`'s partition `p` for `group`.
fn commit(bootstrap: &str, group: &str, topic: &str, committed: &[i64]) {
    let consumer: BaseConsumer = client_config(bootstrap)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut list = TopicPartitionList::new();
    for (partition, offset) in committed.iter().enumerate() {
        let partition = i32::try_from(partition).unwrap();
        list.add_partition_offset(topic, partition, Offset::Offset(*offset))
            .unwrap();
    }
    consumer.commit(&list, CommitMode::Sync).unwrap();
}

async fn status_of(app: &TestApp, id: &str) -> KafkaStatus {
    app.get_json(&format!("/api/v1/clusters/{id}/kafka")).await
}

#[tokio::test]
async fn lag_is_read_over_sasl_ssl_and_mutual_tls_and_wrong_credentials_ca_or_certificate_say_why()
{
    let (topic, group) = (unique("secure-topic"), unique("secure-group"));
    create_topics(&stack_bootstrap(), std::slice::from_ref(&topic), 2).await;
    produce(&stack_bootstrap(), &topic, &[7, 4]);
    commit(&stack_bootstrap(), &group, &topic, &[2, 4]);
    let dir = ScratchDir::new("kafka-security");
    let (other_ca, _) = self_signed_certificate(&dir);
    let other_ca = other_ca.display().to_string();
    let (password, ca) = (env("PLUGBOARD_TEST_SASL_PASSWORD"), tls_file("ca.pem"));
    let clusters = vec![
        sasl(
            &dir,
            "scram512",
            "SCRAM-SHA-512",
            "scram512",
            &password,
            &ca,
        ),
        sasl(
            &dir,
            "scram256",
            "SCRAM-SHA-256",
            "scram256",
            &password,
            &ca,
        ),
        sasl(&dir, "plain", "PLAIN", "plain", &password, &ca),
        mtls("mtls", true),
        sasl(
            &dir,
            "wrongpassword",
            "SCRAM-SHA-512",
            "scram512",
            "not-the-password",
            &ca,
        ),
        sasl(
            &dir,
            "wrongca",
            "SCRAM-SHA-512",
            "scram512",
            &password,
            &other_ca,
        ),
        mtls("nocertificate", false),
    ];
    let app = TestApp::start(clusters).await;

    for id in ["scram512", "scram256", "plain", "mtls"] {
        let groups: KafkaGroups = eventually(&format!("the group read by {id}"), || async {
            let response = app
                .get(&format!("/api/v1/clusters/{id}/kafka/groups"))
                .await;
            let groups: KafkaGroups = response.json().await.ok()?;
            groups
                .groups
                .iter()
                .any(|g| g.name == group)
                .then_some(groups)
        })
        .await;
        let ours = groups.groups.iter().find(|g| g.name == group).unwrap();
        assert_eq!(ours.lag, 5, "{id}: (7 - 2) + (4 - 4) records behind");
        assert_eq!(status_of(&app, id).await.error, None, "{id}");
    }
    let error_of = |id: &'static str| {
        let app = &app;
        async move {
            eventually(&format!("{id}'s status"), || async {
                status_of(app, id).await.error
            })
            .await
        }
    };
    let refused = error_of("wrongpassword").await;
    let untrusted = error_of("wrongca").await;
    let anonymous = error_of("nocertificate").await;
    assert!(refused.contains("SASL"), "{refused}");
    assert!(
        untrusted.contains("certificate verify failed"),
        "{untrusted}"
    );
    assert!(
        anonymous.contains("SSL") || anonymous.contains("handshake"),
        "{anonymous}"
    );
    assert!(
        !refused.contains(&password) && !refused.contains("not-the-password"),
        "{refused}"
    );
}
