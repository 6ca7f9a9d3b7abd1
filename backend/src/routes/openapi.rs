//! The OpenAPI 3.1 document of Plugboard's own API (`/api/v1`), generated from the handlers'
//! `#[utoipa::path]` annotations and the wire types of `api-types`, and served at
//! `/api/v1/openapi.json`. The Connect-compatible passthrough is Connect's own API (its
//! documentation describes it), so it is not in here.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

use super::{
    access, alerts, bulk, clusters, connector_actions, connectors, history, kafka, loggers,
    offsets, plugins, records, specs,
};
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plugboard",
        description = "A console and gateway for Kafka Connect: its own API, used by its console. Every error has the shape {\"error\": {\"code\", \"message\"}}."
    ),
    components(schemas(api_types::LagRange)),
    paths(
        access::login,
        access::logout,
        access::me,
        access::change_own_password,
        access::list_users,
        access::create_user,
        access::update_user,
        access::delete_user,
        access::list_tokens,
        access::create_token,
        access::revoke_token,
        alerts::list_rules,
        alerts::create_rule,
        alerts::get_rule,
        alerts::replace_rule,
        alerts::delete_rule,
        alerts::list_incidents,
        alerts::get_incident,
        alerts::acknowledge,
        alerts::silence,
        alerts::summary,
        bulk::run_bulk_action,
        clusters::list_clusters,
        clusters::get_cluster,
        connector_actions::create_connector,
        connector_actions::replace_connector_config,
        connector_actions::patch_connector_config,
        connector_actions::delete_connector,
        connector_actions::pause_connector,
        connector_actions::resume_connector,
        connector_actions::stop_connector,
        connector_actions::restart_connector,
        connector_actions::restart_task,
        connector_actions::reset_connector_topics,
        connectors::list_connectors,
        connectors::list_cluster_connectors,
        connectors::get_connector,
        history::list_history,
        history::export_history,
        history::diff_versions,
        history::get_history_event,
        history::roll_back_connector,
        history::list_state_transitions,
        specs::export_specs,
        records::read_records,
        records::dead_letters_of,
        records::replay_dead_letters,
        specs::cluster_drift,
        specs::plan_specs,
        specs::apply_specs,
        kafka::get_status,
        kafka::list_topics,
        kafka::get_topic,
        kafka::list_groups,
        kafka::get_group,
        kafka::get_lag_history,
        kafka::get_connector_kafka,
        loggers::list_loggers,
        loggers::list_worker_loggers,
        loggers::get_logger_level,
        loggers::set_logger_level,
        offsets::alter_connector_offsets,
        offsets::reset_connector_offsets,
        plugins::list_plugins,
        plugins::list_worker_plugins,
        plugins::get_plugin_config,
        plugins::validate_config
    )
)]
struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(get_openapi))
}

async fn get_openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
