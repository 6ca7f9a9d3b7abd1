//! Lag and partition health read from Kafka, against real brokers: the stack's broker and
//! Connect cluster for lag, and the stack's second Kafka cluster of three brokers for outages
//! and ISR (brokers stopped, as a crash would, and started again).

use std::collections::BTreeMap;

use crate::support::brokers::{IsrBrokers, isr_bootstrap};
use crate::support::kafka_client::{
    TIMEOUT, client_config, create_topic_on, create_topics, produce,
};
use crate::support::{
    ScratchDir, TestApp, cluster, create_sink, delete_connector, detail_when, eventually,
    file_sink_config, pause_connector, stack_bootstrap, stack_urls, state_becomes, unique,
};
use api_types::{ConnectorKafka, KafkaStatus, KafkaTopics, LagPoint, TopicDetail};
use plugboard::config::Cluster;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};
use reqwest::Method;
use serde_json::json;

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

/// The cluster `local`'s brokers and topics, once Plugboard has a snapshot.
async fn kafka_topics(app: &TestApp) -> Option<KafkaTopics> {
    let response = app.get("/api/v1/clusters/local/kafka/topics").await;
    response.json().await.ok()
}

async fn kafka_status(app: &TestApp) -> KafkaStatus {
    app.get_json("/api/v1/clusters/local/kafka").await
}

#[tokio::test]
async fn stopped_brokers_keep_the_last_snapshot_with_its_age_and_a_restart_brings_fresh_data() {
    let mut brokers = IsrBrokers::hold().await;
    let topic = unique("outage");
    create_topics(&isr_bootstrap(), std::slice::from_ref(&topic), 2).await;
    let app = TestApp::start(vec![kafka_cluster(&isr_bootstrap())]).await;
    let has_topic = |topics: &KafkaTopics| topics.topics.iter().any(|t| t.name == topic);
    eventually("a first snapshot with the topic", || async {
        let topics = kafka_topics(&app).await?;
        has_topic(&topics).then_some(())
    })
    .await;

    for node in 1..=3 {
        brokers.stop(node);
    }
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

    for node in 1..=3 {
        brokers.start(node);
    }
    let back = eventually("fresh data after the restart", || async {
        let status = kafka_status(&app).await;
        (status.error.is_none() && status.taken_at_ms > down.taken_at_ms).then_some(status)
    })
    .await;
    assert_eq!(back.unreachable_since_ms, None);
    let fresh: KafkaTopics = app.get_json("/api/v1/clusters/local/kafka/topics").await;
    assert!(has_topic(&fresh));
}

/// One topic's partitions as Plugboard shows them, once `check` accepts them.
async fn topic_when(
    app: &TestApp,
    topic: &str,
    what: &str,
    check: impl Fn(&TopicDetail) -> bool,
) -> TopicDetail {
    let path = format!("/api/v1/clusters/local/kafka/topics/{topic}");
    eventually(what, || async {
        let detail: TopicDetail = app.get(&path).await.json().await.ok()?;
        check(&detail).then_some(detail)
    })
    .await
}

/// Each partition's ISR as a client of the test's own reads it from the brokers' metadata.
fn independent_isr(topic: &str) -> BTreeMap<i32, Vec<i32>> {
    let consumer: BaseConsumer = client_config(&isr_bootstrap()).create().unwrap();
    let metadata = consumer.fetch_metadata(Some(topic), TIMEOUT).unwrap();
    metadata.topics()[0]
        .partitions()
        .iter()
        .map(|p| {
            let mut isr = p.isr().to_vec();
            isr.sort_unstable();
            (p.id(), isr)
        })
        .collect()
}

fn plugboards_isr(detail: &TopicDetail) -> BTreeMap<i32, Vec<i32>> {
    detail
        .partitions
        .iter()
        .map(|p| {
            let mut isr = p.isr.clone();
            isr.sort_unstable();
            (p.partition, isr)
        })
        .collect()
}

/// A FileStreamSource on the stack's Connect cluster that writes to `topic` of the three-broker
/// cluster (a producer override), with `acks=all` and a few quick retries: a broker just gone
/// is retried elsewhere, and a write the brokers keep refusing fails its task with Kafka's own
/// error once the retries are spent.
fn source_into_isr_cluster(file: &std::path::Path, topic: &str) -> serde_json::Value {
    json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1",
        "file": file.display().to_string(),
        "topic": topic,
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        "producer.override.bootstrap.servers": isr_bootstrap(),
        "producer.override.acks": "all",
        "producer.override.retries": "5",
        "producer.override.retry.backoff.ms": "300",
        "producer.override.enable.idempotence": "false",
        "producer.override.metadata.max.age.ms": "1000",
        "producer.override.request.timeout.ms": "5000",
        "producer.override.delivery.timeout.ms": "60000",
        "producer.override.linger.ms": "0",
    })
}

