-- Webhooks through an outbox: a row is queued (attempts 0, not delivered) with the incident's
-- change that calls for it, and the replica leading the alerts sends the rows that are due.
-- While one sends a row it holds it until next_attempt_at_ms; a failed attempt sets when the
-- next is due.
alter table alert_notifications add column next_attempt_at_ms integer;
