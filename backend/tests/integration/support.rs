//! Helpers shared by the integration tests: scratch directories, an in-process Plugboard, and
//! the real Connect stack that scripts/test.sh starts once for the whole run.
//!
//! The stack has two single-worker Connect clusters, `solo1` and `solo2` (a change costs one
//! rebalance there, so tests on them run in parallel and settle quickly), and one two-worker
//! cluster, `pair`, for what needs two workers (answers per worker, a change forwarded between
//! workers); `secure` serves its REST API over HTTPS only and requires client certificates;
//! `legacy` runs Connect 3.9 on two workers, so the same tests can run on both versions.
//! Each module names the cluster it uses in a `STACK` constant.

/// The stack's Connect 3.9 cluster.
pub(crate) const LEGACY: &str = "legacy";

/// Runs each test body `$test(stack)` twice, as `$test::connect_4` on the Connect 4 cluster
/// named by the constant `$four` of the calling module and as `$test::connect_3_9` on the
/// Connect 3.9 cluster [`LEGACY`]: one suite, both versions, in parallel.
macro_rules! on_connect_4_and_3_9 {
    ($four:ident: $($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn connect_4() {
                super::$test(super::$four).await;
            }

            #[tokio::test]
            async fn connect_3_9() {
                super::$test(crate::support::LEGACY).await;
            }
        }
    )+};
}

pub(crate) mod brokers;
pub(crate) mod databases;
pub(crate) mod fake_worker;
pub(crate) mod kafka_client;
mod process;
pub(crate) mod store;

pub(crate) use process::{PlugboardProcess, USER_PASSWORD, add_users, sign_in};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use std::future::Future;

use api_types::ConnectorDetail;
use plugboard::AppState;
use plugboard::access::{passwords, users};
use plugboard::background::Background;
use plugboard::config::{AccessSettings, Cluster, Settings};
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A directory of its own under the system temp dir, removed when dropped.
pub(crate) struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub(crate) fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("plugboard-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The worker URLs of the stack's Connect cluster `id` (`solo1`, `solo2` or `pair`), from
/// `PLUGBOARD_TEST_CLUSTERS` (`id=url,url;id=url...`) that scripts/test.sh sets.
pub(crate) fn stack_urls(id: &str) -> Vec<String> {
    let clusters = std::env::var("PLUGBOARD_TEST_CLUSTERS").expect(
        "PLUGBOARD_TEST_CLUSTERS is not set: run scripts/test.sh, which starts the real \
         Kafka + Connect stack and points the integration tests at it",
    );
    clusters
        .split(';')
        .filter_map(|cluster| cluster.split_once('='))
        .find(|(name, _)| *name == id)
        .map_or_else(
            || panic!("no cluster {id} in PLUGBOARD_TEST_CLUSTERS={clusters}"),
            |(_, urls)| urls.split(',').map(str::to_owned).collect(),
        )
}

/// The bootstrap address of the real local broker started by scripts/test.sh.
pub(crate) fn stack_bootstrap() -> String {
    std::env::var("PLUGBOARD_TEST_BOOTSTRAP").expect(
        "PLUGBOARD_TEST_BOOTSTRAP is not set: run scripts/test.sh, which starts the real broker",
    )
}

/// A cluster entry as the config file would give it.
pub(crate) fn cluster(id: &str, urls: Vec<String>) -> Cluster {
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
        internal_topics: Default::default(),
        budget: Default::default(),
    }
}

/// Plugboard running in this process on a free loopback port, with its own database.
pub(crate) struct TestApp {
    pub base_url: String,
    pub http: reqwest::Client,
    /// The database this instance writes.
    pub database: plugboard::db::DatabaseLocation,
    /// Its loops (state timeline, Kafka snapshots, alerts...), as the server runs them.
    _background: Background,
    _dir: ScratchDir,
}

impl TestApp {
    /// Plugboard with a 60 s upstream timeout: on the local stack a worker's herder can be busy
    /// in a rebalance for well over Plugboard's default 10 s (Connect itself waits up to 90 s).
    pub(crate) async fn start(clusters: Vec<Cluster>) -> Self {
        Self::start_with_timeout(clusters, Duration::from_secs(60)).await
    }

    pub(crate) async fn start_with_timeout(
        clusters: Vec<Cluster>,
        upstream_timeout: Duration,
    ) -> Self {
        Self::start_with(clusters, upstream_timeout, Vec::new(), |_| {}).await
    }

    /// Plugboard that may read the source databases `databases` (see
    /// [`plugboard::config::SourceDatabase`]).
    pub(crate) async fn start_with_databases(
        clusters: Vec<Cluster>,
        databases: Vec<plugboard::config::SourceDatabase>,
    ) -> Self {
        Self::start_with(clusters, Duration::from_secs(60), databases, |_| {}).await
    }

