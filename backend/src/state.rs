//! The shared application state handed to every handler.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::config::Settings;
use crate::connect::{ClusterClient, Clusters};
use crate::error::ApiError;

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: SqlitePool,
    pub clusters: Clusters,
}

impl AppState {
    /// Opens the database (applying migrations) and builds one Connect client per cluster.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = crate::db::open(&settings.database).await?;
        let clusters = Clusters::new(&settings)?;
        Ok(Self {
            settings: Arc::new(settings),
            db,
            clusters,
        })
    }

    /// The cluster `id` if it accepts changes: 404 when unknown, 403 when read-only.
    pub fn writable_cluster(&self, id: &str) -> Result<&ClusterClient, ApiError> {
        let client = self.clusters.get(id)?;
        if client.cluster().read_only {
            return Err(ApiError::ReadOnlyCluster(id.to_owned()));
        }
        Ok(client)
    }
}
