//! Alert rules (create, read, replace, delete), incidents (open or all, acknowledge, silence),
//! and the count of open incidents for the console's banner. Incidents are those of clusters
//! the caller has a role on; a rule's webhook URL (often a secret, as Slack's are) is shown to
//! admins only.

use api_types::{AlertRule, AlertSummary, Incident, Me, Role, RuleSpec, SilenceRequest};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery};
use crate::access::guard::visible_clusters;
use crate::access::policy::{Need, Scope};
use crate::alerts::{incidents, rules};
use crate::error::ApiError;
use crate::secrets::PLACEHOLDER;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rules))
        .routes(routes!(create_rule))
        .routes(routes!(get_rule))
        .routes(routes!(replace_rule))
        .routes(routes!(delete_rule))
        .routes(routes!(list_incidents))
        .routes(routes!(get_incident))
        .routes(routes!(acknowledge))
        .routes(routes!(silence))
        .routes(routes!(summary))
}

/// The rule as `me` may see it: without its webhook URL unless `me` is an admin.
fn shown(mut rule: AlertRule, me: &Me) -> AlertRule {
    if !me.may(Role::Admin, None) && rule.spec.webhook_url.is_some() {
        rule.spec.webhook_url = Some(PLACEHOLDER.to_owned());
    }
    rule
}

#[utoipa::path(get, path = "/alerts/rules", responses((status = 200, body = Vec<api_types::AlertRule>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn list_rules(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> Result<Json<Vec<AlertRule>>, ApiError> {
    let rules = rules::list(&state.db).await?;
    Ok(Json(rules.into_iter().map(|r| shown(r, &me)).collect()))
}

#[utoipa::path(post, path = "/alerts/rules", request_body = api_types::RuleSpec, responses((status = 201, body = api_types::AlertRule), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("admin everywhere"))))]
async fn create_rule(
    State(state): State<AppState>,
    ApiJson(spec): ApiJson<RuleSpec>,
) -> Result<(StatusCode, Json<AlertRule>), ApiError> {
    check_cluster(&state, &spec)?;
    Ok((
        StatusCode::CREATED,
        Json(rules::save(&state.db, None, &spec).await?),
    ))
}

#[utoipa::path(get, path = "/alerts/rules/{id}", params(("id" = i64, Path)), responses((status = 200, body = api_types::AlertRule), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn get_rule(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AlertRule>, ApiError> {
    Ok(Json(shown(rules::get(&state.db, id).await?, &me)))
}

#[utoipa::path(put, path = "/alerts/rules/{id}", params(("id" = i64, Path)), request_body = api_types::RuleSpec, responses((status = 200, body = api_types::AlertRule), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("admin everywhere"))))]
async fn replace_rule(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(spec): ApiJson<RuleSpec>,
) -> Result<Json<AlertRule>, ApiError> {
    check_cluster(&state, &spec)?;
    Ok(Json(rules::save(&state.db, Some(id), &spec).await?))
}

#[utoipa::path(delete, path = "/alerts/rules/{id}", params(("id" = i64, Path)), responses((status = 204, description = "Removed"), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("admin everywhere"))))]
async fn delete_rule(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    rules::delete(&state.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A rule naming a cluster must name a configured one.
fn check_cluster(state: &AppState, spec: &RuleSpec) -> Result<(), ApiError> {
    match &spec.cluster {
        Some(id) => state.clusters.get(id).map(drop).map_err(Into::into),
        None => Ok(()),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct IncidentQuery {
    #[serde(default)]
    open: bool,
    limit: Option<u32>,
}

#[utoipa::path(get, path = "/alerts/incidents", params(IncidentQuery), responses((status = 200, body = Vec<api_types::Incident>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn list_incidents(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiQuery(query): ApiQuery<IncidentQuery>,
) -> Result<Json<Vec<Incident>>, ApiError> {
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let clusters = visible_clusters(&me);
    let list = incidents::list(&state.db, query.open, limit, clusters.as_deref()).await?;
    Ok(Json(list))
}

/// Incident `id` if the caller holds `role` on its cluster; one of a cluster the caller has no
/// role on is not found.
async fn incident_for(
    state: &AppState,
    me: &Me,
    id: i64,
    role: Role,
) -> Result<Incident, ApiError> {
    let incident = incidents::get(&state.db, id, visible_clusters(me).as_deref()).await?;
    Need::Role(role, Scope::Cluster(incident.cluster.clone())).check(me)?;
    Ok(incident)
}

#[utoipa::path(get, path = "/alerts/incidents/{id}", params(("id" = i64, Path)), responses((status = 200, body = api_types::Incident), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn get_incident(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Incident>, ApiError> {
    Ok(Json(incident_for(&state, &me, id, Role::Viewer).await?))
}

#[utoipa::path(post, path = "/alerts/incidents/{id}/acknowledge", params(("id" = i64, Path)), responses((status = 200, body = api_types::Incident), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("operator on any cluster"))))]
async fn acknowledge(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Incident>, ApiError> {
    incident_for(&state, &me, id, Role::Operator).await?;
    Ok(Json(incidents::acknowledge(&state.db, id).await?))
}

#[utoipa::path(post, path = "/alerts/incidents/{id}/silence", params(("id" = i64, Path)), request_body = api_types::SilenceRequest, responses((status = 200, body = api_types::Incident), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("operator on any cluster"))))]
async fn silence(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<SilenceRequest>,
) -> Result<Json<Incident>, ApiError> {
    if request.minutes == 0 || request.minutes > 7 * 24 * 60 {
        return Err(ApiError::BadRequest(
            "minutes must be between 1 and 10080 (a week)".into(),
        ));
    }
    incident_for(&state, &me, id, Role::Operator).await?;
    Ok(Json(
        incidents::silence(&state.db, id, request.minutes).await?,
    ))
}

#[utoipa::path(get, path = "/alerts/summary", responses((status = 200, body = api_types::AlertSummary), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn summary(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> Result<Json<AlertSummary>, ApiError> {
    let clusters = visible_clusters(&me);
    Ok(Json(
        incidents::summary(&state.db, clusters.as_deref()).await?,
    ))
}
