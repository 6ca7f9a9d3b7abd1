//! Alert rules, incidents and the count of open incidents.

use api_types::{AlertRule, AlertSummary, Incident, RuleSpec, SilenceRequest};

use super::{ApiResult, Change, change_json, change_only, get_json};

pub(crate) async fn alert_summary() -> ApiResult<AlertSummary> {
    get_json("/api/v1/alerts/summary").await
}

pub(crate) async fn list_rules() -> ApiResult<Vec<AlertRule>> {
    get_json("/api/v1/alerts/rules").await
}

pub(crate) async fn create_rule(spec: RuleSpec) -> ApiResult<AlertRule> {
    change_json(Change::Post, "/api/v1/alerts/rules", &spec, None).await
}

pub(crate) async fn delete_rule(id: i64) -> ApiResult<()> {
    change_only(Change::Delete, &format!("/api/v1/alerts/rules/{id}")).await
}

pub(crate) async fn list_incidents() -> ApiResult<Vec<Incident>> {
    get_json("/api/v1/alerts/incidents?limit=200").await
}

pub(crate) async fn acknowledge_incident(id: i64) -> ApiResult<Incident> {
    change_json(
        Change::Post,
        &format!("/api/v1/alerts/incidents/{id}/acknowledge"),
        &(),
        None,
    )
    .await
}

pub(crate) async fn silence_incident(id: i64, minutes: u32) -> ApiResult<Incident> {
    let path = format!("/api/v1/alerts/incidents/{id}/silence");
    change_json(Change::Post, &path, &SilenceRequest { minutes }, None).await
}
