//! MirrorMaker 2 on the real stack: the flow from the stack's main Kafka cluster (alias `main`)
//! to its mirror cluster (alias `mirror`), whose three connectors the Connect cluster on the
//! mirror runs (scripts/lib/stack.sh, stack_seed_mirror: topics and groups named mirrored-*).
//! Plugboard is configured from a file as an operator would: both Kafka clusters named on their
//! own, under ids that are not the flow's aliases, so the ends are matched by their servers.
//! The tests share the one flow and one pauses it, so they take turns.

use std::collections::BTreeMap;
use std::sync::Arc;

use api_types::{
    ConnectorState, FailoverReport, MirrorRole, ReplicatedTopic, Replication, ReplicationFlow,
};
use rdkafka::consumer::{BaseConsumer, Consumer};
use reqwest::Method;
use serde_json::json;

use crate::alerts::{create_rule, incidents_of};
use crate::support::kafka_client::{TIMEOUT, client_config, commit, create_topics, produce};
use crate::support::{TestApp, eventually, stack_bootstrap, unique};

pub(crate) fn mirror_bootstrap() -> String {
    std::env::var("PLUGBOARD_TEST_MIRROR_BOOTSTRAP")
        .expect("PLUGBOARD_TEST_MIRROR_BOOTSTRAP is not set: run scripts/test.sh")
}

/// Held by each test while it uses the flow.
pub(crate) static FLOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) fn mirror_connect() -> String {
    std::env::var("PLUGBOARD_TEST_MIRROR_CONNECT")
        .expect("PLUGBOARD_TEST_MIRROR_CONNECT is not set: run scripts/test.sh")
}

async fn app() -> TestApp {
    app_with("kafka_poll_ms = 1000\nalert_interval_ms = 500", "").await
}

/// Plugboard with `settings`, both Kafka clusters (the main one with `primary_extra` lines) and
/// the mirror's Connect cluster `mm`, which runs on the mirror (`dr`).
pub(crate) async fn app_with(settings: &str, primary_extra: &str) -> TestApp {
    let urls: Vec<String> = mirror_connect()
        .split(',')
        .map(|u| format!("\"{u}\""))
        .collect();
    TestApp::start_from_file(&format!(
        "cache_ttl_ms = 1000\n{settings}\n\
         [[kafka_clusters]]\nid = \"primary\"\nbootstrap_servers = \"{}\"\n{primary_extra}\n\
         [[kafka_clusters]]\nid = \"dr\"\nbootstrap_servers = \"{}\"\n\
         [[clusters]]\nid = \"mm\"\nurls = [{}]\nkafka = \"dr\"\n",
        stack_bootstrap(),
        mirror_bootstrap(),
        urls.join(", ")
    ))
    .await
}

/// The flow from `main` to `mirror` as Plugboard reports it.
async fn main_to_mirror(app: &TestApp) -> Option<ReplicationFlow> {
    Some(main_to_mirror_at(app).await?.0)
}

/// The flow from `main` to `mirror`, with Plugboard's clock when it answered.
async fn main_to_mirror_at(app: &TestApp) -> Option<(ReplicationFlow, i64)> {
    let replication: Replication = app.get("/api/v1/replication").await.json().await.ok()?;
    let now_ms = replication.now_ms;
    let flow = replication
        .flows
        .into_iter()
        .find(|f| f.source.alias == "main" && f.target.alias == "mirror")?;
    Some((flow, now_ms))
}

/// Seconds since the newest heartbeats of the flow: (replicated through it, emitted by its
/// heartbeat connector), once both are known.
async fn heartbeat_ages(app: &TestApp) -> Option<(i64, i64)> {
    let (flow, now_ms) = main_to_mirror_at(app).await?;
    let beats = flow.heartbeats;
    Some((
        (now_ms - beats.newest_replicated_ms?) / 1000,
        (now_ms - beats.newest_emitted_ms?) / 1000,
    ))
}

/// Whether every incident of `rule` is resolved (and there was one).
async fn all_resolved(app: &TestApp, rule: i64) -> Option<()> {
    let incidents = incidents_of(&app.base_url, rule).await;
    (!incidents.is_empty() && incidents.iter().all(|i| i.resolved_at.is_some())).then_some(())
}

