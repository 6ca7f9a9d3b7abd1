//! Alerts: rules judged on a loop against what Plugboard already reads (the cached connector
//! list of each cluster and the Kafka snapshots), incidents kept in the database, webhooks,
//! and automatic restarts of failed connectors.
//!
//! - [`rules`]: the rules in the database, and which connectors a rule covers.
//! - [`evaluate`]: one rule against one cluster's data; [`trend`] judges lag like Burrow;
//!   [`replication_lag`] and [`replication_age`] judge MirrorMaker 2 flows; [`slots`],
//!   [`heartbeats`] and [`snapshot_stall`] judge Debezium's sources, as [`debezium`] gathers
//!   them.
//! - [`round`]: what a round knows of a cluster, and the verdicts of a rule on it.
//! - [`incidents`]: pending conditions and incidents, one open per rule and subject.
//! - [`outbox`]: webhooks queued with the incident's change; [`notify`] sends them.
//! - [`auto_restart`]: restarts with growing back-off.

pub(crate) mod auto_restart;
pub(crate) mod debezium;
pub(crate) mod evaluate;
pub(crate) mod heartbeats;
pub(crate) mod incidents;
pub(crate) mod notify;
pub(crate) mod outbox;
pub(crate) mod replication_age;
pub(crate) mod replication_lag;
pub(crate) mod round;
pub(crate) mod rules;
pub(crate) mod slots;
pub(crate) mod snapshot_stall;
pub(crate) mod trend;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use api_types::{AlertRule, ConnectorSummary, ReplicationFlow, RuleKind};

use crate::clock::now_ms;
use crate::db::on_db;
use crate::kafka::KafkaView;
use crate::state::AppState;
use debezium::DebeziumSources;
use evaluate::MAX_SAMPLES;
use incidents::{Finding, Held};
use plugboard_connect::Freshness;
use round::{ClusterData, HeartbeatWatch};
use trend::Sample;

/// Recent samples of each group, by (cluster, group), and the snapshot they were taken from.
#[derive(Default)]
struct Samples {
    by_group: HashMap<(String, String), VecDeque<Sample>>,
    /// Records in each dead letter topic (the sum of its partitions' log-end offsets).
    dead_letter_totals: HashMap<(String, String), VecDeque<i64>>,
    /// Each Debezium heartbeat topic's records, and the snapshot time since which that total
    /// has stood still.
    heartbeat_totals: HashMap<(String, String), (i64, i64)>,
    /// Debezium's notifications, read again only when their topic grew.
    notifications: snapshot_stall::NotificationCache,
    taken_at: HashMap<String, i64>,
}

impl Samples {
    /// Takes the samples of a new snapshot of `cluster`: each group's, each of
    /// `dead_letter_topics`' total, and each of `heartbeat_topics`' total with since when it
    /// stands still.
    fn record(
        &mut self,
        cluster: &str,
        view: &KafkaView,
        dead_letter_topics: &[&str],
        heartbeat_topics: &[&str],
    ) {
        let Some(snapshot) = &view.snapshot else {
            return;
        };
        if self.taken_at.get(cluster) == Some(&snapshot.taken_at_ms) {
            return;
        }
        self.taken_at
            .insert(cluster.to_owned(), snapshot.taken_at_ms);
        let total_of = |topic: &str| {
            let meta = snapshot.topic(topic)?;
            let log_end = &snapshot.observation.log_end;
            Some(
                (meta.partitions.iter())
                    .filter_map(|p| log_end.get(&(meta.name.clone(), p.id)))
                    .sum::<i64>(),
            )
        };
        for topic in heartbeat_topics {
            // A topic not made yet has had no heartbeat at all.
            let total = total_of(topic).unwrap_or(0);
            let key = (cluster.to_owned(), (*topic).to_owned());
            let taken_at = snapshot.taken_at_ms;
            let entry = self
                .heartbeat_totals
                .entry(key)
                .or_insert((total, taken_at));
            if entry.0 != total {
                *entry = (total, taken_at);
            }
        }
        for topic in dead_letter_topics {
            let Some(total) = total_of(topic) else {
                continue;
            };
            let totals = self
                .dead_letter_totals
                .entry((cluster.to_owned(), (*topic).to_owned()))
                .or_default();
            totals.push_back(total);
            if totals.len() > MAX_SAMPLES {
                totals.pop_front();
            }
        }
        for group in &snapshot.observation.groups {
            let Some(lag) = snapshot.group_lag(&group.name) else {
                continue;
            };
            let samples = self
                .by_group
                .entry((cluster.to_owned(), group.name.clone()))
                .or_default();
            samples.push_back(Sample {
                committed: group.committed.iter().map(|c| c.2).sum(),
                lag,
                state: group.state.clone(),
            });
            if samples.len() > MAX_SAMPLES {
                samples.pop_front();
            }
        }
    }

    fn of_cluster(&self, cluster: &str) -> HashMap<String, Vec<Sample>> {
        of(&self.by_group, cluster)
    }

    fn dead_letters_of(&self, cluster: &str) -> HashMap<String, Vec<i64>> {
        of(&self.dead_letter_totals, cluster)
    }

