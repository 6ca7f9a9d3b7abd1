//! One async function per backend endpoint the app uses; errors become readable sentences.

use api_types::{ClusterOverview, ErrorBody};
use gloo_net::http::Request;
use serde::de::DeserializeOwned;

/// A failed call, as a sentence to show to the user.
pub type ApiResult<T> = Result<T, String>;

/// `GET /api/v1/clusters`: every configured cluster with a probe of each worker.
pub async fn list_clusters() -> ApiResult<Vec<ClusterOverview>> {
    get_json("/api/v1/clusters").await
}

async fn get_json<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let response = Request::get(path)
        .send()
        .await
        .map_err(|e| format!("Plugboard did not answer: {e}"))?;
    if !response.ok() {
        let status = response.status();
        return Err(match response.json::<ErrorBody>().await {
            Ok(body) => body.error.message,
            Err(_) => format!("Plugboard answered HTTP {status}"),
        });
    }
    response
        .json()
        .await
        .map_err(|e| format!("unexpected answer from Plugboard: {e}"))
}
