//! The OpenAPI 3.1 document of Plugboard's own API (`/api/v1`), generated from the handlers'
//! `#[utoipa::path]` annotations and the wire types of `api-types`, and served at
//! `/api/v1/openapi.json`. The Connect-compatible passthrough is Connect's own API (its
//! documentation describes it), so it is not in here.

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;

use crate::state::AppState;

/// What the document says beside its paths, which the routes give.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plugboard",
        description = "A console and gateway for Kafka Connect: its own API, used by its console. Every error has the shape {\"error\": {\"code\", \"message\"}}."
    ),
    components(schemas(api_types::LagRange, api_types::ListChange))
)]
struct ApiDoc;

/// The document before the routes add their paths.
pub(super) fn described() -> Document {
    ApiDoc::openapi()
}

/// Serves `document`, whose paths (declared below `/api/v1`) get that prefix.
pub(super) fn router(mut document: Document) -> Router<AppState> {
    let paths = std::mem::take(&mut document.paths.paths);
    document.paths.paths = paths
        .into_iter()
        .map(|(path, item)| (format!("/api/v1{path}"), item))
        .collect();
    // Written once: every answer is the same bytes.
    let body = Bytes::from(serde_json::to_vec(&document).expect("the document serialises"));
    Router::new().route(
        "/openapi.json",
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }),
    )
}