    /// Each of `heartbeats` (connector to topic and interval) with since when its topic's
    /// records stand still on `cluster`.
    fn heartbeats_of(
        &self,
        cluster: &str,
        heartbeats: &HashMap<String, (String, u64)>,
    ) -> HashMap<String, HeartbeatWatch> {
        heartbeats
            .iter()
            .map(|(connector, (topic, interval_ms))| {
                let key = (cluster.to_owned(), topic.clone());
                let watch = HeartbeatWatch {
                    topic: topic.clone(),
                    interval_ms: *interval_ms,
                    still_since_ms: self.heartbeat_totals.get(&key).map(|(_, since)| *since),
                };
                (connector.clone(), watch)
            })
            .collect()
    }
}

/// The samples of `cluster`'s entries, by the entry's own name.
fn of<T: Clone>(
    samples: &HashMap<(String, String), VecDeque<T>>,
    cluster: &str,
) -> HashMap<String, Vec<T>> {
    samples
        .iter()
        .filter(|((c, _), _)| c == cluster)
        .map(|((_, name), s)| (name.clone(), s.iter().cloned().collect()))
        .collect()
}

/// Judges every rule every `interval`, until the background work stops. A round that fails is logged
/// and the next one starts afresh from SQLite.
pub(crate) async fn evaluate_forever(state: AppState, interval: Duration) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let mut samples = Samples::default();
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(e) = evaluate_round(&state, &http, &mut samples, interval).await {
            tracing::error!("alert evaluation failed: {e}");
        }
        state
            .alert_rounds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

async fn evaluate_round(
    state: &AppState,
    http: &reqwest::Client,
    samples: &mut Samples,
    interval: Duration,
) -> sqlx::Result<()> {
    let rules = rules::list(&state.db).await?;
    // Without rules there is nothing to judge, and no reason to ask Connect anything.
    if rules.is_empty() {
        return Ok(());
    }
    let mut rounds: Vec<ClusterRound> = Vec::new();
    // MirrorMaker 2 flows and Debezium's sources are worked out only when a rule judges them.
    let judges_flows = rules.iter().any(|r| r.spec.kind.judges_flows());
    let judges_debezium = rules.iter().any(|r| r.spec.kind.judges_debezium());
    let judges_stalls = (rules.iter()).any(|r| r.spec.kind == RuleKind::DebeziumSnapshotStalled);
    for client in state.clusters.all() {
        let id = client.id().to_owned();
        let mut connectors = client
            .connector_summaries(Freshness::Cached)
            .await
            .map_err(|e| e.to_string());
        if let Ok(list) = &mut connectors {
            crate::specs::drift::mark(state, list).await;
        }
        let gathered = if judges_debezium {
            DebeziumSources::gather(state, client).await
        } else {
            None
        };
        let answered = gathered.is_some();
        let debezium = gathered.unwrap_or_default();
        let view = state.kafka.view(&id);
        if let Some(view) = &view {
            let dead_letter_topics: Vec<&str> = connectors
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c.dead_letter_topic.as_deref())
                .collect();
            let heartbeat_topics: Vec<&str> = debezium
                .heartbeats
                .values()
                .map(|(t, _)| t.as_str())
                .collect();
            samples.record(&id, view, &dead_letter_topics, &heartbeat_topics);
        }
        let heartbeats = samples.heartbeats_of(&id, &debezium.heartbeats);
        let mut snapshot_runs = HashMap::new();
        for (connector, (topic, prefix)) in debezium.notifications.iter().filter(|_| judges_stalls)
        {
            let source = (topic.as_str(), prefix.as_str());
            let runs = (samples.notifications)
                .runs(state, client, view.as_deref(), source, now_ms())
                .await;
            if let Some(runs) = runs {
                snapshot_runs.insert(connector.clone(), runs);
            }
        }
        // Notifications of sources gone (or of every source, once no rule judges stalls) are
        // not kept: each source's can be thousands.
        if !judges_stalls || answered {
            let topics: HashSet<&str> = (debezium.notifications.values())
                .filter(|_| judges_stalls)
                .map(|(topic, _)| topic.as_str())
                .collect();
            samples.notifications.keep_only(&id, &topics);
        }
        let flows = if judges_flows {
            let sources = state.replication_sources();
            crate::replication::replication(&sources, |c| c == id)
                .await
                .flows
        } else {
            Vec::new()
        };
        rounds.push(ClusterRound {
            id,
            connectors,
            view,
            flows,
            slots: debezium.slots,
            heartbeats,
            snapshot_runs,
        });
    }
    // Each cluster's samples once per round, not once per rule.
    let samples_by_cluster: Vec<_> = rounds.iter().map(|r| samples.of_cluster(&r.id)).collect();
    let dead_letters_by_cluster: Vec<_> = rounds
        .iter()
        .map(|r| samples.dead_letters_of(&r.id))
        .collect();
    let now = now_ms();
    for rule in &rules {
        let mut outcome = RuleRound::default();
        let per_cluster = samples_by_cluster.iter().zip(&dead_letters_by_cluster);
        for (round, (cluster_samples, dead_letter_totals)) in rounds.iter().zip(per_cluster) {
            let data = ClusterData {
                cluster: &round.id,
                connectors: round.connectors.as_deref().map_err(String::as_str),
                kafka: round.view.as_deref(),
                samples: cluster_samples,
                dead_letter_totals,
                slots: &round.slots,
                heartbeats: &round.heartbeats,
                snapshot_runs: &round.snapshot_runs,
                flows: &round.flows,
                now_ms: now,
            };
            if let Some(verdicts) = evaluate::findings(rule, &data) {
                outcome.judged.insert(round.id.clone());
                outcome.found.extend(verdicts.holding);
                outcome
                    .unsure
                    .extend(verdicts.unsure.into_iter().map(|subject| Held {
                        cluster_id: round.id.clone(),
                        subject,
                    }));
            }
        }
        apply(state, rule, &outcome, now).await?;
    }
    remind(state, &rules).await?;
    notify::deliver_due(&state.db, http, &rules).await?;
    auto_restart::run(state, &rules, &lists_by_cluster(&rounds), interval).await
}

