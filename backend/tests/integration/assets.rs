//! The browser app's files as scripts/test.sh builds them: `index.html` revalidated with its
//! ETag (a reload costs a 304), every other file named by its content's hash and cached for
//! good, and the Brotli or gzip variant made at build time sent to browsers that accept it.

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};

use crate::support::{TestApp, cluster};

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.http.get(format!("{}{path}", app.base_url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// The path of the first `src` or `href` in `html` that ends with `suffix`.
fn linked(html: &str, suffix: &str) -> String {
    html.split('"')
        .find(|part| part.starts_with('/') && part.ends_with(suffix))
        .unwrap_or_else(|| panic!("no link to a {suffix} file in {html}"))
        .to_owned()
}

#[tokio::test]
async fn a_reload_costs_a_304_and_hashed_files_are_cached_for_good_precompressed() {
    let app = TestApp::start(vec![cluster("local", vec!["http://127.0.0.1:9".into()])]).await;

    let first = get(&app, "/", &[]).await;
    assert_eq!(first.status(), StatusCode::OK, "is frontend/dist built?");
    assert_eq!(first.headers()[CACHE_CONTROL], "no-cache");
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let html = first.text().await.unwrap();
    let reload = get(&app, "/clusters/local", &[(IF_NONE_MATCH.as_str(), &etag)]).await;
    let boot_path = linked(&html, ".js");
    let boot = get(&app, &boot_path, &[]).await;
    let boot_headers = boot.headers().clone();
    let boot = boot.text().await.unwrap();
    let wasm_path = linked(&boot, ".wasm");
    let brotli = get(
        &app,
        &wasm_path,
        &[(ACCEPT_ENCODING.as_str(), "gzip, deflate, br")],
    )
    .await;
    let gzip = get(
        &app,
        &wasm_path,
        &[(ACCEPT_ENCODING.as_str(), "gzip, br;q=0")],
    )
    .await;
    let plain = get(&app, &wasm_path, &[]).await;

    assert_eq!(reload.status(), StatusCode::NOT_MODIFIED);
    assert!(reload.bytes().await.unwrap().is_empty());
    assert!(
        boot_path.split('.').any(|part| part.len() == 12),
        "{boot_path} names its hash"
    );
    assert_eq!(
        boot_headers[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(brotli.headers()[CONTENT_ENCODING], "br");
    assert_eq!(brotli.headers()[CONTENT_TYPE], "application/wasm");
    assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    let wasm = plain.bytes().await.unwrap();
    let sizes = [
        brotli.bytes().await.unwrap().len(),
        gzip.bytes().await.unwrap().len(),
        wasm.len(),
    ];
    assert!(sizes[0] < sizes[1] && sizes[1] < sizes[2], "{sizes:?}");
    assert_eq!(
        &wasm[..4],
        b"\0asm",
        "without an encoding it is the wasm itself"
    );
}
