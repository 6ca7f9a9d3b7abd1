//! A consumer group's failover to a flow's target, confirmed after a dry run and recorded.

use api_types::{Action, FailoverReport, FailoverRequest, MirrorRole, Outcome};
use axum::Json;
use axum::extract::State;
use serde_json::json;

use crate::error::ApiError;
use crate::replication::failover;
use crate::routes::{ApiJson, ApiPath, ChangeOrigin};
use crate::state::AppState;

/// Fails a consumer group over to the target of the flow `source` → `target` that Connect
/// cluster `cluster` runs: its offsets on the target's Kafka set to MirrorMaker 2's newest
/// checkpoints of them. With `dry_run`, only says what would be set. Refused (409) while the
/// group has members on the target or no checkpoint; the change, done or failed, is in the
/// history under the flow's checkpoint connector, with who and why.
#[utoipa::path(post, path = "/clusters/{cluster}/replication/failover", params(("cluster" = String, Path, description = "The Connect cluster that runs the flow")), request_body = api_types::FailoverRequest, responses((status = 200, body = api_types::FailoverReport), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("group_failover on cluster"))))]
pub(super) async fn fail_over(
    State(state): State<AppState>,
    ApiPath(cluster): ApiPath<String>,
    origin: ChangeOrigin,
    ApiJson(request): ApiJson<FailoverRequest>,
) -> Result<Json<FailoverReport>, ApiError> {
    state.writable_cluster(&cluster)?;
    let sources = state.replication_sources();
    let replication = crate::replication::replication(&sources, |c| c == cluster).await;
    let flow = replication
        .flows
        .into_iter()
        .find(|f| f.source.alias == request.source && f.target.alias == request.target)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no MirrorMaker 2 flow from `{}` to `{}` on cluster `{cluster}`",
                request.source, request.target
            ))
        })?;
    let group = flow
        .groups
        .iter()
        .find(|g| g.group == request.group)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "the flow checkpoints no group `{}` that committed a replicated topic",
                request.group
            ))
        })?;
    let target_id = flow.target.kafka.clone().ok_or_else(|| {
        ApiError::KafkaNotConfigured(format!("the flow's target `{}`", request.target))
    })?;
    let report = failover::plan(group, &target_id, request.dry_run);
    if request.dry_run {
        return Ok(Json(report));
    }
    let checkpoint_connector = flow
        .connectors
        .iter()
        .find(|c| c.role == MirrorRole::Checkpoint)
        .map(|c| c.name.clone());
    let detail = json!({
        "group": report.group,
        "source": request.source,
        "target": request.target,
        "target_kafka": target_id,
        "offsets": report.offsets,
        "untranslated": report.untranslated,
    });
    let intent = origin.local_intent(Action::GroupFailover, checkpoint_connector, detail);
    let done = match &report.blocked {
        Some(why) => Err(ApiError::Conflict(why.clone())),
        None => {
            let target = state
                .settings
                .kafka
                .get(&target_id)
                .cloned()
                .ok_or_else(|| ApiError::KafkaNotConfigured(target_id.clone()))?;
            let (group, offsets) = (report.group.clone(), report.offsets.clone());
            let timeout = state.settings.kafka_timeout;
            tokio::task::spawn_blocking(move || {
                failover::commit(&target, &group, &offsets, timeout)
            })
            .await
            .map_err(|e| ApiError::KafkaUnavailable(e.to_string()))?
            .map_err(ApiError::KafkaUnavailable)
        }
    };
    let (outcome, message) = match &done {
        Ok(()) => (Outcome::Success, None),
        Err(e) => (Outcome::Failure, Some(e.to_string())),
    };
    state
        .history
        .record_done(&cluster, intent, outcome, message)
        .await?;
    done.map(|()| Json(report))
}
