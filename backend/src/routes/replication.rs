//! MirrorMaker 2 replication: every flow the Connect clusters the caller sees run, a flow
//! created or edited from the console's form ([`flows`]), and a consumer group's failover to a
//! flow's target ([`failover`]).

mod failover;
mod flows;

use api_types::{Me, Replication};
use axum::extract::State;
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::guard::sees;
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
/// each flow's stored source offsets are asked of Connect at most once per cache period.
#[utoipa::path(get, path = "/replication", responses((status = 200, body = api_types::Replication), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on any cluster"))))]
async fn get_replication(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
) -> Json<Replication> {
    let sources = state.replication_sources();
    Json(crate::replication::replication(&sources, |cluster| sees(&me, cluster)).await)
}
