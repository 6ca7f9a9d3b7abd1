//! Live updates on the real stack: pages on `/api/v1/events` get the whole list, then a pause
//! made directly on the worker (not through Plugboard) as a change, all of them from the one
//! loop that reads the cluster; and a stream shows only the clusters its caller may see.

use std::time::Duration;

use api_types::{ConnectorList, ListChange, Role};
use reqwest::header::COOKIE;
use reqwest::{Method, StatusCode};

use crate::access::{PASSWORD, everywhere, session};
use crate::support::{TestApp, cluster, encode, file_sink_config, running_on, stack_urls, unique};

const STACK: &str = "solo2";
const OTHER_STACK: &str = "solo1";

/// Reads server-sent events off one streaming answer.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(request: reqwest::RequestBuilder) -> Self {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event's name and data (keep-alive comments skipped).
    async fn next(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .filter_map(|line| line.strip_prefix(name))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                let (event, data) = (field("event: "), field("data: "));
                if !event.is_empty() {
                    return (event, data);
                }
                continue;
            }
            let chunk = self
                .response
                .chunk()
                .await
                .unwrap()
                .expect("the stream ended");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    async fn snapshot(&mut self) -> ConnectorList {
        let (event, data) = self.next().await;
        assert_eq!(event, "snapshot");
        serde_json::from_str(&data).unwrap()
    }

    /// Waits (up to a minute) for a change that shows connector `name` in `state`.
    async fn change_showing(&mut self, name: &str, state: &str) -> ListChange {
        let wait = async {
            loop {
                let (event, data) = self.next().await;
                assert_eq!(event, "changes", "{data}");
                let change: ListChange = serde_json::from_str(&data).unwrap();
                let shows = change
                    .upserted
                    .iter()
                    .any(|c| c.name == name && c.state.as_str() == state);
                if shows {
                    return change;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(60), wait)
            .await
            .unwrap_or_else(|_| panic!("no change showed {name} {state}"))
    }
}

/// `plugboard_upstream_requests_total` of cluster `local`.
async fn upstream_requests(app: &TestApp) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("plugboard_upstream_requests_total{cluster=\"local\"} "))
        .and_then(|n| n.parse().ok())
        .expect("the counter of cluster local")
}

/// Upstream calls made in a few seconds of the app's life.
async fn upstream_calls_over_a_while(app: &TestApp) -> u64 {
    let before = upstream_requests(app).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    upstream_requests(app).await - before
}

/// Creates a FileStreamSink directly on the worker and waits until it runs.
async fn sink_on_worker(workers: &[String], name: &str) {
    let response = reqwest::Client::new()
        .put(format!("{}/connectors/{}/config", workers[0], encode(name)))
        .json(&file_sink_config(&format!("{name}-topic")))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    running_on(workers, &encode(name)).await;
}

async fn delete_on_worker(workers: &[String], name: &str) {
    let url = format!("{}/connectors/{}", workers[0], encode(name));
    let _ = reqwest::Client::new().delete(url).send().await;
}

