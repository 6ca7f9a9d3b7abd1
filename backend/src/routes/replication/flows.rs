//! A MirrorMaker 2 flow from the console's form: its three connectors built on the server
//! (the Kafka clusters' secrets never travel to the browser), checked by Connect's validation,
//! and applied through the same recorded change path as any connector.

use std::collections::{BTreeMap, HashSet};

use api_types::{Action, DraftedConnector, FlowCheck, FlowDraft, Me, Role};
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::access::guard::may_use_kafka;
use crate::error::ApiError;
use crate::replication::draft::{Drafted, Ends, build};
use crate::routes::{ApiJson, ApiPath, ChangeOrigin, change};
use crate::secrets;
use crate::state::AppState;
use plugboard_connect::{ClusterClient, ConnectCall, ConnectorName, PluginName};

/// Who asks, and the role the route needs: a flow's ends must be Kafka clusters the caller may
/// use with that role, or the check would try (and the flow copy) data of a Kafka cluster it
/// has no Connect cluster on.
struct Caller<'a> {
    me: &'a Me,
    role: Role,
}

/// The three connectors the form's `draft` makes on Connect cluster `cluster`, with notes, and
/// which of them exist.
async fn drafted(
    state: &AppState,
    client: &ClusterClient,
    caller: &Caller<'_>,
    draft: &FlowDraft,
) -> Result<(Vec<Drafted>, Vec<String>, HashSet<String>), ApiError> {
    let kafka = &state.settings.kafka;
    for id in [&draft.source_kafka, &draft.target_kafka] {
        if !may_use_kafka(caller.me, caller.role, kafka, id) {
            return Err(ApiError::Forbidden(format!(
                "{} may not use Kafka cluster `{id}` in a flow: this needs role {} on a Connect \
                 cluster that runs on it",
                caller.me.name,
                caller.role.as_str()
            )));
        }
    }
    let configured = |id: &str| {
        kafka
            .get(id)
            .ok_or_else(|| ApiError::BadRequest(format!("no Kafka cluster `{id}` is configured")))
    };
    let (source, target) = (
        configured(&draft.source_kafka)?,
        configured(&draft.target_kafka)?,
    );
    if source.id == target.id || draft.source_alias == draft.target_alias {
        return Err(ApiError::BadRequest(
            "a flow runs between two different Kafka clusters, with two different aliases".into(),
        ));
    }
    for alias in [&draft.source_alias, &draft.target_alias] {
        if alias.trim().is_empty() || alias.contains(['.', ',']) {
            return Err(ApiError::BadRequest(format!(
                "the alias `{alias}` must be a word: MirrorMaker 2 puts it before the names of \
                 remote topics"
            )));
        }
    }
    let ends = Ends {
        source,
        target,
        connect_runs_on: kafka.of_connect(client.id()),
    };
    let mut live = BTreeMap::new();
    let mut existing = HashSet::new();
    for suffix in ["source", "checkpoint", "heartbeat"] {
        let name = ConnectorName::new(&format!("{}-{suffix}", draft.name))?;
        if let Some(config) = client.live_config(&name).await {
            existing.insert(name.as_str().to_owned());
            live.insert(name.as_str().to_owned(), config);
        }
    }
    let (connectors, notes) = build(draft, &ends, &live);
    Ok((connectors, notes, existing))
}

