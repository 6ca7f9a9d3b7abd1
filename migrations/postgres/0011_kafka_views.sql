-- The Kafka views the replicas share: the replica that leads a Kafka cluster's snapshots writes
-- each view here (JSON), and the others read it instead of reading Kafka themselves.
create table kafka_views (
    cluster_id text primary key,
    -- when the leader wrote it, by its clock: a follower reads the view again when it changes
    written_at_ms bigint not null,
    view text not null
);
