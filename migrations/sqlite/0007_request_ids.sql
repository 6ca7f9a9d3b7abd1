-- Why: a request's id now travels from the caller through Connect into the history, and one
-- request (a bulk action, an offsets flow) makes several changes, so the id no longer belongs
-- to one row. SQLite cannot drop a constraint, so the table is rebuilt with its rows and
-- indexes, without `unique` on request_id and with an index to find a request's changes.
create table change_events_rebuilt (
    id integer primary key,
    request_id text not null,
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