#[tokio::test]
async fn twenty_open_pages_see_a_pause_made_on_the_worker_from_one_loop() {
    let workers = stack_urls(STACK);
    let name = unique("pb-live");
    // Before Plugboard starts, so that no list it cached can predate the connector.
    sink_on_worker(&workers, &name).await;
    let app = TestApp::start(vec![cluster("local", workers.clone())]).await;
    let mut first = Events::open(app.http.get(format!("{}/api/v1/events", app.base_url))).await;
    assert!(
        first
            .snapshot()
            .await
            .connectors
            .iter()
            .any(|c| c.name == name)
    );
    let with_one_page = upstream_calls_over_a_while(&app).await;

    let mut pages = vec![first];
    for _ in 1..20 {
        let url = format!("{}/api/v1/events?cluster=local", app.base_url);
        let mut page = Events::open(app.http.get(url)).await;
        assert!(
            page.snapshot()
                .await
                .connectors
                .iter()
                .any(|c| c.name == name)
        );
        pages.push(page);
    }
    let with_twenty_pages = upstream_calls_over_a_while(&app).await;
    let pause = format!("{}/connectors/{}/pause", workers[0], encode(&name));
    let paused = reqwest::Client::new().put(pause).send().await.unwrap();
    assert_eq!(paused.status(), StatusCode::ACCEPTED);

    for page in &mut pages {
        let change = page.change_showing(&name, "PAUSED").await;
        assert_eq!(change.cluster, "local");
    }
    // The cache and the one loop keep Connect's load what it is with one page (give or take
    // one call of a period that straddles the window).
    assert!(
        with_twenty_pages <= with_one_page + 2,
        "upstream calls in 4 s: {with_one_page} with one page, {with_twenty_pages} with twenty"
    );
    delete_on_worker(&workers, &name).await;
}

#[tokio::test]
async fn a_stream_shows_only_the_clusters_its_caller_has_a_role_on() {
    let workers = stack_urls(STACK);
    let only_other = vec![api_types::Grant {
        role: Role::Viewer,
        clusters: vec!["other".into()],
    }];
    let name = unique("pb-live-hidden");
    sink_on_worker(&workers, &name).await;
    let app = TestApp::start_with_login(
        vec![
            cluster("local", workers.clone()),
            cluster("other", stack_urls(OTHER_STACK)),
        ],
        &[
            ("admin", PASSWORD, everywhere(Role::Admin)),
            ("other-viewer", PASSWORD, only_other),
        ],
    )
    .await;
    let stream = |cookie: String, query: &str| {
        let url = format!("{}/api/v1/events{query}", app.base_url);
        app.http.get(url).header(COOKIE, cookie)
    };
    let admin = session(&app, "admin").await;
    let viewer = session(&app, "other-viewer").await;

    let everything = Events::open(stream(admin.cookie(), ""))
        .await
        .snapshot()
        .await;
    let seen = Events::open(stream(viewer.cookie(), ""))
        .await
        .snapshot()
        .await;
    let refused = stream(viewer.cookie(), "?cluster=local")
        .send()
        .await
        .unwrap();
    let anonymous = app
        .http
        .get(format!("{}/api/v1/events", app.base_url))
        .send()
        .await
        .unwrap();

    assert!(everything.connectors.iter().any(|c| c.name == name));
    assert!(
        seen.connectors.iter().all(|c| c.cluster == "other"),
        "{seen:?}"
    );
    assert!(seen.unreachable.iter().all(|f| f.cluster == "other"));
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    delete_on_worker(&workers, &name).await;
}

#[tokio::test]
async fn a_stream_ends_within_seconds_of_its_session_and_is_not_opened_again() {
    let app = TestApp::start_with_login(
        vec![cluster("local", stack_urls(STACK))],
        &[("admin", PASSWORD, everywhere(Role::Admin))],
    )
    .await;
    let admin = session(&app, "admin").await;
    let url = format!("{}/api/v1/events", app.base_url);
    let mut events = Events::open(app.http.get(&url).header(COOKIE, admin.cookie())).await;
    events.snapshot().await;

    let logout = admin.request(&app, Method::POST, "/api/v1/auth/logout");
    assert!(logout.send().await.unwrap().status().is_success());

    // Other tests change the cluster meanwhile: their changes may come first.
    let ended = async {
        loop {
            let (event, _) = events.next().await;
            if event != "changes" {
                return event;
            }
        }
    };
    let event = tokio::time::timeout(Duration::from_secs(20), ended)
        .await
        .expect("the stream ends once its session has");
    assert_eq!(event, "reconnect");
    let again = app
        .http
        .get(&url)
        .header(COOKIE, admin.cookie())
        .send()
        .await;
    assert_eq!(again.unwrap().status(), StatusCode::UNAUTHORIZED);
}
