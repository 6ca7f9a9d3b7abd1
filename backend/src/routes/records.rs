//! Record contents over HTTP: the record browser of any topic, a connector's dead letters with
//! their causes, and replaying them. Contents need the `read_records_role` on the cluster, and
//! every read and replay is a history event.

use api_types::{Action, DeadLetters, Health, RecordPage, ReplayReport, ReplayRequest};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiPath, ApiQuery, ChangeOrigin, ConnectorPath};
use crate::config::InternalTopicsView;
use crate::error::ApiError;
use crate::records::read::{Reading, Start, page, read};
use crate::records::{dlq, internal, kafka_config, masked, replay};
use crate::state::AppState;
use plugboard_connect::Freshness;

/// Records per page at most, and by default.
const MAX_PAGE: usize = 500;
const DEFAULT_PAGE: usize = 50;
/// Each key, value and header value is shown up to this many bytes.
const SHOWN_BYTES: usize = 16 * 1024;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read_records))
        .routes(routes!(dead_letters_of))
        .routes(routes!(replay_dead_letters))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RecordsQuery {
    /// One partition (default: all).
    partition: Option<i32>,
    /// Start at this offset...
    offset: Option<i64>,
    /// ...or at the first record at or after this time (ms since the epoch); default: the
    /// newest `limit` records of each partition.
    since_ms: Option<i64>,
    /// Records at most (default 50, at most 500).
    limit: Option<usize>,
}

/// Records of a topic, bounded in count, bytes and time; keys, values and headers as text or
/// hex, cut at 16 KiB with their size.
#[utoipa::path(get, path = "/clusters/{cluster}/topics/{topic}/records", params(("cluster" = String, Path, description = "The cluster's id"), ("topic" = String, Path, description = "The topic"), RecordsQuery), responses((status = 200, body = api_types::RecordPage), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn read_records(
    State(state): State<AppState>,
    ApiPath((cluster, topic)): ApiPath<(String, String)>,
    origin: ChangeOrigin,
    ApiQuery(query): ApiQuery<RecordsQuery>,
) -> Result<Json<RecordPage>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    origin.require(state.settings.access.read_records_role, &cluster)?;
    let config = kafka_config(client.cluster())?;
    let view = state.settings.access.internal_topics;
    let named = internal::by_name(&state.settings.clusters, &topic);
    if let (Some(kind), InternalTopicsView::Refused) = (named, view) {
        return Err(ApiError::Forbidden(internal::refusal(&topic, kind)));
    }
    let reading = reading_of(&topic, &query, state.settings.kafka_timeout)?;
    let permit = state.record_reads.enter(&cluster)?;
    let raw = tokio::task::spawn_blocking(move || read(&config, &reading))
        .await
        .map_err(|e| ApiError::KafkaUnavailable(e.to_string()))??;
    drop(permit);
    let connects = named.or_else(|| internal::by_content(&raw.records));
    let mut page = page(&topic, SHOWN_BYTES, raw);
    match (connects, view) {
        (Some(kind), InternalTopicsView::Refused) => {
            return Err(ApiError::Forbidden(internal::refusal(&topic, kind)));
        }
        (Some(_), InternalTopicsView::Masked) => masked::mask_page(client, &mut page).await,
        (None, _) => {}
    }
    let detail = json!({
        "topic": topic,
        "partition": query.partition,
        "offset": query.offset,
        "since_ms": query.since_ms,
        "records": page.records.len(),
    });
    let intent = origin.local_intent(Action::RecordsRead, None, detail);
    state
        .history
        .record_done(&cluster, intent, api_types::Outcome::Success, None)
        .await?;
    Ok(Json(page))
}

/// What a page of the record browser reads; a negative partition, offset or time is refused
/// (librdkafka would fail on it, as a Kafka error).
fn reading_of(
    topic: &str,
    query: &RecordsQuery,
    max_time: std::time::Duration,
) -> Result<Reading, ApiError> {
    let negative = [
        ("partition", query.partition.map(i64::from)),
        ("offset", query.offset),
        ("since_ms", query.since_ms),
    ]
    .into_iter()
    .find(|(_, value)| value.is_some_and(|v| v < 0));
    if let Some((name, value)) = negative {
        return Err(ApiError::BadRequest(format!(
            "`{name}` must be 0 or more, not {}",
            value.unwrap_or_default()
        )));
    }
    let limit = query.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let start = match (query.offset, query.since_ms) {
        (Some(offset), _) => Start::Offset(offset),
        (None, Some(ms)) => Start::Time(ms),
        (None, None) => Start::Newest(limit as u64),
    };
    Ok(Reading {
        topic: topic.to_owned(),
        partition: query.partition,
        start,
        max_records: limit,
        max_bytes: 8 * 1024 * 1024,
        max_time,
    })
}

