//! Signing in and out, who the caller is, and the management of users (admins) and API tokens
//! (each user their own; admins everyone's).

use api_types::{
    ApiToken, CreatedToken, Login, Me, NewToken, PasswordChange, Role, SignedInVia, User,
    UserChange,
};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath};
use crate::access::{limiter, login_failures, passwords, sessions, tokens, users};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::serve::ClientAddr;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_own_password))
        .routes(routes!(list_users))
        .routes(routes!(create_user))
        .routes(routes!(update_user))
        .routes(routes!(delete_user))
        .routes(routes!(list_tokens))
        .routes(routes!(create_token))
        .routes(routes!(revoke_token))
}

/// The longest user name accepted, in bytes.
const MAX_NAME_BYTES: usize = 128;

/// Checks `name`'s password under the login rate limit (per user, and per address when
/// known); every attempt counts against both until its password proves right.
async fn check_password(
    state: &AppState,
    name: &str,
    password: String,
    peer: Option<Extension<ConnectInfo<ClientAddr>>>,
) -> Result<(), ApiError> {
    if name.len() > MAX_NAME_BYTES {
        return Err(ApiError::BadRequest(format!(
            "a user name has at most {MAX_NAME_BYTES} bytes"
        )));
    }
    let mut keys = vec![(
        format!("user:{}", name.to_lowercase()),
        limiter::MAX_FAILURES,
    )];
    if let Some(Extension(ConnectInfo(ClientAddr(peer)))) = peer {
        keys.push((
            format!("addr:{}", peer.ip()),
            limiter::MAX_FAILURES_PER_ADDRESS,
        ));
    }
    // Counted in the database: the limit holds whichever replica each attempt reaches.
    let attempt = login_failures::begin(&state.db, &keys, now_ms())
        .await?
        .map_err(|retry_after_s| ApiError::TooManyAttempts { retry_after_s })?;
    let stored = users::password_hash(&state.db, name).await?;
    if !passwords::verify(password, stored).await? {
        tracing::warn!(user = %shown_name(name), "wrong password");
        return Err(ApiError::Unauthenticated(
            "wrong user name or password".into(),
        ));
    }
    login_failures::forgive(&state.db, &attempt).await?;
    Ok(())
}

/// A user name as log lines show it: at most 32 characters, control characters escaped.
fn shown_name(name: &str) -> String {
    let short: String = name.chars().take(32).collect();
    let ellipsis = if short.len() < name.len() { "…" } else { "" };
    format!("{}{ellipsis}", short.escape_debug())
}

#[utoipa::path(post, path = "/auth/login", request_body = api_types::Login, responses((status = 200, body = api_types::Me), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("anyone"))))]
async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<ClientAddr>>>,
    ApiJson(attempt): ApiJson<Login>,
) -> Result<Response, ApiError> {
    check_password(&state, &attempt.name, attempt.password, peer).await?;
    let settings = &state.settings.access;
    let ttl_s = i64::try_from(settings.session_ttl.as_secs()).unwrap_or(i64::MAX);
    let (id, csrf) = sessions::start(&state.db, &attempt.name, ttl_s.saturating_mul(1000)).await?;
    let user = users::get(&state.db, &attempt.name)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("the user was just removed".into()))?;
    tracing::info!(user = user.name, "signed in");
    let me = Me {
        name: user.name,
        grants: user.grants,
        via: SignedInVia::Session,
        csrf_token: Some(csrf),
    };
    let cookie = sessions::cookie(&id, ttl_s, settings.secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

#[utoipa::path(post, path = "/auth/logout", responses((status = 204, description = "Signed out"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("anyone"))))]
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(sessions::from_cookie_header);
    if let Some(id) = cookie {
        sessions::end(&state.db, id).await?;
    }
    let expired = sessions::cookie("", 0, state.settings.access.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, expired)]).into_response())
}

#[utoipa::path(get, path = "/auth/me", responses((status = 200, body = api_types::Me), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("anyone"))))]
async fn me(me: Option<Extension<Me>>) -> Result<Json<Me>, ApiError> {
    me.map(|Extension(me)| Json(me))
        .ok_or_else(|| ApiError::Unauthenticated("not signed in".into()))
}

