//! Serves the browser app built into `frontend/dist`.
//!
//! In release builds the files are embedded in the binary, so the binary is all a user copies;
//! in debug builds they are read from disk, so a rebuilt frontend shows without recompiling.
//! Paths that are not files get `index.html`, so deep links and reloads work.
//!
//! Every file but `index.html` has its content's hash in its name (scripts/build-frontend.sh),
//! so it is cached for good (`immutable`); `index.html`, which names them, is revalidated with
//! its ETag (a reload costs a 304). The Brotli or gzip variant made at build time is sent when
//! the browser accepts it.
//!
//! The dashboard's page (`/`), asked for by a caller the access guard knows, also tells the
//! browser to fetch the connector list at once, beside the app's code, so the list is there
//! when the dashboard asks for it instead of after the app has started. A caller who is not
//! signed in gets no such hint: the answer would be a refusal the dashboard must not reuse
//! once signed in.

use api_types::Me;
use axum::Extension;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../frontend/dist"]
#[allow_missing = true]
struct Assets;

const INDEX: &str = "index.html";
const FOREVER: &str = "public, max-age=31536000, immutable";
/// `index.html` with a hint in its head to fetch the connector list at once, beside the app's
/// code (the dashboard's own request for the same URL takes the answer); made by
/// scripts/build-frontend.sh, served for `/` only, and with an ETag of its own, so a page
/// cached before signing in is not taken for this one.
const DASHBOARD: &str = "dashboard.html";

/// The asset at the request path, or `index.html` for client-side routes (the dashboard's
/// page for `/` when the caller is known).
pub(crate) async fn serve_asset(
    uri: Uri,
    headers: HeaderMap,
    caller: Option<Extension<Me>>,
) -> Response {
    let path = uri.path().trim_start_matches('/');
    let page = if path.is_empty() && caller.is_some() {
        DASHBOARD
    } else {
        INDEX
    };
    let name = match Assets::get(path) {
        Some(_) if !path.is_empty() && path != DASHBOARD => path,
        _ if Assets::get(page).is_some() => page,
        _ => return app_not_built(),
    };
    let hashed = name != INDEX && name != DASHBOARD;
    let etag = Assets::get(name).map(|file| etag_of(&file.metadata.sha256_hash()));
    if !hashed && etag.is_some() && if_none_match(&headers) == etag.as_deref() {
        return (StatusCode::NOT_MODIFIED, caching(hashed, etag.as_deref())).into_response();
    }
    let (file, encoding) = match preferred_variant(name, &headers) {
        Some((file, encoding)) => (file, Some(encoding)),
        None => match Assets::get(name) {
            Some(file) => (file, None),
            None => return app_not_built(),
        },
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let mut response = (caching(hashed, etag.as_deref()), file.data).into_response();
    let answer = response.headers_mut();
    answer.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref()).expect("a MIME type is a header value"),
    );
    answer.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        answer.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// How long the browser may keep a file: for good when its name holds its hash, else it asks
/// again each time with the ETag.
fn caching(hashed: bool, etag: Option<&str>) -> [(header::HeaderName, HeaderValue); 2] {
    let cache = if hashed { FOREVER } else { "no-cache" };
    let etag = etag
        .and_then(|e| HeaderValue::from_str(e).ok())
        .unwrap_or_else(|| HeaderValue::from_static("\"\""));
    [
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        (header::ETAG, etag),
    ]
}

fn etag_of(sha256: &[u8]) -> String {
    let hex: String = sha256[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn if_none_match(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
}

/// The Brotli or gzip variant of `name` made at build time, when the browser accepts it.
fn preferred_variant(
    name: &str,
    headers: &HeaderMap,
) -> Option<(rust_embed::EmbeddedFile, &'static str)> {
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let accepts = |coding: &str| {
        accepted.split(',').any(|part| {
            let mut fields = part.trim().split(';');
            let named = fields.next().is_some_and(|c| c.trim() == coding);
            let refused =
                fields.any(|f| matches!(f.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            named && !refused
        })
    };
    [("br", "br"), ("gzip", "gz")]
        .into_iter()
        .filter(|(coding, _)| accepts(coding))
        .find_map(|(coding, suffix)| Some((Assets::get(&format!("{name}.{suffix}"))?, coding)))
}

fn app_not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The Plugboard browser app is not built. Run scripts/build-frontend.sh, or use the API under /api/v1.\n",
    )
        .into_response()
}
