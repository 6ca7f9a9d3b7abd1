//! One page's event stream: the whole list of the clusters it may see first, then each
//! cluster's changes as the cluster's loop sees them, every event scrubbed of known secret
//! values. The stream ends (with a `reconnect` event, so that the page opens a new one, which
//! the access guard judges) after [`LIFETIME`], when Plugboard shuts down, or as soon as its
//! caller is no longer who it was (judged again every [`REJUDGE_EVERY`]: a session ended, a
//! token revoked, grants changed).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use api_types::{
    CHANGES_EVENT, ClusterFailure, ClusterRows, ConnectorList, ListChange, RECONNECT_EVENT,
    SNAPSHOT_EVENT,
};
use axum::response::sse::Event;
use futures::Stream;
use futures::stream::StreamExt;
use tokio::sync::watch;

use super::{LiveFeeds, Seen};
use crate::secrets::known::scrub_body;

/// How long one stream lives before the page is asked to open a new one.
pub(crate) const LIFETIME: Duration = Duration::from_secs(300);

/// How often the caller of an open stream is judged again.
pub(crate) const REJUDGE_EVERY: Duration = Duration::from_secs(5);

/// How long the first list of a cluster may take before the cluster counts as not answering.
const FIRST_LOOK: Duration = Duration::from_secs(35);

/// A cluster the stream follows, and what it last sent of it.
struct Followed {
    cluster: String,
    seen: watch::Receiver<Seen>,
    sent: Arc<ClusterRows>,
}

/// The events of one page watching `clusters`, for as long as `still_allowed` says yes.
pub(crate) async fn events<J, F>(
    feeds: &LiveFeeds,
    clusters: Vec<String>,
    mut still_allowed: J,
) -> impl Stream<Item = Result<Event, Infallible>> + use<J, F>
where
    J: FnMut() -> F + Send + 'static,
    F: Future<Output = bool> + Send,
{
    // Every cluster's loop is asked to look at once; then each first look is awaited.
    let watched: Vec<_> = clusters
        .into_iter()
        .filter_map(|cluster| Some((feeds.watch(&cluster)?, cluster)))
        .collect();
    let mut followed = Vec::new();
    for (mut seen, cluster) in watched {
        let sent = first_look(&mut seen).await;
        followed.push(Followed {
            cluster,
            seen,
            sent,
        });
    }
    let snapshot = event(SNAPSHOT_EVENT, &snapshot_of(&followed));
    let changes = futures::stream::unfold(followed, next_change);
    let mut closing = feeds.closing();
    let rejudged = async move {
        loop {
            tokio::time::sleep(REJUDGE_EVERY).await;
            if !still_allowed().await {
                return;
            }
        }
    };
    // Whichever comes first, the page opens a new stream (after a shutdown, on another replica
    // or later), and the guard judges it.
    let ends = async move {
        tokio::select! {
            _ = closing.wait_for(|closing| *closing) => {}
            () = tokio::time::sleep(LIFETIME) => {}
            () = rejudged => {}
        }
    };
    futures::stream::once(async { snapshot })
        .chain(changes.take_until(ends))
        .chain(futures::stream::once(async {
            Event::default().event(RECONNECT_EVENT).data("{}")
        }))
        .map(Ok)
}

/// The cluster's list once its loop has looked, or why it did not in time.
async fn first_look(seen: &mut watch::Receiver<Seen>) -> Arc<ClusterRows> {
    let looked = tokio::time::timeout(FIRST_LOOK, seen.wait_for(Option::is_some)).await;
    match looked {
        Ok(Ok(rows)) => rows.clone().expect("waited for a look"),
        _ => Arc::new(Err("the cluster's list did not arrive in time".to_owned())),
    }
}

/// Every followed cluster's rows, or its failure, as one list.
fn snapshot_of(followed: &[Followed]) -> ConnectorList {
    let mut list = ConnectorList {
        connectors: Vec::new(),
        unreachable: Vec::new(),
    };
    for f in followed {
        match &*f.sent {
            Ok(rows) => list.connectors.extend(rows.iter().cloned()),
            Err(message) => list.unreachable.push(ClusterFailure {
                cluster: f.cluster.clone(),
                message: message.clone(),
            }),
        }
    }
    list
}

/// Waits for any followed cluster's list to differ from what was sent, and sends the change.
async fn next_change(mut followed: Vec<Followed>) -> Option<(Event, Vec<Followed>)> {
    loop {
        if followed.is_empty() {
            return std::future::pending().await;
        }
        let changed = followed.iter_mut().map(|f| Box::pin(f.seen.changed()));
        let (result, index, _) = futures::future::select_all(changed).await;
        if result.is_err() {
            // The loop of that cluster is gone (shutdown): stop following it.
            followed.swap_remove(index);
            continue;
        }
        let f = &mut followed[index];
        let Some(now) = f.seen.borrow_and_update().clone() else {
            continue;
        };
        let change = ListChange::between(&f.cluster, &f.sent, &now);
        f.sent = now;
        if let Some(change) = change {
            return Some((event(CHANGES_EVENT, &change), followed));
        }
    }
}

/// A named event with `data` as JSON, scrubbed as every API answer is (string by string, so
/// it stays JSON).
fn event(name: &str, data: &impl serde::Serialize) -> Event {
    let json = serde_json::to_string(data).expect("wire types serialise");
    let json = match scrub_body(json.as_bytes()) {
        Some(scrubbed) => String::from_utf8_lossy(&scrubbed).into_owned(),
        None => json,
    };
    Event::default().event(name).data(json)
}
