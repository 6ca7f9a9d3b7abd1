//! Three replicas of Plugboard on one PostgreSQL database (a database of their own on the
//! stack's PostgreSQL), each a process serving the stack's cluster `solo1` as `local`: a
//! session, its CSRF token and an API token hold on every replica, changes spread over them are
//! recorded once each, each background job has one leader, Kafka is read by one replica for
//! all, a leader killed with SIGKILL is replaced within 30 s (its lease's 15 s plus a renewal)
//! without a second incident or webhook, a change cut off by a killed replica is settled once by
//! another, and a rolling restart loses no change answered 2xx.

use std::time::{Duration, Instant};

use api_types::{CreatedToken, HistoryPage, KafkaStatus, Me, Role};
use plugboard::db::DatabaseLocation;
use reqwest::header::COOKIE;
use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::alerts::{Webhooks, a_few_rounds, create_rule, incidents_of, metric};
use crate::support::fake_worker::{Answer, FakeWorker};
use crate::support::{
    PlugboardProcess, ScratchDir, add_users, eventually, file_sink_config, sign_in,
    stack_bootstrap, unique,
};

/// One fleet of three at a time: three more processes beside the other tests' are load
/// enough on two cores.
static ONE_FLEET_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Three replicas on one database, with their scratch directory.
struct Replicas {
    replicas: Vec<PlugboardProcess>,
    database: DatabaseLocation,
    dir: ScratchDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Replicas {
    /// Three replicas with `settings` (TOML) on a new PostgreSQL database holding `users`.
    async fn start(settings: &str, users: &[(&str, Role)]) -> Self {
        let turn = ONE_FLEET_AT_A_TIME.lock().await;
        let dir = ScratchDir::new("replicas");
        let database = dir.postgres_store().await;
        add_users(&database, users).await;
        let mut replicas = Vec::new();
        for _ in 0..3 {
            replicas.push(PlugboardProcess::start_on(&dir, settings, None, &database).await);
        }
        Self {
            replicas,
            database,
            dir,
            _turn: turn,
        }
    }

    fn url(&self, replica: usize, path: &str) -> String {
        format!("{}{path}", self.replicas[replica].base_url)
    }
}

/// The replicas (by index, among `alive`) that say they lead `job` on `cluster` now.
async fn leaders(replicas: &Replicas, alive: &[usize], job: &str, cluster: &str) -> Vec<usize> {
    let series = format!("plugboard_leader{{job=\"{job}\",cluster=\"{cluster}\"}}");
    let mut leaders = Vec::new();
    for &replica in alive {
        if metric(&replicas.replicas[replica].base_url, &series).await == Some(1.0) {
            leaders.push(replica);
        }
    }
    leaders
}

/// When the Kafka snapshot that replica `replica` answers from was taken.
async fn snapshot_taken_at(replicas: &Replicas, replica: usize) -> Option<i64> {
    let url = replicas.url(replica, "/api/v1/clusters/gone/kafka");
    let status: KafkaStatus = reqwest::get(url).await.ok()?.json().await.ok()?;
    status.taken_at_ms
}

#[tokio::test]
async fn a_session_a_token_the_login_limit_and_fifty_changes_hold_whichever_replica_they_reach() {
    let fleet = Replicas::start("[access]\nrequire_login = true\n", &[("ada", Role::Admin)]).await;
    let http = Client::new();
    let (cookie, csrf) = sign_in(&fleet.replicas[0].base_url, "ada").await;

    // The session made on one replica is known to the others.
    for replica in 0..3 {
        let response = http
            .get(fleet.url(replica, "/api/v1/auth/me"))
            .header(COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "replica {replica}");
        assert_eq!(response.json::<Me>().await.unwrap().name, "ada");
    }
    // A token made through a second replica with the session's CSRF token works on a third.
    let made = http
        .post(fleet.url(1, "/api/v1/tokens"))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"name": "script", "user": "ada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let token = made.json::<CreatedToken>().await.unwrap().token;
    let listed = http
        .get(fleet.url(2, "/api/v1/clusters"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    // Wrong passwords spread over the replicas count together: the eleventh is refused.
    let guess = json!({"name": "mallory", "password": "guess"});
    for n in 0..10 {
        let login = http
            .post(fleet.url(n % 3, "/api/v1/auth/login"))
            .json(&guess);
        let status = login.send().await.unwrap().status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let eleventh = http.post(fleet.url(1, "/api/v1/auth/login")).json(&guess);
    assert_eq!(
        eleventh.send().await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // A connector made through one replica, then 50 changes at once spread over all three.
    let name = unique("replicas");
    let body = json!({"name": name, "config": file_sink_config(&name), "initial_state": "STOPPED"});
    let created = http
        .post(fleet.url(0, "/api/v1/clusters/local/connectors"))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let changes = (0..50).map(|n| {
        let request = http
            .post(fleet.url(
                n % 3,
                &format!("/api/v1/clusters/local/connectors/{name}/pause"),
            ))
            .header(COOKIE, &cookie)
            .header("x-csrf-token", &csrf)
            .header("x-plugboard-reason", format!("change {n}"));
        async move { request.send().await.unwrap().status() }
    });
    let answers = futures::future::join_all(changes).await;

    let history: HistoryPage = http
        .get(fleet.url(2, &format!("/api/v1/history?connector={name}&limit=200")))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pauses: Vec<_> = (history.events.iter())
        .filter(|e| e.action.as_str() == "pause")
        .collect();
    let succeeded = answers.iter().filter(|s| s.is_success()).count();
    assert_eq!(succeeded, 50, "every change answered 2xx: {answers:?}");
    assert_eq!(pauses.len(), 50, "one history row per change");
    let mut reasons: Vec<_> = pauses.iter().filter_map(|e| e.reason.clone()).collect();
    reasons.sort();
    reasons.dedup();
    assert_eq!(reasons.len(), 50, "no change recorded twice, none lost");
    assert!(pauses.iter().all(|e| e.outcome.as_str() == "success"));

    let _ = http
        .delete(fleet.url(0, &format!("/api/v1/clusters/local/connectors/{name}")))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await;
}

#[tokio::test]
async fn a_killed_leader_is_replaced_within_30_s_without_a_second_incident_webhook_or_kafka_reader()
{
    // Besides the stack's cluster, one whose only worker is down (nothing listens on the
    // discard port) on the stack's Kafka: an `unreachable` incident that stays open, and Kafka
    // snapshots of its own.
    let settings = format!(
        "alert_interval_ms = 500\nkafka_poll_ms = 1000\n\
         [[clusters]]\nid = \"gone\"\nurls = [\"http://127.0.0.1:9\"]\nbootstrap_servers = \"{}\"\n",
        stack_bootstrap()
    );
    let mut fleet = Replicas::start(&settings, &[]).await;
    let hooks = Webhooks::start().await;
    let rule = create_rule(
        &fleet.replicas[1].base_url,
        json!({"name": "gone", "kind": "unreachable", "cluster": "gone", "webhook_url": hooks.url}),
    )
    .await;
    eventually("the open webhook", || async {
        (hooks.events(rule) == ["open"]).then_some(())
    })
    .await;
    let all = [0, 1, 2];
    let alerts = eventually("one alerts leader", || async {
        let leaders = leaders(&fleet, &all, "alerts", "*").await;
        (leaders.len() == 1).then(|| leaders[0])
    })
    .await;
    // Kafka is read by one replica, whose snapshot every replica answers from.
    let shared = eventually("the same snapshot on every replica", || async {
        let mut taken = Vec::new();
        for replica in all {
            taken.push(snapshot_taken_at(&fleet, replica).await?);
        }
        taken.iter().all(|t| *t == taken[0]).then(|| taken[0])
    })
    .await;
    let reader = eventually("one Kafka reader", || async {
        let reading = leaders(&fleet, &all, "kafka", "gone").await;
        (reading.len() == 1).then(|| reading[0])
    })
    .await;

    // Each job's lease is taken on its own: the alerts' leader and the Kafka reader are most
    // often one replica, sometimes two. Both are killed.
    let victims: Vec<usize> = all
        .into_iter()
        .filter(|r| [alerts, reader].contains(r))
        .collect();
    for &victim in &victims {
        fleet.replicas[victim].kill();
    }
    let killed_at = Instant::now();
    let others: Vec<usize> = all.into_iter().filter(|r| !victims.contains(r)).collect();
    let successor = eventually(
        "another replica to lead the alerts and the snapshots",
        || async {
            let judging = leaders(&fleet, &others, "alerts", "*").await;
            let reading = leaders(&fleet, &others, "kafka", "gone").await;
            (judging.len() == 1 && reading.len() == 1).then(|| judging[0])
        },
    )
    .await;
    let taken_over_in = killed_at.elapsed();
    eventually("a newer snapshot on every survivor", || async {
        for &replica in &others {
            (snapshot_taken_at(&fleet, replica).await? > shared).then_some(())?;
        }
        Some(())
    })
    .await;
    a_few_rounds(&fleet.replicas[successor].base_url).await;

    assert!(
        taken_over_in < Duration::from_secs(30),
        "took {taken_over_in:?}"
    );
    let incidents = incidents_of(&fleet.replicas[successor].base_url, rule).await;
    assert_eq!(
        incidents.len(),
        1,
        "one incident across the fleet: {incidents:?}"
    );
    assert_eq!(incidents[0].resolved_at, None);
    assert_eq!(hooks.events(rule), ["open"], "one webhook across the fleet");
}

#[tokio::test]
async fn a_rolling_restart_under_load_loses_no_change_that_was_answered_2xx() {
    let mut fleet = Replicas::start("", &[]).await;
    let bases: Vec<String> = fleet.replicas.iter().map(|r| r.base_url.clone()).collect();
    let http = Client::new();
    let name = unique("rolling");
    let body = json!({"name": name, "config": file_sink_config(&name), "initial_state": "STOPPED"});
    let created = http
        .post(format!("{}/api/v1/clusters/local/connectors", bases[0]))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);

    // A steady load, round robin: a read and a change (a pause, its reason numbered) in turn.
    let stop = tokio_util::sync::CancellationToken::new();
    let load = {
        let (http, bases, name, stop) = (http.clone(), bases.clone(), name.clone(), stop.clone());
        tokio::spawn(async move {
            let mut answered = Vec::new();
            let mut reads_ok = 0;
            for n in 0.. {
                if stop.is_cancelled() {
                    break;
                }
                let base = &bases[n % bases.len()];
                let read = http
                    .get(format!("{base}/api/v1/clusters/local/connectors"))
                    .send();
                if read.await.is_ok_and(|r| r.status().is_success()) {
                    reads_ok += 1;
                }
                let change = http
                    .post(format!(
                        "{base}/api/v1/clusters/local/connectors/{name}/pause"
                    ))
                    .header("x-plugboard-reason", format!("load {n}"))
                    .send()
                    .await;
                if let Ok(response) = change {
                    answered.push((format!("load {n}"), response.status()));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (answered, reads_ok)
        })
    };

    // Each replica in turn stopped as an operator would (SIGTERM) and started again.

    for replica in 0..3 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let port = fleet.replicas[replica].port;
        fleet.replicas[replica].terminate();
        let restarted = PlugboardProcess::start_on(&fleet.dir, "", Some(port), &fleet.database);
        fleet.replicas[replica] = restarted.await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.cancel();
    let (answered, reads_ok) = load.await.unwrap();

    let history: HistoryPage = http
        .get(format!(
            "{}/api/v1/history?connector={name}&action=pause&limit=500",
            bases[1]
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recorded: Vec<&str> = (history.events.iter())
        .filter(|e| e.outcome.as_str() == "success")
        .filter_map(|e| e.reason.as_deref())
        .collect();
    let succeeded: Vec<&str> = (answered.iter())
        .filter(|(_, status)| status.is_success())
        .map(|(reason, _)| reason.as_str())
        .collect();
    assert!(
        succeeded.len() > 30 && reads_ok > 30,
        "a steady load: {answered:?}"
    );
    for reason in &succeeded {
        let times = recorded.iter().filter(|r| *r == reason).count();
        assert_eq!(
            times, 1,
            "`{reason}` answered 2xx is recorded once as a success"
        );
    }

    let _ = http
        .delete(format!(
            "{}/api/v1/clusters/local/connectors/{name}",
            bases[0]
        ))
        .send()
        .await;
}

#[tokio::test]
async fn a_change_cut_off_by_a_killed_replica_is_settled_once_by_another() {
    // A fake worker that sits on a pause for two minutes: real Connect cannot be made to hold a
    // change on demand, and the replica is to die while it waits.
    let worker = FakeWorker::start(
        Method::PUT,
        vec![Answer::new(202, "").after(Duration::from_secs(120))],
    )
    .await;
    let settings = format!("[[clusters]]\nid = \"slow\"\nurls = [\"{}\"]\n", worker.url);
    let mut fleet = Replicas::start(&settings, &[]).await;
    let http = Client::new();
    let bases: Vec<String> = fleet.replicas.iter().map(|r| r.base_url.clone()).collect();
    let history = |replica: usize| {
        let url = format!(
            "{}/api/v1/history?cluster=slow&action=pause",
            bases[replica]
        );
        let http = http.clone();
        async move {
            let page: HistoryPage = http.get(url).send().await.ok()?.json().await.ok()?;
            Some(page.events)
        }
    };

    let pause = http
        .post(fleet.url(0, "/api/v1/clusters/slow/connectors/orders/pause"))
        .send();
    let pause = tokio::spawn(pause);
    let pending = eventually("the pending change", || async {
        let events = history(1).await?;
        (events.len() == 1 && events[0].outcome.as_str() == "pending").then(|| events[0].id)
    })
    .await;
    fleet.replicas[0].kill();
    pause.abort();

    let settled = eventually("another replica to settle the change", || async {
        let events = history(2).await?;
        (events.len() == 1 && events[0].outcome.as_str() != "pending").then(|| events[0].clone())
    })
    .await;
    a_few_rounds_of_reconciliation().await;

    assert_eq!(settled.id, pending);
    assert_eq!(settled.outcome.as_str(), "unknown");
    assert!((settled.message.as_deref()).is_some_and(|m| m.contains("stopped before Connect")));
    let after = history(1).await.unwrap();
    assert_eq!(
        after.len(),
        1,
        "the change is one row, neither lost nor doubled"
    );
    assert_eq!(after[0].outcome.as_str(), "unknown");
}

/// Long enough for the leader of reconciliation to look at the rows twice more (every 5 s).
async fn a_few_rounds_of_reconciliation() {
    tokio::time::sleep(plugboard::fleet::RENEW * 2).await;
}
