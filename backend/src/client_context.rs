//! What the server gives its Connect clients ([`plugboard_connect::ClientContext`]): the id of
//! the request being served and when it began, a memory for the secrets they meet (scrubbed from everything that
//! leaves Plugboard, see [`crate::secrets`]), and the histogram of their calls' durations.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::metrics::{Histograms, label};
use plugboard_connect::ClientContext;

/// The server's side of its Connect clients.
pub(crate) struct ServerContext {
    /// How long each call to a worker took, per cluster id, for `/metrics`.
    pub upstream_durations: Arc<BTreeMap<String, Histograms>>,
}

impl ClientContext for ServerContext {
    fn request_id(&self) -> Option<String> {
        crate::requests::current_id()
    }

    fn live_config(&self, config: &BTreeMap<String, String>, declared: &HashSet<String>) {
        crate::secrets::learn_config(config, declared);
    }

    fn declared_keys(&self, keys: &HashSet<String>) {
        crate::secrets::known::note_secret_keys(keys);
    }

    fn request_began(&self) -> Option<std::time::Instant> {
        crate::requests::current_began()
    }

    fn call_took(&self, cluster: &str, seconds: f64) {
        if let Some(durations) = self.upstream_durations.get(cluster) {
            durations.observe(format!("cluster=\"{}\"", label(cluster)), seconds);
        }
    }
}
