//! MirrorMaker 2 replication: every flow the Connect clusters the caller sees run, a flow
//! created or edited from the console's form ([`flows`]), and a consumer group's failover to a
//! flow's target ([`failover`]).

mod failover;
mod flows;

use api_types::{Me, Replication, Role};
use axum::extract::State;
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::guard::{may_use_kafka, sees};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_replication))
        .routes(routes!(failover::fail_over))
        .routes(routes!(flows::check_flow))
        .routes(routes!(flows::apply_flow))
}

/// Every MirrorMaker 2 flow (found by connector class) on the Connect clusters the caller has a
/// role on: its ends matched to the configured Kafka clusters, its connectors' states, and each
/// replicated topic with its remote name and lag per partition. Read from the Kafka snapshots;
/// each flow's stored source offsets are asked of Connect at most once per cache period. The
/// Kafka clusters a flow may be drafted between are those a Connect cluster of the caller's
/// runs on (every one for a grant that names no cluster).
#[utoipa::path(get, path = "/replication", responses((status = 200, body = api_types::Replication), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn get_replication(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> Json<Replication> {
    let sources = state.replication_sources();
    let mut replication = crate::replication::replication(&sources, |c| sees(&me, c)).await;
    let kafka = &state.settings.kafka;
    replication
        .kafka_clusters
        .retain(|k| may_use_kafka(&me, Role::Viewer, kafka, &k.id));
    Json(replication)
}