/// `topic` as Plugboard reports it once `holds` says yes of it.
async fn topic_when(
    app: &TestApp,
    topic: &str,
    what: &str,
    holds: impl Fn(&ReplicatedTopic) -> bool,
) -> ReplicatedTopic {
    eventually(&format!("{topic}: {what}"), || async {
        let flow = main_to_mirror(app).await?;
        let found = flow.topics.into_iter().find(|t| t.topic == topic)?;
        holds(&found).then_some(found)
    })
    .await
}

/// `topic` once its remote topic is on the target and each partition's lag is `lag`.
async fn lagging(app: &TestApp, topic: &str, lag: &[u64]) -> ReplicatedTopic {
    let holds = |t: &ReplicatedTopic| {
        let lags: Option<Vec<u64>> = t.partitions.iter().map(|p| p.lag).collect();
        t.on_target == Some(true) && lags.as_deref() == Some(lag)
    };
    topic_when(app, topic, &format!("on the target, lag {lag:?}"), holds).await
}

/// Each partition's high watermark of `topic` as a client of its own reads it.
fn watermarks(bootstrap: &str, topic: &str, partitions: i32) -> Vec<i64> {
    let consumer: BaseConsumer = client_config(bootstrap).create().unwrap();
    (0..partitions)
        .map(|p| consumer.fetch_watermarks(topic, p, TIMEOUT).unwrap().1)
        .collect()
}

#[tokio::test]
async fn a_replicated_topic_shows_its_lag_which_grows_while_the_flow_is_paused_and_returns_to_zero()
{
    let _turn = FLOW.lock().await;
    let app = app().await;
    let rule = create_rule(
        &app.base_url,
        json!({"name": "replication behind", "kind": "replication_lag_above", "cluster": "mm",
               "connector_pattern": "mirror-source", "threshold": 0}),
    )
    .await;
    let heartbeat_rule = create_rule(
        &app.base_url,
        json!({"name": "replication stalled", "kind": "replication_heartbeat_older_than",
               "cluster": "mm", "connector_pattern": "mirror-source", "threshold": 5}),
    )
    .await;
    let topic = unique("mirrored-lag");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&topic), 2).await;
    produce(&stack_bootstrap(), &topic, &[20, 10]);

    // The flow's ends are the configured clusters, matched by their servers; its connectors run.
    let flow = eventually("the flow main -> mirror", || main_to_mirror(&app)).await;
    assert_eq!(flow.connect_cluster, "mm");
    assert_eq!(flow.source.kafka.as_deref(), Some("primary"));
    assert_eq!(flow.target.kafka.as_deref(), Some("dr"));
    let roles: Vec<MirrorRole> = flow.connectors.iter().map(|c| c.role).collect();
    assert_eq!(
        roles,
        [
            MirrorRole::Source,
            MirrorRole::Checkpoint,
            MirrorRole::Heartbeat
        ]
    );
    assert_eq!(flow.topics_pattern.as_deref(), Some("mirrored-.*"));
    // Main's heartbeats (the stack's heartbeat connector from mirror to main writes them)
    // arrive through the flow as main.heartbeats, a second or so old.
    assert_eq!(flow.heartbeats.replicated_topic, "main.heartbeats");
    eventually("fresh heartbeats through the flow", || async {
        let (replicated, emitted) = heartbeat_ages(&app).await?;
        (replicated < 5 && emitted < 5).then_some(())
    })
    .await;
    // The heartbeat connector from mirror to main is a flow of its own, with no topics.
    let replication: Replication = app.get("/api/v1/replication").await.json().await.unwrap();
    let back = replication
        .flows
        .iter()
        .find(|f| f.source.alias == "mirror" && f.target.alias == "main")
        .expect("the heartbeats from mirror to main");
    let names: Vec<&str> = back.connectors.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["mirror-heartbeat-back"]);
    assert!(back.topics.is_empty() && back.groups.is_empty());

    // Everything replicated: lag 0, and the remote topic holds what the source holds, as two
    // clients of their own read the watermarks of each.
    let replicated = lagging(&app, &topic, &[0, 0]).await;
    assert_eq!(replicated.remote, format!("main.{topic}"));
    assert_eq!(replicated.lag, Some(0));
    let source_ends = watermarks(&stack_bootstrap(), &topic, 2);
    assert_eq!(source_ends, [20, 10]);
    let target_ends = eventually("the remote topic's watermarks", || async {
        let ends = watermarks(&mirror_bootstrap(), &replicated.remote, 2);
        (ends == source_ends).then_some(ends)
    })
    .await;
    // Plugboard reads the target's offsets from its snapshot of it, a cycle later at most.
    let expected: Vec<Option<i64>> = target_ends.iter().copied().map(Some).collect();
    let same_ends = |t: &ReplicatedTopic| {
        t.partitions
            .iter()
            .map(|p| p.target_end)
            .collect::<Vec<_>>()
            == expected
    };
    topic_when(&app, &topic, "the target's log-end offsets", same_ends).await;

    // The source connector paused, records written meanwhile are the lag, partition by partition.
    // That part runs on its own task, so that the flow, which the stack's other tests share, is
    // resumed whatever it finds.
    let app = Arc::new(app);
    let rules = (rule, heartbeat_rule);
    let paused = tokio::spawn(paused_phase(app.clone(), topic.clone(), rules, target_ends)).await;
    let resume = "/api/v1/clusters/mm/connectors/mirror-source/resume";
    let resumed = app.send(Method::POST, resume, None).await.status();
    if let Err(failure) = paused {
        std::panic::resume_unwind(failure.into_panic());
    }
    assert!(resumed.is_success());
    lagging(&app, &topic, &[0, 0]).await;
    eventually("the lag incident resolved", || all_resolved(&app, rule)).await;
    eventually("fresh replicated heartbeats again", || async {
        let (replicated, _) = heartbeat_ages(&app).await?;
        (replicated < 5).then_some(())
    })
    .await;
    eventually("the heartbeat incident resolved", || {
        all_resolved(&app, heartbeat_rule)
    })
    .await;
    // The 8 records that caught up arrived on the remote topic at some rate.
    topic_when(&app, &topic, "a throughput", |t| {
        t.records_per_second.is_some_and(|rate| rate > 0.0)
    })
    .await;
    assert_eq!(
        watermarks(&mirror_bootstrap(), &replicated.remote, 2),
        [25, 13]
    );
}

