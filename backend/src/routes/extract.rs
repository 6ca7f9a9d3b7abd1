//! The extractors of Plugboard's routes: path parameters, JSON bodies and query strings
//! refused in the one error shape (axum's own refusals are plain text), and a connector's
//! `{cluster}` and `{name}` with the name checked.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;

use crate::error::ApiError;
use plugboard_connect::ConnectorName;

/// A route's path parameters, refused in the one error shape when they do not parse (axum's
/// own refusal is plain text).
pub(crate) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// `{cluster}` and `{name}` of a connector's route, the name checked as a [`ConnectorName`].
pub(crate) struct ConnectorPath {
    pub cluster: String,
    pub name: ConnectorName,
}

impl<S: Send + Sync> FromRequestParts<S> for ConnectorPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiPath(params) =
            ApiPath::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        let param = |key: &str| params.get(key).cloned().unwrap_or_default();
        Ok(Self {
            cluster: param("cluster"),
            name: ConnectorName::new(&param("name"))?,
        })
    }
}

/// A JSON body, refused as a 400 (or a 413 when too large) in the one error shape.
pub(crate) struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(request, state).await?;
        Ok(Self(value))
    }
}

/// A query string, refused as a 400 in the one error shape.
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}