/// Connect's validation of `connector`, its config and errors with secrets hidden.
async fn validated(
    client: &ClusterClient,
    connector: &Drafted,
    exists: bool,
) -> Result<DraftedConnector, ApiError> {
    let call = ConnectCall::ValidateConfig(PluginName::new(&connector.class)?, None);
    let answer = client.call(&call, Some(&json!(connector.config))).await?;
    let mut body: Value = serde_json::from_slice(&answer.body)
        .map_err(|e| ApiError::BadGateway(format!("Connect's validation is unreadable: {e}")))?;
    secrets::mask_answer(client, &call, &mut body).await;
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in body["configs"].as_array().into_iter().flatten() {
        let value = &entry["value"];
        let found: Vec<String> = value["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_owned))
            .collect();
        if let (Some(key), false) = (value["name"].as_str(), found.is_empty()) {
            errors.insert(key.to_owned(), found);
        }
    }
    let mut config = connector.config.clone();
    let declared = client.declared_secret_keys(&config).await;
    secrets::mask(&mut config, &declared);
    Ok(DraftedConnector {
        role: connector.role,
        name: connector.name.clone(),
        exists,
        config,
        errors,
    })
}

/// Every connector of `draft` as Connect validates it.
async fn check(
    state: &AppState,
    client: &ClusterClient,
    caller: &Caller<'_>,
    draft: &FlowDraft,
) -> Result<(FlowCheck, Vec<Drafted>, HashSet<String>), ApiError> {
    let (connectors, notes, existing) = drafted(state, client, caller, draft).await?;
    let mut checked = Vec::new();
    for connector in &connectors {
        checked.push(validated(client, connector, existing.contains(&connector.name)).await?);
    }
    let valid = checked.iter().all(|c| c.errors.is_empty());
    let report = FlowCheck {
        connectors: checked,
        valid,
        notes,
    };
    Ok((report, connectors, existing))
}

/// The three connectors a flow drafted in the form would be, each validated by Connect:
/// configs (secrets hidden), errors by key, and whether each exists already.
#[utoipa::path(post, path = "/clusters/{cluster}/replication/flows/check", params(("cluster" = String, Path, description = "The Connect cluster to run the flow")), request_body = api_types::FlowDraft, responses((status = 200, body = api_types::FlowCheck), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
pub(super) async fn check_flow(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(cluster): ApiPath<String>,
    ApiJson(draft): ApiJson<FlowDraft>,
) -> Result<Json<FlowCheck>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let caller = Caller {
        me: &me,
        role: Role::Viewer,
    };
    Ok(Json(check(&state, client, &caller, &draft).await?.0))
}

/// Creates the flow drafted in the form, or updates its connectors that exist (their other
/// settings kept), once Connect finds no error in any of the three: each change recorded in
/// the history like any connector's. A draft with errors is refused with them, changing
/// nothing.
#[utoipa::path(put, path = "/clusters/{cluster}/replication/flows", params(("cluster" = String, Path, description = "The Connect cluster to run the flow")), request_body = api_types::FlowDraft, responses((status = 200, body = api_types::FlowCheck), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("create on cluster"))))]
pub(super) async fn apply_flow(
    State(state): State<AppState>,
    Extension(me): Extension<Me>,
    ApiPath(cluster): ApiPath<String>,
    origin: ChangeOrigin,
    ApiJson(draft): ApiJson<FlowDraft>,
) -> Result<Json<FlowCheck>, ApiError> {
    let client = state.writable_cluster(&cluster)?;
    let caller = Caller {
        me: &me,
        role: Action::Create.role(),
    };
    let (report, connectors, existing) = check(&state, client, &caller, &draft).await?;
    if !report.valid {
        let errors: Vec<String> = report
            .connectors
            .iter()
            .flat_map(|c| {
                c.errors
                    .iter()
                    .map(move |(k, e)| format!("{}: {k}: {}", c.name, e.join("; ")))
            })
            .collect();
        return Err(ApiError::BadRequest(format!(
            "Connect refuses the flow: {}",
            errors.join(" · ")
        )));
    }
    for connector in connectors {
        let name = ConnectorName::new(&connector.name)?;
        let (call, body) = if existing.contains(&connector.name) {
            (ConnectCall::PutConfig(name), json!(connector.config))
        } else {
            let body = json!({ "name": connector.name, "config": connector.config });
            (ConnectCall::CreateConnector, body)
        };
        let mut intent = origin.intent(&call);
        intent.connector = Some(connector.name.clone());
        intent.config = Some(
            connector
                .config
                .into_iter()
                .map(|(k, v)| (k, Some(v)))
                .collect(),
        );
        change(&state, client, intent, &call, Some(&body)).await?;
    }
    Ok(Json(report))
}
