//! Bounds on what a caller can take, against the real stack: slow and idle connections closed
//! and connections over the cap refused; record reads bounded per cluster; `/metrics` cut to
//! the caller's clusters; spec plans bounded in size and rate, and recorded when they compare
//! secrets; and read-your-writes through the passthrough on the two-worker cluster.

use std::time::Duration;

use crate::access::{PASSWORD, everywhere, session};
use crate::support::kafka_client::{create_topics, produce};
use crate::support::{
    PlugboardProcess, ScratchDir, TestApp, cluster, encode, eventually, stack_bootstrap,
    stack_urls, unique,
};
use api_types::{Grant, HistoryPage, Role};
use plugboard::config::Cluster;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Whether the server closed `stream`: a read ends (or fails) instead of waiting.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut byte)).await {
        Ok(Ok(0) | Err(_)) => true,
        Ok(Ok(_)) | Err(_) => false,
    }
}

#[tokio::test]
async fn slow_heads_and_idle_connections_are_closed_and_connections_over_the_cap_refused() {
    let dir = ScratchDir::new("slow-clients");
    let settings =
        "header_read_timeout_ms = 1000\nkeep_alive_timeout_ms = 2000\nmax_connections = 12\n";
    let plugboard = PlugboardProcess::start(&dir, settings, None).await;
    let address = format!("127.0.0.1:{}", plugboard.port);

    // Five clients that send a header line every 300 ms, and one that sends nothing.
    let mut trickling = Vec::new();
    for _ in 0..5 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        trickling.push(stream);
    }
    let mut silent = TcpStream::connect(&address).await.unwrap();
    for round in 0..40 {
        for stream in &mut trickling {
            let _ = stream
                .write_all(format!("X-Slow-{round}: 1\r\n").as_bytes())
                .await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut all_closed = true;
        for stream in &mut trickling {
            all_closed &= closed_by_server(stream).await;
        }
        if all_closed {
            break;
        }
    }
    for stream in &mut trickling {
        assert!(
            closed_by_server(stream).await,
            "a trickling head was not cut off"
        );
    }
    let mut silent_closed = false;
    for _ in 0..100 {
        if closed_by_server(&mut silent).await {
            silent_closed = true;
            break;
        }
    }
    assert!(
        silent_closed,
        "a connection that sent nothing was still open after 20 s"
    );

    // Twelve open connections (each mid-request, so none is idle yet) fill the cap.
    let mut held = Vec::new();
    for _ in 0..12 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        held.push(stream);
    }
    let mut refused = TcpStream::connect(&address).await.unwrap();
    let mut answer = String::new();
    let _ =
        tokio::time::timeout(Duration::from_secs(10), refused.read_to_string(&mut answer)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    assert!(
        answer.contains("\"busy\"") && answer.contains("12 connections"),
        "{answer}"
    );
    drop(held);
    eventually("a connection to be served again", || async {
        let response = reqwest::get(format!("{}/healthz", plugboard.base_url))
            .await
            .ok()?;
        response.status().is_success().then_some(())
    })
    .await;
}

/// The API fuzzer's find (run 34): a negative `since_ms` reached librdkafka, which refused it,
/// and the answer was a 503 as if Kafka were down.
#[tokio::test]
async fn a_negative_partition_offset_or_time_is_a_400_naming_it_not_a_kafka_failure() {
    let with_kafka = Cluster {
        bootstrap_servers: Some(stack_bootstrap()),
        ..cluster("local", stack_urls("solo1"))
    };
    let app = TestApp::start(vec![with_kafka]).await;
    let topic = unique("negative-reads");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&topic), 1).await;
    produce(&stack_bootstrap(), &topic, &[3]);
    for (query, name) in [
        ("since_ms=-135067", "since_ms"),
        ("offset=-1", "offset"),
        ("partition=-2", "partition"),
    ] {
        let path = format!(
            "/api/v1/clusters/local/topics/{}/records?{query}",
            encode(&topic)
        );
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: serde_json::Value = response.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("`{name}` must be 0 or more")),
            "{query}: {message}"
        );
    }
    let path = format!(
        "/api/v1/clusters/local/topics/{}/records?since_ms=0",
        encode(&topic)
    );
    assert_eq!(
        app.get(&path).await.status(),
        StatusCode::OK,
        "time 0 reads from the start"
    );
}

#[tokio::test]
async fn concurrent_record_reads_over_the_bound_get_429_with_retry_after() {
    let with_kafka = Cluster {
        bootstrap_servers: Some(stack_bootstrap()),
        ..cluster("local", stack_urls("solo1"))
    };
    let app = TestApp::start(vec![with_kafka]).await;
    let topic = unique("bounded-reads");
    create_topics(&stack_bootstrap(), std::slice::from_ref(&topic), 3).await;
    produce(&stack_bootstrap(), &topic, &[200, 200, 200]);
    let path = format!(
        "/api/v1/clusters/local/topics/{}/records?offset=0&limit=500",
        encode(&topic)
    );

    let reads = (0..80).map(|_| async {
        let response = app.get(&path).await;
        let retry_after = response.headers().get("retry-after").cloned();
        (response.status(), retry_after)
    });
    let answers = futures::future::join_all(reads).await;

    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let limited: Vec<_> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(ok + limited.len(), 80, "{answers:?}");
    assert!(
        ok >= 1 && !limited.is_empty(),
        "{ok} read, {} limited",
        limited.len()
    );
    assert!(
        limited
            .iter()
            .all(|(_, retry)| retry.as_ref().is_some_and(|r| r == "1"))
    );
}