/// What one rule made of every cluster this round.
#[derive(Default)]
struct RuleRound {
    found: Vec<Finding>,
    /// Clusters whose data sufficed to judge the rule.
    judged: HashSet<String>,
    /// Subjects in the middle of a change, judged neither way.
    unsure: HashSet<Held>,
}

impl RuleRound {
    /// Whether a subject held before has shown this round that its condition cleared.
    fn cleared(&self, held: &Held) -> bool {
        self.judged.contains(&held.cluster_id)
            && !self.unsure.contains(held)
            && !self
                .found
                .iter()
                .any(|f| f.cluster == held.cluster_id && f.subject == held.subject)
    }
}

/// What one round read of one cluster.
struct ClusterRound {
    id: String,
    connectors: Result<Vec<ConnectorSummary>, String>,
    view: Option<Arc<KafkaView>>,
    /// The MirrorMaker 2 flows the cluster runs (only when a rule judges them).
    flows: Vec<ReplicationFlow>,
    /// Its Debezium PostgreSQL sources' slots (only when a rule judges them).
    slots: HashMap<String, round::SourceSlot>,
    /// Its Debezium sources' heartbeats (only when a rule judges them).
    heartbeats: HashMap<String, HeartbeatWatch>,
    /// Its Debezium sources' snapshots (only when a rule judges them).
    snapshot_runs: HashMap<String, Vec<api_types::SnapshotRun>>,
}

fn lists_by_cluster(rounds: &[ClusterRound]) -> HashMap<String, Vec<ConnectorSummary>> {
    rounds
        .iter()
        .filter_map(|r| Some((r.id.clone(), r.connectors.as_ref().ok()?.clone())))
        .collect()
}

/// Opens incidents for conditions held long enough, and resolves those that cleared in the
/// clusters this round could judge.
async fn apply(
    state: &AppState,
    rule: &AlertRule,
    round: &RuleRound,
    now: i64,
) -> sqlx::Result<()> {
    let hold_ms = i64::from(rule.spec.for_seconds.max(rule.spec.kind.settle_seconds())) * 1000;
    for finding in &round.found {
        let since = incidents::condition_since(&state.db, finding, now).await?;
        if now - since < hold_ms {
            continue;
        }
        let webhook = rule.spec.webhook_url.is_some();
        if incidents::open(&state.db, finding, webhook)
            .await?
            .is_some()
        {
            tracing::warn!(
                rule = rule.spec.name,
                cluster = finding.cluster,
                subject = finding.subject,
                "incident opened: {}",
                finding.detail
            );
        }
    }
    for held in incidents::held(&state.db, rule.id).await? {
        if !round.cleared(&held) {
            continue;
        }
        let webhook = rule.spec.webhook_url.is_some();
        if incidents::clear(&state.db, rule.id, &held, now, webhook)
            .await?
            .is_some()
        {
            tracing::info!(
                rule = rule.spec.name,
                cluster = held.cluster_id,
                subject = held.subject,
                "incident resolved"
            );
        }
    }
    Ok(())
}

/// Reminders for open incidents that are neither acknowledged nor silenced, per rule's
/// `repeat_seconds`.
async fn remind(state: &AppState, rules: &[AlertRule]) -> sqlx::Result<()> {
    for rule in rules {
        let (Some(repeat), Some(_)) = (rule.spec.repeat_seconds, &rule.spec.webhook_url) else {
            continue;
        };
        let sql = "select id from incidents where rule_id = $1 and resolved_at is null \
                   and acknowledged_at is null \
                   and (silenced_until is null or silenced_until < $2) \
                   and coalesce(last_notified_at, opened_at) < $3";
        let due: Vec<i64> = on_db!(&state.db, pool => sqlx::query_scalar(sql)
            .bind(rule.id)
            .bind(crate::clock::now_iso())
            .bind(crate::clock::iso_seconds_ago(i64::from(repeat)))
            .fetch_all(pool)
            .await)?;
        for id in due {
            outbox::queue_reminder(&state.db, id).await?;
        }
    }
    Ok(())
}