/// Kafka's own translation of `group`'s offsets to the mirror (RemoteClusterUtils, run as a
/// single-file Java program on the stack's Kafka jars): (remote topic, partition) to offset.
fn kafkas_translation(group: &str) -> BTreeMap<(String, i32), i64> {
    let classpath = std::env::var("PLUGBOARD_TEST_KAFKA_CLASSPATH")
        .expect("PLUGBOARD_TEST_KAFKA_CLASSPATH is not set: run scripts/test.sh");
    let program = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/mirror/TranslateOffsets.java"
    );
    let output = std::process::Command::new("java")
        .args(["-Xmx128m", "-cp", &format!("{classpath}/*"), program])
        .args([&mirror_bootstrap(), "main", group])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let words: Vec<&str> = line.split(' ').collect();
            (
                (words[0].to_owned(), words[1].parse().unwrap()),
                words[2].parse().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_groups_failover_offsets_are_kafkas_own_translation() {
    let _turn = FLOW.lock().await;
    let app = app().await;
    let topic = unique("mirrored-failover");
    let group = unique("mirrored-group");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&topic), 2).await;
    produce(&stack_bootstrap(), &topic, &[30, 10]);
    commit(&stack_bootstrap(), &group, &topic, &[20, 10]);
    lagging(&app, &topic, &[0, 0]).await;

    // Once MirrorMaker 2 checkpointed the group and synced it to the target. (It may leave a
    // partition untranslated, as after its source task restarted: Plugboard says so, and so
    // does Kafka's own translation below.)
    let failover = eventually("the group's translated offsets", || async {
        let flow = main_to_mirror(&app).await?;
        let found = flow.groups.into_iter().find(|g| g.group == group)?;
        found
            .partitions
            .iter()
            .any(|p| p.translated.is_some())
            .then_some(found)
    })
    .await;
    let committed: Vec<i64> = failover
        .partitions
        .iter()
        .map(|p| p.source_committed)
        .collect();
    assert_eq!(committed, [20, 10]);
    let expected = kafkas_translation(&group);
    assert!(!expected.is_empty(), "Kafka translates the group too");
    let reported = eventually("Plugboard's translation equal to Kafka's", || async {
        let flow = main_to_mirror(&app).await?;
        let found = flow.groups.into_iter().find(|g| g.group == group)?;
        let translated: BTreeMap<(String, i32), i64> = found
            .partitions
            .iter()
            .filter_map(|p| Some(((p.remote.clone(), p.partition), p.translated?)))
            .collect();
        (translated == expected).then_some(found)
    })
    .await;
    // Kafka's translation reads the checkpoints topic: so do Plugboard's checkpoints, each for
    // the offset the group committed.
    let checkpointed: BTreeMap<(String, i32), i64> = reported
        .partitions
        .iter()
        .filter_map(|p| Some(((p.remote.clone(), p.partition), p.checkpoint?.downstream)))
        .collect();
    assert_eq!(checkpointed, expected);
    for p in reported
        .partitions
        .iter()
        .filter(|p| p.checkpoint.is_some())
    {
        assert_eq!(p.checkpoint.unwrap().upstream, p.source_committed);
    }
    assert!(reported.newest_checkpoint_ms.is_some());
    // Its lag on the target is what is left after the translated offset: 30 and 10 replicated.
    let ends = watermarks(&mirror_bootstrap(), &format!("main.{topic}"), 2);
    let lags: Vec<Option<u64>> = reported.partitions.iter().map(|p| p.target_lag).collect();
    let left: Vec<Option<u64>> = reported
        .partitions
        .iter()
        .zip(&ends)
        .map(|(p, end)| p.translated.map(|t| u64::try_from(end - t).unwrap()))
        .collect();
    assert_eq!(lags, left);
    assert_eq!(reported.target_lag, Some(left.iter().flatten().sum()));
    fail_over(&app, &group, &expected).await;
}

