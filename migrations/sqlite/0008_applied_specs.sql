-- Why: connectors as code. `plugboard apply` records its changes with source 'apply' (the
-- table is rebuilt because SQLite cannot change a check constraint), and the specs last
-- applied to a cluster are kept so the console can show drift and strict clusters can refuse
-- edits made elsewhere.
create table change_events_rebuilt (
    id integer primary key,
    request_id text not null,
    started_at text not null,
    finished_at text,
    actor text not null,
    source text not null check (source in ('console', 'api', 'passthrough', 'rollback', 'auto_restart', 'apply')),
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

insert into change_events_rebuilt
select id, request_id, started_at, finished_at, actor, source, cluster_id, connector, action,
       action_detail, config_before, config_after, reason, outcome, http_status, message,
       duration_ms
from change_events;

drop table change_events;
alter table change_events_rebuilt rename to change_events;

create index change_events_by_connector on change_events (cluster_id, connector, id);
create index change_events_by_time on change_events (started_at);
create index change_events_by_request on change_events (request_id);

-- One row per cluster that specs were applied to: it is then managed.
create table applied_specs (
    cluster_id text primary key,
    applied_at text not null,
    applied_by text not null,
    git_commit text,
    strict integer not null default 0
);

-- The connectors of the last apply: the spec as written (references unresolved) and what the
-- comparison needs (json of specs::compare::Expected: fingerprints of resolved references,
-- the plugin's defaults).
create table applied_connectors (
    cluster_id text not null references applied_specs (cluster_id) on delete cascade,
    connector text not null,
    spec text not null,
    expected text not null,
    primary key (cluster_id, connector)
);