#[tokio::test]
async fn stopping_brokers_shows_under_replicated_then_under_min_isr_and_offline_partitions_and_a_restart_heals_them()
 {
    let mut brokers = IsrBrokers::hold().await;
    let (replicated, single) = (unique("isr-replicated"), unique("isr-single"));
    create_topics(&isr_bootstrap(), std::slice::from_ref(&replicated), 3).await;
    create_topic_on(&isr_bootstrap(), &single, 3).await;
    let app = TestApp::start(vec![kafka_cluster(&isr_bootstrap())]).await;
    let (source, sink) = (unique("isr-source"), unique("isr-sink"));
    let input = ScratchDir::new("isr-input");
    let file = input.path("lines.txt");
    std::fs::write(&file, "first\n").unwrap();
    create_sink(&app, &source, source_into_isr_cluster(&file, &replicated)).await;
    let mut sink_config = file_sink_config(&format!("{replicated},{single}"));
    sink_config["tasks.max"] = json!("1");
    let created = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(json!({"name": sink, "config": sink_config, "initial_state": "STOPPED"})),
        )
        .await;
    assert!(created.status().is_success());
    let rule = crate::alerts::create_rule(
        &app.base_url,
        json!({"name": "isr", "kind": "topics_unhealthy", "connector_pattern": sink}),
    )
    .await;
    let healthy = topic_when(&app, &replicated, "a healthy snapshot", |d| {
        d.summary.healthy()
    })
    .await;
    assert_eq!(healthy.summary.replication_factor, 3);
    assert_eq!(healthy.summary.min_insync_replicas, Some(2));

    // One broker down: every partition of the replicated topic lost a replica from its ISR;
    // the topic whose one replica was on it is offline.
    brokers.stop(3);
    let shrunk = topic_when(&app, &replicated, "ISRs without broker 3", |d| {
        d.summary.under_replicated == 3 && d.partitions.iter().all(|p| !p.isr.contains(&3))
    })
    .await;
    assert_eq!(shrunk.summary.under_min_isr, 0);
    assert!(shrunk.partitions.iter().all(|p| p.offline_replicas == [3]));
    assert_eq!(plugboards_isr(&shrunk), independent_isr(&replicated));
    let offline = topic_when(&app, &single, "the topic on broker 3 offline", |d| {
        d.summary.offline == 1
    })
    .await;
    assert_eq!(offline.partitions[0].leader, None);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let under = format!(
        "plugboard_kafka_topic_under_replicated_partitions{{cluster=\"local\",topic=\"{replicated}\"}} 3"
    );
    assert!(metrics.contains(&under), "missing {under}");
    let incident = eventually("an incident of the ISR rule", || async {
        crate::alerts::incidents_of(&app.base_url, rule)
            .await
            .into_iter()
            .next()
    })
    .await;
    assert!(
        incident.opening.contains(&replicated),
        "{}",
        incident.opening
    );

    // Two down: one replica left in each ISR, under min.insync.replicas=2, so the source's
    // writes with acks=all are refused and its task fails with Kafka's own error.
    brokers.stop(2);
    let starved = topic_when(&app, &replicated, "ISRs of broker 1 alone", |d| {
        d.summary.under_min_isr == 3
    })
    .await;
    assert_eq!(plugboards_isr(&starved), independent_isr(&replicated));
    std::fs::write(&file, "first\nsecond\nthird\n").unwrap();
    let failed = detail_when(&app, &source, "the source's task to fail", |d| {
        d.tasks.iter().any(|t| t.state.as_str() == "FAILED")
    })
    .await;
    let trace = failed.tasks[0].trace.clone().unwrap_or_default();
    assert!(trace.contains("NotEnoughReplicas"), "{trace}");

    brokers.start(2);
    brokers.start(3);
    topic_when(&app, &replicated, "every ISR whole again", |d| {
        d.summary.healthy() && d.partitions.iter().all(|p| p.isr.len() == 3)
    })
    .await;
    topic_when(&app, &single, "the single-replica topic back", |d| {
        d.summary.healthy()
    })
    .await;
    eventually("the ISR incident resolved", || async {
        let incidents = crate::alerts::incidents_of(&app.base_url, rule).await;
        incidents
            .iter()
            .all(|i| i.resolved_at.is_some())
            .then_some(())
    })
    .await;
    delete_connector(&app, &source).await;
    delete_connector(&app, &sink).await;
}