    /// Plugboard that requires login, as it does off loopback, with the built-in users
    /// `users` (name, password, grants) already added.
    pub(crate) async fn start_with_login(
        clusters: Vec<Cluster>,
        users: &[(&str, &str, Vec<api_types::Grant>)],
    ) -> Self {
        Self::start_with_access(clusters, users, |_| {}).await
    }

    /// [`TestApp::start_with_login`] with access settings changed by `adjust`.
    pub(crate) async fn start_with_access(
        clusters: Vec<Cluster>,
        users: &[(&str, &str, Vec<api_types::Grant>)],
        adjust: impl FnOnce(&mut AccessSettings),
    ) -> Self {
        let app = Self::start_with(clusters, Duration::from_secs(60), Vec::new(), |state| {
            let mut settings = (*state.settings).clone();
            settings.access.login_required = true;
            adjust(&mut settings.access);
            state.settings = Arc::new(settings);
        })
        .await;
        app.add_users(users).await;
        app
    }

    /// Adds the built-in users `users` (name, password, grants) to the app's database.
    pub(crate) async fn add_users(&self, users: &[(&str, &str, Vec<api_types::Grant>)]) {
        let db = plugboard::db::open(&self.database).await.unwrap();
        for (name, password, grants) in users {
            let hash = passwords::hash((*password).to_owned()).await.unwrap();
            users::create(&db, name, grants, &hash).await.unwrap();
        }
    }

    async fn start_with(
        clusters: Vec<Cluster>,
        upstream_timeout: Duration,
        source_databases: Vec<plugboard::config::SourceDatabase>,
        adjust: impl FnOnce(&mut AppState),
    ) -> Self {
        let dir = ScratchDir::new("app");
        let database = dir.store().await;
        let settings = Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database: database.clone(),
            upstream_timeout,
            cache_ttl: Duration::from_secs(2),
            state_poll: Duration::from_millis(500),
            live_poll: Duration::from_millis(500),
            kafka_poll: Duration::from_millis(1000),
            kafka_timeout: Duration::from_secs(5),
            slot_poll: Duration::from_millis(500),
            alert_interval: Duration::from_millis(500),
            actor: "test-suite".into(),
            history_retention_days: None,
            history_max_rows: None,
            max_record_reads: 4,
            limits: plugboard::config::ServerLimits {
                header_read_timeout: Duration::from_secs(10),
                keep_alive_timeout: Duration::from_secs(60),
                max_connections: 1_000,
            },
            access: AccessSettings {
                login_required: false,
                session_ttl: Duration::from_secs(3600),
                trusted_header: None,
                secure_cookies: false,
                read_records_role: api_types::Role::Operator,
                internal_topics: plugboard::config::InternalTopicsView::Refused,
            },
            tls: None,
            kafka: plugboard::config::KafkaClusters::inline(&clusters),
            clusters,
            source_databases,
        };
        Self::serve(settings, dir, database, adjust).await
    }

    /// Plugboard configured by the TOML file `text` (its database in a scratch directory), as
    /// `plugboard --config` reads one.
    pub(crate) async fn start_from_file(text: &str) -> Self {
        let dir = ScratchDir::new("app");
        let database = dir.store().await;
        let config = dir.path("plugboard.toml");
        std::fs::write(&config, text).unwrap();
        let flags = plugboard::config::ServerFlags {
            config: Some(config),
            database: Some(store::argument(&database).parse().unwrap()),
            ..Default::default()
        };
        let settings = Settings::load(flags).unwrap();
        Self::serve(settings, dir, database, |_| {}).await
    }

    async fn serve(
        settings: Settings,
        dir: ScratchDir,
        database: plugboard::db::DatabaseLocation,
        adjust: impl FnOnce(&mut AppState),
    ) -> Self {
        log_warnings_to_test_output();
        let mut state = AppState::build(settings).await.unwrap();
        adjust(&mut state);
        let background = Background::start(&state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(plugboard::run(listener, state, std::future::pending()));
        Self {
            base_url,
            http: reqwest::Client::new(),
            database,
            _background: background,
            _dir: dir,
        }
    }

    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.send(Method::GET, path, None).await
    }

    /// Sends `body` (when given) as JSON.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// GET `path` and parse the JSON answer, which must be a success.
    pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }
}

/// Polls `check` every 250 ms until it returns `Some`, for up to 90 s, then fails naming what
/// it waited for.
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..360 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("gave up waiting for {what}");
}

/// An HTTP/1.1 request written byte for byte: the path goes out exactly as given (HTTP
/// clients, reqwest included, resolve `.`, `..` and `%2e` segments before sending, which is
/// what an attacker would not do). Answers the status and the body.
pub(crate) async fn raw_request(
    base_url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {address}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or_default();
    head.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    (
        status,
        if chunked {
            unchunk(body)
        } else {
            body.to_owned()
        },
    )
}

