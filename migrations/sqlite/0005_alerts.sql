-- Why: alerting on connector failures, lag and partition health needs rules that outlive a
-- restart, incidents kept as history (one open per rule and subject at a time), and the
-- progress of conditions that must hold for a while, so a restart of Plugboard neither loses
-- nor duplicates an incident.
create table alert_rules (
    id integer primary key,
    name text not null,
    -- not_running, failed, lag_above, lag_trend, time_lag_above, topics_unhealthy, unreachable
    kind text not null,
    -- null: every cluster
    cluster_id text,
    -- a connector-name pattern with * wildcards; null: every connector
    connector_pattern text,
    threshold real,
    for_seconds integer not null default 0,
    -- lag_trend: samples judged, and the lag below which all is OK
    samples integer,
    allowed_lag integer,
    webhook_url text,
    -- json or slack
    webhook_format text not null default 'json',
    repeat_seconds integer,
    auto_restart integer not null default 0,
    max_restarts integer not null default 3,
    created_at text not null
);

create table incidents (
    id integer primary key,
    rule_id integer not null references alert_rules (id) on delete cascade,
    cluster_id text not null,
    -- the connector name, or the cluster itself for unreachable
    subject text not null,
    opened_at text not null,
    resolved_at text,
    -- what the evaluation that opened it saw
    opening text not null,
    worst_value real,
    acknowledged_at text,
    silenced_until text,
    last_notified_at text,
    restart_attempts integer not null default 0,
    next_restart_at_ms integer,
    restart_note text
);

create unique index incidents_one_open on incidents (rule_id, cluster_id, subject)
    where resolved_at is null;
create index incidents_by_time on incidents (opened_at);

-- A condition that holds but not yet for the rule's for_seconds.
create table alert_conditions (
    rule_id integer not null references alert_rules (id) on delete cascade,
    cluster_id text not null,
    subject text not null,
    since_ms integer not null,
    primary key (rule_id, cluster_id, subject)
);

create table alert_notifications (
    id integer primary key,
    incident_id integer not null references incidents (id) on delete cascade,
    event text not null,
    attempts integer not null,
    delivered integer not null,
    status integer,
    error text,
    sent_at text not null
);
