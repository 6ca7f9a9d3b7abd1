//! Live connector lists: while any page watches a cluster, one loop reads the cluster's list
//! once per period (through the same cache as every other read) and keeps the latest in a
//! watch channel, so a hundred open dashboards cost Connect what one costs. Each page's event
//! stream ([`stream`]) sends what changed since it last sent, as soon as the loop sees it. The
//! loop goes on for [`LINGER`] after the last page left, so a reload or a return to the
//! dashboard finds the list current at once (in the stream and in the cache).
//!
//! - [`stream`]: the `/api/v1/events` answer of one page.

pub(crate) mod stream;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use api_types::ClusterRows;
use tokio::sync::{Notify, watch};

use plugboard_connect::ClusterClient;

/// How long a cluster's loop goes on looking after the last page watching it has left.
pub(crate) const LINGER: Duration = Duration::from_secs(30);

/// What the loop of one cluster last saw; `None` while nobody has watched since it last
/// looked.
type Seen = Option<Arc<ClusterRows>>;

/// One watch channel per cluster, and the signal that ends every stream at shutdown.
#[derive(Clone)]
pub(crate) struct LiveFeeds(Arc<FeedsInner>);

struct FeedsInner {
    feeds: HashMap<String, Feed>,
    closing: watch::Sender<bool>,
}

struct Feed {
    seen: watch::Sender<Seen>,
    /// Woken when a page starts watching, so it need not wait a period for its first list.
    wanted: Notify,
}

impl LiveFeeds {
    pub(crate) fn new(cluster_ids: impl IntoIterator<Item = String>) -> Self {
        let feeds = cluster_ids
            .into_iter()
            .map(|id| {
                let feed = Feed {
                    seen: watch::Sender::new(None),
                    wanted: Notify::new(),
                };
                (id, feed)
            })
            .collect();
        Self(Arc::new(FeedsInner {
            feeds,
            closing: watch::Sender::new(false),
        }))
    }

    /// Starts watching `cluster`: the receiver sees each new list of it.
    fn watch(&self, cluster: &str) -> Option<watch::Receiver<Seen>> {
        let feed = self.0.feeds.get(cluster)?;
        let receiver = feed.seen.subscribe();
        feed.wanted.notify_one();
        Some(receiver)
    }

    /// Resolves once Plugboard is shutting down.
    fn closing(&self) -> watch::Receiver<bool> {
        self.0.closing.subscribe()
    }

    /// Ends every open stream (a graceful shutdown waits for answers to finish).
    pub(crate) fn close(&self) {
        self.0.closing.send_replace(true);
    }

    /// The loop of `client`'s cluster: `look`s at its list every period while someone watches
    /// it (and for [`LINGER`] after), and at once after a change sent through Plugboard or when
    /// a page starts watching.
    pub(crate) async fn follow<L, F>(self, client: ClusterClient, every: Duration, mut look: L)
    where
        L: FnMut() -> F,
        F: Future<Output = ClusterRows>,
    {
        let Some(feed) = self.0.feeds.get(client.id()) else {
            return;
        };
        let mut unwatched_since = None::<Instant>;
        loop {
            if feed.seen.receiver_count() > 0 {
                unwatched_since = None;
            } else if unwatched_since.get_or_insert_with(Instant::now).elapsed() >= LINGER {
                // Nobody has watched for a while: forget what was seen, so the next page waits
                // for a fresh look.
                feed.seen.send_replace(None);
                unwatched_since = None;
                feed.wanted.notified().await;
                continue;
            }
            let rows = Arc::new(look().await);
            feed.seen.send_if_modified(|seen| {
                let changed = seen.as_deref() != Some(&*rows);
                if changed {
                    *seen = Some(rows.clone());
                }
                changed
            });
            wait_for_next_look(every, &client, feed).await;
        }
    }
}

/// Sleeps one period, or less when a change is sent through Plugboard or a page arrives.
async fn wait_for_next_look(every: Duration, client: &ClusterClient, feed: &Feed) {
    tokio::select! {
        () = tokio::time::sleep(every) => {}
        () = client.changed() => {}
        () = feed.wanted.notified() => {}
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_list_is_kept_current_for_a_while_after_its_last_page_leaves_then_forgotten() {
        let state = crate::test_support::state_without_connect("live-linger", &[]).await;
        // Time stands still but for the sleeps (after the database has opened).
        tokio::time::pause();
        let client = state.clusters.all()[0].clone();
        let every = Duration::from_secs(2);
        let looks = Arc::new(AtomicUsize::new(0));
        let counted = looks.clone();
        let look = move || {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                Ok(Vec::new())
            }
        };
        let looked = || looks.load(Ordering::SeqCst);
        tokio::spawn(state.live.clone().follow(client.clone(), every, look));

        let mut page = state.live.watch(client.id()).unwrap();
        page.wait_for(Option::is_some).await.unwrap();
        drop(page);
        let when_the_page_left = looked();
        tokio::time::sleep(LINGER / 2).await;
        let halfway = looked();
        tokio::time::sleep(LINGER).await;
        let once_over = looked();
        tokio::time::sleep(LINGER).await;
        let later = looked();
        let next_page = state.live.watch(client.id()).unwrap();
        let seen_by_the_next_page = next_page.borrow().is_some();

        assert!(
            halfway > when_the_page_left,
            "looked {when_the_page_left} times, and {halfway} halfway through the linger"
        );
        assert_eq!(later, once_over, "no look once the linger is over");
        assert!(
            !seen_by_the_next_page,
            "what was seen is forgotten once nobody watches"
        );
    }
}
