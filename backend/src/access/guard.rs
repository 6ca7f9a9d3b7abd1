//! The middleware in front of every route: without login, answers only to loopback host
//! names; refuses cross-site changes, recognises the caller, checks a session's changes for
//! their CSRF token, and applies [`super::policy`]. The caller goes on to the handlers as an
//! [`api_types::Me`] request extension, and a passthrough request as the
//! [`super::passthrough::Passthrough`] it was judged as.

use std::net::SocketAddr;
use std::sync::Arc;

use api_types::{Me, Role, SignedInVia, role_on};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::policy::{self, Need, RouteNeeds};
use super::{Access, sessions, sha256_hex, tokens, users};
use crate::config::{KafkaClusters, Settings};
use crate::db::Db;
use crate::error::ApiError;
use crate::random::hex;
use crate::serve::ClientAddr;
use crate::state::AppState;

/// The header the console sends its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What the guard judges with: the settings, the users, sessions and tokens it identifies
/// callers from, and what each documented route needs.
#[derive(Clone)]
pub struct Guard {
    pub settings: Arc<Settings>,
    pub access: Access,
    pub db: Db,
    pub routes: Arc<RouteNeeds>,
}

pub async fn guard(State(guard): State<Guard>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<ClientAddr>>()
        .map(|c| c.0.0);
    let uri = request.uri();
    let asked = Asked {
        method: request.method().clone(),
        path: uri.path().to_owned(),
        host: uri.authority().map(|a| a.as_str().to_owned()),
        headers: request.headers().clone(),
        peer,
    };
    let judged = policy::judge(&guard.routes, &asked.method, &asked.path, uri.query());
    match admit(&guard, &asked, &judged.need).await {
        Ok(me) => {
            match judged.passthrough {
                Some(Err(refused)) => return refused.error.into_response(),
                Some(Ok(passthrough)) => {
                    request.extensions_mut().insert(passthrough);
                }
                None => {}
            }
            if let Some(me) = me {
                request.extensions_mut().insert(me);
            }
            next.run(request).await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// What the guard looks at (the request itself holds a body that cannot wait across awaits).
struct Asked {
    method: Method,
    path: String,
    /// The authority of an absolute request URI (HTTP/2's `:authority`).
    host: Option<String>,
    headers: HeaderMap,
    peer: Option<SocketAddr>,
}

/// The caller, if known, or why the request is refused.
async fn admit(guard: &Guard, asked: &Asked, need: &Need) -> Result<Option<Me>, ApiError> {
    let (method, headers) = (&asked.method, &asked.headers);
    if !guard.settings.access.login_required {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or(asked.host.as_deref());
        super::host::refuse_foreign_host(host, guard.settings.bind)?;
    }
    let changes = !(policy::is_read(method) || method == Method::OPTIONS);
    if changes {
        refuse_cross_site(headers)?;
    }
    if *need == Need::Nothing && !asked.path.starts_with("/api/") {
        // The browser app's files and health checks: nobody needs to be known. The dashboard's
        // page is told who asks (if anyone known), to hint at the list it will fetch (spa.rs).
        if asked.path != "/" {
            return Ok(None);
        }
        let db = &guard.db;
        let known = identify(&guard.settings, &guard.access, db, headers, asked.peer).await;
        return Ok(known.unwrap_or(None));
    }
    let me = identify(
        &guard.settings,
        &guard.access,
        &guard.db,
        headers,
        asked.peer,
    )
    .await?;
    if *need == Need::Nothing {
        return Ok(me);
    }
    let Some(me) = me else {
        return Err(ApiError::Unauthenticated(
            "sign in, or send an API token as `Authorization: Bearer …`".into(),
        ));
    };
    let ambient = matches!(me.via, SignedInVia::Session | SignedInVia::Proxy);
    if changes && ambient {
        let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        let expected = me.csrf_token.as_deref().unwrap_or_default();
        if !sent.is_some_and(|s| same(s, expected)) {
            return Err(ApiError::CsrfRefused(format!(
                "a change needs the session's token in the {CSRF_HEADER} header"
            )));
        }
    }
    need.check(&me)?;
    crate::requests::set_actor(&me.name);
    Ok(Some(me))
}

/// Who is calling: a token, then the trusted proxy's header, then a session; when nobody
/// signs in, anyone else is the open caller.
async fn identify(
    server: &Settings,
    access: &Access,
    db: &Db,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Result<Option<Me>, ApiError> {
    let settings = &server.access;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(token) = header("authorization").and_then(|v| v.strip_prefix("Bearer ")) {
        let user = tokens::user_of(db, token.trim()).await?.ok_or_else(|| {
            ApiError::Unauthenticated("the API token is unknown or revoked".into())
        })?;
        return caller(db, &user, SignedInVia::Token, None).await;
    }
    if let Some(trusted) = &settings.trusted_header {
        let from_proxy = peer.is_some_and(|p| trusted.proxies.contains(&p.ip()));
        if let Some(user) = header(&trusted.header).filter(|_| from_proxy) {
            let csrf = proxy_csrf_token(access, user);
            let known = caller(db, user, SignedInVia::Proxy, Some(csrf.clone())).await?;
            let default = trusted.default_role.map(|role| Me {
                name: user.to_owned(),
                grants: vec![api_types::Grant {
                    role,
                    clusters: Vec::new(),
                }],
                via: SignedInVia::Proxy,
                csrf_token: Some(csrf),
            });
            return Ok(known.or(default));
        }
    }
    let session_id = header(header::COOKIE.as_str()).and_then(sessions::from_cookie_header);
    if let Some(id) = session_id
        && let Some(session) = sessions::find(db, id).await?
    {
        let csrf = Some(session.csrf_token);
        return caller(db, &session.user, SignedInVia::Session, csrf).await;
    }
    if settings.login_required {
        Ok(None)
    } else {
        Ok(Some(access.open_caller(&server.actor)))
    }
}

/// Whether the caller of a long answer (an event stream) is still who it was, with the same
/// grants: its session not ended, its token not revoked, its user neither removed nor changed.
pub(crate) async fn still_the_caller(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    me: &Me,
) -> bool {
    let now = identify(&state.settings, &state.access, &state.db, headers, peer).await;
    matches!(now, Ok(Some(now)) if now.name == me.name && now.grants == me.grants)
}

/// The user `name` with its grants, if it exists.
async fn caller(
    db: &Db,
    name: &str,
    via: SignedInVia,
    csrf_token: Option<String>,
) -> Result<Option<Me>, ApiError> {
    Ok(users::get(db, name).await?.map(|user| Me {
        name: user.name,
        grants: user.grants,
        via,
        csrf_token,
    }))
}

/// A proxy's users have no session row: their CSRF token is derived from the installation's
/// secret and their name.
pub fn proxy_csrf_token(access: &Access, user: &str) -> String {
    sha256_hex(&format!("{}:csrf:{user}", hex(&access.secret)))
}

/// Compares two tokens in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A browser marks a request another site makes it send: `Sec-Fetch-Site`, and an `Origin`
/// whose host is not the one asked. Either refuses a change, whoever the caller is.
fn refuse_cross_site(headers: &HeaderMap) -> Result<(), ApiError> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    let fetch_site = header(header::HeaderName::from_static("sec-fetch-site"));
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return Err(ApiError::CsrfRefused(
            "a change sent from another site is refused".into(),
        ));
    }
    if let Some(origin) = header(header::ORIGIN) {
        let origin_host = origin.split_once("://").map(|(_, host)| host);
        if origin_host.is_none() || origin_host != header(header::HOST) {
            return Err(ApiError::CsrfRefused(format!(
                "a change from origin {origin} is refused"
            )));
        }
    }
    Ok(())
}

/// Whether the caller has any role on `cluster`, for lists cut to the caller's clusters.
pub fn sees(me: &Me, cluster: &str) -> bool {
    role_on(&me.grants, Some(cluster)).is_some()
}

/// Whether `me` may name Kafka cluster `kafka_id` where `role` is needed: it holds the role
/// on a Connect cluster that runs on that Kafka, or everywhere. A Kafka cluster that no
/// Connect cluster of the caller's runs on is only for callers whose grant names no cluster.
pub fn may_use_kafka(me: &Me, role: Role, kafka: &KafkaClusters, kafka_id: &str) -> bool {
    me.may(role, None)
        || kafka
            .connect_ids()
            .any(|(connect, runs_on)| runs_on == kafka_id && me.may(role, Some(connect)))
}

/// The clusters a caller whose grants all name clusters may see; `None` for every cluster.
pub fn visible_clusters(me: &Me) -> Option<Vec<String>> {
    if role_on(&me.grants, None).is_some() {
        return None;
    }
    Some(me.grants.iter().flat_map(|g| g.clusters.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn changes_from_other_sites_are_refused_and_scripts_without_origin_pass() {
        assert!(refuse_cross_site(&headers(&[("host", "pb:8080")])).is_ok());
        assert!(
            refuse_cross_site(&headers(&[
                ("host", "pb:8080"),
                ("origin", "http://pb:8080")
            ]))
            .is_ok()
        );
        assert!(
            refuse_cross_site(&headers(&[
                ("host", "pb:8080"),
                ("origin", "https://evil.example")
            ]))
            .is_err()
        );
        assert!(refuse_cross_site(&headers(&[("host", "pb:8080"), ("origin", "null")])).is_err());
        assert!(
            refuse_cross_site(&headers(&[
                ("host", "pb:8080"),
                ("sec-fetch-site", "cross-site")
            ]))
            .is_err()
        );
    }

    #[test]
    fn tokens_compare_equal_only_when_equal() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
