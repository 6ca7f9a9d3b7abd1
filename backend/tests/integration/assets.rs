//! The browser app's files as scripts/test.sh builds them: `index.html` revalidated with its
//! ETag (a reload costs a 304), every other file named by its content's hash and cached for
//! good, and the Brotli or gzip variant made at build time sent to browsers that accept it; the
//! dashboard's page names the connector list for the browser to fetch beside the app's code.

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};

use api_types::Role;

use crate::access::{PASSWORD, everywhere, session};
use crate::support::{TestApp, cluster};

/// The hint, in a page, to fetch the connector list at once.
const LIST_PRELOAD: &str = r#"<link rel="preload" href="/api/v1/connectors" as="fetch""#;

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
    let reload = get(&app, "/", &[(IF_NONE_MATCH.as_str(), &etag)]).await;
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

#[tokio::test]
async fn the_dashboard_page_hints_at_the_list_only_to_a_caller_it_knows() {
    let clusters = vec![cluster("local", vec!["http://127.0.0.1:9".into()])];
    let users = [("viewer", PASSWORD, everywhere(Role::Viewer))];
    let app = TestApp::start_with_login(clusters, &users).await;
    let viewer = session(&app, "viewer").await;
    let cookie = viewer.cookie();

    let anonymous = get(&app, "/", &[]).await;
    let anonymous_etag = anonymous.headers()[ETAG].to_str().unwrap().to_owned();
    let anonymous_html = anonymous.text().await.unwrap();
    let signed_in = get(&app, "/", &[("cookie", &cookie)]).await;
    let signed_in_etag = signed_in.headers()[ETAG].to_str().unwrap().to_owned();
    let signed_in_headers = signed_in.headers().clone();
    let signed_in_html = signed_in.text().await.unwrap();
    let other_page = get(&app, "/history", &[("cookie", &cookie)]).await;
    let other_html = other_page.text().await.unwrap();
    let revalidated = async |etag: &str| {
        let headers = [("cookie", cookie.as_str()), (IF_NONE_MATCH.as_str(), etag)];
        get(&app, "/", &headers).await
    };
    let cached_before_signing_in = revalidated(&anonymous_etag).await;
    let reload = revalidated(&signed_in_etag).await;
    let list = get(&app, "/api/v1/connectors", &[("cookie", &cookie)]).await;
    let by_name = get(&app, "/dashboard.html", &[])
        .await
        .text()
        .await
        .unwrap();

    assert!(!anonymous_html.contains(LIST_PRELOAD), "{anonymous_html}");
    assert!(signed_in_html.contains(LIST_PRELOAD), "{signed_in_html}");
    assert!(
        signed_in_html.find(LIST_PRELOAD) < signed_in_html.find("</head>"),
        "{signed_in_html}"
    );
    assert!(!other_html.contains(LIST_PRELOAD), "{other_html}");
    assert!(
        !by_name.contains(LIST_PRELOAD),
        "not by its file's name: {by_name}"
    );
    assert_ne!(anonymous_etag, signed_in_etag);
    assert_eq!(signed_in_headers[CACHE_CONTROL], "no-cache");
    assert!(
        signed_in_headers[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(cached_before_signing_in.status(), StatusCode::OK);
    assert!(
        cached_before_signing_in
            .text()
            .await
            .unwrap()
            .contains(LIST_PRELOAD)
    );
    assert_eq!(reload.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(list.status(), StatusCode::OK, "the hinted list answers");
}
