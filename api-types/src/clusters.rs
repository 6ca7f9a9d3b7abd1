//! What the cluster overview shows: each configured Connect cluster and its workers.

use serde::{Deserialize, Serialize};

/// One configured Connect cluster with the result of probing each of its workers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterOverview {
    /// Stable identifier used in URLs (`/api/v1/clusters/{id}/...`).
    pub id: String,
    /// Human-readable name shown in the console.
    pub name: String,
    /// Whether Plugboard refuses every mutation on this cluster.
    pub read_only: bool,
    /// One entry per configured worker URL, in configuration order.
    pub workers: Vec<WorkerProbe>,
    /// The background jobs on this cluster that the replica of Plugboard that answered leads
    /// (`states`, `lag_history`, and the jobs of all clusters: `alerts`, `reconcile`,
    /// `retention`); the others are led by another replica sharing its database.
    #[serde(default)]
    pub led_here: Vec<String>,
}

impl ClusterOverview {
    /// How many of the cluster's workers answered their probe.
    pub fn reachable_workers(&self) -> usize {
        self.workers.iter().filter(|w| w.info.is_some()).count()
    }
}

/// The outcome of calling `GET /` on one worker URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerProbe {
    /// The worker's REST URL as configured (credentials are never part of it).
    pub url: String,
    /// What the worker said about itself, when it answered.
    pub info: Option<WorkerInfo>,
    /// Why the worker could not be probed, when it did not answer usefully.
    pub error: Option<String>,
}

/// The body of a Connect worker's `GET /`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerInfo {
    pub version: String,
    pub commit: String,
    pub kafka_cluster_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(info: Option<WorkerInfo>) -> WorkerProbe {
        WorkerProbe {
            url: "http://w".into(),
            error: info.is_none().then(|| "down".into()),
            info,
        }
    }

    #[test]
    fn reachable_workers_counts_only_workers_that_answered() {
        let info = WorkerInfo {
            version: "3.9.0".into(),
            commit: "abc".into(),
            kafka_cluster_id: "k".into(),
        };
        let cluster = ClusterOverview {
            id: "a".into(),
            name: "A".into(),
            read_only: false,
            workers: vec![probe(Some(info.clone())), probe(None), probe(Some(info))],
            led_here: Vec::new(),
        };
        assert_eq!(cluster.reachable_workers(), 2);
    }

    #[test]
    fn worker_info_reads_the_connect_root_body() {
        let body = r#"{"version":"3.9.0","commit":"a60e31147e6b01ee","kafka_cluster_id":"RHkRNQ"}"#;
        let info: WorkerInfo = serde_json::from_str(body).unwrap();
        assert_eq!(info.version, "3.9.0");
        assert_eq!(info.kafka_cluster_id, "RHkRNQ");
    }
}
