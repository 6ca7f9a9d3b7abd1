-- Why: every state-changing operation on a Connect cluster (made from the console, the API, the
-- passthrough, a rollback or an automatic restart) is recorded here, failed attempts included,
-- so that operators can see who changed what, compare versions and roll back. A row is written
-- with outcome 'pending' before the call to Connect and completed after it.
create table change_events (
    id integer primary key,
    request_id text not null unique,
    started_at text not null,
    finished_at text,
    actor text not null,
    source text not null check (source in ('console', 'api', 'passthrough', 'rollback', 'auto_restart')),
    cluster_id text not null,
    connector text,
    action text not null,
    -- json: the action's parameters (restart flags, task id, the version a rollback restored)
    action_detail text,
    -- json: connector config before and after, secrets replaced by fingerprints
    config_before text,
    config_after text,
    reason text,
    outcome text not null default 'pending' check (outcome in ('pending', 'success', 'failure', 'unknown')),
    http_status integer,
    message text,
    duration_ms integer
);

create index change_events_by_connector on change_events (cluster_id, connector, id);
create index change_events_by_time on change_events (started_at);
