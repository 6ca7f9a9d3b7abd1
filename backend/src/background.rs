//! Plugboard's background work, started from this one place and stopped together. Among
//! several replicas on one database, the jobs that write shared state run on one replica at a
//! time, the one leading them (see [`crate::fleet`]): reconciling changes a stopped replica left
//! without an outcome, the state timeline of each Connect cluster, the snapshots (read from
//! Kafka and shared through the database) and lag history of each Kafka cluster, history
//! pruning, and alert evaluation with the watch of Debezium's replication slots. Every replica
//! keeps its liveness lease, takes the shared Kafka views it does not read itself, and keeps
//! each Connect cluster's live list for the pages it serves. Building the [`AppState`] starts
//! none of it; the server starts it beside itself, and tests that drive the app in process go
//! without it.

use std::future::Future;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::fleet::{ALL_CLUSTERS, Fleet};
use crate::state::AppState;

/// The running loops; dropping this stops them without waiting, [`Background::stop`] waits.
pub struct Background {
    stop: CancellationToken,
    tasks: JoinSet<()>,
    fleet: Fleet,
}

impl Background {
    /// Starts every loop on `state`.
    pub fn start(state: &AppState) -> Self {
        let mut work = Self {
            stop: CancellationToken::new(),
            tasks: JoinSet::new(),
            fleet: state.fleet.clone(),
        };
        let (settings, fleet) = (&state.settings, &state.fleet);
        work.spawn(fleet.clone().stay_alive());
        let (history, clusters) = (state.history.clone(), state.clusters.clone());
        work.spawn(
            fleet
                .clone()
                .lead("reconcile", ALL_CLUSTERS.into(), move || {
                    history.clone().reconcile_forever(clusters.clone())
                }),
        );
        for client in state.clusters.all() {
            let (db, client, every) = (state.db.clone(), client.clone(), settings.state_poll);
            let cluster = client.id().to_owned();
            work.spawn(fleet.clone().lead("states", cluster, move || {
                crate::history::timeline::watch_states(db.clone(), client.clone(), every)
            }));
        }
        let (db, days, rows) = (
            state.db.clone(),
            settings.history_retention_days,
            settings.history_max_rows,
        );
        work.spawn(
            fleet
                .clone()
                .lead("retention", ALL_CLUSTERS.into(), move || {
                    crate::history::prune_periodically(db.clone(), days, rows)
                }),
        );
        for started in state.kafka.start_loops(&work.stop) {
            // The thread ends at the stop on its own, after its current cycle: waited for.
            work.tasks.spawn(async move {
                let _ = started.ended.await;
            });
            let (db, cluster, views) = (state.db.clone(), started.cluster, started.views);
            let reading = started.reading;
            let (shared, read_by, on) = (db.clone(), reading.clone(), cluster.clone());
            let views_read = views.clone();
            work.spawn(fleet.clone().lead("kafka", cluster.clone(), move || {
                let (db, cluster, views) = (shared.clone(), on.clone(), views_read.clone());
                crate::kafka::shared::publish(db, cluster, views, read_by.clone())
            }));
            work.spawn(crate::kafka::shared::follow(
                db.clone(),
                cluster.clone(),
                started.sender,
                reading,
                started.interval,
            ));
            work.spawn(fleet.clone().lead("lag_history", cluster.clone(), move || {
                crate::kafka::lag_history::record_snapshots(
                    db.clone(),
                    cluster.clone(),
                    views.clone(),
                )
            }));
        }
        // The slot watch keeps the latest readings that the slot rules judge: it runs beside the
        // evaluation, on the same replica.
        let judged = state.clone();
        work.spawn(fleet.clone().lead("alerts", ALL_CLUSTERS.into(), move || {
            let state = judged.clone();
            async move {
                let slots = crate::debezium::slot_watch::watch_forever(
                    state.db.clone(),
                    state.source_databases.clone(),
                    state.slot_watch.clone(),
                    state.settings.slot_poll,
                );
                let every = state.settings.alert_interval;
                tokio::join!(slots, crate::alerts::evaluate_forever(state.clone(), every));
            }
        }));
        for client in state.clusters.all() {
            let (shown, looked_at) = (state.clone(), client.clone());
            let look = move || {
                let (state, client) = (shown.clone(), looked_at.clone());
                async move {
                    let rows = crate::connector_rows::cluster_rows(&state, &client).await;
                    rows.map_err(|e| e.to_string())
                }
            };
            let feeds = state.live.clone();
            work.spawn(feeds.follow(client.clone(), settings.live_poll, look));
        }
        work
    }

    /// Runs `task` until it ends or the work is stopped, whichever comes first.
    fn spawn(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        let stop = self.stop.clone();
        self.tasks.spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = task => {}
            }
        });
    }

    /// Stops every loop, waits until each has ended, and gives up this replica's leases so
    /// that the others take its jobs over at once.
    pub async fn stop(mut self) {
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
        self.fleet.release().await;
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use super::Background;
    use crate::test_support::state_without_connect;

    /// Polls `check` every 20 ms until it holds (at most 30 s).
    async fn until(what: &str, check: impl Fn() -> bool) {
        for _ in 0..1500 {
            if check() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("gave up waiting for {what}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn building_the_state_starts_nothing_and_stop_waits_until_every_loop_has_ended() {
        // Kafka at the discard port, where nothing listens: each snapshot cycle fails.
        let flags = [
            "--bootstrap-servers",
            "127.0.0.1:9",
            "--alert-interval-ms",
            "50",
            "--kafka-poll-ms",
            "50",
            "--kafka-timeout-ms",
            "200",
        ];
        let state = state_without_connect("background", &flags).await;
        let rounds = || state.alert_rounds.load(Ordering::Relaxed);
        let kafka = || state.kafka.view("default").unwrap();

        // Many alert intervals and Kafka cycles long: a loop started at build would have run.
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(rounds(), 0, "no alert round before the work starts");
        assert!(kafka().error.is_none() && kafka().snapshot.is_none());

        let work = Background::start(&state);
        until("an alert round", || rounds() > 0).await;
        until("a failed Kafka cycle", || kafka().error.is_some()).await;
        work.stop().await;

        let (rounds_at_stop, view_at_stop) = (rounds(), kafka());
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(rounds(), rounds_at_stop, "no alert round after the stop");
        assert!(
            Arc::ptr_eq(&kafka(), &view_at_stop),
            "the Kafka loop published nothing after the stop"
        );
    }
}
