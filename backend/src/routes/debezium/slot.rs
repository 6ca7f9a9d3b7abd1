//! A Debezium PostgreSQL source's replication slot as its database shows it, read with the
//! database's monitoring role: WAL held back, whether the slot is read, the stored offset
//! against it (what a resume or restart will do), publication drift and unclaimed slots, and
//! its WAL over time as the slot watch recorded it.

use std::collections::{BTreeMap, BTreeSet};

use api_types::SlotHealth;
use axum::Json;
use axum::extract::State;
use plugboard_connect::{ConnectCall, Freshness};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{live_config, not_debezium};
use crate::config::SourceDatabase;
use crate::debezium::card::{card, postgres_slot};
use crate::debezium::postgres::SourceDatabases;
use crate::debezium::slot_health::{SlotSubject, offset_position};
use crate::debezium::slot_watch;
use crate::error::ApiError;
use crate::routes::ConnectorPath;
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_debezium_slot))
}

/// The slot of a Debezium PostgreSQL source: its WAL retained and unconsumed, whether it is
/// active, the connector's stored offset as LSNs and what a resume or restart will do given
/// both, the publication against `table.include.list`, and the database's slots no connector
/// claims (with the SQL that would drop them, never run). Needs the database configured in
/// `[[source_databases]]`; says so, and what else stops a reading, in `problem`.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}/debezium/slot", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 200, body = api_types::SlotHealth), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn get_debezium_slot(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
) -> Result<Json<SlotHealth>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let config = live_config(client, &cluster, &name).await?;
    let card = card(&config, |_| None).ok_or_else(|| not_debezium(&name))?;
    let (Some(slot_name), Some(publication)) = (card.slot, card.publication) else {
        return Err(ApiError::NotFound(format!(
            "`{name}` reads {}, which has no replication slot",
            card.database
        )));
    };
    // Connect before 3.5 has no offsets API: the guard then says there is no offset.
    let offset = client
        .get_json::<Value>(ConnectCall::GetOffsets(name.clone()))
        .await
        .ok()
        .and_then(|answer| offset_position(&answer));
    let database = state.source_databases.of_connector(&config).cloned();
    let subject = SlotSubject {
        slot_name: &slot_name,
        publication: &publication,
        database: database
            .as_ref()
            .map(|d| (d.id.clone(), SourceDatabases::access(d, &config))),
        config: &config,
        offset,
    };
    let Some(database) = database else {
        let problem = format!(
            "No source database is configured for {}:{}/{}: add a [[source_databases]] table \
             with a monitoring role (a member of pg_monitor) to see its slot.",
            config.get("database.hostname").map_or("?", String::as_str),
            config.get("database.port").map_or("5432", String::as_str),
            config.get("database.dbname").map_or("?", String::as_str),
        );
        return Ok(Json(subject.health(Err(problem), Ok(BTreeSet::new()))));
    };
    let reading = read_database(&state, &database, &config, &publication).await;
    let claimed = claimed_slots(&state, &database).await;
    let mut health = subject.health(reading.as_ref().map_err(|p| p.0.clone()), claimed);
    health.samples = slot_watch::samples(&state.db, &database.id, &slot_name).await?;
    Ok(Json(health))
}

/// The database's reading, shared for a few seconds by every page that asks for it with the
/// same user and publication.
async fn read_database(
    state: &AppState,
    database: &SourceDatabase,
    config: &BTreeMap<String, String>,
    publication: &str,
) -> Result<crate::debezium::postgres::DatabaseReading, crate::debezium::postgres::ReadProblem> {
    let user = match SourceDatabases::access(database, config) {
        api_types::DatabaseAccess::Monitoring { user }
        | api_types::DatabaseAccess::ConnectorCredentials { user } => user,
    };
    let key = (database.id.clone(), user, publication.to_owned());
    if let Some(reading) = state.slot_readings.get(&key) {
        return reading;
    }
    let reading = state
        .source_databases
        .read(database, config, Some(publication))
        .await;
    state.slot_readings.put(key, reading.clone());
    reading
}

/// Every slot a Debezium PostgreSQL source of any cluster claims in `database`, from the
/// clusters' (cached) connector lists; why not, when a cluster did not answer.
async fn claimed_slots(
    state: &AppState,
    database: &SourceDatabase,
) -> Result<BTreeSet<String>, String> {
    let mut claimed = BTreeSet::new();
    for client in state.clusters.all() {
        let connectors = client
            .live_connectors(Freshness::Cached)
            .await
            .map_err(|e| {
                format!(
                    "cluster `{}` did not answer ({e}), so slots its connectors claim are not known",
                    client.cluster().id
                )
            })?;
        for connector in connectors.values() {
            let config = &connector.config;
            let here = state
                .source_databases
                .of_connector(config)
                .is_some_and(|d| d.id == database.id);
            if let Some(slot) = postgres_slot(config).filter(|_| here) {
                claimed.insert(slot);
            }
        }
    }
    Ok(claimed)
}
