//! The security boundary under attack, against the real stack: paths spelled to be judged as
//! one endpoint and served as another, secrets of every shape planted in a connector and looked
//! for in every answer, history row, export, log line and database byte for every role,
//! Connect's error messages echoing configs, a login flood, and Connect's root. Requests whose
//! paths must reach Plugboard unresolved are written byte for byte ([`raw_request`]), since
//! HTTP clients resolve dot segments before sending. What needs no Connect (the Host check,
//! OPTIONS, error shapes) is tested in process, in backend/src/routes/tests.rs.

use crate::support::{
    PlugboardProcess, ScratchDir, TestApp, USER_PASSWORD, cluster, encode, eventually,
    file_sink_config, raw_request, sign_in, stack_urls, unique,
};
use api_types::{HistoryPage, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo1";

const ROLES: [(&str, Role); 4] = [
    ("viewer", Role::Viewer),
    ("operator", Role::Operator),
    ("editor", Role::Editor),
    ("admin", Role::Admin),
];

/// A signed-in user of a login-required Plugboard: the cookie and CSRF token to send.
struct Caller {
    headers: Vec<(String, String)>,
}

impl Caller {
    async fn sign_in(base: &str, name: &str) -> Self {
        let (cookie, csrf) = sign_in(base, name).await;
        Self {
            headers: vec![("Cookie".into(), cookie), ("X-CSRF-Token".into(), csrf)],
        }
    }

    async fn send(
        &self,
        base: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, String) {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let body = body.map(Value::to_string);
        raw_request(base, method, path, &headers, body.as_deref()).await
    }
}

/// Secrets of every shape a connector config holds, each a value no other text contains, and
/// one under 4 characters (which no scrubbing by value hides).
struct Planted {
    by_key_name: String,
    camel_case_key: String,
    passphrase: String,
    in_uri: String,
    converter_password: String,
    transform_password: String,
    in_query_string: String,
    db_pwd: String,
    azure_account_key: String,
    in_json_value: String,
    keyfile_private_key: String,
    bearer_token: String,
    fake_reference: String,
}

/// A secret too short to be scrubbed by value.
const SHORT_SECRET: &str = "q7z";

impl Planted {
    fn new() -> Self {
        let value = |what: &str| format!("{what}-{}", unique("s3cr3t"));
        Self {
            by_key_name: value("pw"),
            camel_case_key: value("apikey"),
            passphrase: value("passphrase"),
            in_uri: value("uripw"),
            converter_password: value("registry"),
            transform_password: value("signing"),
            in_query_string: value("querypw"),
            db_pwd: value("dbpwd"),
            azure_account_key: value("accountkey"),
            in_json_value: value("jsonpw"),
            keyfile_private_key: value("privatekey"),
            bearer_token: value("bearer"),
            fake_reference: value("notareference"),
        }
    }

    fn all(&self) -> [&str; 13] {
        [
            &self.by_key_name,
            &self.camel_case_key,
            &self.passphrase,
            &self.in_uri,
            &self.converter_password,
            &self.transform_password,
            &self.in_query_string,
            &self.db_pwd,
            &self.azure_account_key,
            &self.in_json_value,
            &self.keyfile_private_key,
            &self.bearer_token,
            &self.fake_reference,
        ]
    }

    /// A file sink holding every secret, a converter and a transform from the tests' own plugin
    /// (backend/tests/plugin) that declare their settings PASSWORD, and a provider reference.
    fn config(&self, topic: &str) -> Value {
        let mut config = file_sink_config(topic);
        let extra = json!({
            "connection.password": self.by_key_name,
            "apiKey": self.camel_case_key,
            "ssh.passphrase": self.passphrase,
            "connection.uri": format!("mongodb://app:{}@db-1:27017,db-2:27017/orders", self.in_uri),
            "value.converter": "dev.plugboard.test.SecretConverter",
            "value.converter.registry.login": self.converter_password,
            "transforms": "sign",
            "transforms.sign.type": "dev.plugboard.test.SecretHeaderTransform",
            "transforms.sign.signing.material": self.transform_password,
            "vault.reference": "${file:/run/secrets/db.properties:password}",
            "connection.url": format!("jdbc:postgresql://db/x?user=app&password={}&ssl=true", self.in_query_string),
            "db.pwd": self.db_pwd,
            "azure.storage": format!("DefaultEndpointsProtocol=https;AccountName=app;AccountKey={};EndpointSuffix=core.windows.net", self.azure_account_key),
            "settings.json": format!("{{\"user\": \"app\", \"password\": \"{}\"}}", self.in_json_value),
            "keyfile": format!("{{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\"}}", self.keyfile_private_key),
            "http.headers": format!("Content-Type: application/json, Authorization: Bearer {}", self.bearer_token),
            "vault.password": format!("${{x}}{}}}", self.fake_reference),
            "short.password": SHORT_SECRET,
        });
        for (key, value) in extra.as_object().unwrap() {
            config[key] = value.clone();
        }
        config
    }

    /// Panics naming the secret and the place when `text` holds any of them (the short one
    /// as the value of its key, in Connect's printed configs and in JSON).
    fn assert_none_in(&self, text: &str, place: &str) {
        for secret in self.all() {
            assert!(!text.contains(secret), "{secret} leaked in {place}");
        }
        for shape in [
            format!("short.password={SHORT_SECRET}"),
            format!("\"short.password\":\"{SHORT_SECRET}\""),
            format!("\\\"short.password\\\":\\\"{SHORT_SECRET}\\\""),
        ] {
            assert!(!text.contains(&shape), "{shape} leaked in {place}");
        }
    }
}

/// The plugboard binary requiring login, with a user of each role (named after it).
async fn plugboard_with_every_role(label: &str) -> (ScratchDir, PlugboardProcess, String) {
    let dir = ScratchDir::new(label);
    let plugboard = PlugboardProcess::start_with_users(&dir, &ROLES).await;
    let base = plugboard.base_url.clone();
    (dir, plugboard, base)
}

#[tokio::test]
async fn planted_secrets_never_leave_plugboard_for_any_role_in_any_answer_row_log_or_byte() {
    let (dir, plugboard, base) = plugboard_with_every_role("security").await;
    let admin = Caller::sign_in(&base, "admin").await;
    let editor = Caller::sign_in(&base, "editor").await;
    let viewer = Caller::sign_in(&base, "viewer").await;
    let planted = Planted::new();
    let name = unique("planted");
    let n = encode(&name);
    let (c, p) = ("/api/v1/clusters/local", "/api/v1/clusters/local/connect");
    let create = json!({"name": name, "config": planted.config(&name)});
    let (status, created) = admin
        .send(&base, "POST", &format!("{c}/connectors"), Some(&create))
        .await;
    assert_eq!(status, 201, "{created}");
    eventually("the connector's tasks to be configured", || async {
        let (_, tasks) = admin
            .send(&base, "GET", &format!("{p}/connectors/{n}/tasks"), None)
            .await;
        let tasks: Value = serde_json::from_str(&tasks).ok()?;
        (!tasks.as_array()?.is_empty()).then_some(())
    })
    .await;

    // Connect echoes a config in its error when `connector.class` is missing: through
    // validation (which restores placeholders for editors only) and through an update.
    let echo: Value = {
        let mut config = planted.config(&name);
        let object = config.as_object_mut().unwrap();
        object.remove("connector.class");
        for key in ["connection.password", "apiKey", "ssh.passphrase"] {
            object.insert(key.into(), json!("[hidden]"));
        }
        object.insert("name".into(), json!(name));
        config
    };
    let validate = format!("{p}/connector-plugins/FileStreamSinkConnector/config/validate");
    let (viewer_validates, refused) = viewer.send(&base, "PUT", &validate, Some(&echo)).await;
    assert_eq!(viewer_validates, 403, "{refused}");
    let mut seen = Vec::new();
    for (method, path, body) in [
        ("PUT", validate.clone(), &echo),
        ("PUT", format!("{p}/connectors/{n}/config"), &echo),
        ("PUT", format!("{c}/connectors/{n}/config"), &echo),
        (
            "PATCH",
            format!("{p}/connectors/{n}/config"),
            &json!({"connector.class": null, "connection.password": "[hidden]"}),
        ),
    ] {
        // Connect answers 400, or 500 wrapping a BadRequestException for validation.
        let (status, answer) = editor.send(&base, method, &path, Some(body)).await;
        assert!(
            (400..=500).contains(&status),
            "{method} {path} answered {status}: {answer}"
        );
        seen.push((format!("editor {method} {path}"), answer));
    }

    let reads = [
        "/api/v1/connectors".to_owned(),
        format!("{c}/connectors"),
        format!("{c}/connectors/{n}"),
        format!("{p}/connectors?expand=info&expand=status"),
        format!("{p}/connectors/{n}"),
        format!("{p}/connectors/{n}/config"),
        // `tasks-config` is gone from Connect 4 (KIP-970): `tasks` carries the same configs.
        format!("{p}/connectors/{n}/tasks"),
        format!("{p}/connectors/{n}/status"),
        format!("/api/v1/history?connector={n}"),
        format!("/api/v1/history/export?connector={n}"),
        format!("{c}/connectors/{n}/timeline"),
        "/api/v1/alerts/incidents".to_owned(),
        "/metrics".to_owned(),
    ];
    for (user, _) in ROLES {
        let caller = Caller::sign_in(&base, user).await;
        for path in &reads {
            let (status, answer) = caller.send(&base, "GET", path, None).await;
            assert_eq!(status, 200, "{user} GET {path}: {answer}");
            seen.push((format!("{user} GET {path}"), answer));
        }
    }
    let (_, page) = admin
        .send(
            &base,
            "GET",
            &format!("/api/v1/history?connector={n}"),
            None,
        )
        .await;
    let page: HistoryPage = serde_json::from_str(&page).unwrap();
    let failed = page
        .events
        .iter()
        .filter(|e| e.outcome.as_str() == "failure")
        .count();
    assert!(
        failed >= 3,
        "the refused updates are in the history: {page:?}"
    );
    for event in &page.events {
        let (status, answer) = admin
            .send(&base, "GET", &format!("/api/v1/history/{}", event.id), None)
            .await;
        assert_eq!(status, 200);
        seen.push((format!("history event {}", event.id), answer));
    }
    let (_, deleted) = admin
        .send(&base, "DELETE", &format!("{c}/connectors/{n}"), None)
        .await;

    for (place, answer) in &seen {
        planted.assert_none_in(answer, place);
    }
    let everything: String = seen.iter().map(|(_, a)| a.as_str()).collect();
    assert!(
        everything.contains("[hidden]"),
        "the placeholder stands in for the secrets"
    );
    assert!(
        everything.contains("${file:/run/secrets/db.properties:password}"),
        "a provider reference is shown as written"
    );
    assert!(
        everything.contains("mongodb://app:[hidden]@db-1:27017"),
        "a URI keeps all but its password"
    );
    assert!(
        everything.contains("contains no connector type") || everything.contains("connector.class"),
        "Connect's echo came back (scrubbed): {everything:.2000}"
    );
    let log = std::fs::read_to_string(&plugboard.log).unwrap();
    planted.assert_none_in(&log, "the log");
    drop(plugboard);
    for file in std::fs::read_dir(&dir.0).unwrap() {
        let path = file.unwrap().path();
        let bytes = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        if path.to_string_lossy().contains("plugboard.db") {
            planted.assert_none_in(&bytes, &path.display().to_string());
        }
    }
    assert!(deleted.is_empty(), "{deleted}");
}

#[tokio::test]
async fn path_spellings_that_reach_another_endpoint_are_refused_for_every_role() {
    let (_dir, _plugboard, base) = plugboard_with_every_role("paths").await;
    let logger = format!("plugboard.security.{}", unique("l").replace('-', "_"));
    let p = "/api/v1/clusters/local/connect";
    let level = json!({"level": "TRACE"});
    let reads = [
        "/connectors/x/%2e/config",
        "/connectors/x/./config",
        "/connectors/x/%2E/config",
        "/connectors/x/.%2e/y/config",
        "/connectors/%2e%2e/config",
        "/connectors/x%2F..%2F..%2Fadmin/config",
        "/connectors/x\\..\\config",
        "/connectors/x%5c..%5cconfig",
        "/connectors//config",
        "/connectors/x/config?forward=false",
    ];
    let logger_changes = [
        format!("/connectors/x/../../admin/loggers/{logger}"),
        format!("/connectors/x/%2e%2e/%2e%2e/admin/loggers/{logger}"),
        format!("/connectors/x/%2E%2E/%2E%2E/admin/loggers/{logger}"),
        format!("/connectors/x/.%2e/.%2e/admin/loggers/{logger}"),
        format!("/connectors/x%2F..%2F..%2Fadmin%2Floggers%2F{logger}/pause"),
        format!("/connectors/x/..%5c..%5cadmin/loggers/{logger}"),
        format!("/admin/loggers/{logger}/."),
        format!("/admin//loggers/{logger}"),
    ];
    for (user, _) in ROLES {
        let caller = Caller::sign_in(&base, user).await;
        for path in &reads {
            let (status, answer) = caller.send(&base, "GET", &format!("{p}{path}"), None).await;
            assert_eq!(status, 400, "{user} GET {path}: {answer}");
            assert!(answer.contains("\"bad_request\""), "{answer}");
        }
        for path in &logger_changes {
            let (status, answer) = caller
                .send(&base, "PUT", &format!("{p}{path}"), Some(&level))
                .await;
            assert_eq!(status, 400, "{user} PUT {path}: {answer}");
        }
    }
    let worker = &stack_urls(STACK)[0];
    let on_worker = reqwest::get(format!("{worker}/admin/loggers/{logger}"))
        .await
        .unwrap();
    let level_now: Value = on_worker.json().await.unwrap_or(Value::Null);
    assert_ne!(
        level_now["level"], "TRACE",
        "a refused path still changed the logger"
    );
    let admin = Caller::sign_in(&base, "admin").await;
    let (_, history) = admin.send(&base, "GET", "/api/v1/history", None).await;
    let history: HistoryPage = serde_json::from_str(&history).unwrap();
    assert!(
        history.events.is_empty(),
        "a refused request was recorded: {history:?}"
    );
}

#[tokio::test]
async fn a_login_flood_counts_every_attempt_and_memory_stays_flat() {
    let dir = ScratchDir::new("flood");
    let plugboard = PlugboardProcess::start_with_users(&dir, &[("admin", Role::Admin)]).await;
    let base = plugboard.base_url.clone();
    let http = reqwest::Client::new();
    let login = format!("{base}/api/v1/auth/login");
    let resident_before = plugboard.resident_kib();

    let flood = (0..200).map(|i| {
        let (http, login) = (http.clone(), login.clone());
        async move {
            let body = json!({"name": "admin", "password": format!("guess-{i}")});
            http.post(&login).json(&body).send().await.unwrap().status()
        }
    });
    let statuses = futures::future::join_all(flood).await;
    let resident_after = plugboard.resident_kib();
    let too_long = http
        .post(&login)
        .json(&json!({"name": "n".repeat(129), "password": "x"}))
        .send()
        .await
        .unwrap()
        .status();
    let right_now = http
        .post(&login)
        .json(&json!({"name": "admin", "password": USER_PASSWORD}))
        .send()
        .await
        .unwrap()
        .status();

    let count = |wanted: StatusCode| statuses.iter().filter(|s| **s == wanted).count();
    let (wrong, limited, busy) = (
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::TOO_MANY_REQUESTS),
        count(StatusCode::SERVICE_UNAVAILABLE),
    );
    assert_eq!(wrong + limited + busy, 200, "{statuses:?}");
    assert!(
        wrong <= 10,
        "{wrong} wrong passwords were checked for one user"
    );
    assert!(limited > 0, "{statuses:?}");
    assert!(
        resident_after < 150 * 1024,
        "resident memory grew from {resident_before} KiB to {resident_after} KiB"
    );
    assert_eq!(too_long, StatusCode::BAD_REQUEST);
    assert_eq!(
        right_now,
        StatusCode::TOO_MANY_REQUESTS,
        "the limit holds for the right password too"
    );
    let log = std::fs::read_to_string(&plugboard.log).unwrap();
    assert!(
        !log.contains(&"n".repeat(40)),
        "a long name reached the log"
    );
}

#[tokio::test]
async fn the_root_with_a_trailing_slash_is_connects_root_and_a_wrong_method_gets_405() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let p = "/api/v1/clusters/local/connect";

    let root: Value = app.get_json(&format!("{p}/")).await;
    let bare: Value = app.get_json(p).await;
    let wrong_method = app
        .send(
            reqwest::Method::DELETE,
            &format!("{p}/connectors/x/config"),
            None,
        )
        .await;

    assert!(root["version"].is_string(), "{root}");
    assert_eq!(root["version"], bare["version"]);
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        wrong_method.headers()["allow"],
        "GET, PUT, PATCH, HEAD, OPTIONS"
    );
}
