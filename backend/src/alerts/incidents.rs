//! Incidents and pending conditions in the database. At most one incident per rule and subject
//! is open (a unique index makes a second insert a no-op), so a restart of Plugboard continues
//! the incidents it left instead of opening them again.

use api_types::{AlertSummary, Incident, RuleKind};
use sqlx::{FromRow, QueryBuilder};

use super::outbox::{Event, NOTIFIED, QUEUE};
use crate::clock::{iso_millis, now_iso, now_ms};
use crate::db::{Db, StoreError, on_db, push_one_of};
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
pub(crate) async fn condition_since(db: &Db, finding: &Finding, now_ms: i64) -> sqlx::Result<i64> {
    let insert = "insert into alert_conditions (rule_id, cluster_id, subject, since_ms) \
                  values ($1, $2, $3, $4) on conflict do nothing";
    let select = "select since_ms from alert_conditions \
                  where rule_id = $1 and cluster_id = $2 and subject = $3";
    on_db!(db, pool => {
        sqlx::query(insert)
            .bind(finding.rule_id)
            .bind(&finding.cluster)
            .bind(&finding.subject)
            .bind(now_ms)
            .execute(pool)
            .await?;
        sqlx::query_scalar(select)
            .bind(finding.rule_id)
            .bind(&finding.cluster)
            .bind(&finding.subject)
            .fetch_one(pool)
            .await
    })
}

/// Opens an incident for `finding` unless one is open, queuing its `open` webhook with it when
/// the rule has one (see [`super::notify`]); returns the new incident's id.
pub(crate) async fn open(db: &Db, finding: &Finding, webhook: bool) -> sqlx::Result<Option<i64>> {
    let insert = "insert into incidents (rule_id, cluster_id, subject, opened_at, opening, \
                  worst_value) values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning id";
    let worse = "update incidents set worst_value = $1 \
                 where rule_id = $2 and cluster_id = $3 and subject = $4 and resolved_at is null \
                 and (worst_value is null or worst_value < $1)";
    let now = now_iso();
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let inserted: Option<i64> = sqlx::query_scalar(insert)
            .bind(finding.rule_id)
            .bind(&finding.cluster)
            .bind(&finding.subject)
            .bind(&now)
            .bind(scrub_text(&finding.detail))
            .bind(finding.value)
            .fetch_optional(&mut *tx)
            .await?;
        match inserted {
            Some(id) if webhook => {
                let open = Event::Open.as_str();
                sqlx::query(QUEUE).bind(id).bind(open).bind(&now).execute(&mut *tx).await?;
                sqlx::query(NOTIFIED).bind(id).bind(&now).execute(&mut *tx).await?;
            }
            Some(_) => {}
            None if finding.value.is_some() => {
                sqlx::query(worse)
                    .bind(finding.value)
                    .bind(finding.rule_id)
                    .bind(&finding.cluster)
                    .bind(&finding.subject)
                    .execute(&mut *tx)
                    .await?;
            }
            None => {}
        }
        tx.commit().await?;
        Ok(inserted)
    })
}

/// An open incident or pending condition of a rule, by subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash, FromRow)]
pub(crate) struct Held {
    pub cluster_id: String,
    pub subject: String,
}

/// Subjects of `rule_id` with an open incident or a pending condition.
pub(crate) async fn held(db: &Db, rule_id: i64) -> sqlx::Result<Vec<Held>> {
    let sql = "select cluster_id, subject from alert_conditions where rule_id = $1 \
               union select cluster_id, subject from incidents \
               where rule_id = $1 and resolved_at is null";
    on_db!(db, pool => sqlx::query_as(sql).bind(rule_id).fetch_all(pool).await)
}

/// The condition cleared: forgets it and resolves its open incident (returning its id, and
/// queuing its `resolved` webhook with it when the rule has one), unless an automatic restart
/// of that incident is still within its back-off. A restart has to prove itself for that
/// long: a task seen running for a moment before failing again must not resolve the incident
/// and start the restarts over.
pub(crate) async fn clear(
    db: &Db,
    rule_id: i64,
    held: &Held,
    now_ms: i64,
    webhook: bool,
) -> sqlx::Result<Option<i64>> {
    let forget = "delete from alert_conditions \
                  where rule_id = $1 and cluster_id = $2 and subject = $3";
    let resolve = "update incidents set resolved_at = $1 \
                   where rule_id = $2 and cluster_id = $3 and subject = $4 \
                   and resolved_at is null and coalesce(next_restart_at_ms, 0) <= $5 returning id";
    let now = now_iso();
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(forget)
            .bind(rule_id)
            .bind(&held.cluster_id)
            .bind(&held.subject)
            .execute(&mut *tx)
            .await?;
        let resolved: Option<i64> = sqlx::query_scalar(resolve)
            .bind(&now)
            .bind(rule_id)
            .bind(&held.cluster_id)
            .bind(&held.subject)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(id) = resolved
            && webhook
        {
            let event = Event::Resolved.as_str();
            sqlx::query(QUEUE).bind(id).bind(event).bind(&now).execute(&mut *tx).await?;
            sqlx::query(NOTIFIED).bind(id).bind(&now).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(resolved)
    })
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

