//! A fake Connect worker, for what the real stack cannot produce on demand: a worker that is
//! slow past the timeout, answers 500, or answers 409 in the middle of a rebalance. Requests of
//! one method play a script of answers (repeating the last one) and are counted; any other
//! request (such as the history's look at a config) gets Connect's 404.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;

/// One scripted answer.
#[derive(Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl Answer {
    pub(crate) fn new(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.to_owned(),
            delay: Duration::ZERO,
        }
    }

    /// Connect's error body shape with this status and message.
    pub(crate) fn error(status: u16, message: &str) -> Self {
        Self::new(
            status,
            &format!(r#"{{"error_code":{status},"message":"{message}"}}"#),
        )
    }

    pub(crate) fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Clone)]
struct Script {
    method: Method,
    answers: Arc<Mutex<VecDeque<Answer>>>,
    hits: Arc<AtomicUsize>,
    /// Requests of the scripted method being answered now, and the most there ever were.
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

pub(crate) struct FakeWorker {
    pub url: String,
    script: Script,
}

impl FakeWorker {
    /// A worker answering `method` requests from the script.
    pub(crate) async fn start(method: Method, answers: Vec<Answer>) -> Self {
        let script = Script {
            method,
            answers: Arc::new(Mutex::new(answers.into())),
            hits: Arc::default(),
            in_flight: Arc::default(),
            most_in_flight: Arc::default(),
        };
        let app = Router::new().fallback(answer).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, script }
    }

    /// The most requests of the scripted method this worker answered at the same time.
    pub(crate) fn most_in_flight(&self) -> usize {
        self.script.most_in_flight.load(Ordering::SeqCst)
    }

    /// How many requests of the scripted method reached this worker.
    pub(crate) fn hits(&self) -> usize {
        self.script.hits.load(Ordering::SeqCst)
    }
}

async fn answer(State(script): State<Script>, method: Method) -> impl IntoResponse {
    if method != script.method {
        let not_found = Answer::error(404, "Connector x not found");
        return (
            StatusCode::NOT_FOUND,
            [("content-type", "application/json")],
            not_found.body,
        );
    }
    script.hits.fetch_add(1, Ordering::SeqCst);
    let next = {
        let mut answers = script.answers.lock().unwrap();
        if answers.len() > 1 {
            answers.pop_front().unwrap()
        } else {
            answers
                .front()
                .cloned()
                .expect("the script has at least one answer")
        }
    };
    let now = script.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    script.most_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(next.delay).await;
    script.in_flight.fetch_sub(1, Ordering::SeqCst);
    (
        StatusCode::from_u16(next.status).unwrap(),
        [("content-type", "application/json")],
        next.body,
    )
}