/// The body of a chunked HTTP/1.1 answer.
fn unchunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// Percent-encodes a path segment the way any HTTP client would.
pub(crate) fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A name no other test uses, so tests can share one Connect cluster.
pub(crate) fn unique(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{n}-{nanos}", std::process::id())
}

/// The config of a FileStreamSink connector reading `topic` into a scratch file.
pub(crate) fn file_sink_config(topic: &str) -> Value {
    json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1",
        "topics": topic,
        "file": std::env::temp_dir().join(format!("{topic}.out")).display().to_string(),
    })
}

/// Creates connector `name` in the cluster `local` through Plugboard's API.
pub(crate) async fn create_sink(app: &TestApp, name: &str, config: Value) {
    create_connector(app, json!({"name": name, "config": config})).await;
}

/// Creates connector `name` in the cluster `local` stopped (KIP-980): it neither runs nor
/// makes anything, and its config is there to read.
pub(crate) async fn create_stopped(app: &TestApp, name: &str, config: Value) {
    let body = json!({"name": name, "config": config, "initial_state": "STOPPED"});
    create_connector(app, body).await;
}

async fn create_connector(app: &TestApp, body: Value) {
    let response = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(body),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
}

/// Polls the connector's detail until `check` accepts it.
pub(crate) async fn detail_when(
    app: &TestApp,
    name: &str,
    what: &str,
    check: impl Fn(&ConnectorDetail) -> bool,
) -> ConnectorDetail {
    let path = format!("/api/v1/clusters/local/connectors/{name}");
    eventually(what, || async {
        let response = app.get(&path).await;
        let detail: ConnectorDetail = response.json().await.ok()?;
        check(&detail).then_some(detail)
    })
    .await
}

/// Waits until connector `segment` (its name as a path segment, percent-encoded) and all its
/// tasks run, as the first of `workers` reports them, so the next step meets a settled
/// connector. Only reads: nothing is done to Connect to make the state appear.
pub(crate) async fn running_on(workers: &[String], segment: &str) {
    let http = reqwest::Client::new();
    let status_url = format!("{}/connectors/{segment}/status", workers[0]);
    eventually("the connector and its tasks to run", || async {
        let status: Value = http.get(&status_url).send().await.ok()?.json().await.ok()?;
        let tasks = status["tasks"].as_array()?;
        let running = status["connector"]["state"] == "RUNNING"
            && !tasks.is_empty()
            && tasks.iter().all(|t| t["state"] == "RUNNING");
        running.then_some(())
    })
    .await;
}

/// Waits until Plugboard shows the connector and its tasks in `state`.
pub(crate) async fn state_becomes(app: &TestApp, name: &str, state: &str) {
    detail_when(app, name, state, |d| {
        d.summary.state.as_str() == state
            && d.tasks
                .iter()
                .all(|t| t.state.as_str() == state || state == "STOPPED")
    })
    .await;
}

/// Deletes connector `name` of the cluster `local`, for clean-up (the outcome does not matter).
pub(crate) async fn delete_connector(app: &TestApp, name: &str) {
    let path = format!("/api/v1/clusters/local/connectors/{}", encode(name));
    let _ = app.send(Method::DELETE, &path, None).await;
}

/// Pauses connector `name` of the cluster `local` and waits until it and its tasks are paused.
pub(crate) async fn pause_connector(app: &TestApp, name: &str) {
    let path = format!("/api/v1/clusters/local/connectors/{name}/pause");
    assert!(
        app.send(Method::POST, &path, None)
            .await
            .status()
            .is_success()
    );
    state_becomes(app, name, "PAUSED").await;
}

/// Stops connector `name` of the cluster `local` through Plugboard's API, and waits until it is.
pub(crate) async fn stop_connector(app: &TestApp, name: &str) {
    let path = format!("/api/v1/clusters/local/connectors/{name}/stop");
    let response = app.send(Method::POST, &path, None).await;
    assert!(
        response.status().is_success(),
        "{:?}",
        response.text().await
    );
    state_becomes(app, name, "STOPPED").await;
}

/// A self-signed certificate for 127.0.0.1 and its key, made with openssl in `dir` (as
/// `cert.pem` and `key.pem`); it is its own CA.
pub(crate) fn self_signed_certificate(
    dir: &ScratchDir,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (dir.path("cert.pem"), dir.path("key.pem"));
    let status = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "openssl could not make a certificate");
    (cert, key)
}

/// Plugboard's warnings and errors go to the output of the test whose app logged them, which
/// the test harness prints when that test fails (the cause behind a bare 503, for one).
fn log_warnings_to_test_output() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn")
            .with_test_writer()
            .try_init();
    });
}