#[tokio::test]
async fn metrics_show_only_the_clusters_the_caller_may_see() {
    let scoped = vec![Grant {
        role: Role::Viewer,
        clusters: vec!["local".into()],
    }];
    let app = TestApp::start_with_login(
        vec![
            cluster("local", stack_urls("solo1")),
            cluster("other", stack_urls("solo2")),
        ],
        &[
            ("scoped", PASSWORD, scoped),
            ("admin", PASSWORD, everywhere(Role::Admin)),
        ],
    )
    .await;
    let metrics = |who: &'static str| {
        let app = &app;
        async move {
            let caller = session(app, who).await;
            let response = caller
                .request(app, Method::GET, "/metrics")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.unwrap()
        }
    };

    let (scoped, admin) = (metrics("scoped").await, metrics("admin").await);

    assert!(scoped.contains("cluster=\"local\""), "{scoped}");
    assert!(!scoped.contains("cluster=\"other\""), "{scoped}");
    assert!(admin.contains("cluster=\"local\"") && admin.contains("cluster=\"other\""));
}

fn spec(name: &str, password: &str) -> Value {
    json!({
        "cluster": "local",
        "name": name,
        "state": "STOPPED",
        "config": {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1",
            "topics": name,
            "file": "/dev/null",
            "connection.password": password,
        },
    })
}

#[tokio::test]
async fn spec_plans_are_bounded_in_size_and_rate_and_a_compared_secret_is_recorded() {
    let app = TestApp::start_with_login(
        vec![cluster("local", stack_urls("solo2"))],
        &[("editor", PASSWORD, everywhere(Role::Editor))],
    )
    .await;
    let editor = session(&app, "editor").await;
    let plan = |body: Value| {
        editor
            .request(&app, Method::POST, "/api/v1/specs/plan")
            .json(&body)
            .send()
    };
    let name = unique("planned");
    let secret = unique("planned-secret");
    let body =
        json!({"name": name, "config": spec(&name, &secret)["config"], "initial_state": "STOPPED"});
    let created = editor
        .request(&app, Method::POST, "/api/v1/clusters/local/connectors")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    // A worker answers a create before its herder lists the connector with its config; the
    // plan reads that list.
    eventually(
        "the worker to list the connector with its config",
        || async {
            let list = editor
                .request(&app, Method::GET, "/api/v1/connectors?cluster=local")
                .send()
                .await
                .ok()?;
            let listed: api_types::ConnectorList = list.json().await.ok()?;
            listed
                .connectors
                .iter()
                .any(|c| c.name == name)
                .then_some(())
        },
    )
    .await;

    let too_many: Vec<Value> = (0..501)
        .map(|n| spec(&format!("{name}-{n}"), "${env:PW}"))
        .collect();
    let refused = plan(json!({"specs": too_many})).await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("at most 500"));

    let guess = json!({"specs": [spec(&name, "${env:PW}")], "values": {"${env:PW}": "a-guess"}});
    let compared = plan(guess.clone()).await.unwrap();
    assert_eq!(compared.status(), StatusCode::OK);
    let compared: api_types::Plan = compared.json().await.unwrap();
    assert_eq!(
        compared.changes[0].kind,
        api_types::ChangeKind::Update,
        "{compared:?}"
    );
    let history: HistoryPage = editor
        .request(&app, Method::GET, "/api/v1/history?action=secrets_compared")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history.events.len(), 1, "{history:?}");
    let event = &history.events[0];
    assert_eq!(event.actor, "editor");
    let detail = event.detail.as_ref().unwrap();
    assert_eq!(detail["connectors"][&name], json!(["connection.password"]));
    let stored = serde_json::to_string(&history).unwrap();
    assert!(!stored.contains("a-guess") && !stored.contains(&secret));

    let mut statuses = Vec::new();
    for _ in 0..25 {
        let answer = plan(guess.clone()).await.unwrap();
        statuses.push((
            answer.status(),
            answer.headers().get("retry-after").cloned(),
        ));
    }
    let limited = statuses
        .iter()
        .position(|(status, _)| *status == StatusCode::TOO_MANY_REQUESTS)
        .expect("the plans past the limit are refused");
    assert_eq!(
        limited, 19,
        "twenty plans a minute, the first already made: {statuses:?}"
    );
    assert!(statuses[limited].1.is_some());
    let delete = format!("/api/v1/clusters/local/connectors/{}", encode(&name));
    let _ = editor.request(&app, Method::DELETE, &delete).send().await;
}

#[tokio::test]
async fn a_read_right_after_a_change_through_the_passthrough_sees_it_on_two_workers() {
    let app = TestApp::start(vec![cluster("local", stack_urls("pair"))]).await;
    let passthrough = "/api/v1/clusters/local/connect/connectors";
    let mut misses = Vec::new();
    for cycle in 0..50 {
        let name = unique("ryw");
        let config = json!({
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "tasks.max": "1",
            "topics": name,
            "file": "/dev/null",
        });
        let body = json!({"name": name, "config": config, "initial_state": "STOPPED"});
        let created = app.send(Method::POST, passthrough, Some(body)).await;
        assert_eq!(created.status(), StatusCode::CREATED, "cycle {cycle}");
        let one = format!("{passthrough}/{}", encode(&name));
        let read = app.get(&one).await.status();
        if read != StatusCode::OK {
            misses.push(format!("cycle {cycle}: read after create answered {read}"));
        }
        let deleted = app.send(Method::DELETE, &one, None).await.status();
        assert_eq!(deleted, StatusCode::NO_CONTENT, "cycle {cycle}");
        let read = app.get(&one).await.status();
        if read != StatusCode::NOT_FOUND {
            misses.push(format!("cycle {cycle}: read after delete answered {read}"));
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
}
