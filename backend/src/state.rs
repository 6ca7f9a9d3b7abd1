//! The shared application state handed to every handler.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use crate::access::Access;
use crate::client_context::ServerContext;
use crate::config::Settings;
use crate::db::{Db, on_db};
use crate::error::ApiError;
use crate::history::History;
use crate::kafka::KafkaMonitors;
use crate::metrics::Histograms;
use plugboard_connect::{ClientOptions, ClusterClient, Clusters};

/// Everything a request handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    /// This replica among those sharing the database, and the jobs it leads.
    pub fleet: crate::fleet::Fleet,
    pub clusters: Clusters,
    pub history: History,
    pub kafka: KafkaMonitors,
    pub access: Access,
    /// Alert evaluation rounds done since start, for `/metrics`.
    pub alert_rounds: Arc<AtomicU64>,
    /// How long Plugboard's answers took, by route, for `/metrics`.
    pub http_durations: Arc<Histograms>,
    /// How long calls to Connect's workers took, per cluster id, for `/metrics`.
    pub upstream_durations: Arc<BTreeMap<String, Histograms>>,
    /// Dead letter summaries shared by every open page of a sink for a few seconds.
    pub dead_letters: crate::records::SummaryCache,
    /// Debezium snapshots by cluster, notification topic and topic prefix, shared by every
    /// open page of a connector for a few seconds.
    pub debezium_snapshots:
        crate::ttl_cache::TtlCache<(String, String, String), Vec<api_types::SnapshotRun>>,
    /// The source databases of Debezium's PostgreSQL sources Plugboard may read.
    pub(crate) source_databases: crate::debezium::postgres::SourceDatabases,
    /// Readings of a source database by database id, user and publication, shared by every
    /// open page for a few seconds.
    pub(crate) slot_readings: crate::ttl_cache::TtlCache<
        (String, String, String),
        Result<crate::debezium::postgres::DatabaseReading, crate::debezium::postgres::ReadProblem>,
    >,
    /// The latest reading of each source database the slot watch reads.
    pub(crate) slot_watch: crate::debezium::slot_watch::SlotWatch,
    /// Permits for reads of record contents, per cluster.
    pub record_reads: crate::records::gate::ReadGate,
    /// MirrorMaker 2 flows as last worked out, shared for a cache period.
    pub replication: crate::replication::FlowCache,
    /// Spec plans per caller in the last minute.
    pub plans: Arc<crate::access::limiter::AttemptLimiter>,
    /// Each cluster's connector list for the pages watching it live.
    pub(crate) live: crate::live::LiveFeeds,
}

impl AppState {
    /// What MirrorMaker 2 flows are worked out from.
    pub(crate) fn replication_sources(&self) -> crate::replication::Sources<'_> {
        crate::replication::Sources {
            clusters: &self.clusters,
            kafka: &self.settings.kafka,
            snapshots: &self.kafka,
            cache: &self.replication,
            ttl: self.settings.cache_ttl,
        }
    }

    /// Opens the database (applying migrations), builds one Connect client per cluster and the
    /// Kafka sources; starts nothing (see [`crate::background`]).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        crate::secrets::learn_store_password(&settings.database);
        let db = crate::db::open(&settings.database).await?;
        for cluster in &settings.clusters {
            crate::secrets::learn_cluster_credentials(cluster);
        }
        for kafka in &settings.kafka.clusters {
            crate::secrets::learn_kafka_credentials(kafka);
        }
        for database in &settings.source_databases {
            crate::secrets::learn_database_credentials(database);
        }
        let upstream_durations: Arc<BTreeMap<String, Histograms>> = Arc::new(
            (settings.clusters.iter())
                .map(|c| (c.id.clone(), Histograms::default()))
                .collect(),
        );
        let context = ServerContext {
            upstream_durations: upstream_durations.clone(),
        };
        let options = ClientOptions {
            timeout: settings.upstream_timeout,
            cache_ttl: settings.cache_ttl,
        };
        let clusters = Clusters::new(&settings.clusters, options, &(Arc::new(context) as _))?;
        // One secret of the installation: the history's fingerprint key and access's tokens.
        let secret = Arc::new(crate::history::store::fingerprint_key(&db).await?);
        let fleet = crate::fleet::Fleet::join(db.clone()).await?;
        let history = History::new(
            db.clone(),
            settings.actor.clone(),
            secret.clone(),
            fleet.replica(),
        );
        let access = Access::new(secret);
        warn_if_nobody_can_sign_in(&settings, &db).await;
        let kafka = KafkaMonitors::new(&settings)?;
        let record_reads = crate::records::gate::ReadGate::new(
            settings.clusters.iter().map(|c| c.id.as_str()),
            settings.max_record_reads,
        );
        let live = crate::live::LiveFeeds::new(settings.clusters.iter().map(|c| c.id.clone()));
        let source_databases =
            crate::debezium::postgres::SourceDatabases::new(&settings.source_databases);
        Ok(Self {
            live,
            source_databases,
            slot_readings: crate::ttl_cache::TtlCache::new(Duration::from_secs(5), 1_000),
            slot_watch: Default::default(),
            settings: Arc::new(settings),
            db,
            fleet,
            clusters,
            history,
            kafka,
            access,
            alert_rounds: Arc::default(),
            http_durations: Arc::default(),
            upstream_durations,
            dead_letters: Default::default(),
            debezium_snapshots: crate::ttl_cache::TtlCache::new(Duration::from_secs(5), 1_000),
            record_reads,
            replication: Default::default(),
            plans: Arc::default(),
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

/// Login is required but there is no user yet: say how to make one.
async fn warn_if_nobody_can_sign_in(settings: &Settings, db: &Db) {
    if !settings.access.login_required {
        return;
    }
    let sql = "select count(*) from users";
    let users: i64 = on_db!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap_or(0);
    if users == 0 {
        tracing::warn!(
            "login is required ({}) but there are no users yet; add one with \
             `plugboard user add NAME --role admin`",
            settings.bind
        );
    }
}
