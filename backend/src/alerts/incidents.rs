//! Incidents and pending conditions in SQLite. At most one incident per rule and subject is
//! open (a unique index makes a second insert a no-op), so a restart of Plugboard continues
//! the incidents it left instead of opening them again.

use api_types::{AlertSummary, Incident, RuleKind};
use sqlx::{FromRow, SqlitePool};

use crate::db::StoreError;
use crate::secrets::known::scrub_text;

/// A rule's condition holding for a subject in one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub rule_id: i64,
    pub cluster: String,
    pub subject: String,
    pub value: Option<f64>,
    pub detail: String,
}

/// When the condition of `finding` started holding, recording now if it is new.
pub(crate) async fn condition_since(
    db: &SqlitePool,
    finding: &Finding,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "insert into alert_conditions (rule_id, cluster_id, subject, since_ms) values (?, ?, ?, ?) \
         on conflict do nothing",
    )
    .bind(finding.rule_id)
    .bind(&finding.cluster)
    .bind(&finding.subject)
    .bind(now_ms)
    .execute(db)
    .await?;
    sqlx::query_scalar(
        "select since_ms from alert_conditions where rule_id = ? and cluster_id = ? and subject = ?",
    )
    .bind(finding.rule_id)
    .bind(&finding.cluster)
    .bind(&finding.subject)
    .fetch_one(db)
    .await
}

/// Opens an incident for `finding` unless one is open; returns the new incident's id.
pub(crate) async fn open(db: &SqlitePool, finding: &Finding) -> sqlx::Result<Option<i64>> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "insert into incidents (rule_id, cluster_id, subject, opened_at, opening, worst_value) \
         values (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?) \
         on conflict do nothing returning id",
    )
    .bind(finding.rule_id)
    .bind(&finding.cluster)
    .bind(&finding.subject)
    .bind(scrub_text(&finding.detail))
    .bind(finding.value)
    .fetch_optional(db)
    .await?;
    if inserted.is_none() {
        sqlx::query(
            "update incidents set worst_value = max(coalesce(worst_value, ?1), ?1) \
             where rule_id = ?2 and cluster_id = ?3 and subject = ?4 and resolved_at is null",
        )
        .bind(finding.value)
        .bind(finding.rule_id)
        .bind(&finding.cluster)
        .bind(&finding.subject)
        .execute(db)
        .await?;
    }
    Ok(inserted)
}

/// An open incident or pending condition of a rule, by subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash, FromRow)]
pub(crate) struct Held {
    pub cluster_id: String,
    pub subject: String,
}

/// Subjects of `rule_id` with an open incident or a pending condition.
pub(crate) async fn held(db: &SqlitePool, rule_id: i64) -> sqlx::Result<Vec<Held>> {
    sqlx::query_as(
        "select cluster_id, subject from alert_conditions where rule_id = ?1 \
         union select cluster_id, subject from incidents where rule_id = ?1 and resolved_at is null",
    )
    .bind(rule_id)
    .fetch_all(db)
    .await
}

/// The condition cleared: forgets it and resolves its open incident (returning its id),
/// unless an automatic restart of that incident is still within its back-off. A restart has to
/// prove itself for that long: a task seen running for a moment before failing again must not
/// resolve the incident and start the restarts over.
pub(crate) async fn clear(
    db: &SqlitePool,
    rule_id: i64,
    held: &Held,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query(
        "delete from alert_conditions where rule_id = ? and cluster_id = ? and subject = ?",
    )
    .bind(rule_id)
    .bind(&held.cluster_id)
    .bind(&held.subject)
    .execute(db)
    .await?;
    sqlx::query_scalar(
        "update incidents set resolved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
         where rule_id = ? and cluster_id = ? and subject = ? and resolved_at is null \
         and coalesce(next_restart_at_ms, 0) <= ? returning id",
    )
    .bind(rule_id)
    .bind(&held.cluster_id)
    .bind(&held.subject)
    .bind(now_ms)
    .fetch_optional(db)
    .await
}