/// A built-in user's own new password, given the current one; every session of the user ends.
#[utoipa::path(post, path = "/auth/password", request_body = api_types::PasswordChange, responses((status = 204, description = "Changed; every session of the user ended"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("signed in"))))]
async fn change_own_password(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    peer: Option<Extension<ConnectInfo<ClientAddr>>>,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let user = users::get(&state.db, &me.name)
        .await?
        .ok_or_else(|| ApiError::BadRequest(format!("{} is not a built-in user", me.name)))?;
    check_password(&state, &me.name, change.current, peer).await?;
    let hash = passwords::hash(change.new).await?;
    users::update(&state.db, &user.name, &user.grants, Some(&hash)).await?;
    tracing::info!(user = user.name, "password changed by its user");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/users", responses((status = 200, body = Vec<api_types::User>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("admin everywhere"))))]
async fn list_users(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(users::list(&state.db).await?))
}

#[utoipa::path(post, path = "/users", request_body = api_types::UserChange, responses((status = 201, body = api_types::User), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("admin everywhere"))))]
async fn create_user(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiJson(change): ApiJson<UserChange>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let password = (change.password)
        .ok_or_else(|| ApiError::BadRequest("a new user needs a password".into()))?;
    let hash = passwords::hash(password).await?;
    let user = users::create(&state.db, &change.name, &change.grants, &hash).await?;
    tracing::info!(by = me.name, user = user.name, "user created");
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(put, path = "/users/{name}", params(("name" = String, Path)), request_body = api_types::UserChange, responses((status = 200, body = api_types::User), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("admin everywhere"))))]
async fn update_user(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(name): ApiPath<String>,
    ApiJson(change): ApiJson<UserChange>,
) -> Result<Json<User>, ApiError> {
    let hash = match change.password {
        Some(password) => Some(passwords::hash(password).await?),
        None => None,
    };
    let user = users::update(&state.db, &name, &change.grants, hash.as_deref()).await?;
    tracing::info!(by = me.name, user = name, "user changed");
    Ok(Json(user))
}

#[utoipa::path(delete, path = "/users/{name}", params(("name" = String, Path)), responses((status = 204, description = "Removed"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("admin everywhere"))))]
async fn delete_user(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    users::delete(&state.db, &name).await?;
    tracing::info!(by = me.name, user = name, "user removed");
    Ok(StatusCode::NO_CONTENT)
}

fn is_admin(me: &Me) -> bool {
    me.may(Role::Admin, None)
}

/// Admins see every token; everyone else their own.
#[utoipa::path(get, path = "/tokens", responses((status = 200, body = Vec<api_types::ApiToken>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("signed in"))))]
async fn list_tokens(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    let only = (!is_admin(&me)).then_some(me.name.as_str());
    Ok(Json(tokens::list(&state.db, only).await?))
}

#[utoipa::path(post, path = "/tokens", request_body = api_types::NewToken, responses((status = 201, body = api_types::CreatedToken), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("signed in"))))]
async fn create_token(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiJson(new): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let user = new.user.unwrap_or_else(|| me.name.clone());
    if user != me.name && !is_admin(&me) {
        return Err(ApiError::Forbidden(
            "only admins make tokens for other users".into(),
        ));
    }
    if users::get(&state.db, &user).await?.is_none() {
        return Err(ApiError::BadRequest(format!(
            "tokens belong to built-in users, and there is no user `{user}`"
        )));
    }
    let created = tokens::create(&state.db, &new.name, &user).await?;
    tracing::info!(
        by = me.name,
        user,
        token = created.info.id,
        "API token created"
    );
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(delete, path = "/tokens/{id}", params(("id" = i64, Path)), responses((status = 200, body = api_types::ApiToken), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("signed in"))))]
async fn revoke_token(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApiToken>, ApiError> {
    let token = tokens::get(&state.db, id).await?;
    if token.user != me.name && !is_admin(&me) {
        return Err(ApiError::NotFound(format!("no token {id}")));
    }
    let revoked = tokens::revoke(&state.db, id).await?;
    tracing::info!(by = me.name, token = id, "API token revoked");
    Ok(Json(revoked))
}
