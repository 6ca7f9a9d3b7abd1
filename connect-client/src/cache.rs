//! Coalescing and brief caching of GETs to one cluster.
//!
//! Concurrent identical GETs share one upstream call. Successful answers of the connector list
//! and of each connector's own reads (status, info, config, tasks, topics, offsets) are then
//! reused for the TTL, so many browser tabs polling or opening one connector's page do not
//! multiply the load on Connect.
//! Any mutation sent through Plugboard clears everything, and an answer that was in flight
//! while a mutation completed is not kept. Callers choose the paths, so the number of answers
//! kept is capped ([`MAX_ENTRIES`]): past it, expired answers go, then the oldest.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use super::upstream::{UpstreamError, UpstreamResponse};

type Outcome = Result<UpstreamResponse, UpstreamError>;

/// The most answers kept at once.
pub(crate) const MAX_ENTRIES: usize = 1_024;
type SharedFetch = Shared<BoxFuture<'static, Outcome>>;

pub(crate) struct GetCache {
    ttl: Duration,
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    /// Bumped by every invalidation; a fetch started in an older generation is not stored.
    generation: u64,
    entries: HashMap<String, Entry>,
}

enum Entry {
    Fresh {
        at: Instant,
        response: UpstreamResponse,
    },
    InFlight(SharedFetch),
}

/// A connector's own reads, after `/connectors/{name}`.
const CONNECTOR_READS: [&str; 5] = ["", "/config", "/tasks", "/topics", "/offsets"];

/// Whether answers to this path may be reused for the TTL: the connector list, statuses, and
/// a connector's own reads (a connector's name never holds a raw `/`: it is percent-encoded).
pub(crate) fn is_cacheable(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    if path == "/connectors" || path.ends_with("/status") {
        return true;
    }
    let Some(rest) = path.strip_prefix("/connectors/") else {
        return false;
    };
    let after_name = rest.find('/').map_or("", |at| &rest[at..]);
    !rest.is_empty() && CONNECTOR_READS.contains(&after_name)
}

impl GetCache {
    /// How long answers are reused.
    pub(crate) fn ttl(&self) -> Duration {
        self.ttl
    }

    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            state: Mutex::default(),
        }
    }

    /// The fresh cached answer for `key`, else the answer of a call already in flight, else
    /// the answer of `fetch`.
    pub(crate) async fn get_or_fetch(
        &self,
        key: String,
        cacheable: bool,
        fetch: impl Future<Output = Outcome> + Send + 'static,
    ) -> Outcome {
        let (shared, leader_generation) = {
            let mut state = self.state.lock().expect("cache lock");
            match state.entries.get(&key) {
                Some(Entry::Fresh { at, response }) if at.elapsed() < self.ttl => {
                    return Ok(response.clone());
                }
                // A finished fetch still listed was abandoned by its caller: do not reuse it.
                Some(Entry::InFlight(running)) if running.peek().is_none() => {
                    (running.clone(), None)
                }
                _ => {
                    let shared = fetch.boxed().shared();
                    state
                        .entries
                        .insert(key.clone(), Entry::InFlight(shared.clone()));
                    (shared, Some(state.generation))
                }
            }
        };
        let outcome = shared.await;
        // Only the caller that started the fetch decides whether its answer is kept.
        let Some(generation) = leader_generation else {
            return outcome;
        };
        let mut state = self.state.lock().expect("cache lock");
        if state.generation == generation {
            match &outcome {
                Ok(response) if cacheable && response.status.is_success() => {
                    let entry = Entry::Fresh {
                        at: Instant::now(),
                        response: response.clone(),
                    };
                    state.entries.insert(key, entry);
                    state.make_room(self.ttl);
                }
                _ => {
                    state.entries.remove(&key);
                }
            }
        }
        outcome
    }

    /// How many answers and calls in flight are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.state.lock().expect("cache lock").entries.len()
    }

    /// Forgets every answer and every call in flight.
    pub(crate) fn invalidate(&self) {
        let mut state = self.state.lock().expect("cache lock");
        state.generation += 1;
        state.entries.clear();
    }
}

impl CacheState {
    /// Past [`MAX_ENTRIES`], drops expired answers, then the oldest answers.
    fn make_room(&mut self, ttl: Duration) {
        if self.entries.len() <= MAX_ENTRIES {
            return;
        }
        self.entries.retain(|_, entry| match entry {
            Entry::Fresh { at, .. } => at.elapsed() < ttl,
            Entry::InFlight(_) => true,
        });
        let mut fresh: Vec<(Instant, String)> = self
            .entries
            .iter()
            .filter_map(|(key, entry)| match entry {
                Entry::Fresh { at, .. } => Some((*at, key.clone())),
                Entry::InFlight(_) => None,
            })
            .collect();
        fresh.sort();
        let excess = self.entries.len().saturating_sub(MAX_ENTRIES);
        for (_, key) in fresh.into_iter().take(excess) {
            self.entries.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests;