#[derive(FromRow)]
struct IncidentRow {
    id: i64,
    rule_id: i64,
    rule_name: String,
    kind: String,
    cluster_id: String,
    subject: String,
    opened_at: String,
    resolved_at: Option<String>,
    opening: String,
    worst_value: Option<f64>,
    acknowledged_at: Option<String>,
    silenced_until: Option<String>,
    restart_attempts: i64,
    restart_note: Option<String>,
}

/// The incident query with `$tail` (a literal: sqlx takes only literal SQL) appended.
macro_rules! select_incidents {
    ($tail:literal) => {
        concat!(
            "select i.id, i.rule_id, r.name as rule_name, r.kind, i.cluster_id, i.subject, ",
            "i.opened_at, i.resolved_at, i.opening, i.worst_value, i.acknowledged_at, ",
            "i.silenced_until, i.restart_attempts, i.restart_note ",
            "from incidents i join alert_rules r on r.id = i.rule_id ",
            $tail
        )
    };
}

impl IncidentRow {
    fn into_incident(self) -> Incident {
        Incident {
            id: self.id,
            rule_id: self.rule_id,
            rule_name: self.rule_name,
            kind: RuleKind::parse(&self.kind).unwrap_or(RuleKind::Failed),
            cluster: self.cluster_id,
            subject: self.subject,
            opened_at: self.opened_at,
            resolved_at: self.resolved_at,
            opening: self.opening,
            worst_value: self.worst_value,
            acknowledged_at: self.acknowledged_at,
            silenced_until: self.silenced_until,
            restart_attempts: u32::try_from(self.restart_attempts).unwrap_or(0),
            restart_note: self.restart_note,
        }
    }
}

/// `clusters` as the stores' queries take it: a JSON array, or null for every cluster.
fn clusters_json(clusters: Option<&[String]>) -> Option<String> {
    clusters.map(|c| serde_json::to_string(c).expect("names serialise"))
}

/// Incidents newest first: only open ones when `open_only`, only of `clusters` when given.
pub(crate) async fn list(
    db: &SqlitePool,
    open_only: bool,
    limit: u32,
    clusters: Option<&[String]>,
) -> Result<Vec<Incident>, StoreError> {
    let sql = select_incidents!(
        "where (?1 = 0 or i.resolved_at is null) \
         and (?3 is null or i.cluster_id in (select value from json_each(?3))) \
         order by i.id desc limit ?2"
    );
    let rows: Vec<IncidentRow> = sqlx::query_as(sql)
        .bind(open_only)
        .bind(limit)
        .bind(clusters_json(clusters))
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(IncidentRow::into_incident).collect())
}

/// Incident `id`, when it is one of `clusters` (given); not found otherwise.
pub(crate) async fn get(
    db: &SqlitePool,
    id: i64,
    clusters: Option<&[String]>,
) -> Result<Incident, StoreError> {
    let sql = select_incidents!(
        "where i.id = ?1 and (?2 is null or i.cluster_id in (select value from json_each(?2)))"
    );
    let row: Option<IncidentRow> = sqlx::query_as(sql)
        .bind(id)
        .bind(clusters_json(clusters))
        .fetch_optional(db)
        .await?;
    row.map(IncidentRow::into_incident)
        .ok_or_else(|| StoreError::NotFound(format!("no incident {id}")))
}

/// How many incidents are open and unacknowledged, of `clusters` when given.
pub(crate) async fn summary(
    db: &SqlitePool,
    clusters: Option<&[String]>,
) -> Result<AlertSummary, StoreError> {
    let (open, unacknowledged): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where acknowledged_at is null) from incidents \
         where resolved_at is null \
         and (?1 is null or cluster_id in (select value from json_each(?1)))",
    )
    .bind(clusters_json(clusters))
    .fetch_one(db)
    .await?;
    Ok(AlertSummary {
        open: u32::try_from(open).unwrap_or(0),
        unacknowledged: u32::try_from(unacknowledged).unwrap_or(0),
    })
}

