//! Lag and partition health read from Kafka: against the real broker and Connect cluster for
//! lag, a broker of its own for outages, and a fake metadata source for ISR states the real
//! broker cannot produce.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::kafka_client::{TIMEOUT, client_config, create_topics, produce};
use crate::support::{
    ScratchDir, TestApp, cluster, create_sink, delete_connector, eventually, file_sink_config,
    pause_connector, stack_bootstrap, stack_urls, state_becomes, unique,
};
use api_types::{
    ConnectorKafka, KafkaStatus, KafkaTopics, LagPoint, PartitionProblem, TopicDetail,
};
use plugboard::config::Cluster;
use plugboard::kafka::observation::{BrokerMeta, PartitionMeta, TopicMeta};
use plugboard::kafka::{KafkaSource, Observation};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};
use reqwest::Method;

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo2";

fn kafka_cluster(bootstrap: &str) -> Cluster {
    Cluster {
        bootstrap_servers: Some(bootstrap.to_owned()),
        ..cluster("local", stack_urls(STACK))
    }
}

/// Lag per partition as a separate client computes it: the group's committed offsets (asked
/// with the group's id, without joining it) against each partition's high watermark.
fn independent_lag(bootstrap: &str, group: &str, topic: &str, partitions: i32) -> Vec<i64> {
    let consumer: BaseConsumer = client_config(bootstrap)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut list = TopicPartitionList::new();
    for p in 0..partitions {
        list.add_partition(topic, p);
    }
    let committed = consumer.committed_offsets(list, TIMEOUT).unwrap();
    (0..partitions)
        .map(|p| {
            let (_, high) = consumer.fetch_watermarks(topic, p, TIMEOUT).unwrap();
            let done = match committed.find_partition(topic, p).unwrap().offset() {
                Offset::Offset(o) => o,
                other => panic!("partition {p} has no committed offset: {other:?}"),
            };
            high - done
        })
        .collect()
}

/// The connector's lag per partition as Plugboard reports it, once its group covers them all.
async fn reported_lag(app: &TestApp, name: &str, partitions: usize) -> Option<Vec<u64>> {
    let path = format!("/api/v1/clusters/local/connectors/{name}/kafka");
    let kafka: ConnectorKafka = app.get(&path).await.json().await.ok()?;
    let group = kafka.group?;
    if group.partitions.len() != partitions {
        return None;
    }
    group.partitions.iter().map(|p| p.lag).collect()
}

