//! The shared application state handed to every handler.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::config::Settings;
use crate::connect::ConnectClient;

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: SqlitePool,
    pub connect: ConnectClient,
}

impl AppState {
    /// Opens the database (applying migrations) and builds the Connect client.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = crate::db::open(&settings.database).await?;
        let connect = ConnectClient::new(settings.upstream_timeout)?;
        Ok(Self {
            settings: Arc::new(settings),
            db,
            connect,
        })
    }
}