pub(crate) async fn acknowledge(db: &SqlitePool, id: i64) -> Result<Incident, StoreError> {
    sqlx::query("update incidents set acknowledged_at = coalesce(acknowledged_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) where id = ?")
        .bind(id)
        .execute(db)
        .await?;
    get(db, id, None).await
}

pub(crate) async fn silence(
    db: &SqlitePool,
    id: i64,
    minutes: u32,
) -> Result<Incident, StoreError> {
    sqlx::query("update incidents set silenced_until = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || ? || ' minutes') where id = ?")
        .bind(minutes)
        .bind(id)
        .execute(db)
        .await?;
    get(db, id, None).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::scratch_db;

    fn finding(subject: &str) -> Finding {
        Finding {
            rule_id: 1,
            cluster: "c".into(),
            subject: subject.into(),
            value: Some(1.0),
            detail: "task FAILED".into(),
        }
    }

    fn subject(name: &str) -> Held {
        Held {
            cluster_id: "c".into(),
            subject: name.into(),
        }
    }

    #[tokio::test]
    async fn an_incident_resolves_when_clear_unless_its_automatic_restart_is_still_in_back_off() {
        let (db, path) = scratch_db("incidents-clear").await;
        sqlx::query(
            "insert into alert_rules (id, name, kind, created_at) values (1, 'r', 'failed', '')",
        )
        .execute(&db)
        .await
        .unwrap();
        let plain = open(&db, &finding("plain")).await.unwrap().unwrap();
        let restarted = open(&db, &finding("restarted")).await.unwrap().unwrap();
        sqlx::query(
            "update incidents set restart_attempts = 1, next_restart_at_ms = 5000 where id = ?",
        )
        .bind(restarted)
        .execute(&db)
        .await
        .unwrap();

        assert_eq!(
            clear(&db, 1, &subject("plain"), 1000).await.unwrap(),
            Some(plain)
        );
        assert_eq!(
            clear(&db, 1, &subject("restarted"), 1000).await.unwrap(),
            None
        );
        assert_eq!(held(&db, 1).await.unwrap(), [subject("restarted")]);
        assert_eq!(
            clear(&db, 1, &subject("restarted"), 5000).await.unwrap(),
            Some(restarted)
        );
        assert!(held(&db, 1).await.unwrap().is_empty());
        let _ = std::fs::remove_file(path);
    }

    #[tokio::test]
    async fn a_caller_limited_to_clusters_gets_a_full_page_and_counts_of_those_alone() {
        let (db, path) = scratch_db("incidents-clusters").await;
        sqlx::query(
            "insert into alert_rules (id, name, kind, created_at) values (1, 'r', 'failed', '')",
        )
        .execute(&db)
        .await
        .unwrap();
        let on = |cluster: &str, subject: &str| Finding {
            cluster: cluster.into(),
            ..finding(subject)
        };
        let dev = open(&db, &on("dev", "a")).await.unwrap().unwrap();
        let prod = open(&db, &on("prod", "b")).await.unwrap().unwrap();
        let dev_only = ["dev".to_owned()];

        // The newest incident is prod's: a limit taken before the filter would leave none.
        let page = list(&db, false, 1, Some(&dev_only)).await.unwrap();
        let hidden = get(&db, prod, Some(&dev_only)).await;
        let seen = get(&db, dev, Some(&dev_only)).await.unwrap();
        let counted = summary(&db, Some(&dev_only)).await.unwrap();
        let everything = summary(&db, None).await.unwrap();

        assert_eq!(page.iter().map(|i| i.id).collect::<Vec<_>>(), [dev]);
        assert!(matches!(hidden, Err(StoreError::NotFound(_))));
        assert_eq!(seen.cluster, "dev");
        assert_eq!((counted.open, everything.open), (1, 2));
        let _ = std::fs::remove_file(path);
    }
}