/// The group's committed offsets on the mirror as a client of its own reads them.
fn committed_on_mirror(group: &str, partitions: &[(String, i32)]) -> BTreeMap<(String, i32), i64> {
    let consumer: BaseConsumer = client_config(&mirror_bootstrap())
        .set("group.id", group)
        .create()
        .unwrap();
    let mut list = rdkafka::TopicPartitionList::new();
    for (topic, partition) in partitions {
        list.add_partition(topic, *partition);
    }
    let held = consumer.committed_offsets(list, TIMEOUT).unwrap();
    held.elements()
        .iter()
        .filter_map(|e| match e.offset() {
            rdkafka::Offset::Offset(at) => Some(((e.topic().to_owned(), e.partition()), at)),
            _ => None,
        })
        .collect()
}

/// Fails `group` over to the mirror: a dry run says what would be set and changes nothing;
/// confirmed, the group's offsets there (set ahead first, where MirrorMaker 2's sync, which only
/// moves a group forward, leaves them) become Kafka's own translation, and the history says who
/// did it and why.
async fn fail_over(app: &TestApp, group: &str, expected: &BTreeMap<(String, i32), i64>) {
    let path = "/api/v1/clusters/mm/replication/failover";
    let partitions: Vec<(String, i32)> = expected.keys().cloned().collect();
    let remote = &partitions[0].0;
    let ahead: Vec<i64> = watermarks(&mirror_bootstrap(), remote, 2);
    commit(&mirror_bootstrap(), group, remote, &ahead);
    eventually("Plugboard sees the group ahead on the target", || async {
        let flow = main_to_mirror(app).await?;
        let found = flow.groups.into_iter().find(|g| g.group == group)?;
        let now: Vec<Option<i64>> = found.partitions.iter().map(|p| p.translated).collect();
        (now == ahead.iter().copied().map(Some).collect::<Vec<_>>()).then_some(())
    })
    .await;

    let asked = json!({"source": "main", "target": "mirror", "group": group, "dry_run": true});
    let dry: FailoverReport = app
        .send(Method::POST, path, Some(asked))
        .await
        .json()
        .await
        .unwrap();
    assert!(dry.dry_run && dry.blocked.is_none(), "{dry:?}");
    assert_eq!(dry.target_kafka, "dr");
    let planned: BTreeMap<(String, i32), i64> = dry
        .offsets
        .iter()
        .map(|o| ((o.topic.clone(), o.partition), o.offset))
        .collect();
    assert_eq!(&planned, expected);
    // Each partition it sets (those MirrorMaker 2 translated) is, for now, where it was set ahead.
    let ahead_at = |partition: i32| ahead[usize::try_from(partition).unwrap()];
    for o in &dry.offsets {
        assert_eq!(o.before, Some(ahead_at(o.partition)), "{o:?}");
    }
    let held = committed_on_mirror(group, &partitions);
    for ((_, partition), offset) in &held {
        assert_eq!(*offset, ahead_at(*partition), "a dry run sets nothing");
    }
    assert_eq!(held.len(), partitions.len());

    let confirmed = app
        .http
        .post(format!("{}{path}", app.base_url))
        .header("x-plugboard-reason", "region east lost")
        .json(&json!({"source": "main", "target": "mirror", "group": group}))
        .send()
        .await
        .unwrap();
    let status = confirmed.status();
    assert!(
        status.is_success(),
        "{status}: {}",
        confirmed.text().await.unwrap()
    );
    assert_eq!(&committed_on_mirror(group, &partitions), expected);
    let feed: serde_json::Value = app
        .get_json("/api/v1/history?connector=mirror-checkpoint&limit=5")
        .await;
    let event = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "group_failover" && e["detail"]["group"] == group)
        .unwrap_or_else(|| panic!("a failover in the history: {feed}"));
    assert_eq!(event["reason"], "region east lost");
    assert_eq!(event["outcome"], "success");
    assert_eq!(event["cluster"], "mm");

    let unknown = json!({"source": "main", "target": "mirror", "group": "no-such-group"});
    let refused = app.send(Method::POST, path, Some(unknown)).await;
    assert_eq!(refused.status(), reqwest::StatusCode::NOT_FOUND);
}

