//! Plugboard's own logic through the whole router, in process (`oneshot`, no socket, no
//! Connect): error shapes, the passthrough's refusals and local answers, the Host check, and
//! that nothing refused reaches the history. Requests are built byte for byte, so paths reach
//! the router exactly as an attacker would send them.

use api_types::{ErrorBody, HistoryPage};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use crate::test_support::app_without_connect;

/// Sends `method path` with `body` (JSON) and answers the status, headers and body.
async fn send(
    app: &Router,
    method: &str,
    path: &str,
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn code_of(body: &str) -> String {
    serde_json::from_str::<ErrorBody>(body)
        .unwrap_or_else(|e| panic!("{body} is not the error shape: {e}"))
        .error
        .code
}

#[tokio::test]
async fn every_refusal_has_the_one_error_shape_with_its_code() {
    let (app, _) = app_without_connect("router-errors").await;
    let p = "/api/v1/clusters/default/connect";
    let cases = [
        (
            "GET",
            "/api/v1/clusters/nope/connectors".to_owned(),
            "",
            404,
            "unknown_cluster",
        ),
        (
            "POST",
            "/api/v1/clusters/default/connectors".to_owned(),
            "{nope",
            400,
            "bad_request",
        ),
        (
            "POST",
            format!("{p}/connectors"),
            "{\"name\": ",
            400,
            "bad_request",
        ),
        (
            "GET",
            format!("{p}/connectors/x/%2e/config"),
            "",
            400,
            "bad_request",
        ),
        (
            "PUT",
            format!("{p}/connectors/x/..%2f..%2fadmin/loggers/root"),
            "",
            400,
            "bad_request",
        ),
        (
            "GET",
            format!("{p}/connectors/x/status?forward=true"),
            "",
            400,
            "bad_request",
        ),
        (
            "POST",
            format!("{p}/connectors/x/tasks"),
            "[]",
            403,
            "forbidden",
        ),
        (
            "DELETE",
            format!("{p}/connectors/x/status"),
            "",
            405,
            "method_not_allowed",
        ),
        (
            "GET",
            "/api/v1/history?action=bogus".to_owned(),
            "",
            400,
            "bad_request",
        ),
        // Connect 4 would answer this with a 500 (found by the API fuzzer).
        (
            "PUT",
            "/api/v1/clusters/default/loggers/root".to_owned(),
            "{\"level\": \"\"}",
            400,
            "bad_request",
        ),
        (
            "GET",
            "/api/v1/no-such-thing".to_owned(),
            "",
            404,
            "not_found",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let (answered, headers, text) = send(&app, method, &path, body).await;
        assert_eq!(answered.as_u16(), status, "{method} {path}: {text}");
        assert_eq!(code_of(&text), code, "{method} {path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    }
}

#[tokio::test]
async fn an_oversized_body_is_413_before_anything_reads_it() {
    let (app, _) = app_without_connect("router-size").await;
    let huge = format!(
        "{{\"x\": \"{}\"}}",
        "y".repeat(crate::error::MAX_BODY_BYTES)
    );
    let (status, _, text) = send(
        &app,
        "POST",
        "/api/v1/clusters/default/connect/connectors",
        &huge,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code_of(&text), "payload_too_large");
}

#[tokio::test]
async fn options_and_the_allow_header_come_from_plugboard_with_no_worker_up() {
    let (app, _) = app_without_connect("router-options").await;
    let (status, headers, _) = send(
        &app,
        "OPTIONS",
        "/api/v1/clusters/default/connect/connectors/",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers[header::ALLOW], "GET, POST, HEAD, OPTIONS");
}

#[tokio::test]
async fn refused_changes_write_no_history_and_failed_ones_do() {
    let (app, _) = app_without_connect("router-history").await;
    let p = "/api/v1/clusters/default/connect";
    send(&app, "PUT", &format!("{p}/connectors/x/%2e%2e/pause"), "").await;
    send(
        &app,
        "PUT",
        &format!("{p}/connectors/x/pause?forward=false"),
        "",
    )
    .await;
    let (unreachable, _, _) = send(&app, "PUT", &format!("{p}/connectors/x/pause"), "").await;

    let (_, _, page) = send(&app, "GET", "/api/v1/history", "").await;
    let page: HistoryPage = serde_json::from_str(&page).unwrap();
    assert_eq!(unreachable, StatusCode::BAD_GATEWAY, "the worker is down");
    assert_eq!(page.events.len(), 1, "{page:?}");
    let event = &page.events[0];
    assert_eq!(event.action.as_str(), "pause");
    assert_eq!(event.outcome.as_str(), "failure");
    assert_eq!(event.connector.as_deref(), Some("x"));
}

#[tokio::test]
async fn without_login_a_foreign_host_is_refused_before_routing() {
    let (app, _) = app_without_connect("router-host").await;
    let request = |host: &str| {
        Request::builder()
            .uri("/api/v1/clusters")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap()
    };
    let foreign = app
        .clone()
        .oneshot(request("127.0.0.1.attacker.example"))
        .await
        .unwrap();
    let local = app
        .clone()
        .oneshot(request("localhost:8080"))
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(local.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_request_id_is_answered_and_kept_on_the_history_row_it_caused() {
    let (app, _) = app_without_connect("router-request-id").await;
    let request = Request::builder()
        .method("PUT")
        .uri("/api/v1/clusters/default/connect/connectors/x/pause")
        .header(header::HOST, "localhost")
        .header("x-request-id", "trace-me-42")
        .body(Body::empty())
        .unwrap();
    let given = app.clone().oneshot(request).await.unwrap();
    let (_, generated, _) = send(&app, "GET", "/api/v1/clusters", "").await;
    let (_, _, page) = send(&app, "GET", "/api/v1/history", "").await;

    let page: HistoryPage = serde_json::from_str(&page).unwrap();
    assert_eq!(given.headers()["x-request-id"], "trace-me-42");
    assert_eq!(page.events[0].request_id, "trace-me-42");
    let generated = generated["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 32, "{generated}");
    assert!(generated.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[tokio::test]
async fn metrics_time_answers_by_route_template_and_name_the_build() {
    let (app, _) = app_without_connect("router-metrics").await;
    send(&app, "GET", "/api/v1/history", "").await;
    send(
        &app,
        "GET",
        "/api/v1/clusters/default/connect/connectors/some-name/status",
        "",
    )
    .await;
    let (status, _, text) = send(&app, "GET", "/metrics", "").await;

    assert_eq!(status, StatusCode::OK);
    let history = "plugboard_http_request_duration_seconds_count{route=\"/api/v1/history\",method=\"GET\",status=\"200\"} 1";
    assert!(text.contains(history), "{text}");
    assert!(
        text.contains("route=\"/api/v1/clusters/{cluster}/connect/{*rest}\""),
        "the route's template, never the caller's path: {text}"
    );
    assert!(!text.contains("some-name"), "{text}");
    let build = format!(
        "plugboard_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    assert!(text.contains(&build), "{text}");
    assert!(
        text.contains("plugboard_upstream_request_duration_seconds_count{cluster=\"default\"}"),
        "{text}"
    );
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_every_path_in_it_is_routed() {
    let (app, _) = app_without_connect("router-openapi").await;
    let (status, _, text) = send(&app, "GET", "/api/v1/openapi.json", "").await;
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();

    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 45, "{} paths", paths.len());
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
    for (template, operations) in paths {
        let path = template
            .split('/')
            .map(|part| if part.starts_with('{') { "1" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        // The event stream answers for minutes; asked for a cluster that is not there, at once.
        let path = match path.as_str() {
            "/api/v1/events" => "/api/v1/events?cluster=1".to_owned(),
            _ => path,
        };
        for method in operations.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            let (_, _, answer) = send(&app, &method, &path, "{}").await;
            assert!(
                !answer.contains("no such endpoint"),
                "{method} {template} is documented but not routed: {answer}"
            );
        }
    }
}

#[tokio::test]
async fn a_bulk_filter_refuses_a_partial_selection_with_a_409_and_records_nothing() {
    let (app, _) = app_without_connect("router-bulk").await;
    let body = r#"{"action": "delete", "filter": {"name_contains": ""}}"#;
    let (status, _, text) = send(&app, "POST", "/api/v1/connectors/bulk", body).await;
    let (_, _, page) = send(&app, "GET", "/api/v1/history", "").await;

    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert_eq!(code_of(&text), "conflict");
    assert!(text.contains("cluster `default`"), "{text}");
    let page: HistoryPage = serde_json::from_str(&page).unwrap();
    assert!(page.events.is_empty(), "{page:?}");
}
