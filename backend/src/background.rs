//! Plugboard's background work, started from this one place and stopped together: reconciling
//! changes a previous run left without an outcome, the state timeline, history pruning, each
//! cluster's Kafka snapshot loop and its lag history, the watch of Debezium's replication
//! slots, alert evaluation, and each Connect
//! cluster's live list for the pages watching it. Building the
//! [`AppState`] starts none of it; the server starts it beside itself, and tests that drive the
//! app in process go without it.

use std::future::Future;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

/// The running loops; dropping this stops them without waiting, [`Background::stop`] waits.
pub struct Background {
    stop: CancellationToken,
    tasks: JoinSet<()>,
}

impl Background {
    /// Starts every loop on `state`.
    pub fn start(state: &AppState) -> Self {
        let mut work = Self {
            stop: CancellationToken::new(),
            tasks: JoinSet::new(),
        };
        let (history, clusters) = (state.history.clone(), state.clusters.clone());
        work.spawn(async move {
            if let Err(e) = history.reconcile(clusters.all()).await {
                tracing::error!("cannot reconcile interrupted changes: {e:#}");
            }
        });
        let settings = &state.settings;
        work.spawn(crate::history::timeline::watch_states(
            state.db.clone(),
            state.clusters.clone(),
            settings.state_poll,
        ));
        work.spawn(crate::history::prune_periodically(
            state.db.clone(),
            settings.history_retention_days,
            settings.history_max_rows,
        ));
        for started in state.kafka.start_loops(&work.stop) {
            // The thread ends at the stop on its own, after its current cycle: waited for.
            work.tasks.spawn(async move {
                let _ = started.ended.await;
            });
            work.spawn(crate::kafka::lag_history::record_snapshots(
                state.db.clone(),
                started.cluster,
                started.views,
            ));
        }
        work.spawn(crate::debezium::slot_watch::watch_forever(
            state.db.clone(),
            state.source_databases.clone(),
            state.slot_watch.clone(),
            settings.slot_poll,
        ));
        work.spawn(crate::alerts::evaluate_forever(
            state.clone(),
            settings.alert_interval,
        ));
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

    /// Stops every loop and waits until each has ended.
    pub async fn stop(mut self) {
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
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
