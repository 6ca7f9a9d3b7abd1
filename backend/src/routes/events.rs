//! `/api/v1/events`: the connector list pushed to the page as server-sent events (see
//! [`crate::live`]), for the clusters the caller has a role on, or `?cluster=` only.

use api_types::Me;
use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::sse::{KeepAlive, Sse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiQuery;
use super::connectors::{ListQuery, listed_clients};
use crate::access::guard::still_the_caller;
use crate::error::ApiError;
use crate::serve::ClientAddr;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream_events))
}

/// A `snapshot` event with the whole list (as `GET /connectors` answers it), then a `changes`
/// event (`ListChange`) whenever a cluster's list differs, as soon as Plugboard sees it;
/// `reconnect` when the stream ends: every 5 minutes, or within seconds of its caller's
/// session ending or grants changing.
#[utoipa::path(get, path = "/events", params(ListQuery), responses((status = 200, description = "Server-sent events: `snapshot` (ConnectorList), `changes` (ListChange), `reconnect`", content_type = "text/event-stream", body = String), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn stream_events(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<ClientAddr>>>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let clusters = listed_clients(&state, &me, query.cluster.as_deref())?
        .iter()
        .map(|client| client.id().to_owned())
        .collect();
    let peer = peer.map(|Extension(ConnectInfo(ClientAddr(addr)))| addr);
    let judge = state.clone();
    let still_allowed = move || {
        let (state, headers, me) = (judge.clone(), headers.clone(), me.clone());
        async move { still_the_caller(&state, &headers, peer, &me).await }
    };
    let events = crate::live::stream::events(&state.live, clusters, still_allowed).await;
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
