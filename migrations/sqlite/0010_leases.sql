-- Several replicas on one database: which replica leads each background job (a lease its holder
-- renews; another takes it once it has expired), and which replica wrote each change, so the
-- leader of reconciliation settles only the changes of replicas that are gone.
create table leases (
    job text not null,
    -- the Connect cluster the job works on, '*' for a job of all clusters, or for the job
    -- `replica` the replica whose liveness the lease is
    cluster_id text not null,
    holder text not null,
    expires_at_ms integer not null,
    primary key (job, cluster_id)
);

alter table change_events add column replica text;
