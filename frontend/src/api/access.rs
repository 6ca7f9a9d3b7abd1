//! Signing in and out, who the console is acting as, users (admins) and API tokens.

use api_types::{ApiToken, CreatedToken, Login, Me, NewToken, PasswordChange, User, UserChange};

use super::{ApiResult, Change, change_json, change_only, encode, get_json, send_change};

/// `GET /api/v1/auth/me`: the signed-in user, or an error when nobody is.
pub(crate) async fn me() -> ApiResult<Me> {
    get_json("/api/v1/auth/me").await
}

/// `POST /api/v1/auth/login`.
pub(crate) async fn login(name: String, password: String) -> ApiResult<Me> {
    change_json(
        Change::Post,
        "/api/v1/auth/login",
        &Login { name, password },
        None,
    )
    .await
}

/// `POST /api/v1/auth/logout`.
pub(crate) async fn logout() -> ApiResult<()> {
    send_change(Change::Post, "/api/v1/auth/logout", None::<&()>, None)
        .await
        .map(drop)
}

/// `POST /api/v1/auth/password`: ends every session of the user, this one too.
pub(crate) async fn change_password(change: PasswordChange) -> ApiResult<()> {
    send_change(Change::Post, "/api/v1/auth/password", Some(&change), None)
        .await
        .map(drop)
}

pub(crate) async fn list_users() -> ApiResult<Vec<User>> {
    get_json("/api/v1/users").await
}

pub(crate) async fn create_user(change: UserChange) -> ApiResult<User> {
    change_json(Change::Post, "/api/v1/users", &change, None).await
}

pub(crate) async fn update_user(name: &str, change: UserChange) -> ApiResult<User> {
    let path = format!("/api/v1/users/{}", encode(name));
    change_json(Change::Put, &path, &change, None).await
}

pub(crate) async fn delete_user(name: &str) -> ApiResult<()> {
    change_only(Change::Delete, &format!("/api/v1/users/{}", encode(name))).await
}

pub(crate) async fn list_tokens() -> ApiResult<Vec<ApiToken>> {
    get_json("/api/v1/tokens").await
}

pub(crate) async fn create_token(new: NewToken) -> ApiResult<CreatedToken> {
    change_json(Change::Post, "/api/v1/tokens", &new, None).await
}

pub(crate) async fn revoke_token(id: i64) -> ApiResult<ApiToken> {
    change_json(Change::Delete, &format!("/api/v1/tokens/{id}"), &(), None).await
}