/// Incidents newest first: only open ones when `open_only`, only of `clusters` when given.
pub(crate) async fn list(
    db: &Db,
    open_only: bool,
    limit: u32,
    clusters: Option<&[String]>,
) -> Result<Vec<Incident>, StoreError> {
    let rows: Vec<IncidentRow> = on_db!(db, pool => {
        let mut query = QueryBuilder::new(select_incidents!("where 1 = 1"));
        if open_only {
            query.push(" and i.resolved_at is null");
        }
        push_one_of(&mut query, "i.cluster_id", clusters);
        query.push(" order by i.id desc limit ").push_bind(i64::from(limit));
        query.build_query_as().fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(IncidentRow::into_incident).collect())
}

/// Incident `id`, when it is one of `clusters` (given); not found otherwise.
pub(crate) async fn get(
    db: &Db,
    id: i64,
    clusters: Option<&[String]>,
) -> Result<Incident, StoreError> {
    let row: Option<IncidentRow> = on_db!(db, pool => {
        let mut query = QueryBuilder::new(select_incidents!("where i.id = "));
        query.push_bind(id);
        push_one_of(&mut query, "i.cluster_id", clusters);
        query.build_query_as().fetch_optional(pool).await
    })?;
    row.map(IncidentRow::into_incident)
        .ok_or_else(|| StoreError::NotFound(format!("no incident {id}")))
}

/// How many incidents are open and unacknowledged, of `clusters` when given.
pub(crate) async fn summary(
    db: &Db,
    clusters: Option<&[String]>,
) -> Result<AlertSummary, StoreError> {
    let (open, unacknowledged): (i64, i64) = on_db!(db, pool => {
        let mut query = QueryBuilder::new(
            "select count(*), count(*) filter (where acknowledged_at is null) from incidents \
             where resolved_at is null",
        );
        push_one_of(&mut query, "cluster_id", clusters);
        query.build_query_as().fetch_one(pool).await
    })?;
    Ok(AlertSummary {
        open: u32::try_from(open).unwrap_or(0),
        unacknowledged: u32::try_from(unacknowledged).unwrap_or(0),
    })
}

pub(crate) async fn acknowledge(db: &Db, id: i64) -> Result<Incident, StoreError> {
    let sql = "update incidents set acknowledged_at = coalesce(acknowledged_at, $1) where id = $2";
    on_db!(db, pool => sqlx::query(sql).bind(now_iso()).bind(id).execute(pool).await.map(drop))?;
    get(db, id, None).await
}

pub(crate) async fn silence(db: &Db, id: i64, minutes: u32) -> Result<Incident, StoreError> {
    let until = iso_millis(now_ms().saturating_add(i64::from(minutes) * 60_000));
    let sql = "update incidents set silenced_until = $1 where id = $2";
    on_db!(db, pool => sqlx::query(sql).bind(until).bind(id).execute(pool).await.map(drop))?;
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

    async fn add_rule(db: &Db) {
        let sql =
            "insert into alert_rules (id, name, kind, created_at) values (1, 'r', 'failed', '')";
        on_db!(db, pool => sqlx::query(sql).execute(pool).await.map(drop).unwrap());
    }

    fn subject(name: &str) -> Held {
        Held {
            cluster_id: "c".into(),
            subject: name.into(),
        }
    }

    #[tokio::test]
    async fn an_incident_resolves_when_clear_unless_its_automatic_restart_is_still_in_back_off() {
        let db = scratch_db("incidents-clear").await;
        add_rule(&db).await;
        let plain = open(&db, &finding("plain"), false).await.unwrap().unwrap();
        let restarted = open(&db, &finding("restarted"), false)
            .await
            .unwrap()
            .unwrap();
        let backing_off =
            "update incidents set restart_attempts = 1, next_restart_at_ms = 5000 where id = $1";
        on_db!(&db, pool => sqlx::query(backing_off).bind(restarted).execute(pool).await.map(drop).unwrap());

        assert_eq!(
            clear(&db, 1, &subject("plain"), 1000, false).await.unwrap(),
            Some(plain)
        );
        assert_eq!(
            clear(&db, 1, &subject("restarted"), 1000, false)
                .await
                .unwrap(),
            None
        );
        assert_eq!(held(&db, 1).await.unwrap(), [subject("restarted")]);
        assert_eq!(
            clear(&db, 1, &subject("restarted"), 5000, false)
                .await
                .unwrap(),
            Some(restarted)
        );
        assert!(held(&db, 1).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_caller_limited_to_clusters_gets_a_full_page_and_counts_of_those_alone() {
        let db = scratch_db("incidents-clusters").await;
        add_rule(&db).await;
        let on = |cluster: &str, subject: &str| Finding {
            cluster: cluster.into(),
            ..finding(subject)
        };
        let dev = open(&db, &on("dev", "a"), false).await.unwrap().unwrap();
        let prod = open(&db, &on("prod", "b"), false).await.unwrap().unwrap();
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
    }
}
