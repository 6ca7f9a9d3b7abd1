//! Connectors as code over HTTP: export a cluster's specs, plan and apply specs (what the
//! `plugboard plan` and `apply` commands and CI jobs call with a token), and drift.

use std::collections::BTreeSet;

use api_types::{
    Action, ApplyReport, ApplyRequest, ClusterDrift, ConnectorSpec, Outcome, Plan, PlanRequest,
    Role,
};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery, ChangeOrigin};
use crate::error::ApiError;
use crate::specs::{apply, drift, export, plan};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_specs))
        .routes(routes!(cluster_drift))
        .routes(routes!(plan_specs))
        .routes(routes!(apply_specs))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SpecsQuery {
    /// Only this connector.
    connector: Option<String>,
    /// Answer as a file to save (`Content-Disposition: attachment`).
    #[serde(default)]
    download: bool,
}

/// The cluster's connectors as specs, every secret replaced by an `${env:...}` reference.
#[utoipa::path(get, path = "/clusters/{cluster}/specs", params(("cluster" = String, Path, description = "The cluster's id"), SpecsQuery), responses((status = 200, body = Vec<api_types::ConnectorSpec>), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn export_specs(
    State(state): State<AppState>,
    ApiPath(cluster): ApiPath<String>,
    ApiQuery(query): ApiQuery<SpecsQuery>,
) -> Result<Response, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let specs: Vec<ConnectorSpec> = export::export(client, query.connector.as_deref()).await?;
    let mut response = Json(specs).into_response();
    if query.download {
        let file = format!(
            "attachment; filename=\"{}-specs.json\"",
            safe_file_part(&cluster)
        );
        if let Ok(value) = file.parse() {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

fn safe_file_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DriftQuery {
    /// Only this connector.
    connector: Option<String>,
}

/// The cluster's connectors against the specs last applied to it.
#[utoipa::path(get, path = "/clusters/{cluster}/drift", params(("cluster" = String, Path, description = "The cluster's id"), DriftQuery), responses((status = 200, body = api_types::ClusterDrift), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn cluster_drift(
    State(state): State<AppState>,
    ApiPath(cluster): ApiPath<String>,
    ApiQuery(query): ApiQuery<DriftQuery>,
) -> Result<Json<ClusterDrift>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    Ok(Json(
        drift::cluster_drift(&state, client, query.connector.as_deref()).await?,
    ))
}

/// What applying the specs would change. Needs the editor role on every cluster they name
/// (a plan compares secret values, so it is no viewer's oracle).
#[utoipa::path(post, path = "/specs/plan", request_body = api_types::PlanRequest, responses((status = 200, body = api_types::Plan), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("editor on any cluster"))))]
async fn plan_specs(
    State(state): State<AppState>,
    origin: ChangeOrigin,
    ApiJson(request): ApiJson<PlanRequest>,
) -> Result<Json<Plan>, ApiError> {
    allowed(&origin, &request)?;
    plan::check_size(&request)?;
    limit_plans(&state, &origin)?;
    let planned = plan::plan(&state, &request).await?;
    for (cluster, detail) in plan::secrets_compared(&planned) {
        let intent = origin.local_intent(Action::SecretsCompared, None, detail);
        state
            .history
            .record_done(&cluster, intent, Outcome::Success, None)
            .await?;
    }
    Ok(Json(planned.plan))
}

/// Carries out the plan of the specs (or only plans it, with `dry_run`), recorded in the
/// history with source `apply`; the specs become their clusters' managed set.
#[utoipa::path(post, path = "/specs/apply", request_body = api_types::ApplyRequest, responses((status = 200, body = api_types::ApplyReport), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("editor on any cluster"))))]
async fn apply_specs(
    State(state): State<AppState>,
    origin: ChangeOrigin,
    ApiJson(request): ApiJson<ApplyRequest>,
) -> Result<Json<ApplyReport>, ApiError> {
    allowed(&origin, &request.plan)?;
    plan::check_size(&request.plan)?;
    limit_plans(&state, &origin)?;
    let actor = origin.actor();
    Ok(Json(apply::apply(&state, &request, actor).await?))
}

/// Plans (and applies, which plan first) per caller and minute, at most.
const PLANS_PER_MINUTE: usize = 20;

/// Counts a plan against its caller: a plan tells whether a guessed secret is right, so a
/// caller cannot make many (429 with `Retry-After` past [`PLANS_PER_MINUTE`]).
fn limit_plans(state: &AppState, origin: &ChangeOrigin) -> Result<(), ApiError> {
    let caller = origin
        .actor()
        .unwrap_or_else(|| state.settings.actor.clone());
    let counted = [(format!("plans:{caller}"), PLANS_PER_MINUTE)];
    state
        .plans
        .begin(&counted, std::time::Instant::now())
        .map(drop)
        .map_err(|retry_after_s| ApiError::RateLimited {
            message: format!(
                "{caller} made {PLANS_PER_MINUTE} plans in the last minute, the most allowed; try again in {retry_after_s} s"
            ),
            retry_after_s,
        })
}

/// The caller may create and update connectors on every cluster the specs name, and delete
/// them too when pruning.
fn allowed(origin: &ChangeOrigin, request: &PlanRequest) -> Result<(), ApiError> {
    let clusters: BTreeSet<&str> = request.specs.iter().map(|s| s.cluster.as_str()).collect();
    let mut actions = vec![
        Action::Create,
        Action::Update,
        Action::Pause,
        Action::Resume,
        Action::Stop,
    ];
    if request.prune {
        actions.push(Action::Delete);
    }
    let role = actions
        .iter()
        .map(|a| a.role())
        .max()
        .unwrap_or(Role::Editor);
    clusters
        .into_iter()
        .try_for_each(|cluster| origin.require(role, cluster))
}
