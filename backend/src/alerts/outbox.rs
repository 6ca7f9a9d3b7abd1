//! The outbox of webhooks: the events that call for one, queued as rows of
//! `alert_notifications` in the same transaction as the incident's change (opened, resolved,
//! reminded), for [`super::notify`] to send.

use crate::clock::now_iso;
use crate::db::{Db, on_db};

/// Queues `event` ($2) of incident $1, at $3; run in the transaction of the incident's change.
pub(crate) const QUEUE: &str = "insert into alert_notifications \
    (incident_id, event, attempts, delivered, sent_at) values ($1, $2, 0, false, $3)";
/// Marks incident $1 notified at $2 (the reminders count from it).
pub(crate) const NOTIFIED: &str = "update incidents set last_notified_at = $2 where id = $1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Open,
    Resolved,
    Reminder,
}

impl Event {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Event::Open => "open",
            Event::Resolved => "resolved",
            Event::Reminder => "reminder",
        }
    }

    pub(crate) fn parse(word: &str) -> Option<Self> {
        [Event::Open, Event::Resolved, Event::Reminder]
            .into_iter()
            .find(|e| e.as_str() == word)
    }
}

/// Queues a reminder of incident `id`, marking it notified.
pub(crate) async fn queue_reminder(db: &Db, id: i64) -> sqlx::Result<()> {
    let now = now_iso();
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let reminder = Event::Reminder.as_str();
        sqlx::query(QUEUE).bind(id).bind(reminder).bind(&now).execute(&mut *tx).await?;
        sqlx::query(NOTIFIED).bind(id).bind(&now).execute(&mut *tx).await?;
        tx.commit().await
    })
}
