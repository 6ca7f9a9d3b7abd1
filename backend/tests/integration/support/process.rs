//! The plugboard binary as a process of its own, for what needs one: its log file, its
//! resident memory, a stop between two calls, a restart on the same database.

use std::path::PathBuf;

use plugboard::db::DatabaseLocation;

use super::{ScratchDir, eventually, stack_urls};

/// The plugboard binary, serving the stack's cluster `solo1` as `local` on a port of its own
/// with its database in a scratch directory; its log lines (at debug level) go to `log`.
/// Killed on drop.
pub(crate) struct PlugboardProcess {
    pub base_url: String,
    pub port: u16,
    pub log: PathBuf,
    child: std::process::Child,
}

impl PlugboardProcess {
    /// Starts it with `settings` (TOML) before the cluster table, on `port` or a free one,
    /// and waits until it is ready.
    pub(crate) async fn start(dir: &ScratchDir, settings: &str, port: Option<u16>) -> Self {
        Self::start_on(dir, settings, port, &dir.store().await).await
    }

    /// [`PlugboardProcess::start`] on the database at `database` (which several may share).
    pub(crate) async fn start_on(
        dir: &ScratchDir,
        settings: &str,
        port: Option<u16>,
        database: &DatabaseLocation,
    ) -> Self {
        let port = port.unwrap_or_else(|| {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        });
        let urls: Vec<String> = stack_urls("solo1")
            .iter()
            .map(|u| format!("\"{u}\""))
            .collect();
        let config = dir.path("plugboard.toml");
        let toml = format!(
            "{settings}\n[[clusters]]\nid = \"local\"\nurls = [{}]\n",
            urls.join(",")
        );
        std::fs::write(&config, toml).unwrap();
        let log = dir.path(&format!("plugboard-{port}.log"));
        let output = std::fs::File::create(&log).unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_plugboard"))
            .arg("--config")
            .arg(&config)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .arg("--database")
            .arg(super::store::argument(database))
            .env("RUST_LOG", "debug")
            .stdout(output.try_clone().unwrap())
            .stderr(output)
            .spawn()
            .unwrap();
        let base_url = format!("http://127.0.0.1:{port}");
        eventually("plugboard to answer", || async {
            let response = reqwest::get(format!("{base_url}/readyz")).await.ok()?;
            response.status().is_success().then_some(())
        })
        .await;
        Self {
            base_url,
            port,
            log,
            child,
        }
    }
}

impl PlugboardProcess {
    /// Starts it requiring login, with a built-in user of each `(name, role)` on every cluster,
    /// whose password is [`USER_PASSWORD`].
    pub(crate) async fn start_with_users(
        dir: &ScratchDir,
        users: &[(&str, api_types::Role)],
    ) -> Self {
        let database = dir.store().await;
        add_users(&database, users).await;
        Self::start_on(dir, "[access]\nrequire_login = true\n", None, &database).await
    }

    /// Stops it as a crash would (SIGKILL), and waits until it is gone.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops it as an operator would (SIGTERM: it finishes what it answers, then gives up its
    /// leases), and waits until it is gone.
    pub(crate) fn terminate(&mut self) {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        assert!(sent.unwrap().success(), "kill -TERM {pid}");
        let _ = self.child.wait();
    }
}

/// Adds a built-in user of each `(name, role)` on every cluster, whose password is
/// [`USER_PASSWORD`], to the database at `database`.
pub(crate) async fn add_users(database: &DatabaseLocation, users: &[(&str, api_types::Role)]) {
    let db = plugboard::db::open(database).await.unwrap();
    for (name, role) in users {
        let grants = [api_types::Grant {
            role: *role,
            clusters: Vec::new(),
        }];
        let hash = plugboard::access::passwords::hash(USER_PASSWORD.to_owned())
            .await
            .unwrap();
        plugboard::access::users::create(&db, name, &grants, &hash)
            .await
            .unwrap();
    }
    db.close().await;
}

impl PlugboardProcess {
    /// The process's resident memory, in KiB, as the kernel counts it.
    pub(crate) fn resident_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

/// The password of the users [`PlugboardProcess::start_with_users`] adds.
pub(crate) const USER_PASSWORD: &str = "correct horse battery";

impl Drop for PlugboardProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Signs `name`, added by [`add_users`], in at `base_url`; answers the session's cookie and
/// CSRF token.
pub(crate) async fn sign_in(base_url: &str, name: &str) -> (String, String) {
    let response = reqwest::Client::new()
        .post(format!("{base_url}/api/v1/auth/login"))
        .json(&serde_json::json!({"name": name, "password": USER_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{name} signs in");
    let set_cookie = response.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let me: api_types::Me = response.json().await.unwrap();
    (cookie, me.csrf_token.unwrap())
}
