//! Serves the browser app built into `frontend/dist`.
//!
//! In release builds the files are embedded in the binary, so the binary is all a user copies;
//! in debug builds they are read from disk, so a rebuilt frontend shows without recompiling.
//! Paths that are not files get `index.html`, so deep links and reloads work.

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../frontend/dist"]
#[allow_missing = true]
struct Assets;

const INDEX: &str = "index.html";

/// The asset at the request path, or `index.html` for client-side routes.
pub async fn serve_asset(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let (name, file) = match Assets::get(path) {
        Some(file) if !path.is_empty() => (path, file),
        _ => match Assets::get(INDEX) {
            Some(index) => (INDEX, index),
            None => return app_not_built(),
        },
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    (
        [
            (header::CONTENT_TYPE, mime.as_ref()),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        file.data,
    )
        .into_response()
}

fn app_not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The Plugboard browser app is not built. Run scripts/build-frontend.sh, or use the API under /api/v1.\n",
    )
        .into_response()
}
