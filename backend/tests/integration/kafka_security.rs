//! Kafka over TLS with SASL/SCRAM, for real: a tansu broker of its own that requires SCRAM
//! logins (users made with `tansu user create`), behind stunnel, which serves TLS with a
//! certificate this test makes (tansu 0.6's command line cannot turn on its own TLS: its
//! `--cert` and `--key` flags exclude each other). The broker advertises the TLS port, so every
//! connection Plugboard makes goes through TLS. Plugboard reads topics and a group's lag over
//! `SASL_SSL` with SCRAM-SHA-512 and SCRAM-SHA-256, its password read from a file; a wrong
//! password and an untrusted certificate give a clear status, not a crash.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use api_types::{KafkaGroups, KafkaStatus};
use plugboard::config::Cluster;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use crate::support::kafka_client::{client_config, create_topics, produce};
use crate::support::{ScratchDir, TestApp, eventually, self_signed_certificate, unique};

const PASSWORD: &str = "scram-password-for-tests";

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

fn wait_for_port(port: u16, what: &str) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not listen on {port}");
}

/// tansu requiring SCRAM logins, reached only through stunnel's TLS port.
struct SecureBroker {
    dir: ScratchDir,
    kafka_port: u16,
    tls_port: u16,
    processes: Vec<Child>,
}

impl SecureBroker {
    /// Starts tansu without logins to make the users, a topic with `records` and a group that
    /// has committed `committed`; then again requiring logins, with stunnel in front.
    fn start(topic: &str, group: &str, records: &[usize], committed: &[i64]) -> Self {
        let mut broker = Self {
            dir: ScratchDir::new("secure-kafka"),
            kafka_port: free_port(),
            tls_port: free_port(),
            processes: Vec::new(),
        };
        broker.tansu(false);
        let plain = format!("127.0.0.1:{}", broker.kafka_port);
        for (user, mechanism) in [("scram512", "scram512"), ("scram256", "scram256")] {
            let made = Command::new("tansu")
                .args(["user", "create", user, PASSWORD, "--mechanism", mechanism])
                .args(["--broker", &format!("tcp://{plain}")])
                .output()
                .unwrap();
            assert!(made.status.success(), "tansu user create: {made:?}");
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let partitions = i32::try_from(records.len()).unwrap();
        runtime.block_on(create_topics(&plain, &[topic.to_owned()], partitions));
        produce(&plain, topic, records);
        commit(&plain, group, topic, committed);
        broker.stop_all();
        broker.tansu(true);
        broker.stunnel();
        broker
    }

    /// tansu on its plain port; with `logins`, it requires them and advertises the TLS port
    /// (so clients come back through TLS), else it advertises itself (for the set-up).
    fn tansu(&mut self, logins: bool) {
        let listen = format!("tcp://127.0.0.1:{}", self.kafka_port);
        let advertised_port = if logins {
            self.tls_port
        } else {
            self.kafka_port
        };
        let advertised = format!("tcp://127.0.0.1:{advertised_port}");
        let mut command = Command::new("tansu");
        command
            .args(["broker", "--listener-url", &listen])
            .args(["--advertised-listener-url", &advertised])
            .args(["--storage-engine", "sqlite://tansu.db"]);
        if logins {
            command.arg("--authentication");
        }
        let child = command
            .current_dir(&self.dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tansu is on PATH (scripts/install-deps.sh installs it)");
        self.processes.push(child);
        wait_for_port(self.kafka_port, "tansu");
    }

    fn stunnel(&mut self) {
        let (cert, key) = self_signed_certificate(&self.dir);
        let config = self.dir.path("stunnel.conf");
        std::fs::write(
            &config,
            format!(
                "foreground = yes\npid =\n[kafka]\naccept = 127.0.0.1:{}\nconnect = 127.0.0.1:{}\ncert = {}\nkey = {}\n",
                self.tls_port,
                self.kafka_port,
                cert.display(),
                key.display()
            ),
        )
        .unwrap();
        let child = Command::new("stunnel")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("stunnel is on PATH (scripts/install-deps.sh installs it)");
        self.processes.push(child);
        wait_for_port(self.tls_port, "stunnel");
    }

    fn stop_all(&mut self) {
        for mut child in self.processes.drain(..) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// A cluster reading this broker over SASL_SSL as `user`, with `password` from a file and
    /// the CA in `ca_file` (the broker's own certificate, or another one).
    fn cluster(&self, id: &str, user: &str, password: &str, ca_file: &std::path::Path) -> Cluster {
        let password_file = self.dir.path(&format!("{id}.password"));
        std::fs::write(&password_file, format!("{password}\n")).unwrap();
        let mechanism = if user == "scram256" {
            "SCRAM-SHA-256"
        } else {
            "SCRAM-SHA-512"
        };
        let properties = [
            ("security.protocol", "SASL_SSL".to_owned()),
            ("sasl.mechanism", mechanism.to_owned()),
            ("sasl.username", user.to_owned()),
            (
                "sasl.password",
                format!("${{file:{}}}", password_file.display()),
            ),
            ("ssl.ca.location", ca_file.display().to_string()),
        ];
        let settings = properties
            .iter()
            .map(|(k, v)| format!("{k:?} = {v:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Through the config file's own parsing, so the `${file:...}` reference is resolved
        // the way an operator's would be.
        let toml = format!(
            "[[clusters]]\nid = \"{id}\"\nurls = [\"http://127.0.0.1:9\"]\nbootstrap_servers = \"127.0.0.1:{}\"\nkafka_properties = {{ {settings} }}\n",
            self.tls_port
        );
        let file: plugboard::config::ConfigFile = toml::from_str(&toml).unwrap();
        plugboard::config::validate_clusters(file.clusters)
            .unwrap()
            .remove(0)
    }
}

impl Drop for SecureBroker {
    fn drop(&mut self) {
        self.stop_all();
    }
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
async fn lag_is_read_over_sasl_ssl_and_wrong_credentials_or_ca_say_why() {
    let (topic, group) = (unique("secure-topic"), unique("secure-group"));
    let broker = tokio::task::spawn_blocking({
        let (topic, group) = (topic.clone(), group.clone());
        move || SecureBroker::start(&topic, &group, &[7, 4], &[2, 4])
    })
    .await
    .unwrap();
    let ca = broker.dir.path("cert.pem");
    let other_dir = ScratchDir::new("other-ca");
    let (other_ca, _) = self_signed_certificate(&other_dir);
    let clusters = vec![
        broker.cluster("scram512", "scram512", PASSWORD, &ca),
        broker.cluster("scram256", "scram256", PASSWORD, &ca),
        broker.cluster("wrongpassword", "scram512", "not-the-password", &ca),
        broker.cluster("wrongca", "scram512", PASSWORD, &other_ca),
    ];
    let app = TestApp::start(clusters).await;

    for id in ["scram512", "scram256"] {
        let groups: KafkaGroups = eventually("the group read over SASL_SSL", || async {
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
    let refused = eventually("the wrong password's status", || async {
        status_of(&app, "wrongpassword").await.error
    })
    .await;
    let untrusted = eventually("the wrong CA's status", || async {
        status_of(&app, "wrongca").await.error
    })
    .await;
    assert!(refused.contains("SASL"), "{refused}");
    assert!(
        untrusted.contains("certificate verify failed"),
        "{untrusted}"
    );
    assert!(
        !refused.contains(PASSWORD) && !refused.contains("not-the-password"),
        "{refused}"
    );
}
