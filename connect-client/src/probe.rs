//! `GET /` of every worker of a cluster, for the cluster overview: asked at most once per
//! [`OVERVIEW_TTL`] (or cache period, if longer) whatever the number of pages that show it,
//! concurrent askers sharing one round.

use std::time::Duration;

use api_types::{ClusterOverview, WorkerInfo, WorkerProbe};
use futures::future::join_all;

use super::ClusterClient;
use super::upstream::{authorize, root_cause};

/// How long an overview is reused: every open console asks for it every 10 s (to notice a
/// session that ended), so that many consoles cost the workers what one does.
const OVERVIEW_TTL: Duration = Duration::from_secs(10);

impl ClusterClient {
    /// The overview of the cluster, probed at most once per [`OVERVIEW_TTL`] or cache period.
    pub async fn overview(&self) -> ClusterOverview {
        let mut last = self.0.overview.lock().await;
        if let Some((at, overview)) = &*last
            && at.elapsed() < self.0.cache.ttl().max(OVERVIEW_TTL)
        {
            return overview.clone();
        }
        let overview = self.probe_workers().await;
        *last = Some((std::time::Instant::now(), overview.clone()));
        overview
    }

    /// Probes every worker at once; unlike [`ClusterClient::send`], each worker is asked itself.
    async fn probe_workers(&self) -> ClusterOverview {
        let cluster = self.cluster();
        let probes = cluster.urls.iter().map(|url| self.probe_worker(url));
        ClusterOverview {
            id: cluster.id.clone(),
            name: cluster.name.clone(),
            read_only: cluster.read_only,
            workers: join_all(probes).await,
            led_here: Vec::new(),
        }
    }

    async fn probe_worker(&self, url: &str) -> WorkerProbe {
        let _turn = match self.admit().await {
            Ok(turn) => turn,
            Err(over) => {
                return WorkerProbe {
                    url: url.to_owned(),
                    info: None,
                    error: Some(over.to_string()),
                };
            }
        };
        let request = authorize(
            self.0.http.get(format!("{url}/")),
            self.cluster().auth.as_ref(),
        );
        self.0
            .upstream_requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let outcome = match request.send().await {
            Ok(response) if response.status().is_success() => response
                .json::<WorkerInfo>()
                .await
                .map_err(|e| format!("answered GET / with an unexpected body: {}", root_cause(&e))),
            Ok(response) => Err(format!("answered GET / with HTTP {}", response.status())),
            Err(e) if e.is_timeout() => {
                Err(format!("timed out after {} ms", self.0.timeout.as_millis()))
            }
            Err(e) if e.is_connect() => Err(format!("cannot connect: {}", root_cause(&e))),
            Err(e) => Err(root_cause(&e)),
        };
        WorkerProbe {
            url: url.to_owned(),
            info: outcome.as_ref().ok().cloned(),
            error: outcome.err(),
        }
    }
}
