-- Why: lag charts (last hour, day, week) and lag alerts need each consumer group's lag over
-- time. Plugboard writes one row per group at every Kafka snapshot (resolution 0, kept 24 h);
-- older rows are folded into one row per minute holding the minute's highest lag (resolution
-- 60, kept 7 days), so a week of 500 groups stays a few million rows at most.
create table lag_points (
    cluster_id text not null,
    consumer_group text not null,
    resolution_s integer not null,
    at_ms integer not null,
    lag integer not null
);

create index lag_points_by_group on lag_points (cluster_id, consumer_group, at_ms);
create index lag_points_by_age on lag_points (resolution_s, at_ms);
