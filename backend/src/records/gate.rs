//! How many reads of record contents (the record browser, dead letter summaries, replays) run
//! at once per cluster. Each holds a permit while it reads; with none free the caller gets a
//! 429 with `Retry-After`, so no caller can tie up Plugboard's threads and memory with reads.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// Permits per cluster; cheap to clone.
#[derive(Clone, Default)]
pub struct ReadGate {
    per_cluster: Arc<HashMap<String, Arc<Semaphore>>>,
}

impl ReadGate {
    /// `permits` concurrent reads for each of `clusters` (at least one).
    pub fn new<'a>(clusters: impl IntoIterator<Item = &'a str>, permits: usize) -> Self {
        let per_cluster = clusters
            .into_iter()
            .map(|id| (id.to_owned(), Arc::new(Semaphore::new(permits.max(1)))))
            .collect();
        Self {
            per_cluster: Arc::new(per_cluster),
        }
    }

    /// A permit to read from `cluster`'s Kafka, held until dropped, or the 429 saying to wait.
    pub fn enter(&self, cluster: &str) -> Result<OwnedSemaphorePermit, ApiError> {
        let busy = || ApiError::RateLimited {
            message: format!(
                "too many record reads on cluster `{cluster}` at once; try again in a moment"
            ),
            retry_after_s: 1,
        };
        let semaphore = self.per_cluster.get(cluster).ok_or_else(busy)?;
        semaphore.clone().try_acquire_owned().map_err(|_| busy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_over_the_bound_are_refused_until_a_permit_is_returned() {
        let gate = ReadGate::new(["a", "b"], 2);
        let first = gate.enter("a").unwrap();
        let _second = gate.enter("a").unwrap();
        let refused = gate.enter("a").unwrap_err();
        assert!(matches!(
            refused,
            ApiError::RateLimited {
                retry_after_s: 1,
                ..
            }
        ));
        assert!(
            gate.enter("b").is_ok(),
            "clusters have permits of their own"
        );
        drop(first);
        assert!(gate.enter("a").is_ok());
    }
}
