//! Helpers shared by the integration tests: scratch directories, an in-process Plugboard, and
//! the real Connect stack that scripts/test.sh starts once for every test binary.

#![allow(dead_code)] // each test binary uses its own part of this file

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use plugboard::AppState;
use plugboard::config::{Cluster, Settings};

/// A directory of its own under the system temp dir, removed when dropped.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("plugboard-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The worker URLs of the real local Connect cluster started by scripts/test.sh.
pub fn stack_worker_urls() -> Vec<String> {
    let urls = std::env::var("PLUGBOARD_TEST_CONNECT_URLS").expect(
        "PLUGBOARD_TEST_CONNECT_URLS is not set: run scripts/test.sh, which starts the real \
         Kafka + Connect stack and points the integration tests at it",
    );
    urls.split(',').map(str::to_owned).collect()
}

/// A cluster entry as the config file would give it.
pub fn cluster(id: &str, urls: Vec<String>) -> Cluster {
    Cluster {
        id: id.into(),
        name: format!("Cluster {id}"),
        urls,
        bootstrap_servers: None,
        read_only: false,
        auth: None,
        tls: None,
        kafka_properties: Default::default(),
        sink_group_pattern: "connect-{name}".into(),
    }
}

/// Plugboard running in this process on a free loopback port, with its own database.
pub struct TestApp {
    pub base_url: String,
    pub http: reqwest::Client,
    _dir: ScratchDir,
}

impl TestApp {
    pub async fn start(clusters: Vec<Cluster>) -> Self {
        let dir = ScratchDir::new("app");
        let settings = Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database: dir.path("plugboard.db"),
            upstream_timeout: Duration::from_secs(5),
            cache_ttl: Duration::from_secs(2),
            clusters,
        };
        let state = AppState::build(settings).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(plugboard::run(listener, state, std::future::pending()));
        Self {
            base_url,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base_url))
            .send()
            .await
            .unwrap()
    }
}
