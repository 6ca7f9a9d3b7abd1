//! Live connector lists: while any page watches a cluster, one loop reads the cluster's list
//! once per period (through the same cache as every other read) and keeps the latest in a
//! watch channel, so a hundred open dashboards cost Connect what one costs. Each page's event
//! stream ([`stream`]) sends what changed since it last sent, as soon as the loop sees it.
//!
//! - [`stream`]: the `/api/v1/events` answer of one page.

pub(crate) mod stream;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use api_types::ClusterRows;
use tokio::sync::{Notify, watch};

use plugboard_connect::ClusterClient;

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
    /// it, and at once after a change sent through Plugboard or when a page starts watching.
    pub(crate) async fn follow<L, F>(self, client: ClusterClient, every: Duration, mut look: L)
    where
        L: FnMut() -> F,
        F: Future<Output = ClusterRows>,
    {
        let Some(feed) = self.0.feeds.get(client.id()) else {
            return;
        };
        loop {
            if feed.seen.receiver_count() == 0 {
                // Nobody watches: forget what was seen, so the next page waits for a fresh look.
                feed.seen.send_replace(None);
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
