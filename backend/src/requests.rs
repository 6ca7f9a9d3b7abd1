//! Each request's id and its line in the access log. The id is the caller's `X-Request-Id`
//! when it sends a sane one, else a new random one; it is answered in `X-Request-Id`, sent to
//! Connect with every call the request makes, and stored on the history row the request
//! causes, so one action can be followed from the browser to Connect and into the history.
//! After the answer, one INFO line: method, path (never the query), status, duration, actor
//! and id.

use std::cell::RefCell;
use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The header that carries the id, both ways.
pub(crate) use plugboard_connect::REQUEST_ID;

/// What the access log line needs that only the handlers learn.
struct Current {
    id: String,
    actor: Option<String>,
    began: Instant,
}

tokio::task_local! {
    static CURRENT: RefCell<Current>;
}

/// The id of the request being served, if any (background work has none).
pub(crate) fn current_id() -> Option<String> {
    CURRENT.try_with(|c| c.borrow().id.clone()).ok()
}

/// When the request being served began, if any (its calls share one wait for the budget).
pub(crate) fn current_began() -> Option<Instant> {
    CURRENT.try_with(|c| c.borrow().began).ok()
}

/// Names the caller of the request being served, for its access log line.
pub(crate) fn set_actor(name: &str) {
    let _ = CURRENT.try_with(|c| c.borrow_mut().actor = Some(name.to_owned()));
}

/// A new random id: 16 bytes as hex.
pub(crate) fn new_id() -> String {
    crate::random::random_hex(16)
}

/// The caller's id when it is 1 to 64 letters, digits, `-`, `_` or `.`.
fn sane(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub(crate) async fn track(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| sane(id))
        .map_or_else(new_id, str::to_owned);
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let started = Instant::now();
    let current = RefCell::new(Current {
        id: id.clone(),
        actor: None,
        began: started,
    });
    let (mut response, actor) = CURRENT
        .scope(current, async move {
            let response = next.run(request).await;
            (response, CURRENT.with(|c| c.borrow_mut().actor.take()))
        })
        .await;
    let status = response.status().as_u16();
    tracing::info!(
        target: "plugboard::access",
        %method,
        path = %path.escape_debug(),
        status,
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        actor = actor.as_deref().unwrap_or("-"),
        request_id = %id,
        "{method} {} {status}",
        path.escape_debug()
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callers_id_is_kept_only_when_it_is_short_and_plain() {
        assert!(sane("7f3c-ab_12.x"));
        assert!(!sane(""));
        assert!(!sane(&"a".repeat(65)));
        assert!(!sane("id with space"));
        assert!(!sane("id\nforged: log line"));
    }
}
