//! Signing in and out, and who the console is acting as.

use api_types::{Login, Me};

use super::{ApiResult, change_json, get_json, send_change};

/// `GET /api/v1/auth/me`: the signed-in user, or an error when nobody is.
pub async fn me() -> ApiResult<Me> {
    get_json("/api/v1/auth/me").await
}

/// `POST /api/v1/auth/login`.
pub async fn login(name: String, password: String) -> ApiResult<Me> {
    change_json(
        "POST",
        "/api/v1/auth/login",
        &Login { name, password },
        None,
    )
    .await
}

/// `POST /api/v1/auth/logout`.
pub async fn logout() -> ApiResult<()> {
    send_change("POST", "/api/v1/auth/logout", None::<&()>, None)
        .await
        .map(drop)
}