/// Whether the connector skips failed records, and its dead letter queue: size, records of the
/// last hour, the newest, a warning when it fills while the connector looks healthy, and (for
/// callers who may read record contents) the latest dead letters grouped by cause.
#[utoipa::path(get, path = "/clusters/{cluster}/connectors/{name}/dead-letters", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), responses((status = 200, body = api_types::DeadLetters), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("viewer on cluster"))))]
async fn dead_letters_of(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
    origin: ChangeOrigin,
) -> Result<Json<DeadLetters>, ApiError> {
    let client = state.clusters.get(&cluster)?;
    let config = client.live_config(&name).await.ok_or_else(|| {
        ApiError::NotFound(format!("no connector `{name}` on cluster `{cluster}`"))
    })?;
    let tolerates_errors = dlq::tolerates_errors(&config);
    let Some(topic) = dlq::dlq_topic(&config) else {
        return Ok(Json(DeadLetters {
            tolerates_errors,
            dlq: None,
        }));
    };
    let kafka = kafka_config(client.cluster())?;
    let groups = origin
        .require(state.settings.access.read_records_role, &cluster)
        .is_ok();
    let context_headers = config
        .get("errors.deadletterqueue.context.headers.enable")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut summary = match state.dead_letters.get(&cluster, &topic, groups) {
        Some(summary) => summary,
        None => {
            let _permit = state.record_reads.enter(&cluster)?;
            let now = crate::clock::now_ms();
            let read_topic = topic.clone();
            let summary = tokio::task::spawn_blocking(move || {
                dlq::summarize(&kafka, &read_topic, context_headers, groups, now)
            })
            .await
            .map_err(|e| ApiError::KafkaUnavailable(e.to_string()))??;
            state
                .dead_letters
                .put(&cluster, &topic, groups, summary.clone());
            summary
        }
    };
    let healthy = client
        .connector_summaries(Freshness::Cached)
        .await?
        .into_iter()
        .any(|c| c.name == name.as_str() && c.health == Health::Healthy);
    summary.failing_quietly = healthy && summary.last_hour.unwrap_or(0) > 0;
    Ok(Json(DeadLetters {
        tolerates_errors,
        dlq: Some(summary),
    }))
}

/// Produces chosen dead letters again (some, or an error group's) to the topic each came from
/// or to `target`; with `dry_run`, only says how many and where. At least once.
#[utoipa::path(post, path = "/clusters/{cluster}/connectors/{name}/dead-letters/replay", params(("cluster" = String, Path, description = "The cluster's id"), ("name" = String, Path, description = "The connector's name")), request_body = api_types::ReplayRequest, responses((status = 200, body = api_types::ReplayReport), (status = "default", description = "An error, in the one error shape", body = api_types::ErrorBody)), extensions(("x-plugboard-needs" = json!("replay on cluster"))))]
async fn replay_dead_letters(
    State(state): State<AppState>,
    ConnectorPath { cluster, name }: ConnectorPath,
    origin: ChangeOrigin,
    ApiJson(request): ApiJson<ReplayRequest>,
) -> Result<Json<ReplayReport>, ApiError> {
    let client = state.writable_cluster(&cluster)?;
    origin.require(state.settings.access.read_records_role, &cluster)?;
    let config = client.live_config(&name).await.ok_or_else(|| {
        ApiError::NotFound(format!("no connector `{name}` on cluster `{cluster}`"))
    })?;
    let topic = dlq::dlq_topic(&config).ok_or_else(|| {
        ApiError::BadRequest(format!("connector `{name}` has no dead letter queue"))
    })?;
    let kafka = kafka_config(client.cluster())?;
    let (asked, dlq_topic, settings) = (request.clone(), topic.clone(), state.settings.clone());
    let _permit = state.record_reads.enter(&cluster)?;
    let report = tokio::task::spawn_blocking(move || {
        replay::replay(&kafka, &dlq_topic, &asked, &settings.clusters)
    })
    .await
    .map_err(|e| ApiError::KafkaUnavailable(e.to_string()))??;
    if !report.dry_run {
        let detail = json!({
            "dead_letter_topic": topic,
            "group": request.group,
            "selected": report.selected,
            "targets": report.targets,
            "refused": report.refused,
            "produced": report.produced,
            "failed": report.failed,
        });
        let outcome = if report.failed == 0 {
            api_types::Outcome::Success
        } else {
            api_types::Outcome::Failure
        };
        state.dead_letters.forget(&cluster, &topic);
        let intent = origin.local_intent(Action::Replay, Some(name.as_str().to_owned()), detail);
        state
            .history
            .record_done(&cluster, intent, outcome, None)
            .await?;
    }
    Ok(Json(report))
}