/// Pauses the flow's source connector (its tasks too) and writes 5 and 3 records: the lag,
/// Kafka's own watermarks and an alert incident all say 8 records are not replicated; and the
/// heartbeats replicated through the flow grow old while its heartbeat connector's stay fresh,
/// which opens the heartbeat rule's incident.
async fn paused_phase(
    app: Arc<TestApp>,
    topic: String,
    (rule, heartbeat_rule): (i64, i64),
    target_ends: Vec<i64>,
) {
    let pause = "/api/v1/clusters/mm/connectors/mirror-source/pause";
    assert!(
        app.send(Method::POST, pause, None)
            .await
            .status()
            .is_success()
    );
    eventually("the source connector and its tasks paused", || async {
        let flow = main_to_mirror(&app).await?;
        let source = flow
            .connectors
            .iter()
            .find(|c| c.role == MirrorRole::Source)?;
        let tasks = &source.tasks;
        let paused = source.state == ConnectorState::Paused
            && tasks.total > 0
            && tasks.paused == tasks.total;
        paused.then_some(())
    })
    .await;
    produce(&stack_bootstrap(), &topic, &[5, 3]);
    let behind = lagging(&app, &topic, &[5, 3]).await;
    assert_eq!(behind.lag, Some(8));
    // The alert rule sees the same: an incident on the flow's source connector.
    // (Its worst value may first be a part of the 8, the snapshot read between the writes.)
    let opened = eventually("a replication lag incident at 8 records", || async {
        let open = incidents_of(&app.base_url, rule).await;
        open.into_iter()
            .find(|i| i.resolved_at.is_none() && i.worst_value == Some(8.0))
    })
    .await;
    assert_eq!(opened.subject, "mirror-source");
    assert!(
        opened.opening.starts_with("main → mirror: ")
            && opened.opening.contains("records not yet replicated"),
        "{}",
        opened.opening
    );
    assert_eq!(
        watermarks(&mirror_bootstrap(), &behind.remote, 2),
        target_ends,
        "nothing more reached the target while paused"
    );
    let (replicated, emitted) = eventually("replicated heartbeats older than 5 s", || async {
        let (replicated, emitted) = heartbeat_ages(&app).await?;
        (replicated > 5).then_some((replicated, emitted))
    })
    .await;
    assert!(
        emitted < 5,
        "the heartbeat connector still beats: {emitted} s"
    );
    let stalled = eventually("a heartbeat incident", || async {
        let open = incidents_of(&app.base_url, heartbeat_rule).await;
        open.into_iter().find(|i| i.resolved_at.is_none())
    })
    .await;
    assert_eq!(stalled.subject, "mirror-source");
    assert!(
        stalled
            .opening
            .starts_with("main → mirror: newest replicated heartbeat (main.heartbeats)"),
        "{}",
        stalled.opening
    );
    assert!(
        stalled.worst_value.is_some_and(|age| age > 5.0),
        "{replicated} s"
    );
}
