//! Access control against the real stack: which role may do what through Plugboard's own API
//! and through the passthrough, sessions with their CSRF token, the login rate limit, tokens,
//! the actor in the history, a trusted proxy's header, TLS, security headers, and secrets that never leave Plugboard (not in
//! answers, not in its log) yet stay working on the worker after an edit.

use crate::support::{
    PlugboardProcess, ScratchDir, TestApp, cluster, encode, eventually, file_sink_config,
    self_signed_certificate, stack_urls, unique,
};
use api_types::{CreatedToken, Grant, HistoryPage, Me, Role};
use plugboard::config::TrustedHeader;
use reqwest::header::{CONTENT_SECURITY_POLICY, COOKIE, ORIGIN, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The stack cluster these tests use (see [`crate::support`]).
const STACK: &str = "solo1";

pub(crate) const PASSWORD: &str = "correct horse battery";
const MISSING: &str = "pb-access-no-such-connector";

pub(crate) fn everywhere(role: Role) -> Vec<Grant> {
    vec![Grant {
        role,
        clusters: Vec::new(),
    }]
}

async fn app_with_users() -> TestApp {
    let outsider = vec![Grant {
        role: Role::Editor,
        clusters: vec!["elsewhere".into()],
    }];
    TestApp::start_with_login(
        vec![cluster("local", stack_urls(STACK))],
        &[
            ("viewer", PASSWORD, everywhere(Role::Viewer)),
            ("operator", PASSWORD, everywhere(Role::Operator)),
            ("editor", PASSWORD, everywhere(Role::Editor)),
            ("admin", PASSWORD, everywhere(Role::Admin)),
            ("outsider", PASSWORD, outsider),
        ],
    )
    .await
}

/// A signed-in console: its session cookie and CSRF token.
pub(crate) struct Session {
    cookie: String,
    csrf: String,
}

impl Session {
    /// The session's cookie header, for requests built by hand.
    pub(crate) fn cookie(&self) -> String {
        self.cookie.clone()
    }

    /// A request with the session's cookie and its CSRF token, as the console sends changes.
    pub(crate) fn request(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        app.http
            .request(method, format!("{}{path}", app.base_url))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }
}

/// GET `path` with an API token, parsed as JSON.
async fn json_with_token<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    token: &str,
    path: &str,
) -> T {
    let response = app
        .http
        .get(format!("{}{path}", app.base_url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

async fn sign_in(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    app.http
        .post(format!("{}/api/v1/auth/login", app.base_url))
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn session(app: &TestApp, name: &str) -> Session {
    let response = sign_in(app, name, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for protection in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(protection), "{set_cookie}");
    }
    let me: Me = response.json().await.unwrap();
    Session {
        cookie: set_cookie.split(';').next().unwrap().to_owned(),
        csrf: me.csrf_token.unwrap(),
    }
}

/// An API token of `user`, made by the admin's session.
async fn token_of(app: &TestApp, admin: &Session, user: &str) -> String {
    let response = admin
        .request(app, Method::POST, "/api/v1/tokens")
        .json(&json!({"name": format!("{user} script"), "user": user}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: CreatedToken = response.json().await.unwrap();
    assert_eq!(created.info.user, user);
    created.token
}

async fn with_token(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> StatusCode {
    let mut request = app
        .http
        .request(method, format!("{}{path}", app.base_url))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn each_role_may_do_exactly_what_it_needs_through_the_api_and_the_passthrough() {
    let app = app_with_users().await;
    let admin = session(&app, "admin").await;
    let c = "/api/v1/clusters/local";
    let p = "/api/v1/clusters/local/connect";
    let invalid = || Some(json!({"name": MISSING, "config": {}}));
    let level = || Some(json!({"level": "INFO"}));
    // Each row: the call, the role it needs, and the answer an allowed caller gets (Connect's
    // own, for calls that reach it: 404 for the connector that does not exist, 400 for a
    // config without its class).
    let table: Vec<(Method, String, Option<Value>, Role, u16)> = vec![
        (
            Method::GET,
            format!("{c}/connectors/{MISSING}"),
            None,
            Role::Viewer,
            404,
        ),
        (
            Method::GET,
            format!("{p}/connectors"),
            None,
            Role::Viewer,
            200,
        ),
        (
            Method::PUT,
            format!("{c}/plugins/FileStreamSinkConnector/validate"),
            Some(json!({})),
            Role::Viewer,
            200,
        ),
        (
            Method::POST,
            format!("{c}/connectors/{MISSING}/pause"),
            None,
            Role::Operator,
            404,
        ),
        (
            Method::POST,
            format!("{c}/connectors/{MISSING}/tasks/0/restart"),
            None,
            Role::Operator,
            404,
        ),
        (
            Method::PUT,
            format!("{p}/connectors/{MISSING}/pause"),
            None,
            Role::Operator,
            404,
        ),
        (
            Method::POST,
            format!("{p}/connectors/{MISSING}/restart"),
            None,
            Role::Operator,
            404,
        ),
        (
            Method::POST,
            format!("{c}/connectors"),
            invalid(),
            Role::Editor,
            400,
        ),
        (
            Method::DELETE,
            format!("{c}/connectors/{MISSING}"),
            None,
            Role::Editor,
            404,
        ),
        (
            Method::POST,
            format!("{p}/connectors"),
            invalid(),
            Role::Editor,
            400,
        ),
        (
            Method::DELETE,
            format!("{p}/connectors/{MISSING}"),
            None,
            Role::Editor,
            404,
        ),
        (
            Method::PUT,
            format!("{c}/loggers/plugboard.access.test"),
            level(),
            Role::Admin,
            200,
        ),
        (
            Method::PUT,
            format!("{p}/admin/loggers/plugboard.access.test"),
            level(),
            Role::Admin,
            200,
        ),
        (
            Method::POST,
            "/api/v1/alerts/rules".into(),
            Some(json!({})),
            Role::Admin,
            400,
        ),
        (Method::GET, "/api/v1/users".into(), None, Role::Admin, 200),
    ];
    for user in ["viewer", "operator", "editor", "admin", "outsider"] {
        let token = token_of(&app, &admin, user).await;
        let role = Role::parse(user);
        for (method, path, body, needed, answer) in &table {
            let status = with_token(&app, &token, method.clone(), path, body.clone()).await;
            let allowed = role.is_some_and(|r| r >= *needed);
            let expected = if allowed { *answer } else { 403 };
            assert_eq!(
                status.as_u16(),
                expected,
                "{user} {method} {path}, which needs {}",
                needed.as_str()
            );
        }
    }
    let anonymous = app.get(&format!("{c}/connectors/{MISSING}")).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let passthrough = app.get(&format!("{p}/connectors")).await;
    assert_eq!(passthrough.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_user_limited_to_other_clusters_sees_none_of_this_one_and_no_webhook_url() {
    let app = app_with_users().await;
    let admin = session(&app, "admin").await;
    let token = token_of(&app, &admin, "outsider").await;
    let list: Value = json_with_token(&app, &token, "/api/v1/connectors").await;
    assert_eq!(list["connectors"], json!([]));
    assert_eq!(list["unreachable"], json!([]));
    let clusters: Value = json_with_token(&app, &token, "/api/v1/clusters").await;
    assert_eq!(clusters, json!([]));

    let hook = "https://hooks.slack.example/services/T000/B000/secret-part";
    let rule = admin
        .request(&app, Method::POST, "/api/v1/alerts/rules")
        .json(&json!({"name": "failed", "kind": "failed", "webhook_url": hook}))
        .send()
        .await
        .unwrap();
    assert_eq!(rule.status(), 201);
    let rules: Value = json_with_token(&app, &token, "/api/v1/alerts/rules").await;
    assert_eq!(rules[0]["webhook_url"], json!("[hidden]"));
    let admin_token = token_of(&app, &admin, "admin").await;
    let rules: Value = json_with_token(&app, &admin_token, "/api/v1/alerts/rules").await;
    assert_eq!(rules[0]["webhook_url"], json!(hook));
}

#[tokio::test]
async fn a_session_change_needs_its_csrf_token_and_a_cross_site_one_is_refused() {
    let app = app_with_users().await;
    let operator = session(&app, "operator").await;
    let pause = format!("/api/v1/clusters/local/connectors/{MISSING}/pause");
    let without_token = app
        .http
        .post(format!("{}{pause}", app.base_url))
        .header(COOKIE, &operator.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let body: Value = without_token.json().await.unwrap();
    assert_eq!(body["error"]["code"], "csrf_refused");

    let cross_site = operator
        .request(&app, Method::POST, &pause)
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);

    let with_token = operator
        .request(&app, Method::POST, &pause)
        .send()
        .await
        .unwrap();
    // Allowed through: Connect itself answers that the connector does not exist.
    assert_eq!(with_token.status(), StatusCode::NOT_FOUND);

    let logout = operator
        .request(&app, Method::POST, "/api/v1/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let after = operator
        .request(&app, Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_eleventh_wrong_password_in_a_minute_is_refused_even_when_right() {
    let app = app_with_users().await;
    for attempt in 1..=10 {
        let response = sign_in(&app, "viewer", "wrong password").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let eleventh = sign_in(&app, "viewer", PASSWORD).await;
    assert_eq!(eleventh.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(eleventh.headers().contains_key("retry-after"));
    assert_eq!(sign_in(&app, "editor", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_revoked_token_stops_working_and_changes_name_their_caller_in_the_history() {
    let app = app_with_users().await;
    let admin = session(&app, "admin").await;
    let token = token_of(&app, &admin, "operator").await;
    let pause = format!("/api/v1/clusters/local/connectors/{MISSING}/pause");
    assert_eq!(
        with_token(&app, &token, Method::POST, &pause, None).await,
        StatusCode::NOT_FOUND
    );
    let feed = format!("/api/v1/history?connector={MISSING}&limit=1");
    let history: HistoryPage = json_with_token(&app, &token, &feed).await;
    assert_eq!(history.events[0].actor, "operator");
    assert_eq!(history.events[0].outcome.as_str(), "failure");

    let tokens: Vec<api_types::ApiToken> = json_with_token(&app, &token, "/api/v1/tokens").await;
    assert_eq!(tokens.len(), 1, "an operator sees only its own tokens");
    assert!(tokens[0].last_used_at.is_some());
    let revoked = admin
        .request(
            &app,
            Method::DELETE,
            &format!("/api/v1/tokens/{}", tokens[0].id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        with_token(&app, &token, Method::POST, &pause, None).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    for path in ["/", "/api/v1/clusters", "/api/v1/no-such-thing"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    }
    let rebound = app
        .http
        .get(format!("{}/api/v1/clusters", app.base_url))
        .header("host", "rebound.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN, "DNS rebinding");
}

/// Every text `GET` on these paths of `base` answers.
async fn answers(base: &str, paths: &[String]) -> String {
    let mut all = String::new();
    for path in paths {
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        all.push_str(&response.text().await.unwrap());
    }
    all
}

#[tokio::test]
async fn a_secret_never_leaves_plugboard_and_an_edit_of_another_setting_keeps_it_on_the_worker() {
    let dir = ScratchDir::new("secrets");
    let plugboard = PlugboardProcess::start(&dir, "", None).await;
    let base = &plugboard.base_url;
    let http = reqwest::Client::new();
    let name = unique("secret");
    let secret = format!("s3cr3t-{}", unique("pw"));
    let mut config = file_sink_config(&name);
    config["connection.password"] = json!(secret);
    let created = http
        .post(format!("{base}/api/v1/clusters/local/connectors"))
        .json(&json!({"name": name, "config": config}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created = created.text().await.unwrap();
    assert!(!created.contains(&secret), "{created}");

    let n = encode(&name);
    let p = "/api/v1/clusters/local/connect";
    eventually("the tasks to be configured", || async {
        let tasks: Value = http
            .get(format!("{base}{p}/connectors/{n}/tasks"))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (!tasks.as_array()?.is_empty()).then_some(())
    })
    .await;
    let seen = answers(
        base,
        &[
            format!("/api/v1/clusters/local/connectors/{n}"),
            format!("{p}/connectors/{n}"),
            format!("{p}/connectors/{n}/config"),
            format!("{p}/connectors/{n}/tasks"),
            format!("{p}/connectors?expand=info&expand=status"),
            format!("/api/v1/history?connector={n}"),
        ],
    )
    .await;
    assert!(!seen.contains(&secret));
    assert!(
        seen.contains("[hidden]"),
        "the placeholder stands in for it"
    );
    let validated = http
        .put(format!(
            "{base}/api/v1/clusters/local/plugins/FileStreamSinkConnector/validate"
        ))
        .json(&config)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!validated.contains(&secret), "{validated}");

    // The console edits another setting and sends the placeholder back.
    let detail: Value = http
        .get(format!("{base}/api/v1/clusters/local/connectors/{n}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut edited = detail["config"].clone();
    assert_eq!(edited["connection.password"], "[hidden]");
    edited["file"] = json!(format!("/tmp/{name}.edited"));
    let updated = http
        .put(format!(
            "{base}/api/v1/clusters/local/connectors/{n}/config"
        ))
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200, "{}", updated.text().await.unwrap());
    // A script patches through the passthrough, placeholder and all.
    let patched = http
        .patch(format!("{base}{p}/connectors/{n}/config"))
        .json(&json!({"connection.password": "[hidden]", "tasks.max": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200, "{}", patched.text().await.unwrap());

    let on_worker: Value = reqwest::get(format!("{}/connectors/{n}/config", stack_urls(STACK)[0]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(on_worker["connection.password"], json!(secret));
    assert_eq!(on_worker["file"], json!(format!("/tmp/{name}.edited")));

    let cleared = http
        .delete(format!("{base}/api/v1/clusters/local/connectors/{n}"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    let log = std::fs::read_to_string(&plugboard.log).unwrap();
    assert!(log.contains("PUT"), "the log was captured at debug level");
    assert!(!log.contains(&secret), "the secret is in the log");
}

#[tokio::test]
async fn a_placeholder_with_no_stored_secret_is_refused_by_name() {
    let app = TestApp::start(vec![cluster("local", stack_urls(STACK))]).await;
    let name = unique("clone");
    let mut config = file_sink_config(&name);
    config["connection.password"] = json!("[hidden]");
    let response = app
        .send(
            Method::POST,
            "/api/v1/clusters/local/connectors",
            Some(json!({"name": name, "config": config})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("connection.password"), "{message}");
    let exists = app
        .get(&format!(
            "/api/v1/clusters/local/connectors/{}",
            encode(&name)
        ))
        .await;
    assert_eq!(exists.status(), StatusCode::NOT_FOUND);
}

/// A self-signed certificate for 127.0.0.1 made with the openssl command: (cert, key) paths.

#[tokio::test]
async fn with_a_certificate_plugboard_serves_https_only_with_secure_cookies_and_hsts() {
    let dir = ScratchDir::new("tls");
    let (cert, key) = self_signed_certificate(&dir);
    let binary = env!("CARGO_BIN_EXE_plugboard");
    let config = dir.path("plugboard.toml");
    std::fs::write(
        &config,
        format!(
            "[tls]\ncert_file = \"{}\"\nkey_file = \"{}\"\n",
            cert.display(),
            key.display()
        ),
    )
    .unwrap();
    let database = crate::support::store::argument(&dir.store().await);
    let mut add = std::process::Command::new(binary)
        .arg("--config")
        .arg(&config)
        .arg("--database")
        .arg(&database)
        .args(["user", "add", "admin", "--role", "admin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut add.stdin.take().unwrap(),
        format!("{PASSWORD}\n").as_bytes(),
    )
    .unwrap();
    assert!(add.wait().unwrap().success(), "plugboard user add failed");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Off loopback login would be required anyway; on loopback the file's TLS alone is tested.
    let mut server = std::process::Command::new(binary)
        .arg("--config")
        .arg(&config)
        .arg("--database")
        .arg(&database)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The certificate is its own issuer, which webpki will not take as a server's: this test is
    // about Plugboard speaking TLS with this key, so the client skips the chain check.
    let trusting = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let base = format!("https://127.0.0.1:{port}");
    let health = eventually("plugboard over https", || async {
        let response = trusting.get(format!("{base}/healthz")).send().await.ok()?;
        response.status().is_success().then_some(response)
    })
    .await;
    assert!(
        health.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let login = trusting
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"name": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let plain = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    let _ = server.kill();
    let _ = server.wait();
}

async fn app_behind_proxy(proxy: &str) -> TestApp {
    let proxy = proxy.parse().unwrap();
    TestApp::start_with_access(
        vec![cluster("local", stack_urls(STACK))],
        &[("editor", PASSWORD, everywhere(Role::Editor))],
        |access| {
            access.trusted_header = Some(TrustedHeader {
                header: "x-forwarded-user".into(),
                proxies: vec![proxy],
                default_role: Some(Role::Viewer),
            });
        },
    )
    .await
}

async fn me_as(app: &TestApp, user: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(format!("{}/api/v1/auth/me", app.base_url));
    if let Some(user) = user {
        request = request.header("x-forwarded-user", user);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_trusted_proxy_names_the_user_and_its_changes_still_need_the_csrf_token() {
    let app = app_behind_proxy("127.0.0.1").await;
    let editor: Me = me_as(&app, Some("editor")).await.json().await.unwrap();
    assert_eq!(editor.name, "editor");
    assert_eq!(editor.grants, everywhere(Role::Editor));
    let stranger: Me = me_as(&app, Some("stranger")).await.json().await.unwrap();
    assert_eq!(
        stranger.grants,
        everywhere(Role::Viewer),
        "the default role"
    );
    assert_eq!(me_as(&app, None).await.status(), StatusCode::UNAUTHORIZED);

    let pause = format!(
        "{}/api/v1/clusters/local/connectors/{MISSING}/pause",
        app.base_url
    );
    let send = |csrf: Option<String>| {
        let mut request = app.http.post(&pause).header("x-forwarded-user", "editor");
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    assert_eq!(send(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    let allowed = send(editor.csrf_token).await.unwrap();
    assert_eq!(allowed.status(), StatusCode::NOT_FOUND, "Connect's answer");
}

#[tokio::test]
async fn the_proxy_header_from_an_address_not_trusted_is_ignored() {
    let app = app_behind_proxy("10.9.9.9").await;
    assert_eq!(
        me_as(&app, Some("editor")).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_user_changes_its_own_password_with_the_current_one_and_its_sessions_end() {
    let app = app_with_users().await;
    let viewer = session(&app, "viewer").await;
    let change = |current: &str| {
        viewer
            .request(&app, Method::POST, "/api/v1/auth/password")
            .json(&json!({"current": current, "new": "a brand new password"}))
            .send()
    };
    assert_eq!(
        change("not it").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        change(PASSWORD).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let me = viewer
        .request(&app, Method::GET, "/api/v1/auth/me")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "the session ended");
    assert_eq!(sign_in(&app, "viewer", PASSWORD).await.status(), 401);
    assert_eq!(
        sign_in(&app, "viewer", "a brand new password")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn plan_and_apply_need_an_editor_on_every_named_cluster_and_the_cli_signs_in_with_a_token() {
    let app = app_with_users().await;
    let admin = session(&app, "admin").await;
    let name = unique("pb-access-code");
    let spec = json!({"cluster": "local", "name": name,
                      "config": file_sink_config(&unique("pb-access-topic"))});
    for user in ["viewer", "operator", "outsider"] {
        let token = token_of(&app, &admin, user).await;
        for endpoint in ["plan", "apply"] {
            let path = format!("/api/v1/specs/{endpoint}");
            let body = json!({"specs": [spec]});
            let status = with_token(&app, &token, Method::POST, &path, Some(body)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user} {endpoint}");
        }
    }
    let dir = ScratchDir::new("specs");
    std::fs::write(dir.path("spec.json"), spec.to_string()).unwrap();
    let dir = dir.0.display().to_string();
    let anonymous = crate::specs::plugboard(&app, &["plan", &dir], &[]).await;
    assert_eq!(anonymous.status, 1);
    assert!(anonymous.stderr.contains("401"), "{}", anonymous.stderr);

    let token = vec![(
        "PLUGBOARD_TOKEN".to_owned(),
        token_of(&app, &admin, "editor").await,
    )];
    let applied = crate::specs::plugboard(&app, &["apply", &dir], &token).await;
    assert_eq!(applied.status, 0, "{}{}", applied.stdout, applied.stderr);
    let feed = format!("/api/v1/history?connector={}", encode(&name));
    let history: HistoryPage = json_with_token(&app, &token[0].1, &feed).await;
    assert_eq!(history.events.len(), 1);
    assert_eq!(history.events[0].actor, "editor");
    assert_eq!(history.events[0].source, api_types::Source::Apply);
    let path = format!("/api/v1/clusters/local/connectors/{}", encode(&name));
    // Clean-up; the outcome does not matter.
    with_token(&app, &token[0].1, Method::DELETE, &path, None).await;
}