#[tokio::test]
async fn a_paused_sink_lags_by_exactly_the_records_produced_and_catches_up_after_resume() {
    let bootstrap = stack_bootstrap();
    let app = TestApp::start(vec![kafka_cluster(&bootstrap)]).await;
    let name = unique("lag");
    create_topics(&bootstrap, std::slice::from_ref(&name), 3).await;
    create_sink(&app, &name, file_sink_config(&name)).await;
    state_becomes(&app, &name, "RUNNING").await;
    // Connect commits only what a task consumed: one record per partition gives each a commit.
    produce(&bootstrap, &name, &[1, 1, 1]);
    eventually(
        "the sink's group to commit all three partitions",
        || async {
            reported_lag(&app, &name, 3)
                .await
                .filter(|l| l == &[0, 0, 0])
        },
    )
    .await;
    let base = format!("/api/v1/clusters/local/connectors/{name}");
    pause_connector(&app, &name).await;

    let produced = [5, 0, 7];
    produce(&bootstrap, &name, &produced);

    let expected: Vec<u64> = produced.iter().map(|&n| n as u64).collect();
    let reported = eventually("the lag to show the produced records", || async {
        reported_lag(&app, &name, 3)
            .await
            .filter(|l| l == &expected)
    })
    .await;
    let independent = independent_lag(&bootstrap, &format!("connect-{name}"), &name, 3);
    assert_eq!(independent, [5, 0, 7]);
    assert_eq!(
        reported.iter().map(|&l| l as i64).collect::<Vec<_>>(),
        independent
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let gauge = format!(
        "plugboard_kafka_consumergroup_lag{{cluster=\"local\",group=\"connect-{name}\"}} 12"
    );
    assert!(metrics.contains(&gauge), "{gauge} missing");

    assert!(
        app.send(Method::POST, &format!("{base}/resume"), None)
            .await
            .status()
            .is_success()
    );
    eventually("the lag to return to zero", || async {
        reported_lag(&app, &name, 3)
            .await
            .filter(|l| l == &[0, 0, 0])
    })
    .await;
    let path = format!("/api/v1/clusters/local/kafka/groups/connect-{name}/lag?range=hour");
    let history: Vec<LagPoint> = eventually("the lag history to end at zero", || async {
        let points: Vec<LagPoint> = app.get(&path).await.json().await.ok()?;
        (points.last()?.lag == 0).then_some(points)
    })
    .await;
    assert_eq!(history.iter().map(|p| p.lag).max(), Some(12));
    delete_connector(&app, &name).await;
}

#[tokio::test]
async fn fifty_topics_of_six_partitions_are_read_in_one_snapshot() {
    let bootstrap = stack_bootstrap();
    let app = TestApp::start(vec![kafka_cluster(&bootstrap)]).await;
    let prefix = unique("wide");
    let names: Vec<String> = (0..50).map(|n| format!("{prefix}-{n:02}")).collect();
    create_topics(&bootstrap, &names, 6).await;
    produce(&bootstrap, &names[7], &[1, 2, 3, 4, 5, 6]);

    let topics: KafkaTopics = eventually("all fifty topics in one snapshot", || async {
        let topics = kafka_topics(&app).await?;
        let ours = topics
            .topics
            .iter()
            .filter(|t| t.name.starts_with(&prefix))
            .count();
        (ours == 50).then_some(topics)
    })
    .await;

    for topic in topics.topics.iter().filter(|t| t.name.starts_with(&prefix)) {
        assert_eq!(topic.partitions, 6, "{}", topic.name);
        assert!(topic.healthy(), "{}", topic.name);
    }
    // The snapshot that first listed all fifty may predate the records: wait for a later one.
    let path = format!("/api/v1/clusters/local/kafka/topics/{}", names[7]);
    eventually("the produced records' log ends in a snapshot", || async {
        let detail: TopicDetail = app.get(&path).await.json().await.ok()?;
        let ends: Vec<_> = detail.partitions.iter().map(|p| p.log_end).collect();
        (ends == [1, 2, 3, 4, 5, 6].map(Some)).then_some(())
    })
    .await;
    assert!(topics.status.cycle_ms.is_some());
}

/// A tansu broker of this test's own, on a free port, so it can be stopped without harming the
/// shared stack.
struct OwnBroker {
    port: u16,
    dir: ScratchDir,
    process: Option<Child>,
}

impl OwnBroker {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut broker = Self {
            port,
            dir: ScratchDir::new("broker"),
            process: None,
        };
        broker.restart();
        broker
    }

    fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn restart(&mut self) {
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let child = Command::new("tansu")
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
            ])
            .args(["--storage-engine", "sqlite://tansu.db"])
            .current_dir(&self.dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tansu is on PATH (scripts/install-deps.sh installs it)");
        self.process = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("tansu did not listen on {}", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnBroker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The cluster `local`'s brokers and topics, once Plugboard has a snapshot.
async fn kafka_topics(app: &TestApp) -> Option<KafkaTopics> {
    let response = app.get("/api/v1/clusters/local/kafka/topics").await;
    response.json().await.ok()
}

async fn kafka_status(app: &TestApp) -> KafkaStatus {
    app.get_json("/api/v1/clusters/local/kafka").await
}

#[tokio::test]
async fn a_stopped_broker_keeps_the_last_snapshot_with_its_age_and_a_restart_brings_fresh_data() {
    let mut broker = OwnBroker::start();
    let topic = unique("outage");
    create_topics(&broker.bootstrap(), std::slice::from_ref(&topic), 2).await;
    let app = TestApp::start(vec![kafka_cluster(&broker.bootstrap())]).await;
    let has_topic = |topics: &KafkaTopics| topics.topics.iter().any(|t| t.name == topic);
    eventually("a first snapshot with the topic", || async {
        let topics = kafka_topics(&app).await?;
        has_topic(&topics).then_some(())
    })
    .await;

    broker.stop();
    let down = eventually("Kafka to be reported unreachable", || async {
        let status = kafka_status(&app).await;
        status.unreachable_since_ms.is_some().then_some(status)
    })
    .await;
    assert!(down.error.is_some());
    let kept: KafkaTopics = app.get_json("/api/v1/clusters/local/kafka/topics").await;
    assert!(has_topic(&kept), "the last snapshot is still shown");
    assert_eq!(kept.status.taken_at_ms, down.taken_at_ms);
    assert!(kept.status.unreachable_since_ms.is_some());

    broker.restart();
    let back = eventually("fresh data after the restart", || async {
        let status = kafka_status(&app).await;
        (status.error.is_none() && status.taken_at_ms > down.taken_at_ms).then_some(status)
    })
    .await;
    assert_eq!(back.unreachable_since_ms, None);
    let fresh: KafkaTopics = app.get_json("/api/v1/clusters/local/kafka/topics").await;
    assert!(has_topic(&fresh));
}

/// Partition states the real broker cannot produce: tansu does not replicate, so it always
/// reports replicas == ISR with a leader. This fake stands in for a three-broker cluster where
/// broker 3 is gone, with `min.insync.replicas=2`.
struct DegradedCluster;

impl KafkaSource for DegradedCluster {
    fn observe(&mut self) -> Result<Observation, String> {
        let partition = |id, leader, isr: &[i32]| PartitionMeta {
            id,
            leader,
            replicas: vec![1, 2, 3],
            isr: isr.to_vec(),
        };
        Ok(Observation {
            brokers: (1..=2)
                .map(|id| BrokerMeta {
                    id,
                    host: format!("broker-{id}"),
                    port: 9092,
                })
                .collect(),
            topics: vec![TopicMeta {
                name: "orders".into(),
                partitions: vec![
                    partition(0, 1, &[1, 2]),
                    partition(1, 2, &[1]),
                    partition(2, -1, &[]),
                ],
                min_insync_replicas: Some(2),
            }],
            ..Observation::default()
        })
    }
}

#[tokio::test]
async fn under_replicated_under_min_isr_and_leaderless_partitions_are_counted_and_exported() {
    let sources: Vec<(String, Box<dyn KafkaSource>)> =
        vec![("local".into(), Box::new(DegradedCluster))];
    let app =
        TestApp::start_with_kafka_sources(vec![cluster("local", stack_urls(STACK))], sources).await;

    let detail: TopicDetail = eventually("the fake snapshot", || async {
        app.get("/api/v1/clusters/local/kafka/topics/orders")
            .await
            .json()
            .await
            .ok()
    })
    .await;

    let summary = &detail.summary;
    assert_eq!(
        (
            summary.under_replicated,
            summary.under_min_isr,
            summary.offline
        ),
        (3, 2, 1)
    );
    let problems: BTreeMap<i32, Vec<PartitionProblem>> = detail
        .partitions
        .iter()
        .map(|p| (p.partition, p.problems.clone()))
        .collect();
    assert_eq!(problems[&0], [PartitionProblem::UnderReplicated]);
    assert_eq!(
        problems[&1],
        [
            PartitionProblem::UnderMinIsr,
            PartitionProblem::UnderReplicated
        ]
    );
    assert_eq!(problems[&2][0], PartitionProblem::Offline);
    assert!(detail.partitions.iter().all(|p| p.offline_replicas == [3]));
    assert_eq!(detail.partitions[2].leader, None);

    let metrics = app.get("/metrics").await.text().await.unwrap();
    for line in [
        "plugboard_kafka_topic_under_replicated_partitions{cluster=\"local\",topic=\"orders\"} 3",
        "plugboard_kafka_topic_under_min_isr_partitions{cluster=\"local\",topic=\"orders\"} 2",
        "plugboard_kafka_topic_offline_partitions{cluster=\"local\",topic=\"orders\"} 1",
    ] {
        assert!(metrics.contains(line), "missing {line}");
    }
}
