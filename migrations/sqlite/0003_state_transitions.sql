-- Why: connectors and tasks change state without anyone asking (a task fails, a rebalance
-- moves it to another worker). Plugboard polls Connect and keeps each change it sees, so the
-- connector page answers "what changed just before it broke". One row per change of state or
-- worker of a connector (task_id null) or of one task.
create table state_transitions (
    id integer primary key,
    seen_at text not null,
    cluster_id text not null,
    connector text not null,
    task_id integer,
    -- null the first time Plugboard sees this connector or task
    state_before text,
    state_after text not null,
    worker_before text,
    worker_after text,
    -- the trace's "Caused by" line (or first line) when the new state carries a trace
    cause text
);

create index state_transitions_by_connector on state_transitions (cluster_id, connector, id);
create index state_transitions_by_time on state_transitions (seen_at);
